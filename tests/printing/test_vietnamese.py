from datetime import date, datetime

from printing.vietnamese import amount, capitals, clock, long_date, moment, place_date, short_date


def test_dates_are_written_the_vietnamese_way():
    assert long_date(date(2025, 3, 3)) == "ngày 03 tháng 3 năm 2025"
    assert long_date(date(2025, 12, 25)) == "ngày 25 tháng 12 năm 2025"
    # ND 30/2020: January and February take a leading zero, like days below 10.
    assert long_date(date(2026, 2, 9)) == "ngày 09 tháng 02 năm 2026"
    assert short_date(date(2025, 3, 3)) == "03/3/2025"
    assert short_date(date(2025, 1, 15)) == "15/01/2025"


def test_times_and_moments():
    assert clock(datetime(2025, 3, 3, 9, 0)) == "09 giờ 00 phút"
    assert moment(datetime(2025, 3, 5, 14, 30)) == "14 giờ 30 phút, ngày 05 tháng 3 năm 2025"


def test_place_and_date_line():
    assert place_date("Tân Tiến", date(2025, 3, 3)) == "Tân Tiến, ngày 03 tháng 3 năm 2025"
    assert place_date("", date(2025, 3, 3)) == "Ngày 03 tháng 3 năm 2025"


def test_amounts_group_thousands_with_dots():
    assert amount(20000) == "20.000 đồng"
    assert amount(1234567) == "1.234.567 đồng"
    assert amount(500) == "500 đồng"


def test_capitals_keep_vietnamese_letters():
    assert capitals("UBND xã Tân Tiến") == "UBND XÃ TÂN TIẾN"
    assert capitals("đường Nguyễn Huệ") == "ĐƯỜNG NGUYỄN HUỆ"
