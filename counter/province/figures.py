"""Báo cáo tình hình giải quyết hồ sơ: each unit's figures and the province total.

The same counts and rates as a unit's own figures (counter/indicators.py,
shared/domain/indicators.md), from the province's copy of the dossiers.
"""

import re

from counter.clock import iso
from counter.errors import CounterError
from counter.indicators import ENDED, TARGETS, Period, rates, shortfalls
from counter.session import Session
from counter.transitions import Status
from db import indicators as indicator_queries

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")


def period_of(month: str | None = None, quarter: str | None = None) -> Period:
    """The period of `--month YYYY-MM` or `--quarter YYYY-Qn`."""
    if (month is None) == (quarter is None):
        raise CounterError("Chọn một tháng (--month YYYY-MM) hoặc một quý (--quarter YYYY-Qn).",
                           "give either --month YYYY-MM or --quarter YYYY-Qn")
    if month is not None:
        found = _MONTH.fullmatch(month.strip())
        if not found or not 1 <= int(found[2]) <= 12:
            raise CounterError(f"Sai định dạng tháng «{month}»: hãy nhập YYYY-MM, ví dụ 2025-03.",
                               f"malformed month {month!r}, expected YYYY-MM")
        return Period.month(int(found[1]), int(found[2]))
    assert quarter is not None  # exactly one of the two was given
    found = _QUARTER.fullmatch(quarter.strip())
    if not found:
        raise CounterError(f"Sai định dạng quý «{quarter}»: hãy nhập YYYY-Qn, ví dụ 2025-Q1.",
                           f"malformed quarter {quarter!r}, expected YYYY-Qn")
    return Period.quarter(int(found[1]), int(found[2]))


def report(session: Session, period: Period) -> dict:
    """{"from", "to", "units": [per unit: unit, name, counts, rates, "short"], "total": counts, rates
    and "short", "targets": {rate: target}}: "short" lists the rates below the plan's target.

    Every unit that ever sent a file is listed, with zeros when it had no activity. The guidance
    register stays at the units (counter/guidance.py), so the province counts no guidance.
    """
    session.require("reports")
    start, end = iso(period.start), iso(period.end)
    store = session.province
    with store.reading():  # one snapshot: an import committing meanwhile is counted whole or not at all
        grouped = store.counts(start, end, Status.WAITING_SUPPLEMENT, ENDED)
        units = store.units()
    zero = dict.fromkeys(indicator_queries.NAMES, 0)
    rows, total = [], dict(zero)
    for unit_id, (code, name) in units.items():
        counts = grouped.get(unit_id, zero)
        for key, value in counts.items():
            total[key] += value
        rows.append(_with_rates({"unit": code, "name": name, **counts}))
    return {"from": start, "to": end, "units": rows, "total": _with_rates(total),
            "targets": {key: target.as_dict() for key, target in TARGETS.items()}}


def _with_rates(counts: dict) -> dict:
    values = {**counts, **rates(counts)}
    values["short"] = shortfalls(values)
    return values
