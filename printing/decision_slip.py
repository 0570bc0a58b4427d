"""The counter's notice of a decision on a dossier: rejection (Mẫu 03) and stop (Mẫu 05).

Both slips name the unit, the applicant, the procedure and the code, then say
what was decided and why, and are signed (forms.md: the stop notice is built like
Mẫu 03). They take the fields they print, not a received dossier: a refusal at the
counter before anything is received has no code.
"""

from collections.abc import Callable
from datetime import datetime

from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.applicant import Applicant
from printing.form_sets import Counter, form_name
from printing.vietnamese import capitals, place_date


def defaults(form_set: str, counter: Counter) -> dict:
    """The lines both slips share, the one-stop unit named as `form_set` names it."""
    return {
        "header": ("{unit}", *counter.header),
        "counter": f"{counter.name}:",
        "applicant": "Tiếp nhận hồ sơ của:",
        **applicant.WORDING,
        "procedure": "Nội dung yêu cầu giải quyết:",
        "code": "Mã hồ sơ:",
    }


def render(form: str, make: wording.Defaults, settings: UnitSettings, person: Applicant, procedure: str,
           code: str, at: datetime, officer: str, decision: Callable[[frame.Sheet, dict], list]) -> bytes:
    """The slip dated `at`; `decision(sheet, wording)` gives the lines that differ per form. Without a
    `code` the "Mã hồ sơ" line is left out."""
    w = wording.effective(settings, form, make)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, form, w["title"])
    top = frame.top(sheet, name.label, [line.format(unit=capitals(settings.unit_name)) for line in w["header"]],
                    "", place_date(settings.place, at.date()), name.title)

    def body(scaled: frame.Sheet) -> list:
        return [
            scaled.space(0.5),
            scaled.field(w["counter"], settings.unit_name),
            scaled.field(w["applicant"], person.name),
            *applicant.contact_lines(scaled, person, w),
            scaled.field(w["procedure"], procedure),
            *([scaled.field(w["code"], code)] if code else []),
            *decision(scaled, w),
            scaled.text(w["closing"]),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, code or person.name, settings.unit_name)
