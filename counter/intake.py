"""Receiving a complete dossier (tiếp nhận hồ sơ; ND 61/2018 art. 17).

Everything typed is checked first; then the code is reserved in its own
transaction, so a failed save never hands the same code to the next citizen;
then the applicant, the dossier, its documents, its ledger number and the
"received" event are written in one transaction. Bad input never reaches
the reservation: it would burn a number and leave an audit row.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter import applicant_details, applicants, audit, codes, dossiers, fees, payments, sync_log
from counter.catalogue import procedure
from counter.changes import Changes
from counter.clock import check_year, iso, now
from counter.dossier import CHANNELS, Dossier, received_detail
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import clean_text, fold
from counter.transitions import EventKind, Status
from db import dossiers as dossier_table
from db import files as file_table
from db.connection import write

# Documents only shown (xuất trình) need no scan (shared/domain/README.md, "Digitization").
SHOWN_ONLY = "xuat trinh"
DOCUMENT = 500  # the longest document name, in characters
MAX_QUANTITY = 1000
MAX_DOCUMENTS = 100


@dataclass(frozen=True)
class DocumentInput:
    name: str
    copy_kind: str = "original"
    quantity: int = 1
    not_required: bool | None = None  # None: decided from the name and the channel
    file: Path | None = None


def receive(
    session: Session,
    procedure_code: str,
    name: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    email: str = "",
    channel: str = "counter",
    fee: int | None = None,
    at: datetime | None = None,
    documents: list[DocumentInput] | None = None,
    reuse: bool | dict[int, int] = False,
    birth_date: str = "",
    sex: str = "",
    representative: applicant_details.Representative | None = None,
    payment: str | None = None,
    fee_receipt: str = "",
    reuse_applicant: bool = False,
) -> Dossier:
    """Receive a dossier. `reuse`: True re-uses every earlier scan of the same document name;
    a dict maps a document position to the earlier document id chosen by the officer.
    `reuse_applicant`: the applicant's details come from their earlier record (empty fields are
    filled from it), which counts as data re-use (Kế hoạch 3/KH-UBND 2024, annex 1.3)."""
    session.require("receive")
    settings = session.require_unit()
    chosen = procedure(session, procedure_code)
    person = applicants.clean(name, id_number, phone, address, email)
    born, sex = applicant_details.clean_birth_date(birth_date), applicant_details.clean_sex(sex)
    proxy = representative or applicant_details.Representative()
    proxy = applicant_details.clean_representative(proxy.name, proxy.id_number, proxy.phone)
    if reuse_applicant:
        person, born, sex = _earlier_details(session, person, born, sex)
    if channel not in CHANNELS:
        raise CounterError(
            f"Kênh tiếp nhận «{channel}» không hợp lệ; chọn counter, postal hoặc online.", "unknown channel"
        )
    fee = fees.checked((chosen.fee or 0) if fee is None else fee)
    payment, fee_receipt = payments.clean_payment(payment, fee, fee_receipt)
    received_at = check_year(at or now(), "thời điểm tiếp nhận")
    if documents is None:
        documents = [DocumentInput(name) for name in chosen.documents]
    items = _documents(session, documents, channel)
    rules = TimeRules.of(settings, chosen.cutoff)
    due = due_date(received_at, chosen.days, session.calendar, rules)
    reused = _reuse(session, person, items, reuse)
    stored = {i: (*session.files.add(Path(d.file)), Path(d.file).name) for i, d in enumerate(documents) if d.file}

    code = _reserve_code(session, received_at)
    stamp = iso(now())
    with write(session.db):
        applicant_id = applicants.remember(session, person, stamp)
        # A returning applicant: one who had a dossier here before (the base of the data re-use rate).
        returning = dossier_table.any_with_applicant(session.db, applicant_id)
        for i, (sha, size, name) in stored.items():
            file_table.record(session.db, sha, size, name, stamp)
            items[i]["file_sha256"] = sha
        place = sync_log.stamp(session)
        row = {
            "code": code, "unit_code": settings.unit_code, "workstation": settings.workstation,
            "procedure_code": chosen.code, "procedure_name": chosen.name, "days": chosen.days,
            "applicant_id": applicant_id, "applicant_name": person.name, "name_folded": fold(person.name),
            "id_number": person.id_number, "phone": person.phone, "address": person.address,
            "email": person.email, "channel": channel, "fee": fee,
            "received_at": iso(received_at), "clock_start_at": iso(due.clock_start),
            "due_at": iso(due.due_at), "appointment_at": iso(due.due_at), "status": Status.RECEIVED,
            "ledger_year": received_at.year,
            "ledger_number": dossier_table.next_ledger_number(session.db, received_at.year, settings.workstation),
            "digitized": int(all(d["file_sha256"] or d["not_required"] for d in items)),
            "reused": int(reused), "officer": session.officer, "updated_at": stamp,
            "birth_date": born, "sex": sex, "representative_name": proxy.name,
            "representative_id": proxy.id_number, "representative_phone": proxy.phone,
            "payment": payment, "fee_receipt": fee_receipt, "procedure_field": chosen.field,
            "online_level": chosen.online_level, "lci": int(chosen.lci), "returning_applicant": int(returning),
            "data_reused": int(reuse_applicant),
        }
        # The receipt that made the dossier, in the unit's log (issue 12).
        dossier_id = dossier_table.insert(session.db, dict(row, origin=place[0], receipt_seq=place[1]))
        dossier_table.insert_documents(session.db, dossier_id, items)
        # The first state in full, so that replaying the events gives the row (counter/dossier.py).
        detail = received_detail(row, items)
        dossier_table.add_event(session.db, dossier_id, iso(received_at), EventKind.RECEIVED, session.officer, detail,
                                place, None)
        audit.log(session, EventKind.RECEIVED, code, {"due_at": iso(due.due_at), "channel": channel, "fee": fee,
                                                      "at": iso(received_at), "applicant": person.name})
        session.note(Changes.of_dossier(code))
    return dossiers.get(session, code)


def _documents(session: Session, documents: list[DocumentInput], channel: str) -> list[dict]:
    if len(documents) > MAX_DOCUMENTS:
        raise CounterError(f"Một hồ sơ có tối đa {MAX_DOCUMENTS} giấy tờ.", f"at most {MAX_DOCUMENTS} documents")
    items = []
    for position, doc in enumerate(documents, start=1):
        title = clean_text(doc.name, f"Tên giấy tờ thứ {position}", DOCUMENT)
        if not title:
            raise CounterError(f"Giấy tờ thứ {position} không có tên.", f"document {position} has no name")
        if doc.copy_kind not in ("original", "copy"):
            raise CounterError("Loại giấy tờ phải là bản chính hoặc bản sao.", "copy kind must be original or copy")
        if not 1 <= doc.quantity <= MAX_QUANTITY:
            raise CounterError(f"Số lượng giấy tờ phải từ 1 đến {MAX_QUANTITY}.", "quantity must be 1-1000")
        if doc.file and not Path(doc.file).is_file():
            raise CounterError(f"Không tìm thấy tệp «{doc.file}».", f"no such file {doc.file}")
        not_required = doc.not_required
        if not_required is None:
            # Filed electronically or only shown: no scan needed (TT 03/2025 art. 5).
            not_required = channel == "online" or SHOWN_ONLY in fold(title)
        items.append({
            "position": position, "name": title, "copy_kind": doc.copy_kind, "quantity": doc.quantity,
            "file_sha256": None, "not_required": bool(not_required) and not doc.file, "reused_from": None,
        })
    return items


def _earlier_details(session: Session, person: applicants.Applicant, born: str,
                     sex: str) -> tuple[applicants.Applicant, str, str]:
    """The applicant's details with the empty ones taken from their earlier record and dossier."""
    key = person.id_number or person.phone
    known = applicants.find(session, key) if key else []
    if not known:
        raise CounterError(
            "Không có thông tin cũ của người nộp này để dùng lại (tìm theo số CCCD hoặc số điện thoại).",
            "no earlier record of this applicant to re-use",
        )
    earlier = known[0]
    last = dossier_table.latest_of_applicant(session.db, earlier.id) if earlier.id else None
    filled = applicants.Applicant(
        name=person.name, id_number=person.id_number or earlier.id_number, phone=person.phone or earlier.phone,
        address=person.address or earlier.address, email=person.email or earlier.email,
    )
    return filled, born or (last or {}).get("birth_date", ""), sex or (last or {}).get("sex", "")


def _reuse(session: Session, person: applicants.Applicant, items: list[dict], reuse) -> bool:
    """Fill documents from the applicant's earlier scans; True if any was re-used."""
    if not reuse:
        return False
    known = applicants.find(session, person.id_number or person.phone) if (person.id_number or person.phone) else []
    earlier = [doc for a in known[:1] if a.id is not None for doc in applicants.earlier_documents(session, a.id)]
    by_id = {doc["document_id"]: doc for doc in earlier}
    by_name = {fold(doc["name"]): doc for doc in reversed(earlier)}
    used = False
    for item in items:
        if isinstance(reuse, dict):
            choice = reuse.get(item["position"])
            if choice is None:
                continue
            source = by_id.get(choice)
            if source is None:
                raise CounterError(
                    f"Giấy tờ cũ số {choice} không thuộc người nộp này.", "earlier document not found"
                )
        else:
            source = by_name.get(fold(item["name"]))
        if source and not item["file_sha256"]:
            item.update(file_sha256=source["file_sha256"], reused_from=source["document_id"], not_required=False)
            used = True
    return used


def _reserve_code(session: Session, received_at: datetime) -> str:
    settings = session.settings
    sync_log.refuse_if_clashing(session)
    day = received_at.date()
    with write(session.db):
        nth = dossier_table.next_day_number(session.db, day.isoformat(), settings.workstation)
        number = codes.sequence_number(settings.workstation, nth)
        code = codes.format_code(settings.unit_code, day, number)
        dossier_table.reserve_code(session.db, code, day.isoformat(), settings.workstation, nth, iso(now()))
        audit.log(session, "code_reserved", code)
    return code
