"""The main window: the officer's day in seven screens, each one key away.

Ctrl+1 … Ctrl+7 switch screens; every screen starts with the cursor where
the work begins. Three workers serve it: one for steps that change dossiers
(and the forms they print), one with its own connection for the big list,
so scrolling a million dossiers never waits behind a save or an export, and
one for backups and full checks, which may take a minute on a big database.

The window opens locked, saying what it waits for (the start-up check of
the database, then the login); the screens are built for the logged-in
officer's role when it unlocks, and dropped when the officer logs out, so
the next one sees nothing the last one typed.

What any worker's call wrote (counter/changes.py) goes to every screen and
open dossier, and each decides by itself whether to redraw; nothing here
knows which screen shows what.
"""

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPushButton, QStackedWidget, QTabWidget

from counter import accounts
from counter.changes import Changes
from counter.roles import Account
from ui.access import Access
from ui.citizen_screen import CitizenWindow
from ui.digitization import DigitizationScreen
from ui.dossier_list import DossierListScreen
from ui.dossier_view import DossierDialog
from ui.intake import IntakeScreen
from ui.late_work import LateWorkScreen
from ui.login import PasswordDialog
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.printer import FormPrinter
from ui.returns import ReturnScreen
from ui.settings_screen import SettingsScreen
from ui.sync_desk import SyncDesk
from ui.today import TodayScreen

CHECKING = "Đang kiểm tra cơ sở dữ liệu…"
# Every screen is usable down to this size: a 1366×768 screen less its taskbar, with room to spare.
MINIMUM = QSize(1024, 600)


class MainWindow(QMainWindow):
    logout_requested = Signal()
    user_changed = Signal(object)  # the first account was created in set-up mode: now it is logged in

    def __init__(self, runner: Runner, reads: Runner, background: Runner, preferences: Preferences,
                 title: str = "", sync_desk: SyncDesk | None = None, listing: Runner | None = None):
        super().__init__()
        self.runner, self.reads, self.background, self.preferences = runner, reads, background, preferences
        self.listing = listing or reads  # the list's whole id lists, apart from its pages (issue 16)
        self.sync_desk = sync_desk
        self.freshness = ""
        self.setWindowTitle(title or "motcua — Bộ phận Một cửa")
        self.setMinimumSize(MINIMUM)
        self.printer = FormPrinter(runner, preferences, self)
        self.access = Access()
        self.ready = False
        self.tabs: QTabWidget | None = None
        self.screens: list = []
        self.dialogs: list[DossierDialog] = []
        self.citizen: CitizenWindow | None = None
        self.cover = QLabel(CHECKING)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover.setWordWrap(True)
        self.cover.setStyleSheet("font-size: 14pt; color: #44546a;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.cover)
        self.setCentralWidget(self.stack)
        for number in range(1, 8):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number - 1: self._switch(n))
        QShortcut(QKeySequence("Ctrl+F"), self, self._find)
        QShortcut(QKeySequence("Ctrl+L"), self, self.log_out)

        self.unit_label = QLabel()
        self.user_label = QLabel()
        self.password_button = QPushButton("Đổi mật khẩu")
        self.password_button.clicked.connect(self.change_password)
        self.logout_button = QPushButton("Đổi người dùng (Ctrl+L)")
        self.logout_button.clicked.connect(self.log_out)
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet("color: #8b1a1a; font-weight: bold;")
        self.sync_label = QLabel()
        self.statusBar().addWidget(self.unit_label)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.warning_label)
        self.statusBar().addPermanentWidget(self.password_button)
        self.statusBar().addPermanentWidget(self.logout_button)
        self._show_user()
        self.printer.printed.connect(lambda title, pages: self.statusBar().showMessage(
            f"Đã in {title} ({pages} trang).", 8000))
        self.printer.failed.connect(self._print_failed)
        runner.failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        for worker in (runner, reads, background):
            worker.changed.connect(self._changed)
        if sync_desk is not None:
            # What other counters wrote reaches every screen the way this counter's own writes do.
            sync_desk.runner.changed.connect(self._changed)
            for worker in (runner, background):
                worker.changed.connect(sync_desk.saved)
            sync_desk.status.connect(self._sync_status)
            sync_desk.synced.connect(self._synced)
            QShortcut(QKeySequence("F9"), self, sync_desk.sync_now)

    # Locked and unlocked -----------------------------------------------------------------
    def lock(self, text: str) -> None:
        """Cover the window (while checking, or waiting for a login); drop the last officer's screens."""
        for dialog in list(self.dialogs):
            dialog.close()
        self.ready = False
        self.cover.setText(text)
        self.stack.setCurrentWidget(self.cover)
        if self.tabs is not None:
            if self.citizen is not None:
                self.citizen.close()
                self.citizen.deleteLater()
                self.citizen = None
            self.today.clock.stop()
            self.list.debounce.stop()
            self.stack.removeWidget(self.tabs)
            self._retire(self.tabs)
            self.tabs, self.screens = None, []
        self.access = Access()
        self.unit_label.clear()
        self.warning_label.clear()
        self._show_user()

    def unlock(self, user: Account | None) -> None:
        """Build the screens for this officer's role and open the first one."""
        self.access = Access(user)
        self._build()
        self.stack.addWidget(self.tabs)
        self.stack.setCurrentWidget(self.tabs)
        if self.citizen is not None:
            self.citizen.place()
        self.ready = True
        self._show_user()
        self.start()

    def _build(self) -> None:
        runner, reads, access = self.runner, self.reads, self.access
        self.intake = IntakeScreen(runner, self.preferences)
        self.list = DossierListScreen(runner, reads, listing=self.listing)
        self.citizen = CitizenWindow() if self.preferences.citizen_screen else None
        self.returns = ReturnScreen(runner, self.preferences, self.citizen)
        self.late = LateWorkScreen(runner, self.printer, access)
        self.digitization = DigitizationScreen(runner, reads, self.preferences)
        self.today = TodayScreen(runner, self.preferences, self.background, access, reads=reads)
        self.settings = SettingsScreen(runner, self.preferences, self.printer, access, reads, self.background,
                                       sync=self.sync_desk)
        self.tabs = QTabWidget()
        self.screens = [
            (self.intake, "Tiếp nhận"), (self.list, "Danh sách hồ sơ"), (self.returns, "Trả kết quả"),
            (self.late, "Sắp trễ hạn"), (self.digitization, "Số hóa"), (self.today, "Hôm nay"),
            (self.settings, "Thiết lập"),
        ]
        for number, (screen, label) in enumerate(self.screens, start=1):
            self.tabs.addTab(screen, f"{label}  (Ctrl+{number})")
        self.shown_index = 0
        self.tabs.currentChanged.connect(self._entered)
        self.intake.received.connect(self._received)
        self.intake.open_requested.connect(self.open_dossier)
        self.list.opened.connect(self.open_dossier)
        self.today.warning.connect(self.warning_label.setText)
        self.settings.logged_in.connect(self._first_account)
        for screen in (self.today, self.late):
            screen.show_freshness(self.freshness)

    def _retire(self, tabs: QTabWidget) -> None:
        """Delete the last officer's screens once the calls they started have come back."""
        waiting = {"left": 3}

        def back(_result=None) -> None:
            waiting["left"] -= 1
            if not waiting["left"]:
                tabs.deleteLater()

        for runner in (self.runner, self.reads, self.background):
            runner.run(lambda _s: None, done=back, failed=back)

    def start(self) -> None:
        """Show the unit in the status line and open the first screen."""
        self._show_unit()
        self._entered(self.tabs.currentIndex())
        self.today.check_export()

    def _show_unit(self) -> None:
        self.runner.run(lambda s: (s.settings, s.officer), done=lambda r: self._unit(*r))

    def _changed(self, changes: Changes) -> None:
        """A worker's call wrote `changes`: every screen and open dossier decides what to redraw."""
        if changes.touches("settings", "calendar", "accounts"):
            for worker in (self.runner, self.reads, self.background):  # each session caches them
                worker.run(lambda s: s.forget_cached())
        if changes.touches("settings"):
            self._show_unit()
        for screen, _label in self.screens:
            screen.on_changes(changes)
        for dialog in self.dialogs:
            dialog.on_changes(changes)

    def _sync_status(self, text: str, problem: bool) -> None:
        self.sync_label.setText(text)
        self.sync_label.setStyleSheet("color: #8b1a1a; font-weight: bold;" if problem else "color: #1b5e20;")

    def _synced(self, found: dict | None) -> None:
        """Every figure screen says how fresh its data is."""
        self.freshness = "" if found is None else f"Số liệu: {found['freshness']}"
        if self.tabs is not None:
            for screen in (self.today, self.late):
                screen.show_freshness(self.freshness)

    def _unit(self, settings, officer: str) -> None:
        self.unit_label.setText(f"{settings.unit_name} ({settings.unit_code}) · Quầy {settings.workstation}")
        if self.citizen is not None:
            self.citizen.set_unit(settings.unit_name)
        if self.access.user is None:
            self.user_label.setText(f"Cán bộ: {officer or '—'} · {self.access.who()}")

    def _show_user(self) -> None:
        user = self.access.user
        self.user_label.setText(f"Cán bộ: {self.access.who()}" if user else "")
        self.user_label.setStyleSheet("" if user or not self.ready else "color: #8b1a1a;")
        for button in (self.password_button, self.logout_button):
            button.setVisible(user is not None and self.ready)

    def _first_account(self, user: Account) -> None:
        self.access.user = user
        self._show_user()
        self.user_changed.emit(user)

    def log_out(self) -> None:
        if self.ready and self.access.user is not None:
            self.settings.leave(self.logout_requested.emit)

    def change_password(self) -> None:
        if self.access.user is None:
            return
        name = self.access.user.username
        self.password_dialog = PasswordDialog(f"Đổi mật khẩu của {name}", self, ask_current=True)

        def change() -> None:
            secret, current = self.password_dialog.password(), self.password_dialog.current_password()
            self.runner.run(lambda s: accounts.change_password(s, name, secret, current),
                            done=lambda _r: self.statusBar().showMessage("Đã đổi mật khẩu.", 8000),
                            failed=lambda error: self.statusBar().showMessage(message_of(error), 10000))

        self.password_dialog.accepted.connect(change)
        self.password_dialog.open()

    def backed_up(self, path) -> None:
        if path is not None:
            self.statusBar().showMessage(f"Đã sao lưu tự động: {path}", 10000)

    def backup_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(f"Chưa sao lưu tự động được: {message_of(error)}")

    # Screens -----------------------------------------------------------------------------
    def _switch(self, index: int) -> None:
        if self.ready:
            self.tabs.setCurrentIndex(index)

    def _entered(self, index: int) -> None:
        """The other screens read their data when shown, if it changed (ui/refresh.py). A screen
        with unsaved changes (Settings) is left only once the officer saved or dropped them."""
        left = self.screens[self.shown_index][0]
        if index != self.shown_index and hasattr(left, "dirty") and left.dirty():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(self.shown_index)
            self.tabs.blockSignals(False)
            left.leave(lambda: self.tabs.setCurrentIndex(index))
            return
        self.shown_index = index
        screen = self.screens[index][0]
        if screen in (self.intake, self.returns):
            screen.start()  # cheap, and puts the cursor where the work starts

    def _find(self) -> None:
        if not self.ready:
            return
        self.tabs.setCurrentWidget(self.list)
        self.list.search.setFocus()
        self.list.search.selectAll()

    def _received(self, dossier) -> None:
        self.statusBar().showMessage(f"Đã tiếp nhận hồ sơ {dossier.code}; đang in giấy tiếp nhận…", 8000)
        self.printer.form("receipt", dossier.code)

    def _print_failed(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        screen = self.tabs.currentWidget() if self.tabs is not None else None
        if hasattr(screen, "message"):
            screen.message.error(text)

    def open_dossier(self, code: str) -> None:
        dialog = DossierDialog(self.runner, self.printer, code, self, self.access)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        self.dialogs.append(dialog)
        dialog.open()

    # The window's size (issue 15) --------------------------------------------------------
    def show_as_remembered(self) -> None:
        """Maximised, unless the officer last left it as a window (then where it was)."""
        if not self.preferences.geometry.isEmpty():
            self.restoreGeometry(self.preferences.geometry)
        else:
            room = QApplication.primaryScreen().availableGeometry()
            self.resize(min(1280, room.width()), min(800, room.height() - 40))
        if self.preferences.maximized:
            self.showMaximized()
        else:
            self.show()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.WindowStateChange and self.isVisible():
            self.preferences.maximized = self.isMaximized()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:
        if self.ready and self.settings.dirty():
            event.ignore()
            self.tabs.setCurrentWidget(self.settings)
            self.settings.leave(self.close)
            return
        if self.isVisible() and not self.isMaximized():
            self.preferences.geometry = self.saveGeometry()
        for dialog in list(self.dialogs):
            dialog.close()
        if self.citizen is not None:
            self.citizen.close()
        super().closeEvent(event)
