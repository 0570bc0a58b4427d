"""Working days (ngày làm việc): the official schedule, the unit's own days, then the Labour Code.

Three layers; the first that knows a day wins (issue 11, docs/rules.md "Lịch làm việc"):
1. the official schedule for civil servants shipped with motcua (data/official-calendar.csv):
   every day off and make-up Saturday (ngày làm bù) the published decisions set, each row naming
   its document;
2. the unit's own days (`calendar set`/`calendar import`), e.g. a province's file for a year
   motcua does not know yet, or a local day off;
3. the `holidays` package: weekends and the public holidays of Labour Code 2019 art. 112, a
   holiday on a weekend moved to the next working day (art. 111.3) and the swaps it knows. It is
   a forecast, and its days say so.

A year is official when the shipped schedule has a day in it, or a unit day names a document by
its số, ký hiệu (what a province's file of the year's decision carries). Any other year is
provisional: its appointments are a forecast, not law (shared/domain/README.md, "Time limits").
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

from counter.clock import parse_date
from counter.errors import CounterError
from counter.text import fold, nfc

OFFICIAL = Path(__file__).with_name("data") / "official-calendar.csv"
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
FORECAST = " (dự kiến)"
# How a unit day cites its document: "Nghỉ Tết — theo Thông báo 9441/TB-BNV ngày 16/10/2025".
CITES = " — theo "
_SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
# Số, ký hiệu of a document (ND 30/2020/ND-CP, Phụ lục I): 12729/VPCP-KGVX, 45/2019/QH14, 766/QĐ-TTg.
_DOCUMENT = re.compile(r"\b\d+(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*")


@dataclass(frozen=True)
class DayOverride:
    """A day the unit declares off or working, whatever the national calendar says."""

    day: date
    working: bool
    reason: str


@dataclass(frozen=True)
class OfficialDay:
    """A day of the official schedule and the document that set it."""

    day: date
    working: bool
    reason: str
    decision: str

    @property
    def text(self) -> str:
        return f"{self.reason}{CITES}{self.decision}"


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    reason: str
    source: str  # "holiday", "make-up", "unit", "weekday", "weekend" (the JSON contract's values)
    official: bool = False  # set by a published decision (counter/data/official-calendar.csv)


def cited_document(text: str) -> str | None:
    """The số, ký hiệu a text names (e.g. "12729/VPCP-KGVX"), or None."""
    found = _DOCUMENT.search(text)
    return found[0] if found else None


@lru_cache(maxsize=1)
def official_schedule() -> dict[date, OfficialDay]:
    """The shipped schedule, by date."""
    return {row.day: row for row in _read(OFFICIAL.read_bytes(), "lịch chính thức", decision_required=True)}


@lru_cache(maxsize=64)
def _national_year(year: int) -> tuple[dict, dict]:
    """(holidays, make-up Saturdays) of one year from the `holidays` package, each date -> reason."""
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
    def __init__(self, overrides: list[DayOverride] | None = None,
                 official: dict[date, OfficialDay] | None = None):
        self.overrides = {o.day: o for o in overrides or []}
        self.official = official_schedule() if official is None else official
        self._official_years = {d.year for d in self.official} | {
            o.day.year for o in self.overrides.values() if cited_document(o.reason)
        }

    def info(self, day: date) -> DayInfo:
        official = self.official.get(day)
        if official:
            return DayInfo(day, official.working, official.text, "make-up" if official.working else "holiday",
                           official=True)
        override = self.overrides.get(day)
        if override:
            return DayInfo(day, override.working, override.reason, "unit")
        days_off, make_up = _national_year(day.year)
        if day in days_off:
            return DayInfo(day, False, days_off[day] + FORECAST, "holiday")
        if day in make_up:
            return DayInfo(day, True, make_up[day] + FORECAST, "make-up")
        weekday = day.weekday()
        return DayInfo(day, weekday < 5, WEEKDAY_NAMES[weekday], "weekday" if weekday < 5 else "weekend")

    def is_working(self, day: date) -> bool:
        known = self.official.get(day) or self.overrides.get(day)
        if known:
            return known.working
        days_off, make_up = _national_year(day.year)
        if day in days_off:
            return False
        return day in make_up or day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def is_provisional(self, year: int) -> bool:
        """True when no official decision for `year` is known: its days off are a forecast."""
        return year not in self._official_years

    def provisional_years(self, start: date, end: date) -> list[int]:
        """The provisional years among those from `start` to `end`."""
        return [year for year in range(start.year, end.year + 1) if self.is_provisional(year)]

    def decisions(self, year: int) -> list[str]:
        """The documents `year`'s schedule follows: the shipped ones, then those the unit's days cite."""
        found = {d.decision: None for d in sorted(self.official.values(), key=lambda d: d.day) if d.day.year == year}
        for o in sorted(self.overrides.values(), key=lambda o: o.day):
            if o.day.year == year and cited_document(o.reason):
                found[o.reason.split(CITES, 1)[-1]] = None
        return list(found)

    def official_conflict(self, day: date, working: bool) -> OfficialDay | None:
        """The official day a unit day would contradict; the official schedule wins."""
        official = self.official.get(day)
        return official if official and official.working != working else None

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
    "decision": "decision", "van ban": "decision", "can cu": "decision", "quyet dinh": "decision",
}


def parse_overrides_csv(data: bytes) -> list[DayOverride]:
    """Read a calendar file: columns date,type[,reason][,decision] (type off|work; Vietnamese accepted).

    A `decision` cell must name its document by số, ký hiệu; it is kept at the end of the reason
    ("… — theo Thông báo 9441/TB-BNV ngày 16/10/2025"), which makes the year official.
    """
    return [DayOverride(row.day, row.working, row.text if row.decision else row.reason)
            for row in _read(data, "tệp lịch", decision_required=False)]


def overrides_csv(overrides: list[DayOverride]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "type", "reason"])
    for o in sorted(overrides, key=lambda o: o.day):
        writer.writerow([o.day.isoformat(), "work" if o.working else "off", o.reason])
    return out.getvalue().encode("utf-8")


def _read(data: bytes, what: str, decision_required: bool) -> list[OfficialDay]:
    """The rows of a calendar CSV; one bad row refuses the whole file, naming the row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CounterError(f"{what.capitalize()} không phải UTF-8.", "calendar file is not UTF-8 text") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CounterError(f"{what.capitalize()} hỏng: {exc}.", "malformed CSV") from None
    if not rows:
        raise CounterError(f"{what.capitalize()} trống.", "calendar file is empty")
    header = [_HEADERS.get(fold(cell)) for cell in rows[0]]
    for needed in ("date", "type", *(("decision",) if decision_required else ())):
        if needed not in header:
            raise CounterError(
                f"{what.capitalize()} thiếu cột «date» (Ngày) hoặc «type» (Loại)"
                + (" hoặc «decision» (Căn cứ)." if decision_required else "."),
                "calendar file needs columns date,type[,reason][,decision]",
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
        decision = cells.get("decision", "")
        if (decision or decision_required) and not cited_document(decision):
            raise CounterError(
                f"Dòng {number}: căn cứ «{decision}» không ghi số, ký hiệu văn bản (ví dụ 12729/VPCP-KGVX).",
                f"row {number}: the decision must name a document number",
            )
        reason = cells.get("reason") or ("Ngày làm việc" if working else "Ngày nghỉ")
        result.append(OfficialDay(day, working, reason, decision))
    return result
