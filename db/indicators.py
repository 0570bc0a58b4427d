"""Aggregates for figures over a period, each from an indexed range.

One set of definitions serves the unit (its `dossiers`, one total) and the
province (`province_dossiers`, one total per unit): a `Source` names the table
and the column to group by. Early / on time / late are the rule of
counter/dossier.py `judge` as SQL over ISO 8601 text (the date is its first ten
characters), counted for results proper (rejections and stops have their own
columns); tests/db/test_indicators.py proves both agree over random dossiers.
docs/rules.md, "Chỉ tiêu / Indicators", gives each count's source.
"""

from dataclasses import dataclass

import sqlite_utils

from db.migrations import DAY_ENDED, DAY_PARTS, day_share


@dataclass(frozen=True)
class Source:
    table: str
    group: str | None = None  # None: one total


UNIT = Source("dossiers")
PROVINCE = Source("province_dossiers", "unit_id")

# A result proper: a dossier that ended neither rejected nor stopped (its statuses are bound: _aggregate).
_RESULT = "status NOT IN (:rejected, :stopped)"
_LATE = "(result_at > due_at OR late_at_supplement = 1)"  # counter/dossier.py judge, with late_before
_EARLY = "result_at <= due_at AND late_at_supplement = 0 AND substr(result_at, 1, 10) < substr(due_at, 1, 10)"
_ON_TIME = "result_at <= due_at AND late_at_supplement = 0 AND substr(result_at, 1, 10) = substr(due_at, 1, 10)"
# QĐ 766 satisfaction index: late, unsatisfied or complained about (docs/rules.md, "Chỉ tiêu", I9).
_FAILED = f"({_LATE} OR rating = 'unsatisfied' OR complaints > 0)"
_SATISFIED = "rating IN ('very-satisfied', 'satisfied')"

RECEIVED = {
    "received": "count(*)", "digitized": "sum(digitized)", "online": "sum(channel = 'online')",
    "postal": "sum(channel = 'postal' OR return_channel = 'postal')", "reused": "sum(reused OR data_reused)",
    "returning": "sum(returning_applicant)", "reused_returning": "sum((reused OR data_reused) AND returning_applicant)",
    "eligible_received": "sum(online_level = 'full')",
    "eligible_online": "sum(online_level = 'full' AND channel = 'online')",
    "with_fee": "sum(fee > 0)", "paid_online": "sum(fee > 0 AND payment = 'online')",
}
RESOLVED = {
    "resolved": "count(*)",
    "results": f"sum({_RESULT})",
    "rejected": "sum(status = :rejected)",
    "stopped": "sum(status = :stopped)",
    "early": f"sum({_RESULT} AND {_EARLY})",
    "on_time": f"sum({_RESULT} AND {_ON_TIME})",
    "late": f"sum({_RESULT} AND {_LATE})",
    "late_apologized": f"sum({_RESULT} AND {_LATE} AND apology_at IS NOT NULL)",
    "late_apologized_on_time": f"sum({_RESULT} AND {_LATE} AND apology_at IS NOT NULL AND apology_late = 0)",
    "result_digitized": f"sum({_RESULT} AND result_digitized)",
    # QĐ 766 progress: every end status; by the due date, and at most one supplement request.
    "progress_on_time": "sum(result_at <= due_at AND late_at_supplement = 0 AND supplements <= 1)",
    "complained": "sum(complaints > 0)",
    "satisfaction_failed": f"sum({_FAILED})",
    "lci_resolved": "sum(lci)",
    "lci_failed": f"sum(lci AND {_FAILED})",
}
RETURNED = {
    "returned": "count(*)", "very_satisfied": "sum(rating = 'very-satisfied')",
    "satisfied": "sum(rating = 'satisfied')", "unsatisfied": "sum(rating = 'unsatisfied')",
    "rated_citizen": "sum(rating IS NOT NULL AND rating_by = 'citizen')",
    "satisfied_citizen": f"sum({_SATISFIED} AND rating_by = 'citizen')",
    # Before schema 5 every rating was keyed by the officer: no rating_by counts as the officer's.
    "rated_officer": "sum(rating IS NOT NULL AND coalesce(rating_by, '') <> 'citizen')",
    "satisfied_officer": f"sum({_SATISFIED} AND coalesce(rating_by, '') <> 'citizen')",
    "lci_rated": "sum(lci AND rating IS NOT NULL)", "lci_satisfied": f"sum(lci AND {_SATISFIED})",
}
OPEN = ("in_progress", "overdue")
NAMES = (*RECEIVED, *RESOLVED, *RETURNED, *OPEN)


def received(db: sqlite_utils.Database, start: str, end: str, source: Source = UNIT) -> dict:
    return _one(source, _aggregate(db, source, RECEIVED, "received_at", start, end), tuple(RECEIVED))


def resolved(db: sqlite_utils.Database, start: str, end: str, ended: tuple[str, str], source: Source = UNIT) -> dict:
    """`ended`: the statuses (rejected, stopped) that end a dossier without a result proper."""
    return _one(source, _aggregate(db, source, RESOLVED, "result_at", start, end, ended), tuple(RESOLVED))


def returned(db: sqlite_utils.Database, start: str, end: str, source: Source = UNIT) -> dict:
    return _one(source, _aggregate(db, source, RETURNED, "returned_at", start, end), tuple(RETURNED))


def open_at(db: sqlite_utils.Database, moment: str, paused: str, source: Source = UNIT) -> dict:
    """Dossiers received before `moment` without a result by then, and those of them past due
    (a dossier in status `paused`, waiting for a supplement, has its clock stopped, unless it was
    asked for the supplement after its due date)."""
    return _one(source, _open(db, moment, paused, source), OPEN)


def counts(db: sqlite_utils.Database, start: str, end: str, paused: str, ended: tuple[str, str],
           source: Source = UNIT) -> dict:
    """Every count (NAMES) over [start, end), the open ones at `end` (`paused`: as open_at;
    `ended`: as resolved): one dict, or {group: dict}. The unit's whole days are summed from
    `daily_figures` (a few rows a month instead of every dossier); any other period reads the rows."""
    if source == UNIT and _whole_days(start, end) and ended == DAY_ENDED:
        parts: tuple[dict, ...] = (_days(db, start, end),)
    else:
        parts = (
            _aggregate(db, source, RECEIVED, "received_at", start, end),
            _aggregate(db, source, RESOLVED, "result_at", start, end, ended),
            _aggregate(db, source, RETURNED, "returned_at", start, end),
        )
    merged: dict = {}
    for part in (*parts, _open(db, end, paused, source)):
        for key, values in part.items():
            merged.setdefault(key, dict.fromkeys(NAMES, 0)).update(values)
    return _one(source, merged, NAMES)


def _aggregate(db: sqlite_utils.Database, source: Source, columns: dict[str, str], column: str,
               start: str, end: str, ended: tuple[str, str] = ("", "")) -> dict:
    rows = db.execute(
        f"SELECT {source.group or '0'}, " + ", ".join(columns.values())
        + f" FROM {source.table} WHERE {column} >= :start AND {column} < :end GROUP BY 1",
        {"start": start, "end": end, "rejected": ended[0], "stopped": ended[1]},
    )
    return {row[0]: {name: value or 0 for name, value in zip(columns, row[1:], strict=False)} for row in rows}


def _whole_days(start: str, end: str) -> bool:
    return len(start) == len(end) == 19 and start.endswith("T00:00:00") and end.endswith("T00:00:00")


# `daily_figures` holds, per day, each row's share of RECEIVED, RESOLVED and RETURNED as the step that made
# the table froze them (db/migrations.py); tests/db/test_indicators.py proves the sums equal the aggregates.
DAILY = (*RECEIVED, *RESOLVED, *RETURNED)


def _days(db: sqlite_utils.Database, start: str, end: str) -> dict:
    row = db.execute(
        "SELECT " + ", ".join(f'total("{name}")' for name in DAILY)
        + " FROM daily_figures WHERE day >= ? AND day < ?", [start[:10], end[:10]],
    ).fetchone()
    return {0: {name: int(value) for name, value in zip(DAILY, row, strict=True)}}


def daily_differences(db: sqlite_utils.Database) -> list[tuple[str, str, int, int]]:
    """(day, figure, kept, counted) wherever `daily_figures` differs from the dossiers themselves."""
    counted: dict[str, dict[str, int]] = {}
    for column, figures in DAY_PARTS:
        sums = ", ".join(f"sum({share})" for share in day_share(figures, "dossiers"))
        for day, *values in db.execute(f"SELECT substr({column}, 1, 10), {sums} FROM dossiers"
                                       f" WHERE {column} IS NOT NULL GROUP BY 1"):
            counted.setdefault(day, {}).update(zip(figures, values, strict=True))
    kept = {day: dict(zip(DAILY, values, strict=True)) for day, *values in db.execute(
        "SELECT day, " + ", ".join(f'"{name}"' for name in DAILY) + " FROM daily_figures")}
    found = []
    for day in sorted(counted.keys() | kept.keys()):
        for name in DAILY:
            theirs, ours = kept.get(day, {}).get(name, 0), counted.get(day, {}).get(name, 0)
            if theirs != ours:
                found.append((day, name, theirs, ours))
    return found


def _open(db: sqlite_utils.Database, moment: str, paused: str, source: Source) -> dict:
    # Two indexed ranges: still without a result, and resolved only after `moment`.
    rows = db.execute(
        "SELECT g, count(*), sum((due_at < :m AND status <> :paused) OR late_at_supplement = 1) FROM ("
        f" SELECT {source.group or '0'} AS g, due_at, status, late_at_supplement FROM {source.table}"
        " WHERE result_at IS NULL AND received_at < :m"
        f" UNION ALL SELECT {source.group or '0'}, due_at, status, late_at_supplement FROM {source.table}"
        " WHERE result_at >= :m AND received_at < :m"
        ") GROUP BY g",
        {"m": moment, "paused": paused},
    )
    return {row[0]: {name: value or 0 for name, value in zip(OPEN, row[1:], strict=False)} for row in rows}


def _one(source: Source, grouped: dict, names: tuple[str, ...]) -> dict:
    """The single total of an ungrouped source (zeros when nothing matched), else the groups."""
    if source.group is not None:
        return grouped
    return grouped.get(0, dict.fromkeys(names, 0))
