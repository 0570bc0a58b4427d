"""Danh sách hồ sơ: one table over the whole database, with filters and a search box.

Typing waits for a short pause (≈250 ms, style.md) before the search runs, on
the list's own worker thread, so the officer can type a whole name without
the table redrawing under every letter. Enter in the search field opens the
top match (once the search typed so far has run); Down goes into the table.
"""

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from counter import catalogue
from counter.changes import Changes
from counter.dossier import STATUS_LABELS
from counter.dossier_list import ListFilter
from ui.dossier_table import DossierTable
from ui.operations import Runner
from ui.refresh import Refresh
from ui.widgets import MessageLine, from_qdate, line

DEBOUNCE_MS = 250


class DossierListScreen(QWidget):
    opened = Signal(str)

    def __init__(self, runner: Runner, reads: Runner, parent: QWidget | None = None, listing: Runner | None = None):
        super().__init__(parent)
        self.runner = runner
        self.search = line("Tìm theo mã hồ sơ, số CCCD, số điện thoại hoặc họ tên (Ctrl+F)")
        self.status = QComboBox()
        self.status.addItem("Mọi trạng thái", "")
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.procedure = QComboBox()
        self.procedure.addItem("Mọi thủ tục", "")
        self.procedure.setMaximumWidth(320)
        self.due = QComboBox()
        for label, key in (("Mọi thời hạn", ""), ("Quá hạn", "overdue"),
                           ("Quá hạn hoặc đến hạn trong 1 ngày", "due_soon")):
            self.due.addItem(label, key)
        self.digitized = QComboBox()
        for label, key in (("Số hóa: tất cả", None), ("Đã số hóa", True), ("Chưa số hóa", False)):
            self.digitized.addItem(label, key)
        self.use_dates = QCheckBox("Nhận từ")
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
        self.count = QLabel()
        self.message = MessageLine()
        self.table = DossierTable(reads, counting=listing)
        self.table.counted.connect(self._counted)
        self.table.failed.connect(self.message.error)
        self.table.opened.connect(self.opened)
        self.table.shown.connect(self._shown)
        self.open_top = False  # Enter was pressed: open the top match once this search is shown

        filters = QHBoxLayout()
        for widget in (self.status, self.procedure, self.due, self.digitized, self.use_dates, self.date_from,
                       QLabel("đến"), self.date_to):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _text: self.debounce.start())
        self.search.returnPressed.connect(self.open_first)
        self.search.installEventFilter(self)
        for combo in (self.status, self.procedure, self.due, self.digitized):
            combo.currentIndexChanged.connect(lambda _i: self.apply())
        self.use_dates.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(lambda _d: self.apply())
        self.date_to.dateChanged.connect(lambda _d: self.apply())
        self.loaded_procedures = False
        self.refresh = Refresh(self, self.start)

    def start(self) -> None:
        """The procedure filter's choices if not read yet, then the whole list."""
        if not self.loaded_procedures:
            self.loaded_procedures = True
            self.runner.run(catalogue.all_procedures, done=self._procedures)
        self.apply()

    def on_changes(self, changes: Changes) -> None:
        """Dossiers, and the calendar and hours their due state depends on, re-run the query;
        the catalogue also re-reads the procedure filter's choices."""
        if changes.touches("catalogue"):
            self.loaded_procedures = False
        if changes.touches("dossiers", "catalogue", "settings", "calendar"):
            self.refresh()

    def open_first(self) -> None:
        """Enter in the search field: the top match, once the search typed so far has run."""
        if self.debounce.isActive() or self.table.shown_filter != self.current_filter():
            self.open_top = True
            self.apply()
            return
        self._open_top()

    def _shown(self) -> None:
        if self.open_top:
            self.open_top = False
            self._open_top()

    def _open_top(self) -> None:
        code = self.table.model.code_at(0)
        if code:
            self.opened.emit(code)
        elif not self.table.model.rowCount():
            self.message.note("Không có hồ sơ nào khớp với nội dung tìm.")

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            view = self.table.view
            view.setFocus()
            if not view.currentIndex().isValid() and self.table.model.rowCount():
                view.setCurrentIndex(self.table.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def current_filter(self) -> ListFilter:
        status = self.status.currentData()
        dated = self.use_dates.isChecked()
        return ListFilter(
            text=self.search.text(),
            statuses=(status,) if status else (),
            procedure_code=self.procedure.currentData() or "",
            received_from=from_qdate(self.date_from.date()) if dated else None,
            received_to=from_qdate(self.date_to.date()) if dated else None,
            due=self.due.currentData(),
            digitized=self.digitized.currentData(),
        )

    def apply(self) -> None:
        self.debounce.stop()
        self.message.clear()
        self.table.load(self.current_filter())

    def _procedures(self, procedures) -> None:
        chosen = self.procedure.currentData()
        self.procedure.blockSignals(True)
        while self.procedure.count() > 1:
            self.procedure.removeItem(1)
        for p in procedures:
            self.procedure.addItem(f"{p.name} ({p.code})", p.code)
        if chosen:
            self.procedure.setCurrentIndex(max(0, self.procedure.findData(chosen)))
        self.procedure.blockSignals(False)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply()

    def _counted(self, number: int, final: bool) -> None:
        text = f"{number:,}".replace(",", ".")
        self.count.setText(f"{text} hồ sơ" if final else f"{text}+ hồ sơ, đang đếm…")
