"""Danh sách công khai hồ sơ trễ hạn of a month: unit, procedure, days late, apology.

A dossier is listed when its result came in the month after its legal due
time, or when at the month's end it still had no result and was past due
(its clock not stopped for a supplement), and whenever it was asked for a
supplement after its due date. It is public, so it names no applicant and
carries none of their data (ND 61/2018 art. 19.9 asks the agency to apologise;
the list shows whether it did, in time or late, and the apology's reason).
"""

from datetime import date, datetime, timedelta

import orjson

from counter.clock import from_iso, iso
from counter.indicators import Period
from counter.session import Session
from counter.transitions import Status
from counter.working_calendar import WorkingCalendar


def late_list(session: Session, period: Period) -> list[dict]:
    session.require("reports")
    rows = session.province.late_rows(iso(period.start), iso(period.end), Status.WAITING_SUPPLEMENT)
    last_day = (period.end - timedelta(days=1)).date()
    counter = _WorkingDays(session.calendar)
    result = []
    for row in rows:
        due, result_at = from_iso(row["due_at"]), from_iso(row["result_at"])
        resolved = result_at is not None and result_at < period.end
        until = result_at.date() if resolved else last_day
        # Read as the import checked it (a JSON object's last copy of a key, as orjson reads it).
        record = orjson.loads(row["record"])
        result.append({
            "unit": row["unit"], "unit_name": row["unit_name"], "code": row["code"],
            "procedure_code": row["procedure_code"], "procedure_name": record["procedure_name"],
            "received_at": row["received_at"], "due_at": row["due_at"],
            "result_at": row["result_at"] if resolved else None,
            "state": "resolved_late" if resolved else "overdue",
            "days_late": counter.late(due, until),
            "apology": row["apology_at"] is not None, "apology_at": row["apology_at"],
            "apology_reason": record["apology_reason"],
            # Kế hoạch 3/KH-UBND II.7: the public list gives the reason (the apology's) and whether
            # the apology came in time (ND 61/2018 art. 19: one working day before the due date).
            "reason": record["apology_reason"] or "",
            "apology_state": _apology_state(row),
        })
    return result


def _apology_state(row: dict) -> str:
    if row["apology_at"] is None:
        return "none"
    return "late" if row["apology_late"] else "on_time"


class _WorkingDays:
    """Working days late, by the calendar the province keeps (national days plus its own)."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.cache: dict[tuple[date, date], int] = {}

    def late(self, due: datetime, until: date) -> int:
        """Working days after the due day up to `until`; late within the due day itself counts as one."""
        key = (due.date(), until)
        if key not in self.cache:
            count, day = 0, due.date() + timedelta(days=1)
            while day <= until:
                count += self.calendar.is_working(day)
                day += timedelta(days=1)
            self.cache[key] = max(1, count)
        return self.cache[key]
