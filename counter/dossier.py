"""A dossier (hồ sơ) as the rest of motcua sees it, how its timing is judged, and how
its events make it (`replay`).

Early / on time / late compare the result time with the legal due date
(shared/domain/indicators.md): a result on an earlier calendar day than
`due_at` is early, on the same day and not after it on time, after it late.
An apology moves `appointment_at` only, so a late dossier stays late; so does a
dossier that was already past its due date when a supplement was asked for
(`late_at_supplement`, issue 11 §2): the restarted clock does not rescue it.

A dossier is the fold of its events through the state table
(counter/transitions.py): every event carries its effects (the receipt the
dossier's whole first state, a restart its new clock, an edit the new value),
so `replay` reads no database and no calendar. The services write a change
through `apply` (counter/dossiers.py: record), the integrity check replays
every dossier (counter/maintenance.py), and a unit's counters merge each
other's events by the same fold (`fold`: one order for every counter, the
events it cannot apply set aside as conflicts, counter/sync.py).
"""

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from counter.clock import from_iso, iso
from counter.transitions import OPEN, TABLE, Clock, EventKind, Status
from counter.transitions import STATUS_LABELS as STATUS_LABELS

STATUSES = tuple(Status)
CHANNELS = {"counter": "Trực tiếp", "postal": "Bưu chính công ích", "online": "Trực tuyến"}
RETURN_CHANNELS = {"counter": "Tại Bộ phận Một cửa", "postal": "Qua bưu chính công ích"}
RATINGS = {"very-satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "unsatisfied": "Không hài lòng"}
# Who gave the rating (issue 15): the citizen on their own screen or device (ND 61/2018 art. 29
# lists the rating device at the counter), or the officer keying what the citizen said.
RATED_BY = {"citizen": "Công dân tự đánh giá", "officer": "Cán bộ nhập"}
# How a fee was paid (shared/domain/README.md, "Channels": cash, transfer, postal operator, online).
PAYMENTS = {"cash": "Tiền mặt", "transfer": "Chuyển khoản", "online": "Trực tuyến", "postal": "Qua bưu chính"}
SEXES = {"nam": "Nam", "nu": "Nữ"}
# A procedure's online service (catalogue column `online_level`): toàn trình, một phần, none.
ONLINE_LEVELS = {"full": "Toàn trình", "partial": "Một phần", "": "Không"}
# Whether the apology came in time (ND 61/2018 art. 19: at the latest one working day before the due date).
APOLOGY_STATES = {"none": "Chưa xin lỗi", "on_time": "Xin lỗi đúng hạn", "late": "Xin lỗi muộn"}


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def judge(result_at: datetime, due_at: datetime, late_before: bool = False) -> Timeliness:
    """Early, on time or late for a result at `result_at`: the one definition of the rule
    (db/indicators.py counts the same, tests/db/test_indicators.py proves it). `late_before`:
    the dossier was already late when a supplement was asked for, and stays late."""
    if late_before or result_at > due_at:
        return Timeliness.LATE
    return Timeliness.EARLY if result_at.date() < due_at.date() else Timeliness.ON_TIME


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
    # Added in schema 5 (issue 11, issue 15); a province record of an earlier version has none.
    birth_date: str = ""
    sex: str = ""
    representative_name: str = ""
    representative_id: str = ""
    representative_phone: str = ""
    payment: str | None = None
    fee_receipt: str = ""
    rating_by: str | None = None
    procedure_field: str = ""
    online_level: str = ""
    lci: bool = False
    returning_applicant: bool = False
    data_reused: bool = False
    late_at_supplement: bool = False
    supplement_late: bool = False
    apology_late: bool = False
    complaints: int = 0
    documents: list[Document] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: dict, documents: list[dict] | None = None) -> "Dossier":
        values = dict(row)
        for key in ("received_at", "clock_start_at", "due_at", "appointment_at", "result_at",
                    "returned_at", "apology_at", "updated_at"):
            values[key] = from_iso(values[key])
        for key in _BOOLEAN:
            if key in values:
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
    def timeliness(self) -> Timeliness | None:
        """'early', 'on_time' or 'late' once a result exists."""
        return None if self.result_at is None else judge(self.result_at, self.due_at, self.late_at_supplement)

    def overdue(self, as_of: datetime) -> bool:
        """No result yet and past the due time; the clock is paused while waiting for a supplement,
        unless the request came after the due date (then it stays late)."""
        if self.result_at is None and self.late_at_supplement:
            return True
        return self.status == Status.RECEIVED and as_of > self.due_at

    def late(self, as_of: datetime) -> bool:
        if self.late_at_supplement and as_of >= self.received_at:
            return True
        if self.result_at is not None and self.result_at <= as_of:
            return self.result_at > self.due_at
        return as_of > self.due_at and self.status != Status.WAITING_SUPPLEMENT

    @property
    def has_result(self) -> bool:
        """A result proper: ended neither rejected nor stopped (those have their own columns)."""
        return self.result_at is not None and self.status not in (Status.REJECTED, Status.STOPPED)

    @property
    def progress_on_time(self) -> bool | None:
        """QĐ 766/QĐ-TTg progress, as the national portal computes it (shared/domain/indicators.md):
        every end status counts; on time when it ended by the due date (the supplement wait is not
        counted: the clock restarted), with at most one supplement request. None while open."""
        if self.result_at is None:
            return None
        return self.result_at <= self.due_at and not self.late_at_supplement and self.supplements <= 1

    @property
    def satisfaction_failed(self) -> bool:
        """QĐ 766/QĐ-TTg satisfaction: a dossier late, rated unsatisfied or complained about."""
        return self.timeliness == Timeliness.LATE or self.rating == "unsatisfied" or self.complaints > 0

    @property
    def supplement_repeat(self) -> bool:
        """More than one supplement request: not everything was asked for at once (ND 61/2018 art. 19)."""
        return self.supplements > 1

    @property
    def apology_state(self) -> str:
        """'none', 'on_time' or 'late' (APOLOGY_STATES)."""
        if self.apology_at is None:
            return "none"
        return "late" if self.apology_late else "on_time"

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
            "birth_date": self.birth_date,
            "sex": self.sex,
            "representative_name": self.representative_name,
            "representative_id": self.representative_id,
            "representative_phone": self.representative_phone,
            "payment": self.payment,
            "fee_receipt": self.fee_receipt,
            "rating_by": self.rating_by,
            "procedure_field": self.procedure_field,
            "online_level": self.online_level,
            "lci": self.lci,
            "returning_applicant": self.returning_applicant,
            "data_reused": self.data_reused,
            "late_at_supplement": self.late_at_supplement,
            "supplement_late": self.supplement_late,
            "supplement_repeat": self.supplement_repeat,
            "apology_late": self.apology_late,
            "apology_state": self.apology_state,
            "complaints": self.complaints,
        }
        if with_documents:
            result["documents"] = [d.as_dict() for d in self.documents]
        return result


# The stored columns a dossier's events determine: all but the local row ids and the time
# of the last write (db/dossiers.py: DOSSIER_COLUMNS).
REPLAYED = (
    "code", "unit_code", "workstation", "procedure_code", "procedure_name", "days",
    "applicant_name", "id_number", "phone", "address", "email", "channel", "fee",
    "received_at", "clock_start_at", "due_at", "appointment_at", "status", "result_at",
    "result_file", "returned_at", "returned_to", "return_channel", "rating", "apology_at",
    "apology_reason", "decision_reason", "supplements", "ledger_year", "ledger_number",
    "digitized", "result_digitized", "reused", "officer",
    "birth_date", "sex", "representative_name", "representative_id", "representative_phone", "payment",
    "fee_receipt", "rating_by", "procedure_field", "online_level", "lci", "returning_applicant", "data_reused",
    "late_at_supplement", "supplement_late", "apology_late", "complaints",
)
# What the receipt's event carries: the dossier's first state, beside its documents.
_FIRST_RECEIVED_KEYS = (
    "code", "unit_code", "workstation", "procedure_code", "procedure_name", "days",
    "applicant_name", "id_number", "phone", "address", "email", "channel", "fee",
    "received_at", "clock_start_at", "due_at", "appointment_at", "ledger_year", "ledger_number", "reused",
)
# Carried by receipts since schema 5; before it no dossier had them, so a receipt without them
# means their empty value (which is what the migration gave every earlier row).
RECEIVED_ADDED = {
    "birth_date": "", "sex": "", "representative_name": "", "representative_id": "", "representative_phone": "",
    "payment": None, "fee_receipt": "", "procedure_field": "", "online_level": "", "lci": 0, "returning_applicant": 0,
    "data_reused": 0,
}
RECEIVED_KEYS = (*_FIRST_RECEIVED_KEYS, *RECEIVED_ADDED)
_RECEIVED_SET = frozenset(_FIRST_RECEIVED_KEYS)
# A new dossier has no result, return, apology, decision, flag or complaint yet.
_FRESH = {
    "result_at": None, "result_file": None, "returned_at": None, "returned_to": "", "return_channel": None,
    "rating": None, "apology_at": None, "apology_reason": "", "decision_reason": "", "supplements": 0,
    "result_digitized": 0, "rating_by": None, "late_at_supplement": 0, "supplement_late": 0, "apology_late": 0,
    "complaints": 0,
}
# A receipt's fold starts from these (`_Fold.start`), read by C-level maps: the province folds a million.
_FRESH_ROW = {**dict.fromkeys(REPLAYED), **_FRESH}
_FIRST_RECEIVED = operator.itemgetter(*_FIRST_RECEIVED_KEYS)
_ADDED_KEYS, _ADDED_EMPTY = tuple(RECEIVED_ADDED), tuple(RECEIVED_ADDED.values())
# Correctable fields (counter/corrections.py) and the column each one changes.
EDITABLE = {
    "name": "applicant_name", "id_number": "id_number", "phone": "phone", "address": "address",
    "email": "email", "channel": "channel", "fee": "fee", "procedure": "procedure_code",
    "birth_date": "birth_date", "sex": "sex", "representative_name": "representative_name",
    "representative_id": "representative_id", "representative_phone": "representative_phone",
    "payment": "payment", "fee_receipt": "fee_receipt",
}
# A corrected procedure carries its name, days and the due date computed again; since schema 5
# also its field, online level and class (PROCEDURE_ADDED: absent in earlier events).
PROCEDURE_KEYS = ("procedure_name", "days", "clock_start_at", "due_at")
PROCEDURE_ADDED = ("procedure_field", "online_level", "lci")
DOCUMENTS = "documents"  # in `unknown`: the events do not say what the documents are
_BOOLEAN = ("digitized", "result_digitized", "reused", "lci", "returning_applicant", "data_reused",
            "late_at_supplement", "supplement_late", "apology_late")


class ReplayError(ValueError):
    """Events that no valid history gives (a step from the wrong status, a second receipt…)."""


@dataclass(frozen=True)
class DocumentState:
    position: int
    name: str
    copy_kind: str
    quantity: int
    file_sha256: str | None
    not_required: bool
    reused: bool

    @property
    def digitized(self) -> bool:
        return self.not_required or self.file_sha256 is not None

    def detail(self) -> dict:
        """As the receipt's event carries it (the keys of Document.as_dict)."""
        return {"position": self.position, "name": self.name, "copy_kind": self.copy_kind,
                "quantity": self.quantity, "file": self.file_sha256, "not_required": self.not_required,
                "reused": self.reused}

    @classmethod
    def of_row(cls, row: Mapping) -> "DocumentState":
        """From a stored `documents` row."""
        return cls(row["position"], row["name"], row["copy_kind"], row["quantity"], row["file_sha256"],
                   bool(row["not_required"]), row["reused_from"] is not None)


@dataclass(frozen=True)
class DossierState:
    """A dossier as its events make it: the REPLAYED columns in their stored form (ISO 8601
    text, 0/1), its documents, and what old events could not tell (`unknown`: column names,
    and DOCUMENTS), which is then left out of every comparison."""

    row: dict[str, Any]
    documents: tuple[DocumentState, ...]
    unknown: frozenset[str] = frozenset()

    @property
    def status(self) -> Status:
        return Status(self.row["status"])

    @property
    def timeliness(self) -> Timeliness | None:
        result_at, due_at = self.row["result_at"], self.row["due_at"]
        if result_at is None or "result_at" in self.unknown or "due_at" in self.unknown:
            return None
        return judge(datetime.fromisoformat(result_at), datetime.fromisoformat(due_at),
                     bool(self.row["late_at_supplement"]))

    @classmethod
    def of_row(cls, row: Mapping, documents: Iterable[Mapping]) -> "DossierState":
        """The state a stored row and its documents claim (where the live services start from)."""
        values = {key: row[key] for key in REPLAYED}
        for key in _BOOLEAN:
            values[key] = int(bool(values[key]))
        return cls(values, tuple(DocumentState.of_row(d) for d in documents))

    def differences(self, row: Mapping, documents: Sequence[Mapping] | None = None) -> list[str]:
        """The columns (and DOCUMENTS) where a stored row differs from this state; unknown ones
        are skipped, and the documents when `documents` is None."""
        if not self.unknown and _same(self, row, documents):
            return []
        found = []
        for key in REPLAYED:
            if key in self.unknown:
                continue
            stored = int(bool(row[key])) if key in _BOOLEAN else row[key]
            if stored != self.row[key]:
                found.append(key)
        if documents is not None and DOCUMENTS not in self.unknown:
            if tuple(DocumentState.of_row(d) for d in documents) != self.documents:
                found.append(DOCUMENTS)
        return found


_PLAIN = operator.itemgetter(*(key for key in REPLAYED if key not in _BOOLEAN))
_FLAGS = operator.itemgetter(*(key for key in REPLAYED if key in _BOOLEAN))
_DOCUMENT_ROW = operator.itemgetter("position", "name", "copy_kind", "quantity", "file_sha256", "not_required",
                                    "reused_from")
_DOCUMENT_STATE = operator.attrgetter("position", "name", "copy_kind", "quantity", "file_sha256", "not_required",
                                      "reused")


def _same(state: DossierState, row: Mapping, documents: Sequence[Mapping] | None) -> bool:
    """`differences` finds nothing, told by whole tuples at once (the province compares a million
    records): the same comparisons, key by key, as its loop."""
    if _PLAIN(row) != _PLAIN(state.row) or tuple(map(int, map(bool, _FLAGS(row)))) != _FLAGS(state.row):
        return False
    if documents is None:
        return True
    return len(documents) == len(state.documents) and all(
        (position, name, kind, quantity, sha, bool(not_required), reused is not None) == _DOCUMENT_STATE(document)
        for (position, name, kind, quantity, sha, not_required, reused), document
        in zip(map(_DOCUMENT_ROW, documents), state.documents, strict=True))


def received_detail(row: Mapping, documents: Iterable[Mapping]) -> dict:
    """The receipt's event detail: the new dossier's first state (`row`: the stored
    columns) and its documents (stored rows, `file_sha256` and `reused_from`)."""
    detail = {key: row[key] for key in _FIRST_RECEIVED_KEYS}
    detail.update({key: row.get(key, empty) for key, empty in RECEIVED_ADDED.items()})
    detail[DOCUMENTS] = [DocumentState.of_row(d).detail() for d in documents]
    return detail


def replay(events: Iterable[Mapping]) -> DossierState | None:
    """The dossier its events make, in the order given (the order they were written); None for
    no events. Each event is a mapping with `at`, `kind`, `officer` and `detail` (an event of
    counter/dossiers.py: events, or of an export file). Pure: no database, no calendar.
    Raises ReplayError for a sequence no valid history gives."""
    fold: _Fold | None = None
    for position, event in enumerate(events, start=1):
        if fold is None:
            fold = _Fold.start(event, position)
        else:
            fold.apply(event, position)
    return fold.state() if fold else None


# The unit's one order of a dossier's events (issue 12): the officer's time, then Lamport time, then origin
# station and its sequence, so every counter folds the same events the same way.
order_key: Callable[[Mapping], tuple] = operator.itemgetter("at", "lamport", "origin", "seq")


@dataclass(frozen=True)
class Skipped:
    """An event the fold could not apply (a conflict between counters), with why."""

    event: Mapping
    kind: str  # "code": a second receipt or a step of it; "step": the table does not allow it
    reason: str


def fold(events: Iterable[Mapping]) -> tuple[DossierState | None, list[Skipped]]:
    """A dossier from the events of every counter, in `order_key` order: the first receipt makes the
    dossier (a second receipt of the same code, and the steps taken on it, are set aside); an event the
    state table does not allow from the state reached is set aside, never dropped. Each event also has
    `origin`, `seq`, `lamport` and `receipt` ((origin, seq) of the receipt it was taken on; None for a
    receipt, and for events written before the unit sync)."""
    state: DossierState | None = None
    receipt = None
    skipped: list[Skipped] = []
    for event in sorted(events, key=order_key):
        if event.get("kind") == EventKind.RECEIVED and state is not None:
            skipped.append(Skipped(event, "code", "mã hồ sơ đã cấp cho một hồ sơ khác tiếp nhận trước"))
            continue
        taken_on = event.get("receipt")
        if state is not None and taken_on is not None and tuple(taken_on) != receipt:
            skipped.append(Skipped(event, "code", "bước này thuộc một hồ sơ khác trùng mã"))
            continue
        try:
            state = apply(state, event)
        except ReplayError as exc:
            skipped.append(Skipped(event, "step", str(exc)))
            continue
        if event.get("kind") == EventKind.RECEIVED:
            receipt = (event["origin"], event["seq"])
    return state, skipped


def apply(state: DossierState | None, event: Mapping) -> DossierState:
    """`state` after one more event (None: before the receipt)."""
    if state is None:
        return _Fold.start(event, 1).state()
    fold = _Fold(dict(state.row), list(state.documents), set(state.unknown))
    fold.apply(event, None)
    return fold.state()


class _Fold:
    """The state while replaying: plain, mutable and fast (a check replays millions of events)."""

    def __init__(self, row: dict, documents: list[DocumentState], unknown: set[str]):
        self.row, self.documents, self.unknown = row, documents, unknown

    @classmethod
    def start(cls, event: Mapping, position: int | None) -> "_Fold":
        kind = _kind(event, position)
        if kind != EventKind.RECEIVED:
            raise ReplayError(f"{_where(position)}«{kind}» trước khi tiếp nhận hồ sơ")
        fold = cls(_FRESH_ROW.copy(), [], set())
        detail = _detail(event)
        if detail.keys() >= _RECEIVED_SET:
            fold.row.update(zip(_FIRST_RECEIVED_KEYS, _FIRST_RECEIVED(detail), strict=True))
        else:  # a receipt of an earlier version: only what it carries
            for key in _FIRST_RECEIVED_KEYS:
                fold.take(detail, key)
        fold.row.update(zip(_ADDED_KEYS, map(detail.get, _ADDED_KEYS, _ADDED_EMPTY), strict=True))
        fold.row["received_at"] = _at(event, position)
        fold.unknown.discard("received_at")
        if "appointment_at" in fold.unknown and "due_at" not in fold.unknown:
            # The receipt's appointment is its due date (counter/intake.py).
            fold.set("appointment_at", fold.row["due_at"])
        fold.row["officer"] = event.get("officer", "")
        fold.row["status"] = TABLE[kind].target
        documents = detail.get(DOCUMENTS)
        if isinstance(documents, list):
            try:
                fold.documents = [
                    DocumentState(d["position"], d["name"], d["copy_kind"], d["quantity"], d["file"],
                                  bool(d["not_required"]), bool(d["reused"]))
                    for d in documents
                ]
            except (KeyError, TypeError):
                raise ReplayError(f"{_where(position)}giấy tờ của sự kiện tiếp nhận không đọc được") from None
        else:
            fold.unknown.add(DOCUMENTS)
        fold.digitized()
        return fold

    def apply(self, event: Mapping, position: int | None) -> None:
        kind = _kind(event, position)
        rule = TABLE[kind]
        status = self.row["status"]
        if status not in rule.sources:
            raise ReplayError(
                f"{_where(position)}«{rule.label}» không thể xảy ra khi hồ sơ đang «{STATUS_LABELS[status]}»"
            )
        detail, at = _detail(event), _at(event, position)
        if rule.clock == Clock.ENDS:
            self.row["result_at"] = at
        elif rule.clock == Clock.RESTARTS:
            # ND 61/2018 art. 19.4: the full time limit again; the appointment is the new due date.
            self.take(detail, "clock_start_at")
            self.take(detail, "due_at")
            self.set("appointment_at", self.row["due_at"], "due_at" in self.unknown)
        _EFFECTS[kind](self, detail, at, position)
        if rule.target is not None:
            self.row["status"] = rule.target

    def take(self, detail: Mapping, key: str, column: str | None = None) -> None:
        """Set `column` (default `key`) from the event; unknown when the event does not carry it."""
        column = column or key
        if key in detail:
            self.set(column, detail[key])
        else:
            self.unknown.add(column)

    def set(self, column: str, value: Any, unknown: bool = False) -> None:
        self.row[column] = value
        if unknown:
            self.unknown.add(column)
        else:
            self.unknown.discard(column)

    def digitized(self) -> None:
        """TT 03/2025 art. 5: digitized when every document has a scan or needs none."""
        self.set("digitized", int(all(d.digitized for d in self.documents)), DOCUMENTS in self.unknown)

    def state(self) -> DossierState:
        return DossierState(self.row, tuple(self.documents), frozenset(self.unknown))


def _supplement_requested(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.row["supplements"] += 1
    # Facts of the request, carried by its event (counter/lifecycle.py); once set they stay.
    for flag in ("late_at_supplement", "supplement_late"):
        if detail.get(flag):
            fold.row[flag] = 1


def _result_recorded(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    if "file" not in detail:
        fold.unknown.update(("result_file", "result_digitized"))
    elif detail["file"]:
        fold.set("result_file", detail["file"])
        fold.set("result_digitized", 1)


def _returned(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.row["returned_at"] = at
    fold.take(detail, "to", "returned_to")
    fold.take(detail, "channel", "return_channel")
    fold.take(detail, "rating")
    # Returns before schema 5 do not say who rated (the officer keyed every rating then).
    fold.row["rating_by"] = detail.get("rating_by")


def _decided(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.take(detail, "reason", "decision_reason")


def _apologized(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.row["apology_at"] = at
    fold.unknown.discard("apology_at")
    fold.take(detail, "reason", "apology_reason")
    fold.take(detail, "new_appointment", "appointment_at")
    fold.row["apology_late"] = int(bool(detail.get("apology_late")))


def _edited(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    column = EDITABLE.get(str(detail.get("field")))
    if column is None or "new" not in detail:
        raise ReplayError(f"{_where(position)}sửa trường «{detail.get('field')}» không đọc được")
    fold.set(column, detail["new"])
    if column != "procedure_code":
        return
    for key in PROCEDURE_KEYS:
        fold.take(detail, key)
    for key in PROCEDURE_ADDED:
        if key in detail:
            fold.set(key, detail[key])
    if fold.row["apology_at"] is None:
        # An apology's appointment stays; otherwise the appointment is the new due date.
        fold.set("appointment_at", fold.row["due_at"], "due_at" in fold.unknown or "apology_at" in fold.unknown)


def _digitized(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    if DOCUMENTS in fold.unknown:
        return
    number = detail.get("document")
    index = next((i for i, d in enumerate(fold.documents) if d.position == number), None)
    if index is None:
        raise ReplayError(f"{_where(position)}không có giấy tờ số {number}")
    document = fold.documents[index]
    if detail.get("file"):
        fold.documents[index] = _replace(document, file_sha256=detail["file"], not_required=False)
    elif detail.get("not_required"):
        fold.documents[index] = _replace(document, not_required=True)
    else:
        raise ReplayError(f"{_where(position)}số hóa giấy tờ số {number} không có tệp")
    fold.digitized()


def _result_digitized(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.take(detail, "file", "result_file")
    fold.set("result_digitized", 1)


def _due_recomputed(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    """The calendar changed: the clock counted again, and the appointment as the event says
    (it follows the due date unless an apology had set one)."""
    fold.take(detail, "clock_start_at")
    fold.take(detail, "due_at")
    fold.take(detail, "appointment_at")


def _complained(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    fold.row["complaints"] += 1


def _nothing(fold: _Fold, detail: Mapping, at: str, position: int | None) -> None:
    """The table's status and clock say all this step does."""


_EFFECTS = {
    EventKind.RECEIVED: _nothing,  # never reached: a second receipt has no source status
    EventKind.SUPPLEMENT_REQUESTED: _supplement_requested,
    EventKind.SUPPLEMENT_RECEIVED: _nothing,
    EventKind.RESULT_RECORDED: _result_recorded,
    EventKind.RETURNED: _returned,
    EventKind.REJECTED: _decided,
    EventKind.STOPPED: _decided,
    EventKind.APOLOGIZED: _apologized,
    EventKind.EDITED: _edited,
    EventKind.DIGITIZED: _digitized,
    EventKind.RESULT_DIGITIZED: _result_digitized,
    EventKind.DUE_RECOMPUTED: _due_recomputed,
    EventKind.COMPLAINED: _complained,
}


def _replace(document: DocumentState, **changes: Any) -> DocumentState:
    values = {**document.__dict__, **changes}
    return DocumentState(**values)


def _kind(event: Mapping, position: int | None) -> EventKind:
    try:
        return EventKind(event["kind"])
    except (KeyError, ValueError):
        raise ReplayError(
            f"{_where(position)}loại sự kiện «{event.get('kind')}» không có trong bảng trạng thái"
        ) from None


def _at(event: Mapping, position: int | None) -> str:
    at = event.get("at")
    if not isinstance(at, str):
        raise ReplayError(f"{_where(position)}không có thời điểm")
    return at


def _detail(event: Mapping) -> Mapping:
    detail = event.get("detail")
    return detail if isinstance(detail, Mapping) else {}


def _where(position: int | None) -> str:
    return f"sự kiện thứ {position}: " if position else ""
