from datetime import date

import pytest

from counter import unit
from counter.errors import CounterError
from counter.working_calendar import DayOverride, WorkingCalendar, overrides_csv, parse_overrides_csv

CALENDAR = WorkingCalendar()


def off(*days: str) -> list[bool]:
    return [CALENDAR.is_working(date.fromisoformat(d)) for d in days]


def test_tet_holidays_are_off():
    assert off("2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14") == [False] * 5
    assert off("2024-02-07", "2024-02-15") == [True, True]
    assert off("2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31") == [False] * 5
    assert off("2025-01-24", "2025-02-03") == [True, True]
    assert off("2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20") == [False] * 5
    assert off("2026-02-13", "2026-02-23") == [True, True]


def test_fixed_holidays_and_national_day_with_adjacent_day():
    assert off("2024-04-30", "2024-05-01", "2025-04-30", "2025-05-01", "2026-04-30", "2026-05-01") == [False] * 6
    assert off("2024-09-02", "2024-09-03", "2025-09-01", "2025-09-02", "2026-09-01", "2026-09-02") == [False] * 6


def test_swapped_days_off_and_make_up_saturdays():
    # 29/4/2024 off, Sat 4/5/2024 worked; 2/5/2025 off, Sat 26/4/2025 worked;
    # Mon 31/8/2026 off, Sat 22/8/2026 worked (shared/domain/README.md).
    assert off("2024-04-29", "2025-05-02", "2026-08-31") == [False] * 3
    assert off("2024-05-04", "2025-04-26", "2026-08-22") == [True] * 3
    info = CALENDAR.info(date(2024, 5, 4))
    assert info.source == "make-up" and "29/04/2024" in info.reason


def test_holiday_on_a_weekend_moves_to_the_next_working_day():
    # Giỗ Tổ 26/4/2026 is a Sunday: Monday 27/4 is off.
    assert off("2026-04-27") == [False]


def test_unit_overrides_win_over_the_national_calendar():
    calendar = WorkingCalendar([
        DayOverride(date(2026, 3, 2), False, "Bầu cử"),
        DayOverride(date(2026, 3, 7), True, "Làm bù theo quyết định của tỉnh"),
        DayOverride(date(2026, 9, 2), True, "Trực lễ"),
    ])
    assert not calendar.is_working(date(2026, 3, 2))
    assert calendar.is_working(date(2026, 3, 7))
    assert calendar.is_working(date(2026, 9, 2))
    assert calendar.info(date(2026, 3, 2)).reason == "Bầu cử"


def test_exceptions_list_off_weekdays_and_worked_weekend_days_with_reasons():
    off_days, worked = CALENDAR.exceptions(2024)
    assert [i.day for i in worked] == [date(2024, 5, 4)]
    assert date(2024, 4, 29) in [i.day for i in off_days]
    assert all(i.day.weekday() < 5 and i.reason for i in off_days)


def test_calendar_file_round_trip():
    data = "\ufeffNgày,Loại,Lý do\n02/03/2026,nghỉ,Bầu cử\n2026-03-07,làm việc,Làm bù\n".encode()
    days = parse_overrides_csv(data)
    assert days == [DayOverride(date(2026, 3, 2), False, "Bầu cử"), DayOverride(date(2026, 3, 7), True, "Làm bù")]
    assert parse_overrides_csv(overrides_csv(days)) == days


@pytest.mark.parametrize("content, row", [
    ("date,type,reason\n2026-03-02,off,ok\n2026-13-01,off,x\n", "Dòng 3"),
    ("date,type,reason\n2026-03-02,maybe,x\n", "Dòng 2"),
    ("date,type\n2026-03-02,off\n2026-03-02,work\n", "Dòng 3"),
])
def test_a_bad_calendar_row_rejects_the_whole_file(session, tmp_path, content, row):
    path = tmp_path / "lich.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CounterError, match=row):
        unit.import_calendar(session, path)
    assert session.calendar.overrides == {}


def test_calendar_import_and_export_through_the_database(session, tmp_path):
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n", encoding="utf-8")
    assert unit.import_calendar(session, source) == 1
    assert not session.calendar.is_working(date(2026, 3, 2))
    out = tmp_path / "xa.csv"
    unit.export_calendar(session, out)
    assert out.read_text(encoding="utf-8") == "date,type,reason\n2026-03-02,off,Bầu cử\n"
