"""The chip-based CCCD's QR code: read whole, or refused whole (counter/cccd.py)."""

from datetime import date

import pytest

from counter import cccd
from counter.errors import CounterError

GOOD = "024190001234|125678901|Nguyễn Thị Hồng Nhung|05031990|Nữ|Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh|12072021"


def test_a_card_is_read_field_by_field():
    card = cccd.parse(GOOD)
    assert card == cccd.Card(
        id_number="024190001234", old_id_number="125678901", name="Nguyễn Thị Hồng Nhung",
        birth_date=date(1990, 3, 5), sex="Nữ", address="Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh",
        issued_on=date(2021, 7, 12))


def test_no_old_number_a_trailing_separator_and_a_line_break_are_fine():
    card = cccd.parse("001209005678||Lò Văn Páo|20022009|nam|Bản Phiêng, xã Mường Lói|01042024|\r\n")
    assert card.old_id_number == "" and card.sex == "Nam" and card.birth_date == date(2009, 2, 20)


@pytest.mark.parametrize("scan, why", [
    ("024190001234|125678901|Nguyễn Thị Hồng Nhung|05031990|Nữ", "có 5 phần"),  # cut short
    (GOOD + "|x|y", "có 9 phần"),
    (GOOD.replace("024190001234", "02419000123"), "12 chữ số"),
    (GOOD.replace("125678901", "12567890"), "CMND cũ"),
    (GOOD.replace("05031990", "31021990"), "không có thật"),
    (GOOD.replace("05031990", "0503199"), "8 chữ số"),
    (GOOD.replace("|Nữ|", "|X|"), "giới tính"),
    (GOOD.replace("Nguyễn Thị Hồng Nhung", ""), "thiếu họ tên"),
    (GOOD.replace("Nguyễn Thị Hồng Nhung", "Ngu1ễn"), "chữ số"),
    (GOOD.replace("12072021", "12071989"), "ngày cấp trước ngày sinh"),
    (GOOD.replace("12072021", "12072099"), "không hợp lệ"),
    (GOOD.replace("024190001234", "024090001234"), "không khớp"),  # the number says a man
    (GOOD.replace("024190001234", "024185001234"), "không khớp"),  # born in 1985 by the number
    (GOOD.replace("Nhung", "Nhung\u202e"), "ký tự điều khiển"),
    ("x" * 2000, "quá dài"),
])
def test_a_bad_or_partial_scan_is_refused_with_one_message(scan, why):
    with pytest.raises(CounterError) as refused:
        cccd.parse(scan)
    assert why in refused.value.message and refused.value.message.startswith("Mã QR trên CCCD không đọc được")


def test_what_starts_like_a_card():
    assert cccd.looks_like_card("024190001234|1")
    assert not cccd.looks_like_card("0241900|") and not cccd.looks_like_card("024190001234")
