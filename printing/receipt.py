"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01), in two copies.

Liên 1 stays at the counter with the control slip, Liên 2 goes to the citizen
(forms.md, Mẫu 01). The dossier code is printed in words with its Code 128
barcode under it, so the counter can scan the citizen's copy on return.
"""

from reportlab.lib.units import mm

from counter.dossier import Dossier
from counter.settings import UnitSettings
from printing import applicant, frame, wording
from printing.applicant import BLANK, Applicant, Representative
from printing.code128 import Barcode
from printing.form_sets import Counter, form_name
from printing.layout import paginate
from printing.vietnamese import amount, capitals, moment, place_date


def defaults(form_set: str, counter: Counter) -> dict:
    """The lines of Mẫu 01 under `form_set`, one per key; a unit corrects a line with «wording set
    receipt KEY …». TT 01/2018: forms.md, Mẫu 01. TT 03/2025 as a 2025 ministry decision applying it
    prints it (forms.md, "What changed in 2025"): the one-stop unit named as ND 118 names it,
    "Số định danh cá nhân/tổ chức" for the CCCD/CMND, the authorised representative, and signatures
    that may be digital on an electronic form."""
    new = form_set == "tt03-2025"
    sign_note = "(Ký, ghi rõ họ tên hoặc chữ ký số nếu là biểu mẫu điện tử)" if new else "(Ký và ghi rõ họ tên)"
    return {
        "header": ("{unit}", *counter.header),
        "number": "Số: {number}/TNHS",
        "code": "Mã hồ sơ:",
        "copies": ("(Liên 1: Lưu)", "(Liên 2: Giao khách hàng)"),
        "counter": f"{counter.name}:",
        "applicant": "Tiếp nhận hồ sơ của:",
        "id_number": "Số định danh cá nhân/tổ chức:" if new else "Số CCCD/CMND:",
        **({"representative": "Người được ủy quyền (nếu có):",
            "representative_id": "Số định danh cá nhân:",
            "representative_phone": "Số điện thoại:"} if new else {}),
        **applicant.WORDING,
        "procedure": "Nội dung yêu cầu giải quyết:",
        "documents": "1. Thành phần hồ sơ nộp gồm:",
        "document_columns": ("TT", "Tên giấy tờ", "Bản chính / Bản sao", "Số lượng"),
        "copy_kinds": {"original": "Bản chính", "copy": "Bản sao"},
        "sets": "2. Số lượng hồ sơ:",
        "sets_value": "01 (bộ)",
        "days": "3. Thời gian giải quyết hồ sơ theo quy định là:",
        "days_value": "{days} ngày làm việc",
        "same_day": "trong ngày làm việc",
        "received": "4. Thời gian nhận hồ sơ:",
        "appointment": "5. Thời gian trả kết quả giải quyết hồ sơ:",
        "provisional": "{appointment} (dự kiến)",
        "collect": "6. Đăng ký nhận kết quả tại:",
        "collect_at": {"counter": counter.name, "postal": "Tại nhà qua dịch vụ bưu chính"},
        "fee": "Phí, lệ phí:",
        "no_fee": "không thu",
        "ledger": "Vào Sổ theo dõi hồ sơ, Quyển số: {volume}, Số thứ tự: {number}",
        "signature_applicant": ("NGƯỜI NỘP HỒ SƠ", sign_note),
        "signature_receiver": ("NGƯỜI TIẾP NHẬN HỒ SƠ", sign_note),
        "notes": (
            "Ghi chú:",
            "- Giấy tiếp nhận và hẹn trả kết quả được lập thành 2 liên; một liên chuyển kèm theo Phiếu kiểm soát "
            f"quá trình giải quyết hồ sơ và được lưu tại {counter.name}; một liên giao cho cá nhân, "
            "tổ chức nộp hồ sơ;",
            f"- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại {counter.name} hoặc tại nhà (trụ sở "
            "tổ chức) qua dịch vụ bưu chính.",
        ),
    }


def render(dossier: Dossier, settings: UnitSettings, officer: str, provisional: bool = False,
           representative: Representative | None = None) -> bytes:
    """Both copies of the receipt, one page each; `officer` signs as the receiver.

    `provisional`: the appointment falls in a year with no official calendar yet (issue 11), and
    the citizen is told it is a forecast. `representative`: who filed under an authorisation;
    under TT 03/2025 the line is printed with blanks when there is none.
    """
    w = wording.effective(settings, "receipt", defaults)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "receipt", w["title"])
    tops = [_top(sheet, dossier, settings, w, name, copy) for copy in w["copies"]]
    # Both copies are the same below the copy line: lay the body out once.
    body = frame.fit(sheet, lambda scaled: _body(scaled, dossier, settings, w, officer, provisional, representative),
                     sheet.height - frame.heights(tops[0]))
    pages = [page for top in tops for page in paginate(top + body, sheet.height)]
    return frame.render(sheet, pages, name.title, dossier.code, settings.unit_name)


def _top(sheet: frame.Sheet, dossier: Dossier, settings: UnitSettings, w: dict, name, copy: str) -> list:
    return [
        *frame.top(sheet, name.label, [line.format(unit=capitals(settings.unit_name)) for line in w["header"]],
                   w["number"].format(number=dossier.ledger_number),
                   place_date(settings.place, dossier.received_at.date()), name.title),
        sheet.field(w["code"], dossier.code, "center"),
        sheet.text(copy, "subtitle"),
        Barcode(dossier.code, sheet.width, height=9 * mm if settings.slip_page_size == "A5" else 11 * mm),
    ]


def _body(sheet: frame.Sheet, dossier: Dossier, settings: UnitSettings, w: dict, officer: str,
          provisional: bool, representative: Representative | None) -> list:
    collect = dossier.return_channel or ("postal" if dossier.channel == "postal" else "counter")
    days = w["days_value"].format(days=dossier.days) if dossier.days else w["same_day"]
    appointment = moment(dossier.appointment_at)
    if provisional:
        appointment = w["provisional"].format(appointment=appointment)
    body = [
        sheet.space(0.2),
        sheet.field(w["counter"], settings.unit_name),
        sheet.field(w["applicant"], dossier.applicant_name),
    ]
    if dossier.id_number:
        body.append(sheet.field(w["id_number"], dossier.id_number))
    body += applicant.contact_lines(sheet, Applicant.of(dossier), w)
    if "representative" in w:
        body += _representative(sheet, w, representative or Representative())
    body += [
        sheet.field(w["procedure"], dossier.procedure_name),
        sheet.text(w["documents"]),
        _documents(sheet, dossier, w),
        sheet.space(0.3),
        sheet.field(w["sets"], w["sets_value"]),
        sheet.field(w["days"], days),
        sheet.field(w["received"], moment(dossier.received_at)),
        sheet.field(w["appointment"], appointment),
        sheet.field(w["collect"], w["collect_at"][collect]),
        sheet.field(w["fee"], amount(dossier.fee) if dossier.fee else w["no_fee"]),
        sheet.text(w["ledger"].format(volume=settings.ledger_volume, number=dossier.ledger_number)),
        frame.signatures(sheet, [(*w["signature_applicant"], ""), (*w["signature_receiver"], officer)]),
        sheet.space(0.1),
        sheet.text([(w["notes"][0], frame.ITALIC)], "note"),
    ]
    body += [sheet.text(text, "note") for text in w["notes"][1:]]
    return body


def _representative(sheet: frame.Sheet, w: dict, person: Representative) -> list:
    """'Người được ủy quyền (nếu có): …' and the person's number and phone, dots where empty."""
    def value(text: str) -> tuple[str, str]:
        return (text, frame.BOLD) if text else (BLANK, frame.REGULAR)

    name, number, phone = value(person.name), value(person.id_number), value(person.phone)
    return [
        sheet.text([(w["representative"] + " ", frame.REGULAR), name]),
        sheet.text([(w["representative_id"] + " ", frame.REGULAR), (number[0] + "\u00a0" * 6, number[1]),
                    (w["representative_phone"] + " ", frame.REGULAR), phone]),
    ]


def _documents(sheet: frame.Sheet, dossier: Dossier, w: dict):
    kinds = w["copy_kinds"]
    rows = [[(str(doc.position), "cell-center"), (doc.name, "cell"), (kinds[doc.copy_kind], "cell-center"),
             (f"{doc.quantity:02d}", "cell-center")] for doc in dossier.documents]
    return frame.grid(sheet, [0.08, 0.56, 0.22, 0.14], list(w["document_columns"]), rows)
