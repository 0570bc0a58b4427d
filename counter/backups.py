"""Sao lưu: verified backups, made automatically and thinned like Anki's; restores that lose nothing.

Backups give way to the officer's work: the copy runs in steps, waits a
moment between steps while the officer works, and stops when the app closes
(`give_way`; nothing is kept and the next start backs up).
Automatic backups go to a folder beside the database: at start-up when the
data changed since the newest one, at every end-of-day export, and before
every schema upgrade (db/connection.py). Each is written into the folder's
record (name, size, SHA-256); only recorded backups count for thinning, for
"changed since the newest one" and for start-up recovery. Thinning keeps
every backup of today, then the newest of each of the last 7 days, of each
of the last 8 weeks and of each of the last 12 months; older ones are
removed, from the folder and the record together.

A restore (issue 9) is refused while motcua has the database open in
another process; it checks a private copy of the file before anything is
touched, saves the current data as a backup, keeps every code already
handed out reserved, and copies the backup INTO the live database, so the
app's other connections go on working on the restored data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from counter import audit, sync_log
from counter.changes import Changes
from counter.clock import now
from counter.errors import CounterError
from counter.session import Session
from db import audit as audit_table
from db import backup as backup_db
from db import sync as sync_table
from db.connection import write
from db.lock import LockBusy
from db.migrations import LATEST

DAILY, WEEKLY, MONTHLY = 7, 8, 12
BUSY = ("Không khôi phục được: cơ sở dữ liệu này đang được mở bởi motcua khác trên máy này (ứng dụng hoặc một "
        "lệnh đang chạy). Hãy đóng motcua trên máy này trước rồi thử lại.")


def folder(session: Session) -> Path:
    return backup_db.folder_for(session.path)


def make(session: Session, target: str | Path | None = None, label: str = "") -> Path:
    """A verified backup, to `target` or into the backups folder (then thinned)."""
    session.require("backup")
    return _make(session, target, label)


def _make(session: Session, target: str | Path | None, label: str) -> Path:
    """Into the folder (recorded, then thinned), or as a new file `target` that must not exist yet."""
    moment = now()
    mark = audit_table.last_id(session.db)
    try:
        if target is not None:
            return backup_db.backup_to(session.db.conn, target)
        made = backup_db.backup_into(session.db.conn, folder(session), backup_db.name_for(moment, mark, label),
                                     _pacing)
    except backup_db.BackupError as exc:
        raise CounterError(str(exc), "backup failed") from None
    thin(session, moment)
    session.note(Changes(backups=True))
    return made


def automatic(session: Session, label: str = "auto") -> Path | None:
    """A backup into the folder if anything changed since the newest one; None also when the app
    closed meanwhile (the copy is discarded, and the next start makes it).

    The app takes these itself (start-up, end-of-day export), whoever is logged in."""
    newest = next((b for b in backup_db.listed(folder(session)) if b["recorded"] and b["mark"] is not None), None)
    if newest and newest["mark"] == audit_table.last_id(session.db):
        return None
    try:
        return _make(session, None, label)
    except backup_db.Cancelled:
        return None


_pacing = backup_db.Pacing()


def give_way(busy: Callable[[], bool], cancelled: Callable[[], bool]) -> None:
    """How this process's backups yield (issue 16): each step of the copy waits a moment while
    `busy()`, and the copy stops, keeping nothing, once `cancelled()` (the app closes)."""
    global _pacing
    _pacing = backup_db.Pacing(busy, cancelled)


def listed(session: Session) -> list[dict]:
    return backup_db.listed(folder(session))


def thin(session: Session, moment: datetime) -> list[Path]:
    """Remove the recorded backups the schedule no longer keeps, file and record line; returns them.

    A file motcua did not record is never its to delete."""
    backups = [b for b in backup_db.listed(folder(session)) if b["recorded"]]
    keep = to_keep([b["at"] for b in backups], moment)
    removed = [b["path"] for b in backups if b["at"] not in keep]
    try:
        backup_db.remove(folder(session), removed)
    except OSError as exc:
        raise CounterError(f"Không dọn được thư mục sao lưu {folder(session)}: {exc.strerror or exc}",
                           "cannot thin the backups folder") from None
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
    found: list[tuple] = []
    if timedelta(0) < today - day <= timedelta(days=DAILY):
        found.append(("day", day))
    monday = day - timedelta(days=day.weekday())
    if today - monday < timedelta(weeks=WEEKLY):
        found.append(("week", monday))
    if (today.year - day.year) * 12 + today.month - day.month < MONTHLY:
        found.append(("month", day.year, day.month))
    return found


@dataclass(frozen=True)
class Restored:
    """A restore done: from where, where the data it replaced was saved, and what to enter again."""

    restored_from: str
    previous_saved_as: str
    schema_version: int
    reservations_kept: int
    only_in_safety_copy: list[str]
    changed_since_backup: list[str]


def restore(session: Session, source: str | Path) -> Restored:
    """Put a checked backup in place of the current data, which is saved as a backup first.

    Refused, with nothing changed, while another process has the database open, and for any
    file that is not a sound motcua database of this unit (db/backup.py inspect). Codes handed
    out before the restore stay reserved; the result names the dossiers that only the safety
    copy holds (to be entered again) and those changed since the backup."""
    session.require("restore")
    source = Path(source)
    unit_code = session.settings.unit_code if session.settings.initialised else None
    held = session.db.lock
    assert held is not None, "a session's database is a file with its lock"
    try:
        with held.exclusive(BUSY):
            staged = backup_db.stage(source, session.path)
            try:
                version = backup_db.inspect(staged, unit_code, source)
                former = sync_table.station(session.db)["ws_id"]
                with held.gate:
                    safety = _make(session, None, "before-restore")
                    backup_db.upgrade_staged(staged, backup_db.page_size(session.db.conn))
                    report = backup_db.copy_in(session.db.conn, staged)
                    session.forget_cached()
                    session.note(Changes(everything=True))  # the screens show another file's data now
                    with write(session.db):
                        # Never again the sequence numbers of the station it was (issue 12).
                        sync_log.take_over(session.db, former, version)
                        audit.log(session, "restored", str(source), {
                            "safety_backup": str(safety), "schema_version": version,
                            "reservations_kept": report["reservations_kept"],
                            "only_in_safety_copy": report["only_in_safety_copy"],
                        })
            finally:
                backup_db.discard(staged)
    except LockBusy as exc:
        raise CounterError(str(exc), "another process has the database open; close motcua there first") from None
    except backup_db.BackupError as exc:
        raise CounterError(str(exc), "this file may not be restored") from None
    return Restored(str(source), str(safety), version, **report)


def restore_summary(result: Restored) -> list[str]:
    """What the officer must know after a restore, one sentence a line (CLI and Backups page)."""
    lines = [f"Đã khôi phục từ {result.restored_from}; dữ liệu trước đó được lưu tại {result.previous_saved_as}."]
    if result.schema_version < LATEST:
        lines.append(f"Bản sao lưu ở lược đồ {result.schema_version} đã được nâng cấp lên lược đồ {LATEST}.")
    if result.only_in_safety_copy:
        lines.append("Các hồ sơ chỉ có trong bản lưu trước khi khôi phục, cần nhập lại: "
                     + ", ".join(result.only_in_safety_copy)
                     + ". Mã của các hồ sơ này vẫn được giữ, không cấp lại cho người khác.")
    if result.changed_since_backup:
        lines.append("Các hồ sơ đã thay đổi sau thời điểm của bản sao lưu, cần cập nhật lại: "
                     + ", ".join(result.changed_since_backup) + ".")
    return lines
