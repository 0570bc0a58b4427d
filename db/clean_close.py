"""The clean-close mark: whether the database needs checking before it opens.

A whole-file `PRAGMA quick_check` grows with the file (seconds on a million
dossiers, half a minute after a reboot), yet it can only find damage that
happened while motcua was not looking after the file. So the last motcua
process to close the database writes `PATH.clean-close` (the file's size and
modification time); every process that opens it removes the mark first. At
start-up the check runs only when it can matter (issue 16):

- no mark: the app did not close cleanly (power cut, killed), or an older
  motcua wrote the file;
- a non-empty `PATH-wal` left behind: SQLite removes it when the last
  connection closes cleanly;
- the file's size or modification time differs from the mark's: something
  else wrote it since;
- a check in the background found damage (counter/integrity.py notes it in
  `PATH.checks.json`).

Otherwise the background check (counter/integrity.py) reads the file table by
table while the officer is idle, and the whole file weekly.

File systems keep modification times to a clock tick, so a write in the same
tick as the close could leave the time as it was: the close therefore sets
the file's modification time one nanosecond before its own, a value no later
write can give it.
"""

import json
import os
from datetime import datetime
from pathlib import Path

from db import durable

_FORMAT = "motcua-clean-close/1"


def mark_path(database: Path) -> Path:
    return database.with_name(database.name + ".clean-close")


def checks_path(database: Path) -> Path:
    """The background check's record (counter/integrity.py): the last full check, damage found."""
    return database.with_name(database.name + ".checks.json")


def opened(database: Path) -> None:
    """A process opens the database: until it closes, the file may change."""
    mark = mark_path(database)
    try:
        mark.unlink()
    except FileNotFoundError:
        return
    durable.fsync_folder(database.parent)


def closed(database: Path) -> None:
    """The last connection on this machine closed: mark the file as closed cleanly, if SQLite
    removed (or emptied) its WAL, the sign that every change reached the database file."""
    wal = database.with_name(database.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return
        found = database.stat()
        moment = found.st_mtime_ns - 1
        os.utime(database, ns=(found.st_atime_ns, moment))
        text = json.dumps({"format": _FORMAT, "size": found.st_size, "mtime_ns": moment,
                           "closed_at": datetime.now().isoformat(timespec="seconds")})
        partial = mark_path(database).with_name(mark_path(database).name + ".partial")
        with open(partial, "w", encoding="utf-8", opener=private_file) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, mark_path(database))
        durable.fsync_folder(database.parent)
    except OSError:
        return  # no mark: the next start checks, which is always safe


def reason_to_check(database: Path) -> str | None:
    """Why the start-up check must run (English, for the log), or None when the file closed cleanly."""
    if damage_noted(database):
        return "the background check found damage"
    wal = database.with_name(database.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return "a non-empty -wal was left behind (unclean shutdown)"
        mark = json.loads(mark_path(database).read_text(encoding="utf-8"))
        found = database.stat()
    except (OSError, ValueError):
        return "no clean-close mark"
    if not isinstance(mark, dict) or mark.get("format") != _FORMAT:
        return "no clean-close mark"
    if (mark.get("size"), mark.get("mtime_ns")) != (found.st_size, found.st_mtime_ns):
        return "the file changed after motcua closed it"
    return None


def damage_noted(database: Path) -> dict | None:
    """What the background check last found damaged (table, problem, check kind), if anything."""
    try:
        record = json.loads(checks_path(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    damaged = record.get("damaged") if isinstance(record, dict) else None
    return damaged if isinstance(damaged, dict) else None


def private_file(path: str, flags: int) -> int:
    """An `open` opener: a file only the officer's own account may read (as the database)."""
    return os.open(path, flags, 0o600)
