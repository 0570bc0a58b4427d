"""Applicants: a returning citizen is found by CCCD/ID number or phone.

CCCD has 12 digits, the old CMND 9 (shared/domain/README.md, glossary).
"""

from dataclasses import dataclass

from counter.errors import CounterError
from counter.session import Session
from counter.text import ADDRESS, NAME, clean_text, digits, fold, nfc
from db import applicants as applicant_table
from db import dossiers as dossier_table


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    id: int | None = None


EMAIL = 254  # RFC 5321's longest forward path


def clean_id_number(value: str | None) -> str:
    text = nfc(value).replace(" ", "")
    if not text:
        return ""
    if not (text.isascii() and text.isdigit()) or len(text) not in (9, 12):
        raise CounterError(
            f"Số CCCD/CMND «{nfc(value)[:40]}» không hợp lệ: phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND).",
            "ID number must have 12 (CCCD) or 9 (CMND) digits",
        )
    return text


def clean_phone(value: str | None) -> str:
    text = nfc(value)
    if not text:
        return ""
    if len(text) > 40:
        raise CounterError("Số điện thoại quá dài.", "phone number too long")
    number = digits(text)
    if text.lstrip().startswith("+84") or (number.startswith("84") and len(number) == 11):
        number = "0" + number[2:]
    allowed = set("0123456789 .-+()")
    if set(text) - allowed or not 9 <= len(number) <= 11:
        raise CounterError(
            f"Số điện thoại «{text}» không hợp lệ.", "phone number must have 9 to 11 digits"
        )
    return number


def clean(name: str | None, id_number: str | None = "", phone: str | None = "",
          address: str | None = "", email: str | None = "") -> Applicant:
    full_name = clean_text(name, "Họ tên người nộp hồ sơ", NAME)
    if not full_name:
        raise CounterError("Họ tên người nộp hồ sơ không được để trống.", "applicant name is empty")
    mail = clean_text(email, "Địa chỉ email", EMAIL)
    if mail and ("@" not in mail or " " in mail):
        raise CounterError(f"Địa chỉ email «{mail}» không hợp lệ.", "malformed e-mail address")
    return Applicant(
        name=full_name, id_number=clean_id_number(id_number), phone=clean_phone(phone),
        address=clean_text(address, "Địa chỉ", ADDRESS), email=mail,
    )


def find(session: Session, id_or_phone: str) -> list[Applicant]:
    """Applicants matching an ID number or a phone number, best match first."""
    key = digits(id_or_phone)
    found = []
    if len(key) in (9, 12):
        row = applicant_table.by_id_number(session.db, key)
        if row:
            found.append(row)
    try:
        phone = clean_phone(id_or_phone)
    except CounterError:
        phone = ""
    if phone:
        found += [r for r in applicant_table.by_phone(session.db, phone) if r not in found]
    return [_applicant(r) for r in found]


def earlier_documents(session: Session, applicant_id: int) -> list[dict]:
    """Scanned documents from the applicant's earlier dossiers, offered for re-use."""
    return dossier_table.earlier_files(session.db, applicant_id)


def remember(session: Session, applicant: Applicant, now: str) -> int:
    """Find the applicant (by ID, else by phone and name) and refresh their details; inside a write."""
    db = session.db
    row = applicant_table.by_id_number(db, applicant.id_number) if applicant.id_number else None
    if row is None and applicant.phone:
        row = next(
            (r for r in applicant_table.by_phone(db, applicant.phone)
             if fold(r["name"]) == fold(applicant.name) and (not r["id_number"] or not applicant.id_number)),
            None,
        )
    values = {
        "name": applicant.name,
        "id_number": applicant.id_number or None,
        "phone": applicant.phone,
        "address": applicant.address,
        "email": applicant.email,
        "updated_at": now,
    }
    if row is None:
        return applicant_table.insert(db, values)
    changes = {k: v for k, v in values.items() if v and v != row.get(k)}
    if changes:
        applicant_table.update(db, row["id"], changes)
    return row["id"]


def _applicant(row: dict) -> Applicant:
    return Applicant(
        id=row["id"], name=row["name"], id_number=row["id_number"] or "", phone=row["phone"],
        address=row["address"], email=row["email"],
    )
