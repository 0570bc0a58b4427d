import sqlite3
from pathlib import Path

import pytest

from counter import backups, dossiers, intake, maintenance
from counter.errors import CounterError
from counter.session import Session
from db import connection
from db.connection import WriteFailed, network_filesystem
from tests.counter.helpers import receive, table_dump


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


MOUNTS = """/dev/vda / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
//server/motcua /mnt/share cifs rw,vers=3.0 0 0
server:/export /srv/nfs nfs4 rw 0 0
"""


def test_network_shares_are_recognised():
    assert network_filesystem(Path("/mnt/share/unit.sqlite3"), MOUNTS) == "cifs"
    assert network_filesystem(Path("/srv/nfs/a/b.sqlite3"), MOUNTS) == "nfs4"
    assert network_filesystem(Path("/srv/nfsx/b.sqlite3"), MOUNTS) is None
    assert network_filesystem(Path("/home/lan/unit.sqlite3"), MOUNTS) is None


def test_a_database_on_a_network_share_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(connection, "network_filesystem", lambda path: "cifs")
    with pytest.raises(CounterError, match="ổ mạng"):
        Session(tmp_path / "unit.sqlite3")
    assert not (tmp_path / "unit.sqlite3").exists()


def test_a_full_disk_leaves_the_previous_state_and_says_so(session):
    kept = receive(session)
    before = table_dump(session)
    pages = session.db.conn.execute("PRAGMA page_count").fetchone()[0]
    session.db.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(WriteFailed, match="ổ đĩa đầy"):
        for _ in range(200):
            receive(session, name="Người Thứ Hai Có Tên Rất Dài " * 4)
    session.db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert dossiers.get(session, kept.code)
    dump = table_dump(session)
    assert [row for name, rows in dump if name == "dossiers" for row in rows][:1] == \
        [row for name, rows in before if name == "dossiers" for row in rows][:1]
    assert maintenance.check(session) == []


def test_a_read_only_database_refuses_writes_and_says_so(session):
    receive(session)
    before = table_dump(session)
    session.db.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(WriteFailed, match="chỉ đọc"):
        receive(session)
    session.db.conn.execute("PRAGMA query_only = OFF")
    assert table_dump(session) == before


def test_the_cli_reports_a_full_disk_in_one_line(cli, db_path, monkeypatch):
    def full(*args, **kwargs):
        raise WriteFailed("Không ghi được vì ổ đĩa đầy. Dữ liệu trước đó vẫn nguyên vẹn.")

    monkeypatch.setattr(intake, "receive", full)
    code, out, err = cli("receive", "--procedure", "2.001035", "--name", "Lê An")
    assert code == 1 and err.strip() == "Lỗi: Không ghi được vì ổ đĩa đầy. Dữ liệu trước đó vẫn nguyên vẹn."


def test_check_reports_a_trigger_slipped_into_the_schema(session):
    session.db.conn.execute("CREATE TRIGGER rewrite AFTER INSERT ON dossiers BEGIN "
                            "UPDATE dossiers SET fee = 0 WHERE id = new.id; END")
    assert "Lược đồ dữ liệu không đúng của motcua: có thêm trigger «rewrite»." in maintenance.check(session)
    session.db.conn.execute("DROP TRIGGER rewrite")
    session.db.conn.execute("DROP TRIGGER audit_append_only_delete")
    assert "Lược đồ dữ liệu không đúng của motcua: thiếu trigger «audit_append_only_delete»." in \
        maintenance.check(session)
