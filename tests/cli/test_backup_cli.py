"""`backup`, `backups` and `restore` through the command line (issue 9)."""

import os
from pathlib import Path

import pytest

from counter.session import Session
from db import backup as backup_db
from tests.counter.test_restore_candidates import fingerprint_closed


def _receive(cli) -> str:
    return cli.json("receive", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--at",
                    "2025-03-03 09:00")["code"]


def test_backup_out_writes_a_new_verified_file(cli, tmp_path):
    target = tmp_path / "usb" / "sao-luu.sqlite3"
    code, out, err = cli("backup", "--out", str(target))
    assert code == 0, err
    assert out.strip() == f"Đã sao lưu và kiểm tra: {target}"
    assert backup_db.integrity_problems(target) == []
    assert [p.name for p in target.parent.iterdir()] == ["sao-luu.sqlite3"]  # no temporary file left


def _existing_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "co-san.sqlite3"
    path.write_bytes(b"the officer's own file")
    return path, "đã có; motcua không ghi đè"


def _folder(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "thu-muc"
    path.mkdir()
    return path, "là một thư mục"


def _symlink_to_a_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "lien-ket.sqlite3"
    (tmp_path / "that.txt").write_bytes(b"kept")
    path.symlink_to(tmp_path / "that.txt")
    return path, "là một liên kết"


def _dangling_symlink(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "lien-ket-treo.sqlite3"
    path.symlink_to(tmp_path / "nowhere" / "x.sqlite3")
    return path, "là một liên kết"


def _device(tmp_path: Path) -> tuple[Path, str]:
    return Path("/dev/null"), "không phải tệp thường"


def _fifo(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "ong.sqlite3"
    os.mkfifo(path)
    return path, "không phải tệp thường"


@pytest.mark.parametrize("occupied", [_existing_file, _folder, _symlink_to_a_file, _dangling_symlink, _device, _fifo],
                         ids=lambda f: f.__name__.strip("_"))
def test_backup_out_refuses_anything_already_there_and_changes_nothing(cli, db_path, tmp_path, occupied):
    place = tmp_path / "dich"
    place.mkdir()
    target, reason = occupied(place)
    listing = sorted(p.name for p in place.iterdir())
    content = target.read_bytes() if target.is_file() else None
    kind = os.lstat(target).st_mode
    before = fingerprint_closed(db_path)
    code, out, err = cli("backup", "--out", str(target))
    assert code == 1 and out == ""
    assert err.startswith("Lỗi: ") and reason in err and err.count("\n") == 1
    assert sorted(p.name for p in place.iterdir()) == listing  # no temporary file either
    assert os.lstat(target).st_mode == kind
    if content is not None:
        assert target.read_bytes() == content
    assert not (place / "nowhere").exists()
    assert fingerprint_closed(db_path) == before


def test_backups_lists_what_motcua_recorded_and_marks_the_rest(cli, db_path):
    code, _, err = cli("backup")
    assert code == 0, err
    folder = backup_db.folder_for(db_path)
    planted = folder / "motcua-29991231-235959.sqlite3"
    planted.write_bytes(b"planted")
    listed = cli.json("backups")
    assert [(Path(b["file"]).name == planted.name, b["recorded"]) for b in listed] == [(True, False), (False, True)]
    assert {"file", "at", "label", "recorded"} <= listed[0].keys()
    code, out, _ = cli("backups")
    assert "không có trong sổ sao lưu" in out.splitlines()[0] and "không có" not in out.splitlines()[1]


def test_restore_names_the_dossiers_to_enter_again(cli, db_path, tmp_path):
    kept = _receive(cli)
    saved = tmp_path / "sang-nay.sqlite3"
    assert cli("backup", "--out", str(saved))[0] == 0
    lost = _receive(cli)
    code, out, err = cli("restore", str(saved))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Đã khôi phục từ {saved}; dữ liệu trước đó được lưu tại ")
    assert lines[1].startswith("Các hồ sơ chỉ có trong bản lưu trước khi khôi phục, cần nhập lại: ")
    assert lost in lines[1]
    assert "không cấp lại cho người khác" in lines[1]
    again = _receive(cli)
    assert again not in (kept, lost)
    result = cli.json("restore", str(saved))
    assert result["only_in_safety_copy"] == [again] and result["restored_from"] == str(saved)
    assert {"previous_saved_as", "schema_version", "reservations_kept", "changed_since_backup"} <= result.keys()
    with Session(db_path) as session:
        assert {row[0] for row in session.db.execute("SELECT code FROM dossiers")} == {kept}
