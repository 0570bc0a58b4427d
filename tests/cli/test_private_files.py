"""Issue 9, item 6: what motcua writes is readable by the officer's own account only (POSIX),
and exporting the calendar needs a login like looking at it."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from counter import private
from counter.errors import CounterError
from counter.session import Session
from tests.conftest import CLI, UNIT

ROOT = Path(__file__).resolve().parents[2]
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def loose_umask():
    """The usual 022 umask of a desktop session, restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_under(folder: Path) -> list[Path]:
    return [folder, *folder.rglob("*")]


@posix
def test_every_file_and_folder_the_command_line_makes_is_private(tmp_path, capsys, loose_umask):
    home = tmp_path / "du-lieu"
    cli = CLI(home / "unit.sqlite3", capsys)
    assert cli("init", "--unit-code", UNIT["unit_code"], "--unit-name", UNIT["unit_name"],
               "--starter-catalogue")[0] == 0
    os.umask(0o022)
    holder = sqlite3.connect(home / "unit.sqlite3")  # keeps the -wal and -shm while the commands run
    holder.execute("SELECT count(*) FROM settings").fetchone()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan")
    code = cli.json("receive", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--id-number", "024123456789",
                    "--at", "2025-03-03 09:00")["code"]
    assert cli("digitize", code, "--document", "1", "--file", str(scan))[0] == 0
    assert cli("print", "receipt", code, "-o", str(home / "bien-nhan.pdf"))[0] == 0
    assert cli("calendar", "export", str(home / "lich.csv"))[0] == 0
    assert cli("export", "--with-files")[0] == 0  # an export folder, and an automatic backup
    assert cli("backup")[0] == 0
    made = everything_under(home)
    loose = {str(path.relative_to(tmp_path)): oct(mode(path)) for path in made
             if mode(path) != (private.FOLDER_MODE if path.is_dir() else private.FILE_MODE)}
    holder.close()
    names = {path.name for path in made}
    assert {"unit.sqlite3", "unit.sqlite3-wal", "unit.sqlite3-shm", "bien-nhan.pdf", "lich.csv", "exports",
            "unit.sqlite3-files", "unit.sqlite3-backups"} <= names
    assert any(path.suffix == ".zip" for path in made) and any(path.parent.name == "unit.sqlite3-backups"
                                                                for path in made)
    assert loose == {}


@posix
def test_a_database_made_world_readable_before_is_made_private_when_opened(tmp_path, loose_umask):
    path = tmp_path / "unit.sqlite3"
    with Session(path) as session:
        session.db.execute("CREATE TABLE IF NOT EXISTS x (y)")
    assert mode(path) == private.FILE_MODE  # created private even without the umask
    os.chmod(path, 0o644)
    with Session(path):
        assert mode(path) == private.FILE_MODE
        assert mode(path.with_name("unit.sqlite3-wal")) == private.FILE_MODE


@posix
def test_the_installed_entry_point_sets_the_umask(tmp_path):
    db = tmp_path / "moi" / "unit.sqlite3"
    script = ("import os, sys; os.umask(0o022); sys.argv[1:] = sys.argv[1:];"
              "import main; code = main.main(sys.argv[1:]); print(oct(os.umask(0o022))); sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", script, "--db", str(db), "init", "--unit-code", "000.00.53.H48",
                          "--unit-name", "UBND xã Tân Tiến"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "0o77"
    assert mode(db.parent) == private.FOLDER_MODE and mode(db) == private.FILE_MODE


@posix
def test_writing_a_form_over_a_device_or_a_folder_is_refused(tmp_path):
    with pytest.raises(CounterError, match="không phải là một tệp thông thường"):
        private.write_file(Path("/dev/null"), b"%PDF")
    with pytest.raises(CounterError, match="không phải là một tệp thông thường"):
        private.write_file(tmp_path, b"%PDF")
    target = tmp_path / "cu.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    private.write_file(target, b"%PDF new")
    assert target.read_bytes() == b"%PDF new" and mode(target) == private.FILE_MODE
    assert [p.name for p in tmp_path.iterdir()] == ["cu.pdf"]


def test_exporting_the_calendar_needs_a_login(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-quan-tri")
    assert cli("user", "add", "admin", "--name", "Quản Trị Viên", "--role", "admin")[0] == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-quan-tri")
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-lan-2025")
    assert cli("--user", "admin", "user", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer")[0] == 0
    out = tmp_path / "lich.csv"
    status, _, err = cli("calendar", "export", str(out))
    assert status == 1 and "Cần đăng nhập để xem hồ sơ" in err and not out.exists()
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-lan-2025")
    status, _, err = cli("--user", "lan", "calendar", "export", str(out))
    assert status == 0, err
    assert out.read_text(encoding="utf-8").startswith("date,")


def test_changing_ones_own_password_on_the_command_line_asks_the_current_one(cli, monkeypatch):
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-quan-tri")
    assert cli("user", "add", "admin", "--name", "Quản Trị Viên", "--role", "admin")[0] == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-quan-tri")
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-moi-2026")
    status, _, err = cli("--user", "admin", "user", "passwd", "admin")
    assert status == 1 and "MOTCUA_OLD_PASSWORD" in err
    monkeypatch.setenv("MOTCUA_OLD_PASSWORD", "doan-bua-thoi")
    status, _, err = cli("--user", "admin", "user", "passwd", "admin")
    assert status == 1 and "Mật khẩu hiện tại không đúng" in err
    monkeypatch.setenv("MOTCUA_OLD_PASSWORD", "mat-khau-quan-tri")
    assert cli("--user", "admin", "user", "passwd", "admin")[0] == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-moi-2026")
    assert cli("--user", "admin", "user", "list")[0] == 0
