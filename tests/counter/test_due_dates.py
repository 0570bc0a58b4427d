from dataclasses import replace
from datetime import datetime

import pytest

from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.settings import UnitSettings
from counter.working_calendar import WorkingCalendar

CALENDAR = WorkingCalendar()
RULES = TimeRules.of(UnitSettings())


def due(received: str, days: int, rules: TimeRules = RULES) -> datetime:
    return due_date(datetime.fromisoformat(received), days, CALENDAR, rules).due_at


def test_one_working_day_is_the_same_clock_time_next_working_day():
    assert due("2025-03-03 09:10", 1) == datetime(2025, 3, 4, 9, 10)
    assert due("2025-03-07 09:10", 1) == datetime(2025, 3, 10, 9, 10)  # Friday -> Monday


def test_received_at_or_after_cutoff_starts_next_working_day_at_opening():
    assert due("2025-03-03 14:59", 1) == datetime(2025, 3, 4, 14, 59)
    assert due("2025-03-03 15:00", 1) == datetime(2025, 3, 5, 7, 30)
    assert due("2025-03-07 16:30", 2) == datetime(2025, 3, 12, 7, 30)


def test_outside_working_time_starts_at_the_next_opening():
    assert due("2025-03-03 06:45", 1) == datetime(2025, 3, 4, 7, 30)
    assert due("2025-03-08 10:00", 1) == datetime(2025, 3, 11, 7, 30)  # Saturday


def test_cutoff_can_be_switched_off_for_the_unit_or_a_procedure():
    no_cutoff = TimeRules.of(replace(UnitSettings(), cutoff_enabled=False))
    assert due("2025-03-03 16:00", 1, no_cutoff) == datetime(2025, 3, 4, 16, 0)
    assert due("2025-03-03 17:05", 1, no_cutoff) == datetime(2025, 3, 5, 7, 30)
    per_procedure = TimeRules.of(UnitSettings(), procedure_cutoff=False)
    assert due("2025-03-03 16:00", 1, per_procedure) == datetime(2025, 3, 4, 16, 0)


def test_same_day_procedures_are_due_at_closing_time():
    assert due("2025-03-03 10:00", 0) == datetime(2025, 3, 3, 17, 0)
    # Luật Hộ tịch art. 5.3: after 15:00, the next working day.
    assert due("2025-03-07 15:30", 0) == datetime(2025, 3, 10, 17, 0)


def test_tet_2024_2025_2026_are_skipped():
    assert due("2024-02-07 10:00", 1) == datetime(2024, 2, 15, 10, 0)
    assert due("2025-01-24 10:00", 1) == datetime(2025, 2, 3, 10, 0)
    assert due("2026-02-13 10:00", 1) == datetime(2026, 2, 23, 10, 0)
    assert due("2026-02-12 16:00", 3) == datetime(2026, 2, 25, 7, 30)


def test_april_may_holidays_and_make_up_saturday_count():
    # 26/4/2024 (Fri) + 3: 29/4 swapped off, 30/4, 1/5 off; 2/5, 3/5 and Sat 4/5 (make-up) count.
    assert due("2024-04-26 10:00", 3) == datetime(2024, 5, 4, 10, 0)
    # 25/4/2025 (Fri) + 1: Sat 26/4/2025 is a make-up working day.
    assert due("2025-04-25 10:00", 1) == datetime(2025, 4, 26, 10, 0)
    assert due("2025-04-29 10:00", 1) == datetime(2025, 5, 5, 10, 0)


def test_national_day_and_swapped_days_2026():
    assert due("2026-08-21 10:00", 1) == datetime(2026, 8, 22, 10, 0)  # make-up Saturday
    assert due("2026-08-28 10:00", 1) == datetime(2026, 9, 3, 10, 0)  # 31/8, 1/9, 2/9 off
    assert due("2024-08-30 10:00", 1) == datetime(2024, 9, 4, 10, 0)  # 2/9 and 3/9/2024 off


def test_receipt_day_can_count_as_day_one():
    rules = TimeRules.of(replace(UnitSettings(), receipt_day_counts=True))
    assert due("2025-03-03 09:00", 1, rules) == datetime(2025, 3, 3, 17, 0)
    assert due("2025-03-03 09:00", 3, rules) == datetime(2025, 3, 5, 17, 0)
    assert due("2025-03-03 15:30", 3, rules) == datetime(2025, 3, 6, 17, 0)


def test_explanation_names_every_skipped_day_and_why():
    result = due_date(datetime(2024, 2, 7, 16, 0), 3, CALENDAR, RULES)
    kinds = [(s["date"], s["kind"]) for s in result.explain()]
    assert kinds[0] == ("2024-02-07", "skipped")
    assert ("2024-02-08", "skipped") in kinds and ("2024-02-15", "start") in kinds
    assert [d for d, k in kinds if k == "counted"] == ["2024-02-16", "2024-02-19", "2024-02-20"]
    reasons = {s["date"]: s["reason"] for s in result.explain()}
    assert "15:00" in reasons["2024-02-07"]
    assert reasons["2024-02-09"] == \
        "Tết Âm lịch, 30 tháng Chạp (giao thừa) — theo Thông báo 5015/TB-LĐTBXH ngày 22/11/2023"
    assert reasons["2024-02-17"] == "Thứ Bảy"
    assert not result.provisional and "provisional" not in [s["kind"] for s in result.explain()]


def test_new_year_2026_swap_of_van_ban_12729():
    # Thu 1/1–Sun 4/1/2026 off, Fri 2/1 swapped with Sat 10/1 (Văn bản 12729/VPCP-KGVX ngày 25/12/2025).
    result = due_date(datetime(2025, 12, 31, 10, 0), 2, CALENDAR, RULES)
    assert result.due_at == datetime(2026, 1, 6, 10, 0)
    steps = {(s["date"], s["kind"]): s["reason"] for s in result.explain()}
    assert "12729/VPCP-KGVX" in steps[("2026-01-02", "skipped")]
    assert [d for d, k in steps if k == "counted"] == ["2026-01-05", "2026-01-06"]
    # The make-up Saturday counts: Thu 8/1 + 2 working days is Sat 10/1.
    later = due_date(datetime(2026, 1, 8, 10, 0), 2, CALENDAR, RULES)
    assert later.due_at == datetime(2026, 1, 10, 10, 0)
    assert [s["date"] for s in later.explain() if s["kind"] == "counted"] == ["2026-01-09", "2026-01-10"]
    # The `holidays` package alone would count 2/1 and skip 10/1.
    package = WorkingCalendar(official={})
    assert due_date(datetime(2025, 12, 31, 10, 0), 2, package, RULES).due_at == datetime(2026, 1, 5, 10, 0)
    assert due_date(datetime(2026, 1, 8, 10, 0), 2, package, RULES).due_at == datetime(2026, 1, 12, 10, 0)


def test_a_due_date_in_a_year_without_a_decision_is_provisional():
    result = due_date(datetime(2027, 3, 1, 9, 0), 3, CALENDAR, RULES)
    assert result.due_at == datetime(2027, 3, 4, 9, 0) and result.provisional
    note = result.explain()[-1]
    assert note["kind"] == "provisional" and note["date"] == "2027-03-01"
    assert "năm 2027 chưa có văn bản chính thức" in note["reason"] and "dự kiến" in note["reason"]
    assert result.steps[-1].text().startswith("01/03/2027  Lưu ý: lịch làm việc năm 2027")
    # Received in an official year, due in the next one: the forecast part makes it provisional.
    crossing = due_date(datetime(2026, 12, 30, 15, 30), 2, CALENDAR, RULES)
    assert crossing.due_at == datetime(2027, 1, 5, 7, 30) and crossing.provisional
    assert [s["date"] for s in crossing.explain() if s["kind"] == "provisional"] == ["2027-01-01"]
    assert "Tết Dương lịch (dự kiến)" in [s["reason"] for s in crossing.explain()]
    assert not due_date(datetime(2026, 12, 28, 9, 0), 2, CALENDAR, RULES).provisional


def test_negative_duration_is_refused():
    with pytest.raises(CounterError, match="âm"):
        due("2025-03-03 09:00", -1)
