"""Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).

ND 61/2018 art. 17: everything missing is listed at once. The officer writes the
missing items as one reason, separated by ';'; each becomes a numbered line.
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.form_sets import form_name
from printing.vietnamese import capitals, place_date

WORDING = {
    "header": ("{unit}", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"),
    "number": "Số: {number}/HDHS",
    "counter": "Bộ phận tiếp nhận và trả kết quả:",
    "applicant": "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà:",
    "procedure": "Nội dung yêu cầu giải quyết:",
    **applicant.WORDING,
    "code": "Mã hồ sơ:",
    "request": "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:",
    "reason": "Lý do:",
    "reason_value": "Hồ sơ chưa đầy đủ thành phần hoặc chưa hợp lệ theo quy định.",
    "contact": "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với {officer}, Bộ phận tiếp "
               "nhận và trả kết quả {unit} để được hướng dẫn./.",
    "signature": ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)"),
}


def render(dossier: Dossier, settings: UnitSettings, request: dict, officer: str) -> bytes:
    """`request` is the dossier's supplement_requested event: its time dates the slip and
    its reason lists what is missing."""
    w = wording.effective(settings, "supplement", WORDING)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "supplement", w["title"])
    at = datetime.fromisoformat(request["at"])
    number = f"{dossier.ledger_number}-{dossier.supplements}" if dossier.supplements > 1 else dossier.ledger_number
    top = frame.top(sheet, name.label, [line.format(unit=capitals(settings.unit_name)) for line in w["header"]],
                    w["number"].format(number=number), place_date(settings.place, at.date()), name.title)
    items = [item.strip() for item in request["detail"].get("reason", "").split(";") if item.strip()]

    def body(scaled: frame.Sheet) -> list:
        blocks = [
            scaled.space(0.5),
            scaled.field(w["counter"], settings.unit_name),
            scaled.field(w["applicant"], dossier.applicant_name),
            scaled.field(w["procedure"], dossier.procedure_name),
            *applicant.contact_lines(scaled, dossier, w),
            scaled.field(w["code"], dossier.code),
            scaled.text(w["request"]),
        ]
        blocks += [scaled.text([(f"{i}. ", frame.REGULAR), (item, frame.BOLD)], "item")
                   for i, item in enumerate(items, start=1)]
        blocks += [
            scaled.field(w["reason"], w["reason_value"]),
            scaled.text(w["contact"].format(officer=officer, unit=settings.unit_name)),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]
        return blocks

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, dossier.code, settings.unit_name)
