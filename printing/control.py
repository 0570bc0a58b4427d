"""Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06 of TT 03/2025, Mẫu 05 of TT 01/2018).

One row per hand-over of the dossier, from its history: receipt, supplement request
and return, result from the deciding agency, return to the citizen, rejection, stop,
apology. Corrections and scans change no hands and stay out. The result column
judges a step that ends the processing (early / on time / late against the due date).
After them come the hand-overs motcua cannot know (counter → deciding agency, within the agency,
and back), blank to fill by hand as on the paper slip. The slip runs over as many pages as the
history needs.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from counter.dossier import RETURN_CHANNELS, Dossier
from counter.settings import UnitSettings
from counter.transitions import EventKind
from printing import frame, wording
from printing.form_sets import Counter, form_name
from printing.layout import paginate
from printing.vietnamese import capitals, clock, place_date, short_date, short_moment

# Hand-overs inside the deciding agency that motcua does not record, beyond the head's assignment:
# rows left blank, to fill by hand like the paper slip's (forms.md, control slip: "agency head →
# handling officer; …").
BLANK_ROWS = 2
# The columns' widths, as fractions of the text width.
WIDTHS = [0.31, 0.29, 0.15, 0.25]


def defaults(form_set: str, counter: Counter) -> dict:
    """forms.md, control slip; under TT 03/2025 the columns a 2025 ministry decision applying it
    prints (forms.md, "What changed in 2025"), and the one-stop unit as ND 118 names it."""
    if form_set == "tt03-2025":
        columns = ("Tên đơn vị", "Thời gian giao nhận hồ sơ", "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
                   "Ghi chú")
    else:
        columns = ("TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                   "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)", "GHI CHÚ")
    return {
        "header": ("{unit}", *counter.header),
        "code": "Mã hồ sơ:",
        "attached": "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {number}/TNHS)",
        "applicant": "Người nộp hồ sơ:",
        "procedure": "Nội dung yêu cầu giải quyết:",
        "agency": "Cơ quan (bộ phận) giải quyết hồ sơ:",
        "partners": "Cơ quan phối hợp giải quyết hồ sơ:",
        "partners_blank": "……………………………………",
        "columns": columns,
        "hand_over": ("1. Giao: {giver}", "2. Nhận: {taker}"),
        "signatures": "Người giao\u00a0\u00a0\u00a0\u00a0\u00a0Người nhận",
        "counter": f"{counter.name} ({{officer}})",
        "citizen": "Ông/Bà {name}",
        "agency_row": "{unit} (cơ quan giải quyết)",
        "agency_head": "Lãnh đạo {unit}",
        "handler": "Công chức xử lý hồ sơ",
        "blank": "……………………",
        "blank_time": ("…… giờ …… phút", "ngày ……/……/……"),
        "timeliness": {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"},
        "received": "Tiếp nhận hồ sơ; hẹn trả {due}",
        "supplement_requested": "Yêu cầu bổ sung: {reason}",
        "supplement_received": "Nhận hồ sơ đã bổ sung; hẹn trả {due}",
        "result_recorded": "Có kết quả giải quyết",
        "returned": "Trả kết quả ({channel})",
        "rejected": "Từ chối: {reason}",
        "stopped": "Dừng giải quyết: {reason}",
        "apologized": "Xin lỗi, hẹn lại {due}: {reason}",
    }


def render(dossier: Dossier, settings: UnitSettings, events: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows the history records, then the hand-overs it cannot know, blank to fill by hand."""
    w = wording.effective(settings, "control", defaults)
    sheet = frame.slip_sheet(settings)
    name = form_name(settings.form_set, "control", w["title"])
    unit = settings.unit_name
    blocks = frame.top(sheet, name.label, [line.format(unit=capitals(unit)) for line in w["header"]], "",
                       place_date(settings.place, dossier.received_at.date()), name.title)
    rows = [row for event in events if (row := _row(w, dossier, unit, event))]
    rows += _blank_rows(w, unit, with_result=any(event["kind"] == EventKind.RESULT_RECORDED for event in events))
    blocks += [
        sheet.field(w["code"], dossier.code, "center"),
        sheet.text(w["attached"].format(number=dossier.ledger_number), "subtitle"),
        sheet.space(0.3),
        sheet.field(w["applicant"], dossier.applicant_name),
        sheet.field(w["procedure"], dossier.procedure_name),
        sheet.field(w["agency"], unit),
        sheet.text(f"{w['partners']} {w['partners_blank']}"),
        sheet.space(0.3),
        frame.grid(sheet, WIDTHS, list(w["columns"]), rows),
    ]
    return frame.render(sheet, paginate(blocks, sheet.height), name.title, dossier.code, unit)


def _blank_rows(w: dict, unit: str, with_result: bool) -> list[list]:
    """Counter → deciding agency, the agency's head → the officer handling it, `BLANK_ROWS` more
    inside the agency, and the agency → counter unless the history already has the result."""
    counter = w["counter"].format(officer=w["blank"])
    agency = w["agency_row"].format(unit=unit)
    hands = [(counter, agency), (w["agency_head"].format(unit=unit), w["handler"])]
    hands += [(w["blank"], w["blank"])] * BLANK_ROWS
    if not with_result:
        hands.append((agency, counter))
    return [_cells(w, giver, taker, "\n".join(w["blank_time"]), "", "") for giver, taker in hands]


def _cells(w: dict, giver: str, taker: str, when: str, result: str, note: str) -> list:
    return [
        ("\n".join(w["hand_over"]).format(giver=giver, taker=taker), "cell"),
        ([(f"{when}\n", frame.REGULAR), (w["signatures"] + "\n\n\u00a0", frame.ITALIC)], "cell-center"),
        (result, "cell-center"),
        (note, "cell"),
    ]


def _row(w: dict, dossier: Dossier, unit: str, event: Mapping[str, Any]) -> list | None:
    """The hand-over an event records, as a table row in the wording `w`; None for events that hand
    nothing over."""
    kind, detail = event["kind"], event["detail"]
    counter = w["counter"].format(officer=event["officer"])
    citizen = w["citizen"].format(name=dossier.applicant_name)
    agency = w["agency_row"].format(unit=unit)
    reason = detail.get("reason", "")
    due = short_moment(datetime.fromisoformat(detail["due_at"])) if detail.get("due_at") else ""
    hands = {
        EventKind.RECEIVED: (citizen, counter, w["received"].format(due=due)),
        EventKind.SUPPLEMENT_REQUESTED: (counter, citizen, w["supplement_requested"].format(reason=reason)),
        EventKind.SUPPLEMENT_RECEIVED: (citizen, counter, w["supplement_received"].format(due=due)),
        EventKind.RESULT_RECORDED: (agency, counter, w["result_recorded"]),
        EventKind.REJECTED: (counter, citizen, w["rejected"].format(reason=reason)),
        EventKind.STOPPED: (counter, citizen, w["stopped"].format(reason=reason)),
    }
    if kind == EventKind.RETURNED:
        receiver = w["citizen"].format(name=detail.get("to") or dossier.applicant_name)
        hands[kind] = (counter, receiver, w["returned"].format(channel=RETURN_CHANNELS.get(detail.get("channel"), "")))
    elif kind == EventKind.APOLOGIZED:
        new = short_date(datetime.fromisoformat(detail["new_appointment"]))
        hands[kind] = (agency, citizen, w["apologized"].format(due=new, reason=reason))
    if kind not in hands:
        return None
    giver, taker, note = hands[kind]
    at = datetime.fromisoformat(event["at"])
    return _cells(w, giver, taker, f"{clock(at)}\nngày {short_date(at)}", w["timeliness"].get(detail.get("timeliness"),
                                                                                              ""),
                  note)
