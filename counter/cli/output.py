"""How commands print: one JSON value with --json, short Vietnamese text otherwise."""

import json
import sys
import unicodedata

from counter.dossier import CHANNELS, RATINGS, STATUS_LABELS, Dossier


def emit_json(value) -> None:
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
        ("Kênh nộp", CHANNELS[dossier.channel]),
        ("Phí, lệ phí", f"{dossier.fee:,} đồng".replace(",", ".")),
        ("Tiếp nhận", when(dossier.received_at)),
        ("Hạn giải quyết", when(dossier.due_at)),
        ("Hẹn trả", when(dossier.appointment_at)),
        ("Trạng thái", STATUS_LABELS[dossier.status]),
    ]
    if dossier.result_at:
        judged = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}[dossier.timeliness]
        rows.append(("Có kết quả", f"{when(dossier.result_at)} ({judged})"))
    elif dossier.overdue(as_of):
        rows.append(("Cảnh báo", "đã quá hạn giải quyết"))
    if dossier.returned_at:
        rating = RATINGS.get(dossier.rating, "chưa đánh giá")
        rows.append(("Đã trả", f"{when(dossier.returned_at)} cho {dossier.returned_to} ({rating})"))
    if dossier.apology_at:
        rows.append(("Xin lỗi, hẹn lại", f"{when(dossier.apology_at)}: {dossier.apology_reason}"))
    if dossier.decision_reason:
        rows.append(("Lý do", dossier.decision_reason))
    rows.append(("Số hóa", "đủ" if dossier.digitized else "chưa đủ"))
    text = "\n".join(f"{label}: {value}" for label, value in rows)
    if dossier.documents:
        text += "\nThành phần hồ sơ:"
        for doc in dossier.documents:
            state = "không cần số hóa" if doc.not_required else ("đã số hóa" if doc.file_sha256 else "chưa số hóa")
            text += f"\n  {doc.position}. {doc.name} ({state})"
    return text
