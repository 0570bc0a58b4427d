"""Aggregates for figures over a period, each from an indexed range.

One set of definitions serves the unit (its `dossiers`, one total) and the
province (`province_dossiers`, one total per unit): a `Source` names the table
and the column to group by. Early / on time / late are the rule of
counter/dossier.py `judge` as SQL over ISO 8601 text (the date is its first ten
characters); tests/db/test_indicators.py proves both agree over random dossiers.
"""

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Source:
    table: str
    group: str | None = None  # None: one total


UNIT = Source("dossiers")
PROVINCE = Source("province_dossiers", "unit_id")

RECEIVED = {
    "received": "count(*)", "digitized": "sum(digitized)", "online": "sum(channel = 'online')",
    "postal": "sum(channel = 'postal' OR return_channel = 'postal')", "reused": "sum(reused)",
}
RESOLVED = {
    "resolved": "count(*)",
    "early": "sum(result_at <= due_at AND substr(result_at, 1, 10) < substr(due_at, 1, 10))",
    "on_time": "sum(result_at <= due_at AND substr(result_at, 1, 10) = substr(due_at, 1, 10))",
    "late": "sum(result_at > due_at)",
    "late_apologized": "sum(result_at > due_at AND apology_at IS NOT NULL)",
    "result_digitized": "sum(result_digitized)",
}
RETURNED = {
    "returned": "count(*)", "very_satisfied": "sum(rating = 'very-satisfied')",
    "satisfied": "sum(rating = 'satisfied')", "unsatisfied": "sum(rating = 'unsatisfied')",
}
OPEN = ("in_progress", "overdue")
NAMES = (*RECEIVED, *RESOLVED, *RETURNED, *OPEN)


def received(db: sqlite_utils.Database, start: str, end: str, source: Source = UNIT) -> dict:
    return _one(source, _aggregate(db, source, RECEIVED, "received_at", start, end), tuple(RECEIVED))


def resolved(db: sqlite_utils.Database, start: str, end: str, source: Source = UNIT) -> dict:
    return _one(source, _aggregate(db, source, RESOLVED, "result_at", start, end), tuple(RESOLVED))


def returned(db: sqlite_utils.Database, start: str, end: str, source: Source = UNIT) -> dict:
    return _one(source, _aggregate(db, source, RETURNED, "returned_at", start, end), tuple(RETURNED))


def open_at(db: sqlite_utils.Database, moment: str, paused: str, source: Source = UNIT) -> dict:
    """Dossiers received before `moment` without a result by then, and those of them past due
    (a dossier in status `paused`, waiting for a supplement, has its clock stopped)."""
    return _one(source, _open(db, moment, paused, source), OPEN)


def counts(db: sqlite_utils.Database, start: str, end: str, paused: str, source: Source = UNIT) -> dict:
    """Every count (NAMES) over [start, end), the open ones at `end` (`paused`: as open_at):
    one dict, or {group: dict}."""
    merged: dict = {}
    for part in (
        _aggregate(db, source, RECEIVED, "received_at", start, end),
        _aggregate(db, source, RESOLVED, "result_at", start, end),
        _aggregate(db, source, RETURNED, "returned_at", start, end),
        _open(db, end, paused, source),
    ):
        for key, values in part.items():
            merged.setdefault(key, dict.fromkeys(NAMES, 0)).update(values)
    return _one(source, merged, NAMES)


def _aggregate(db: sqlite_utils.Database, source: Source, columns: dict[str, str], column: str,
               start: str, end: str) -> dict:
    rows = db.execute(
        f"SELECT {source.group or '0'}, " + ", ".join(columns.values())
        + f" FROM {source.table} WHERE {column} >= :start AND {column} < :end GROUP BY 1",
        {"start": start, "end": end},
    )
    return {row[0]: {name: value or 0 for name, value in zip(columns, row[1:])} for row in rows}


def _open(db: sqlite_utils.Database, moment: str, paused: str, source: Source) -> dict:
    # Two indexed ranges: still without a result, and resolved only after `moment`.
    rows = db.execute(
        "SELECT g, count(*), sum(due_at < :m AND status <> :paused) FROM ("
        f" SELECT {source.group or '0'} AS g, due_at, status FROM {source.table}"
        " WHERE result_at IS NULL AND received_at < :m"
        f" UNION ALL SELECT {source.group or '0'}, due_at, status FROM {source.table}"
        " WHERE result_at >= :m AND received_at < :m"
        ") GROUP BY g",
        {"m": moment, "paused": paused},
    )
    return {row[0]: {name: value or 0 for name, value in zip(OPEN, row[1:])} for row in rows}


def _one(source: Source, grouped: dict, names: tuple[str, ...]) -> dict:
    """The single total of an ungrouped source (zeros when nothing matched), else the groups."""
    if source.group is not None:
        return grouped
    return grouped.get(0, dict.fromkeys(names, 0))
