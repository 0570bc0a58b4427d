"""Correcting a dossier after intake (sửa thông tin hồ sơ), always with a reason.

Officers ask for this most: a mistyped name or ID is fixed, the event keeps
the old and new values, and the receipt can be printed again.
"""

from counter import applicant_details, applicants, dossiers, fees, payments
from counter.catalogue import procedure
from counter.clock import from_iso, iso, now
from counter.dossier import CHANNELS, EDITABLE, PROCEDURE_ADDED, PROCEDURE_KEYS, Dossier
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import ADDRESS, NAME, REASON, clean_text
from counter.transitions import CLOCK_STARTS, TABLE, EventKind, Status
from db import dossiers as dossier_table
from db.connection import write

APPLICANT_FIELDS = ("name", "id_number", "phone", "address", "email")


def edit(session: Session, code: str, field: str, value: str, reason: str) -> Dossier:
    """The event carries the field, its old and new value and, for a procedure, the
    procedure's name, days and the due date computed again: replay needs no catalogue."""
    session.require(TABLE[EventKind.EDITED].permission)
    key = field.replace("-", "_")
    if key not in EDITABLE:
        raise CounterError(
            f"Không sửa được trường «{field}»; chỉ sửa: {', '.join(EDITABLE)}.", f"field {field!r} cannot be edited"
        )
    why = clean_text(reason, "Lý do sửa", REASON)
    if not why:
        raise CounterError("Phải ghi rõ lý do sửa.", "a reason is required")
    dossier = dossiers.get(session, code, with_documents=False)
    changes = _changes(session, dossier, key, value)
    column = EDITABLE[key]
    old = getattr(dossier, column)
    new = changes[column]
    if old == new:
        raise CounterError("Giá trị mới giống giá trị cũ, không có gì để sửa.", "the value did not change")
    detail = {"field": key, "old": old, "new": new, "reason": why}
    detail.update({name: changes[name] for name in (*PROCEDURE_KEYS, *PROCEDURE_ADDED) if name in changes})
    stamp = iso(now())
    with write(session.db):
        local = {}
        if key in APPLICANT_FIELDS:
            person = applicants.clean(
                **{f: changes.get(EDITABLE[f], getattr(dossier, EDITABLE[f])) for f in APPLICANT_FIELDS}
            )
            local["applicant_id"] = applicants.remember(session, person, stamp)
        dossiers.record(session, dossier, now(), EventKind.EDITED, detail, **local)
    return dossiers.get(session, dossier.code)


def _changes(session: Session, dossier: Dossier, key: str, value: str) -> dict:
    if key == "name":
        return {"applicant_name": applicants.clean(value).name}
    if key == "id_number":
        return {"id_number": applicants.clean_id_number(value)}
    if key == "phone":
        return {"phone": applicants.clean_phone(value)}
    if key == "email":
        return {"email": applicants.clean(dossier.applicant_name, email=value).email}
    if key == "address":
        return {"address": clean_text(value, "Địa chỉ", ADDRESS)}
    if key == "channel":
        if value not in CHANNELS:
            raise CounterError("Kênh tiếp nhận phải là counter, postal hoặc online.", "unknown channel")
        return {"channel": value}
    if key == "fee":
        return {"fee": fees.parse_amount(value)}
    if key == "birth_date":
        return {"birth_date": applicant_details.clean_birth_date(value)}
    if key == "sex":
        return {"sex": applicant_details.clean_sex(value)}
    if key == "representative_name":
        return {"representative_name": clean_text(value, "Họ tên người được ủy quyền", NAME)}
    if key == "representative_id":
        return {"representative_id": applicants.clean_id_number(value)}
    if key == "representative_phone":
        return {"representative_phone": applicants.clean_phone(value)}
    if key == "payment":
        return {"payment": payments.clean_payment(value or None, dossier.fee)[0]}
    if key == "fee_receipt":
        return {"fee_receipt": payments.clean_payment(dossier.payment, dossier.fee, value)[1]}
    return _procedure_change(session, dossier, value)


def _procedure_change(session: Session, dossier: Dossier, code: str) -> dict:
    """A wrongly picked procedure: the due date is computed again from the clock's last start."""
    if dossier.status != Status.RECEIVED:
        raise CounterError(
            "Chỉ đổi được thủ tục khi hồ sơ đang giải quyết.", "the procedure can change only while in progress"
        )
    chosen = procedure(session, code)
    started = from_iso(dossier_table.last_event_at(session.db, dossier.id, CLOCK_STARTS) or iso(dossier.received_at))
    due = due_date(started, chosen.days, session.calendar, TimeRules.of(session.settings, chosen.cutoff))
    return {
        "procedure_code": chosen.code, "procedure_name": chosen.name, "days": chosen.days,
        "clock_start_at": iso(due.clock_start), "due_at": iso(due.due_at),
        "procedure_field": chosen.field, "online_level": chosen.online_level, "lci": int(chosen.lci),
    }
