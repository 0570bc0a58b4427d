"""province commands with `--db postgresql://…`: the CLI suite again on a server, and what a
server adds: its users and their privileges instead of motcua's logins."""

import json

import pytest

from tests.cli import test_province_cli as sqlite_suite
from tests.cli.test_province_cli import (  # noqa: F401 (the tests and fixtures run here again)
    test_a_damaged_file_exits_non_zero_with_a_message_and_imports_nothing,
    test_a_long_gap_is_one_short_line,
    test_a_report_needs_a_month_or_a_quarter,
    test_an_unexpected_failure_is_one_line_and_changes_nothing,
    test_one_bad_file_in_an_import_stores_nothing_from_the_good_ones,
    test_province_import_report_late_and_show,
    test_text_output_names_gaps_and_skipped_files,
)
from tests.conftest import CLI
from tests.counter.export_helpers import dump

unit_file = sqlite_suite.unit_file  # the unit's export, a fixture


@pytest.fixture
def enrolment(cli, tmp_path):
    """The unit's `keys export`, for `province enrol`."""
    path = tmp_path / "enrolment.json"
    code, _, err = cli("keys", "export", "-o", str(path))
    assert code == 0, err
    return path


@pytest.fixture
def province(pg_url, enrolment, capsys):
    """The province server, with the unit's workstation key enrolled."""
    runner = CLI(pg_url, capsys)
    code, _, err = runner("province", "enrol", str(enrolment))
    assert code == 0, err
    return runner


@pytest.fixture
def analyst(postgres, province, unit_file, capsys):
    """The owner imported a file; `an_analyst` may read every province table, `a_stranger` nothing."""
    assert province("province", "import", unit_file)[0] == 0
    database = province.path.split("/")[3].split("?")[0]
    postgres.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'an_analyst') THEN"
                  " CREATE ROLE an_analyst LOGIN; CREATE ROLE a_stranger LOGIN; END IF; END $$")
    postgres.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO an_analyst", database, "motcua")
    return CLI(postgres.url(database, "an_analyst"), capsys), CLI(postgres.url(database, "a_stranger"), capsys)


def test_an_analyst_reads_the_reports_and_may_not_import(analyst, province, unit_file):
    reader, stranger = analyst
    report = reader.json("province", "report", "--month", "2025-03")
    assert report["total"]["received"] == 2
    assert reader.json("province", "late", "--month", "2025-03")
    before = dump(province.path)
    code, out, err = reader("province", "import", unit_file)
    assert (code, out) == (1, "") and "không có quyền nhập tệp" in err and "an_analyst" in err
    code, out, err = stranger("province", "report", "--month", "2025-03")
    assert (code, out) == (1, "") and "không có quyền xem báo cáo" in err
    assert dump(province.path) == before


def test_a_user_who_may_not_create_tables_is_told_to_import_first_as_the_owner(postgres, capsys):
    database = postgres.new_database()
    postgres.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_stranger') THEN"
                  " CREATE ROLE a_stranger LOGIN; END IF; END $$")
    code, out, err = CLI(postgres.url(database, "a_stranger"), capsys)("province", "report", "--month", "2025-03")
    assert (code, out) == (1, "") and err.count("\n") == 1 and "người dùng sở hữu cơ sở dữ liệu" in err


def test_a_server_address_serves_only_the_province_commands(province, monkeypatch):
    code, out, err = province("search", "Nguyễn")
    assert (code, out) == (1, "") and "chỉ dùng cho các lệnh «province»" in err
    monkeypatch.setenv("MOTCUA_PASSWORD", "x")
    code, out, err = province("--user", "admin", "province", "report", "--month", "2025-03")
    assert code == 1 and "không dùng --user" in err


def test_a_server_that_does_not_answer_is_one_line(postgres, capsys, tmp_path):
    url = f"postgresql://motcua:secret@/nowhere?host={tmp_path}&port=1"
    code, out, err = CLI(url, capsys)("province", "report", "--month", "2025-03")
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert "Không kết nối được cơ sở dữ liệu PostgreSQL motcua@" in err and "secret" not in err


def test_the_json_of_an_import_is_the_same_as_on_sqlite(province, enrolment, unit_file, tmp_path, capsys):
    on_sqlite = CLI(tmp_path / "province.sqlite3", capsys)
    assert on_sqlite("province", "enrol", str(enrolment))[0] == 0
    assert province.json("province", "import", unit_file) == on_sqlite.json("province", "import", unit_file)
    for command in (("province", "report", "--month", "2025-03"), ("province", "late", "--month", "2025-03"),
                    ("province", "show", "000.00.53.H48-250303-0001")):
        assert json.dumps(province.json(*command)) == json.dumps(on_sqlite.json(*command)), command
