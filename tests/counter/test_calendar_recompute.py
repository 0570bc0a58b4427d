"""A calendar change recomputes the legal due date of every open dossier whose counted days it
touches, in one transaction with the change, audited, as an event of each dossier (issue 11 §1).

March 2025 has no public holiday; procedure 1.004873 takes 3 working days (N working days after
receipt, same clock time: counter/due_dates.py)."""

from datetime import date

import pytest

from counter import audit, dossiers, lifecycle, unit
from counter.dossier import replay
from counter.errors import CounterError
from counter.transitions import EventKind
from tests.counter.helpers import at, receive, table_dump

PROCEDURE = "1.004873"


def open_dossier(session, when="2025-03-03 09:00"):
    return receive(session, when, procedure=PROCEDURE)


def test_a_day_off_inside_the_counted_days_moves_the_due_date_and_the_appointment(session):
    dossier = open_dossier(session)  # due Thu 6/3 09:00
    assert dossier.due_at == at("2025-03-06 09:00")
    change = unit.set_day(session, date(2025, 3, 5), False, "Nghỉ theo quyết định của UBND tỉnh")
    moved = dossiers.get(session, dossier.code)
    assert moved.due_at == at("2025-03-07 09:00") and moved.appointment_at == moved.due_at
    assert change.changed == [{"code": dossier.code, "old_due_at": "2025-03-06T09:00:00",
                               "new_due_at": "2025-03-07T09:00:00", "old_appointment_at": "2025-03-06T09:00:00",
                               "new_appointment_at": "2025-03-07T09:00:00", "provisional": False}]
    [event] = [e for e in dossiers.events(session, moved) if e["kind"] == EventKind.DUE_RECOMPUTED]
    assert event["detail"]["old_due_at"] == "2025-03-06T09:00:00" and event["detail"]["due_at"] == "2025-03-07T09:00:00"
    assert event["detail"]["days"] == ["2025-03-05"]
    # Replay gives the row: the event carries its effects.
    assert replay(dossiers.events(session, moved)).row["due_at"] == "2025-03-07T09:00:00"
    actions = [row["action"] for row in audit.recent(session, 5)]
    assert "calendar_day_set" in actions and EventKind.DUE_RECOMPUTED in actions
    # Unset: the day counts again and the dossier moves back.
    back = unit.unset_day(session, date(2025, 3, 5))
    assert [c["new_due_at"] for c in back.changed] == ["2025-03-06T09:00:00"]
    assert dossiers.get(session, dossier.code).due_at == at("2025-03-06 09:00")


def test_the_receipt_day_made_a_day_off_moves_the_clock_start(session):
    dossier = open_dossier(session, "2025-03-03 09:00")
    unit.set_day(session, date(2025, 3, 3), False, "Nghỉ đột xuất do bão")
    moved = dossiers.get(session, dossier.code)
    # Received on a day off: counted from the next working day's opening (Tue 4/3 07:30), 3 days on.
    assert moved.clock_start_at == at("2025-03-04 07:30") and moved.due_at == at("2025-03-07 07:30")


def test_an_apology_s_appointment_stays_while_the_due_date_moves(session):
    """ND 61/2018 art. 19: the apology gave the citizen a new date; the calendar moves the legal
    due date only (the dossier is judged against it), not the date the citizen was promised."""
    dossier = open_dossier(session)
    lifecycle.apologize(session, dossier.code, at("2025-03-12 09:00"), "Chờ xác minh", at=at("2025-03-04 09:00"))
    change = unit.set_day(session, date(2025, 3, 5), False, "Nghỉ")
    moved = dossiers.get(session, dossier.code)
    assert moved.due_at == at("2025-03-07 09:00") and moved.appointment_at == at("2025-03-12 09:00")
    assert change.changed[0]["new_appointment_at"] == "2025-03-12T09:00:00"


def test_resolved_and_untouched_dossiers_keep_their_dates(session):
    resolved = open_dossier(session)
    lifecycle.record_result(session, resolved.code, at("2025-03-06 10:00"))  # late by one hour
    later = open_dossier(session, "2025-03-10 09:00")  # counts 11-13/3: 5/3 is not among them
    waiting = open_dossier(session, "2025-03-03 10:00")
    lifecycle.request_supplement(session, waiting.code, "Thiếu", at("2025-03-03 11:00"))
    change = unit.set_day(session, date(2025, 3, 5), False, "Nghỉ")
    assert [c["code"] for c in change.changed] == [waiting.code]  # open, waiting: its days are counted again
    assert dossiers.get(session, resolved.code).due_at == at("2025-03-06 09:00")
    assert dossiers.get(session, resolved.code).timeliness == "late"  # keeps its judgement
    assert dossiers.get(session, later.code).due_at == at("2025-03-13 09:00")


def test_an_import_recomputes_every_dossier_it_touches(session, tmp_path):
    first, second = open_dossier(session), open_dossier(session, "2025-03-04 09:00")
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason\n2025-03-05,off,Nghỉ bù\n2025-03-07,off,Nghỉ bù\n", encoding="utf-8")
    change = unit.import_calendar(session, source)
    assert change.days == 2
    assert {c["code"]: c["new_due_at"] for c in change.changed} == {
        first.code: "2025-03-10T09:00:00", second.code: "2025-03-11T09:00:00"}


def test_a_refused_calendar_change_changes_nothing(session, tmp_path):
    open_dossier(session)
    before = table_dump(session)
    bad = tmp_path / "hong.csv"
    bad.write_text("date,type,reason\n2025-03-05,off,Nghỉ\n2025-03-06,maybe,?\n", encoding="utf-8")
    with pytest.raises(CounterError, match="Dòng 3"):
        unit.import_calendar(session, bad)
    with pytest.raises(CounterError, match="lịch chính thức"):
        unit.set_day(session, date(2025, 1, 27), True, "Làm việc")  # Tết 2025, Thông báo 6150/TB-BLĐTBXH
    with pytest.raises(CounterError, match="không có trong lịch riêng"):
        unit.unset_day(session, date(2025, 3, 5))
    assert table_dump(session) == before


def test_the_change_and_the_due_dates_commit_together(session, monkeypatch):
    """One transaction: a failure while recording the second dossier's event leaves the calendar,
    the first dossier and the audit trail as they were."""
    open_dossier(session)
    open_dossier(session, "2025-03-03 10:00")
    before = table_dump(session)
    record, calls = dossiers.record, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return record(*args, **kwargs)

    monkeypatch.setattr(dossiers, "record", failing)
    with pytest.raises(OSError):
        unit.set_day(session, date(2025, 3, 5), False, "Nghỉ")
    assert table_dump(session) == before
    assert session.calendar.is_working(date(2025, 3, 5))  # the cached calendar was dropped too


def test_the_cli_reports_the_dossiers_it_moved(cli):
    code = cli.json("receive", "--procedure", PROCEDURE, "--name", "Nguyễn Văn An", "--at", "2025-03-03 09:00")["code"]
    moved = cli.json("calendar", "set", "2025-03-05", "off", "--reason", "Nghỉ theo quyết định của tỉnh")
    assert moved["date"] == "2025-03-05" and moved["working"] is False
    assert [{k: c[k] for k in ("code", "old_due_at", "new_due_at")} for c in moved["changed"]] == [
        {"code": code, "old_due_at": "2025-03-06T09:00:00", "new_due_at": "2025-03-07T09:00:00"}]
    status, out, _ = cli("calendar", "unset", "2025-03-05")
    assert status == 0 and code in out and "09:00 07/03/2025 → 09:00 06/03/2025" in out
    assert cli.json("calendar", "set", "2025-03-20", "off")["changed"] == []
    assert cli.json("show", code)["events"][-1]["kind"] == "due_recomputed"
