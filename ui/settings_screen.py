"""Thiết lập: the unit, office hours and cut-off, calendar overrides, catalogue, printing;
then the accounts, the backups and the audit trail, each on its own page.

Rules that no text fixes for every province are settings (shared/domain/
README.md): the 15:00 cut-off, whether the receipt day counts, the form set.
The calendar's own days win over the national one, so a province can send
each commune a file when a decree moves a holiday. What the officer's role
does not allow (counter/roles.py) is disabled, with the reason as its tooltip.
The mouse wheel scrolls the page and changes no field without the cursor; the
unit's settings, changed and not saved, are marked, and leaving them (another
page or screen, closing) asks first: save, drop the changes, or stay (issue 15).
"""

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter import catalogue, unit
from counter.changes import Changes
from ui.access import Access
from ui.accounts_page import AccountsPage
from ui.audit_page import AuditPage
from ui.backups_page import BackupsPage
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.printer import FormPrinter
from ui.procedure_editor import ProcedureDialog
from ui.recomputed import RecomputedDialog
from ui.refresh import Refresh
from ui.sync_desk import SyncDesk
from ui.sync_page import ConflictsPage, SyncPage
from ui.unit_form import UnitForm
from ui.widgets import MessageLine, WheelGuard, from_qdate, line

UNIT_PAGE = "Đơn vị, lịch, danh mục, in ấn"
UNSAVED = "Thiết lập đơn vị có thay đổi chưa lưu (Ctrl+S: lưu)."


class SettingsScreen(QWidget):
    logged_in = Signal(object)

    def __init__(self, runner: Runner, preferences: Preferences, printer: FormPrinter,
                 access: Access | None = None, reads: Runner | None = None, background: Runner | None = None,
                 parent: QWidget | None = None, sync: SyncDesk | None = None):
        super().__init__(parent)
        self.runner, self.preferences, self.printer = runner, preferences, printer
        self.access = access or Access()
        reads, background = reads or runner, background or runner
        self.message = MessageLine()
        self.unit = UnitForm(with_hours=True)
        self.save_button = save = QPushButton("Lưu thiết lập đơn vị (Ctrl+S)")
        save.clicked.connect(self.save)
        self.saved: dict | None = None  # the unit's settings as last read or saved
        self.unsaved = QLabel(UNSAVED)
        self.unsaved.setStyleSheet("color: #8b1a1a; font-weight: bold;")
        self.unsaved.setVisible(False)
        self.unit.edited.connect(self._mark)
        self.confirm: QMessageBox | None = None

        calendar = QGroupBox("Lịch làm việc riêng của đơn vị (ngày nghỉ, ngày làm bù)")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(lambda _y: self.load_calendar())
        self.days = QTableWidget(0, 3)
        self.days.setHorizontalHeaderLabels(["Ngày", "Loại", "Lý do"])
        self.days.horizontalHeader().setStretchLastSection(True)
        self.days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.days.setMaximumHeight(180)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day_kind = QComboBox()
        self.day_kind.addItem("Ngày nghỉ", False)
        self.day_kind.addItem("Ngày làm việc (làm bù)", True)
        self.day_reason = line("Lý do, ví dụ: nghỉ bù theo quyết định của UBND tỉnh")
        add_day = QPushButton("Thêm ngày")
        add_day.clicked.connect(self.add_day)
        remove_day = QPushButton("Bỏ ngày đã chọn")
        remove_day.clicked.connect(self.remove_day)
        import_days = QPushButton("Nhập tệp lịch…")
        import_days.clicked.connect(self.import_calendar)
        export_days = QPushButton("Xuất tệp lịch…")
        export_days.clicked.connect(self.export_calendar)
        calendar_layout = QVBoxLayout(calendar)
        row = QHBoxLayout()
        row.addWidget(QLabel("Năm"))
        row.addWidget(self.year)
        row.addStretch(1)
        row.addWidget(import_days)
        row.addWidget(export_days)
        calendar_layout.addLayout(row)
        calendar_layout.addWidget(self.days)
        row = QHBoxLayout()
        for widget in (self.day, self.day_kind, self.day_reason, add_day, remove_day):
            row.addWidget(widget)
        calendar_layout.addLayout(row)
        self.calendar_actions = (self.day, self.day_kind, self.day_reason, add_day, remove_day, import_days)

        procedures = QGroupBox("Danh mục thủ tục hành chính")
        self.procedure_count = QLabel()
        import_file = QPushButton("Nhập danh mục từ tệp CSV/XLSX…")
        import_file.clicked.connect(self.import_catalogue)
        import_starter = QPushButton("Nạp danh mục mẫu cấp xã")
        import_starter.clicked.connect(lambda: self._import(catalogue.STARTER))
        edit_one = QPushButton("Sửa một thủ tục…")
        edit_one.clicked.connect(self.edit_procedure)
        row = QHBoxLayout(procedures)
        row.addWidget(self.procedure_count, 1)
        row.addWidget(edit_one)
        row.addWidget(import_file)
        row.addWidget(import_starter)
        self.catalogue_actions = (edit_one, import_file, import_starter)
        self.procedure_dialog: ProcedureDialog | None = None

        printing = QGroupBox("In ấn, bản quét, màn hình đánh giá (riêng máy này)")
        self.direct_print = QCheckBox("In thẳng ra máy in mặc định, không xem trước")
        self.direct_print.setChecked(preferences.direct_print)
        self.direct_print.toggled.connect(lambda on: setattr(self.preferences, "direct_print", on))
        self.scan_folder = QLabel()
        choose_scans = QPushButton("Chọn thư mục bản quét…")
        choose_scans.clicked.connect(self.choose_scan_folder)
        self.citizen_screen = QCheckBox("Màn hình để người dân tự đánh giá (màn hình thứ hai, hoặc cửa sổ riêng; "
                                        "có hiệu lực từ lần đăng nhập sau)")
        self.citizen_screen.setChecked(preferences.citizen_screen)
        self.citizen_screen.toggled.connect(lambda on: setattr(self.preferences, "citizen_screen", on))
        self._show_scan_folder()
        self.ledger_from = QDateEdit(QDate(date.today().year, 1, 1))
        self.ledger_to = QDateEdit(QDate.currentDate())
        for edit in (self.ledger_from, self.ledger_to):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        ledger = QPushButton("In sổ theo dõi hồ sơ")
        ledger.clicked.connect(lambda: self.printer.ledger(from_qdate(self.ledger_from.date()),
                                                           from_qdate(self.ledger_to.date())))
        printing_layout = QVBoxLayout(printing)
        printing_layout.addWidget(self.direct_print)
        row = QHBoxLayout()
        row.addWidget(self.scan_folder, 1)
        row.addWidget(choose_scans)
        printing_layout.addLayout(row)
        printing_layout.addWidget(self.citizen_screen)
        row = QHBoxLayout()
        for widget in (QLabel("Sổ theo dõi từ"), self.ledger_from, QLabel("đến"), self.ledger_to, ledger):
            row.addWidget(widget)
        row.addStretch(1)
        printing_layout.addLayout(row)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.unit)
        layout.addWidget(save)
        layout.addWidget(calendar)
        layout.addWidget(procedures)
        layout.addWidget(printing)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.unit_page = unit_page = QWidget()
        unit_layout = QVBoxLayout(unit_page)
        unit_layout.addWidget(self.message)
        unit_layout.addWidget(self.unsaved)
        unit_layout.addWidget(scroll, 1)
        for widget in (self.unit, save):
            self.access.guard(widget, "settings")
        for widget in self.calendar_actions:
            self.access.guard(widget, "calendar")
        for widget in self.catalogue_actions:
            self.access.guard(widget, "catalogue")

        self.accounts = AccountsPage(runner, self.access)
        self.accounts.logged_in.connect(self.logged_in)
        self.backups = BackupsPage(runner, reads, background, self.access)
        self.audit = AuditPage(reads, background, self.access)
        pages = [(unit_page, UNIT_PAGE, None), (self.accounts, "Tài khoản", "accounts"),
                 (self.backups, "Sao lưu", "backup"), (self.audit, "Nhật ký", "reports")]
        self.sync_pages: list = []
        if sync is not None:
            self.sync_page = SyncPage(runner, reads, sync, self.access)
            self.conflicts = ConflictsPage(runner, reads, self.access)
            self.sync_pages = [self.sync_page, self.conflicts]
            pages += [(self.sync_page, "Đồng bộ các quầy", None), (self.conflicts, "Xung đột", "edit")]
        self.pages = QTabWidget()
        for page, label, permission in pages:
            index = self.pages.addTab(page, label)
            if permission and not self.access.may(permission):
                self.pages.setTabEnabled(index, False)
                self.pages.setTabToolTip(index, self.access.refusal(permission))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.wheel = WheelGuard(self)
        self.wheel.guard(self)
        self.page_shown = 0
        self.pages.currentChanged.connect(self._page_changed)
        QShortcut(QKeySequence("Ctrl+S"), unit_page, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # Each part redrawn apart, so a saved calendar day never resets unit fields being typed.
        self.refresh_unit = Refresh(unit_page, self.load_unit)
        self.refresh_calendar = Refresh(unit_page, self.load_calendar)
        self.refresh_count = Refresh(unit_page, self.load_count)

    def on_changes(self, changes: Changes) -> None:
        """The unit page follows the settings, the calendar and the catalogue; each other page decides."""
        if changes.touches("settings"):
            self.refresh_unit()
        if changes.touches("calendar"):
            self.refresh_calendar()
        if changes.touches("catalogue"):
            self.refresh_count()
        for page in (self.accounts, self.backups, self.audit, *self.sync_pages):
            page.on_changes(changes)

    def show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)

    def load_unit(self) -> None:
        if self.dirty():
            return  # what the officer is typing stays; saving it writes it over
        self.runner.run(lambda s: s.settings, done=self._unit_read)

    def _unit_read(self, settings) -> None:
        self.unit.show_settings(settings)
        self.saved = self.unit.changes()
        self._mark()

    # Unsaved changes ---------------------------------------------------------------------
    def dirty(self) -> bool:
        return self.saved is not None and self.unit.changes() != self.saved

    def _mark(self) -> None:
        changed = self.dirty()
        self.unsaved.setVisible(changed)
        self.pages.setTabText(self.pages.indexOf(self.unit_page), UNIT_PAGE + (" ●" if changed else ""))

    def leave(self, proceed) -> None:
        """`proceed()` now if nothing is unsaved; else once the officer saved or dropped the changes."""
        if not self.dirty():
            proceed()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Thiết lập chưa lưu",
                          "Thiết lập đơn vị đã thay đổi mà chưa lưu. Lưu trước khi rời trang này?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText("Lưu")
        box.button(QMessageBox.StandardButton.Discard).setText("Bỏ thay đổi")
        box.button(QMessageBox.StandardButton.Cancel).setText("Ở lại")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.finished.connect(lambda _r: self._left(box.standardButton(box.clickedButton()), proceed))
        self.confirm = box
        box.open()

    def _left(self, chosen, proceed) -> None:
        if chosen == QMessageBox.StandardButton.Save:
            self.save(then=proceed)
        elif chosen == QMessageBox.StandardButton.Discard:
            self.unit.show_settings_values(self.saved)
            self._mark()
            proceed()

    def _page_changed(self, index: int) -> None:
        left = self.page_shown
        if self.pages.widget(left) is self.unit_page and index != left and self.dirty():
            self.pages.blockSignals(True)
            self.pages.setCurrentIndex(left)
            self.pages.blockSignals(False)
            self.leave(lambda: self.pages.setCurrentIndex(index))
            return
        self.page_shown = index

    def load_count(self) -> None:
        self.runner.run(lambda s: len(catalogue.all_procedures(s)),
                        done=lambda n: self.procedure_count.setText(f"Danh mục hiện có {n} thủ tục."))

    def save(self, then=None) -> None:
        changes = self.unit.changes()
        self.runner.run(lambda s: unit.configure(s, **changes), done=lambda _r: self._saved(changes, then),
                        failed=self._refused)

    def _saved(self, changes: dict, then=None) -> None:
        self.saved = changes
        self._mark()
        self.message.ok("Đã lưu thiết lập đơn vị.")
        if then is not None:
            then()

    # Calendar ----------------------------------------------------------------------------
    def load_calendar(self) -> None:
        year = self.year.value()
        self.runner.run(lambda s: [o for o in s.calendar.overrides.values() if o.day.year == year],
                        done=self._days)

    def _days(self, overrides: list) -> None:
        overrides = sorted(overrides, key=lambda o: o.day)
        self.days.setRowCount(len(overrides))
        for row, o in enumerate(overrides):
            for column, text in enumerate((f"{o.day:%d/%m/%Y}", "Làm việc" if o.working else "Nghỉ", o.reason)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, o.day)
                self.days.setItem(row, column, item)

    def add_day(self) -> None:
        day, working, reason = from_qdate(self.day.date()), self.day_kind.currentData(), self.day_reason.text()
        self.runner.run(lambda s: unit.set_day(s, day, working, reason), done=self._day_changed,
                        failed=self._refused)

    def remove_day(self) -> None:
        item = self.days.item(self.days.currentRow(), 0) if self.days.currentRow() >= 0 else None
        if item is not None:
            day = item.data(Qt.ItemDataRole.UserRole)
            self.runner.run(lambda s: unit.unset_day(s, day), done=self._day_changed, failed=self._refused)

    def _day_changed(self, change) -> None:
        self.message.ok("Đã cập nhật lịch làm việc của đơn vị.")
        self._recomputed(change)

    def _recomputed(self, change) -> None:
        """Open dossiers whose due date the change moved: list them, with "In giấy hẹn mới"."""
        if change.changed:
            self.recomputed = RecomputedDialog(change.changed, self.printer, self)
            self.recomputed.show()

    def import_calendar(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập tệp lịch", "", "Tệp lịch (*.csv)")
        if path:
            self.runner.run(lambda s: unit.import_calendar(s, path), done=self._calendar_imported,
                            failed=self._refused)

    def _calendar_imported(self, change) -> None:
        self.message.ok(f"Đã nhập {change.days} ngày từ tệp lịch.")
        self._recomputed(change)

    def export_calendar(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Xuất tệp lịch", "lich-lam-viec.csv", "Tệp lịch (*.csv)")
        if path:
            self.runner.run(lambda s: unit.export_calendar(s, path), failed=self._refused,
                            done=lambda n: self.message.ok(f"Đã xuất {n} ngày ra {path}."))

    def choose_scan_folder(self) -> None:
        """Where the scanner saves: every file dialog for a scan opens there."""
        folder = QFileDialog.getExistingDirectory(self.window(), "Thư mục máy quét lưu bản quét",
                                                  self.preferences.scan_dir)
        if folder:
            self.preferences.scan_dir = folder
            self._show_scan_folder()

    def _show_scan_folder(self) -> None:
        self.scan_folder.setText(f"Thư mục bản quét: {self.preferences.scan_dir}")

    # Catalogue ---------------------------------------------------------------------------
    def import_catalogue(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập danh mục thủ tục", "",
                                              "Danh mục (*.csv *.xlsx);;Mọi tệp (*)")
        if path:
            self._import(path)

    def edit_procedure(self) -> None:
        self.procedure_dialog = ProcedureDialog(self.runner, self)
        self.procedure_dialog.open()

    def _import(self, path) -> None:
        self.runner.run(lambda s: catalogue.import_catalogue(s, path), done=self._imported, failed=self._refused,
                        label="Đang nhập danh mục…", parent=self)

    def _imported(self, result: dict) -> None:
        self.message.ok(f"Đã nhập {result['procedures']} thủ tục: {result['added']} mới, "
                        f"{result['updated']} cập nhật.")

    def _refused(self, error: Exception) -> None:
        self.message.error(message_of(error))
