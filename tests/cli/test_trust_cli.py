"""Issue 13's commands end to end: keys, enrolment, the province package, acknowledgements, resends."""

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.counter.export_helpers import Entry, build_zip, dump, manifest_body, members_of


@pytest.fixture
def province(tmp_path, capsys):
    runner = CLI(tmp_path / "province.sqlite3", capsys)
    keys = runner.json("province", "init-key")
    runner.fingerprint = keys["signing_fingerprint"]
    return runner


def _receive(cli, name: str, at: str) -> None:
    code, _, err = cli("receive", "--procedure", "1.004873", "--name", name, "--at", at)
    assert code == 0, err


def test_keys_show_prints_the_fingerprint_to_read_over_the_phone(cli):
    shown = cli.json("keys", "show")
    assert set(shown) == {"unit", "workstation", "public_key", "fingerprint", "created_at", "file", "rotations"}
    assert (shown["unit"], shown["workstation"], shown["rotations"]) == ("000.00.53.H48", 1, 0)
    code, out, _ = cli("keys", "show")
    assert code == 0 and shown["fingerprint"] in out
    rotated = cli.json("keys", "rotate")
    assert rotated["fingerprint"] != shown["fingerprint"] and rotated["rotations"] == 1


def test_enrol_list_revoke_and_a_whole_round_with_the_package_and_the_acknowledgement(cli, province, tmp_path):
    enrolment = tmp_path / "enrolment.json"
    exported = cli.json("keys", "export", "-o", str(enrolment))
    fingerprint = exported["fingerprint"]
    code, _, err = province("province", "enrol", str(enrolment), "--fingerprint", "AAAA-AAAA-AAAA-AAAA-AAAA")
    assert code == 1 and "không khớp mã đã đối chiếu" in err
    enrolled = province.json("province", "enrol", str(enrolment), "--fingerprint", fingerprint.lower())
    assert (enrolled["unit"], enrolled["workstation"], enrolled["status"]) == ("000.00.53.H48", 1, "active")
    [listed] = province.json("province", "keys")
    assert listed["fingerprint"] == fingerprint

    calendar = tmp_path / "calendar.csv"
    calendar.write_text("date,type,reason,decision\n2027-01-01,off,Tết Dương lịch,"
                        "Thông báo 1234/TB-BNV ngày 20/10/2026\n", encoding="utf-8")
    built = province.json("province", "package", "--calendar", str(calendar), "-o", str(tmp_path / "package.json"))
    assert built["fingerprint"] == province.fingerprint
    code, _, err = cli("package", "import", str(tmp_path / "package.json"))
    assert code == 1 and f"--confirm {province.fingerprint}" in err
    applied = cli.json("package", "import", str(tmp_path / "package.json"), "--confirm", province.fingerprint)
    assert applied["pinned_now"] and applied["calendar_days"] == 1

    _receive(cli, "Nguyễn Văn An", "2025-03-03 09:00")
    files = []
    for _ in range(3):
        result = cli.json("export", "--out", str(tmp_path / "out"))
        assert result["encrypted"] and result["signed_by"] == fingerprint and not result["resent"]
        files.append(result["file"])
    imported = province.json("province", "import", files[0], files[2], "--acks", str(tmp_path / "acks"))
    [ack] = imported["acks"]
    code, out, _ = cli("ack", "import", ack)
    assert code == 0 and "Tỉnh đã nhận đến số 3 · thiếu số 2" in out
    assert cli.json("ack", "show")["missing"] == [[2, 2]]
    resent = cli.json("export", "--resend", "2", "--out", str(tmp_path / "again"))
    assert (resent["sequence"], resent["resent"]) == (2, True)
    again = province.json("province", "import", resent["file"], "--acks", str(tmp_path / "acks"))
    cli.json("ack", "import", again["acks"][0])
    code, out, _ = cli("ack", "show")
    assert out.strip() == "Tỉnh đã nhận đến số 3"

    revoked = province.json("province", "revoke", fingerprint, "--reason", "Máy bị mất")
    assert revoked["status"] == "revoked"
    _receive(cli, "Lê Thị Hoa", "2025-03-04 09:00")
    late = cli.json("export", "--out", str(tmp_path / "out"))["file"]
    before = dump(province.path)
    code, out, err = province("province", "import", late)
    assert (code, out) == (1, "") and "đã bị thu hồi" in err and err.count("\n") == 1
    assert dump(province.path) == before


def test_an_unsigned_file_needs_accept_unsigned(cli, province, tmp_path):
    _receive(cli, "Nguyễn Văn An", "2025-03-03 09:00")
    path = Path(cli.json("export", "--out", str(tmp_path / "out"))["file"])
    members = members_of(path)
    manifest = json.loads(members.pop("manifest.json"))
    del members["manifest.json.sig"], members["audit.jsonl"], manifest["signer"], manifest["audit"]
    manifest.update(format_version=1, parts=[p for p in manifest["parts"] if p["name"] != "audit.jsonl"])
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    old = tmp_path / "old.zip"
    old.write_bytes(build_zip([Entry(name.encode(), data, method=zipfile.ZIP_DEFLATED) for name, data in
                               members.items()]))
    code, _, err = province("province", "import", str(old))
    assert code == 1 and "--accept-unsigned" in err
    assert province.json("province", "import", str(old), "--accept-unsigned")["files"] == 1


def test_resending_what_was_never_exported_is_one_line(cli):
    code, out, err = cli("export", "--resend", "4")
    assert (code, out) == (1, "") and "chưa có lần xuất số 4" in err and err.count("\n") == 1
    code, _, err = cli("export", "--resend", "0")
    assert code == 2


def test_approving_a_counter_s_key_is_audited_once(cli):
    code, out, _ = cli("keys", "approve", "abcd-efgh-ijkl-mnop-qrst", "--name", "Quầy 2")
    assert code == 0 and "ABCD-EFGH-IJKL-MNOP-QRST" in out
    assert cli.json("keys", "approve", "ABCDEFGHIJKLMNOPQRST")["new"] is False
    code, _, err = cli("keys", "approve", "not-a-key")
    assert code == 1 and "không phải mã khóa" in err
    assert [row["action"] for row in cli.json("audit")].count("station_approved") == 1
