"""A unit's figures for a period (shared/domain/indicators.md; docs/rules.md, "Chỉ tiêu / Indicators").

Counts: received, resolved (every end status: a result, a rejection, a stop), of them the results
proper judged early / on time / late against the legal due date and the rejections and stops in
their own columns, returned, in progress and overdue at the end of the period, digitized, results
digitized, online (and online among procedures offered fully online) and postal, fees paid online,
data re-use by returning applicants, ratings (by the citizen and by the officer apart), complaints,
and the guidance given at the counter (never counted as received). Rates: each over its own base,
as the province plan and QĐ 766/QĐ-TTg define it, with the plan's target beside it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from counter.clock import iso
from counter.session import Session
from counter.transitions import Status
from db import guidance as guidance_queries
from db import indicators as indicator_queries

ENDED = (Status.REJECTED, Status.STOPPED)  # end statuses without a result proper


@dataclass(frozen=True)
class Target:
    """A target of Kế hoạch 3/KH-UBND (2024): `strict` for "trên" (more than), else "tối thiểu"
    or "100%" (at least)."""

    value: float
    strict: bool
    source: str

    def met(self, rate: float | None) -> bool | None:
        """None when the rate has no base in the period."""
        if rate is None:
            return None
        return rate > self.value if self.strict else rate >= self.value

    @property
    def text(self) -> str:
        """"> 90%", "≥ 85%", or "100%" (all of them)."""
        if self.value >= 1 and not self.strict:
            return "100%"
        return f"{'>' if self.strict else '≥'} {self.value * 100:.0f}%"

    def as_dict(self) -> dict:
        return {"value": self.value, "op": ">" if self.strict else ">=", "text": self.text, "source": self.source}


_PLAN = "Kế hoạch 3/KH-UBND (2024)"
TARGETS: dict[str, Target] = {
    "progress_rate": Target(0.90, True, f"{_PLAN}, II.5 và phụ lục mục 2; QĐ 766/QĐ-TTg (tiến độ)"),
    "on_time_rate": Target(0.90, True, f"{_PLAN}, II.5 và phụ lục mục 2"),
    "early_rate": Target(0.60, True, f"{_PLAN}, II.5 và phụ lục mục 2"),
    "apology_rate": Target(1.0, False, f"{_PLAN}, II.7; NĐ 61/2018 Điều 19"),
    "apology_on_time_rate": Target(1.0, False, "NĐ 61/2018 Điều 19 (chậm nhất 01 ngày trước hạn)"),
    "digitized_rate": Target(1.0, False, "NĐ 107/2021; TT 03/2025 Điều 5"),
    "result_digitized_rate": Target(1.0, False, "NĐ 107/2021; TT 03/2025 Điều 5"),
    "online_eligible_rate": Target(0.70, True, f"{_PLAN}, phụ lục mục 4.2 (xử lý hoàn toàn trực tuyến)"),
    "postal_rate": Target(0.20, False, f"{_PLAN}, phụ lục mục 4.2 (cấp tỉnh)"),
    "online_payment_rate": Target(0.60, True, f"{_PLAN}, phụ lục mục 5.1"),
    "reuse_rate": Target(0.50, True, f"{_PLAN}, phụ lục mục 1.3"),
    "satisfaction_rate": Target(0.90, False, f"{_PLAN}, II.6 và phụ lục mục 1.2"),
    "satisfaction_index": Target(0.90, False, f"{_PLAN}, II.6; QĐ 766/QĐ-TTg (mức độ hài lòng)"),
    "lci_satisfaction_rate": Target(0.85, False, f"{_PLAN}, II.6 và phụ lục mục 1.2 (đất đai, xây dựng, đầu tư)"),
    "lci_satisfaction_index": Target(0.85, False, f"{_PLAN}, II.6 (đất đai, xây dựng, đầu tư)"),
}
# What an officer reads beside each rate (the Today screen, the Excel files, the CLI).
RATE_LABELS = {
    "progress_rate": "Tiến độ giải quyết (QĐ 766)",
    "on_time_rate": "Kết quả trước và đúng hạn",
    "early_rate": "Kết quả trước hạn",
    "late_rate": "Kết quả trễ hạn",
    "apology_rate": "Trễ hạn có xin lỗi",
    "apology_on_time_rate": "Trễ hạn xin lỗi đúng hạn",
    "digitized_rate": "Số hóa hồ sơ",
    "result_digitized_rate": "Số hóa kết quả",
    "online_rate": "Nộp trực tuyến (mọi thủ tục)",
    "online_eligible_rate": "Trực tuyến (TTHC toàn trình)",
    "postal_rate": "Bưu chính công ích",
    "online_payment_rate": "Thanh toán trực tuyến",
    "reuse_rate": "Tái sử dụng dữ liệu",
    "satisfaction_rate": "Hài lòng (theo đánh giá)",
    "citizen_satisfaction_rate": "  do công dân tự đánh giá",
    "officer_satisfaction_rate": "  do cán bộ nhập",
    "satisfaction_index": "Chỉ số hài lòng (QĐ 766)",
    "lci_satisfaction_rate": "Hài lòng: đất đai, xây dựng, đầu tư",
    "lci_satisfaction_index": "Chỉ số hài lòng: đất đai, xây dựng, đầu tư",
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
    counts = indicator_queries.counts(session.db, start, end, Status.WAITING_SUPPLEMENT, ENDED)
    counts.update(guidance_queries.counts(session.db, start, end))
    values = {"from": start, "to": end, **counts, **rates(counts)}
    values["short"] = shortfalls(values)
    values["targets"] = {key: target.as_dict() for key, target in TARGETS.items()}
    return values


def rates(c: dict) -> dict:
    """Each indicator over its base; None where the base is empty."""
    rated = c["very_satisfied"] + c["satisfied"] + c["unsatisfied"]
    return {
        "progress_rate": _ratio(c["progress_on_time"], c["resolved"]),
        "on_time_rate": _ratio(c["early"] + c["on_time"], c["results"]),
        "early_rate": _ratio(c["early"], c["results"]),
        "late_rate": _ratio(c["late"], c["results"]),
        "apology_rate": _ratio(c["late_apologized"], c["late"]),
        "apology_on_time_rate": _ratio(c["late_apologized_on_time"], c["late"]),
        "digitized_rate": _ratio(c["digitized"], c["received"]),
        "result_digitized_rate": _ratio(c["result_digitized"], c["results"]),
        "online_rate": _ratio(c["online"], c["received"]),
        "online_eligible_rate": _ratio(c["eligible_online"], c["eligible_received"]),
        "postal_rate": _ratio(c["postal"], c["received"]),
        "online_payment_rate": _ratio(c["paid_online"], c["with_fee"]),
        "reuse_rate": _ratio(c["reused_returning"], c["returning"]),
        "satisfaction_rate": _ratio(c["very_satisfied"] + c["satisfied"], rated),
        "citizen_satisfaction_rate": _ratio(c["satisfied_citizen"], c["rated_citizen"]),
        "officer_satisfaction_rate": _ratio(c["satisfied_officer"], c["rated_officer"]),
        "satisfaction_index": _index(c["satisfaction_failed"], c["resolved"]),
        "lci_satisfaction_rate": _ratio(c["lci_satisfied"], c["lci_rated"]),
        "lci_satisfaction_index": _index(c["lci_failed"], c["lci_resolved"]),
    }


def shortfalls(values: dict) -> list[str]:
    """The rates (keys of TARGETS) where the unit falls short of the plan's target."""
    return [key for key, target in TARGETS.items() if target.met(values.get(key)) is False]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _index(failed: int, whole: int) -> float | None:
    """QĐ 766/QĐ-TTg satisfaction: 100% minus the share of dossiers late, unsatisfied or complained about."""
    return round(1 - failed / whole, 4) if whole else None
