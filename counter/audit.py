"""Nhật ký kiểm tra: every change leaves a row in the hash-chained audit trail.

Services call `log` inside the write transaction of the change, so the
change and its audit row commit or vanish together.
"""

from counter.clock import iso, now
from db import audit as audit_table


def log(session, action: str, target: str, detail: dict | None = None) -> None:
    audit_table.append(session.db, iso(now()), session.username, action, target, detail or {})


def province_log(session, action: str, target: str, detail: dict | None = None) -> None:
    """A row of the province's trail, in the province's database whichever engine holds it
    (db/province_store.py), in the transaction of the change."""
    session.province.log(iso(now()), session.username, action, target, detail or {})


def verify(session) -> str | None:
    """A Vietnamese description of the first broken row, or None when the chain holds."""
    broken = audit_table.first_broken(session.db)
    if broken is None:
        return None
    row_id, why = broken
    return f"Nhật ký kiểm tra bị phá vỡ từ dòng {row_id}: {why}."


def recent(session, limit: int = 100) -> list[dict]:
    return audit_table.rows(session.db, limit)
