"""Issue 9, item 7: no traceback and no half-write for any unit-side input.

Each refusal is one Vietnamese line, a non-zero exit, and every table as it was
(including the audit trail and the code reservations, which `receive` wrote
before crashing on bad input).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from counter.session import Session
from tests.counter.helpers import table_dump

ROOT = Path(__file__).resolve().parents[2]
CODE = "000.00.53.H48-250303-0001"
HUGE = str(2**63)
LONG = "Thôn Đông " * 10_000  # 100,000 characters
SURROGATE = "Nguy\udcc3\udca9n"  # b"Nguy\xc3\xa9n" cut into lone bytes: not UTF-8 on the command line
HOSTILE_TEXT = {
    "bidi override": "Nguyễn \u202eVăn Đức",
    "bidi isolate": "Lê \u2066Thị\u2069 Hoa",
    "right-to-left mark": "Trần\u200f Lan",
    "arabic letter mark": "Phạm\u061c An",
    "escape": "Đỗ \x1b[31mAn",
    "nul": "Vũ\x00 An",
    "surrogate": SURROGATE,
    "zero-width joiner": "Hồ\u200dAn",
}


def receive(*extra: str) -> tuple[str, ...]:
    return ("receive", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--at", "2025-03-03 09:00", *extra)


BAD = [
    receive("--fee", HUGE),
    receive("--fee", str(10**12 + 1)),
    receive("--fee", "-1"),
    receive("--fee", "1e20"),
    receive("--fee", "٣٠٠٠"),
    receive("--at", "9999-12-31 23:59"),
    receive("--at", "1999-12-31 09:00"),
    receive("--at", "2100-01-04 09:00"),
    receive("--at", "1899-01-02 09:00"),
    receive("--address", LONG),
    receive("--id-number", "０２４１２３４５６７８９"),
    receive("--id-number", "٠٢٤١٢٣٤٥٦٧٨٩"),
    receive("--phone", "09١٢٣٤٥٦٧٨"),
    receive("--email", "a@" + "b" * 300),
    receive("--document", "Tờ khai\x07"),
    ("receive", "--procedure", "2.001035" + SURROGATE, "--name", "An"),
    ("receive", "--procedure", "2.001035", "--name", "An", "--address", SURROGATE),
    *[("receive", "--procedure", "2.001035", "--name", text, "--at", "2025-03-03 09:00")
      for text in HOSTILE_TEXT.values()],
    ("receive", "--procedure", "2.001035", "--name", "A" * 201),
    ("edit", CODE, "--field", "address", "--value", LONG, "--reason", "Sai"),
    ("edit", CODE, "--field", "fee", "--value", HUGE, "--reason", "Sai"),
    ("edit", CODE, "--field", "fee", "--value", "1_000", "--reason", "Sai"),
    ("edit", CODE, "--field", "name", "--value", "Lê\u202eAn", "--reason", "Sai"),
    ("edit", CODE, "--field", "name", "--value", "Lê An", "--reason", "Sai\x00"),
    ("supplement", CODE, "--reason", "Thiếu\u2067 giấy tờ"),
    ("supplement", CODE, "--reason", "x" * 1001),
    ("supplement", CODE, "--reason", "Thiếu", "--at", "9999-12-31 23:59"),
    ("reject", CODE, "--reason", "\x1b]0;pwned\x07"),
    ("return", CODE, "--to", "Lê\u202eAn"),
    ("apologize", CODE, "--new-due", "9999-12-31 09:00", "--reason", "Chờ"),
    ("show", CODE + "\u202e"),
    ("show", "x" * 100_000),
    ("search", "nguyen\x00"),
    ("search", "a" * 100_000),
    ("search", "nguyen", "--limit", "1e20"),
    ("search", "nguyen", "--limit", str(10**20)),
    ("search", "nguyen", "--limit", "0"),
    ("audit", "--limit", str(10**20)),
    ("audit", "--limit", "-1"),
    ("officers", "--month", "9999-12"),
    ("officers", "--month", "1999-12"),
    ("officers", "--month", "2025-13"),
    ("late", "--as-of", "9999-12-31 23:59"),
    ("due-date", "--from", "9999-12-31 23:59", "--days", "3"),
    ("due-date", "--from", "2025-03-03 09:00", "--days", str(10**20)),
    ("due-date", "--from", "2025-03-03 09:00", "--days", "366"),
    ("calendar", "show", "9999"),
    ("calendar", "show", "1999"),
    ("calendar", "set", "9999-12-31", "off"),
    ("calendar", "set", "2026-03-02", "off", "--reason", "Bầu cử\u202e"),
    ("calendar", "unset", "2026-05-05"),
    ("print", "ledger", "--from", "1999-01-01", "--to", "2025-03-31", "-o", "/nonexistent/so.pdf"),
    ("demo", "--dossiers", "1e20"),
    ("demo", "--dossiers", str(10**20)),
    ("demo", "--dossiers", "0"),
    ("settings", "set", "unit_code", "../../x"),
    ("settings", "set", "unit_name", "UBND\u202e xã"),
    ("settings", "set", "place", LONG),
    ("settings", "set", "office_open", "7h30"),
    ("settings", "set", "workstation", str(10**20)),
    ("wording", "set", "receipt", "title", "BIÊN NHẬN\x1b"),
    ("user", "add", "lan", "--name", "Trần\u202e Lan", "--role", "admin"),
    ("--officer", "Lan\x1b[2J", "search", "nguyen"),
]


@pytest.fixture
def unit(cli, db_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-quan-tri")
    code, _, err = cli(*receive("--id-number", "024123456789"))
    assert code == 0, err
    return cli


@pytest.mark.parametrize("argv", BAD, ids=lambda a: repr(" ".join(a)[:70]))
def test_hostile_input_is_refused_in_one_line_and_changes_nothing(unit, db_path, argv):
    with Session(db_path) as session:
        before = table_dump(session)
    status, out, err = unit(*argv)
    assert status != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi") and "Traceback" not in err, err
    with Session(db_path) as session:
        assert table_dump(session) == before


CATALOGUE_ROWS = {
    "days 1e20": "9.000001,Thủ tục thử,1e20",
    "days 10^20": f"9.000001,Thủ tục thử,{10**20}",
    "days 366": "9.000001,Thủ tục thử,366",
    "fee 2^63": f"9.000001,Thủ tục thử,3,{HUGE}",
    "code with a bidi mark": "9.000\u202e001,Thủ tục thử,3",
    "name with an escape": "9.000001,Thủ tục \x1b[1mthử,3",
    "name of 6000 characters": "9.000001," + "Thủ tục " * 750 + ",3",
}


@pytest.mark.parametrize("row", CATALOGUE_ROWS.values(), ids=CATALOGUE_ROWS.keys())
def test_a_hostile_catalogue_row_is_refused_whole(unit, db_path, tmp_path, row):
    source = tmp_path / "dm.csv"
    source.write_text("code,name,days,fee\n9.000002,Thủ tục tốt,3,\n" + row + "\n", encoding="utf-8")
    with Session(db_path) as session:
        before = table_dump(session)
    status, _, err = unit("catalog", "import", str(source))
    assert status == 1 and err.startswith("Lỗi: Dòng 3:") and "Traceback" not in err, err
    with Session(db_path) as session:
        assert table_dump(session) == before


@pytest.mark.parametrize("code", ["../../x", "000..00.53.H48", ".000.00.53.H48", "000.00.53.H48.", "000/00",
                                  "000.00.53.H48\u202e", "Ｈ48", "A" * 41, "000 00", "-000"])
def test_init_refuses_a_unit_code_that_is_not_an_identifier(db_path, capsys, code):
    from tests.conftest import CLI

    status, _, err = CLI(db_path, capsys)("init", "--unit-code", code, "--unit-name", "UBND xã Tân Tiến")
    assert status == 1 and "Mã định danh đơn vị" in err
    with Session(db_path) as session:
        assert not session.settings.initialised


@pytest.mark.parametrize("code", ["000.00.53.H48", "000.00.31.H06", "H48", "000-00-53-H48", "G01.123"])
def test_init_accepts_the_qcvn_102_shape(db_path, capsys, code):
    from tests.conftest import CLI

    status, _, err = CLI(db_path, capsys)("init", "--unit-code", code, "--unit-name", "UBND xã Tân Tiến")
    assert status == 0, err


def test_the_edges_of_every_bound_are_accepted(unit, tmp_path):
    first = unit.json(*receive("--at", "2000-01-04 09:00", "--fee", "1.000.000.000.000"))
    assert first["code"] == "000.00.53.H48-000104-0001" and first["fee"] == 10**12
    last = unit.json(*receive("--at", "2099-12-29 09:00"))
    assert last["code"] == "000.00.53.H48-991229-0001"
    assert unit.json("due-date", "--from", "2025-03-03 09:00", "--days", "365")["days"] == 365
    source = tmp_path / "dm.csv"
    source.write_text("code,name,days\n9.000001,Thủ tục dài,365 ngày làm việc\n", encoding="utf-8")
    assert unit.json("catalog", "import", str(source))["added"] == 1
    assert unit("officers", "--month", "2099-12")[0] == 0
    assert unit("calendar", "show", "2000")[0] == 0 and unit("calendar", "show", "2099")[0] == 0


def test_invisible_characters_pasted_from_a_web_page_are_dropped(unit):
    dossier = unit.json(*receive("--address", "Thôn\u200b Đông,\ufeff xã\u00ad Tân Tiến"))
    assert dossier["address"] == "Thôn Đông, xã Tân Tiến"


def test_office_hours_are_stored_as_hh_mm(unit):
    assert unit("settings", "set", "office_open", " 7:05 ")[0] == 0
    assert unit.json("settings", "show")["office_open"] == "07:05"


def test_unsetting_an_absent_day_writes_no_audit_row(unit, db_path):
    with Session(db_path) as session:
        rows = session.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    status, _, err = unit("calendar", "unset", "2026-05-05")
    assert status == 1 and "không có trong lịch riêng" in err
    with Session(db_path) as session:
        assert session.db.execute("SELECT count(*) FROM audit").fetchone()[0] == rows
    assert unit("calendar", "set", "2026-05-05", "off", "--reason", "Bão")[0] == 0
    assert unit("calendar", "unset", "2026-05-05")[0] == 0


def test_a_real_process_refuses_invalid_utf8_in_argv_and_writes_nothing(unit, db_path):
    with Session(db_path) as session:
        before = table_dump(session)
    run = subprocess.run(
        [sys.executable, "main.py", "--db", str(db_path), "receive", "--procedure", "2.001035",
         "--name", b"Nguy\xc3n \xff\xfe", "--at", "2025-03-03 10:00"],
        cwd=ROOT, capture_output=True,
    )
    err = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 1 and "Traceback" not in err and "UTF-8" in err, err
    with Session(db_path) as session:
        assert table_dump(session) == before
