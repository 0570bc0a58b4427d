"""Sổ theo dõi hồ sơ (Mẫu 07 of TT 03/2025, Mẫu 06 of TT 01/2018), A4 landscape.

The columns of TT 01/2018 follow forms.md's baseline; those of TT 03/2025 the 2025
ministry decision applying it (forms.md, "What changed in 2025"); neither annex was
readable. TT is the ledger number, which runs from 1 through the calendar year and
across volumes (TT 01/2018 art. 10.2). Hand-overs to the deciding agency are not
recorded by motcua: that column of the 2018 ledger is left for the officer's pen,
as is the citizen's signature ("Ký nhận") in the 2025 one.
"""

from datetime import date, datetime

from counter.dossier import STATUS_LABELS, Dossier
from counter.settings import UnitSettings
from counter.transitions import Status
from printing import frame, wording
from printing.form_sets import Counter, form_name
from printing.layout import Run, paginate
from printing.vietnamese import capitals, long_date, short_date

# The cells of a row, by column, and their widths as fractions of the page width, per form set;
# the columns under "Ngày, tháng, năm" are those from "received" to "returned".
COLUMNS = {
    "tt01-2018": (("number", 0.035), ("code", 0.125), ("procedure", 0.12), ("sets", 0.04), ("applicant", 0.09),
                  ("contact", 0.095), ("agency", 0.075), ("received", 0.065), ("appointment", 0.065),
                  ("to_agency", 0.065), ("result", 0.065), ("returned", 0.065), ("notes", 0.095)),
    "tt03-2025": (("number", 0.04), ("code", 0.13), ("procedure", 0.15), ("applicant", 0.11), ("contact", 0.12),
                  ("agency", 0.09), ("received", 0.07), ("appointment", 0.07), ("returned", 0.07),
                  ("method", 0.07), ("signature", 0.08)),
}


def defaults(form_set: str, counter: Counter) -> dict:
    """The column headings and the lines of the ledger under `form_set`."""
    columns: tuple[str, ...]
    if form_set == "tt03-2025":
        columns = ("STT", "Mã hồ sơ", "Tên TTHC", "Tên tổ chức, cá nhân", "Địa chỉ/SĐT", "Cơ quan chủ trì",
                   "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Phương thức nhận kết quả", "Ký nhận")
        dated = {"apology": "(đã xin lỗi, hẹn lại)",
                 "methods": {"counter": "Trực tiếp", "postal": "Bưu chính công ích"}}
    else:
        columns = ("TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                   "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
                   "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
                   "Trả kết quả cho cá nhân, tổ chức", "Ghi chú")
        dated = {"sets": "01", "apology": "Hẹn lại {date}"}
    return {
        "header": ("{authority}", "{unit}"),
        "volume": "Quyển số: {volume}",
        "period": "Từ {start} đến {end}",
        "columns": columns,
        "dates": "Ngày, tháng, năm",
        **dated,
        "empty": "Không có hồ sơ nào được tiếp nhận trong thời gian này.",
    }


def render(dossiers: list[Dossier], settings: UnitSettings, start: date, end: date) -> bytes:
    """The ledger pages for the dossiers received from `start` to `end`, in ledger order."""
    w = wording.effective(settings, "ledger", defaults)
    sheet = frame.ledger_sheet()
    name = form_name(settings.form_set, "ledger", w["title"])
    columns = COLUMNS[settings.form_set]
    keys = [key for key, _ in columns]
    left = [line.format(authority=capitals(settings.authority), unit=capitals(settings.unit_name))
            for line in w["header"]]
    rows = [[_cells(w, d, settings)[key] for key in keys] for d in dossiers]
    blocks = [
        frame.form_label(sheet, name.label),
        frame.header(sheet, [line for line in left if line], "", "", bold_from=1 if settings.authority else 0),
        frame.title(sheet, name.title),
        sheet.text(w["volume"].format(volume=settings.ledger_volume), "subtitle"),
        sheet.text(w["period"].format(start=long_date(start), end=long_date(end)), "subtitle"),
        sheet.space(0.5),
        frame.grid(sheet, [width for _, width in columns], list(w["columns"]), rows,
                   groups=[(w["dates"], keys.index("received"), keys.index("returned"))]),
    ]
    if not dossiers:
        blocks.append(sheet.text(w["empty"], "subtitle"))
    pages = paginate(blocks, sheet.height)
    return frame.render(sheet, pages, name.title, f"{short_date(start)} - {short_date(end)}", settings.unit_name,
                        page_numbers=True, compress=True)


def _when(moment: datetime | None) -> str:
    return f"{short_date(moment)}\n{moment:%H:%M}" if moment else ""


def _cells(w: dict, dossier: Dossier, settings: UnitSettings) -> dict[str, tuple[str | list[Run], str]]:
    """Every cell a row may have, by column; each set's ledger takes its own columns."""
    contact = ", ".join(part for part in (dossier.address, dossier.phone) if part)
    closed = STATUS_LABELS[dossier.status] if dossier.status in (Status.REJECTED, Status.STOPPED,
                                                                 Status.WAITING_SUPPLEMENT) else ""
    result = dossier.result_at if dossier.status in (Status.RESULT_READY, Status.RETURNED) else None
    appointment = _when(dossier.appointment_at)
    apology = w["apology"].format(date=short_date(dossier.appointment_at)) if dossier.apology_at else ""
    cells: dict[str, tuple[str | list[Run], str]] = {
        "number": (str(dossier.ledger_number), "cell-center"),
        "code": (dossier.code, "cell"),
        "procedure": (dossier.procedure_name, "cell"),
        "applicant": (dossier.applicant_name, "cell"),
        "contact": (contact, "cell"),
        "agency": (settings.unit_name, "cell"),
        "received": (_when(dossier.received_at), "cell-center"),
        "to_agency": ("", "cell-center"),
        "result": (_when(result), "cell-center"),
        "signature": ("", "cell"),
    }
    if settings.form_set == "tt03-2025":  # no notes column: a stop or rejection shows where the return would
        method = dossier.return_channel or ("postal" if dossier.channel == "postal" else "counter")
        cells["appointment"] = ("\n".join(part for part in (appointment, apology) if part), "cell-center")
        cells["returned"] = (_when(dossier.returned_at) or closed, "cell-center")
        cells["method"] = (w["methods"][method], "cell")
    else:
        cells["sets"] = (w["sets"], "cell-center")
        cells["appointment"] = (appointment, "cell-center")
        cells["returned"] = (_when(dossier.returned_at), "cell-center")
        cells["notes"] = ("; ".join(part for part in (closed, apology) if part), "cell")
    return cells
