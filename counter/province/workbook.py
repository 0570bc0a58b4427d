"""The province's report and late list as Excel workbooks (openpyxl)."""

from pathlib import Path

from counter.errors import CounterError

COUNT_COLUMNS = [
    ("received", "Tiếp nhận"), ("resolved", "Đã giải quyết"), ("early", "Trước hạn"), ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"), ("returned", "Đã trả kết quả"), ("in_progress", "Đang giải quyết"),
    ("overdue", "Quá hạn"), ("digitized", "Số hóa hồ sơ"), ("result_digitized", "Số hóa kết quả"),
    ("online", "Trực tuyến"), ("postal", "Bưu chính công ích"),
]
RATE_COLUMNS = [
    ("on_time_rate", "Tỷ lệ đúng hạn"), ("early_rate", "Tỷ lệ trước hạn"), ("late_rate", "Tỷ lệ trễ hạn"),
    ("apology_rate", "Tỷ lệ xin lỗi khi trễ"), ("digitized_rate", "Tỷ lệ số hóa hồ sơ"),
    ("result_digitized_rate", "Tỷ lệ số hóa kết quả"), ("online_rate", "Tỷ lệ trực tuyến"),
    ("postal_rate", "Tỷ lệ bưu chính"), ("satisfaction_rate", "Tỷ lệ hài lòng"),
]
LATE_COLUMNS = [
    ("unit", "Mã đơn vị"), ("unit_name", "Đơn vị"), ("code", "Mã hồ sơ"), ("procedure_name", "Thủ tục"),
    ("received_at", "Tiếp nhận"), ("due_at", "Hạn giải quyết"), ("result_at", "Có kết quả"),
    ("days_late", "Số ngày làm việc trễ"), ("state", "Tình trạng"), ("apology", "Đã xin lỗi"),
    ("apology_reason", "Lý do trễ"),
]
STATES = {"resolved_late": "Đã giải quyết, trễ hạn", "overdue": "Chưa giải quyết, quá hạn"}


def report_workbook(report: dict, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([f"Tình hình giải quyết hồ sơ từ {report['from'][:10]} đến trước {report['to'][:10]}"])
    sheet.append(["Mã đơn vị", "Đơn vị"] + [label for _, label in COUNT_COLUMNS + RATE_COLUMNS])
    for row in report["units"] + [dict(report["total"], unit="", name="Toàn tỉnh")]:
        sheet.append([row["unit"], row["name"]] + [row[key] for key, _ in COUNT_COLUMNS + RATE_COLUMNS])
    first_rate = 3 + len(COUNT_COLUMNS)
    for column in sheet.iter_cols(min_col=first_rate, min_row=3):
        for cell in column:
            cell.number_format = "0.0%"
    _save(book, path)


def late_workbook(rows: list[dict], month: str, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ trễ hạn"
    sheet.append([f"Danh sách hồ sơ trễ hạn tháng {month}"])
    sheet.append([label for _, label in LATE_COLUMNS])
    for row in rows:
        values = dict(row, state=STATES[row["state"]], apology="Có" if row["apology"] else "Không")
        sheet.append([values[key] for key, _ in LATE_COLUMNS])
    _save(book, path)


def _save(book, path: Path) -> None:
    try:
        book.save(path)
    except OSError as exc:
        raise CounterError(f"Không ghi được tệp {path}: {exc.strerror}.", f"cannot write {path}") from None
