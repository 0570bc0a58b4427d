"""Province figures and the public late list, checked against figures worked out by hand.

Procedure 1.004873 takes 3 working days; March 2025 has no public holiday.
"""

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from counter import applicant_details, intake, lifecycle
from counter import unit as unit_setup
from counter.errors import CounterError
from counter.intake import DocumentInput
from counter.province import dossiers as province_dossiers
from counter.province import figures, late
from counter.province.importing import import_files
from counter.session import Session
from tests.counter.export_helpers import enrol, export_file, unit_session

PROCEDURE = "1.004873"


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0)


def _first_unit(session: Session, scan: Path) -> dict:
    """Eight dossiers received in March 2025; the comments say how each one counts."""
    def receive(name, when, **extra):
        return intake.receive(session, PROCEDURE, name, at=when, **extra).code

    scanned = [DocumentInput("Tờ khai", file=scan)]
    # A: due Thu 6/3 09:00, result Wed 5/3 -> early; digitized, result digitized; returned, satisfied.
    a = receive("Nguyễn Văn An", at(3, 9), documents=scanned)
    lifecycle.record_result(session, a, at=at(5, 10), file=scan)
    lifecycle.return_result(session, a, at=at(5, 15), rating="satisfied")
    # B: due Thu 6/3 10:00, result 6/3 09:00 -> on time; digitized; returned, unsatisfied.
    b = receive("Trần Văn Bình", at(3, 10), documents=scanned)
    lifecycle.record_result(session, b, at=at(6, 9))
    lifecycle.return_result(session, b, at=at(6, 11), rating="unsatisfied")
    # C: due Thu 6/3 11:00, apology, result Tue 11/3 -> late by 3 working days (7, 10, 11/3).
    c = receive("Lê Thị Cúc", at(3, 11))
    lifecycle.apologize(session, c, at(12, 11), "Chờ xác minh", at=at(5, 9))
    lifecycle.record_result(session, c, at=at(11, 14))
    # D: due Fri 7/3 09:00, no result by the end of March -> in progress and overdue.
    d = receive("Phạm Văn Dũng", at(4, 9))
    # E: waiting for a supplement -> in progress, its clock stopped: not overdue.
    e = receive("Hoàng Thị Én", at(4, 10))
    lifecycle.request_supplement(session, e, "Thiếu giấy tờ", at=at(4, 11))
    # F: received Fri 28/3, due 2/4 -> in progress, not overdue.
    receive("Vũ Văn Phúc", at(28, 9))
    # G: online (digitized), due Mon 10/3 09:00, result 10/3 16:00 -> late within the due day;
    # returned by post (postal), very satisfied; no apology.
    g = receive("Đặng Thị Giang", at(5, 9), channel="online")
    lifecycle.record_result(session, g, at=at(10, 16))
    lifecycle.return_result(session, g, at=at(11, 9), channel="postal", rating="very-satisfied")
    # H: rejected an hour after receipt -> resolved, in its own column: not early (issue 11 §3).
    h = receive("Bùi Văn Hải", at(6, 9))
    lifecycle.reject(session, h, "Không thuộc thẩm quyền", at=at(6, 10))
    return {"c": c, "d": d, "g": g}


# Resolved: A, B, C, G and H; results proper A, B, C, G (H is a rejection, beside them).
EXPECTED_FIRST = {
    "received": 8, "digitized": 3, "online": 1, "postal": 1, "reused": 0,
    "resolved": 5, "results": 4, "rejected": 1, "stopped": 0, "early": 1, "on_time": 1, "late": 2,
    "late_apologized": 1, "late_apologized_on_time": 1, "result_digitized": 1,
    "returned": 3, "very_satisfied": 1, "satisfied": 1, "unsatisfied": 1, "in_progress": 3, "overdue": 1,
    "on_time_rate": 0.5, "early_rate": 0.25, "late_rate": 0.5, "apology_rate": 0.5, "apology_on_time_rate": 0.5,
    "digitized_rate": 0.375, "result_digitized_rate": 0.25, "online_rate": 0.125, "postal_rate": 0.125,
    "satisfaction_rate": 0.6667,
    # QĐ 766 progress: A, B and the rejection H ended by their due date; C and G did not.
    "progress_on_time": 3, "progress_rate": 0.6,
    # QĐ 766 satisfaction: B unsatisfied, C and G late -> 1 - 3/5.
    "satisfaction_failed": 3, "satisfaction_index": 0.4,
    # Every rating here was keyed by the officer (the default of return_result).
    "rated_officer": 3, "rated_citizen": 0, "officer_satisfaction_rate": 0.6667, "citizen_satisfaction_rate": None,
}


@pytest.fixture
def province(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    files = []
    session = Session(tmp_path / "province.sqlite3")
    with unit_session(tmp_path / "a.sqlite3") as first:
        codes = _first_unit(first, scan)
        files.append(export_file(first, tmp_path / "out"))
        enrol(session, first)
    with unit_session(tmp_path / "b.sqlite3", code="000.00.53.H49", name="UBND xã Tân Lập") as second:
        # One dossier, received 3/3 and resolved the next day: early.
        code = intake.receive(second, PROCEDURE, "Ngô Văn Khoa", at=at(3, 9), channel="postal").code
        lifecycle.record_result(second, code, at=at(4, 9))
        files.append(export_file(second, tmp_path / "out"))
        enrol(session, second)
    with session:
        import_files(session, files)
        session.codes = codes
        yield session


def test_the_monthly_report_per_unit_and_in_total(province):
    report = figures.report(province, figures.period_of(month="2025-03"))
    assert (report["from"], report["to"]) == ("2025-03-01T00:00:00", "2025-04-01T00:00:00")
    first, second = report["units"]
    assert (first["unit"], first["name"]) == ("000.00.53.H48", "UBND xã Tân Tiến")
    assert {k: first[k] for k in EXPECTED_FIRST} == EXPECTED_FIRST
    assert (second["received"], second["resolved"], second["early"], second["postal"]) == (1, 1, 1, 1)
    total = report["total"]
    assert (total["received"], total["resolved"], total["early"], total["late"]) == (9, 6, 2, 2)
    assert (total["in_progress"], total["overdue"], total["postal"]) == (3, 1, 2)
    assert total["on_time_rate"] == round(3 / 5, 4) and total["digitized_rate"] == round(3 / 9, 4)
    # The plan's targets beside the figures, and what each unit misses (Kế hoạch 3/KH-UBND, 2024).
    assert report["targets"]["on_time_rate"] == {"value": 0.9, "op": ">", "text": "> 90%",
                                                 "source": report["targets"]["on_time_rate"]["source"]}
    assert {"on_time_rate", "early_rate", "apology_rate", "satisfaction_rate", "progress_rate"} <= set(first["short"])
    assert "postal_rate" in first["short"] and "postal_rate" not in second["short"]


def test_a_quarter_and_a_month_without_activity(province):
    quarter = figures.report(province, figures.period_of(quarter="2025-Q1"))
    assert quarter["to"] == "2025-04-01T00:00:00" and quarter["total"]["received"] == 9
    april = figures.report(province, figures.period_of(month="2025-04"))
    # D and E are still open: carried over; nothing received, nothing resolved.
    assert (april["total"]["received"], april["total"]["resolved"], april["total"]["in_progress"]) == (0, 0, 3)
    assert april["total"]["on_time_rate"] is None


@pytest.mark.parametrize("month, quarter", [("2025-13", None), ("03/2025", None), (None, "2025-Q5"), (None, None)])
def test_a_malformed_period_is_refused(month, quarter):
    with pytest.raises(CounterError):
        figures.period_of(month, quarter)


def test_the_late_list_counts_working_days_and_shows_apologies(province):
    rows = late.late_list(province, figures.period_of(month="2025-03"))
    by_code = {row["code"]: row for row in rows}
    codes = province.codes
    assert set(by_code) == {codes["c"], codes["d"], codes["g"]}
    c, d, g = by_code[codes["c"]], by_code[codes["d"]], by_code[codes["g"]]
    assert (c["state"], c["days_late"], c["apology"]) == ("resolved_late", 3, True)
    assert (g["state"], g["days_late"], g["apology"]) == ("resolved_late", 1, False)
    # Kế hoạch 3/KH-UBND II.7: the reason and the apology state (C apologised Wed 5/3, due Thu 6/3).
    assert (c["reason"], c["apology_state"]) == ("Chờ xác minh", "on_time")
    assert (g["reason"], g["apology_state"], d["apology_state"]) == ("", "none", "none")
    # Working days after Fri 7/3 up to Mon 31/3: 10-14, 17-21, 24-28 and 31 March.
    assert (d["state"], d["days_late"], d["result_at"]) == ("overdue", 16, None)
    assert c["unit_name"] == "UBND xã Tân Tiến" and c["procedure_name"].startswith("Cấp Giấy xác nhận")
    assert "applicant_name" not in c


def test_the_late_list_follows_the_province_calendar(province):
    unit_setup.set_day(province, date(2025, 3, 20), False, "Nghỉ bù theo quyết định của tỉnh")
    rows = late.late_list(province, figures.period_of(month="2025-03"))
    assert {row["code"]: row["days_late"] for row in rows}[province.codes["d"]] == 15


def test_the_workbooks_hold_the_same_figures(province, tmp_path):
    from counter.province import workbook

    report = figures.report(province, figures.period_of(month="2025-03"))
    workbook.report_workbook(report, tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx").active
    header = [cell.value for cell in sheet[2]]
    first = dict(zip(header, [cell.value for cell in sheet[3]], strict=False))
    assert first["Mã đơn vị"] == "000.00.53.H48" and first["Tiếp nhận"] == 8 and first["Trễ hạn"] == 2
    assert first["Tỷ lệ đúng hạn"] == 0.5 and first["Từ chối"] == 1 and first["Tỷ lệ đúng tiến độ (QĐ 766)"] == 0.6
    assert [cell.value for cell in sheet[5]][1] == "Toàn tỉnh"
    # The targets under the total, and the shortfalls marked red and named in the last column.
    targets = dict(zip(header, [cell.value for cell in sheet[6]], strict=False))
    assert targets["Đơn vị"] == "Mục tiêu" and targets["Tỷ lệ đúng hạn"] == "> 90%"
    assert targets["Tỷ lệ hài lòng: đất đai, xây dựng, đầu tư"] == "≥ 85%"
    on_time = sheet.cell(row=3, column=header.index("Tỷ lệ đúng hạn") + 1)
    assert on_time.fill.start_color.rgb.endswith("FFC7CE")
    assert "Kết quả trước và đúng hạn" in first["Chưa đạt chỉ tiêu"]
    assert openpyxl.load_workbook(tmp_path / "report.xlsx")["Chỉ tiêu"].max_row == 1 + len(workbook.RATE_COLUMNS)

    rows = late.late_list(province, figures.period_of(month="2025-03"))
    workbook.late_workbook(rows, "2025-03", tmp_path / "late.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "late.xlsx").active
    assert sheet.max_row == 2 + len(rows)
    assert {row[9].value for row in sheet.iter_rows(min_row=3)} == {"Có", "Không"}
    assert {row[11].value for row in sheet.iter_rows(min_row=3)} == {"Xin lỗi đúng hạn", "Chưa xin lỗi"}


def test_the_new_fields_reach_the_province_and_its_figures(tmp_path):
    """Issue 11 §3 and issue 15: payment, who rated, complaints, a supplement after the due date and
    the apology's timeliness travel in the export, are stored and counted; the public late list
    carries no applicant data (ND 61/2018 art. 19.9 lists dossiers, not people)."""
    with unit_session(tmp_path / "a.sqlite3") as unit:
        paid = intake.receive(unit, "2.001035", "Nguyễn Văn An", at=at(3, 9), payment="online",
                              fee_receipt="BL-0001", birth_date="1985-02-14", sex="nam",
                              representative=applicant_details.Representative("Lê Văn Tâm", "", "0987654321"))
        lifecycle.record_result(unit, paid.code, at=at(4, 9))
        lifecycle.return_result(unit, paid.code, at=at(4, 10), rating="satisfied", rating_by="citizen")
        lifecycle.complain(unit, paid.code, "Phải đi lại", at=at(4, 11))
        slow = intake.receive(unit, PROCEDURE, "Trần Thị Bình", at=at(3, 9), birth_date="1990-01-01")  # due 6/3
        lifecycle.apologize(unit, slow.code, at(12, 9), "Chờ xác minh", at=at(6, 8))  # the due day: late
        lifecycle.request_supplement(unit, slow.code, "Thiếu", at=at(7, 9))
        lifecycle.resume(unit, slow.code, at=at(10, 9))
        lifecycle.record_result(unit, slow.code, at=at(11, 9))
        files = [export_file(unit, tmp_path / "out")]
        with Session(tmp_path / "province.sqlite3") as province:
            enrol(province, unit)
    with Session(tmp_path / "province.sqlite3") as province:
        import_files(province, files)
        stored, _ = province_dossiers.get(province, paid.code)
        assert (stored.payment, stored.fee_receipt, stored.rating_by, stored.complaints) == (
            "online", "BL-0001", "citizen", 1)
        assert (stored.birth_date, stored.sex, stored.representative_name) == ("1985-02-14", "nam", "Lê Văn Tâm")
        report = figures.report(province, figures.period_of(month="2025-03"))
        [row] = report["units"]
        assert (row["with_fee"], row["paid_online"], row["online_payment_rate"]) == (1, 1, 1.0)
        assert (row["rated_citizen"], row["complained"], row["satisfaction_index"]) == (1, 1, 0.0)
        assert (row["late"], row["early"], row["late_apologized"], row["late_apologized_on_time"]) == (1, 1, 1, 0)
        [listed] = late.late_list(province, figures.period_of(month="2025-03"))
        assert listed["code"] == slow.code and listed["apology_state"] == "late"
        assert listed["reason"] == "Chờ xác minh" and listed["state"] == "resolved_late"
        assert not {"birth_date", "sex", "applicant_name", "id_number", "phone", "address"} & set(listed)
        assert "1990-01-01" not in json.dumps(listed, ensure_ascii=False)
