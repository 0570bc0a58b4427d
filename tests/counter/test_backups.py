import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter import backups, catalogue, dossiers, lifecycle, unit
from counter.errors import CounterError
from counter.recovery import recover_if_damaged
from counter.session import Session
from db import backup as backup_db
from tests.conftest import UNIT
from tests.counter.helpers import at, receive

FIXTURE_V1 = Path(__file__).parents[1] / "db" / "fixtures" / "schema-v1.sqlite3"


def test_thinning_keeps_today_then_daily_weekly_monthly():
    now = datetime(2026, 11, 27, 17, 0)
    times = [now - timedelta(hours=h) for h in range(0, 24 * 400, 6)]
    keep = backups.to_keep(times, now)
    assert {t for t in times if t.date() == now.date()} <= keep
    days = sorted({t.date() for t in keep if t.date() != now.date()}, reverse=True)
    assert days[:7] == [now.date() - timedelta(days=d) for d in range(1, 8)]
    for day in days[:7]:
        assert len([t for t in keep if t.date() == day]) == 1
        assert max(t for t in times if t.date() == day) in keep
    assert len(keep) < 7 + 8 + 12 + 4
    assert min(keep) > now - timedelta(days=366)


def test_thinning_removes_files_from_the_folder(session):
    folder = backups.folder(session)
    folder.mkdir()
    now = datetime(2026, 11, 27, 17, 0)
    for h in range(0, 24 * 60, 12):
        (folder / backup_db.name_for(now - timedelta(hours=h), h)).write_bytes(b"")
    removed = backups.thin(session, now)
    left = backups.listed(session)
    assert removed and len(left) + len(removed) == 120
    assert all(b["at"] in backups.to_keep([x["at"] for x in left], now) for b in left)


def test_automatic_backup_only_when_data_changed(session):
    first = backups.automatic(session)
    assert first is not None and backup_db.integrity_problems(first) == []
    assert backups.automatic(session) is None
    receive(session)
    assert backups.automatic(session) is not None


def test_restore_puts_a_backup_back_and_keeps_the_current_data(session, tmp_path):
    kept = receive(session)
    saved = backups.make(session, tmp_path / "sang-nay.sqlite3")
    lost = receive(session)
    result = backups.restore(session, saved)
    assert dossiers.get(session, kept.code)
    with pytest.raises(CounterError):
        dossiers.get(session, lost.code)
    with Session(result["previous_saved_as"]) as previous:
        assert dossiers.get(previous, lost.code)


def test_restore_refuses_a_damaged_file(session, tmp_path):
    bad = tmp_path / "hong.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CounterError, match="không phải bản sao lưu toàn vẹn"):
        backups.restore(session, bad)


def test_a_backup_is_taken_before_a_schema_upgrade(tmp_path):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(FIXTURE_V1, path)
    Session(path).close()
    made = backup_db.listed(backup_db.folder_for(path))
    assert len(made) == 1 and made[0]["label"].startswith("before-v")
    assert sqlite3.connect(made[0]["path"]).execute("PRAGMA user_version").fetchone()[0] == 1


def _corrupt(path: Path, page: int) -> None:
    """Overwrite one page (1-based) with garbage, as a failing disk would."""
    data = bytearray(path.read_bytes())
    size = 4096
    data[(page - 1) * size:page * size] = b"\xde\xad\xbe\xef" * (size // 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["header", "index"])
def test_a_corrupted_database_is_set_aside_and_the_newest_backup_restored(db_path, damage):
    with Session(db_path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        kept = receive(session, "2025-03-03 09:00")
        backups.make(session)
        later = receive(session, "2025-03-04 09:00")
        lifecycle.record_result(session, kept.code, at("2025-03-04 10:00"))
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index_page = session.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'dossiers_code_rev'").fetchone()[0]
    _corrupt(db_path, 1 if damage == "header" else index_page)
    report = recover_if_damaged(db_path)
    assert report is not None and report.damaged.exists() and ".damaged-" in report.damaged.name
    assert "đã được khôi phục từ bản sao lưu lúc" in report.message()
    if damage == "index":
        assert set(report.to_re_enter) >= {later.code}
    with Session(db_path) as session:
        assert dossiers.get(session, kept.code).status == "received"
        assert recover_if_damaged(db_path) is None


def test_without_a_backup_the_damaged_file_is_left_alone(db_path):
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(CounterError, match="không có bản sao lưu"):
        recover_if_damaged(db_path)
    assert db_path.read_bytes().startswith(b"SQLite format 3")
