"""Online backups through SQLite's backup API, verified before they count.

Copying an open database file can catch it half-written; the backup API
takes a consistent snapshot even while the counter keeps working.
"""

import os
import sqlite3
from pathlib import Path

import sqlite_utils


class BackupError(Exception):
    """A backup that could not be written or did not verify; Vietnamese message."""


def backup_to(db: sqlite_utils.Database, target: str | Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        out = sqlite3.connect(str(partial))
        try:
            db.conn.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
        problems = integrity_problems(partial)
        if problems:
            raise BackupError(f"Bản sao lưu không vượt qua kiểm tra toàn vẹn: {problems[0]}")
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Không ghi được bản sao lưu {target}: {exc}") from exc
    return target


def integrity_problems(path: str | Path) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` find; empty when sound."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return _problems(conn)
    finally:
        conn.close()


def check(db: sqlite_utils.Database) -> list[str]:
    return _problems(db.conn)


def _problems(conn: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    problems = [] if rows == ["ok"] else rows
    problems += [
        f"khóa ngoại hỏng: bảng {table}, dòng {rowid}, tham chiếu {parent}"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]
    return problems
