import sqlite3

from counter import backups, maintenance
from counter.session import Session

from tests.counter.helpers import receive


def test_every_connection_is_safe(db_path):
    with Session(db_path) as session:
        def pragma(name):
            return session.db.conn.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL


def test_backup_is_a_verified_consistent_copy(session, tmp_path):
    code = receive(session).code
    target = backups.make(session, tmp_path / "backups" / "unit-backup.sqlite3")
    assert not target.with_name(target.name + ".partial").exists()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT code FROM dossiers").fetchall() == [(code,)]
    with Session(target) as restored:
        assert restored.settings.unit_code == session.settings.unit_code


def test_check_reports_a_broken_foreign_key(session):
    assert maintenance.check(session) == []
    session.db.conn.execute("PRAGMA foreign_keys = OFF")
    session.db.conn.execute("INSERT INTO events (dossier_id, at, kind) VALUES (999, '2025-01-01', 'x')")
    assert any("khóa ngoại" in p for p in maintenance.check(session))
