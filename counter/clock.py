"""Times as officers type them and as the database stores them.

All times are local wall-clock times without a zone: the counter, its
appointments and its printed forms all live in one place.

Every time an officer types lies in 2000–2099: the dossier code carries the
year in two digits (YYMMDD, shared/domain/README.md "Dossier code"), so two
centuries would hand out the same codes, and a year 9999 overflows every
date computed from it.
"""

import re
from datetime import date, datetime, time
from typing import TypeVar, overload

from counter.errors import CounterError

FIRST_YEAR, LAST_YEAR = 2000, 2099
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_Moment = TypeVar("_Moment", date, datetime, int)


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def parse_time(text: str, what: str = "thời gian") -> datetime:
    """`YYYY-MM-DD HH:MM` (ISO 8601 with a T is accepted too)."""
    return check_year(_parse(text, _FORMATS, what, "YYYY-MM-DD HH:MM"), what)


def parse_date(text: str, what: str = "ngày") -> date:
    """`YYYY-MM-DD`, or `dd/mm/yyyy` as Vietnamese documents write it."""
    return check_year(_parse(text, ("%Y-%m-%d", "%d/%m/%Y"), what, "YYYY-MM-DD"), what).date()


def parse_month(text: str, what: str = "tháng") -> tuple[int, int]:
    """`YYYY-MM` as (year, month)."""
    match = _MONTH.fullmatch((text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise CounterError(f"Sai định dạng {what}: «{(text or '').strip()}». Hãy nhập theo dạng YYYY-MM.",
                           "month must be YYYY-MM")
    year = int(match[1])
    check_year(datetime(year, 1, 1), what)
    return year, int(match[2])


def check_year(moment: _Moment, what: str = "thời gian") -> _Moment:
    """`moment` (a date, datetime or year) if its year lies in FIRST_YEAR–LAST_YEAR."""
    year = moment if isinstance(moment, int) else moment.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CounterError(
            f"Năm {year} của {what} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR} mà phần mềm nhận.",
            f"year {year} outside {FIRST_YEAR}-{LAST_YEAR}",
        )
    return moment


def _parse(text: str, formats: tuple[str, ...], what: str, shape: str) -> datetime:
    value = (text or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise CounterError(
        f"Sai định dạng {what}: «{value}». Hãy nhập theo dạng {shape}.",
        f"malformed value {value!r}, expected {shape}",
    )


def parse_clock(text: str, what: str = "giờ") -> time:
    value = (text or "").strip()
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise CounterError(
            f"Sai định dạng {what}: «{value}». Hãy nhập theo dạng HH:MM.",
            f"malformed clock time {value!r}, expected HH:MM",
        ) from None


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """The stored and exported form: ISO 8601 to the second."""
    return moment.isoformat(timespec="seconds") if moment else None


@overload
def from_iso(text: str) -> datetime: ...
@overload
def from_iso(text: None) -> None: ...
@overload
def from_iso(text: str | None) -> datetime | None: ...
def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
