"""Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03): the reason, in the unit's words.

`render` takes the fields it prints, so the refusal at the counter before anything is
received (no code) is the same slip as the rejection of a received dossier (`for_dossier`).
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import decision_slip, frame
from printing.applicant import Applicant
from printing.form_sets import Counter


def defaults(form_set: str, counter: Counter) -> dict:
    """forms.md, Mẫu 03; the same in both sets but for the one-stop unit's name."""
    return {
        **decision_slip.defaults(form_set, counter),
        "decision": "Qua xem xét, {unit} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "closing": "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
        "signature": ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)"),
    }


def for_dossier(dossier: Dossier, settings: UnitSettings, decision: dict, officer: str) -> bytes:
    """`decision` is the dossier's rejected event: its time dates the slip, its reason is printed."""
    reason = decision["detail"].get("reason", dossier.decision_reason)
    return render(settings, Applicant.of(dossier), dossier.procedure_name, reason,
                  datetime.fromisoformat(decision["at"]), officer, dossier.code)


def render(settings: UnitSettings, person: Applicant, procedure: str, reason: str, at: datetime, officer: str,
           code: str = "") -> bytes:
    """The refusal dated `at` with its `reason`; without a `code` there is no "Mã hồ sơ" line."""

    def lines(sheet: frame.Sheet, w: dict) -> list:
        return [
            sheet.text(w["decision"].format(unit=settings.unit_name)),
            sheet.text([(reason, frame.BOLD)]),
        ]

    return decision_slip.render("rejection", defaults, settings, person, procedure, code, at, officer, lines)
