"""The registry of the official forms: for each, its label, its wording, whether it fits a
dossier, and the PDF bytes, for the CLI, the GUI's preview and the printer.

The PDF is the single source: the screen, the file and the paper show the same
bytes (issue 3). A form must fit the dossier's state: no apology for a dossier
that has none, no stop notice for a dossier still being processed, no stop notice
at all under TT 01/2018, which has no such form.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from counter import dossiers, guidance
from counter.dossier import STATUS_LABELS, Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.settings import UnitSettings
from counter.transitions import EventKind, Status
from db import ledger as ledger_table
from printing import apology, control, ledger, receipt, rejection, stop_notice, supplement
from printing.applicant import Applicant, Representative
from printing.form_sets import CIRCULARS, MENU_TITLES
from printing.wording import Defaults


@dataclass(frozen=True)
class Form:
    """One form: `wording(form_set, counter)` gives its default lines under a form set (printing/
    wording.py); `event` is the history entry it prints (the last of that kind), `status` the
    dossier state it needs; `draw(dossier, settings, history, event, session)` makes the bytes
    (`event` is {} for a form that prints no event)."""

    key: str
    wording: Defaults
    draw: Callable[[Dossier, UnitSettings, Sequence[Mapping[str, Any]], dict, Session], bytes]
    event: str | None = None
    status: str | None = None
    missing: str = ""


def _signer(event: dict, session: Session) -> str:
    return event.get("officer") or session.officer


def _receipt(dossier: Dossier, settings: UnitSettings, session: Session) -> bytes:
    """The appointment is marked "(dự kiến)" when a year it counts has no official calendar yet.
    The authorised representative (người được ủy quyền) the dossier records is printed on the 2025
    receipt; without one that line keeps its dots."""
    provisional = session.calendar.provisional_years(dossier.received_at.date(), dossier.appointment_at.date())
    representative = Representative(dossier.representative_name, dossier.representative_id,
                                    dossier.representative_phone)
    return receipt.render(dossier, settings, dossier.officer or session.officer, bool(provisional),
                          representative=representative)


REGISTRY = {form.key: form for form in (
    Form("receipt", receipt.defaults,
         lambda d, s, h, e, session: _receipt(d, s, session)),
    Form("supplement", supplement.defaults,
         lambda d, s, h, e, session: supplement.for_dossier(d, s, e, _signer(e, session)),
         event=EventKind.SUPPLEMENT_REQUESTED, missing="hồ sơ chưa có yêu cầu bổ sung nào"),
    Form("rejection", rejection.defaults,
         lambda d, s, h, e, session: rejection.for_dossier(d, s, e, _signer(e, session)),
         event=EventKind.REJECTED, status=Status.REJECTED, missing="hồ sơ không bị từ chối"),
    Form("apology", apology.defaults,
         lambda d, s, h, e, session: apology.render(d, s, e),
         event=EventKind.APOLOGIZED, missing="hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả"),
    Form("stop", stop_notice.defaults,
         lambda d, s, h, e, session: stop_notice.render(d, s, e, _signer(e, session)),
         event=EventKind.STOPPED, status=Status.STOPPED, missing="hồ sơ không bị dừng giải quyết"),
    Form("control", control.defaults,
         lambda d, s, h, e, session: control.render(d, s, h)),
)}
FORMS = tuple(REGISTRY)
# The wording a unit may correct, by form; the ledger is printed for a period, not a dossier.
WORDINGS: dict[str, Defaults] = {**{key: form.wording for key, form in REGISTRY.items()}, "ledger": ledger.defaults}
# "Giấy tiếp nhận hồ sơ và hẹn trả kết quả": the titles as sentences, for menus and messages, the
# same under both form sets (printing/form_sets.py).
FORM_LABELS = {key: MENU_TITLES[key].capitalize() for key in WORDINGS}


def form_pdf(session: Session, form: str, code: str) -> bytes:
    """The PDF of `form` for the dossier `code`; CounterError if the form does not fit it."""
    session.require("print")
    settings = session.require_unit()
    chosen = REGISTRY.get(form)
    if chosen is None:
        raise CounterError(
            f"Không có biểu mẫu «{form}»; chọn một trong: {', '.join(FORMS)}.", f"unknown form {form!r}"
        )
    if form == "stop" and settings.form_set != "tt03-2025":
        raise CounterError(
            f"{CIRCULARS[settings.form_set]} không có mẫu Thông báo dừng giải quyết hồ sơ; mẫu này chỉ có "
            "trong Thông tư số 03/2025/TT-VPCP (đổi bằng «settings set form_set tt03-2025»).",
            "the TT 01/2018 form set has no stop notice",
        )
    dossier = dossiers.get(session, code)
    history = dossiers.events(session, dossier)
    event = _last(history, chosen.event) if chosen.event else None
    if chosen.event and event is None or chosen.status and dossier.status != chosen.status:
        why = chosen.missing
        if chosen.status:
            why += f" (trạng thái «{STATUS_LABELS[dossier.status]}»)"
        raise CounterError(
            f"Không in được {FORM_LABELS[form]} cho hồ sơ {dossier.code}: {why}.",
            f"the {form} form does not fit dossier {dossier.code}",
        )
    return chosen.draw(dossier, settings, history, event or {}, session)  # {} for a form of no event


def guidance_pdf(session: Session, entry_id: int) -> bytes:
    """The slip of a guidance register entry (counter/guidance.py), with no dossier code: Mẫu 02
    listing what is missing, or Mẫu 03 with the refusal. Its number is the register's."""
    session.require("print")
    settings = session.require_unit()
    entry = guidance.get(session, entry_id)
    person = Applicant(entry.applicant_name, entry.id_number, entry.address, entry.phone)
    if entry.refusal:
        return rejection.render(settings, person, entry.procedure_name, entry.refusal, entry.at, entry.officer)
    return supplement.render(settings, person, entry.procedure_name, entry.missing, entry.at, entry.officer,
                             number=str(entry.id))


def ledger_pdf(session: Session, start: date, end: date, workstation: int | None = None) -> bytes:
    """Sổ theo dõi hồ sơ: the dossiers received from `start` to `end` inclusive, by ledger number; the whole
    unit's counters one after the other, or one counter's volume (`workstation`)."""
    session.require("print")
    settings = session.require_unit()
    if end < start:
        raise CounterError(
            f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}.", "the end date is before the start"
        )
    rows = ledger_table.received_between(
        session.db, datetime.combine(start, time()).isoformat(),
        datetime.combine(end + timedelta(days=1), time()).isoformat(), workstation,
    )
    if workstation:
        settings = replace(settings, ledger_volume=f"{settings.ledger_volume} — Quầy {workstation}")
    return ledger.render([Dossier.from_row(row) for row in rows], settings, start, end)


def _last(history: Sequence[Mapping[str, Any]], kind: str) -> dict | None:
    found = [event for event in history if event["kind"] == kind]
    return dict(found[-1]) if found else None
