"""Hồ sơ sắp trễ hạn: dossiers overdue or due within one working day, and the apology.

ND 61/2018 art. 19.9: at the latest one working day before the due date the
citizen gets a written apology with the reason and a new appointment, and
the appointment may move only once. The apology is written here, saved, and
its form printed; a dossier that already has one can only reprint it.
"""

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter.changes import Changes
from counter.clock import now
from counter.lifecycle import apologize, due_soon
from counter.session import Session
from counter.transitions import TABLE, EventKind
from ui.access import Access
from ui.operations import Runner, message_of
from ui.printer import FormPrinter
from ui.refresh import Refresh
from ui.widgets import MessageLine, from_qdatetime, row_table, to_qdatetime

HEADERS = ("Mã hồ sơ", "Người nộp", "Thủ tục", "Hạn giải quyết", "Hẹn trả", "Tình trạng", "Xin lỗi")


class LateWorkScreen(QWidget):
    def __init__(self, runner: Runner, printer: FormPrinter, access: Access | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.printer = runner, printer
        self.access = access or Access()
        self.dossiers: list = []
        self.suggestions: dict = {}
        self.table = row_table(HEADERS, (215, 170, 280, 125, 125, 110))
        self.table.currentCellChanged.connect(lambda row, *_: self._select(row))
        self.count = QLabel()
        self.freshness = QLabel()  # the unit sync: how fresh this list is

        self.form_box = QGroupBox("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.new_due = QDateTimeEdit()
        self.new_due.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.new_due.setCalendarPopup(True)
        self.apology_button = QPushButton("Lập phiếu xin lỗi và in (Ctrl+P)")
        self.apology_button.clicked.connect(self.write_apology)
        self.reprint_button = QPushButton("In lại phiếu xin lỗi")
        self.reprint_button.clicked.connect(self.reprint)
        self.state = QLabel()
        self.state.setWordWrap(True)
        form = QFormLayout(self.form_box)
        form.addRow("", self.state)
        form.addRow("Lý do chậm trễ", self.reason)
        form.addRow("Hẹn lại vào", self.new_due)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apology_button)
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)
        form.addRow("", buttons)

        self.message = MessageLine()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Hồ sơ quá hạn hoặc đến hạn trong 1 ngày làm việc (F5: tải lại)"))
        top.addStretch(1)
        top.addWidget(self.freshness)
        top.addWidget(self.count)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.form_box)
        layout.addWidget(self.message)
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+P"), self, self.write_apology, context=here)
        QShortcut(QKeySequence("F5"), self, self.start, context=here)
        self._select(-1)

    def show_freshness(self, text: str) -> None:
        self.freshness.setText(text + "  ·  " if text else "")
        self.refresh = Refresh(self, self.start)

    def on_changes(self, changes: Changes) -> None:
        """Which dossiers are late or due soon follows the dossiers, the calendar and the hours."""
        if changes.touches("dossiers", "settings", "calendar"):
            self.refresh()

    def start(self) -> None:
        def load(session):
            moment = now()
            found = due_soon(session, moment)
            return found, moment, {d.code: suggested_appointment(session, d, moment) for d in found}

        self.runner.run(load, done=lambda result: self._loaded(*result))

    def _loaded(self, dossiers: list, as_of: datetime, suggestions: dict) -> None:
        code = self.current().code if self.current() else None
        self.dossiers = dossiers
        self.suggestions = suggestions
        self.as_of = as_of
        self.table.setRowCount(len(dossiers))
        for row, d in enumerate(dossiers):
            overdue = as_of > d.due_at
            cells = (d.code, d.applicant_name, d.procedure_name, f"{d.due_at:%H:%M %d/%m/%Y}",
                     f"{d.appointment_at:%H:%M %d/%m/%Y}", "Quá hạn" if overdue else "Đến hạn trong 1 ngày",
                     f"Đã xin lỗi {d.apology_at:%d/%m/%Y}" if d.apology_at else "Chưa")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(QColor("#f8d0d0" if overdue else "#fde9c4")))
                self.table.setItem(row, column, item)
        self.count.setText(f"{len(dossiers)} hồ sơ")
        codes = [d.code for d in dossiers]
        self.table.setCurrentCell(codes.index(code) if code in codes else (0 if dossiers else -1), 0)
        self._select(self.table.currentRow())

    def current(self):
        row = self.table.currentRow()
        return self.dossiers[row] if 0 <= row < len(self.dossiers) else None

    def select_code(self, code: str) -> bool:
        for row, d in enumerate(self.dossiers):
            if d.code == code:
                self.table.setCurrentCell(row, 0)
                return True
        return False

    def _select(self, row: int) -> None:
        dossier = self.dossiers[row] if 0 <= row < len(self.dossiers) else None
        self.form_box.setEnabled(dossier is not None)
        if dossier is None:
            self.state.setText("Chọn một hồ sơ trong danh sách.")
            return
        done = dossier.apology_at is not None
        permission = TABLE[EventKind.APOLOGIZED].permission
        allowed = self.access.may(permission)
        self.apology_button.setEnabled(not done and self.access.can(EventKind.APOLOGIZED, dossier.status))
        self.apology_button.setToolTip("" if allowed else self.access.refusal(permission))
        self.reprint_button.setEnabled(done)
        self.reason.setReadOnly(done or not allowed)
        self.new_due.setReadOnly(done or not allowed)
        if done:
            self.state.setText(
                f"Đã xin lỗi ngày {dossier.apology_at:%d/%m/%Y} và hẹn lại {dossier.appointment_at:%H:%M %d/%m/%Y}; "
                "ngày hẹn chỉ được lùi một lần."
            )
            self.reason.setPlainText(dossier.apology_reason)
            self.new_due.setDateTime(to_qdatetime(dossier.appointment_at))
        else:
            self.state.setText(f"Hồ sơ {dossier.code}: hạn giải quyết {dossier.due_at:%H:%M %d/%m/%Y}."
                               + ("" if allowed else " Lãnh đạo đơn vị lập phiếu xin lỗi."))
            self.reason.clear()
            self.new_due.setDateTime(to_qdatetime(self.suggestions[dossier.code]))

    def write_apology(self) -> None:
        dossier = self.current()
        if dossier is None or not self.apology_button.isEnabled():
            return
        code, reason, new_due = dossier.code, self.reason.toPlainText(), from_qdatetime(self.new_due.dateTime())
        self.apology_button.setEnabled(False)
        self.runner.run(lambda s: apologize(s, code, new_due, reason), done=self._apologized,
                        failed=self._refused, label="Đang lưu phiếu xin lỗi…", parent=self)

    def _apologized(self, dossier) -> None:
        self.message.ok(
            f"Đã lập phiếu xin lỗi hồ sơ {dossier.code}; hẹn lại {dossier.appointment_at:%H:%M ngày %d/%m/%Y}."
        )
        self.printer.form("apology", dossier.code)

    def reprint(self) -> None:
        dossier = self.current()
        if dossier is not None and dossier.apology_at is not None:
            self.printer.form("apology", dossier.code)

    def _refused(self, error: Exception) -> None:
        self.apology_button.setEnabled(True)
        self.message.error(message_of(error))


def suggested_appointment(session: Session, dossier, as_of: datetime) -> datetime:
    """A first proposal for the new appointment: two working days after the current one
    (or after now, if that is later), at the same clock time; the officer may change it."""
    start = max(dossier.appointment_at, as_of)
    day = session.calendar.next_working_day(session.calendar.next_working_day(start.date()))
    return datetime.combine(day, dossier.appointment_at.time())
