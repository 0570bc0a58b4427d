"""Dates, times and amounts written the way Vietnamese official papers write them.

shared/domain/forms.md, "Writing Vietnamese on forms": "ngày 03 tháng 3 năm 2025",
"09 giờ 00 phút", "20.000 đồng". Days below 10 and the months 1 and 2 take a
leading zero, the other months do not (ND 30/2020/NĐ-CP, Phụ lục I, on the
place and date line of administrative documents).
"""

import unicodedata
from datetime import date, datetime


def _day(value: date) -> str:
    return f"{value.day:02d}"


def _month(value: date) -> str:
    return f"{value.month:02d}" if value.month <= 2 else str(value.month)


def long_date(value: date) -> str:
    """'ngày 03 tháng 3 năm 2025'."""
    return f"ngày {_day(value)} tháng {_month(value)} năm {value.year}"


def short_date(value: date) -> str:
    """'03/3/2025', for tables and running text."""
    return f"{_day(value)}/{_month(value)}/{value.year}"


def clock(value: datetime) -> str:
    """'09 giờ 00 phút'."""
    return f"{value.hour:02d} giờ {value.minute:02d} phút"


def moment(value: datetime) -> str:
    """'09 giờ 00 phút, ngày 03 tháng 3 năm 2025': the appointment as the receipt states it."""
    return f"{clock(value)}, {long_date(value)}"


def short_moment(value: datetime) -> str:
    """'09 giờ 00 phút, ngày 03/3/2025', where a table cell is narrow."""
    return f"{clock(value)}, ngày {short_date(value)}"


def place_date(place: str, value: date) -> str:
    """'Tân Tiến, ngày 03 tháng 3 năm 2025' (the date line under the national motto)."""
    return f"{place}, {long_date(value)}" if place else long_date(value).capitalize()


def amount(value: int) -> str:
    """'20.000 đồng': dots group the thousands."""
    return f"{value:,} đồng".replace(",", ".")


def capitals(text: str) -> str:
    """Names in capitals for titles and headers ('UBND xã Tân Tiến' -> 'UBND XÃ TÂN TIẾN')."""
    return unicodedata.normalize("NFC", text.upper())
