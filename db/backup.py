"""Backups and restores through SQLite's backup API, each checked before it counts.

Copying an open database file can catch it half-written; the backup API
takes a consistent snapshot even while the counter keeps working. A backup
is written under a temporary name, step by step (between steps it waits a
moment while the officer works, and it stops when the app closes: issue 16), opened and
checked, and only then renamed into place. A backup made
into the backups folder is then written into the folder's record
(`motcua-backups.json`: name, size, SHA-256, time, the check it passed), rewritten atomically:
start-up recovery trusts only the backups in it, since the database, the
other place such a list could live, is the very thing that is damaged then.

The check of each copy ("structure" in the record; "quick" in older records
meant `quick_check` of the whole copy, which at a million dossiers took as
long as the copy itself) costs little beyond the SHA-256 the record needs
anyway, which reads every byte (the copy is readable). Then it reads a few
pages (0.06 s at a million): the header, page size × page count = the
file's size, the freelist trunk by trunk, application_id and schema version,
exactly motcua's schema, the newest audit row equal to the snapshot's, and
`quick_check` of every table whose b-trees are a root and one level of
leaves (settings, catalogue, accounts; all of a small unit's tables). The
backup API copies pages as they are, so a page damaged in a big table
(dossiers, events, documents, the search index) comes from the source, which
the background check reads table by table (counter/integrity.py). It is
left to the full `integrity_check` and foreign keys, which the first copy
of every week gets and which every restore and start-up recovery runs
before using a backup (inspect); recovery then takes the next trusted one.

A restore copies the candidate under a temporary name next to the database,
checks the copy (it is a SQLite file with motcua's application_id, a known
schema version, exactly the schema motcua's migrations make for that version,
the unit's code, an unbroken audit chain, and it passes `integrity_check`),
upgrades it, carries the current code reservations into it, and only then
copies it INTO the live database with the backup API, so the WAL and the
locks of every other connection stay coherent. The database file and its
`-wal`/`-shm` are never renamed or removed under a live connection.
"""

import functools
import hashlib
import json
import os
import re
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TypedDict

import sqlite_utils

from db import audit, durable, integrity, lock, migrations

_NAME = re.compile(r"motcua-(\d{8}-\d{6})(?:-a(\d+))?(?:-([a-z0-9-]+))?\.sqlite3")
MANIFEST = "motcua-backups.json"
_MANIFEST_FORMAT = "motcua-backups/1"
_SHA256 = re.compile(r"[0-9a-f]{64}")
HEADER = b"SQLite format 3\x00"
# Temporary names this module writes, and so may remove at start-up when no other process is at work.
_FOLDER_LEFTOVERS = ("motcua-*.partial", "motcua-*.partial-journal", "motcua-*.partial-wal", "motcua-*.partial-shm")
_DATABASE_LEFTOVERS = (".restoring", ".restoring-journal", ".restoring-wal", ".restoring-shm")


class BackupError(Exception):
    """A backup that could not be written, or a file that may not be restored; Vietnamese message."""


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


# --- the folder and its record -------------------------------------------------------------------

def listed(folder: Path) -> list[dict]:
    """The backups in a folder, newest first; `recorded` when the record has it at this size."""
    record = _read_record(folder)
    found = []
    for path in folder.glob("motcua-*.sqlite3") if folder.is_dir() else []:
        match = _NAME.fullmatch(path.name)
        if not match or not path.is_file() or path.is_symlink():
            continue
        entry = record.get(path.name)
        found.append({
            "path": path, "at": datetime.strptime(match[1], "%Y%m%d-%H%M%S"),
            "mark": int(match[2]) if match[2] else None, "label": match[3] or "",
            "recorded": entry is not None and entry["size"] == path.stat().st_size,
        })
    return sorted(found, key=lambda b: (b["at"], b["path"].name), reverse=True)


def trusted(folder: Path, moment: datetime) -> Iterator[dict]:
    """The backups start-up recovery may use, newest first: in the record with the same size and
    SHA-256, and not dated after `moment` (a planted motcua-29991231-235959.sqlite3 is not)."""
    record = _read_record(folder)
    for backup in listed(folder):
        if backup["recorded"] and backup["at"] <= moment and sha256_of(backup["path"]) == \
                record[backup["path"].name]["sha256"]:
            yield backup


def record(folder: Path, path: Path, sha256: str | None = None, check: str = "full") -> None:
    """Write a backup just made into the folder's record, with the check its copy passed."""
    entry = {"name": path.name, "size": path.stat().st_size, "sha256": sha256 or sha256_of(path),
             "made_at": datetime.now().isoformat(timespec="seconds"), "check": check}
    with _changing_record(folder) as entries:
        entries[path.name] = entry


def remove(folder: Path, paths: list[Path]) -> None:
    """Delete backups and their lines in the record (thinning), and lines whose file is gone."""
    with _changing_record(folder) as entries:
        for path in paths:
            path.unlink(missing_ok=True)
            entries.pop(path.name, None)
        for name in [n for n in entries if not (folder / n).is_file()]:
            del entries[name]


def sha256_of(path: Path, pacing: "Pacing | None" = None) -> str:
    """Read in large blocks into one buffer, so OpenSSL's SHA-256 runs at memory speed. With
    `pacing`, like a step of the copy: a moment's wait after each block while the officer
    works, and Cancelled once the app closes."""
    digest = hashlib.sha256()
    buffer = bytearray(STEP_PAGES * 4096)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            digest.update(view[:read])
            if pacing is not None:
                if pacing.cancelled():
                    raise Cancelled()
                if pacing.busy():
                    time.sleep(YIELD_SECONDS)
    return digest.hexdigest()


def _read_record(folder: Path) -> dict[str, dict]:
    """The record's lines by name; an unreadable record trusts nothing."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _MANIFEST_FORMAT \
            or not isinstance(data.get("backups"), list):
        return {}
    entries = {}
    for entry in data["backups"]:
        if (isinstance(entry, dict) and isinstance(entry.get("name"), str) and _NAME.fullmatch(entry["name"])
                and type(entry.get("size")) is int and isinstance(entry.get("sha256"), str)
                and _SHA256.fullmatch(entry["sha256"])):
            entries[entry["name"]] = entry
    return entries


@contextmanager
def _changing_record(folder: Path) -> Iterator[dict[str, dict]]:
    folder.mkdir(parents=True, exist_ok=True)
    with lock.exclusive_file(folder / "motcua-backups.lock"):
        entries = _read_record(folder)
        yield entries
        text = json.dumps({"format": _MANIFEST_FORMAT, "backups": [entries[n] for n in sorted(entries)]},
                          ensure_ascii=False, indent=1)
        fd, partial = tempfile.mkstemp(prefix=MANIFEST + ".", suffix=".partial", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            durable.replace(partial, folder / MANIFEST)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        durable.fsync_folder(folder)


# --- making backups ------------------------------------------------------------------------------

def backup_into(conn: sqlite3.Connection, folder: Path, name: str, pacing: "Pacing | None" = None) -> Path:
    """A verified backup into the backups folder, written into its record with the check it passed:
    the structure check for each copy ("structure"), with the full `integrity_check` and foreign
    keys once a week ("full")."""
    target = folder / name
    partial: Path | None = None
    full = full_check_due(folder, datetime.now())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = _temporary(folder, name)
        digest = _write_verified(conn, partial, full, pacing or Pacing())
        os.replace(partial, target)
        durable.fsync_folder(folder)
        record(folder, target, digest, "full" if full else "structure")
    except (OSError, sqlite3.Error) as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise BackupError(f"Không ghi được bản sao lưu {target}: {exc}") from exc
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    return target


def full_check_due(folder: Path, moment: datetime) -> bool:
    """Whether the next backup gets the full check: none recorded in the last FULL_CHECK_EVERY passed it."""
    for entry in _read_record(folder).values():
        try:
            made = datetime.fromisoformat(entry.get("made_at", ""))
        except (TypeError, ValueError):
            continue
        if entry.get("check") == "full" and timedelta(0) <= moment - made < FULL_CHECK_EVERY \
                and (folder / entry["name"]).is_file():
            return False
    return True


def backup_to(conn: sqlite3.Connection, target: str | Path) -> Path:
    """A verified backup as a NEW file `target`: an existing file, folder, link or device is refused."""
    target = Path(target)
    refusal = _occupied(target)
    if refusal:
        raise BackupError(refusal)
    partial: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = _temporary(target.parent, "." + target.name)
        _write_verified(conn, partial, True, Pacing())
        _place_new(partial, target)
        durable.fsync_folder(target.parent)
    except FileExistsError:
        raise BackupError(_occupied(target) or f"Tệp «{target}» đã có; không ghi đè.") from None
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Không ghi được bản sao lưu {target}: {exc}") from exc
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    return target


def _occupied(target: Path) -> str | None:
    """Why `target` may not receive a backup, or None when nothing is there."""
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"Không ghi được bản sao lưu vào «{target}»: {exc.strerror or exc}."
    if stat.S_ISLNK(found.st_mode):
        return f"«{target}» là một liên kết (symlink); motcua không ghi bản sao lưu qua liên kết. Hãy chọn tên tệp mới."
    if stat.S_ISDIR(found.st_mode):
        return f"«{target}» là một thư mục; hãy ghi rõ tên tệp mới, ví dụ {target / 'motcua-sao-luu.sqlite3'}."
    if stat.S_ISREG(found.st_mode):
        return f"Tệp «{target}» đã có; motcua không ghi đè lên tệp có sẵn. Hãy chọn tên tệp mới."
    return f"«{target}» không phải tệp thường (thiết bị, ống dẫn hoặc socket); motcua không ghi vào đó."


def _place_new(partial: Path, target: Path) -> None:
    """Give the finished file its name without ever replacing a file that appeared meanwhile."""
    try:
        os.link(partial, target)  # fails with FileExistsError if anything is there
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this file system (FAT on a USB stick): Windows' rename refuses an
        # existing target by itself; elsewhere look once more just before.
        if os.name != "nt" and os.path.lexists(target):
            raise FileExistsError(str(target)) from None
        os.rename(partial, target)


def _temporary(folder: Path, name: str) -> Path:
    fd, partial = tempfile.mkstemp(prefix=name + ".", suffix=".partial", dir=folder)
    os.close(fd)
    return Path(partial)


@dataclass(frozen=True)
class Pacing:
    """How a backup gives way: `busy()` while the officer works (each step of the copy then waits
    a moment), `cancelled()` once the app closes (the copy stops, nothing is kept)."""

    busy: Callable[[], bool] = lambda: False
    cancelled: Callable[[], bool] = lambda: False


class Cancelled(Exception):
    """The backup was given up (the app is closing): nothing was kept; the next start tries again."""


# One step of the copy: 16 MB of 4 KiB pages; between steps a write of the officer goes first.
# While the officer works each step waits 0.3 s: the copy's writes then leave the disk to the
# receipts' fsyncs (at 1M, receive p95 during a backup 1.92x quiet with 0.02 s, 1.38x with
# 0.1 s, 1.10x with 0.3 s; search 1.51x, 1.10x, 1.00x). An idle counter's backup does not wait.
STEP_PAGES = 4096
YIELD_SECONDS = 0.3
# The weekly full check of a copy works this long between two such waits (about a step's time).
CHECK_WORK_SECONDS = 0.05
CHECK_EVERY = 20_000  # virtual machine steps between two looks at the clock
FULL_CHECK_EVERY = timedelta(days=7)


def _write_verified(conn: sqlite3.Connection, partial: Path, full: bool, pacing: Pacing) -> str:
    """Copy a snapshot into `partial` step by step, giving way between steps while the officer
    works; hash it and check its structure (and, when `full`, integrity and foreign keys: on two
    threads at once). The SHA-256 of the checked copy. (A lower CPU priority was tried: on a
    machine busy with other programs it made the backup ten times slower; waiting between steps
    yields to the officer without that.)"""
    def step(_status: int, _remaining: int, _total: int) -> None:
        if pacing.cancelled():
            raise Cancelled()
        if pacing.busy():
            time.sleep(YIELD_SECONDS)

    def copy() -> tuple | None:
        out = sqlite3.connect(str(partial))
        # Copied in steps, the source must stay one snapshot: a write of another connection in
        # between would restart the copy. A read transaction held across the steps keeps it.
        began = not conn.in_transaction
        try:
            if began:
                conn.execute("BEGIN")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            newest = _newest_audit(conn)
            conn.backup(out, pages=STEP_PAGES, progress=step)
            out.execute("PRAGMA journal_mode = DELETE")
            return newest
        finally:
            if began and conn.in_transaction:
                conn.execute("COMMIT")
            out.close()

    newest = copy()
    _fsync(partial)
    with ThreadPoolExecutor(max_workers=1) as hashing:
        digest = hashing.submit(sha256_of, partial, pacing)
        problems = copy_problems(partial, newest)
        if full and not problems:
            problems = integrity_problems(partial, quick=False, pacing=pacing)
        found = digest.result()
    if pacing.cancelled():
        raise Cancelled()
    if problems:
        raise BackupError(f"Bản sao lưu không vượt qua kiểm tra toàn vẹn: {problems[0]}")
    return found


def _newest_audit(conn: sqlite3.Connection) -> tuple | None:
    """The newest audit row of the main database (None before schema 3 had the audit trail)."""
    if not conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone():
        return None
    row = conn.execute("SELECT * FROM main.audit ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else tuple(row)


def copy_problems(path: Path, newest: tuple | None) -> list[str]:
    """The check of each copy, reading few pages (the module's docstring says which, and why);
    `newest` is the snapshot's newest audit row. Empty when the copy passes."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
            if len(header) < 100 or not header.startswith(HEADER):
                return ["không phải tệp cơ sở dữ liệu SQLite"]
            size_of_page = int.from_bytes(header[16:18], "big")
            size_of_page = 65536 if size_of_page == 1 else size_of_page
            pages = int.from_bytes(header[28:32], "big")
            if size_of_page < 512 or size_of_page & (size_of_page - 1) or header[24:28] != header[92:96]:
                return ["phần đầu tệp hỏng (cỡ trang, số trang)"]
            if pages * size_of_page != size:
                return [f"tệp dài {size} byte, phần đầu ghi {pages} trang × {size_of_page} byte"]

            def page(number: int) -> bytes:
                handle.seek((number - 1) * size_of_page)
                return handle.read(size_of_page)

            wrong = _freelist_problem(page, header, pages, size_of_page - header[20])
            if wrong:
                return [wrong]
            conn = sqlite3.connect(_read_only(path), uri=True)
            try:
                conn.execute("PRAGMA trusted_schema = OFF")
                return _opened_problems(conn, header, pages, newest, page)
            finally:
                conn.close()
    except BackupError as exc:
        return [str(exc)]
    except (OSError, sqlite3.DatabaseError) as exc:
        return [str(exc)]


def _freelist_problem(page: Callable[[int], bytes], header: bytes, pages: int, usable: int) -> str | None:
    """Walk the freelist's trunk pages: every page number in the file, the count the header says."""
    trunk, expected = int.from_bytes(header[32:36], "big"), int.from_bytes(header[36:40], "big")
    seen = 0
    while trunk and seen <= expected:
        data = page(trunk) if 2 <= trunk <= pages else b""
        leaves = int.from_bytes(data[4:8], "big") if len(data) >= 8 else -1
        if not 0 <= leaves <= usable // 4 - 2:
            return f"danh sách trang trống hỏng ở trang {trunk}"
        numbers = [int.from_bytes(data[i:i + 4], "big") for i in range(8, 8 + 4 * leaves, 4)]
        if any(not 2 <= n <= pages for n in numbers):
            return f"danh sách trang trống hỏng ở trang {trunk}"
        seen += 1 + leaves
        trunk = int.from_bytes(data[:4], "big")
    if seen != expected:
        return f"danh sách trang trống có {seen} trang, phần đầu tệp ghi {expected}"
    return None


def _opened_problems(conn: sqlite3.Connection, header: bytes, pages: int, newest: tuple | None,
                     page: Callable[[int], bytes]) -> list[str]:
    version = int.from_bytes(header[60:64], "big", signed=True)
    application = int.from_bytes(header[68:72], "big", signed=True)
    _known("Bản sao", version, application)
    found = (conn.execute("PRAGMA page_count").fetchone()[0], conn.execute("PRAGMA freelist_count").fetchone()[0],
             conn.execute("PRAGMA user_version").fetchone()[0], conn.execute("PRAGMA application_id").fetchone()[0])
    if found != (pages, int.from_bytes(header[36:40], "big"), version, application):
        return ["phần đầu tệp không khớp với nội dung"]
    difference = schema_difference(conn, version)
    if difference:
        return [f"lược đồ dữ liệu không đúng của motcua ({difference})"]
    if _newest_audit(conn) != newest:
        return ["dòng nhật ký mới nhất khác với dữ liệu được sao"]
    problems = []
    for table in _small_tables(conn, page):
        rows = [row[0] for row in conn.execute(f"PRAGMA quick_check({integrity.quoted(table)})")]
        problems += [] if rows == ["ok"] else rows
    return problems


def _small_tables(conn: sqlite3.Connection, page: Callable[[int], bytes]) -> list[str]:
    """The tables (the schema's own among them) whose every b-tree is a root page and at most one
    level of leaves: a few hundred pages at most, so `quick_check(table)` of each costs little.
    A root page that is no b-tree page at all counts as small: its check names the damage."""
    roots: dict[str, list[int]] = {"sqlite_master": [1]}
    for table, root in conn.execute("SELECT tbl_name, rootpage FROM sqlite_master WHERE rootpage > 0"):
        roots.setdefault(table, []).append(root)
    return sorted(table for table, numbers in roots.items() if all(_shallow(page, n) for n in numbers))


def _shallow(page: Callable[[int], bytes], number: int) -> bool:
    """Whether the b-tree rooted at page `number` has leaves right below its root (a b-tree's
    leaves all lie at one depth: its first child tells)."""
    data = page(number)
    start = 100 if number == 1 else 0
    kind = data[start] if len(data) > start else 0
    if kind in (0x0A, 0x0D):
        return True
    if kind not in (0x02, 0x05) or len(data) < start + 12:
        return True
    if int.from_bytes(data[start + 3:start + 5], "big") == 0:
        child = int.from_bytes(data[start + 8:start + 12], "big")
    else:
        cell = int.from_bytes(data[start + 12:start + 14], "big")
        child = int.from_bytes(data[cell:cell + 4], "big")
    below = page(child) if child > 0 else b""
    return len(below) == 0 or below[0] not in (0x02, 0x05)


# --- leftovers -----------------------------------------------------------------------------------

def clean_leftovers(database: str | Path) -> list[Path]:
    """Remove the temporary files of killed backups and restores (only this module's own names,
    only in the backups folder and next to the database). Run when no other process holds the
    database (db.lock), so nothing being written is touched."""
    database = Path(database)
    found = [database.with_name(database.name + suffix) for suffix in _DATABASE_LEFTOVERS]
    folder = folder_for(database)
    if folder.is_dir():
        found += [path for pattern in _FOLDER_LEFTOVERS for path in folder.glob(pattern)]
    removed = []
    for path in found:
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


# --- restoring -----------------------------------------------------------------------------------

def staging_path(database: Path) -> Path:
    return database.with_name(database.name + ".restoring")


def stage(source: Path, database: Path) -> Path:
    """A private copy of a restore candidate next to the database, to check and then copy in.

    Checking the copy, not the source, means what was checked is what goes in."""
    shown = f"Tệp «{source}» không dùng để khôi phục được"
    try:
        found = os.stat(source)
    except OSError as exc:
        raise BackupError(f"Không tìm thấy tệp sao lưu «{source}» ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(found.st_mode):
        raise BackupError(f"{shown}: đây không phải tệp thường.")
    if os.path.exists(database) and os.path.samefile(source, database):
        raise BackupError(f"{shown}: đây chính là cơ sở dữ liệu đang dùng.")
    if found.st_size == 0:
        raise BackupError(f"{shown}: tệp rỗng (0 byte).")
    staged = staging_path(database)
    for suffix in ("", "-journal", "-wal", "-shm"):
        staged.with_name(staged.name + suffix).unlink(missing_ok=True)
    try:
        with open(source, "rb") as reading, open(staged, "xb") as writing:
            for block in iter(lambda: reading.read(1 << 20), b""):
                writing.write(block)
            writing.flush()
            os.fsync(writing.fileno())
    except OSError as exc:
        discard(staged)
        raise BackupError(f"{shown}: không đọc/chép được ({exc.strerror or exc}).") from None
    return staged


def discard(staged: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        staged.with_name(staged.name + suffix).unlink(missing_ok=True)


def inspect(staged: Path, unit_code: str | None, source: Path | None = None) -> int:
    """The schema version of a candidate that passes every check; else BackupError naming the first failure.

    In this order: a SQLite file, motcua's application_id, a known schema version (a newer one is
    refused here, before anything is touched), integrity_check and foreign keys, exactly the schema
    motcua's migrations make for that version (no extra or missing table, index, trigger or view),
    the unit's code, and an unbroken audit chain."""
    shown = f"Tệp «{source or staged}» không dùng để khôi phục được"
    with open(staged, "rb") as handle:
        header = handle.read(100)
    if not header:
        raise BackupError(f"{shown}: tệp rỗng (0 byte).")
    if len(header) < 100 or not header.startswith(HEADER):
        raise BackupError(f"{shown}: đây không phải tệp cơ sở dữ liệu SQLite.")
    version = int.from_bytes(header[60:64], "big", signed=True)
    application = int.from_bytes(header[68:72], "big", signed=True)
    _known(shown, version, application)
    try:
        conn = sqlite3.connect(str(staged), isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"{shown}: {exc}.") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA journal_mode = DELETE")
        if (conn.execute("PRAGMA user_version").fetchone()[0], conn.execute("PRAGMA application_id").fetchone()[0]) \
                != (version, application):
            raise BackupError(f"{shown}: phần đầu tệp không khớp với nội dung.")
        problems = _problems(conn, quick=False)
        if problems:
            raise BackupError(f"{shown}: không toàn vẹn ({problems[0]}).")
        difference = schema_difference(conn, version)
        if difference:
            raise BackupError(f"{shown}: lược đồ dữ liệu không đúng của motcua ({difference}).")
        theirs = _unit_code(conn)
        if unit_code and theirs != unit_code:
            raise BackupError(f"{shown}: đây là dữ liệu của đơn vị «{theirs or 'chưa khởi tạo'}», không phải của "
                              f"đơn vị này («{unit_code}»).")
        if version >= 3:
            broken = audit.first_broken(sqlite_utils.Database(conn, execute_plugins=False))
            if broken:
                raise BackupError(f"{shown}: nhật ký kiểm tra bị phá vỡ từ dòng {broken[0]} ({broken[1]}).")
    except sqlite3.Error as exc:
        raise BackupError(f"{shown}: tệp không toàn vẹn, không đọc được ({exc}).") from None
    finally:
        conn.close()
    return version


def _known(shown: str, version: int, application: int) -> None:
    if version > migrations.LATEST:
        raise BackupError(f"{shown}: tệp được tạo bởi phiên bản motcua mới hơn (lược đồ {version}, phiên bản "
                          f"này chỉ đọc được đến {migrations.LATEST}). Hãy cập nhật motcua.")
    # Before schema 4 motcua did not set its application_id; those files are told by their exact schema.
    ours = application == migrations.APPLICATION_ID or (application == 0 and version < 4)
    if version < 1 or not ours:
        raise BackupError(f"{shown}: đây không phải cơ sở dữ liệu của motcua.")


def schema_difference(conn: sqlite3.Connection, version: int) -> str | None:
    """What differs between a file's schema and the one motcua's migrations make for `version`."""
    expected = expected_schema(version)
    found = _schema(conn, expected)
    for key in sorted(found.keys() - expected.keys()):
        return f"có thêm {_KINDS.get(key[0], key[0])} «{key[1]}»"
    for key in sorted(expected.keys() - found.keys()):
        return f"thiếu {_KINDS.get(key[0], key[0])} «{key[1]}»"
    for key in sorted(expected):
        if expected[key] != found[key]:
            return f"{_KINDS.get(key[0], key[0])} «{key[1]}» đã bị sửa"
    return None


_KINDS = {"table": "bảng", "index": "chỉ mục", "trigger": "trigger", "view": "view"}


@cache
def expected_schema(version: int) -> dict:
    """sqlite_master of a fresh database built by the migrations up to `version`."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for step in migrations.STEPS[:version]:
            conn.execute("BEGIN")
            step(db)
            conn.execute("COMMIT")
        return _schema(conn, None)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection, expected: dict | None) -> dict:
    """(type, name) → (table, SQL with whitespace normalised). The shadow tables of a full-text
    index are written by SQLite's fts5 module, whose exact SQL text may change between SQLite
    releases: only their presence counts. ANALYZE's statistics tables are SQLite's own."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    virtual = {name for kind, name, _t, sql in rows
               if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")}
    schema = {}
    for kind, name, table, sql in rows:
        if kind == "table" and name.startswith("sqlite_stat"):
            continue
        shadow = kind == "table" and any(name.startswith(v + "_") for v in virtual)
        schema[(kind, name)] = (table, None if shadow or sql is None else " ".join(sql.split()))
    return schema


def _unit_code(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = 'unit_code'").fetchone()
    try:
        value = json.loads(row[0]) if row else None
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) else None


def unit_code_of(path: Path) -> str | None:
    """The unit code a (perhaps damaged) database holds, if it can still be read."""
    try:
        conn = sqlite3.connect(_read_only(path), uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            return _unit_code(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def upgrade_staged(staged: Path, page_size: int) -> None:
    """Bring a checked candidate to the current schema and the live database's page size
    (the backup API writes into a WAL database only page for page)."""
    try:
        conn = sqlite3.connect(str(staged), isolation_level=None)
        try:
            migrations.upgrade(sqlite_utils.Database(conn, execute_plugins=False))
            if conn.execute("PRAGMA page_size").fetchone()[0] != page_size:
                conn.execute(f"PRAGMA page_size = {int(page_size)}")
                conn.execute("VACUUM")
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Không nâng cấp được bản sao lưu trước khi khôi phục ({exc}); dữ liệu hiện tại vẫn "
                          "nguyên vẹn.") from exc


class CopyReport(TypedDict):
    """What a restore kept and what it could not: the codes reserved since, and the dossiers to see again."""

    reservations_kept: int
    only_in_safety_copy: list[str]
    changed_since_backup: list[str]


def copy_in(conn: sqlite3.Connection, staged: Path) -> CopyReport:
    """Put a checked, upgraded candidate INTO the live database through the backup API.

    First the current code reservations are carried into it (a code printed on a receipt is
    never handed out again) and the dossiers only the current data has are named. Call with
    every other writer of this process held at the gate and no other process at the database."""
    try:
        conn.execute("ATTACH DATABASE ? AS restoring", [str(staged)])
        try:
            before = conn.total_changes
            conn.execute("INSERT OR IGNORE INTO restoring.code_reservations (code, day, workstation, number, "
                         "reserved_at) SELECT code, day, workstation, number, reserved_at "
                         "FROM main.code_reservations")
            kept = conn.total_changes - before
            only_here = [row[0] for row in conn.execute(
                "SELECT code FROM main.dossiers WHERE code NOT IN (SELECT code FROM restoring.dossiers) "
                "ORDER BY code")]
            changed = [row[0] for row in conn.execute(
                "SELECT code FROM (SELECT * FROM main.dossiers EXCEPT SELECT * FROM restoring.dossiers) "
                "WHERE code IN (SELECT code FROM restoring.dossiers) "
                "UNION SELECT d.code FROM main.dossiers d JOIN main.events e ON e.dossier_id = d.id "
                "WHERE e.id NOT IN (SELECT id FROM restoring.events) "
                "AND d.code IN (SELECT code FROM restoring.dossiers) ORDER BY 1")]
        finally:
            conn.execute("DETACH DATABASE restoring")
        source = sqlite3.connect(str(staged))
        try:
            source.backup(conn)  # one step, in one write transaction of the live database
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Không chép được bản sao lưu vào cơ sở dữ liệu ({exc}); dữ liệu hiện tại vẫn "
                          "nguyên vẹn.") from exc
    return {"reservations_kept": kept, "only_in_safety_copy": only_here, "changed_since_backup": changed}


def page_size(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA page_size").fetchone()[0]


def carry_reservations(damaged: Path, staged: Path) -> int:
    """Start-up recovery: the code reservations still readable in a damaged file, into the
    backup about to replace it (as far as it can be read; a damaged page ends the reading)."""
    rows = []
    try:
        conn = sqlite3.connect(_read_only(damaged), uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            for row in conn.execute("SELECT code, day, workstation, number, reserved_at FROM code_reservations"):
                rows.append(row)
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    if not rows:
        return 0
    conn = sqlite3.connect(str(staged), isolation_level=None)
    try:
        before = conn.total_changes
        conn.execute("BEGIN")
        conn.executemany("INSERT OR IGNORE INTO code_reservations (code, day, workstation, number, reserved_at) "
                         "VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        return conn.total_changes - before
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def put_in_place(staged: Path, database: Path) -> None:
    """Start-up recovery only, with no connection open anywhere (db.lock held exclusively):
    the checked copy takes the (already moved aside) database's name."""
    _fsync(staged)
    os.replace(staged, database)
    durable.fsync_folder(database.parent)


def move_aside(database: Path, suffix: str) -> Path:
    """Keep a damaged database (and its WAL) under a new name, never delete it.

    Start-up recovery only, with no connection open anywhere (db.lock held exclusively)."""
    aside = database.with_name(database.name + suffix)
    for extra in ("-wal", "-shm"):
        companion = database.with_name(database.name + extra)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + extra))
    os.replace(database, aside)
    return aside


# --- checks --------------------------------------------------------------------------------------

def integrity_problems(path: str | Path, quick: bool = False, pacing: "Pacing | None" = None) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` (or only quick_check) find; empty when sound.
    With `pacing` (a backup's copy): while the officer works the check waits YIELD_SECONDS after each
    CHECK_WORK_SECONDS of work, as the copy waits between its steps, and once `pacing.cancelled()` it
    stops and finds nothing (the caller gives the work up)."""
    worked_since = [time.monotonic()]

    def look(pacing: Pacing) -> int:
        if pacing.cancelled():
            return 1
        if time.monotonic() - worked_since[0] >= CHECK_WORK_SECONDS:
            if pacing.busy():
                time.sleep(YIELD_SECONDS)
            worked_since[0] = time.monotonic()
        return 0

    try:
        conn = sqlite3.connect(_read_only(Path(path)), uri=True)
        try:
            if pacing is not None:
                conn.set_progress_handler(functools.partial(look, pacing), CHECK_EVERY)
            return _problems(conn, quick)
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if pacing is not None and pacing.cancelled():
            return []
        return [str(exc)]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def codes_changed_after(path: Path, moment: str) -> list[str]:
    """Dossier codes a damaged file shows as changed since `moment`, as far as it can be read."""
    try:
        conn = sqlite3.connect(_read_only(path), uri=True)
        try:
            rows = conn.execute("SELECT code FROM dossiers WHERE updated_at >= ? ORDER BY code", [moment])
            return [row[0] for row in rows]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []


def check(db: sqlite_utils.Database) -> list[str]:
    """`check`: integrity, foreign keys, and exactly motcua's schema (a trigger slipped in is found)."""
    problems = _problems(db.conn, quick=False)
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    difference = schema_difference(db.conn, version) if 0 < version <= migrations.LATEST else None
    if difference:
        problems.append(f"Lược đồ dữ liệu không đúng của motcua: {difference}.")
    return problems


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


def _read_only(path: Path) -> str:
    return Path(os.path.abspath(path)).as_uri() + "?mode=ro"


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
