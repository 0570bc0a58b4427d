"""One rule, one place: the fast SQL counts of db/indicators.py and the late list of
db/dossiers.py say what counter/dossier.py's `judge`, `Dossier.late`, `progress_on_time` and
`satisfaction_failed` say, dossier by dossier, over random dossiers (times on the same day, a
minute either side of the due time, days apart; a supplement asked for after the due date,
several supplements, ratings, complaints, rejections and stops: issue 11 §2-3)."""

import functools
import sqlite3
from collections import Counter
from datetime import datetime, time, timedelta

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from counter.clock import iso
from counter.dossier import Dossier, judge
from counter.indicators import ENDED
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
            "apology_at": iso(apology), "apology_late": int(apology is not None and draw(st.booleans())),
            "late_at_supplement": int(draw(st.integers(0, 4)) == 0), "supplements": draw(st.integers(0, 3)),
            "complaints": draw(st.sampled_from([0, 0, 0, 1, 2])),
            "rating": draw(st.sampled_from([None, "very-satisfied", "satisfied", "unsatisfied"])),
            "lci": int(draw(st.booleans()))}


@functools.cache
def _schema() -> sqlite3.Connection:
    db = sqlite_utils.Database(memory=True)
    migrations.upgrade(db)
    return db.conn


def _migrated() -> sqlite_utils.Database:
    """A new in-memory database at the latest schema: a copy of one migrated once (hundreds of
    examples would each run every migration)."""
    conn = sqlite3.connect(":memory:")
    _schema().backup(conn)
    return sqlite_utils.Database(conn)


def _database(rows: list[dict]) -> sqlite_utils.Database:
    db = _migrated()
    for n, row in enumerate(rows, start=1):
        db.execute(
            "INSERT INTO dossiers (id, code, code_rev, unit_code, workstation, procedure_code, procedure_name, days,"
            " applicant_name, name_folded, channel, received_at, clock_start_at, due_at, appointment_at, status,"
            " result_at, apology_at, ledger_year, ledger_number, updated_at, apology_late, late_at_supplement,"
            " supplements, complaints, rating, lci) VALUES (:id, :code, :code, 'U', 1,"
            " 'P', 'P', 1, 'A', 'a', 'counter', :received_at, :received_at, :due_at, :due_at, :status, :result_at,"
            " :apology_at, 2025, :id, :received_at, :apology_late, :late_at_supplement, :supplements, :complaints,"
            " :rating, :lci)",
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
    counted = indicators.resolved(db, iso(begin), iso(end), ENDED)
    judged: Counter = Counter()
    for dossier in _dossiers(db, rows):
        if dossier.result_at is None or not begin <= dossier.result_at < end:
            continue
        judged["resolved"] += 1
        judged["progress_on_time"] += dossier.progress_on_time
        judged["satisfaction_failed"] += dossier.satisfaction_failed
        judged["lci_resolved"] += dossier.lci
        judged["lci_failed"] += dossier.lci and dossier.satisfaction_failed
        judged["complained"] += dossier.complaints > 0
        if not dossier.has_result:
            judged[dossier.status] += 1
            continue
        verdict = judge(dossier.result_at, dossier.due_at, dossier.late_at_supplement)
        assert verdict == dossier.timeliness
        judged["results"] += 1
        judged[verdict] += 1
        apologized = verdict == "late" and dossier.apology_at is not None
        judged["late_apologized"] += apologized
        judged["late_apologized_on_time"] += apologized and not dossier.apology_late
    names = ("resolved", "results", "early", "on_time", "late", "late_apologized", "late_apologized_on_time",
             "progress_on_time", "satisfaction_failed", "lci_resolved", "lci_failed", "complained")
    assert {k: counted[k] for k in names} == {k: judged[k] for k in names}
    assert (counted["rejected"], counted["stopped"]) == (judged[Status.REJECTED], judged[Status.STOPPED])
    # Rejections and stops are never early (issue 11 §3): results split three ways, beside them.
    assert counted["results"] == judged["early"] + judged["on_time"] + judged["late"]
    assert counted["resolved"] == counted["results"] + counted["rejected"] + counted["stopped"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(rows=st.lists(dossier_rows(), min_size=1, max_size=25), data=st.data())
def test_the_late_list_and_the_open_counts_agree_with_the_dossiers_own_rules(rows, data):
    db = _database(rows)
    # Any time, or exactly one of the dossiers' own times (a boundary of every rule).
    times = [t for row in rows for t in row.values() if isinstance(t, str) and t[:4].isdigit()]
    as_of = data.draw(st.one_of(st.integers(0, 30 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m)),
                                st.sampled_from(times).map(datetime.fromisoformat)))
    dossiers = _dossiers(db, rows)
    late = [n for n, d in enumerate(dossiers, start=1) if d.late(as_of)]
    # Listed by receipt time and code, alike on every counter of a unit (issue 12).
    assert sorted(dossier_table.late_ids(db, iso(as_of), Status.RECEIVED)) == late
    still_open = [d for d in dossiers if d.received_at < as_of and (d.result_at is None or d.result_at >= as_of)]
    assert indicators.open_at(db, iso(as_of), Status.WAITING_SUPPLEMENT) == {
        "in_progress": len(still_open),
        "overdue": sum((d.due_at < as_of and d.status != Status.WAITING_SUPPLEMENT) or d.late_at_supplement
                       for d in still_open),
    }


# The day's figures (db/migrations.py `daily_figures`, kept by triggers) sum to exactly what the
# aggregates over the rows count, whatever was inserted, changed or deleted since.
FIELDS = {
    "channel": st.sampled_from(["counter", "online", "postal"]), "digitized": st.integers(0, 1),
    "result_digitized": st.integers(0, 1), "reused": st.integers(0, 1), "data_reused": st.integers(0, 1),
    "returning_applicant": st.integers(0, 1), "online_level": st.sampled_from(["", "partial", "full"]),
    "fee": st.sampled_from([0, 0, 20000]), "payment": st.sampled_from([None, "cash", "online"]),
    "return_channel": st.sampled_from([None, "counter", "postal"]),
    "rating_by": st.sampled_from([None, "citizen", "officer"]),
}


@st.composite
def full_rows(draw) -> dict:
    row = draw(dossier_rows())
    row.update({name: draw(strategy) for name, strategy in FIELDS.items()})
    returned = row["result_at"] and draw(st.booleans())
    row["returned_at"] = iso(datetime.fromisoformat(row["result_at"]) + timedelta(
        minutes=draw(st.integers(0, 3 * 24 * 60)))) if returned else None
    return row


def _insert_full(db: sqlite_utils.Database, n: int, row: dict) -> None:
    _database_rows(db, [(n, row)])


def _database_rows(db: sqlite_utils.Database, numbered: list[tuple[int, dict]]) -> None:
    for n, row in numbered:
        columns = ", ".join(row)
        db.execute(
            "INSERT INTO dossiers (id, code, code_rev, unit_code, workstation, procedure_code, procedure_name, days,"
            " applicant_name, name_folded, clock_start_at, appointment_at, ledger_year, ledger_number, updated_at, "
            f"{columns}) VALUES (:id, :code, :code, 'U', 1, 'P', 'P', 1, 'A', 'a', :received_at, :due_at, 2025, :id,"
            f" :received_at, {', '.join(':' + c for c in row)})",
            dict(row, id=n, code=f"C{n}"),
        )


def _direct(db: sqlite_utils.Database, start: str, end: str) -> dict:
    """The aggregates over the rows themselves (what counts() did before the day's figures)."""
    found: dict = {}
    for columns, column, extra in ((indicators.RECEIVED, "received_at", ()), (indicators.RESOLVED, "result_at", ENDED),
                                   (indicators.RETURNED, "returned_at", ())):
        part = indicators._aggregate(db, indicators.UNIT, columns, column, start, end, *([extra] if extra else []))
        found.update(part.get(0, dict.fromkeys(columns, 0)))
    return found


@settings(max_examples=150, deadline=None, derandomize=True)
@given(rows=st.lists(full_rows(), min_size=1, max_size=20), data=st.data())
def test_the_day_s_figures_sum_to_the_aggregates_over_the_rows(rows, data):
    db = _migrated()
    _database_rows(db, list(enumerate(rows, start=1)))
    # Then changes, as services and corrections make them: another value, a result, a return, a deletion.
    for _ in range(data.draw(st.integers(0, 8))):
        n = data.draw(st.integers(1, len(rows)))
        change = data.draw(full_rows())
        columns = data.draw(st.lists(st.sampled_from(sorted(change)), min_size=1, max_size=6, unique=True))
        if data.draw(st.integers(0, 9)) == 0:
            db.execute("DELETE FROM dossiers WHERE id = ?", [n])
            continue
        sets = ", ".join(f"{c} = :{c}" for c in columns)
        db.execute(f"UPDATE dossiers SET {sets} WHERE id = :id", {**{c: change[c] for c in columns}, "id": n})
    first = data.draw(st.integers(-2, 30))
    days = data.draw(st.integers(1, 40))
    start = datetime.combine(BASE.date() + timedelta(days=first), time())
    end = start + timedelta(days=days)
    summed = indicators.counts(db, iso(start), iso(end), Status.WAITING_SUPPLEMENT, ENDED)
    direct = _direct(db, iso(start), iso(end))
    assert {name: summed[name] for name in direct} == direct
    assert indicators.daily_differences(db) == []


def test_check_finds_day_s_figures_that_differ_from_the_dossiers():
    db = _migrated()
    row = {"received_at": "2025-03-03T09:00:00", "due_at": "2025-03-05T17:00:00", "result_at": None,
           "status": Status.RECEIVED, "channel": "counter"}
    _insert_full(db, 1, row)
    assert indicators.daily_differences(db) == []
    db.execute("UPDATE daily_figures SET online = online + 1 WHERE day = '2025-03-03'")
    assert indicators.daily_differences(db) == [("2025-03-03", "online", 1, 0)]
