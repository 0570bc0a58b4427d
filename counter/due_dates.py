"""Legal due dates (thời hạn giải quyết) counted in working days.

The clock starts at receipt. A dossier received at or after the cut-off hour
(15:00 by default: ND 63/2024 and the practice of provincial systems, a unit
setting per shared/domain/README.md "Time limits"), or outside working time,
starts at the next working day's opening. One working day later is the same
clock time on the next working day; non-working days never count and make-up
Saturdays do. A 0-day procedure (trả trong ngày; Luật Hộ tịch art. 5.3,
ND 23/2015 art. 7) is due at closing time of its start day. A unit may count
the receipt day as day 1, in which case the due time is the closing time of
the N-th working day.

A due date that reaches into a year with no official decision is provisional
(issue 11): it says so in its explanation and wherever the appointment shows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from counter.errors import CounterError
from counter.settings import UnitSettings
from counter.working_calendar import WorkingCalendar


@dataclass(frozen=True)
class TimeRules:
    opening: time
    closing: time
    cutoff: time | None
    receipt_day_counts: bool = False

    @classmethod
    def of(cls, settings: UnitSettings, procedure_cutoff: bool | None = None) -> "TimeRules":
        """The unit's rules; a procedure may switch the cut-off on or off for itself."""
        use_cutoff = settings.cutoff_enabled if procedure_cutoff is None else procedure_cutoff
        return cls(
            opening=settings.open_time,
            closing=settings.close_time,
            cutoff=settings.cutoff_time if use_cutoff else None,
            receipt_day_counts=settings.receipt_day_counts,
        )


@dataclass(frozen=True)
class Step:
    """One line of a due date's explanation."""

    day: date
    kind: str  # "start", "skipped", "counted", "provisional"
    reason: str

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "kind": self.kind, "reason": self.reason}

    def text(self) -> str:
        label = {"start": "Bắt đầu tính", "skipped": "Không tính", "counted": "Tính",
                 "provisional": "Lưu ý"}[self.kind]
        return f"{self.day.strftime('%d/%m/%Y')}  {label}: {self.reason}"


@dataclass(frozen=True)
class DueDate:
    received_at: datetime
    clock_start: datetime
    due_at: datetime
    days: int
    steps: list[Step] = field(default_factory=list)
    provisional: bool = False

    def explain(self) -> list[dict]:
        return [step.as_dict() for step in self.steps]


def clock_start(received_at: datetime, calendar: WorkingCalendar, rules: TimeRules) -> tuple[datetime, list[Step]]:
    """When the time limit starts running for a dossier received at `received_at`."""
    day, moment = received_at.date(), received_at.time()
    last_intake = rules.cutoff or rules.closing
    info = calendar.info(day)
    if info.working and rules.opening <= moment < last_intake:
        return received_at, [Step(day, "start", f"tiếp nhận lúc {moment:%H:%M}, trong giờ làm việc")]
    if info.working and moment < rules.opening:
        return datetime.combine(day, rules.opening), [
            Step(day, "start", f"tiếp nhận trước giờ mở cửa, tính từ {rules.opening:%H:%M}")
        ]
    if not info.working:
        why = f"tiếp nhận vào ngày không làm việc ({info.reason})"
    elif rules.cutoff and moment < rules.closing:
        why = f"tiếp nhận lúc {moment:%H:%M}, từ {rules.cutoff:%H:%M} trở đi tính từ ngày làm việc tiếp theo"
    else:
        why = f"tiếp nhận lúc {moment:%H:%M}, ngoài giờ làm việc"
    steps = [Step(day, "skipped", why)]
    start_day = _next_working(day, calendar, steps)
    steps.append(Step(start_day, "start", f"bắt đầu tính từ {rules.opening:%H:%M}"))
    return datetime.combine(start_day, rules.opening), steps


def due_date(received_at: datetime, days: int, calendar: WorkingCalendar, rules: TimeRules) -> DueDate:
    if days < 0:
        raise CounterError(
            f"Thời hạn giải quyết không được âm ({days} ngày).", "the time limit cannot be negative"
        )
    start, steps = clock_start(received_at, calendar, rules)
    day = start.date()
    if days == 0:
        due = datetime.combine(day, rules.closing)
        steps.append(Step(day, "counted", f"thủ tục trả trong ngày, hạn {rules.closing:%H:%M}"))
    elif rules.receipt_day_counts:
        steps.append(Step(day, "counted", f"ngày làm việc thứ 1/{days} (ngày tiếp nhận được tính)"))
        for n in range(2, days + 1):
            day = _next_working(day, calendar, steps)
            steps.append(Step(day, "counted", f"ngày làm việc thứ {n}/{days}"))
        due = datetime.combine(day, rules.closing)
    else:
        for n in range(1, days + 1):
            day = _next_working(day, calendar, steps)
            steps.append(Step(day, "counted", f"ngày làm việc thứ {n}/{days}"))
        due = datetime.combine(day, start.time())
    provisional = calendar.provisional_years(received_at.date(), due.date())
    for year in provisional:
        steps.append(Step(max(received_at.date(), date(year, 1, 1)), "provisional", provisional_note(year)))
    return DueDate(received_at, start, due, days, steps, bool(provisional))


def provisional_note(year: int) -> str:
    return (f"lịch làm việc năm {year} chưa có văn bản chính thức; ngày nghỉ tính theo Bộ luật Lao động, "
            "hạn giải quyết là dự kiến")


def _next_working(day: date, calendar: WorkingCalendar, steps: list[Step]) -> date:
    """The next working day after `day`, noting every day skipped on the way."""
    following = calendar.next_working_day(day)
    skipped = day.toordinal() + 1
    while skipped < following.toordinal():
        info = calendar.info(date.fromordinal(skipped))
        steps.append(Step(info.day, "skipped", info.reason))
        skipped += 1
    return following
