"""Checks of the database file on a read-only connection, one table at a time, that give way.

The background check (counter/integrity.py) runs these while the officer is
idle: `PRAGMA quick_check(TABLE)` reads one table and its indexes, the weekly
`integrity_check` (with `foreign_key_check`) the whole file. A read-only
connection never blocks a write; a check pauses while `busy()` and gives up
(Interrupted) after pausing too long, so its read transaction never holds the
WAL back for long.
"""

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

PAUSE_SECONDS = 0.05
LONGEST_PAUSE = 30.0
_EVERY = 20_000  # virtual machine steps between two looks at the officer


class Interrupted(Exception):
    """The check gave way (the officer kept working, or the app closes); run it again later."""


def tables(path: Path) -> list[str]:
    """The tables stored in the file (not the virtual full-text table itself, whose data tables are)."""
    conn = _connect(path)
    try:
        return [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0 ORDER BY name")]
    finally:
        conn.close()


def problems(path: Path, table: str | None, full: bool, busy: Callable[[], bool],
             stopped: Callable[[], bool]) -> list[str]:
    """What a check of `table` (None: the whole file) finds; empty when sound. `full`: the
    integrity_check and foreign keys, else quick_check. Interrupted when it gives way."""
    paused_since: list[float] = []

    def look() -> int:
        while not stopped() and busy():
            if not paused_since:
                paused_since.append(time.monotonic())
            elif time.monotonic() - paused_since[0] > LONGEST_PAUSE:
                return 1
            time.sleep(PAUSE_SECONDS)
        paused_since.clear()
        return int(stopped())

    try:
        conn = _connect(path)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    try:
        conn.set_progress_handler(look, _EVERY)
        pragma = "integrity_check" if full else "quick_check"
        argument = "" if table is None else "(" + quoted(table) + ")"
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}{argument}")]
        found = [] if rows == ["ok"] else rows
        if full:
            found += [f"khóa ngoại hỏng: bảng {child}, dòng {rowid}, tham chiếu {parent}"
                      for child, rowid, parent, _ in conn.execute(f"PRAGMA foreign_key_check{argument}")]
        return found
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise Interrupted() from None
        return [str(exc)]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(Path(os.path.abspath(path)).as_uri() + "?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn
