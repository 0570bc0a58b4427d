"""Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03): the reason, in the unit's words."""

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import decision_slip, frame

WORDING = {
    **decision_slip.WORDING,
    "decision": "Qua xem xét, {unit} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
    "closing": "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
    "signature": ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)"),
}


def render(dossier: Dossier, settings: UnitSettings, decision: dict, officer: str) -> bytes:
    """`decision` is the dossier's rejected event: its time dates the slip, its reason is printed."""

    def lines(sheet: frame.Sheet, w: dict, at) -> list:
        return [
            sheet.text(w["decision"].format(unit=settings.unit_name)),
            sheet.text([(decision["detail"].get("reason", dossier.decision_reason), frame.BOLD)]),
        ]

    return decision_slip.render("rejection", WORDING, dossier, settings, decision, officer, lines)
