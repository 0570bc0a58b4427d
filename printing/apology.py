"""Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04 of TT 01/2018); Văn bản xin lỗi và đề nghị gia
hạn thời gian giải quyết (Mẫu 04 of TT 03/2025).

ND 61/2018 art. 19.9: the deciding agency apologises, gives the reason and a new
date; the appointment moves once. The head of the agency signs, so no officer
name is printed under the signature.
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import frame, wording
from printing.form_sets import Counter, form_name
from printing.vietnamese import capitals, moment, place_date, short_date


def defaults(form_set: str, counter: Counter) -> dict:
    """forms.md, Mẫu 04. Under TT 03/2025 the head signs as "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" (a 2025
    ministry decision applying it, forms.md "What changed in 2025") and the copy goes to the
    one-stop unit as ND 118 names it; the body is the 2018 one, the 2025 annex not being read."""
    head = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" if form_set == "tt03-2025" else "THỦ TRƯỞNG CƠ QUAN"
    return {
        "header": ("{authority}", "{unit}"),
        "number": "Số: {number}/PXL",
        "to": "Kính gửi: Ông/Bà",
        "address": "Địa chỉ:",
        "phone": "Số điện thoại:",
        "received": "Ngày {date}, {unit} tiếp nhận giải quyết hồ sơ {procedure} của Ông/Bà.",
        "code": "Mã hồ sơ:",
        "appointment": "Thời gian hẹn trả kết quả giải quyết hồ sơ:",
        "late": "Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng thời hạn.",
        "reason": "Lý do:",
        "apology": "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {unit} xin lỗi Ông/Bà và sẽ trả kết quả giải quyết "
                   "hồ sơ cho Ông/Bà vào",
        "closing": "Mong nhận được sự thông cảm của Ông/Bà.",
        "recipients": ("Nơi nhận:", "- Như trên;", f"- {counter.name};", "- Lưu: VT."),
        "signer": (head, "(Ký, ghi rõ họ tên và đóng dấu)"),
    }


def render(dossier: Dossier, settings: UnitSettings, apology: dict) -> bytes:
    """`apology` is the dossier's apologized event: when, why, and the old and new appointments."""
    w = wording.effective(settings, "apology", defaults)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "apology", w["title"])
    at = datetime.fromisoformat(apology["at"])
    detail = apology["detail"]
    old = datetime.fromisoformat(detail["old_appointment"])
    new = datetime.fromisoformat(detail["new_appointment"])
    unit = settings.unit_name
    left = [line.format(authority=capitals(settings.authority), unit=capitals(unit)) for line in w["header"]]
    top = frame.top(sheet, name.label, [line for line in left if line],
                    w["number"].format(number=dossier.ledger_number), place_date(settings.place, at.date()),
                    name.title, bold_from=1 if settings.authority else 0)

    def body(scaled: frame.Sheet) -> list:
        return [
            scaled.space(0.8),
            scaled.text([(w["to"] + " ", frame.REGULAR), (dossier.applicant_name, frame.BOLD)], "center"),
            scaled.field(w["address"], dossier.address),
            scaled.field(w["phone"], dossier.phone),
            scaled.text(w["received"].format(date=short_date(dossier.received_at), unit=unit,
                                             procedure=dossier.procedure_name)),
            scaled.field(w["code"], dossier.code),
            scaled.field(w["appointment"], moment(old)),
            scaled.text(w["late"].format(unit=unit)),
            scaled.field(w["reason"], detail.get("reason", dossier.apology_reason)),
            scaled.text([(w["apology"].format(unit=unit) + " ", frame.REGULAR), (moment(new) + ".", frame.BOLD)]),
            scaled.text(w["closing"]),
            frame.recipients_and_signer(scaled, list(w["recipients"]), *w["signer"]),
        ]

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, dossier.code, unit)
