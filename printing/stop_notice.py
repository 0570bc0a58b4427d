"""Thông báo dừng giải quyết hồ sơ (Mẫu 05 of TT 03/2025; TT 01/2018 has no such form).

TT 03/2025 art. 7: the citizen may ask to stop a dossier before a decision is issued.
The annex layout was not readable (forms.md): it is built like Mẫu 03 — the
applicant, the procedure, the code, the date of the request and the reason.
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.form_sets import form_name
from printing.vietnamese import capitals, moment, place_date, short_date

WORDING = {
    "header": ("{unit}", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"),
    "counter": "Bộ phận tiếp nhận và trả kết quả:",
    "applicant": "Tiếp nhận hồ sơ của:",
    **applicant.WORDING,
    "procedure": "Nội dung yêu cầu giải quyết:",
    "code": "Mã hồ sơ:",
    "received": "Thời gian nhận hồ sơ:",
    "request": "Ngày {date}, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên.",
    "decision": "{unit} thông báo dừng giải quyết hồ sơ của Ông/Bà.",
    "reason": "Lý do:",
    "closing": "Xin thông báo cho Ông/Bà được biết./.",
    "signature": ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)"),
}


def render(dossier: Dossier, settings: UnitSettings, stop: dict, officer: str) -> bytes:
    """`stop` is the dossier's stopped event: the citizen's request, dated, with its reason."""
    w = wording.effective(settings, "stop", WORDING)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "stop", w["title"])
    at = datetime.fromisoformat(stop["at"])
    top = frame.top(sheet, name.label, [line.format(unit=capitals(settings.unit_name)) for line in w["header"]],
                    "", place_date(settings.place, at.date()), name.title)

    def body(scaled: frame.Sheet) -> list:
        return [
            scaled.space(0.5),
            scaled.field(w["counter"], settings.unit_name),
            scaled.field(w["applicant"], dossier.applicant_name),
            *applicant.contact_lines(scaled, dossier, w),
            scaled.field(w["procedure"], dossier.procedure_name),
            scaled.field(w["code"], dossier.code),
            scaled.field(w["received"], moment(dossier.received_at)),
            scaled.text(w["request"].format(date=short_date(at))),
            scaled.text(w["decision"].format(unit=settings.unit_name)),
            scaled.field(w["reason"], stop["detail"].get("reason", dossier.decision_reason)),
            scaled.text(w["closing"]),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, dossier.code, settings.unit_name)
