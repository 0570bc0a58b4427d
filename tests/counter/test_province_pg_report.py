"""The province report suite again, on PostgreSQL: the same units, files and expected figures
as tests/counter/test_province_report.py, the province's copy on a server."""

import pytest

from counter import intake, lifecycle
from counter.province.importing import import_files
from counter.province.server import ServerSession
from tests.counter.export_helpers import export_file, unit_session
from tests.counter.test_province_report import (  # noqa: F401 (the tests run here again)
    PROCEDURE,
    _first_unit,
    at,
    test_a_quarter_and_a_month_without_activity,
    test_the_late_list_counts_working_days_and_shows_apologies,
    test_the_monthly_report_per_unit_and_in_total,
    test_the_workbooks_hold_the_same_figures,
)


@pytest.fixture
def province(tmp_path, pg_url):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    files = []
    with unit_session(tmp_path / "a.sqlite3") as first:
        codes = _first_unit(first, scan)
        files.append(export_file(first, tmp_path / "out"))
    with unit_session(tmp_path / "b.sqlite3", code="000.00.53.H49", name="UBND xã Tân Lập") as second:
        code = intake.receive(second, PROCEDURE, "Ngô Văn Khoa", at=at(3, 9), channel="postal").code
        lifecycle.record_result(second, code, at=at(4, 9))
        files.append(export_file(second, tmp_path / "out"))
    with ServerSession(pg_url) as session:
        import_files(session, files)
        session.codes = codes
        yield session
