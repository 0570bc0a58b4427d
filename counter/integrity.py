"""The background check: the database file read table by table while the officer is idle.

At start-up the file is checked only when it can matter (db/clean_close.py);
otherwise this check reads it during the session, on a read-only connection
that never blocks a save: each table and its indexes with `quick_check`, and
once a week the whole file with `integrity_check` and `foreign_key_check`
(the record `PATH.checks.json` keeps when). It pauses whenever the officer
works. Damage it finds is noted in the same record: the officer is told at
once, the work saved since start-up stays in the file, and the next start
sets the file aside and restores the newest trusted backup as a damaged file
always is (counter/recovery.py), naming the dossiers to enter again.
"""

import json
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from counter.clock import now
from db import clean_close
from db import integrity as checks

FULL_EVERY = timedelta(days=7)
RETRY_SECONDS = 5.0
START_AFTER_SECONDS = 20.0  # the start-up's own work (first page, Today, the backup) goes first


def background_pass(path: Path, busy: Callable[[], bool], stopped: Callable[[], bool],
                    wait: Callable[[float], object] | None = None) -> list[str] | None:
    """One pass over the file: [] when sound, the problems found (noted) when damaged, None when
    the app closed first. The whole file with the full check when the last one is a week old."""
    pause = wait or time.sleep
    moment = now()
    record = _read(path)
    full = _older_than(record.get("full_at"), moment, FULL_EVERY)
    try:
        units: list[str | None] = [None] if full else list(checks.tables(path))
    except Exception as exc:  # an unreadable schema is damage too
        return _noted(path, None, [str(exc)], full)
    for table in units:
        while True:
            if stopped():
                return None
            try:
                found = checks.problems(path, table, full, busy, stopped)
            except checks.Interrupted:
                pause(RETRY_SECONDS)
                continue
            break
        if stopped():
            return None
        if found:
            return _noted(path, table, found, full)
    record = _read(path)
    record["quick_at" if not full else "full_at"] = moment.isoformat(timespec="seconds")
    _write(path, record)
    return []


def forget_damage(path: Path) -> None:
    """The file the note was about is gone (restored) or the full check no longer finds it."""
    record = _read(path)
    if record.pop("damaged", None) is not None:
        _write(path, record)


def message(problems: list[str]) -> str:
    """What the officer is told when the background check finds damage."""
    return ("motcua phát hiện cơ sở dữ liệu có chỗ bị hỏng (" + problems[0] + "). Công việc đã lưu từ lúc mở "
            "máy vẫn nằm trong tệp. Hãy đóng motcua rồi mở lại: tệp hỏng sẽ được giữ lại, dữ liệu được khôi phục "
            "từ bản sao lưu gần nhất và motcua sẽ liệt kê các hồ sơ cần nhập lại.")


def _noted(path: Path, table: str | None, found: list[str], full: bool) -> list[str]:
    record = _read(path)
    record["damaged"] = {"table": table or "", "problem": found[0], "check": "full" if full else "quick",
                         "found_at": now().isoformat(timespec="seconds")}
    _write(path, record)
    return found


def _older_than(stamp: object, moment: datetime, age: timedelta) -> bool:
    try:
        then = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        then = None
    return then is None or not timedelta(0) <= moment - then < age


def _read(path: Path) -> dict:
    try:
        record = json.loads(clean_close.checks_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write(path: Path, record: dict) -> None:
    target = clean_close.checks_path(path)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "w", encoding="utf-8", opener=clean_close.private_file) as handle:
        json.dump(record, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)
