"""The calendar follows the official decisions (issue 11; sources in docs/rules.md, "Lịch làm việc")."""

import csv
from datetime import date, timedelta

import pytest

from counter import unit
from counter.errors import CounterError
from counter.working_calendar import (
    OFFICIAL,
    DayOverride,
    WorkingCalendar,
    cited_document,
    official_schedule,
    overrides_csv,
    parse_overrides_csv,
)
from tests.counter.helpers import table_dump

CALENDAR = WorkingCalendar()
PACKAGE_ONLY = WorkingCalendar(official={})
DECISIONS = {
    2024: {"Thông báo 5015/TB-LĐTBXH ngày 22/11/2023", "Văn bản 2450/VPCP-KGVX ngày 12/04/2024"},
    2025: {"Thông báo 6150/TB-BLĐTBXH ngày 03/12/2024"},
    2026: {"Văn bản 12729/VPCP-KGVX ngày 25/12/2025", "Thông báo 9441/TB-BNV ngày 16/10/2025"},
}


def working(*days: str, calendar: WorkingCalendar = CALENDAR) -> list[bool]:
    return [calendar.is_working(date.fromisoformat(d)) for d in days]


def span(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def test_the_official_file_ships_in_the_package_and_every_row_names_its_document():
    with OFFICIAL.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {date.fromisoformat(r["date"]).year for r in rows} == {2024, 2025, 2026}
    assert all(cited_document(r["decision"]) for r in rows)
    schedule = official_schedule()
    assert len(schedule) == len(rows)
    for year, expected in DECISIONS.items():
        assert expected <= set(CALENDAR.decisions(year))
        assert "Bộ luật Lao động số 45/2019/QH14, Điều 112" in CALENDAR.decisions(year)
    # Every make-up day is a Saturday and names the weekday it pays back, itself off by the same document.
    for day in (d for d in schedule.values() if d.working):
        assert day.day.weekday() == 5
        paid = next(o for o in schedule.values() if not o.working and day.day.strftime("%d/%m/%Y") in o.reason)
        assert paid.decision == day.decision and paid.day.strftime("%d/%m/%Y") in day.reason


def test_new_year_2026_follows_van_ban_12729_not_the_package():
    # Thu 1/1–Sun 4/1/2026 off; Fri 2/1 swapped with Sat 10/1, worked (Văn bản 12729/VPCP-KGVX, 25/12/2025).
    assert working(*span("2026-01-01", "2026-01-04")) == [False] * 4
    assert working("2026-01-05", "2026-01-09", "2026-01-10") == [True] * 3
    info = CALENDAR.info(date(2026, 1, 2))
    assert info.source == "holiday" and info.official and "12729/VPCP-KGVX ngày 25/12/2025" in info.reason
    assert CALENDAR.info(date(2026, 1, 10)).reason == (
        "Làm bù cho ngày nghỉ Thứ Sáu 02/01/2026 — theo Văn bản 12729/VPCP-KGVX ngày 25/12/2025")
    # The `holidays` package alone counts 2/1 as working and 10/1 as a weekend.
    assert working("2026-01-02", "2026-01-10", calendar=PACKAGE_ONLY) == [True, False]


@pytest.mark.parametrize("year, first, last, document", [
    (2024, "2024-02-08", "2024-02-14", "5015/TB-LĐTBXH"),  # 29 Chạp – mùng 5, two days for the weekend
    (2025, "2025-01-25", "2025-02-02", "6150/TB-BLĐTBXH"),  # 26 Chạp – mùng 5, nine days
    (2026, "2026-02-14", "2026-02-22", "9441/TB-BNV"),  # 27 Chạp – mùng 6, nine days
])
def test_each_years_tet_is_the_announced_break(year, first, last, document):
    assert working(*span(first, last)) == [False] * len(span(first, last))
    before, after = date.fromisoformat(first) - timedelta(days=1), date.fromisoformat(last) + timedelta(days=1)
    while before.weekday() >= 5:
        before -= timedelta(days=1)
    assert working(before.isoformat(), after.isoformat()) == [True, True]
    weekdays = [d for d in span(first, last) if date.fromisoformat(d).weekday() < 5]
    assert all(document in CALENDAR.info(date.fromisoformat(d)).reason for d in weekdays)


def test_each_years_30_april_and_1_may_with_its_swap():
    # 2024: Mon 29/4 off, Sat 4/5 worked (Văn bản 2450/VPCP-KGVX ngày 12/4/2024).
    assert working("2024-04-29", "2024-04-30", "2024-05-01") == [False] * 3
    assert working("2024-05-02", "2024-05-04") == [True, True]
    assert "2450/VPCP-KGVX" in CALENDAR.info(date(2024, 5, 4)).reason
    # 2025: Fri 2/5 off, Sat 26/4 worked (Thông báo 6150/TB-BLĐTBXH ngày 03/12/2024).
    assert working("2025-04-30", "2025-05-01", "2025-05-02") == [False] * 3
    assert working("2025-04-26", "2025-05-05") == [True, True]
    assert "6150/TB-BLĐTBXH" in CALENDAR.info(date(2025, 5, 2)).reason
    # 2026: Thu 30/4 and Fri 1/5, no swap.
    assert working("2026-04-29", "2026-04-30", "2026-05-01", "2026-05-04") == [True, False, False, True]


def test_each_years_national_day_and_hung_kings_day():
    assert working("2024-09-02", "2024-09-03", "2024-09-04") == [False, False, True]
    assert working("2025-08-29", "2025-09-01", "2025-09-02", "2025-09-03") == [True, False, False, True]
    # 2026: Mon 31/8 swapped with Sat 22/8 (Thông báo 9441/TB-BNV ngày 16/10/2025).
    assert working("2026-08-22", "2026-08-31", "2026-09-01", "2026-09-02", "2026-09-03") == \
        [True, False, False, False, True]
    # Giỗ Tổ, 10/3 lunar; 26/4/2026 is a Sunday, Monday 27/4 is off (Labour Code art. 111.3).
    assert working("2024-04-18", "2025-04-07", "2026-04-27") == [False] * 3
    assert "Điều 111 khoản 3" in CALENDAR.info(date(2026, 4, 27)).reason


def test_the_official_file_wins_over_the_unit_and_the_unit_over_the_package():
    calendar = WorkingCalendar([
        DayOverride(date(2026, 1, 2), True, "Trực"),
        DayOverride(date(2026, 3, 2), False, "Bầu cử"),
        DayOverride(date(2026, 3, 7), True, "Làm bù theo quyết định của tỉnh"),
        DayOverride(date(2027, 9, 2), True, "Trực lễ"),
    ])
    assert not calendar.is_working(date(2026, 1, 2)) and calendar.info(date(2026, 1, 2)).official
    assert not calendar.is_working(date(2026, 3, 2)) and calendar.info(date(2026, 3, 2)).reason == "Bầu cử"
    assert calendar.is_working(date(2026, 3, 7)) and calendar.info(date(2026, 3, 7)).source == "unit"
    assert calendar.is_working(date(2027, 9, 2))
    assert calendar.official_conflict(date(2026, 1, 2), True).decision == "Văn bản 12729/VPCP-KGVX ngày 25/12/2025"
    assert calendar.official_conflict(date(2026, 1, 2), False) is None


def test_a_year_without_a_decision_is_provisional_and_its_days_say_so():
    assert [CALENDAR.is_provisional(year) for year in (2024, 2025, 2026, 2027)] == [False, False, False, True]
    assert CALENDAR.decisions(2027) == []
    tet = CALENDAR.info(date(2027, 2, 8))
    assert (tet.working, tet.source, tet.reason) == (False, "holiday", "Mùng ba Tết Nguyên Đán (dự kiến)")
    assert CALENDAR.provisional_years(date(2026, 12, 30), date(2027, 1, 4)) == [2027]
    assert CALENDAR.provisional_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    # 24/11/2026 (Ngày Văn hóa Việt Nam): no text confirmed, so it stays the package's guess.
    assert CALENDAR.info(date(2026, 11, 24)).reason == "Ngày Văn hóa Việt Nam (dự kiến)"


def test_a_unit_day_citing_a_document_makes_its_year_official_a_local_day_does_not():
    local = WorkingCalendar([DayOverride(date(2027, 3, 2), False, "Bầu cử")])
    assert local.is_provisional(2027)
    decided = WorkingCalendar([DayOverride(date(2027, 2, 4), False,
                                           "Tết Âm lịch — theo Thông báo 1234/TB-BNV ngày 20/10/2026")])
    assert not decided.is_provisional(2027) and decided.is_provisional(2028)
    assert decided.decisions(2027) == ["Thông báo 1234/TB-BNV ngày 20/10/2026"]


@pytest.mark.parametrize("text, found", [
    ("Văn bản 12729/VPCP-KGVX ngày 25/12/2025", "12729/VPCP-KGVX"),
    ("Bộ luật Lao động số 45/2019/QH14, Điều 112", "45/2019/QH14"),
    ("Quyết định 766/QĐ-TTg", "766/QĐ-TTg"),
    ("Làm bù cho ngày nghỉ Thứ Hai 29/04/2024", None),
    ("Nghỉ lễ 2/9", None),
    ("Làm bù theo quyết định của tỉnh", None),
])
def test_a_document_is_recognised_by_its_number_and_symbol(text, found):
    assert cited_document(text) == found


def test_exceptions_list_off_weekdays_and_worked_weekend_days_with_reasons():
    off_days, worked = CALENDAR.exceptions(2024)
    assert [i.day for i in worked] == [date(2024, 5, 4)]
    assert date(2024, 4, 29) in [i.day for i in off_days]
    assert all(i.day.weekday() < 5 and i.reason for i in off_days)
    assert [i.day for i in CALENDAR.exceptions(2026)[1]] == [date(2026, 1, 10), date(2026, 8, 22)]


def test_calendar_file_round_trip():
    data = "\ufeffNgày,Loại,Lý do\n02/03/2026,nghỉ,Bầu cử\n2026-03-07,làm việc,Làm bù\n".encode()
    days = parse_overrides_csv(data)
    assert days == [DayOverride(date(2026, 3, 2), False, "Bầu cử"), DayOverride(date(2026, 3, 7), True, "Làm bù")]
    assert parse_overrides_csv(overrides_csv(days)) == days


def test_a_decision_column_is_kept_with_the_reason():
    data = ("date,type,reason,decision\n2027-02-04,off,Tết Âm lịch,Thông báo 1234/TB-BNV ngày 20/10/2026\n"
            "2027-03-02,off,Bầu cử,\n").encode()
    days = parse_overrides_csv(data)
    assert days[0].reason == "Tết Âm lịch — theo Thông báo 1234/TB-BNV ngày 20/10/2026"
    assert days[1].reason == "Bầu cử"
    assert parse_overrides_csv(overrides_csv(days)) == days


@pytest.mark.parametrize("content, row", [
    ("date,type,reason\n2026-03-02,off,ok\n2026-13-01,off,x\n", "Dòng 3"),
    ("date,type,reason\n2026-03-02,maybe,x\n", "Dòng 2"),
    ("date,type\n2026-03-02,off\n2026-03-02,work\n", "Dòng 3"),
    ("date,type,reason,decision\n2027-02-04,off,Tết,Thông báo của Bộ Nội vụ\n", "Dòng 2: căn cứ"),
])
def test_a_bad_calendar_row_rejects_the_whole_file(session, tmp_path, content, row):
    path = tmp_path / "lich.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CounterError, match=row):
        unit.import_calendar(session, path)
    assert session.calendar.overrides == {}


def test_a_unit_day_contradicting_the_official_file_is_refused_and_changes_nothing(session, tmp_path):
    before = table_dump(session)
    with pytest.raises(CounterError, match="12729/VPCP-KGVX"):
        unit.set_day(session, date(2026, 1, 2), True, "Trực")
    path = tmp_path / "tinh.csv"
    path.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n2026-01-10,off,Nghỉ\n", encoding="utf-8")
    with pytest.raises(CounterError, match="10/01/2026 là ngày làm việc theo lịch chính thức"):
        unit.import_calendar(session, path)
    assert table_dump(session) == before
    # A day that agrees with the official file is harmless.
    unit.set_day(session, date(2026, 1, 2), False, "Nghỉ Tết Dương lịch")
    assert not session.calendar.is_working(date(2026, 1, 2))


def test_calendar_import_and_export_through_the_database(session, tmp_path):
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n", encoding="utf-8")
    assert unit.import_calendar(session, source).days == 1
    assert not session.calendar.is_working(date(2026, 3, 2))
    out = tmp_path / "xa.csv"
    unit.export_calendar(session, out)
    assert out.read_text(encoding="utf-8") == "date,type,reason\n2026-03-02,off,Bầu cử\n"


def test_an_import_of_the_years_decision_makes_the_year_official(session, tmp_path):
    assert session.calendar.is_provisional(2027)
    source = tmp_path / "lich-2027.csv"
    source.write_text(
        "date,type,reason,decision\n"
        "2027-02-04,off,\"Tết Âm lịch, 28 tháng Chạp\",Thông báo 1234/TB-BNV ngày 20/10/2026\n"
        "2027-02-05,off,\"Tết Âm lịch, 29 tháng Chạp\",Thông báo 1234/TB-BNV ngày 20/10/2026\n",
        encoding="utf-8")
    assert unit.import_calendar(session, source).days == 2
    assert not session.calendar.is_provisional(2027)
    assert session.calendar.decisions(2027) == ["Thông báo 1234/TB-BNV ngày 20/10/2026"]
    assert session.calendar.info(date(2027, 2, 4)).reason == \
        "Tết Âm lịch, 28 tháng Chạp — theo Thông báo 1234/TB-BNV ngày 20/10/2026"
