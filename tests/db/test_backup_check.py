"""Issue 16: the check of each copy reads a few pages, yet refuses a copy that does not hold together;
a page damaged in a big table is left to the weekly full check and to the restore's check."""

import json
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from counter import backups, catalogue, dossiers, unit
from counter.recovery import recover_if_damaged
from counter.session import Session
from db import backup as backup_db
from tests.conftest import UNIT
from tests.counter.helpers import receive

PAGE = 4096


def _made(session: Session) -> tuple[Path, tuple | None]:
    """A backup of the session and its newest audit row (what the snapshot held)."""
    made = backups.make(session)
    return made, backup_db._newest_audit(session.db.conn)


def _copy(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(made, copy)
    return copy


def _root(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    finally:
        conn.close()


def _overwrite(path: Path, page: int, data: bytes, at: int = 0) -> None:
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * PAGE + at)
        handle.write(data)


def _checked(path: Path) -> list[str]:
    """The tables the check of each copy runs `quick_check` on."""
    conn = sqlite3.connect(path)
    try:
        with open(path, "rb") as handle:
            def page(number: int) -> bytes:
                handle.seek((number - 1) * PAGE)
                return handle.read(PAGE)
            return backup_db._small_tables(conn, page)
    finally:
        conn.close()


def _header_number(path: Path, at: int) -> int:
    with open(path, "rb") as handle:
        handle.seek(at)
        return int.from_bytes(handle.read(4), "big")


def _entries(folder: Path) -> dict[str, dict]:
    return {e["name"]: e for e in json.loads((folder / backup_db.MANIFEST).read_text())["backups"]}


def test_a_sound_copy_passes_and_its_record_says_the_structure_check(session):
    receive(session)
    first, _ = _made(session)
    receive(session, "2025-03-04 09:00")
    second, newest = _made(session)
    assert backup_db.copy_problems(second, newest) == []
    entries = _entries(second.parent)
    assert (entries[first.name]["check"], entries[second.name]["check"]) == ("full", "structure")


def test_a_copy_with_a_damaged_page_in_a_small_table_is_refused(session, tmp_path):
    receive(session)
    made, newest = _made(session)
    copy = _copy(made, tmp_path)
    assert "procedures" in _checked(copy)
    _overwrite(copy, _root(copy, "procedures"), b"\xde\xad\xbe\xef" * (PAGE // 4))
    assert backup_db.copy_problems(copy, newest) == ["database disk image is malformed"]


def test_a_truncated_copy_or_one_with_a_wrong_page_count_is_refused(session, tmp_path):
    receive(session)
    made, newest = _made(session)
    truncated = _copy(made, tmp_path)
    with open(truncated, "r+b") as handle:
        handle.truncate(truncated.stat().st_size - PAGE)
    assert "phần đầu ghi" in backup_db.copy_problems(truncated, newest)[0]
    counted = tmp_path / "counted.sqlite3"
    shutil.copy(made, counted)
    pages = _header_number(counted, 28)
    _overwrite(counted, 1, (pages + 3).to_bytes(4, "big"), at=28)
    assert "phần đầu ghi" in backup_db.copy_problems(counted, newest)[0]
    cut = tmp_path / "cut.sqlite3"
    cut.write_bytes(made.read_bytes()[:60])
    assert backup_db.copy_problems(cut, newest) == ["không phải tệp cơ sở dữ liệu SQLite"]


def test_a_copy_whose_freelist_is_broken_is_refused(session, tmp_path):
    receive(session)
    made, newest = _made(session)
    copy = _copy(made, tmp_path)
    conn = sqlite3.connect(copy)
    conn.execute("CREATE TABLE filler (x)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.execute("DROP TABLE filler")  # its pages go to the freelist
    conn.commit()
    conn.close()
    assert _header_number(copy, 36) > 20
    assert backup_db.copy_problems(copy, newest) == []
    _overwrite(copy, _header_number(copy, 32), (10**6).to_bytes(4, "big"), at=4)
    assert "danh sách trang trống hỏng" in backup_db.copy_problems(copy, newest)[0]


def test_a_copy_that_is_not_the_snapshot_or_not_motcua_s_is_refused(session, tmp_path):
    receive(session)
    made, newest = _made(session)
    assert newest is not None
    other = (newest[0] + 1,) + tuple(newest[1:])
    assert backup_db.copy_problems(made, other) == ["dòng nhật ký mới nhất khác với dữ liệu được sao"]
    copy = _copy(made, tmp_path)
    conn = sqlite3.connect(copy)
    conn.execute("CREATE INDEX extra ON settings (value)")
    conn.commit()
    conn.close()
    assert "có thêm chỉ mục «extra»" in backup_db.copy_problems(copy, newest)[0]
    foreign = tmp_path / "foreign.sqlite3"
    shutil.copy(made, foreign)
    _overwrite(foreign, 1, (1234).to_bytes(4, "big"), at=68)
    assert "không phải cơ sở dữ liệu của motcua" in backup_db.copy_problems(foreign, newest)[0]


def test_a_source_damaged_in_a_small_table_gives_no_backup(db_path):
    with Session(db_path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        receive(session)
        backups.make(session)  # the week's full check
    folder = backup_db.folder_for(db_path)
    _overwrite(db_path, _root(db_path, "procedures"), b"\xde\xad\xbe\xef" * (PAGE // 4))
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(backup_db.BackupError, match="không vượt qua kiểm tra toàn vẹn"):
            backup_db.backup_into(conn, folder, backup_db.name_for(datetime.now(), 99))
    finally:
        conn.close()
    assert len(backup_db.listed(folder)) == 1 and len(_entries(folder)) == 1
    assert not list(folder.glob("*.partial"))


# --- what the check of each copy leaves to the full check ---------------------------------------

def _leaf(path: Path, root: int) -> int:
    """The leftmost leaf page of a b-tree, read from the file."""
    data = path.read_bytes()
    number = root
    while True:
        start = (number - 1) * PAGE + (100 if number == 1 else 0)
        if data[start] in (0x0A, 0x0D):
            return number
        cell = int.from_bytes(data[start + 12:start + 14], "big")
        number = int.from_bytes(data[(number - 1) * PAGE + cell:(number - 1) * PAGE + cell + 4], "big")


def _deep_calendar(db_path: Path) -> None:
    """Enough calendar days that their b-tree is three levels deep: a big table."""
    conn = sqlite3.connect(db_path)
    first = date(2090, 1, 1)
    conn.executemany("INSERT INTO calendar_days (day, working, reason) VALUES (?, 0, ?)",
                     [((first + timedelta(days=n)).isoformat(), "Nghỉ " * 200) for n in range(4000)])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_damage_in_a_big_table_passes_the_copy_check_but_recovery_skips_that_backup(db_path):
    with Session(db_path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        kept = receive(session)
    _deep_calendar(db_path)
    folder = backup_db.folder_for(db_path)
    conn = sqlite3.connect(db_path)
    mark = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
    older = backup_db.backup_into(conn, folder, backup_db.name_for(datetime.now() - timedelta(minutes=2), mark))
    conn.close()
    checked = _checked(db_path)
    assert "calendar_days" not in checked and {"settings", "procedures", "dossiers", "audit"} <= set(checked)
    _overwrite(db_path, _leaf(db_path, _root(db_path, "calendar_days")), b"\xde\xad\xbe\xef" * (PAGE // 4))
    conn = sqlite3.connect(db_path)
    newer = backup_db.backup_into(conn, folder, backup_db.name_for(datetime.now() - timedelta(minutes=1), mark))
    conn.close()
    entries = _entries(folder)
    assert (entries[older.name]["check"], entries[newer.name]["check"]) == ("full", "structure")
    assert backup_db.integrity_problems(newer)  # the full check finds what the copy check left
    assert [b["path"] for b in backup_db.trusted(folder, datetime.now())] == [newer, older]
    _overwrite(db_path, _root(db_path, "dossiers_code_rev"), b"\xde\xad\xbe\xef" * (PAGE // 4))
    report = recover_if_damaged(db_path)
    assert report is not None and report.restored_from == older
    with Session(db_path) as session:
        assert dossiers.get(session, kept.code).status == "received"
        assert backup_db.integrity_problems(db_path) == []


def test_the_weekly_full_check_comes_back_a_week_after_the_last_one(session):
    receive(session)
    first, _ = _made(session)
    folder = first.parent
    record = json.loads((folder / backup_db.MANIFEST).read_text())
    for entry in record["backups"]:
        entry["made_at"] = (datetime.now() - timedelta(days=8)).isoformat(timespec="seconds")
        entry["check"] = "full"
    (folder / backup_db.MANIFEST).write_text(json.dumps(record))
    receive(session, "2025-03-04 09:00")
    second, _ = _made(session)
    receive(session, "2025-03-05 09:00")
    third, _ = _made(session)
    entries = _entries(folder)
    assert (entries[second.name]["check"], entries[third.name]["check"]) == ("full", "structure")


def test_records_of_older_versions_stay_readable(session):
    """Before issue 16's structure check, each copy got `quick_check` ("quick") or the full check."""
    receive(session)
    made, _ = _made(session)
    folder = made.parent
    record = json.loads((folder / backup_db.MANIFEST).read_text())
    record["backups"][0]["check"] = "quick"
    (folder / backup_db.MANIFEST).write_text(json.dumps(record))
    assert [b["path"] for b in backup_db.trusted(folder, datetime.now())] == [made]
    assert backup_db.full_check_due(folder, datetime.now())  # a quick-checked copy is no full check
