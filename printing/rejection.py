"""Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03): the reason, in the unit's words."""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.form_sets import form_name
from printing.vietnamese import capitals, place_date

WORDING = {
    "header": ("{unit}", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"),
    "counter": "Bộ phận tiếp nhận và trả kết quả:",
    "applicant": "Tiếp nhận hồ sơ của:",
    **applicant.WORDING,
    "procedure": "Nội dung yêu cầu giải quyết:",
    "code": "Mã hồ sơ:",
    "decision": "Qua xem xét, {unit} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
    "closing": "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
    "signature": ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)"),
}


def render(dossier: Dossier, settings: UnitSettings, decision: dict, officer: str) -> bytes:
    """`decision` is the dossier's rejected event: its time dates the slip, its reason is printed."""
    w = wording.effective(settings, "rejection", WORDING)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "rejection", w["title"])
    at = datetime.fromisoformat(decision["at"])
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
            scaled.text(w["decision"].format(unit=settings.unit_name)),
            scaled.text([(decision["detail"].get("reason", dossier.decision_reason), frame.BOLD)]),
            scaled.text(w["closing"]),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, dossier.code, settings.unit_name)
