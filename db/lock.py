"""The database's lock file: who has the unit's database open on this machine.

Every process that opens the database holds `PATH.lock` shared while it is
open; a restore or a start-up recovery needs it exclusively, so it is
refused while motcua (the app, a command, a script) has the database open in
another process. Inside one process all connections share one hold, so the
app's own workers (the big list has its own connection) never block their
own restore: it goes through SQLite's backup API and stays coherent for them.

The first process to open the database finds itself alone (it gets the lock
exclusively for a moment); only then are the leftover temporary files of
killed backups and restores removed, so a backup still being written by
another process is never touched.

POSIX: `fcntl.lockf` over the whole file, shared or exclusive (atomic
conversions; released by the kernel when the process dies). Windows has no
shared file locks (`msvcrt.locking` locks byte ranges exclusively), so a
shared hold is one locked byte among SLOTS bytes and an exclusive hold is
all of them, taken one by one and given back if any is refused; the lock is
released when the handle is closed or the process ends (Windows may take a
moment to release it after a crash). More than SLOTS processes
with the database open at once are not supported on Windows (the next one
waits as if a restore were running). The lock is advisory: it binds motcua,
not a `sqlite3` shell.

Writes (db.connection.write) pass through the hold's gate, which a restore
holds while it takes the safety copy, carries the code reservations over and
copies the backup in: a receipt on another thread of this process is saved
either before (and is in the safety copy) or after (and is in the restored
database), never in between.
"""

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

SLOTS = 64  # Windows only: bytes 1..SLOTS of the lock file, one per process holding it shared
WAIT = 60.0  # seconds a new connection waits for a restore in another process to finish
POLL = 0.05


class LockBusy(Exception):
    """The database is held by another process; the message is Vietnamese."""


def lock_path(database: str | Path) -> Path:
    path = Path(os.path.realpath(database))
    return path.with_name(path.name + ".lock")


class _LockFile(Protocol):
    def try_exclusive(self) -> bool: ...
    def try_shared(self) -> bool: ...
    def upgrade(self) -> bool: ...
    def close(self) -> None: ...


class _PosixFile:
    """A POSIX record lock over the whole lock file (fcntl.lockf). Unlike flock(2), turning a
    shared lock into an exclusive one and back is atomic, and a refused upgrade keeps the shared
    lock, so no other process can slip in between. Record locks belong to the process: this
    module keeps one descriptor per process and never opens the lock file twice."""

    def __init__(self, path: Path):
        import fcntl

        self._fcntl = fcntl
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)

    def _try(self, kind: int) -> bool:
        try:
            self._fcntl.lockf(self.fd, kind | self._fcntl.LOCK_NB)
            return True
        except OSError:  # EAGAIN or EACCES: another process holds it
            return False

    def try_exclusive(self) -> bool:
        return self._try(self._fcntl.LOCK_EX)

    def try_shared(self) -> bool:
        """Also turns this process's exclusive lock into a shared one."""
        return self._try(self._fcntl.LOCK_SH)

    def upgrade(self) -> bool:
        """Shared to exclusive if no other process holds it; refused, the shared lock stays."""
        return self.try_exclusive()

    def close(self) -> None:
        os.close(self.fd)  # releases the lock


class _WindowsFile:
    def __init__(self, path: Path, msvcrt=None):
        if msvcrt is None:
            import msvcrt
        self._msvcrt = msvcrt
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        self.slots: set[int] = set()

    def _lock(self, slot: int) -> bool:
        os.lseek(self.fd, slot, os.SEEK_SET)
        try:
            self._msvcrt.locking(self.fd, self._msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        self.slots.add(slot)
        return True

    def _unlock(self, slot: int) -> None:
        os.lseek(self.fd, slot, os.SEEK_SET)
        self._msvcrt.locking(self.fd, self._msvcrt.LK_UNLCK, 1)
        self.slots.discard(slot)

    def _take_all(self) -> bool:
        taken = [slot for slot in range(1, SLOTS + 1) if slot not in self.slots and self._lock(slot)]
        if len(self.slots) == SLOTS:
            return True
        for slot in taken:
            self._unlock(slot)
        return False

    def try_exclusive(self) -> bool:
        return self._take_all()

    def try_shared(self) -> bool:
        if self.slots:
            keep = min(self.slots)
            for slot in sorted(self.slots - {keep}):
                self._unlock(slot)
            return True
        for slot in random.sample(range(1, SLOTS + 1), SLOTS):
            if self._lock(slot):
                return True
        return False

    def upgrade(self) -> bool:
        return self._take_all()

    def close(self) -> None:
        for slot in sorted(self.slots):
            self._unlock(slot)
        os.close(self.fd)


def _open_file(path: Path) -> _LockFile:
    return _WindowsFile(path) if os.name == "nt" else _PosixFile(path)


def _wait_for(attempt: Callable[[], bool], seconds: float | None = None) -> bool:
    deadline = time.monotonic() + (WAIT if seconds is None else seconds)
    while not attempt():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


class _Entry:
    def __init__(self, path: Path, file: _LockFile, database: Path):
        self.path = path
        self.file = file
        self.database = database
        self.when_last: Callable[[Path], object] | None = None
        self.holders = 0
        self.gate = threading.RLock()
        self.exclusive = threading.Lock()


_registry: dict[Path, _Entry] = {}
_registry_lock = threading.Lock()


class Hold:
    """This process's share of the database lock; `release` when the connection closes."""

    def __init__(self, entry: _Entry):
        self._entry: _Entry | None = entry

    @property
    def gate(self) -> threading.RLock:
        assert self._entry is not None
        return self._entry.gate

    def release(self) -> None:
        entry, self._entry = self._entry, None
        if entry is None:
            return
        with _registry_lock:
            entry.holders -= 1
            if entry.holders == 0:
                try:
                    if entry.when_last is not None and entry.file.upgrade():
                        entry.when_last(entry.database)
                finally:
                    entry.file.close()
                _registry.pop(entry.path, None)

    @contextmanager
    def exclusive(self, refusal: str) -> Iterator[None]:
        """This process alone with the database on this machine, or LockBusy(refusal) at once.
        Other connections of this process go on; take `gate` to hold their writes."""
        entry = self._entry
        assert entry is not None
        with entry.exclusive:
            if not entry.file.upgrade():
                raise LockBusy(refusal)
            try:
                yield
            finally:
                _wait_for(entry.file.try_shared, seconds=float("inf"))


class _PosixFileLock:
    """flock(2): held by the open descriptor, so two threads of one process exclude each other too."""

    def __init__(self, path: Path):
        import fcntl

        self._fcntl = fcntl
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)

    def try_exclusive(self) -> bool:
        try:
            self._fcntl.flock(self.fd, self._fcntl.LOCK_EX | self._fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def close(self) -> None:
        os.close(self.fd)


@contextmanager
def exclusive_file(path: Path) -> Iterator[None]:
    """A short exclusive lock on a small lock file of its own (the backups record), waited for,
    between processes and between threads alike (Windows locks are per handle already)."""
    file = _WindowsFile(path) if os.name == "nt" else _PosixFileLock(path)
    try:
        _wait_for(file.try_exclusive, seconds=float("inf"))
        yield
    finally:
        file.close()


def hold(database: str | Path, when_alone: Callable[[Path], object] | None = None,
         when_last: Callable[[Path], object] | None = None) -> Hold:
    """Hold the database's lock shared for this process (waiting out a restore elsewhere).

    `when_alone(database)` runs first if no other process holds it (the leftover clean-up);
    `when_last(database)` when this process lets go of it last, no other process holding it
    (the clean-close mark, db/clean_close.py)."""
    path = lock_path(database)
    with _registry_lock:
        entry = _registry.get(path)
        if entry is None:
            entry = _Entry(path, _open_file(path), Path(database))
            try:
                if entry.file.try_exclusive():
                    try:
                        if when_alone is not None:
                            when_alone(Path(database))
                    finally:
                        _wait_for(entry.file.try_shared, seconds=float("inf"))
                elif not _wait_for(entry.file.try_shared):
                    raise LockBusy(
                        f"Cơ sở dữ liệu {database} đang được khôi phục bởi một chương trình motcua khác trên máy "
                        "này; hãy đợi xong rồi mở lại."
                    )
            except BaseException:
                entry.file.close()
                raise
            _registry[path] = entry
        if when_last is not None:
            entry.when_last = when_last
        entry.holders += 1
        return Hold(entry)
