"""Working days (ngày làm việc): weekends, public holidays, swaps and the unit's own days.

Public holidays follow Labour Code 2019 art. 112, lunar ones included, with a
holiday on a weekend moved to the next working day (art. 111.3) and the yearly
swap decisions: all from the `holidays` package (shared/domain/README.md,
"Time limits"). Make-up Saturdays (ngày làm bù) are working days. The unit's
overrides come last and win, because future years change by decree and a
province distributes them as a file.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from counter.clock import parse_date
from counter.errors import CounterError
from counter.text import fold, nfc

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class DayOverride:
    """A day the unit declares off or working, whatever the national calendar says."""

    day: date
    working: bool
    reason: str


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    reason: str
    source: str  # "weekday", "weekend", "holiday", "make-up", "unit"


@lru_cache(maxsize=64)
def _national_year(year: int) -> tuple[dict, dict]:
    """(holidays, make-up Saturdays) of one year, each date -> reason."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    days_off = {day: name for day, name in vn.items() if day.year == year}
    make_up = {}
    for day in vn.weekend_workdays:
        if day.year != year:
            continue
        swapped = [
            off for off, name in days_off.items()
            if (m := _SWAP.search(name)) and date(int(m[3]), int(m[2]), int(m[1])) == day
        ]
        reason = "Ngày làm bù"
        if swapped:
            reason += " cho ngày nghỉ " + ", ".join(d.strftime("%d/%m/%Y") for d in swapped)
        make_up[day] = reason
    return days_off, make_up


class WorkingCalendar:
    def __init__(self, overrides: list[DayOverride] | None = None):
        self.overrides = {o.day: o for o in overrides or []}

    def info(self, day: date) -> DayInfo:
        override = self.overrides.get(day)
        if override:
            return DayInfo(day, override.working, override.reason, "unit")
        days_off, make_up = _national_year(day.year)
        if day in days_off:
            return DayInfo(day, False, days_off[day], "holiday")
        if day in make_up:
            return DayInfo(day, True, make_up[day], "make-up")
        weekday = day.weekday()
        return DayInfo(day, weekday < 5, WEEKDAY_NAMES[weekday], "weekday" if weekday < 5 else "weekend")

    def is_working(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override:
            return override.working
        days_off, make_up = _national_year(day.year)
        if day in days_off:
            return False
        return day in make_up or day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def exceptions(self, year: int) -> tuple[list[DayInfo], list[DayInfo]]:
        """(weekdays that are off, weekend days that are worked) of a year, with reasons."""
        off, worked = [], []
        day = date(year, 1, 1)
        while day.year == year:
            info = self.info(day)
            if day.weekday() < 5 and not info.working:
                off.append(info)
            elif day.weekday() >= 5 and info.working:
                worked.append(info)
            day += timedelta(days=1)
        return off, worked


_OFF_WORDS = {"off", "nghi", "ngay nghi", "nghi le", "0"}
_WORK_WORDS = {"work", "working", "lam viec", "lam bu", "ngay lam bu", "ngay lam viec", "1"}
_HEADERS = {
    "date": "date", "ngay": "date",
    "type": "type", "loai": "type", "kind": "type",
    "reason": "reason", "ly do": "reason", "ghi chu": "reason",
}


def parse_overrides_csv(data: bytes) -> list[DayOverride]:
    """Read a calendar file: columns date,type,reason (type off|work; Vietnamese accepted)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CounterError(
            "Tệp lịch không phải UTF-8.", "calendar file is not UTF-8 text"
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CounterError(f"Tệp lịch hỏng: {exc}.", "malformed CSV") from None
    if not rows:
        raise CounterError("Tệp lịch trống.", "calendar file is empty")
    header = [_HEADERS.get(fold(cell)) for cell in rows[0]]
    for needed in ("date", "type"):
        if needed not in header:
            raise CounterError(
                "Tệp lịch thiếu cột «date» (Ngày) hoặc «type» (Loại).",
                "calendar file needs columns date,type[,reason]",
            )
    result, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: nfc(row[i]) if i < len(row) else "" for i, name in enumerate(header) if name}
        try:
            day = parse_date(cells["date"])
        except CounterError as exc:
            raise CounterError(f"Dòng {number}: {exc.message}", f"row {number}: bad date") from None
        kind = fold(cells["type"])
        if kind in _OFF_WORDS:
            working = False
        elif kind in _WORK_WORDS:
            working = True
        else:
            raise CounterError(
                f"Dòng {number}: loại ngày «{cells['type']}» phải là off (nghỉ) hoặc work (làm việc).",
                f"row {number}: type must be off or work",
            )
        if day in seen:
            raise CounterError(f"Dòng {number}: ngày {day} bị lặp lại.", f"row {number}: duplicate date")
        seen.add(day)
        reason = cells.get("reason") or ("Ngày làm việc" if working else "Ngày nghỉ")
        result.append(DayOverride(day, working, reason))
    return result


def overrides_csv(overrides: list[DayOverride]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "type", "reason"])
    for o in sorted(overrides, key=lambda o: o.day):
        writer.writerow([o.day.isoformat(), "work" if o.working else "off", o.reason])
    return out.getvalue().encode("utf-8")
