"""Sao lưu: verified backups, made automatically and thinned like Anki's.

Automatic backups go to a folder beside the database: at start-up when the
data changed since the newest one, at every end-of-day export, and before
every schema upgrade (db/connection.py). Thinning keeps every backup of
today, then the newest of each of the last 7 days, of each of the last 8
weeks and of each of the last 12 months; older ones are removed.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

from counter import audit
from counter.changes import Changes
from counter.clock import now
from counter.errors import CounterError
from counter.session import Session
from db import audit as audit_table
from db import backup as backup_db
from db.connection import write

DAILY, WEEKLY, MONTHLY = 7, 8, 12


def folder(session: Session) -> Path:
    return backup_db.folder_for(session.path)


def make(session: Session, target: str | Path | None = None, label: str = "") -> Path:
    """A verified backup, to `target` or into the backups folder (then thinned)."""
    session.require("backup")
    return _make(session, target, label)


def _make(session: Session, target: str | Path | None, label: str) -> Path:
    moment = now()
    mark = audit_table.last_id(session.db)
    path = Path(target) if target else folder(session) / backup_db.name_for(moment, mark, label)
    try:
        made = backup_db.backup_to(session.db.conn, path)
    except backup_db.BackupError as exc:
        raise CounterError(str(exc), "backup failed") from None
    if target is None:
        thin(session, moment)
    session.note(Changes(backups=True))
    return made


def automatic(session: Session, label: str = "auto") -> Path | None:
    """A backup into the folder if anything changed since the newest one.

    The app takes these itself (start-up, end-of-day export), whoever is logged in."""
    newest = next((b for b in backup_db.listed(folder(session)) if b["mark"] is not None), None)
    if newest and newest["mark"] == audit_table.last_id(session.db):
        return None
    return _make(session, None, label)


def listed(session: Session) -> list[dict]:
    return backup_db.listed(folder(session))


def thin(session: Session, moment: datetime) -> list[Path]:
    """Remove the backups the schedule no longer keeps; returns them."""
    backups = backup_db.listed(folder(session))
    keep = to_keep([b["at"] for b in backups], moment)
    removed = []
    for backup in backups:
        if backup["at"] not in keep:
            backup["path"].unlink(missing_ok=True)
            removed.append(backup["path"])
    return removed


def to_keep(times: list[datetime], moment: datetime) -> set[datetime]:
    """Which backup times the schedule keeps: all of today, newest per day, week and month."""
    today = moment.date()
    keep = {t for t in times if t.date() == today}
    newest_per: dict[tuple, datetime] = {}
    for t in sorted(times, reverse=True):
        for bucket in _buckets(t.date(), today):
            newest_per.setdefault(bucket, t)
    return keep | set(newest_per.values())


def _buckets(day: date, today: date) -> list[tuple]:
    found = []
    if timedelta(0) < today - day <= timedelta(days=DAILY):
        found.append(("day", day))
    monday = day - timedelta(days=day.weekday())
    if today - monday < timedelta(weeks=WEEKLY):
        found.append(("week", monday))
    if (today.year - day.year) * 12 + today.month - day.month < MONTHLY:
        found.append(("month", day.year, day.month))
    return found


def restore(session: Session, source: str | Path) -> dict:
    """Put a verified backup in place of the current database (which is backed up first)."""
    session.require("restore")
    source = Path(source)
    if not source.is_file():
        raise CounterError(f"Không tìm thấy tệp sao lưu «{source}».", f"no such file {source}")
    problems = backup_db.integrity_problems(source)
    if problems:
        raise CounterError(f"Tệp «{source}» không phải bản sao lưu toàn vẹn: {problems[0]}", "backup is damaged")
    safety = make(session, label="before-restore")
    session.close()
    backup_db.put_in_place(source, session.path)
    session.reopen()
    session.note(Changes(everything=True))  # from here on the screens show another file's data
    with write(session.db):
        audit.log(session, "restored", str(source), {"safety_backup": str(safety)})
    return {"restored_from": str(source), "previous_saved_as": str(safety)}
