"""Thông báo dừng giải quyết hồ sơ (Mẫu 05 of TT 03/2025; TT 01/2018 has no such form).

TT 03/2025 art. 7: the citizen may ask to stop a dossier before a decision is issued,
and the Bộ phận Một cửa that received it issues the notice. The annex layout was not
readable (forms.md): it is built like Mẫu 03 — the applicant, the procedure, the code,
the date of the request and the reason — and signed for the one-stop unit that issues
it, by the officer who records the stop.
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import decision_slip, frame
from printing.applicant import Applicant
from printing.form_sets import Counter
from printing.vietnamese import moment, short_date


def defaults(form_set: str, counter: Counter) -> dict:
    """The signature names the issuer art. 7 gives, the one-stop unit; the annex's own signature
    block is unconfirmed (docs/rules.md) and stays a wording line."""
    return {
        **decision_slip.defaults(form_set, counter),
        "received": "Thời gian nhận hồ sơ:",
        "request": "Ngày {date}, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên.",
        "decision": "{unit} thông báo dừng giải quyết hồ sơ của Ông/Bà.",
        "reason": "Lý do:",
        "closing": "Xin thông báo cho Ông/Bà được biết./.",
        "signature": ("\n".join(counter.header), "(Ký và ghi rõ họ tên)"),
    }


def render(dossier: Dossier, settings: UnitSettings, stop: dict, officer: str) -> bytes:
    """`stop` is the dossier's stopped event: the citizen's request, dated, with its reason."""
    at = datetime.fromisoformat(stop["at"])

    def lines(sheet: frame.Sheet, w: dict) -> list:
        return [
            sheet.field(w["received"], moment(dossier.received_at)),
            sheet.text(w["request"].format(date=short_date(at))),
            sheet.text(w["decision"].format(unit=settings.unit_name)),
            sheet.field(w["reason"], stop["detail"].get("reason", dossier.decision_reason)),
        ]

    return decision_slip.render("stop", defaults, settings, Applicant.of(dossier), dossier.procedure_name,
                                dossier.code, at, officer, lines)
