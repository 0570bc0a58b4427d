"""The province's report and late list as Excel workbooks (openpyxl).

The report shows each rate beside the province plan's target (a row "Mục tiêu" under the total)
and marks every rate where a unit falls short: the cell is filled red and the unit's last column
names the rates it missed. A second sheet gives each indicator's formula base and source.
"""

from pathlib import Path

from counter.dossier import APOLOGY_STATES
from counter.errors import CounterError
from counter.indicators import RATE_LABELS, TARGETS

COUNT_COLUMNS = [
    ("received", "Tiếp nhận"), ("resolved", "Đã giải quyết"), ("results", "Có kết quả"),
    ("early", "Trước hạn"), ("on_time", "Đúng hạn"), ("late", "Trễ hạn"),
    ("rejected", "Từ chối"), ("stopped", "Dừng giải quyết"), ("progress_on_time", "Đúng tiến độ (QĐ 766)"),
    ("returned", "Đã trả kết quả"), ("in_progress", "Đang giải quyết"),
    ("overdue", "Quá hạn"), ("digitized", "Số hóa hồ sơ"), ("result_digitized", "Số hóa kết quả"),
    ("online", "Trực tuyến"), ("eligible_received", "Tiếp nhận TTHC toàn trình"),
    ("eligible_online", "  trong đó trực tuyến"), ("postal", "Bưu chính công ích"),
    ("with_fee", "Có thu phí, lệ phí"), ("paid_online", "  trong đó thanh toán trực tuyến"),
    ("returning", "Người nộp đã có hồ sơ trước"), ("reused_returning", "  trong đó tái sử dụng dữ liệu"),
    ("rated_citizen", "Công dân tự đánh giá"), ("rated_officer", "Cán bộ nhập đánh giá"),
    ("complained", "Có phản ánh, kiến nghị"), ("lci_resolved", "Đã giải quyết: đất đai, xây dựng, đầu tư"),
]
RATE_COLUMNS = [
    ("progress_rate", "Tỷ lệ đúng tiến độ (QĐ 766)"), ("on_time_rate", "Tỷ lệ đúng hạn"),
    ("early_rate", "Tỷ lệ trước hạn"), ("late_rate", "Tỷ lệ trễ hạn"),
    ("apology_rate", "Tỷ lệ xin lỗi khi trễ"), ("apology_on_time_rate", "Tỷ lệ xin lỗi đúng hạn"),
    ("digitized_rate", "Tỷ lệ số hóa hồ sơ"), ("result_digitized_rate", "Tỷ lệ số hóa kết quả"),
    ("online_rate", "Tỷ lệ trực tuyến"), ("online_eligible_rate", "Tỷ lệ trực tuyến (TTHC toàn trình)"),
    ("postal_rate", "Tỷ lệ bưu chính"), ("online_payment_rate", "Tỷ lệ thanh toán trực tuyến"),
    ("reuse_rate", "Tỷ lệ tái sử dụng dữ liệu"), ("satisfaction_rate", "Tỷ lệ hài lòng"),
    ("citizen_satisfaction_rate", "Tỷ lệ hài lòng (công dân tự đánh giá)"),
    ("officer_satisfaction_rate", "Tỷ lệ hài lòng (cán bộ nhập)"),
    ("satisfaction_index", "Chỉ số hài lòng (QĐ 766)"),
    ("lci_satisfaction_rate", "Tỷ lệ hài lòng: đất đai, xây dựng, đầu tư"),
    ("lci_satisfaction_index", "Chỉ số hài lòng: đất đai, xây dựng, đầu tư"),
]
SHORT_COLUMN = "Chưa đạt chỉ tiêu"
LATE_COLUMNS = [
    ("unit", "Mã đơn vị"), ("unit_name", "Đơn vị"), ("code", "Mã hồ sơ"), ("procedure_name", "Thủ tục"),
    ("received_at", "Tiếp nhận"), ("due_at", "Hạn giải quyết"), ("result_at", "Có kết quả"),
    ("days_late", "Số ngày làm việc trễ"), ("state", "Tình trạng"), ("apology", "Đã xin lỗi"),
    ("apology_reason", "Lý do trễ"), ("apology_state", "Tình trạng xin lỗi"),
]
STATES = {"resolved_late": "Đã giải quyết, trễ hạn", "overdue": "Chưa giải quyết, quá hạn"}
_SHORT_FILL = "FFC7CE"  # Excel's "bad" red
_SHORT_TEXT = "9C0006"


def report_workbook(report: dict, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    short_fill, short_font = PatternFill("solid", start_color=_SHORT_FILL), Font(color=_SHORT_TEXT, bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([f"Tình hình giải quyết hồ sơ từ {report['from'][:10]} đến trước {report['to'][:10]}"])
    columns = COUNT_COLUMNS + RATE_COLUMNS
    sheet.append(["Mã đơn vị", "Đơn vị"] + [label for _, label in columns] + [SHORT_COLUMN])
    first_rate = 3 + len(COUNT_COLUMNS)
    for row in report["units"] + [dict(report["total"], unit="", name="Toàn tỉnh")]:
        short = set(row["short"])
        sheet.append([row["unit"], row["name"]] + [row[key] for key, _ in columns]
                     + ["; ".join(RATE_LABELS[key] for key in row["short"])])
        for offset, (key, _) in enumerate(RATE_COLUMNS):
            cell = sheet.cell(row=sheet.max_row, column=first_rate + offset)
            cell.number_format = "0.0%"
            if key in short:
                cell.fill, cell.font = short_fill, short_font
    sheet.append(["", "Mục tiêu"] + [""] * len(COUNT_COLUMNS)
                 + [TARGETS[key].text if key in TARGETS else "" for key, _ in RATE_COLUMNS])
    basis = book.create_sheet("Chỉ tiêu")
    basis.append(["Chỉ tiêu", "Mã", "Mục tiêu", "Căn cứ"])
    for key, label in RATE_COLUMNS:
        target = TARGETS.get(key)
        basis.append([label, key, target.text if target else "", target.source if target else "(không có mục tiêu)"])
    _save(book, path)


def late_workbook(rows: list[dict], month: str, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ trễ hạn"
    sheet.append([f"Danh sách hồ sơ trễ hạn tháng {month}"])
    sheet.append([label for _, label in LATE_COLUMNS])
    for row in rows:
        values = dict(row, state=STATES[row["state"]], apology="Có" if row["apology"] else "Không",
                      apology_state=APOLOGY_STATES[row["apology_state"]])
        sheet.append([values[key] for key, _ in LATE_COLUMNS])
    _save(book, path)


def _save(book, path: Path) -> None:
    try:
        book.save(path)
    except OSError as exc:
        raise CounterError(f"Không ghi được tệp {path}: {exc.strerror}.", f"cannot write {path}") from None
