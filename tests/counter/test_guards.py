"""Lifecycle guards of ND 61/2018 art. 19 (issue 11 §2), as shared/domain/README.md reports them:
a supplement asked for after the due date does not rescue a late dossier; a supplement is due
within 3 working days of receipt and lists everything at once (a later or a second one is
recorded but flagged, a second needs the head of unit and a reason); an apology is due at the
latest one working day before the due date (later: recorded, flagged).

March 2025 has no public holiday; procedure 1.004873 takes 3 working days."""

from datetime import datetime

import pytest

from counter import accounts, dossiers, lifecycle
from counter.errors import CounterError
from counter.indicators import Period, figures
from printing import forms
from tests.counter.helpers import at, receive, table_dump
from tests.printing import reading

PROCEDURE = "1.004873"
PASSWORD = "mat-khau-manh-1"
MARCH = Period.month(2025, 3)


def open_dossier(session, when="2025-03-03 09:00"):
    return receive(session, when, procedure=PROCEDURE)  # due Thu 6/3 09:00


def test_a_supplement_after_the_due_date_does_not_rescue_a_late_dossier(session):
    dossier = open_dossier(session)
    waiting = lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-07 10:00"))
    assert waiting.late_at_supplement and waiting.late(at("2025-03-07 11:00"))
    assert waiting.overdue(at("2025-03-07 11:00"))  # the clock is stopped, but it was late already
    resumed = lifecycle.resume(session, dossier.code, at("2025-03-10 09:00"))  # new due Thu 13/3 09:00
    assert resumed.due_at == at("2025-03-13 09:00") and resumed.late(at("2025-03-11 09:00"))
    done = lifecycle.record_result(session, dossier.code, at("2025-03-11 09:00"))  # before the new due date
    assert done.result_at < done.due_at and done.timeliness == "late"
    assert [d.code for d in lifecycle.late(session, at("2025-03-31 17:00"))] == [dossier.code]
    month = figures(session, MARCH)
    assert (month["late"], month["early"], month["on_time"]) == (1, 0, 0)
    assert month["progress_on_time"] == 0


def test_a_supplement_before_the_due_date_restarts_the_clock_and_can_end_on_time(session):
    dossier = open_dossier(session)
    lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-04 10:00"))
    lifecycle.resume(session, dossier.code, at("2025-03-05 09:00"))
    done = lifecycle.record_result(session, dossier.code, at("2025-03-07 09:00"))
    assert not done.late_at_supplement and done.timeliness == "early"


def test_a_supplement_later_than_three_working_days_after_receipt_is_flagged(session):
    # 1.001776 takes 10 working days: a request after 3 is late for the request, not for the dossier.
    on_time = receive(session, "2025-03-03 09:00", procedure="1.001776")
    late = receive(session, "2025-03-03 10:00", procedure="1.001776")
    # Received Mon 3/3 09:00: the request is due by Thu 6/3 09:00 (3 working days).
    assert not lifecycle.request_supplement(session, on_time.code, "Thiếu", at("2025-03-06 09:00")).supplement_late
    flagged = lifecycle.request_supplement(session, late.code, "Thiếu", at("2025-03-06 10:30"))
    assert flagged.supplement_late and not flagged.late_at_supplement
    event = dossiers.events(session, flagged)[-1]["detail"]
    assert event["supplement_due_at"] == "2025-03-06T10:00:00" and event["supplement_late"] is True
    listed = lifecycle.flagged(session, MARCH.start, MARCH.end)
    assert [(item["code"], item["flags"]) for item in listed] == [(late.code, ["supplement_late"])]


def test_a_second_supplement_request_needs_the_head_and_a_reason(session):
    accounts.create(session, "admin", "Quản Trị Viên", "admin", PASSWORD)
    accounts.login(session, "admin", PASSWORD)
    accounts.create(session, "lan", "Trần Thị Lan", "officer", PASSWORD)
    accounts.create(session, "hung", "Phạm Văn Hùng", "head", PASSWORD)
    accounts.login(session, "lan", PASSWORD)
    dossier = open_dossier(session)
    lifecycle.request_supplement(session, dossier.code, "Thiếu tờ khai", at("2025-03-03 10:00"))
    lifecycle.resume(session, dossier.code, at("2025-03-04 09:00"))
    before = table_dump(session)
    with pytest.raises(CounterError, match="không có quyền yêu cầu bổ sung lần thứ hai"):
        lifecycle.request_supplement(session, dossier.code, "Thiếu ảnh", at("2025-03-04 10:00"), repeat_reason="Mờ")
    assert table_dump(session) == before
    accounts.login(session, "hung", PASSWORD)
    before = table_dump(session)
    with pytest.raises(CounterError, match="Phải ghi rõ lý do phải yêu cầu bổ sung lần nữa"):
        lifecycle.request_supplement(session, dossier.code, "Thiếu ảnh", at("2025-03-04 10:00"))
    assert table_dump(session) == before
    second = lifecycle.request_supplement(session, dossier.code, "Thiếu ảnh", at("2025-03-04 10:00"),
                                          repeat_reason="Ảnh nộp lần trước bị mờ")
    assert second.supplement_repeat and second.supplements == 2 and not second.supplement_late
    lifecycle.resume(session, dossier.code, at("2025-03-05 09:00"))
    done = lifecycle.record_result(session, dossier.code, at("2025-03-06 09:00"))
    # On time by the legal rule, but more than one request counts as late in the QĐ 766 progress.
    assert done.timeliness == "early" and done.progress_on_time is False
    listed = lifecycle.flagged(session, MARCH.start, MARCH.end)
    assert listed[-1]["flags"] == ["supplement_repeat"]
    assert listed[-1]["repeat_reason"] == "Ảnh nộp lần trước bị mờ" and listed[-1]["officer"] == "Phạm Văn Hùng"


def test_the_supplement_lists_the_checklist_documents_picked_and_the_slip_prints_them(session):
    dossier = receive(session, procedure="2.001035")  # 3 documents in the starter catalogue
    checklist = dossiers.get(session, dossier.code).documents
    waiting = lifecycle.request_supplement(session, dossier.code, "Hồ sơ chưa đầy đủ", at("2025-03-03 10:00"),
                                           missing=["2", "Giấy ủy quyền có chứng thực", "2"])
    detail = dossiers.events(session, waiting)[-1]["detail"]
    assert detail["missing"] == [checklist[1].name, "Giấy ủy quyền có chứng thực"]
    text = reading.flat(reading.text(forms.form_pdf(session, "supplement", dossier.code)))
    assert f"1. {checklist[1].name}" in text and "2. Giấy ủy quyền có chứng thực" in text
    assert "Lý do: Hồ sơ chưa đầy đủ" in text


def test_a_checklist_number_that_does_not_exist_is_refused(session):
    dossier = receive(session, procedure="2.001035")
    before = table_dump(session)
    with pytest.raises(CounterError, match="không có giấy tờ số 9"):
        lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-03 10:00"), missing=["9"])
    assert table_dump(session) == before


def test_a_supplement_on_a_closed_dossier_is_refused_and_changes_nothing(session):
    dossier = open_dossier(session)
    lifecycle.reject(session, dossier.code, "Không thuộc thẩm quyền", at("2025-03-03 10:00"))
    before = table_dump(session)
    with pytest.raises(CounterError, match="Không thể yêu cầu bổ sung hồ sơ .*«Từ chối»"):
        lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-03 11:00"))
    assert table_dump(session) == before


@pytest.mark.parametrize("when, late", [
    ("2025-03-04 16:00", False),  # Tue: before Wed 5/3, the last working day before the due day
    ("2025-03-05 16:59", False),  # Wed 5/3: one working day before Thu 6/3
    ("2025-03-06 08:00", True),  # the due day itself
])
def test_an_apology_is_due_one_working_day_before_the_due_date(session, when, late):
    dossier = open_dossier(session)
    apologized = lifecycle.apologize(session, dossier.code, at("2025-03-12 09:00"), "Chờ xác minh", at=at(when))
    assert apologized.apology_late is late
    assert apologized.apology_state == ("late" if late else "on_time")
    assert dossiers.events(session, apologized)[-1]["detail"]["apology_due"] == "2025-03-05"


def test_the_apology_deadline_skips_the_weekend(session):
    dossier = receive(session, "2025-03-05 09:00", procedure=PROCEDURE)  # due Mon 10/3 09:00
    assert lifecycle.apology_deadline(session, dossier.due_at).isoformat() == "2025-03-07"  # Friday
    late = lifecycle.apologize(session, dossier.code, at("2025-03-14 09:00"), "Chờ", at=at("2025-03-08 09:00"))
    assert late.apology_late  # a Saturday, after Friday 7/3


def test_late_apologies_show_in_the_late_list_and_the_figures(session):
    on_time, late, none = open_dossier(session), open_dossier(session, "2025-03-03 10:00"), open_dossier(session)
    lifecycle.apologize(session, on_time.code, at("2025-03-12 09:00"), "Chờ xác minh", at=at("2025-03-05 09:00"))
    lifecycle.apologize(session, late.code, at("2025-03-12 09:00"), "Chờ ý kiến", at=at("2025-03-06 09:00"))
    for code in (on_time.code, late.code, none.code):
        lifecycle.record_result(session, code, at("2025-03-11 09:00"))
    found = {d.code: d.apology_state for d in lifecycle.late(session, at("2025-03-31 17:00"))}
    assert found == {on_time.code: "on_time", late.code: "late", none.code: "none"}
    month = figures(session, MARCH)
    assert (month["late"], month["late_apologized"], month["late_apologized_on_time"]) == (3, 2, 1)
    assert month["apology_rate"] == round(2 / 3, 4) and month["apology_on_time_rate"] == round(1 / 3, 4)
    listed = lifecycle.flagged(session, MARCH.start, MARCH.end)
    assert [(item["code"], item["flags"]) for item in listed] == [(late.code, ["apology_late"])]


def test_a_complaint_is_recorded_against_the_dossier_and_counted(session):
    dossier = open_dossier(session)
    lifecycle.record_result(session, dossier.code, at("2025-03-04 09:00"))
    lifecycle.return_result(session, dossier.code, at("2025-03-04 10:00"), rating="satisfied", rating_by="citizen")
    complained = lifecycle.complain(session, dossier.code, "Phải đi lại hai lần", at("2025-03-05 09:00"))
    assert complained.complaints == 1 and complained.status == "returned"
    month = figures(session, MARCH)
    # QĐ 766: 100% minus the share late, unsatisfied or complained about.
    assert month["complained"] == 1 and month["satisfaction_index"] == 0.0 and month["satisfaction_rate"] == 1.0
    before = table_dump(session)
    with pytest.raises(CounterError, match="Phải ghi rõ nội dung phản ánh"):
        lifecycle.complain(session, dossier.code, "  ")
    with pytest.raises(CounterError, match="trước thời điểm tiếp nhận"):
        lifecycle.complain(session, dossier.code, "Sớm quá", datetime(2025, 3, 1, 9, 0))
    assert table_dump(session) == before
