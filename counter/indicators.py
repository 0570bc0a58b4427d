"""A unit's figures for a period (shared/domain/indicators.md).

Counts: received, resolved (early / on time / late judged by the result time
against the legal due date), returned, in progress and overdue at the end of
the period, digitized, results digitized, online and postal, ratings. Rates:
each over its own base, as the province plan defines it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from counter.clock import iso
from counter.session import Session
from counter.transitions import Status
from db import indicators as indicator_queries

# Targets of the province plan (Kế hoạch 3/KH-UBND, 2024; shared/domain/indicators.md).
TARGETS = {
    "on_time_rate": 0.90, "early_rate": 0.60, "apology_rate": 1.0, "digitized_rate": 1.0,
    "result_digitized_rate": 1.0, "online_rate": 0.70, "postal_rate": 0.20, "satisfaction_rate": 0.90,
}


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive

    @classmethod
    def day(cls, day: date) -> "Period":
        start = datetime.combine(day, time())
        return cls(start, start + timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = datetime(year, month, 1)
        end = datetime(year + (month == 12), month % 12 + 1, 1)
        return cls(start, end)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        """Quý: the province reports in March, June, September and December."""
        return cls(cls.month(year, 3 * quarter - 2).start, cls.month(year, 3 * quarter).end)


def figures(session: Session, period: Period) -> dict:
    start, end = iso(period.start), iso(period.end)
    counts = indicator_queries.counts(session.db, start, end, Status.WAITING_SUPPLEMENT)
    return {"from": start, "to": end, **counts, **rates(counts)}


def rates(c: dict) -> dict:
    """Each indicator over its base; None where the base is empty."""
    rated = c["very_satisfied"] + c["satisfied"] + c["unsatisfied"]
    return {
        "on_time_rate": _ratio(c["early"] + c["on_time"], c["resolved"]),
        "early_rate": _ratio(c["early"], c["resolved"]),
        "late_rate": _ratio(c["late"], c["resolved"]),
        "apology_rate": _ratio(c["late_apologized"], c["late"]),
        "digitized_rate": _ratio(c["digitized"], c["received"]),
        "result_digitized_rate": _ratio(c["result_digitized"], c["resolved"]),
        "online_rate": _ratio(c["online"], c["received"]),
        "postal_rate": _ratio(c["postal"], c["received"]),
        "satisfaction_rate": _ratio(c["very_satisfied"] + c["satisfied"], rated),
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
