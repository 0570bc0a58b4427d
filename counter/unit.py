"""Setting up the unit: its identity, office hours and calendar overrides."""

from datetime import date
from pathlib import Path

from counter import audit, private, sync_log
from counter import settings as unit_settings
from counter.changes import Changes
from counter.clock import check_year
from counter.errors import CounterError
from counter.session import Session
from counter.text import NAME, clean_text
from counter.working_calendar import DayOverride, overrides_csv, parse_overrides_csv
from db import calendar as calendar_table
from db import dossiers as dossier_table
from db import settings as settings_table
from db.connection import write


def configure(session: Session, **changes) -> unit_settings.UnitSettings:
    """Validate and save settings; the unit code cannot change once dossiers carry it."""
    session.require("settings")
    current = session.settings
    result = unit_settings.updated(current, **changes)
    if current.unit_code and result.unit_code != current.unit_code and dossier_table.any_with_unit(session.db, current.unit_code):
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


def import_calendar(session: Session, path: str | Path) -> int:
    session.require("calendar")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CounterError(f"Không đọc được tệp lịch {path}: {exc.strerror}.", f"cannot read {path}") from None
    days = parse_overrides_csv(data)
    for override in days:
        clean_text(override.reason, f"Lý do của ngày {override.day:%d/%m/%Y}", NAME)
        _refuse_official_conflict(session, override.day, override.working)
    with write(session.db):
        calendar_table.upsert(session.db, [(o.day.isoformat(), o.working, o.reason) for o in days])
        for o in days:
            sync_log.unit_change(session, sync_log.CALENDAR, o.day.isoformat(), {"working": o.working, "reason": o.reason})
        audit.log(session, "calendar_imported", str(path), {"days": [o.day.isoformat() for o in days]})
        session.note(Changes(calendar=True))
    session.forget_cached()
    return len(days)


def export_calendar(session: Session, path: str | Path) -> int:
    """The unit's own days as a calendar file; whoever may see the calendar may export it."""
    session.require("view")
    overrides = list(session.calendar.overrides.values())
    private.write_file(path, overrides_csv(overrides))
    return len(overrides)


def set_day(session: Session, day: date, working: bool, reason: str) -> DayOverride:
    session.require("calendar")
    check_year(day, "ngày")
    why = clean_text(reason, "Lý do", NAME) or ("Ngày làm việc" if working else "Ngày nghỉ")
    _refuse_official_conflict(session, day, working)
    with write(session.db):
        calendar_table.upsert(session.db, [(day.isoformat(), working, why)])
        sync_log.unit_change(session, sync_log.CALENDAR, day.isoformat(), {"working": working, "reason": why})
        audit.log(session, "calendar_day_set", day.isoformat(), {"working": working, "reason": why})
        session.note(Changes(calendar=True))
    session.forget_cached()
    return DayOverride(day, working, why)


def unset_day(session: Session, day: date) -> None:
    session.require("calendar")
    with write(session.db):
        if not calendar_table.remove(session.db, day.isoformat()):
            # Raised inside the transaction: nothing, not even the audit row, is written.
            raise CounterError(f"Ngày {day:%d/%m/%Y} không có trong lịch riêng của đơn vị.", "no such override")
        sync_log.unit_change(session, sync_log.CALENDAR, day.isoformat(), None)
        audit.log(session, "calendar_day_unset", day.isoformat())
    session.note(Changes(calendar=True))
    session.forget_cached()


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
