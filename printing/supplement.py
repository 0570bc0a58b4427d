"""Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).

ND 61/2018 art. 17: everything missing is listed at once. The officer picks the
missing documents from the procedure's checklist (or types them); each becomes a
numbered line, and the reason is printed after "Lý do". A request recorded before
the checklist pick wrote the items as one reason, separated by ';'.
`render` takes the fields the slip prints, so the same slip serves a received
dossier (`for_dossier`) and the guidance given at the counter before anything is
received, which has no code and no number.
"""

from datetime import datetime

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.applicant import BLANK, Applicant
from printing.form_sets import Counter, form_name
from printing.vietnamese import capitals, place_date


def defaults(form_set: str, counter: Counter) -> dict:
    """The lines of Mẫu 02 (forms.md, Mẫu 02), the one-stop unit named as `form_set` names it."""
    return {
        "header": ("{unit}", *counter.header),
        "number": "Số: {number}/HDHS",
        "counter": f"{counter.name}:",
        "applicant": "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà:",
        "procedure": "Nội dung yêu cầu giải quyết:",
        **applicant.WORDING,
        "code": "Mã hồ sơ:",
        "request": "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:",
        "reason": "Lý do:",
        "reason_value": "Hồ sơ chưa đầy đủ thành phần hoặc chưa hợp lệ theo quy định.",
        "contact": f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với {{officer}}, {counter.name} "
                   "{unit} để được hướng dẫn./.",
        "signature": ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)"),
    }


def for_dossier(dossier: Dossier, settings: UnitSettings, request: dict, officer: str) -> bytes:
    """`request` is the dossier's supplement_requested event: its time dates the slip and its reason
    lists what is missing; a second request is numbered after the first (1-2/HDHS)."""
    number = f"{dossier.ledger_number}-{dossier.supplements}" if dossier.supplements > 1 else str(dossier.ledger_number)
    detail = request["detail"]
    picked = [item for item in detail.get("missing") or [] if isinstance(item, str) and item.strip()]
    if picked:
        missing, reason = picked, detail.get("reason", "")
    else:
        missing, reason = [item.strip() for item in detail.get("reason", "").split(";") if item.strip()], ""
    return render(settings, Applicant.of(dossier), dossier.procedure_name, missing,
                  datetime.fromisoformat(request["at"]), officer, dossier.code, number, reason)


def render(settings: UnitSettings, person: Applicant, procedure: str, missing: list[str], at: datetime,
           officer: str, code: str = "", number: str = "", reason: str = "") -> bytes:
    """The slip dated `at`, listing `missing`. Without a `code` the "Mã hồ sơ" line is left out;
    without a `number` the "Số" line keeps dots to number it by hand; without a `reason` the
    wording's default reason is printed."""
    w = wording.effective(settings, "supplement", defaults)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "supplement", w["title"])
    top = frame.top(sheet, name.label, [line.format(unit=capitals(settings.unit_name)) for line in w["header"]],
                    w["number"].format(number=number or BLANK[:3]), place_date(settings.place, at.date()),
                    name.title)

    def body(scaled: frame.Sheet) -> list:
        blocks = [
            scaled.space(0.5),
            scaled.field(w["counter"], settings.unit_name),
            scaled.field(w["applicant"], person.name),
            scaled.field(w["procedure"], procedure),
            *applicant.contact_lines(scaled, person, w),
        ]
        if code:
            blocks.append(scaled.field(w["code"], code))
        blocks.append(scaled.text(w["request"]))
        blocks += [scaled.text([(f"{i}. ", frame.REGULAR), (item, frame.BOLD)], "item")
                   for i, item in enumerate(missing, start=1)]
        blocks += [
            scaled.field(w["reason"], reason or w["reason_value"]),
            scaled.text(w["contact"].format(officer=officer, unit=settings.unit_name)),
            frame.signatures(scaled, [("", "", ""), (*w["signature"], officer)]),
        ]
        return blocks

    return frame.render(sheet, frame.slip(sheet, top, body), name.title, code or person.name, settings.unit_name)
