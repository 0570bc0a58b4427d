"""Online backups through SQLite's backup API, verified before they count.

Copying an open database file can catch it half-written; the backup API
takes a consistent snapshot even while the counter keeps working. A backup
is written under a temporary name, opened and checked with
`PRAGMA integrity_check`, and only then renamed into place: a file with a
backup's name is a verified backup.
"""

import os
import re
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import sqlite_utils

_NAME = re.compile(r"motcua-(\d{8}-\d{6})(?:-a(\d+))?(?:-([a-z0-9-]+))?\.sqlite3")


class BackupError(Exception):
    """A backup that could not be written or did not verify; Vietnamese message."""


def folder_for(database_path: str | Path) -> Path:
    path = Path(database_path)
    return path.with_name(path.name + "-backups")


def name_for(moment: datetime, mark: int | None, label: str = "") -> str:
    """motcua-YYYYMMDD-HHMMSS[-aN][-label].sqlite3; N is the last audit row it holds."""
    name = f"motcua-{moment:%Y%m%d-%H%M%S}"
    if mark is not None:
        name += f"-a{mark}"
    if label:
        name += f"-{label}"
    return name + ".sqlite3"


def listed(folder: Path) -> list[dict]:
    """The backups in a folder, newest first."""
    found = []
    for path in folder.glob("motcua-*.sqlite3") if folder.is_dir() else []:
        match = _NAME.fullmatch(path.name)
        if match:
            found.append({
                "path": path, "at": datetime.strptime(match[1], "%Y%m%d-%H%M%S"),
                "mark": int(match[2]) if match[2] else None, "label": match[3] or "",
            })
    return sorted(found, key=lambda b: (b["at"], b["path"].name), reverse=True)


def backup_to(conn: sqlite3.Connection, target: str | Path) -> Path:
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        out = sqlite3.connect(str(partial))
        try:
            conn.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
        problems = integrity_problems(partial)
        if problems:
            raise BackupError(f"Bản sao lưu không vượt qua kiểm tra toàn vẹn: {problems[0]}")
        _fsync(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Không ghi được bản sao lưu {target}: {exc}") from exc
    return target


def put_in_place(source: Path, database: Path) -> None:
    """Replace the (closed) database file with a copy of `source`, atomically."""
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(source, partial)
    _fsync(partial)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(partial, database)


def move_aside(database: Path, suffix: str) -> Path:
    """Keep a damaged database (and its WAL) under a new name, never delete it."""
    aside = database.with_name(database.name + suffix)
    for extra in ("-wal", "-shm"):
        companion = database.with_name(database.name + extra)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + extra))
    os.replace(database, aside)
    return aside


def integrity_problems(path: str | Path, quick: bool = False) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` (or only quick_check) find; empty when sound."""
    try:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
        try:
            return _problems(conn, quick)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def codes_changed_after(path: Path, moment: str) -> list[str]:
    """Dossier codes a damaged file shows as changed since `moment`, as far as it can be read."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT code FROM dossiers WHERE updated_at >= ? ORDER BY code", [moment])
            return [row[0] for row in rows]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []


def check(db: sqlite_utils.Database) -> list[str]:
    return _problems(db.conn, quick=False)


def _problems(conn: sqlite3.Connection, quick: bool) -> list[str]:
    rows = [row[0] for row in conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
    problems = [] if rows == ["ok"] else rows
    if quick:
        # The start-up check: the app always writes with foreign keys on, so only a
        # damaged file can break them, and quick_check finds that.
        return problems
    problems += [
        f"khóa ngoại hỏng: bảng {table}, dòng {rowid}, tham chiếu {parent}"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]
    return problems


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
