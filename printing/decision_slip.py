"""The counter's notice of a decision on a dossier: rejection (Mẫu 03) and stop (Mẫu 05).

Both slips name the unit, the applicant, the procedure and the code, then say
what was decided and why, and are signed by the officer (forms.md: the stop
notice is built like Mẫu 03).
"""

from collections.abc import Callable
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
}


def render(form: str, defaults: dict, dossier: Dossier, settings: UnitSettings, event: dict, officer: str,
           decision: Callable[[frame.Sheet, dict, datetime], list]) -> bytes:
    """`event` dates the slip; `decision(sheet, wording, at)` gives the lines that differ per form."""
    w = wording.effective(settings, form, defaults)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, form, w["title"])
    at = datetime.fromisoformat(event["at"])
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
            *decision(scaled, w, at),
            scaled.text(w["closing"]),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, dossier.code, settings.unit_name)
