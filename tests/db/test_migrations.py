import shutil
import sqlite3
from pathlib import Path

import pytest

from counter import accounts, dossiers, maintenance, search
from counter.errors import CounterError
from counter.session import Session
from db import backup, migrations
from db.connection import schema_version

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-v*.sqlite3"))


def test_a_fixture_exists_for_every_released_version():
    versions = {int(path.stem.split("-v")[1]) for path in FIXTURES}
    assert versions == set(range(1, max(versions) + 1))
    assert max(versions) <= migrations.LATEST


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_old_database_upgrades_with_nothing_lost(fixture, tmp_path):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(fixture, path)
    with Session(path) as session:
        assert schema_version(session.db) == migrations.LATEST
        if session.accounts_exist:
            accounts.login(session, "admin", "mat-khau-fixture")
        assert session.settings.unit_code == "000.00.53.H48"
        returned = dossiers.get(session, "000.00.53.H48-250303-0001")
        assert returned.status == "returned" and returned.rating == "satisfied"
        assert dossiers.get(session, "000.00.53.H48-250303-0002").status == "waiting_supplement"
        assert dossiers.get(session, "000.00.53.H48-250304-0001").apology_at is not None
        assert [d.code for d in search.search(session, "nguyen van duc")] == ["000.00.53.H48-250303-0001"]
        assert not session.calendar.is_working(returned.received_at.date().replace(day=7))
        assert maintenance.check(session) == []
        assert session.db.conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_each_fixture_has_exactly_the_schema_the_migrations_make_for_its_version(fixture, tmp_path):
    copy = tmp_path / "candidate.sqlite3"
    shutil.copy(fixture, copy)
    version = int(fixture.stem.split("-v")[1])
    assert backup.inspect(copy, "000.00.53.H48") == version
    application = sqlite3.connect(copy).execute("PRAGMA application_id").fetchone()[0]
    assert application == (migrations.APPLICATION_ID if version >= 4 else 0)


def test_a_database_from_a_newer_motcua_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    with pytest.raises(CounterError, match="phiên bản motcua mới hơn"):
        Session(path)


def test_a_failed_upgrade_leaves_the_database_untouched(tmp_path, monkeypatch):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(FIXTURES[0], path)
    start = int(FIXTURES[0].stem.split("-v")[1])

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:start] + [broken])
    monkeypatch.setattr(migrations, "LATEST", start + 1)
    with pytest.raises(RuntimeError):
        Session(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == start
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall()


def test_a_database_that_had_accounts_stays_out_of_set_up_mode_after_the_upgrade(tmp_path):
    """Issue 9 item 5: deleting every officer row of an upgraded v3 database must not re-open set-up mode."""
    path = tmp_path / "unit.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v3.sqlite3", path)
    with Session(path) as session:
        session.db.execute("DELETE FROM officers")
        session.db.conn.commit()
    with Session(path) as session:
        assert session.accounts_exist
        with pytest.raises(CounterError, match="Cần đăng nhập"):
            session.require("receive")


def test_version_5_gives_earlier_dossiers_the_empty_values_their_events_replay_to(tmp_path):
    """Issue 11/15 columns: a v4 dossier gets the values its old events replay to (no field, no payment,
    no rater: a rating keyed before schema 5 has none), and the v5 fixture keeps what it recorded."""
    path = tmp_path / "unit.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v4.sqlite3", path)
    with Session(path) as session:
        accounts.login(session, "admin", "mat-khau-fixture")
        returned = dossiers.get(session, "000.00.53.H48-250303-0001")
        assert (returned.rating, returned.rating_by, returned.payment, returned.procedure_field) == (
            "satisfied", None, None, "")
        assert not returned.late_at_supplement and returned.complaints == 0 and returned.apology_state == "none"
        assert session.db.execute("SELECT count(*) FROM guidance").fetchone()[0] == 0
        assert maintenance.check(session) == []
    copy = tmp_path / "v5.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v5.sqlite3", copy)
    with Session(copy) as session:
        accounts.login(session, "admin", "mat-khau-fixture")
        dossier = dossiers.get(session, "000.00.53.H48-250307-0001")
        assert (dossier.birth_date, dossier.sex, dossier.representative_name) == ("1990-04-12", "nam", "Đỗ Thị Lụa")
        assert (dossier.payment, dossier.fee_receipt, dossier.complaints) == ("transfer", "BL-2025-0007", 1)
        assert session.db.execute("SELECT applicant_name FROM guidance").fetchall() == [("Hà Văn Long",)]


def test_the_province_keys_of_a_version_8_database_keep_their_ids_and_accept_counters_to_20(tmp_path):
    path = tmp_path / "province.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v8.sqlite3", path)
    conn = sqlite3.connect(path)
    keys = "INSERT INTO province_keys (id, unit_code, workstation, public_key, fingerprint, enrolled_at, enrolled_by," \
           " rotated_from) VALUES (?, 'U', ?, ?, ?, '2025-03-03T09:00:00', 'admin', ?)"
    conn.execute(keys, [5, 10, "k5", "f5", None])
    conn.execute(keys, [9, 2, "k9", "f9", 5])
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(keys, [11, 12, "k11", "f11", None])  # version 8: counters 1-10 only
    conn.commit()
    conn.close()
    with Session(path) as session:
        assert schema_version(session.db) == migrations.LATEST
        rows = session.db.execute("SELECT id, workstation, rotated_from FROM province_keys ORDER BY id").fetchall()
        assert rows == [(5, 10, None), (9, 2, 5)]
        session.db.execute(keys, [11, 20, "k11", "f11", 9])
        with pytest.raises(sqlite3.IntegrityError):
            session.db.execute(keys, [12, 21, "k12", "f12", None])
        with pytest.raises(sqlite3.IntegrityError):
            session.db.execute(keys, [13, 3, "k13", "f13", 99])  # the reference is still enforced
        assert maintenance.check(session) == []
    assert backup.inspect(path, None) == migrations.LATEST
