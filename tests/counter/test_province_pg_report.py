"""The province report suite again, on PostgreSQL: the same units, files and expected figures
as tests/counter/test_province_report.py, the province's copy on a server."""

import pytest

from counter import intake, lifecycle
from counter.province import figures, late
from counter.province.importing import import_files
from counter.province.server import ServerSession
from counter.session import Session
from tests.counter.export_helpers import enrol, enrol_files, enrolment_file, export_file, province_state, unit_session
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
    files, enrolments = [], []
    with unit_session(tmp_path / "a.sqlite3") as first:
        codes = _first_unit(first, scan)
        files.append(export_file(first, tmp_path / "out"))
        enrolments.append(enrolment_file(first))
    with unit_session(tmp_path / "b.sqlite3", code="000.00.53.H49", name="UBND xã Tân Lập") as second:
        code = intake.receive(second, PROCEDURE, "Ngô Văn Khoa", at=at(3, 9), channel="postal").code
        lifecycle.record_result(second, code, at=at(4, 9))
        files.append(export_file(second, tmp_path / "out"))
        enrolments.append(enrolment_file(second))
    with ServerSession(pg_url) as session:
        enrol_files(session, enrolments)
        import_files(session, files)
        session.codes = codes
        yield session


def test_the_new_fields_count_the_same_on_both_engines(tmp_path, pg_url):
    """Issue 11's fields (payment, who rated, complaints, a supplement after the due date, a late
    apology), as tests/counter/test_province_report.py sends them: the same figures, late list
    and dossier on PostgreSQL as on SQLite."""
    with unit_session(tmp_path / "a.sqlite3") as unit:
        paid = intake.receive(unit, "2.001035", "Nguyễn Văn An", at=at(3, 9), payment="online", fee_receipt="BL-0001")
        lifecycle.record_result(unit, paid.code, at=at(4, 9))
        lifecycle.return_result(unit, paid.code, at=at(4, 10), rating="satisfied", rating_by="citizen")
        lifecycle.complain(unit, paid.code, "Phải đi lại", at=at(4, 11))
        slow = intake.receive(unit, PROCEDURE, "Trần Thị Bình", at=at(3, 9))
        lifecycle.apologize(unit, slow.code, at(12, 9), "Chờ xác minh", at=at(6, 8))
        lifecycle.request_supplement(unit, slow.code, "Thiếu", at=at(7, 9))
        lifecycle.resume(unit, slow.code, at=at(10, 9))
        lifecycle.record_result(unit, slow.code, at=at(11, 9))
        files = [export_file(unit, tmp_path / "out")]
        with Session(tmp_path / "province.sqlite3") as on_sqlite, ServerSession(pg_url) as on_pg:
            enrol(on_sqlite, unit)
            enrol(on_pg, unit)
    month = figures.period_of(month="2025-03")
    with Session(tmp_path / "province.sqlite3") as on_sqlite, ServerSession(pg_url) as on_pg:
        import_files(on_sqlite, files)
        import_files(on_pg, files)
        report = figures.report(on_pg, month)
        assert report == figures.report(on_sqlite, month)
        [row] = report["units"]
        assert (row["with_fee"], row["paid_online"], row["rated_citizen"], row["complained"]) == (1, 1, 1, 1)
        assert (row["late"], row["early"], row["late_apologized"], row["late_apologized_on_time"]) == (1, 1, 1, 0)
        [listed] = late.late_list(on_pg, month)
        assert [listed] == late.late_list(on_sqlite, month)
        assert listed["code"] == slow.code and listed["apology_state"] == "late"
        for code in (paid.code, slow.code):
            assert province_state(on_pg, code) == province_state(on_sqlite, code)
