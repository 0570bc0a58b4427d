"""Sổ theo dõi hồ sơ (Mẫu 07 of TT 03/2025, Mẫu 06 of TT 01/2018), A4 landscape.

The columns follow forms.md's baseline (the annex was not readable). TT is the
ledger number, which runs from 1 through the calendar year and across volumes
(TT 01/2018 art. 10.2). Hand-overs to the deciding agency are not recorded by
motcua: that column is left for the officer's pen.
"""

from datetime import date, datetime

from counter.dossier import STATUS_LABELS, Dossier
from counter.settings import UnitSettings
from counter.transitions import Status
from printing import frame, wording
from printing.form_sets import form_name
from printing.layout import paginate
from printing.vietnamese import capitals, long_date, short_date

WORDING = {
    "header": ("{authority}", "{unit}"),
    "volume": "Quyển số: {volume}",
    "period": "Từ {start} đến {end}",
    "columns": ("TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
                "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
                "Trả kết quả cho cá nhân, tổ chức", "Ghi chú"),
    "dates": "Ngày, tháng, năm",
    "sets": "01",
    "apology": "Hẹn lại {date}",
    "empty": "Không có hồ sơ nào được tiếp nhận trong thời gian này.",
}
WIDTHS = [0.035, 0.125, 0.12, 0.04, 0.09, 0.095, 0.075, 0.065, 0.065, 0.065, 0.065, 0.065, 0.095]


def render(dossiers: list[Dossier], settings: UnitSettings, start: date, end: date) -> bytes:
    """The ledger pages for the dossiers received from `start` to `end`, in ledger order."""
    w = wording.effective(settings, "ledger", WORDING)
    sheet = frame.ledger_sheet()
    name = form_name(settings.form_set, "ledger", w["title"])
    left = [line.format(authority=capitals(settings.authority), unit=capitals(settings.unit_name))
            for line in w["header"]]
    blocks = [
        frame.form_label(sheet, name.label),
        frame.header(sheet, [line for line in left if line], "", "", bold_from=1 if settings.authority else 0),
        frame.title(sheet, name.title),
        sheet.text(w["volume"].format(volume=settings.ledger_volume), "subtitle"),
        sheet.text(w["period"].format(start=long_date(start), end=long_date(end)), "subtitle"),
        sheet.space(0.5),
        frame.grid(sheet, WIDTHS, list(w["columns"]), [_row(w, d, settings) for d in dossiers],
                   groups=[(w["dates"], 7, 11)]),
    ]
    if not dossiers:
        blocks.append(sheet.text(w["empty"], "subtitle"))
    pages = paginate(blocks, sheet.height)
    return frame.render(sheet, pages, name.title, f"{short_date(start)} - {short_date(end)}", settings.unit_name,
                        page_numbers=True, compress=True)


def _when(moment: datetime | None) -> str:
    return f"{short_date(moment)}\n{moment:%H:%M}" if moment else ""


def _row(w: dict, dossier: Dossier, settings: UnitSettings) -> list:
    contact = ", ".join(part for part in (dossier.address, dossier.phone) if part)
    notes = []
    if dossier.status in (Status.REJECTED, Status.STOPPED, Status.WAITING_SUPPLEMENT):
        notes.append(STATUS_LABELS[dossier.status])
    if dossier.apology_at:
        notes.append(w["apology"].format(date=short_date(dossier.appointment_at)))
    result = dossier.result_at if dossier.status in (Status.RESULT_READY, Status.RETURNED) else None
    return [
        (str(dossier.ledger_number), "cell-center"),
        (dossier.code, "cell"),
        (dossier.procedure_name, "cell"),
        (w["sets"], "cell-center"),
        (dossier.applicant_name, "cell"),
        (contact, "cell"),
        (settings.unit_name, "cell"),
        (_when(dossier.received_at), "cell-center"),
        (_when(dossier.appointment_at), "cell-center"),
        ("", "cell-center"),
        (_when(result), "cell-center"),
        (_when(dossier.returned_at), "cell-center"),
        ("; ".join(notes), "cell"),
    ]
