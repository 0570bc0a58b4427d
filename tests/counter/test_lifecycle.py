import pytest

from counter import dossiers, lifecycle
from counter.errors import CounterError
from tests.counter.helpers import at, receive, table_dump


def test_result_is_judged_early_on_time_or_late_against_the_legal_due_date(session):
    # 2 working days from Monday 09:00: due Wednesday 09:00.
    early = receive(session, "2025-03-03 09:00")
    on_time = receive(session, "2025-03-03 09:00")
    on_time_later_that_day = receive(session, "2025-03-03 09:00")
    late = receive(session, "2025-03-03 09:00")
    assert lifecycle.record_result(session, early.code, at("2025-03-04 16:00")).timeliness == "early"
    assert lifecycle.record_result(session, on_time.code, at("2025-03-05 08:00")).timeliness == "on_time"
    assert lifecycle.record_result(session, on_time_later_that_day.code, at("2025-03-05 09:00")).timeliness == "on_time"
    judged = lifecycle.record_result(session, late.code, at("2025-03-05 09:01"))
    assert judged.timeliness == "late" and judged.late(at("2025-03-06 00:00"))


def test_supplement_pauses_and_restarts_the_time_limit_in_full(session):
    dossier = receive(session, "2025-03-03 09:00")  # due 05/03 09:00
    waiting = lifecycle.request_supplement(session, dossier.code, "Thiếu bản sao sổ đỏ", at("2025-03-04 10:00"))
    assert waiting.status == "waiting_supplement" and waiting.supplements == 1
    assert not waiting.overdue(at("2025-03-20 10:00"))
    back = lifecycle.resume(session, dossier.code, at("2025-03-10 14:00"))
    # ND 61/2018 art. 19.4: the full 2 days again, from the complete dossier.
    assert back.status == "received"
    assert back.clock_start_at == at("2025-03-10 14:00")
    assert back.due_at == at("2025-03-12 14:00") == back.appointment_at
    after_cutoff = receive(session, "2025-03-03 09:00")
    lifecycle.request_supplement(session, after_cutoff.code, "Thiếu", at("2025-03-03 10:00"))
    assert lifecycle.resume(session, after_cutoff.code, at("2025-03-07 15:30")).due_at == at("2025-03-12 07:30")


def test_apology_moves_the_appointment_once_and_the_dossier_stays_late(session):
    dossier = receive(session, "2025-03-03 09:00")
    apologized = lifecycle.apologize(session, dossier.code, at("2025-03-10 09:00"), "Chờ xác minh",
                                     at("2025-03-04 09:00"))
    assert apologized.appointment_at == at("2025-03-10 09:00")
    assert apologized.due_at == at("2025-03-05 09:00")
    with pytest.raises(CounterError, match="một lần"):
        lifecycle.apologize(session, dossier.code, at("2025-03-12 09:00"), "Lần hai", at("2025-03-05 09:00"))
    result = lifecycle.record_result(session, dossier.code, at("2025-03-07 10:00"))
    assert result.timeliness == "late"
    assert [d.code for d in lifecycle.late(session, at("2025-03-31 00:00"))] == [dossier.code]


@pytest.mark.parametrize("new_due, message", [
    ("2025-03-05 09:00", "sau ngày hẹn hiện tại"),
    ("2025-03-04 08:00", "sau ngày hẹn hiện tại"),
    ("2025-03-08 09:00", "không làm việc"),
])
def test_apology_needs_a_later_working_appointment(session, new_due, message):
    dossier = receive(session, "2025-03-03 09:00")
    before = table_dump(session)
    with pytest.raises(CounterError, match=message):
        lifecycle.apologize(session, dossier.code, at(new_due), "Lý do", at("2025-03-04 09:00"))
    assert table_dump(session) == before


def test_return_records_who_collected_channel_and_rating(session):
    dossier = receive(session)
    lifecycle.record_result(session, dossier.code, at("2025-03-04 10:00"))
    returned = lifecycle.return_result(session, dossier.code, at("2025-03-04 15:00"), "Nguyễn Thị Mai",
                                       "postal", "very-satisfied")
    assert (returned.status, returned.returned_to, returned.return_channel, returned.rating) == (
        "returned", "Nguyễn Thị Mai", "postal", "very-satisfied")
    kinds = [e["kind"] for e in dossiers.events(session, returned)]
    assert kinds == ["received", "result_recorded", "returned"]


def test_reject_and_stop_close_the_dossier_with_a_reason(session):
    rejected = lifecycle.reject(session, receive(session).code, "Không thuộc thẩm quyền", at("2025-03-03 10:00"))
    assert (rejected.status, rejected.decision_reason, rejected.timeliness) == (
        "rejected", "Không thuộc thẩm quyền", "early")
    waiting = receive(session)
    lifecycle.request_supplement(session, waiting.code, "Thiếu", at("2025-03-03 10:00"))
    stopped = lifecycle.stop(session, waiting.code, "Công dân xin rút hồ sơ", at("2025-03-04 10:00"))
    assert stopped.status == "stopped"
    with pytest.raises(CounterError, match="Dừng giải quyết"):
        lifecycle.record_result(session, stopped.code, at("2025-03-05 10:00"))


@pytest.mark.parametrize("action", [
    lambda s, c: lifecycle.return_result(s, c, at("2025-03-04 10:00")),
    lambda s, c: lifecycle.resume(s, c, at("2025-03-04 10:00")),
    lambda s, c: lifecycle.record_result(s, c, at("2025-03-02 10:00")),
    lambda s, c: lifecycle.reject(s, c, "  ", at("2025-03-04 10:00")),
    lambda s, c: lifecycle.return_result(s, c, at("2025-03-04 10:00"), rating="great"),
])
def test_steps_out_of_order_or_before_receipt_are_refused(session, action):
    dossier = receive(session)
    before = table_dump(session)
    with pytest.raises(CounterError):
        action(session, dossier.code)
    assert table_dump(session) == before


def test_a_step_cannot_be_dated_before_the_previous_one(session):
    dossier = receive(session)
    lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-04 10:00"))
    with pytest.raises(CounterError, match="bước xử lý gần nhất"):
        lifecycle.resume(session, dossier.code, at("2025-03-04 09:00"))


def test_late_lists_late_results_and_overdue_open_dossiers_at_a_time(session):
    on_time = receive(session, "2025-03-03 09:00")
    lifecycle.record_result(session, on_time.code, at("2025-03-04 09:00"))
    late_result = receive(session, "2025-03-03 09:00")
    lifecycle.record_result(session, late_result.code, at("2025-03-07 09:00"))
    still_open = receive(session, "2025-03-03 09:00")
    waiting = receive(session, "2025-03-03 09:00")
    lifecycle.request_supplement(session, waiting.code, "Thiếu", at("2025-03-04 09:00"))

    def codes(moment):
        return sorted(d.code for d in lifecycle.late(session, at(moment)))

    assert codes("2025-03-05 09:00") == []
    assert codes("2025-03-06 09:00") == sorted([late_result.code, still_open.code])
    assert codes("2025-03-10 09:00") == sorted([late_result.code, still_open.code])
    assert [d.code for d in lifecycle.due_soon(session, at("2025-03-04 08:00"))] == [still_open.code]
    assert lifecycle.due_soon(session, at("2025-03-03 10:00")) == []
