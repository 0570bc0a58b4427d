"""Setting up the unit: its identity, office hours and calendar overrides.

A calendar change (a day set, unset or imported) counts again the working days of every open
dossier whose counted days it touches, in the same transaction (issue 11 §1): each such dossier
gets a `due_recomputed` event carrying its old and new clock start, due date and appointment,
so its history explains the new date and replay gives the row. The appointment follows the due
date unless an apology already set a new one (ND 61/2018 art. 19: the apology's date is the
citizen's appointment). Closed dossiers (a result, a rejection, a stop) keep their judgement.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from counter import audit, dossiers, private, sync_log
from counter import settings as unit_settings
from counter.catalogue import procedure
from counter.changes import Changes
from counter.clock import check_year, from_iso, iso, now
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import NAME, clean_text
from counter.transitions import CLOCK_STARTS, OPEN, EventKind
from counter.working_calendar import DayOverride, overrides_csv, parse_overrides_csv
from db import calendar as calendar_table
from db import dossiers as dossier_table
from db import settings as settings_table
from db.connection import write


@dataclass(frozen=True)
class CalendarChange:
    """What a calendar change did: the days written (or removed) and the open dossiers whose due
    date moved ({"code", "old_due_at", "new_due_at", "old_appointment_at", "new_appointment_at",
    "provisional"})."""

    days: int
    override: DayOverride | None = None
    changed: list[dict] = field(default_factory=list)


def configure(session: Session, **changes) -> unit_settings.UnitSettings:
    """Validate and save settings; the unit code cannot change once dossiers carry it."""
    session.require("settings")
    current = session.settings
    result = unit_settings.updated(current, **changes)
    renamed = current.unit_code and result.unit_code != current.unit_code
    if renamed and dossier_table.any_with_unit(session.db, current.unit_code):
        raise CounterError(
            f"Đơn vị đã có hồ sơ mang mã {current.unit_code}; không thể đổi mã định danh đơn vị.",
            "the unit code cannot change once dossiers exist",
        )
    before, after = unit_settings.to_stored(current), unit_settings.to_stored(result)
    # Only what changed is written: what another counter changed meanwhile stays (issue 12).
    changed = {key: value for key, value in after.items() if before.get(key) != value}
    with write(session.db):
        settings_table.save(session.db, changed)
        for key, value in changed.items():
            if unit_settings.unit_wide(key):
                sync_log.unit_change(session, sync_log.SETTING, key, value)
        audit.log(session, "settings_changed", "settings", {k: getattr(result, k) for k in changes})
        session.note(Changes(settings=True))
    session.forget_cached()
    return session.settings


def import_calendar(session: Session, path: str | Path) -> CalendarChange:
    session.require("calendar")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CounterError(f"Không đọc được tệp lịch {path}: {exc.strerror}.", f"cannot read {path}") from None
    days = parse_overrides_csv(data)
    for override in days:
        clean_text(override.reason, f"Lý do của ngày {override.day:%d/%m/%Y}", NAME)
        _refuse_official_conflict(session, override.day, override.working)
    with _calendar_write(session):
        calendar_table.upsert(session.db, [(o.day.isoformat(), o.working, o.reason) for o in days])
        for o in days:
            sync_log.unit_change(session, sync_log.CALENDAR, o.day.isoformat(), {"working": o.working,
                                                                                 "reason": o.reason})
        changed = _recompute(session, {o.day for o in days})
        audit.log(session, "calendar_imported", str(path), {"days": [o.day.isoformat() for o in days],
                                                             "recomputed": [c["code"] for c in changed]})
        session.note(Changes(calendar=True))
    return CalendarChange(len(days), changed=changed)


def export_calendar(session: Session, path: str | Path) -> int:
    """The unit's own days as a calendar file; whoever may see the calendar may export it."""
    session.require("view")
    overrides = list(session.calendar.overrides.values())
    private.write_file(path, overrides_csv(overrides))
    return len(overrides)


def set_day(session: Session, day: date, working: bool, reason: str) -> CalendarChange:
    session.require("calendar")
    check_year(day, "ngày")
    why = clean_text(reason, "Lý do", NAME) or ("Ngày làm việc" if working else "Ngày nghỉ")
    _refuse_official_conflict(session, day, working)
    with _calendar_write(session):
        calendar_table.upsert(session.db, [(day.isoformat(), working, why)])
        sync_log.unit_change(session, sync_log.CALENDAR, day.isoformat(), {"working": working, "reason": why})
        changed = _recompute(session, {day})
        audit.log(session, "calendar_day_set", day.isoformat(), {"working": working, "reason": why,
                                                                 "recomputed": [c["code"] for c in changed]})
        session.note(Changes(calendar=True))
    return CalendarChange(1, DayOverride(day, working, why), changed)


def unset_day(session: Session, day: date) -> CalendarChange:
    session.require("calendar")
    with _calendar_write(session):
        if not calendar_table.remove(session.db, day.isoformat()):
            # Raised inside the transaction: nothing, not even the audit row, is written.
            raise CounterError(f"Ngày {day:%d/%m/%Y} không có trong lịch riêng của đơn vị.", "no such override")
        sync_log.unit_change(session, sync_log.CALENDAR, day.isoformat(), None)
        changed = _recompute(session, {day})
        audit.log(session, "calendar_day_unset", day.isoformat(), {"recomputed": [c["code"] for c in changed]})
        session.note(Changes(calendar=True))
    return CalendarChange(1, changed=changed)


@contextmanager
def _calendar_write(session: Session) -> Iterator[None]:
    """One write transaction for the calendar and the due dates it moves; the cached calendar is
    dropped whatever happens (inside, it was read with the uncommitted change)."""
    try:
        with write(session.db):
            yield
    finally:
        session.forget_cached()


def recompute_due_dates(session: Session, days: set[date]) -> list[dict]:
    """A calendar change another counter made, just applied here by the unit sync (issue 12): the open
    dossiers this counter holds are counted again too (that counter could not see them all). Inside the
    caller's write transaction."""
    return _recompute(session, days)


def _recompute(session: Session, days: set[date]) -> list[dict]:
    """Count again the open dossiers whose counted days (from the last clock start to the due
    day) include one of `days`; record a `due_recomputed` event for each whose dates moved."""
    if not days:
        return []
    session.forget_cached()  # the calendar as this transaction changed it
    calendar, settings, stamp = session.calendar, session.settings, now()
    first, last = min(days), max(days)
    changed = []
    for dossier in dossiers.many(session, dossier_table.ids_in_status(session.db, sorted(OPEN))):
        started = from_iso(dossier_table.last_event_at(session.db, dossier.id, CLOCK_STARTS)) or dossier.received_at
        if last < started.date() or first > dossier.due_at.date() or not any(
                started.date() <= day <= dossier.due_at.date() for day in days):
            continue
        rules = TimeRules.of(settings, procedure(session, dossier.procedure_code).cutoff)
        due = due_date(started, dossier.days, calendar, rules)
        if due.due_at == dossier.due_at and due.clock_start == dossier.clock_start_at:
            continue
        appointment = dossier.appointment_at if dossier.apology_at is not None else due.due_at
        dossiers.record(session, dossier, stamp, EventKind.DUE_RECOMPUTED, {
            "old_clock_start_at": iso(dossier.clock_start_at), "clock_start_at": iso(due.clock_start),
            "old_due_at": iso(dossier.due_at), "due_at": iso(due.due_at),
            "old_appointment_at": iso(dossier.appointment_at), "appointment_at": iso(appointment),
            "days": sorted(day.isoformat() for day in days if started.date() <= day <= dossier.due_at.date()),
        })
        changed.append({"code": dossier.code, "old_due_at": iso(dossier.due_at), "new_due_at": iso(due.due_at),
                        "old_appointment_at": iso(dossier.appointment_at), "new_appointment_at": iso(appointment),
                        "provisional": due.provisional})
    return changed


def _refuse_official_conflict(session: Session, day: date, working: bool) -> None:
    """The official schedule wins over the unit's days (issue 11): a contradicting day is refused."""
    official = session.calendar.official_conflict(day, working)
    if official:
        kind = "ngày làm việc" if official.working else "ngày nghỉ"
        raise CounterError(
            f"Ngày {day:%d/%m/%Y} là {kind} theo lịch chính thức ({official.text}); "
            "lịch riêng của đơn vị không đổi được ngày này.",
            f"{day} is fixed by the official calendar",
        )
