"""Hạn giải quyết đã tính lại: after a calendar change, the open dossiers whose due date moved
(counter/unit.py), each with its old and new date; the officer prints the new appointment
(the receipt, Mẫu 01, again) for the citizens to be told (issue 11 §1)."""

from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.printer import FormPrinter

COLUMNS = ("Mã hồ sơ", "Hạn cũ", "Hạn mới", "Ngày hẹn trả")


class RecomputedDialog(QDialog):
    def __init__(self, changed: list[dict], printer: FormPrinter, parent: QWidget | None = None):
        super().__init__(parent)
        self.changed, self.printer = changed, printer
        self.setWindowTitle("Hạn giải quyết đã tính lại")
        note = QLabel(f"Lịch làm việc thay đổi: đã tính lại hạn giải quyết của {len(changed)} hồ sơ đang giải quyết. "
                      "Hãy in giấy hẹn mới và báo cho người nộp.")
        note.setWordWrap(True)
        self.table = QTableWidget(len(changed), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for row, item in enumerate(changed):
            appointment = _when(item["new_appointment_at"])
            if item["new_appointment_at"] != item["new_due_at"]:
                appointment += " (đã xin lỗi, hẹn lại)"
            new_due = _when(item["new_due_at"]) + (" (dự kiến)" if item.get("provisional") else "")
            for column, text in enumerate((item["code"], _when(item["old_due_at"]), new_due, appointment)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.selectAll()
        self.print_button = QPushButton("In giấy hẹn mới")
        self.print_button.clicked.connect(self.print_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, min(520, 160 + 30 * len(changed)))

    def selected_codes(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.changed[row]["code"] for row in rows]

    def print_selected(self) -> None:
        """The receipt of each selected dossier, with its new appointment."""
        for code in self.selected_codes():
            self.printer.form("receipt", code)


def _when(text: str) -> str:
    return datetime.fromisoformat(text).strftime("%H:%M %d/%m/%Y")
