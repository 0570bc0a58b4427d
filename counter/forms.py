"""The official forms of a dossier as PDF bytes, for the CLI, the GUI's preview and the printer.

The PDF is the single source: the screen, the file and the paper show the same
bytes (issue 3). A form must fit the dossier's state: no apology for a dossier
that has none, no stop notice for a dossier still being processed, no stop notice
at all under TT 01/2018, which has no such form.
"""

from datetime import date, datetime, time, timedelta
from typing import NoReturn

from counter import dossiers
from counter.dossier import STATUS_LABELS, Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.transitions import EventKind, Status
from db import ledger as ledger_table
from printing import apology, control, ledger, receipt, rejection, stop_notice, supplement
from printing.form_sets import CIRCULARS, TITLES

FORMS = ("receipt", "supplement", "rejection", "apology", "stop", "control")

# "Giấy tiếp nhận hồ sơ và hẹn trả kết quả": the form titles as a sentence, for menus and messages.
FORM_LABELS = {form: TITLES[form].capitalize() for form in (*FORMS, "ledger")}


def form_pdf(session: Session, form: str, code: str) -> bytes:
    """The PDF of `form` for the dossier `code`; CounterError if the form does not fit it."""
    session.require("print")
    settings = session.require_unit()
    if form not in FORMS:
        raise CounterError(
            f"Không có biểu mẫu «{form}»; chọn một trong: {', '.join(FORMS)}.", f"unknown form {form!r}"
        )
    dossier = dossiers.get(session, code)
    history = dossiers.events(session, dossier)
    if form == "receipt":
        return receipt.render(dossier, settings, dossier.officer or session.officer)
    if form == "control":
        return control.render(dossier, settings, history)
    if form == "supplement":
        request = _last(history, EventKind.SUPPLEMENT_REQUESTED)
        if request is None:
            _refuse(dossier, form, "hồ sơ chưa có yêu cầu bổ sung nào")
        return supplement.render(dossier, settings, request, request["officer"] or session.officer)
    if form == "rejection":
        decision = _last(history, EventKind.REJECTED)
        if dossier.status != Status.REJECTED or decision is None:
            _refuse(dossier, form, f"hồ sơ không bị từ chối (trạng thái «{STATUS_LABELS[dossier.status]}»)")
        return rejection.render(dossier, settings, decision, decision["officer"] or session.officer)
    if form == "apology":
        letter = _last(history, EventKind.APOLOGIZED)
        if dossier.apology_at is None or letter is None:
            _refuse(dossier, form, "hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả")
        return apology.render(dossier, settings, letter)
    if settings.form_set != "tt03-2025":
        raise CounterError(
            f"{CIRCULARS[settings.form_set]} không có mẫu Thông báo dừng giải quyết hồ sơ; mẫu này chỉ có "
            "trong Thông tư số 03/2025/TT-VPCP (đổi bằng «settings set form_set tt03-2025»).",
            "the TT 01/2018 form set has no stop notice",
        )
    stop = _last(history, EventKind.STOPPED)
    if dossier.status != Status.STOPPED or stop is None:
        _refuse(dossier, form, f"hồ sơ không bị dừng giải quyết (trạng thái «{STATUS_LABELS[dossier.status]}»)")
    return stop_notice.render(dossier, settings, stop, stop["officer"] or session.officer)


def ledger_pdf(session: Session, start: date, end: date) -> bytes:
    """Sổ theo dõi hồ sơ: the dossiers received from `start` to `end` inclusive, by ledger number."""
    session.require("print")
    settings = session.require_unit()
    if end < start:
        raise CounterError(
            f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}.", "the end date is before the start"
        )
    rows = ledger_table.received_between(
        session.db, datetime.combine(start, time()).isoformat(),
        datetime.combine(end + timedelta(days=1), time()).isoformat(),
    )
    return ledger.render([Dossier.from_row(row) for row in rows], settings, start, end)


def _last(history: list[dict], kind: str) -> dict | None:
    found = [event for event in history if event["kind"] == kind]
    return found[-1] if found else None


def _refuse(dossier: Dossier, form: str, why: str) -> NoReturn:
    raise CounterError(
        f"Không in được {FORM_LABELS[form]} cho hồ sơ {dossier.code}: {why}.",
        f"the {form} form does not fit dossier {dossier.code}",
    )
