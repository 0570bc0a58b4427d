"""How commands print: one JSON value with --json, short Vietnamese text otherwise."""

import dataclasses
import json
import sys
import unicodedata

from counter.dossier import CHANNELS, PAYMENTS, RATED_BY, RATINGS, SEXES, STATUS_LABELS, Dossier

# How a result is judged against its due date (counter/dossier.py: timeliness).
JUDGED = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}


def emit_json(value) -> None:
    """A typed result (a dataclass) prints as the object of its fields, in their order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def printable(text: str) -> str:
    """`text` on one line with control, format and surrogate characters and line breaks written
    as \\uXXXX: an echoed input can neither break the message nor drive the terminal."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch
                   for ch in text)


def line(text: str = "") -> None:
    print(text)


def when(moment) -> str:
    return moment.strftime("%H:%M %d/%m/%Y") if moment else "—"


def dossier_summary(dossier: Dossier) -> str:
    return (
        f"{dossier.code}  {dossier.applicant_name}  {dossier.procedure_name}  "
        f"[{STATUS_LABELS[dossier.status]}]  hẹn {when(dossier.appointment_at)}"
    )


def dossier_text(dossier: Dossier, as_of) -> str:
    rows = [
        ("Mã hồ sơ", dossier.code),
        ("Sổ theo dõi", f"số {dossier.ledger_number}/{dossier.ledger_year}"),
        ("Thủ tục", f"{dossier.procedure_name} ({dossier.procedure_code}), {dossier.days} ngày làm việc"),
        ("Người nộp", dossier.applicant_name),
        ("CCCD/CMND", dossier.id_number or "—"),
        ("Điện thoại", dossier.phone or "—"),
        ("Địa chỉ", dossier.address or "—"),
        *([("Ngày sinh, giới tính", ", ".join(filter(None, (
            dossier.birth_date and f"{dossier.birth_date[8:10]}/{dossier.birth_date[5:7]}/{dossier.birth_date[:4]}",
            SEXES.get(dossier.sex, "")))))] if dossier.birth_date or dossier.sex else []),
        *([("Người được ủy quyền", ", ".join(filter(None, (dossier.representative_name, dossier.representative_id,
                                                            dossier.representative_phone))))]
          if dossier.representative_name else []),
        ("Kênh nộp", CHANNELS[dossier.channel]),
        ("Phí, lệ phí", f"{dossier.fee:,} đồng".replace(",", ".")
         + (f", {PAYMENTS[dossier.payment].lower()}" if dossier.payment else "")
         + (f", biên lai số {dossier.fee_receipt}" if dossier.fee_receipt else "")),
        ("Tiếp nhận", when(dossier.received_at)),
        ("Hạn giải quyết", when(dossier.due_at)),
        ("Hẹn trả", when(dossier.appointment_at)),
        ("Trạng thái", STATUS_LABELS[dossier.status]),
    ]
    if dossier.result_at and dossier.timeliness:
        judged = JUDGED[dossier.timeliness]
        rows.append(("Có kết quả", f"{when(dossier.result_at)} ({judged})"))
    elif dossier.overdue(as_of):
        rows.append(("Cảnh báo", "đã quá hạn giải quyết"))
    if dossier.returned_at:
        rating = RATINGS.get(dossier.rating or "", "chưa đánh giá")
        if dossier.rating_by:
            rating += f", {RATED_BY[dossier.rating_by].lower()}"
        rows.append(("Đã trả", f"{when(dossier.returned_at)} cho {dossier.returned_to} ({rating})"))
    if dossier.apology_at:
        rows.append(("Xin lỗi, hẹn lại", f"{when(dossier.apology_at)}: {dossier.apology_reason}"))
    if dossier.decision_reason:
        rows.append(("Lý do", dossier.decision_reason))
    flags = [text for on, text in (
        (dossier.late_at_supplement, "yêu cầu bổ sung khi đã quá hạn (vẫn tính trễ hạn)"),
        (dossier.supplement_late, "yêu cầu bổ sung quá 3 ngày làm việc"),
        (dossier.supplement_repeat, f"yêu cầu bổ sung {dossier.supplements} lần"),
        (dossier.apology_late, "xin lỗi muộn"),
        (dossier.complaints, f"{dossier.complaints} phản ánh, kiến nghị"),
    ) if on]
    if flags:
        rows.append(("Lưu ý", "; ".join(flags)))
    rows.append(("Số hóa", "đủ" if dossier.digitized else "chưa đủ"))
    text = "\n".join(f"{label}: {value}" for label, value in rows)
    if dossier.documents:
        text += "\nThành phần hồ sơ:"
        for doc in dossier.documents:
            state = "không cần số hóa" if doc.not_required else ("đã số hóa" if doc.file_sha256 else "chưa số hóa")
            text += f"\n  {doc.position}. {doc.name} ({state})"
    return text
