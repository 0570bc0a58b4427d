import json
import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter import backups, catalogue, dossiers, lifecycle, maintenance, unit
from counter.errors import CounterError
from counter.recovery import recover_if_damaged
from counter.session import Session
from db import backup as backup_db
from db import lock, migrations
from tests.conftest import UNIT
from tests.counter.helpers import at, receive
from tests.db.test_lock import Holder

FIXTURES = Path(__file__).parents[1] / "db" / "fixtures"
FIXTURE_V1 = FIXTURES / "schema-v1.sqlite3"


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


def _record(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).write_bytes(name.encode())
        backup_db.record(folder, folder / name)


def test_thinning_removes_recorded_files_and_their_record_lines_only(session):
    folder = backups.folder(session)
    folder.mkdir()
    now = datetime(2026, 11, 27, 17, 0)
    _record(folder, [backup_db.name_for(now - timedelta(hours=h), h) for h in range(0, 24 * 60, 12)])
    stranger = folder / backup_db.name_for(now - timedelta(days=300), 1)
    stranger.write_bytes(b"not made by motcua")
    removed = backups.thin(session, now)
    left = [b for b in backups.listed(session) if b["recorded"]]
    assert removed and len(left) + len(removed) == 120
    assert all(b["at"] in backups.to_keep([x["at"] for x in left], now) for b in left)
    assert not any(path.exists() for path in removed)
    record = json.loads((folder / backup_db.MANIFEST).read_text())["backups"]
    assert sorted(entry["name"] for entry in record) == sorted(b["path"].name for b in left)
    assert stranger.exists()  # a file motcua did not record is not its to delete


def test_every_backup_into_the_folder_is_recorded_with_size_and_sha256(session):
    made = backups.make(session)
    entry = {e["name"]: e for e in json.loads((made.parent / backup_db.MANIFEST).read_text())["backups"]}[made.name]
    assert entry["size"] == made.stat().st_size and entry["sha256"] == backup_db.sha256_of(made)
    assert [b["recorded"] for b in backups.listed(session)] == [True]
    assert list(backup_db.trusted(made.parent, datetime.now() + timedelta(seconds=1)))[0]["path"] == made


def test_automatic_backup_only_when_data_changed(session):
    first = backups.automatic(session)
    assert first is not None and backup_db.integrity_problems(first) == []
    assert backups.automatic(session) is None
    receive(session)
    assert backups.automatic(session) is not None


def test_a_planted_file_does_not_stop_automatic_backups(session):
    folder = backups.folder(session)
    folder.mkdir()
    (folder / backup_db.name_for(datetime(2999, 12, 31, 23, 59, 59), 0)).write_bytes(b"")
    assert backups.automatic(session) is not None


def test_restore_puts_a_backup_back_and_keeps_the_current_data(session, tmp_path):
    kept = receive(session)
    saved = backups.make(session, tmp_path / "sang-nay.sqlite3")
    lost = receive(session)
    lifecycle.record_result(session, kept.code, at("2025-03-04 10:00"))
    result = backups.restore(session, saved)
    assert dossiers.get(session, kept.code).status == "received"
    with pytest.raises(CounterError):
        dossiers.get(session, lost.code)
    assert result.only_in_safety_copy == [lost.code]
    assert result.changed_since_backup == [kept.code]
    assert result.reservations_kept == 1
    with Session(result.previous_saved_as) as previous:
        assert dossiers.get(previous, lost.code)
    assert maintenance.check(session) == []
    # The code printed on the lost dossier's receipt stays reserved: the next citizen gets another.
    again = receive(session)
    assert again.code not in (kept.code, lost.code)
    summary = backups.restore_summary(result)
    assert lost.code in summary[1] and "cần nhập lại" in summary[1]
    assert kept.code in summary[2] and "cập nhật lại" in summary[2]


def test_the_restored_database_stays_in_wal_with_motcua_s_application_id(session, tmp_path):
    saved = backups.make(session, tmp_path / "sang-nay.sqlite3")
    backups.restore(session, saved)
    with Session(session.path) as other:
        def pragma(name):
            return other.db.conn.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("application_id") == migrations.APPLICATION_ID
        assert pragma("user_version") == migrations.LATEST


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_backup_that_passes_its_version_s_checks_is_restored_then_upgraded(session, version):
    receive(session)  # a dossier of today's work, not in the old backup
    result = backups.restore(session, FIXTURES / f"schema-v{version}.sqlite3")
    assert result.schema_version == version
    assert "đã được nâng cấp lên lược đồ" in backups.restore_summary(result)[1]
    conn = session.db.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert backup_db.schema_difference(conn, migrations.LATEST) is None
    assert dossiers.get(session, "000.00.53.H48-250303-0001").status == "returned"
    assert maintenance.check(session) == []


def test_a_backup_is_taken_and_recorded_before_a_schema_upgrade(tmp_path):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(FIXTURE_V1, path)
    Session(path).close()
    made = backup_db.listed(backup_db.folder_for(path))
    assert len(made) == 1 and made[0]["label"].startswith("before-v") and made[0]["recorded"]
    assert sqlite3.connect(made[0]["path"]).execute("PRAGMA user_version").fetchone()[0] == 1


def _corrupt(path: Path, page: int) -> None:
    """Overwrite one page (1-based) with garbage, as a failing disk would."""
    data = bytearray(path.read_bytes())
    size = 4096
    data[(page - 1) * size:page * size] = b"\xde\xad\xbe\xef" * (size // 4)
    path.write_bytes(bytes(data))


def _damaged_unit(db_path: Path):
    """A unit with one recorded backup, two later dossiers, then a damaged index page."""
    with Session(db_path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        kept = receive(session, "2025-03-03 09:00")
        backup = backups.make(session)
        later = receive(session, "2025-03-04 09:00")
        lifecycle.record_result(session, kept.code, at("2025-03-04 10:00"))
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index_page = session.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'dossiers_code_rev'").fetchone()[0]
    return kept, later, backup, index_page


@pytest.mark.parametrize("damage", ["header", "index"])
def test_a_corrupted_database_is_set_aside_and_the_newest_backup_restored(db_path, damage):
    kept, later, _backup, index_page = _damaged_unit(db_path)
    _corrupt(db_path, 1 if damage == "header" else index_page)
    report = recover_if_damaged(db_path)
    assert report is not None and report.damaged.exists() and ".damaged-" in report.damaged.name
    assert "đã được khôi phục từ bản sao lưu lúc" in report.message()
    if damage == "index":
        assert set(report.to_re_enter) >= {later.code}
    with Session(db_path) as session:
        assert dossiers.get(session, kept.code).status == "received"
        assert recover_if_damaged(db_path) is None
        if damage == "index":
            # The reservations still readable in the damaged file came along: later's code is not given again.
            assert receive(session, "2025-03-04 11:00").code != later.code


def test_without_a_backup_the_damaged_file_is_left_alone(db_path):
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(CounterError, match="không có bản sao lưu"):
        recover_if_damaged(db_path)
    assert db_path.read_bytes().startswith(b"SQLite format 3")


def test_recovery_ignores_planted_backups_and_ones_changed_since_recorded(db_path):
    kept, later, backup, index_page = _damaged_unit(db_path)
    folder = backup.parent
    planted = folder / "motcua-29991231-235959.sqlite3"
    shutil.copy(backup, planted)  # a sound motcua file, never recorded, dated in the future
    recent = folder / backup_db.name_for(datetime.now() - timedelta(minutes=1), 99)
    shutil.copy(backup, recent)
    backup_db.record(folder, recent)
    data = bytearray(recent.read_bytes())
    data[-1] ^= 0xFF  # same size, other content: its SHA-256 no longer matches the record
    recent.write_bytes(bytes(data))
    future = folder / backup_db.name_for(datetime(2999, 1, 1), 99)
    shutil.copy(backup, future)
    backup_db.record(folder, future)  # recorded, but a time in the future is never trusted
    assert [b["path"] for b in backup_db.trusted(folder, datetime.now())] == [backup]
    _corrupt(db_path, index_page)
    report = recover_if_damaged(db_path)
    assert report.restored_from == backup


def test_recovery_skips_a_recorded_backup_that_fails_the_checks(db_path):
    kept, later, backup, index_page = _damaged_unit(db_path)
    folder = backup.parent
    hostile = folder / backup_db.name_for(datetime.now() - timedelta(minutes=1), 99)
    shutil.copy(backup, hostile)
    conn = sqlite3.connect(hostile)
    conn.execute("CREATE TRIGGER steal AFTER INSERT ON dossiers BEGIN "
                 "UPDATE dossiers SET applicant_name = 'Kẻ Gian', fee = 0 WHERE id = new.id; END")
    conn.commit()
    conn.close()
    backup_db.record(folder, hostile)  # as if the record itself had been tampered with
    _corrupt(db_path, index_page)
    report = recover_if_damaged(db_path)
    assert report.restored_from == backup
    with Session(db_path) as session:
        assert not session.db.execute("SELECT name FROM sqlite_master WHERE name = 'steal'").fetchall()


def test_recovery_with_only_planted_backups_refuses_and_touches_nothing(db_path):
    kept, later, backup, index_page = _damaged_unit(db_path)
    folder = backup.parent
    shutil.copy(backup, folder / "motcua-29991231-235959.sqlite3")
    (folder / backup_db.MANIFEST).write_text("{ not the record")  # an unreadable record trusts nothing
    _corrupt(db_path, index_page)
    damaged = db_path.read_bytes()
    with pytest.raises(CounterError, match="không có bản sao lưu nào dùng được"):
        recover_if_damaged(db_path)
    assert db_path.read_bytes() == damaged
    assert not list(db_path.parent.glob("*.damaged-*")) and not backup_db.staging_path(db_path).exists()


def _leftovers(db_path: Path) -> tuple[list[Path], list[Path]]:
    folder = backup_db.folder_for(db_path)
    folder.mkdir(exist_ok=True)
    ours = [db_path.with_name(db_path.name + ".restoring"), db_path.with_name(db_path.name + ".restoring-journal"),
            folder / "motcua-20250303-090000-a5.sqlite3.partial",
            folder / "motcua-20250303-090000.sqlite3.k3j_x.partial",
            folder / "motcua-20250303-090000.sqlite3.k3j_x.partial-journal",
            folder / "motcua-backups.json.ab12.partial"]
    others = [folder / "ghi-chu.partial", db_path.with_name("thu.restoring"), folder / "motcua-20250303-090000.sqlite3",
              db_path.parent / "elsewhere" / "motcua-x.partial"]
    for path in ours + others:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * 1000)
    (folder / "motcua-dir.partial").mkdir()
    os.symlink(others[0], folder / "motcua-link.partial")
    return ours, others + [folder / "motcua-dir.partial", folder / "motcua-link.partial"]


def test_leftovers_of_killed_backups_and_restores_are_cleaned_when_the_database_opens(db_path):
    Session(db_path).close()
    ours, others = _leftovers(db_path)
    Session(db_path).close()
    assert [path for path in ours if path.exists()] == []
    assert all(os.path.lexists(path) for path in others)


def test_recovery_waits_for_motcua_to_close_in_another_process(db_path):
    _kept, _later, _backup, index_page = _damaged_unit(db_path)
    _corrupt(db_path, index_page)
    damaged = db_path.read_bytes()
    other = Holder("posix", lock.lock_path(db_path))
    assert other("try_shared") == "True"  # motcua open elsewhere on this machine
    try:
        with pytest.raises(CounterError, match="hãy đóng motcua trên máy này trước"):
            recover_if_damaged(db_path)
    finally:
        other.close()
    assert db_path.read_bytes() == damaged and not list(db_path.parent.glob("*.damaged-*"))
    assert recover_if_damaged(db_path) is not None


def test_leftovers_stay_while_another_process_has_the_database_open(db_path):
    Session(db_path).close()
    ours, _others = _leftovers(db_path)
    other = Holder("posix", lock.lock_path(db_path))
    assert other("try_shared") == "True"  # perhaps writing one of those files right now
    try:
        Session(db_path).close()
    finally:
        other.close()
    assert all(path.exists() for path in ours)
