"""The main window: the officer's day in seven screens, each one key away.

Ctrl+1 … Ctrl+7 switch screens; every screen starts with the cursor where
the work begins. Two workers serve it: one for steps that change dossiers
(and the forms they print), one with its own connection for the big list,
so scrolling a million dossiers never waits behind a save or an export.
"""

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from ui.digitization import DigitizationScreen
from ui.dossier_list import DossierListScreen
from ui.dossier_view import DossierDialog
from ui.intake import IntakeScreen
from ui.late_work import LateWorkScreen
from ui.operations import Runner
from ui.preferences import Preferences
from ui.printer import FormPrinter
from ui.returns import ReturnScreen
from ui.settings_screen import SettingsScreen
from ui.today import TodayScreen


class MainWindow(QMainWindow):
    def __init__(self, runner: Runner, reads: Runner, preferences: Preferences, title: str = ""):
        super().__init__()
        self.runner, self.reads, self.preferences = runner, reads, preferences
        self.setWindowTitle(title or "motcua — Bộ phận Một cửa")
        self.resize(1280, 800)
        self.printer = FormPrinter(runner, preferences, self)
        self.intake = IntakeScreen(runner)
        self.list = DossierListScreen(runner, reads)
        self.returns = ReturnScreen(runner)
        self.late = LateWorkScreen(runner, self.printer)
        self.digitization = DigitizationScreen(runner, reads)
        self.today = TodayScreen(runner, preferences)
        self.settings = SettingsScreen(runner, preferences, self.printer)
        self.tabs = QTabWidget()
        self.screens = [
            (self.intake, "Tiếp nhận"), (self.list, "Danh sách hồ sơ"), (self.returns, "Trả kết quả"),
            (self.late, "Sắp trễ hạn"), (self.digitization, "Số hóa"), (self.today, "Hôm nay"),
            (self.settings, "Thiết lập"),
        ]
        for number, (screen, label) in enumerate(self.screens, start=1):
            self.tabs.addTab(screen, f"{label}  (Ctrl+{number})")
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number - 1: self.tabs.setCurrentIndex(n))
        self.setCentralWidget(self.tabs)
        QShortcut(QKeySequence("Ctrl+F"), self, self._find)
        self.stale = set(range(len(self.screens)))
        self.tabs.currentChanged.connect(self._entered)

        self.unit_label = QLabel()
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet("color: #8b1a1a; font-weight: bold;")
        self.statusBar().addWidget(self.unit_label)
        self.statusBar().addPermanentWidget(self.warning_label)

        self.intake.received.connect(self._received)
        self.intake.open_requested.connect(self.open_dossier)
        self.list.opened.connect(self.open_dossier)
        for screen in (self.returns, self.late, self.digitization):
            screen.changed.connect(self._dossiers_changed)
        self.today.warning.connect(self.warning_label.setText)
        self.today.exported.connect(lambda _r: self._dossiers_changed(None))
        self.settings.settings_changed.connect(self._settings_changed)
        self.settings.catalogue_changed.connect(self._catalogue_changed)
        self.printer.printed.connect(lambda title, pages: self.statusBar().showMessage(
            f"Đã in {title} ({pages} trang).", 8000))
        self.printer.failed.connect(self._print_failed)
        runner.failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.dialogs: list[DossierDialog] = []

    def start(self) -> None:
        """Show the unit in the status line and open the first screen."""
        self.runner.run(lambda s: (s.settings, s.officer), done=lambda r: self._unit(*r))
        self._entered(self.tabs.currentIndex())
        self.today.check_export()

    def _unit(self, settings, officer: str) -> None:
        self.unit_label.setText(
            f"{settings.unit_name} ({settings.unit_code}) · Quầy {settings.workstation} · Cán bộ: {officer or '—'}"
        )

    def _entered(self, index: int) -> None:
        screen = self.screens[index][0]
        if index in self.stale:
            self.stale.discard(index)
            screen.start()
        elif screen in (self.intake, self.returns):
            screen.start()  # cheap, and puts the cursor where the work starts

    def _find(self) -> None:
        self.tabs.setCurrentWidget(self.list)
        self.list.search.setFocus()
        self.list.search.selectAll()

    def _dossiers_changed(self, _dossier) -> None:
        """A dossier changed: screens showing dossiers read them again when next shown."""
        current = self.tabs.currentIndex()
        for index, (screen, _label) in enumerate(self.screens):
            if screen in (self.list, self.late, self.digitization, self.today):
                if index == current:
                    screen.start()
                else:
                    self.stale.add(index)

    def _received(self, dossier) -> None:
        self._dossiers_changed(dossier)
        self.statusBar().showMessage(f"Đã tiếp nhận hồ sơ {dossier.code}; đang in giấy tiếp nhận…", 8000)
        self.printer.form("receipt", dossier.code)

    def _settings_changed(self, _settings) -> None:
        self.reads.run(lambda s: s.forget_cached())
        self.runner.run(lambda s: (s.settings, s.officer), done=lambda r: self._unit(*r))
        self._dossiers_changed(None)

    def _catalogue_changed(self) -> None:
        self.intake.reload_catalogue()
        self.stale.add(self.tabs.indexOf(self.list))
        self.list.loaded_procedures = False

    def _print_failed(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        screen = self.tabs.currentWidget()
        if hasattr(screen, "message"):
            screen.message.error(text)

    def open_dossier(self, code: str) -> None:
        dialog = DossierDialog(self.runner, self.printer, code, self)
        dialog.changed.connect(self._dossiers_changed)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        self.dialogs.append(dialog)
        dialog.open()

    def closeEvent(self, event) -> None:
        for dialog in list(self.dialogs):
            dialog.close()
        super().closeEvent(event)
