"""Opening the unit's SQLite database safely.

WAL journaling, foreign keys and `synchronous=FULL` on every connection, so
a power cut never loses a committed dossier; schema upgrades run before the
database is handed out, and a database written by a newer motcua is refused.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from db import migrations


class DatabaseError(Exception):
    """A database that cannot be used; the message is Vietnamese."""


def open_database(path: str | Path) -> sqlite_utils.Database:
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {path}: {exc}") from exc
    if version > migrations.LATEST:
        conn.close()
        raise DatabaseError(
            f"Cơ sở dữ liệu {path} được tạo bởi phiên bản motcua mới hơn "
            f"(lược đồ {version}, phiên bản này chỉ đọc được đến {migrations.LATEST}). "
            "Hãy cập nhật motcua."
        )
    db = sqlite_utils.Database(conn, execute_plugins=False)
    migrations.upgrade(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return db.conn.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken up front so two workstations never deadlock."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
