"""Opening the unit's SQLite database safely.

WAL journaling, foreign keys and `synchronous=FULL` on every connection, so
a power cut never loses a committed dossier; a verified backup is taken
before any schema upgrade, upgrades run before the database is handed out,
and a database written by a newer motcua is refused. WAL needs shared memory
between processes on one machine, which network file systems do not give:
a database on a network share is refused.

Every process that opens the database removes its clean-close mark first; the
last to close it writes the mark again (db/clean_close.py), so the start-up
check runs only after an unclean shutdown.

While a connection is open its process holds the database's lock file
(db/lock.py), so a restore from another process is refused; the first
process to open the database cleans the temporary files of killed backups
and restores. Writes pass the lock's gate, which a restore in this process
holds while it copies the backup in.
"""

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from weakref import WeakKeyDictionary

import sqlite_utils

from db import backup, clean_close, migrations
from db import lock as database_lock

NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs",
                       "ceph", "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs2", "fuse.rclone", "lustre"}


# Actions waiting for the write transaction in progress to commit (`after_commit`).
_waiting: "WeakKeyDictionary[sqlite_utils.Database, list[Callable[[], None]]]" = WeakKeyDictionary()


class DatabaseError(Exception):
    """A database that cannot be used; the message is Vietnamese."""


class WriteFailed(DatabaseError):
    """A write that did not happen; the previous state is intact."""


class Database(sqlite_utils.Database):
    """A connection that carries its process's hold on the database's lock file."""

    lock: database_lock.Hold | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None


def open_database(path: str | Path) -> Database:
    path = Path(path)
    held = None
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        share = network_filesystem(path)
        if share:
            raise DatabaseError(
                f"Không mở cơ sở dữ liệu trên ổ mạng ({share}): {path}. SQLite ở chế độ WAL cần bộ nhớ dùng chung "
                "trên cùng một máy, ổ mạng không đáp ứng được nên dữ liệu có thể hỏng. Hãy để tệp dữ liệu trên ổ "
                "đĩa của máy này và dùng chức năng xuất dữ liệu để chia sẻ."
            )
        try:
            held = database_lock.hold(path, when_alone=backup.clean_leftovers, when_last=clean_close.closed)
            clean_close.opened(path)
        except database_lock.LockBusy as exc:
            raise DatabaseError(str(exc)) from None
        except OSError as exc:
            if held is not None:
                held.release()
            raise DatabaseError(f"Không mở được cơ sở dữ liệu {path}: {exc.strerror or exc}") from exc
    try:
        db = _open(path)
    except BaseException:
        if held is not None:
            held.release()
        raise
    db.lock = held
    return db


def _open(path: Path) -> Database:
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")  # a new motcua database
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {path}: {exc}") from exc
    if version > migrations.LATEST:
        conn.close()
        raise DatabaseError(
            f"Cơ sở dữ liệu {path} được tạo bởi phiên bản motcua mới hơn "
            f"(lược đồ {version}, phiên bản này chỉ đọc được đến {migrations.LATEST}). "
            "Hãy cập nhật motcua."
        )
    if 0 < version < migrations.LATEST:
        folder = backup.folder_for(path)
        try:
            backup.backup_into(conn, folder, backup.name_for(datetime.now(), None, f"before-v{migrations.LATEST}"))
        except backup.BackupError as exc:
            conn.close()
            raise DatabaseError(f"Không nâng cấp cơ sở dữ liệu vì không sao lưu được trước: {exc}") from exc
    db = Database(conn, execute_plugins=False)
    try:
        migrations.upgrade(db)
    except BaseException:
        conn.close()
        raise
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return db.conn.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken up front so two workstations never deadlock.

    A full disk or a read-only file rolls everything back and says so. It passes the gate
    of the database's lock, which a restore in this process holds while it copies in."""
    held = getattr(db, "lock", None)
    with held.gate if held is not None else nullcontext():
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            yield db
            db.conn.execute("COMMIT")
        except BaseException as exc:
            _waiting.pop(db, None)
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            failure = _write_failure(exc)
            if failure:
                raise WriteFailed(failure) from exc
            raise
    for action in _waiting.pop(db, []):
        action()


def after_commit(db: sqlite_utils.Database, action: Callable[[], None]) -> None:
    """Run `action` once the write transaction in progress commits, never if it rolls back;
    at once when no transaction is open."""
    if db.conn.in_transaction:
        _waiting.setdefault(db, []).append(action)
    else:
        action()


def network_filesystem(path: Path, mounts: str | None = None) -> str | None:
    """The file system type if `path` lies on a network share, else None."""
    resolved = str(path.resolve())
    if os.name == "nt":
        return "ổ mạng Windows" if resolved.startswith("\\\\") or _windows_remote(resolved) else None
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text()
        except OSError:
            return None
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind if kind in NETWORK_FILESYSTEMS else None


def _windows_remote(resolved: str) -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    drive_remote = 4
    return ctypes.windll.kernel32.GetDriveTypeW(resolved[:3]) == drive_remote


def _write_failure(exc: BaseException) -> str | None:
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return "Không ghi được vì ổ đĩa đầy. Dữ liệu trước đó vẫn nguyên vẹn; hãy giải phóng dung lượng rồi thử lại."
    if code == sqlite3.SQLITE_READONLY:
        return ("Không ghi được vì cơ sở dữ liệu đang ở chế độ chỉ đọc (ổ đĩa hoặc tệp bị khóa ghi). "
                "Dữ liệu trước đó vẫn nguyên vẹn.")
    if code == sqlite3.SQLITE_IOERR:
        return f"Lỗi đọc/ghi ổ đĩa ({exc}). Dữ liệu trước đó vẫn nguyên vẹn; hãy kiểm tra ổ đĩa."
    return None
