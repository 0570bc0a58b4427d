"""Issue 9, item 3: a restore accepts only a sound motcua database of this unit.

Every hostile candidate is refused with one Vietnamese line before anything
is touched: the live database is byte-for-byte what it was (table dump and
file hashes), and no safety backup was even taken.
"""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from counter import backups, dossiers, unit
from counter.errors import CounterError
from counter.session import Session
from db import migrations
from tests.conftest import UNIT
from tests.counter.helpers import receive, table_dump


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _genuine(session, tmp_path) -> Path:
    return backups.make(session, tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.sqlite3")


def zero_bytes(session, tmp_path):
    path = tmp_path / "rong.sqlite3"
    path.write_bytes(b"")
    return path, "tệp rỗng"


def not_sqlite(session, tmp_path):
    path = tmp_path / "hong.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    return path, "không phải tệp cơ sở dữ liệu SQLite"


def unrelated_database(session, tmp_path):
    path = tmp_path / "khac.sqlite3"
    _sql(path, "CREATE TABLE notes (x)", "INSERT INTO notes VALUES (1)")
    return path, "không phải cơ sở dữ liệu của motcua"


def unrelated_with_motcua_s_version(session, tmp_path):
    path = tmp_path / "gia.sqlite3"
    _sql(path, "CREATE TABLE notes (x)", "PRAGMA user_version = 3")
    return path, "lược đồ dữ liệu không đúng của motcua"


def another_application(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "PRAGMA application_id = 1598903374")  # Fossil's
    return path, "không phải cơ sở dữ liệu của motcua"


def hostile_trigger(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "CREATE TRIGGER rewrite AFTER INSERT ON dossiers BEGIN "
               "UPDATE dossiers SET applicant_name = 'Kẻ Gian', fee = 0 WHERE id = new.id; END")
    return path, "có thêm trigger «rewrite»"


def audit_triggers_dropped(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "DROP TRIGGER audit_append_only_update", "DROP TRIGGER audit_append_only_delete")
    return path, "thiếu trigger «audit_append_only_delete»"


def audit_trigger_rewritten(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "DROP TRIGGER audit_append_only_delete",
         "CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT 1; END")
    return path, "trigger «audit_append_only_delete» đã bị sửa"


def extra_view(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "CREATE VIEW everyone AS SELECT * FROM applicants")
    return path, "có thêm view «everyone»"


def extra_table(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "CREATE TABLE stash (x)")
    return path, "có thêm bảng «stash»"


def extra_index(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "CREATE INDEX dossiers_fee ON dossiers (fee)")
    return path, "có thêm chỉ mục «dossiers_fee»"


def missing_index(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "DROP INDEX dossiers_late")
    return path, "thiếu chỉ mục «dossiers_late»"


def from_the_future(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "PRAGMA user_version = 99")
    return path, "phiên bản motcua mới hơn (lược đồ 99"


def version_zero(session, tmp_path):
    path = _genuine(session, tmp_path)
    _sql(path, "PRAGMA user_version = 0")
    return path, "không phải cơ sở dữ liệu của motcua"


def other_unit(session, tmp_path):
    copy = tmp_path / "don-vi-khac.sqlite3"
    with Session(tmp_path / "other" / "unit.sqlite3") as other:
        unit.configure(other, **dict(UNIT, unit_code="000.00.99.H48"))
        backups.make(other, copy)
    return copy, "dữ liệu của đơn vị «000.00.99.H48»"


def broken_audit_chain(session, tmp_path):
    path = _genuine(session, tmp_path)
    trigger = sqlite3.connect(path).execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_append_only_update'").fetchone()[0]
    _sql(path, "DROP TRIGGER audit_append_only_update", "UPDATE audit SET detail = '{}' WHERE id = 2", trigger)
    return path, "nhật ký kiểm tra bị phá vỡ từ dòng 2"


def damaged_pages(session, tmp_path):
    path = _genuine(session, tmp_path)
    data = bytearray(path.read_bytes())
    page = sqlite3.connect(path).execute("SELECT rootpage FROM sqlite_master WHERE name = 'dossiers_code_rev'")
    start = (page.fetchone()[0] - 1) * 4096
    data[start:start + 4096] = b"\xde\xad\xbe\xef" * 1024
    path.write_bytes(bytes(data))
    return path, "không toàn vẹn"


def a_folder(session, tmp_path):
    path = tmp_path / "thu-muc"
    path.mkdir()
    return path, "không phải tệp thường"


def a_device(session, tmp_path):
    return Path("/dev/null"), "không phải tệp thường"


def missing(session, tmp_path):
    return tmp_path / "khong-co.sqlite3", "Không tìm thấy tệp sao lưu"


def the_live_database(session, tmp_path):
    return session.path, "chính là cơ sở dữ liệu đang dùng"


HOSTILE = [zero_bytes, not_sqlite, unrelated_database, unrelated_with_motcua_s_version, another_application,
           hostile_trigger, audit_triggers_dropped, audit_trigger_rewritten, extra_view, extra_table, extra_index,
           missing_index, from_the_future, version_zero, other_unit, broken_audit_chain, damaged_pages, a_folder,
           a_device, missing, the_live_database]


def _sha(path: Path) -> str | None:
    """The file's SHA-256, read by another process: closing any descriptor of a database file
    drops this process's POSIX locks on it, SQLite's included (the SQLite "how to corrupt" page)."""
    if not path.exists():
        return None
    script = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
    return subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def fingerprint(session) -> tuple:
    """Every table's rows, the hashes of the database file and its WAL, and the backups folder."""
    path = session.path
    folder = backups.folder(session)
    return (table_dump(session), _sha(path), _sha(path.with_name(path.name + "-wal")),
            sorted(p.name for p in folder.iterdir()) if folder.exists() else [])


@pytest.mark.parametrize("make", HOSTILE, ids=lambda f: f.__name__)
def test_a_hostile_candidate_is_refused_and_changes_nothing(session, tmp_path, make):
    code = receive(session).code
    source, reason = make(session, _files(tmp_path))
    before = fingerprint(session)
    with pytest.raises(CounterError) as refused:
        backups.restore(session, source)
    message = refused.value.message
    assert reason in message and "\n" not in message
    assert fingerprint(session) == before
    assert not list(session.path.parent.glob("*.restoring*"))
    assert dossiers.get(session, code)


def _files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("make", [hostile_trigger, from_the_future, zero_bytes, unrelated_database],
                         ids=lambda f: f.__name__)
def test_the_cli_refuses_a_hostile_candidate_in_one_line(cli, db_path, tmp_path, make):
    code, _, err = cli("receive", "--procedure", "2.001035", "--name", "Lê An")
    assert code == 0, err
    with Session(db_path) as session:
        source, reason = make(session, _files(tmp_path))
    # No connection open: the WAL is folded into the file, so the file's hash says it all.
    before = fingerprint_closed(db_path)
    code, out, err = cli("restore", str(source))
    assert code == 1 and out == ""
    assert err.startswith("Lỗi: ") and reason in err and err.count("\n") == 1
    assert fingerprint_closed(db_path) == before


def fingerprint_closed(path: Path) -> tuple:
    hashes = (_sha(path), _sha(path.with_name(path.name + "-wal")))
    with Session(path) as session:
        dump = fingerprint(session)[0]
    assert (_sha(path), _sha(path.with_name(path.name + "-wal"))) == hashes  # opening to read changed nothing
    return dump, hashes


def test_a_backup_of_a_not_yet_initialised_database_is_refused_for_an_initialised_one(session, tmp_path):
    empty = tmp_path / "empty" / "unit.sqlite3"
    Session(empty).close()
    copy = tmp_path / "chua-khoi-tao.sqlite3"
    with Session(empty) as fresh:
        backups.make(fresh, copy)
    before = fingerprint(session)
    with pytest.raises(CounterError, match="đơn vị «chưa khởi tạo»"):
        backups.restore(session, copy)
    assert fingerprint(session) == before


def test_a_new_database_carries_motcua_s_application_id(db_path):
    with Session(db_path) as session:
        assert session.db.conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
