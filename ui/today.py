"""Hôm nay: the day's and the month's figures, and the end-of-day export.

The figures are the unit's indicators (shared/domain/indicators.md) for
today and for the month so far, and the month's rates beside the province
plan's targets (Kế hoạch 3/KH-UBND 2024; docs/rules.md, "Chỉ tiêu"), each
marked where the unit falls short; a head of unit also sees the month per
officer (received, returned, late, ratings: the staff evaluation of TT
01/2018 art. 13-15). The three tables stand side by side so the screen fits
a 1366×768 counter PC. The export writes what changed since the last one into
a file for the province (issue 4), then a verified backup is taken (issue
6); from half an hour before closing time the screen, and the window's
status line, warn while today's work has not been exported. After an export,
"Mở thư mục" shows its folder and "Chép ra USB" copies the file onto the
removable drive chosen, reading the copy back to compare (counter/usb.py).
"""

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import acks, backups, export, staff_figures, usb
from counter.changes import Changes
from counter.clock import now
from counter.export import Exported
from counter.indicators import RATE_LABELS, TARGETS, Period, figures
from ui.access import Access
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.refresh import Refresh
from ui.widgets import MessageLine

ROWS = (
    ("received", "Tiếp nhận"), ("returned", "Đã trả kết quả"), ("resolved", "Đã giải quyết"),
    ("early", "  Trước hạn"), ("on_time", "  Đúng hạn"), ("late", "  Trễ hạn"),
    ("rejected", "  Từ chối"), ("stopped", "  Dừng giải quyết"),
    ("digitized", "Hồ sơ đã số hóa"), ("result_digitized", "Kết quả đã số hóa"),
    ("online", "Nộp trực tuyến"), ("postal", "Qua bưu chính công ích"),
    ("in_progress", "Đang giải quyết (cuối kỳ)"), ("overdue", "  trong đó quá hạn"),
    ("guidance", "Hướng dẫn, chưa tiếp nhận"),
)
# Early, on time and late are shares of the results proper; rejections and stops stand beside them.
RATES = {"early": "early_rate", "on_time": "on_time_rate", "late": "late_rate", "digitized": "digitized_rate",
         "result_digitized": "result_digitized_rate", "online": "online_rate", "postal": "postal_rate"}
# The month's rates, each with the plan's target (counter/indicators.py: TARGETS) where it has one.
INDICATORS = tuple(RATE_LABELS)
SHORT, MET = "Chưa đạt", "Đạt"
STAFF_COLUMNS = (("officer", "Cán bộ"), ("received", "Tiếp nhận"), ("returned", "Trả kết quả"),
                 ("late", "Trễ hạn"), ("satisfaction_rate", "Hài lòng"))
ROW_HEIGHT = 22
WARN_BEFORE_CLOSING = timedelta(minutes=30)
CHECK_EVERY_MS = 60_000


class TodayScreen(QWidget):
    warning = Signal(str)  # "" when there is nothing to warn about

    def __init__(self, runner: Runner, preferences: Preferences, background: Runner | None = None,
                 access: Access | None = None, parent: QWidget | None = None, reads: Runner | None = None):
        super().__init__(parent)
        self.runner, self.preferences = runner, preferences
        self.background = background or runner  # backups run here, so saving never waits for one
        # The figures are read on the reads worker (issue 16): a receive saved meanwhile never waits for them.
        self.reads = reads or runner
        self.access = access or Access()
        self.backup_path = None  # where the last end-of-day backup went
        self.now = now  # the warning's clock; tests set another
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.freshness = QLabel()  # the unit sync: "Số liệu: đồng bộ lúc 10:42, 5/6 quầy"
        self.table = _table(len(ROWS), ["Hôm nay", "Tháng này"], [label for _, label in ROWS])
        self.table.setMaximumWidth(420)
        self.indicators_title = QLabel("Chỉ tiêu tháng này (Kế hoạch 3/KH-UBND)")
        self.indicators_title.setStyleSheet("font-weight: bold;")
        self.indicators = _table(len(INDICATORS), ["Tháng này", "Mục tiêu", ""],
                                 [RATE_LABELS[key] for key in INDICATORS])
        header = self.indicators.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for column, width in enumerate((78, 70, 70)):
            header.resizeSection(column, width)
        self.indicators.setFixedWidth(self.indicators.verticalHeader().sizeHint().width() + 78 + 70 + 70 + 4)
        self.staff_title = QLabel()
        self.staff_title.setStyleSheet("font-weight: bold;")
        self.staff = QTableWidget(0, len(STAFF_COLUMNS))
        self.staff.setHorizontalHeaderLabels([label for _, label in STAFF_COLUMNS])
        self.staff.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.staff.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.staff.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.staff.setMaximumWidth(440)
        for widget in (self.staff_title, self.staff):
            widget.setVisible(self.access.may("reports"))
        self.export_button = QPushButton("Xuất dữ liệu cuối ngày cho tỉnh (Ctrl+E)")
        self.export_button.clicked.connect(self.export)
        self.folder = QLabel()
        choose = QPushButton("Chọn thư mục xuất…")
        choose.clicked.connect(self.choose_folder)
        self.last = QLabel()
        # What the province confirmed it holds (counter/acks.py): "Tỉnh đã nhận đến số 57 · thiếu số 52".
        self.acknowledged = QLabel()
        self.banner = MessageLine()
        self.message = MessageLine()
        exports = QHBoxLayout()
        exports.addWidget(self.export_button)
        exports.addWidget(choose)
        exports.addWidget(self.folder, 1)
        # After the export: its folder, and a copy onto a USB drive checked by SHA-256 (issue 15).
        self.exported: str | None = None
        self.open_folder = QPushButton("Mở thư mục")
        self.open_folder.clicked.connect(self.show_folder)
        self.drives = QComboBox()
        self.drives.setMinimumWidth(240)
        find = QPushButton("Tìm ổ USB")
        find.clicked.connect(self.find_drives)
        self.copy_button = QPushButton("Chép ra USB")
        self.copy_button.clicked.connect(self.copy_to_drive)
        self.after_export = QWidget()
        after = QHBoxLayout(self.after_export)
        after.setContentsMargins(0, 0, 0, 0)
        for widget in (self.open_folder, QLabel("Ổ USB:"), self.drives, find, self.copy_button):
            after.addWidget(widget)
        after.addStretch(1)
        self.after_export.setVisible(False)
        middle = QVBoxLayout()
        middle.addWidget(self.indicators_title)
        middle.addWidget(self.indicators)
        middle.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.staff_title)
        right.addWidget(self.staff)
        right.addStretch(1)
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.table)
        left.addStretch(1)
        tables.addLayout(left)
        tables.addLayout(middle)
        tables.addLayout(right)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.freshness)
        layout.addWidget(self.banner)
        layout.addLayout(tables)
        layout.addLayout(exports)
        layout.addWidget(self.after_export)
        layout.addWidget(self.last)
        layout.addWidget(self.acknowledged)
        layout.addWidget(self.message)
        layout.addStretch(1)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F5"), self, self.start, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.clock = QTimer(self)
        self.clock.setInterval(CHECK_EVERY_MS)
        self.clock.timeout.connect(self.check_export)
        self.clock.start()
        self._show_folder()
        self.refresh = Refresh(self, self.start)

    def start(self) -> None:
        by_officer = self.access.may("reports")

        def load(session):
            moment = now()
            day = figures(session, Period.day(moment.date()))
            month = Period.month(moment.year, moment.month)
            staff = staff_figures.figures(session, month) if by_officer else []
            return moment, day, figures(session, month), staff

        self.reads.run(load, done=lambda result: self._figures(*result), label="Đang tính số liệu…", parent=self)
        self.check_export()

    def show_freshness(self, text: str) -> None:
        self.freshness.setText(text)
        self.freshness.setVisible(bool(text))

    def on_changes(self, changes: Changes) -> None:
        """Dossiers (here or synced from another counter) change the figures; an export or the
        closing time changes the warning, which the window's status line shows on every screen."""
        if changes.touches("dossiers", "sync"):
            self.refresh()
        if changes.touches("exports", "settings"):
            self.check_export()

    def _figures(self, moment: datetime, day: dict, month: dict, staff: list[dict]) -> None:
        self.title.setText(f"Số liệu ngày {moment:%d/%m/%Y} và tháng {moment:%m/%Y}")
        for row, (key, _label) in enumerate(ROWS):
            for column, values in enumerate((day, month)):
                text = f"{values[key]:,}".replace(",", ".")
                rate = values.get(RATES.get(key, ""))
                if rate is not None:
                    text += f"  ({rate * 100:.1f}%)".replace(".", ",")
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._indicators(month)
        self.staff_title.setText(f"Theo cán bộ, tháng {moment:%m/%Y}")
        self.staff.setRowCount(len(staff))
        self.staff.setFixedHeight(self.staff.horizontalHeader().sizeHint().height() + 2
                                  + ROW_HEIGHT * min(8, max(1, len(staff))))
        for row, values in enumerate(staff):
            for column, (key, _label) in enumerate(STAFF_COLUMNS):
                value = values[key]
                if key == "satisfaction_rate":
                    text = "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")
                else:
                    text = str(value) if key == "officer" else f"{value or 0:,}".replace(",", ".")
                item = QTableWidgetItem(text)
                if key != "officer":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.staff.setItem(row, column, item)

    def _indicators(self, month: dict) -> None:
        """The month's rates, the target beside each, and "Chưa đạt" in red where the unit falls short."""
        short = set(month["short"])
        for row, key in enumerate(INDICATORS):
            rate, target = month.get(key), TARGETS.get(key)
            cells = [_percent(rate), target.text if target else "", ""]
            if target and rate is not None:
                cells[2] = SHORT if key in short else MET
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key in short:
                    item.setForeground(QColor("#9c0006"))
                    item.setBackground(QColor("#ffc7ce"))
                if target and column == 1:
                    item.setToolTip(target.source)
                self.indicators.setItem(row, column, item)

    # End-of-day export -------------------------------------------------------------------
    def export(self) -> None:
        if not self.export_button.isEnabled():
            return
        folder = self.preferences.export_dir or None
        self.export_button.setEnabled(False)
        self.message.note("Đang xuất dữ liệu…")
        self.runner.run_with_progress(
            lambda session, progress: export.export_changes(session, out_dir=folder, progress=progress),
            done=self._exported, failed=self._refused, label="Đang xuất dữ liệu cuối ngày…", parent=self,
        )

    def _exported(self, result: Exported) -> None:
        self.export_button.setEnabled(True)
        self.exported = result.file
        self.after_export.setVisible(True)
        self.find_drives()
        text = (f"Đã xuất tệp số {result.sequence}: {result.file} — {result.dossiers} hồ sơ, "
                f"{result.events} sự kiện thay đổi kể từ lần xuất trước. Hãy gửi tệp này cho tỉnh.")
        self.message.ok(text + " Đang sao lưu dữ liệu…")
        self.background.run(lambda session: backups.automatic(session, "export"),
                            done=lambda path: self._backed_up(text, path),
                            failed=lambda error: self.message.error(
                                f"{text} Nhưng chưa sao lưu được: {message_of(error)}"))

    def _backed_up(self, text: str, path) -> None:
        self.backup_path = path
        if path is None:
            self.message.ok(f"{text} Dữ liệu không đổi kể từ bản sao lưu gần nhất.")
        else:
            self.message.ok(f"{text} Đã sao lưu dữ liệu vào {path}.")

    def _refused(self, error: Exception) -> None:
        self.export_button.setEnabled(True)
        self.message.error(message_of(error))

    def show_folder(self) -> None:
        """The export's folder in the system's file manager, with the file in it."""
        if self.exported:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.exported).parent)))

    def find_drives(self) -> None:
        self.background.run(lambda _s: usb.removable_drives(), done=self._drives, failed=self._refused)

    def _drives(self, drives: list) -> None:
        self.drives.clear()
        for drive in drives:
            self.drives.addItem(drive.describe(), str(drive.path))
        self.copy_button.setEnabled(bool(drives))
        if not drives:
            self.drives.addItem("Chưa thấy ổ USB nào: cắm USB rồi bấm «Tìm ổ USB»", None)

    def copy_to_drive(self) -> None:
        drive = self.drives.currentData()
        if not self.exported or not drive:
            return
        source = self.exported
        self.copy_button.setEnabled(False)
        self.background.run(lambda _s: usb.copy_verified(source, drive), done=self._copied, failed=self._copy_failed,
                            label="Đang chép ra USB…", parent=self)

    def _copied(self, target) -> None:
        self.copy_button.setEnabled(True)
        self.message.ok(f"Đã chép {Path(target).name} ra USB ({Path(target).parent}) và đọc lại: bản chép khớp "
                        "với tệp xuất (SHA-256). Có thể rút USB.")

    def _copy_failed(self, error: Exception) -> None:
        self.copy_button.setEnabled(True)
        self.message.error(message_of(error))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Thư mục lưu tệp xuất", self.preferences.export_dir)
        if folder:
            self.preferences.export_dir = folder
            self._show_folder()

    def _show_folder(self) -> None:
        folder = self.preferences.export_dir
        default = "mặc định (thư mục exports cạnh cơ sở dữ liệu)"
        self.folder.setText(f"Thư mục xuất: {folder or default}")

    def check_export(self) -> None:
        """Warn from half an hour before closing while today has not been exported."""
        clock = self.now

        def state(session):
            return (clock(), session.settings.close_time, export.last_export_at(session),
                    acks.line(acks.status(session)))

        self.runner.run(state, done=lambda result: self._warn(*result), failed=lambda _e: None)

    def _warn(self, moment: datetime, closing, last: datetime | None, acknowledged: str = "") -> None:
        self.last.setText(f"Lần xuất gần nhất: {last:%H:%M %d/%m/%Y}" if last else "Chưa xuất lần nào.")
        self.acknowledged.setText(acknowledged)
        closing_at = datetime.combine(moment.date(), closing)
        exported_today = last is not None and last.date() == moment.date()
        if moment >= closing_at - WARN_BEFORE_CLOSING and not exported_today:
            text = (f"Sắp đến giờ đóng cửa ({closing:%H:%M}) mà hôm nay chưa xuất dữ liệu cho tỉnh: "
                    "nhấn Ctrl+E để xuất.")
            self.banner.error(text)
            self.warning.emit(text)
        else:
            self.banner.clear()
            self.warning.emit("")


def _table(rows: int, columns: list[str], labels: list[str]) -> QTableWidget:
    """A read-only table of figures, tall enough for every row at ROW_HEIGHT without scrolling."""
    table = QTableWidget(rows, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setVerticalHeaderLabels(labels)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 + ROW_HEIGHT * rows)
    return table


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")
