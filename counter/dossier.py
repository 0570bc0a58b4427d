"""A dossier (hồ sơ) as the rest of motcua sees it, and how its timing is judged.

Early / on time / late compare the result time with the legal due date
(shared/domain/indicators.md): a result on an earlier calendar day than
`due_at` is early, on the same day and not after it on time, after it late.
An apology moves `appointment_at` only, so a late dossier stays late.
"""

from dataclasses import dataclass, field
from datetime import datetime

from counter.clock import from_iso, iso

STATUSES = ("received", "waiting_supplement", "result_ready", "returned", "rejected", "stopped")
STATUS_LABELS = {
    "received": "Đang giải quyết",
    "waiting_supplement": "Chờ bổ sung",
    "result_ready": "Có kết quả",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối",
    "stopped": "Dừng giải quyết",
}
CHANNELS = {"counter": "Trực tiếp", "postal": "Bưu chính công ích", "online": "Trực tuyến"}
RETURN_CHANNELS = {"counter": "Tại Bộ phận Một cửa", "postal": "Qua bưu chính công ích"}
RATINGS = {"very-satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "unsatisfied": "Không hài lòng"}
OPEN = ("received", "waiting_supplement")


def judge(result_at: datetime, due_at: datetime) -> str:
    """'early', 'on_time' or 'late' for a result at `result_at`."""
    if result_at > due_at:
        return "late"
    return "early" if result_at.date() < due_at.date() else "on_time"


@dataclass(frozen=True)
class Document:
    position: int
    name: str
    copy_kind: str = "original"
    quantity: int = 1
    file_sha256: str | None = None
    not_required: bool = False
    reused_from: int | None = None
    id: int | None = None

    @property
    def digitized(self) -> bool:
        return self.not_required or self.file_sha256 is not None

    def as_dict(self) -> dict:
        return {
            "position": self.position, "name": self.name, "copy_kind": self.copy_kind,
            "quantity": self.quantity, "file": self.file_sha256, "not_required": self.not_required,
            "reused": self.reused_from is not None,
        }


@dataclass(frozen=True)
class Dossier:
    id: int
    code: str
    unit_code: str
    workstation: int
    procedure_code: str
    procedure_name: str
    days: int
    applicant_id: int | None
    applicant_name: str
    id_number: str
    phone: str
    address: str
    email: str
    channel: str
    fee: int
    received_at: datetime
    clock_start_at: datetime
    due_at: datetime
    appointment_at: datetime
    status: str
    result_at: datetime | None
    result_file: str | None
    returned_at: datetime | None
    returned_to: str
    return_channel: str | None
    rating: str | None
    apology_at: datetime | None
    apology_reason: str
    decision_reason: str
    supplements: int
    ledger_year: int
    ledger_number: int
    digitized: bool
    result_digitized: bool
    reused: bool
    officer: str
    updated_at: datetime
    documents: list[Document] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: dict, documents: list[dict] | None = None) -> "Dossier":
        values = dict(row)
        for key in ("received_at", "clock_start_at", "due_at", "appointment_at", "result_at",
                    "returned_at", "apology_at", "updated_at"):
            values[key] = from_iso(values[key])
        for key in ("digitized", "result_digitized", "reused"):
            values[key] = bool(values[key])
        docs = [
            Document(
                id=d["id"], position=d["position"], name=d["name"], copy_kind=d["copy_kind"],
                quantity=d["quantity"], file_sha256=d["file_sha256"],
                not_required=bool(d["not_required"]), reused_from=d["reused_from"],
            )
            for d in documents or []
        ]
        return cls(**values, documents=docs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def timeliness(self) -> str | None:
        """'early', 'on_time' or 'late' once a result exists."""
        return None if self.result_at is None else judge(self.result_at, self.due_at)

    def overdue(self, as_of: datetime) -> bool:
        """No result yet and past the due time; the clock is paused while waiting for a supplement."""
        return self.status == "received" and as_of > self.due_at

    def late(self, as_of: datetime) -> bool:
        if self.result_at is not None and self.result_at <= as_of:
            return self.result_at > self.due_at
        return as_of > self.due_at and self.status not in ("waiting_supplement",)

    def as_dict(self, as_of: datetime, with_documents: bool = True) -> dict:
        result = {
            "code": self.code,
            "unit_code": self.unit_code,
            "workstation": self.workstation,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "days": self.days,
            "applicant_name": self.applicant_name,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "email": self.email,
            "channel": self.channel,
            "fee": self.fee,
            "received_at": iso(self.received_at),
            "clock_start_at": iso(self.clock_start_at),
            "due_at": iso(self.due_at),
            "appointment_at": iso(self.appointment_at),
            "status": self.status,
            "result_at": iso(self.result_at),
            "returned_at": iso(self.returned_at),
            "returned_to": self.returned_to,
            "return_channel": self.return_channel,
            "rating": self.rating,
            "late": self.late(as_of),
            "overdue": self.overdue(as_of),
            "timeliness": self.timeliness,
            "apology_at": iso(self.apology_at),
            "apology_reason": self.apology_reason,
            "decision_reason": self.decision_reason,
            "supplements": self.supplements,
            "ledger_year": self.ledger_year,
            "ledger_number": self.ledger_number,
            "digitized": self.digitized,
            "result_digitized": self.result_digitized,
            "result_file": self.result_file,
            "reused": self.reused,
            "officer": self.officer,
        }
        if with_documents:
            result["documents"] = [d.as_dict() for d in self.documents]
        return result
