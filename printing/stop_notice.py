"""Thông báo dừng giải quyết hồ sơ (Mẫu 05 of TT 03/2025; TT 01/2018 has no such form).

TT 03/2025 art. 7: the citizen may ask to stop a dossier before a decision is issued.
The annex layout was not readable (forms.md): it is built like Mẫu 03 — the
applicant, the procedure, the code, the date of the request and the reason.
"""

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import decision_slip, frame
from printing.vietnamese import moment, short_date

WORDING = {
    **decision_slip.WORDING,
    "received": "Thời gian nhận hồ sơ:",
    "request": "Ngày {date}, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên.",
    "decision": "{unit} thông báo dừng giải quyết hồ sơ của Ông/Bà.",
    "reason": "Lý do:",
    "closing": "Xin thông báo cho Ông/Bà được biết./.",
    "signature": ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)"),
}


def render(dossier: Dossier, settings: UnitSettings, stop: dict, officer: str) -> bytes:
    """`stop` is the dossier's stopped event: the citizen's request, dated, with its reason."""

    def lines(sheet: frame.Sheet, w: dict, at) -> list:
        return [
            sheet.field(w["received"], moment(dossier.received_at)),
            sheet.text(w["request"].format(date=short_date(at))),
            sheet.text(w["decision"].format(unit=settings.unit_name)),
            sheet.field(w["reason"], stop["detail"].get("reason", dossier.decision_reason)),
        ]

    return decision_slip.render("stop", WORDING, dossier, settings, stop, officer, lines)
