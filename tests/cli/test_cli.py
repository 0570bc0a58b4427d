"""The command-line contract of the core issue: names, options, JSON keys, refusals."""

import subprocess
import sys
from pathlib import Path

import pytest

from counter.cli import parse
from counter.session import Session
from tests.counter.helpers import table_dump

ROOT = Path(__file__).resolve().parents[2]
DOSSIER_KEYS = {"code", "procedure_code", "applicant_name", "id_number", "channel", "received_at", "due_at",
                "appointment_at", "status", "result_at", "returned_at", "late", "digitized", "result_digitized"}


def receive(cli, *extra):
    return cli.json("receive", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--id-number",
                    "024123456789", "--phone", "0912345678", "--at", "2025-03-03 09:00", *extra)


def test_a_dossier_through_its_whole_life(cli, tmp_path):
    dossier = receive(cli)
    assert DOSSIER_KEYS <= dossier.keys()
    code = dossier["code"]
    assert (code, dossier["due_at"], dossier["status"]) == ("000.00.53.H48-250303-0001", "2025-03-05T09:00:00",
                                                            "received")
    assert cli.json("supplement", code, "--reason", "Thiếu giấy tờ", "--at", "2025-03-04 09:00")["status"] == \
        "waiting_supplement"
    resumed = cli.json("resume", code, "--at", "2025-03-06 10:00")
    assert resumed["due_at"] == "2025-03-10T10:00:00"
    apologized = cli.json("apologize", code, "--new-due", "2025-03-12 10:00", "--reason", "Chờ xác minh",
                          "--at", "2025-03-07 10:00")
    assert apologized["appointment_at"] == "2025-03-12T10:00:00" and apologized["due_at"] == "2025-03-10T10:00:00"
    scan = tmp_path / "ket-qua.pdf"
    scan.write_bytes(b"%PDF result")
    result = cli.json("result", code, "--at", "2025-03-11 10:00", "--file", str(scan))
    assert result["late"] is True and result["result_digitized"] is True and result["timeliness"] == "late"
    returned = cli.json("return", code, "--at", "2025-03-12 09:00", "--to", "Nguyễn Thị Mai", "--channel", "postal",
                        "--rating", "satisfied")
    assert returned["status"] == "returned" and returned["returned_at"] == "2025-03-12T09:00:00"
    shown = cli.json("show", code)
    assert [e["kind"] for e in shown["events"]] == [
        "received", "supplement_requested", "supplement_received", "apologized", "result_recorded", "returned"]
    assert [d["code"] for d in cli.json("late", "--as-of", "2025-03-31 00:00")] == [code]
    assert [d["code"] for d in cli.json("search", "nguyen van duc")] == [code]


def test_edit_digitize_reject_stop(cli, tmp_path):
    code = receive(cli)["code"]
    code, _, err = cli("edit", code, "--field", "name", "--value", "Nguyễn Văn Đực", "--reason", "Sai dấu")
    assert code == 0, err
    code = "000.00.53.H48-250303-0001"
    assert cli.json("show", code)["applicant_name"] == "Nguyễn Văn Đực"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF")
    for n in (1, 3):
        cli.json("digitize", code, "--document", str(n), "--file", str(scan))
    assert cli.json("digitize", code, "--document", "2", "--not-required")["digitized"] is True
    assert cli.json("reject", code, "--reason", "Không thuộc thẩm quyền", "--at", "2025-03-03 10:00")["status"] == \
        "rejected"
    other = receive(cli)["code"]
    assert cli.json("stop", other, "--reason", "Công dân rút hồ sơ", "--at", "2025-03-03 11:00")["status"] == "stopped"


def test_due_date_and_calendar_commands(cli, tmp_path):
    due = cli.json("due-date", "--from", "2024-02-07 16:00", "--days", "3")
    assert due["due_at"] == "2024-02-20T07:30:00"
    assert {"date": "2024-02-09", "kind": "skipped", "reason": "Tết Âm lịch, 30 tháng Chạp (giao thừa) — theo "
            "Thông báo 5015/TB-LĐTBXH ngày 22/11/2023"} in due["explain"]
    year = cli.json("calendar", "show", "2026")
    assert {"date": "2026-08-22", "reason": "Làm bù cho ngày nghỉ Thứ Hai 31/08/2026 — theo Thông báo "
            "9441/TB-BNV ngày 16/10/2025", "source": "make-up", "official": True} in year["working_weekend_days"]
    assert "2026-04-27" in [d["date"] for d in year["non_working_weekdays"]]
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n", encoding="utf-8")
    assert cli("calendar", "import", str(source))[0] == 0
    assert "2026-03-02" in [d["date"] for d in cli.json("calendar", "show", "2026")["non_working_weekdays"]]
    out = tmp_path / "xa.csv"
    assert cli("calendar", "export", str(out))[0] == 0
    assert "2026-03-02,off,Bầu cử" in out.read_text(encoding="utf-8")
    code, text, _ = cli("calendar", "show", "2024")
    assert code == 0 and "04/05/2024 (Thứ Bảy): Làm bù cho ngày nghỉ Thứ Hai 29/04/2024" in text


def test_catalog_commands(cli, tmp_path):
    listed = cli.json("catalog", "list")
    assert {"code", "name", "days", "fee", "field", "level", "documents"} <= listed[0].keys()
    source = tmp_path / "dm.csv"
    source.write_text("code,name,days\n9.000001,Thủ tục thử,4\n", encoding="utf-8")
    assert cli.json("catalog", "import", str(source))["added"] == 1
    assert len(cli.json("catalog", "list")) == len(listed) + 1


BAD = [
    ("receive", "--procedure", "0.000000", "--name", "A"),
    ("receive", "--procedure", "2.001035", "--name", " "),
    ("receive", "--procedure", "2.001035", "--name", "A", "--id-number", "12ab"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--at", "03/03/2025 9h"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--fee", "-20"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--channel", "fax"),
    ("show", "000.00.53.H48-990101-0001"),
    ("result", "000.00.53.H48-250303-0001", "--at", "2025-03-01 09:00"),
    ("apologize", "000.00.53.H48-250303-0001", "--new-due", "2025-03-20 09:00", "--reason", "lần hai"),
    ("due-date", "--from", "2025-03-03 09:00", "--days", "-2"),
    ("edit", "000.00.53.H48-250303-0001", "--field", "name", "--value", "B", "--reason", ""),
    ("catalog", "import", "/nonexistent/danh-muc.csv"),
    ("calendar", "import", "/nonexistent/lich.csv"),
    ("calendar", "show", "99999"),
    ("digitize", "000.00.53.H48-250303-0001", "--document", "7", "--not-required"),
    ("search", ""),
    ("late", "--as-of", "hôm nay"),
]


@pytest.mark.parametrize("argv", BAD, ids=lambda a: " ".join(a)[:60])
def test_bad_input_gives_one_vietnamese_line_and_changes_nothing(cli, db_path, argv):
    code = receive(cli)["code"]
    cli.json("apologize", code, "--new-due", "2025-03-10 09:00", "--reason", "Chờ", "--at", "2025-03-04 09:00")
    with Session(db_path) as session:
        before = table_dump(session)
    status, out, err = cli(*argv)
    assert status != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi") and "Traceback" not in err
    with Session(db_path) as session:
        assert table_dump(session) == before


def test_a_real_process_exits_non_zero_without_traceback(tmp_path):
    db = tmp_path / "unit.sqlite3"
    run = subprocess.run([sys.executable, "main.py", "--db", str(db), "receive", "--procedure", "x", "--name", "A"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "chưa được khởi tạo" in run.stderr


def test_officer_and_user_come_from_the_environment_as_it_is_at_each_command(monkeypatch):
    """The parser is built once per process; what the environment names is read at each command."""
    monkeypatch.setenv("MOTCUA_OFFICER", "Lê Văn Tâm")
    monkeypatch.delenv("MOTCUA_USER", raising=False)
    first = parse(["receive", "--procedure", "2.001035", "--name", "A"])
    assert (first.officer, first.user) == ("Lê Văn Tâm", None)
    monkeypatch.setenv("MOTCUA_OFFICER", "Trần Thị Lan")
    monkeypatch.setenv("MOTCUA_USER", "lan")
    second = parse(["receive", "--procedure", "2.001035", "--name", "B"])
    assert (second.officer, second.user, second.name) == ("Trần Thị Lan", "lan", "B")
    assert parse(["--officer", "Ngô Thị Mai", "show", "X"]).officer == "Ngô Thị Mai"
