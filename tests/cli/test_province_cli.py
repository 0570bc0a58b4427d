"""export and province commands end to end, the province on a database never set up as a unit."""

import json
from pathlib import Path

import openpyxl
import pytest

from counter.province import figures, importing
from tests.conftest import CLI
from tests.counter.export_helpers import dump, key_of, members_of, with_dossier_lines


@pytest.fixture
def unit_file(cli, tmp_path):
    for name, at in (("Nguyễn Văn An", "2025-03-03 09:00"), ("Lê Thị Hoa", "2025-03-03 10:00")):
        code, _, err = cli("receive", "--procedure", "1.004873", "--name", name, "--at", at)
        assert code == 0, err
    code, _, err = cli("result", "000.00.53.H48-250303-0001", "--at", "2025-03-10 16:00")
    assert code == 0, err
    return cli.json("export", "--out", str(tmp_path / "out"))["file"]


@pytest.fixture
def province(cli, tmp_path, capsys):
    """The province, with the unit's workstation key enrolled as officers do it: `keys export`
    at the unit, `province enrol` at the province."""
    enrolment = tmp_path / "enrolment.json"
    code, _, err = cli("keys", "export", "-o", str(enrolment))
    assert code == 0, err
    runner = CLI(tmp_path / "province.sqlite3", capsys)
    code, _, err = runner("province", "enrol", str(enrolment))
    assert code == 0, err
    return runner


def test_province_import_report_late_and_show(unit_file, province, tmp_path):
    result = province.json("province", "import", unit_file)
    assert list(result) == ["files", "dossiers", "events", "gaps", "conflicts", "acks"]
    assert (result["files"], result["dossiers"], result["events"], result["gaps"], result["conflicts"]) == (
        1, 2, 3, [], [])
    assert province.json("province", "import", unit_file)["files"] == 0

    report = province.json("province", "report", "--month", "2025-03", "--xlsx", str(tmp_path / "r.xlsx"))
    [unit] = report["units"]
    assert (unit["unit"], unit["received"], unit["resolved"], unit["late"], unit["in_progress"]) == (
        "000.00.53.H48", 2, 1, 1, 1)
    assert report["total"]["received"] == 2
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").active["C3"].value == 2

    resolved, overdue = province.json("province", "late", "--month", "2025-03")
    assert (resolved["code"], resolved["state"], resolved["days_late"], resolved["apology"]) == (
        "000.00.53.H48-250303-0001", "resolved_late", 2, False)
    assert (overdue["code"], overdue["state"], overdue["days_late"]) == ("000.00.53.H48-250303-0002", "overdue", 17)
    assert province.json("province", "late", "--month", "2025-03", "--xlsx", str(tmp_path / "l.xlsx"))
    assert (tmp_path / "l.xlsx").exists()

    shown = province.json("province", "show", "000.00.53.H48-250303-0001")
    assert shown["applicant_name"] == "Nguyễn Văn An" and shown["timeliness"] == "late"
    assert [e["kind"] for e in shown["events"]] == ["received", "result_recorded"]
    code, out, _ = province("province", "report", "--quarter", "2025-Q1")
    assert code == 0 and "Toàn tỉnh" in out


def test_a_damaged_file_exits_non_zero_with_a_message_and_imports_nothing(unit_file, province, tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(Path(unit_file).read_bytes()[:-100])
    code, out, err = province("province", "import", unit_file, str(damaged), "--json")
    assert code == 1 and out == ""
    assert "damaged.zip bị từ chối" in err
    code, out, _ = province("province", "report", "--month", "2025-03", "--json")
    assert json.loads(out)["units"] == []


def test_text_output_names_gaps_and_skipped_files(unit_file, province, cli, tmp_path):
    cli.json("export", "--out", str(tmp_path / "out"))
    third = cli.json("export", "--out", str(tmp_path / "out"))["file"]
    code, out, _ = province("province", "import", unit_file, third)
    assert code == 0
    assert "Thiếu tệp: đơn vị 000.00.53.H48, quầy 1, lần xuất số 2" in out
    code, out, _ = province("province", "import", unit_file)
    assert "Bỏ qua (đã nhập trước đây)" in out


def test_a_report_needs_a_month_or_a_quarter(province):
    code, _, err = province("province", "report")
    assert code == 2 and "--month" in err
    code, _, err = province("province", "report", "--month", "2025-3")
    assert code == 1 and "YYYY-MM" in err


PASSWORDS = {"admin": "Quan-tri-tinh-2025", "lan": "Mot-cua-Tan-Tien-7", "hoa": "Lanh-dao-so-noi-vu-9"}
CODE = "000.00.53.H48-250303-0001"


@pytest.fixture
def staffed_province(unit_file, province, monkeypatch):
    """A province database with accounts: an admin, an officer (lan) and a head of unit (hoa)."""
    assert province("province", "import", unit_file)[0] == 0
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", PASSWORDS["admin"])
    assert province("user", "add", "admin", "--name", "Quản Trị Tỉnh", "--role", "admin")[0] == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", PASSWORDS["admin"])
    for user, name, role in (("lan", "Trần Thị Lan", "officer"), ("hoa", "Lê Thị Hoa", "head")):
        monkeypatch.setenv("MOTCUA_NEW_PASSWORD", PASSWORDS[user])
        code, _, err = province("--user", "admin", "user", "add", user, "--name", name, "--role", role)
        assert code == 0, err
    return province


@pytest.mark.parametrize("command", [("province", "show", CODE), ("province", "report", "--month", "2025-03"),
                                     ("province", "late", "--month", "2025-03")])
def test_province_figures_need_a_login_and_the_reports_permission(staffed_province, monkeypatch, command):
    monkeypatch.delenv("MOTCUA_USER", raising=False)
    code, out, err = staffed_province(*command)
    assert (code, out) == (1, "") and "Cần đăng nhập" in err
    monkeypatch.setenv("MOTCUA_PASSWORD", PASSWORDS["lan"])
    code, out, err = staffed_province("--user", "lan", *command)
    assert (code, out) == (1, "") and "không có quyền xem báo cáo" in err
    monkeypatch.setenv("MOTCUA_PASSWORD", PASSWORDS["hoa"])
    code, out, err = staffed_province("--user", "hoa", *command, "--json")
    assert code == 0 and json.loads(out), err


def test_one_bad_file_in_an_import_stores_nothing_from_the_good_ones(unit_file, province, cli, tmp_path):
    assert province("province", "import", unit_file)[0] == 0
    code, _, err = cli("receive", "--procedure", "1.004873", "--name", "Phạm Văn Nam", "--at", "2025-03-04 09:00")
    assert code == 0, err
    good = cli.json("export", "--out", str(tmp_path / "out"))["file"]
    code, _, err = cli("receive", "--procedure", "1.004873", "--name", "Đỗ Thị Mai", "--at", "2025-03-05 09:00")
    assert code == 0, err
    second = Path(cli.json("export", "--out", str(tmp_path / "out"))["file"])
    [line_bytes] = members_of(second)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(line_bytes)
    record["code"] = "000.00.99.H99" + record["code"][len("000.00.53.H48"):]
    bad = with_dossier_lines(second, [json.dumps(record, ensure_ascii=False).encode() + b"\n"], tmp_path,
                             key_of(cli.path))
    before = dump(province.path)
    code, out, err = province("province", "import", good, str(bad))
    assert (code, out) == (1, "") and err.count("\n") == 1 and "không phải mã của đơn vị 000.00.53.H48" in err
    assert dump(province.path) == before
    assert province.json("province", "import", good)["files"] == 1


def test_an_unexpected_failure_is_one_line_and_changes_nothing(unit_file, province, monkeypatch):
    assert province("province", "import", unit_file)[0] == 0
    before = dump(province.path)

    def broken(*args, **kwargs):
        raise ValueError("hỏng\nở hai dòng")

    monkeypatch.setattr(figures, "report", broken)
    code, out, err = province("province", "report", "--month", "2025-03")
    assert (code, out) == (1, "") and err.count("\n") == 1 and err.startswith("Lỗi: Lệnh dừng vì lỗi không lường trước")
    monkeypatch.setattr(importing, "gaps", broken)
    code, out, err = province("province", "import", unit_file)
    assert (code, out) == (1, "") and err.count("\n") == 1 and "Traceback" not in err
    assert dump(province.path) == before


def test_a_long_gap_is_one_short_line(cli, province, tmp_path):
    files = [cli.json("export", "--out", str(tmp_path / "out"))["file"] for _ in range(5)]
    code, out, _ = province("province", "import", files[0], files[4])
    assert code == 0 and "lần xuất số 2–4" in out
