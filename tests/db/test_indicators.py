"""One rule, one place: the fast SQL counts of db/indicators.py and the late list of
db/dossiers.py say what counter/dossier.py's `judge` and `Dossier.late` say, dossier by
dossier, over random dossiers (times on the same day, a minute either side of the due
time, days apart)."""

from collections import Counter
from datetime import datetime, time, timedelta

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from counter.clock import iso
from counter.dossier import Dossier, judge
from counter.transitions import Status
from db import dossiers as dossier_table
from db import indicators, migrations

BASE = datetime(2025, 3, 3, 9, 0)
WHOLE = (0, 40 * 24 * 60)  # a period holding every dossier


def _result(due: datetime, choice: str, minutes: int) -> datetime:
    """A result at a boundary of the rule: the due time itself, a minute either side, the
    due day's first and last minute, the last minute of the day before; or anywhere."""
    day = datetime.combine(due.date(), time())
    return {
        "due": due, "before": due - timedelta(minutes=1), "after": due + timedelta(minutes=1),
        "day_start": day, "day_end": day + timedelta(days=1, minutes=-1), "eve": day - timedelta(minutes=1),
        "any": due + timedelta(minutes=minutes),
    }[choice]


@st.composite
def dossier_rows(draw) -> dict:
    received = BASE + timedelta(minutes=draw(st.integers(0, 20 * 24 * 60)))
    due = received + timedelta(minutes=draw(st.integers(0, 6 * 24 * 60)))
    resolved = draw(st.booleans())
    moment = _result(due, draw(st.sampled_from(["due", "before", "after", "day_start", "day_end", "eve", "any"])),
                     draw(st.integers(-5 * 24 * 60, 5 * 24 * 60)))
    result = max(received, moment) if resolved else None
    if result is None:
        status = draw(st.sampled_from([Status.RECEIVED, Status.WAITING_SUPPLEMENT]))
    else:
        status = draw(st.sampled_from([Status.RESULT_READY, Status.RETURNED, Status.REJECTED, Status.STOPPED]))
    apology = received if draw(st.booleans()) else None
    return {"received_at": iso(received), "due_at": iso(due), "result_at": iso(result), "status": status,
            "apology_at": iso(apology)}


def _database(rows: list[dict]) -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    migrations.upgrade(db)
    for n, row in enumerate(rows, start=1):
        db.execute(
            "INSERT INTO dossiers (id, code, code_rev, unit_code, workstation, procedure_code, procedure_name, days,"
            " applicant_name, name_folded, channel, received_at, clock_start_at, due_at, appointment_at, status,"
            " result_at, apology_at, ledger_year, ledger_number, updated_at) VALUES (:id, :code, :code, 'U', 1,"
            " 'P', 'P', 1, 'A', 'a', 'counter', :received_at, :received_at, :due_at, :due_at, :status, :result_at,"
            " :apology_at, 2025, :id, :received_at)",
            dict(row, id=n, code=f"C{n}"),
        )
    return db


def _dossiers(db: sqlite_utils.Database, rows: list[dict]) -> list[Dossier]:
    return [Dossier.from_row(row) for row in dossier_table.by_ids(db, list(range(1, len(rows) + 1)))]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(rows=st.lists(dossier_rows(), min_size=1, max_size=25),
       period=st.one_of(st.just(WHOLE), st.tuples(st.integers(0, 25 * 24 * 60), st.integers(1, 10 * 24 * 60))))
def test_the_sql_counts_judge_as_judge_does(rows, period):
    start, length = period
    db = _database(rows)
    begin, end = BASE + timedelta(minutes=start), BASE + timedelta(minutes=start + length)
    counted = indicators.resolved(db, iso(begin), iso(end))
    judged: Counter = Counter()
    for dossier in _dossiers(db, rows):
        if dossier.result_at is not None and begin <= dossier.result_at < end:
            verdict = judge(dossier.result_at, dossier.due_at)
            judged[verdict] += 1
            judged["late_apologized"] += verdict == "late" and dossier.apology_at is not None
    assert {k: counted[k] for k in ("early", "on_time", "late", "late_apologized")} == {
        k: judged[k] for k in ("early", "on_time", "late", "late_apologized")}
    assert counted["resolved"] == judged["early"] + judged["on_time"] + judged["late"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(rows=st.lists(dossier_rows(), min_size=1, max_size=25), data=st.data())
def test_the_late_list_and_the_open_counts_agree_with_the_dossiers_own_rules(rows, data):
    db = _database(rows)
    # Any time, or exactly one of the dossiers' own times (a boundary of every rule).
    times = [t for row in rows for t in row.values() if t and t[:4].isdigit()]
    as_of = data.draw(st.one_of(st.integers(0, 30 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m)),
                                st.sampled_from(times).map(datetime.fromisoformat)))
    dossiers = _dossiers(db, rows)
    late = [n for n, d in enumerate(dossiers, start=1) if d.late(as_of)]
    # Listed by receipt time and code, alike on every counter of a unit (issue 12).
    assert sorted(dossier_table.late_ids(db, iso(as_of), Status.RECEIVED)) == late
    still_open = [d for d in dossiers if d.received_at < as_of and (d.result_at is None or d.result_at >= as_of)]
    assert indicators.open_at(db, iso(as_of), Status.WAITING_SUPPLEMENT) == {
        "in_progress": len(still_open),
        "overdue": sum(d.due_at < as_of and d.status != Status.WAITING_SUPPLEMENT for d in still_open),
    }
