"""Sổ hướng dẫn: an incomplete dossier at the counter is not received (ND 61/2018 art. 17).

The officer tells the citizen everything missing at once (the guidance slip, Mẫu 02) or refuses
a request the unit cannot take (Mẫu 03); neither gets a dossier code, a ledger number or a clock.
Each is kept in the unit's guidance register, counted as guidance given and never as received
(docs/rules.md, "Chỉ tiêu", I12). The register stays at the unit: it names citizens whose dossier
was never received, and no indicator of the province plan or QĐ 766 counts it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from counter import applicants, audit
from counter.catalogue import checklist_items, procedure
from counter.clock import check_year, iso, now
from counter.errors import CounterError
from counter.indicators import Period
from counter.session import Session
from counter.text import REASON, clean_text
from db import guidance as guidance_table
from db.connection import write


@dataclass(frozen=True)
class Guidance:
    id: int
    at: datetime
    procedure_code: str
    procedure_name: str
    applicant_name: str
    id_number: str
    phone: str
    address: str
    missing: list[str]
    refusal: str
    officer: str

    @property
    def form(self) -> str:
        """The slip it prints: the refusal (Mẫu 03) or the guidance to complete the file (Mẫu 02)."""
        return "rejection" if self.refusal else "supplement"

    @classmethod
    def of_row(cls, row: dict) -> "Guidance":
        return cls(**dict(row, at=datetime.fromisoformat(row["at"])))

    def as_dict(self) -> dict:
        return {"id": self.id, "at": iso(self.at), "procedure_code": self.procedure_code,
                "procedure_name": self.procedure_name, "name": self.applicant_name, "id_number": self.id_number,
                "phone": self.phone, "address": self.address, "missing": list(self.missing),
                "refusal": self.refusal, "officer": self.officer, "form": self.form}


def guide(session: Session, procedure_code: str, name: str, missing: list[str] | None = None,
          refuse: str = "", id_number: str = "", phone: str = "", address: str = "",
          at: datetime | None = None, then: Callable[[int], None] | None = None) -> Guidance:
    """Record the guidance given (or the refusal) in the register; `missing`: numbers of the
    procedure's checklist (1, 2, …) or free text, listed at once on the slip. `then(id)` runs in
    the same transaction (printing the slip to a file): if it fails, nothing is recorded."""
    session.require("receive")
    session.require_unit()
    chosen = procedure(session, procedure_code)
    person = applicants.clean(name, id_number, phone, address)
    items = checklist_items(chosen, missing or [])
    refusal = clean_text(refuse, "Lý do từ chối", REASON)
    if not items and not refusal:
        raise CounterError(
            "Phải ghi những giấy tờ còn thiếu (--missing) hoặc lý do từ chối (--refuse).",
            "give the missing documents or a refusal reason",
        )
    moment = check_year(at or now(), "thời điểm hướng dẫn")
    entry = {"at": iso(moment), "procedure_code": chosen.code, "procedure_name": chosen.name,
             "applicant_name": person.name, "id_number": person.id_number, "phone": person.phone,
             "address": person.address, "missing": items, "refusal": refusal, "officer": session.officer}
    with write(session.db):
        entry_id = guidance_table.insert(session.db, entry)
        audit.log(session, "guidance_given", f"guidance {entry_id}",
                  {"procedure": chosen.code, "applicant": person.name, "missing": items, "refusal": refusal,
                   "at": entry["at"]})
        if then:
            then(entry_id)
    return Guidance.of_row(dict(entry, id=entry_id))


def get(session: Session, entry_id: int) -> Guidance:
    session.require("view")
    row = guidance_table.get(session.db, entry_id)
    if row is None:
        raise CounterError(f"Sổ hướng dẫn không có lượt số {entry_id}.", f"no guidance entry {entry_id}")
    return Guidance.of_row(row)


def between(session: Session, period: Period) -> list[Guidance]:
    session.require("view")
    return [Guidance.of_row(row) for row in guidance_table.between(session.db, iso(period.start), iso(period.end))]

