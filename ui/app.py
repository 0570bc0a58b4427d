"""Starting the desktop app: `python main.py [--db PATH] [--officer NAME] [--demo]`.

The database opens on the worker thread. A new database first asks for the
unit (first-run dialog); `--demo` opens a throwaway database filled with
demo dossiers, deleted when the window closes, so a newcomer can look around.
"""

import shutil
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from counter import demo
from counter.cli import default_database
from counter.session import Session
from ui.first_run import FirstRunDialog
from ui.main_window import MainWindow
from ui.operations import Runner, message_of
from ui.preferences import Preferences

DEMO_DOSSIERS = 3000


class Launcher(QObject):
    """Opens the database, runs the first-run dialog if needed, then shows the main window."""

    shown = Signal(object)  # the MainWindow
    gave_up = Signal(str)

    def __init__(self, args: Namespace, preferences: Preferences | None = None, demo_dossiers: int = DEMO_DOSSIERS):
        super().__init__()
        # Numbers and dates the Vietnamese way in every field (20.000 đồng).
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.preferences = preferences or Preferences()
        self.officer = getattr(args, "officer", None)
        self.demo_folder = tempfile.mkdtemp(prefix="motcua-demo-") if getattr(args, "demo", False) else None
        if self.demo_folder:
            self.path = Path(self.demo_folder) / "demo.sqlite3"
        else:
            self.path = Path(args.db) if getattr(args, "db", None) else default_database()
        self.window: MainWindow | None = None
        self.reads: Runner | None = None
        self.first_run: FirstRunDialog | None = None
        self.runner = Runner(self._open)
        if self.demo_folder:
            self.runner.run_with_progress(lambda s, progress: demo.fill(s, demo_dossiers, progress=progress),
                                          failed=self._failed, label="Đang tạo dữ liệu thử…")
        self.runner.run(lambda s: s.settings.initialised, done=self._opened, failed=self._failed)

    def _open(self) -> Session:
        return Session(self.path, self.officer)

    def _opened(self, initialised: bool) -> None:
        if initialised:
            self.show_window()
            return
        # Between the dialog closing and the window opening no window is visible: do not quit then.
        QApplication.instance().setQuitOnLastWindowClosed(False)
        self.first_run = FirstRunDialog(self.runner)
        self.first_run.accepted.connect(self.show_window)
        self.first_run.rejected.connect(lambda: self.gave_up.emit(""))
        self.first_run.show()

    def show_window(self) -> None:
        self.reads = Runner(self._open)
        title = f"motcua — {self.path}" + (" (dữ liệu thử, sẽ bị xóa khi đóng)" if self.demo_folder else "")
        self.window = MainWindow(self.runner, self.reads, self.preferences, title)
        self.window.show()
        QApplication.instance().setQuitOnLastWindowClosed(True)
        self.window.start()
        self.shown.emit(self.window)

    def _failed(self, error: Exception) -> None:
        self.gave_up.emit(message_of(error))

    def close(self) -> None:
        """Stop the workers (finishing what they were doing) and remove demo data."""
        if self.window is not None:
            self.window.close()
        for runner in (self.reads, self.runner):
            if runner is not None:
                runner.stop()
        if self.demo_folder:
            shutil.rmtree(self.demo_folder, ignore_errors=True)


def start(args: Namespace) -> int:
    """Run the desktop app until its window closes; the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("motcua")
    app.setApplicationDisplayName("motcua")
    launcher = Launcher(args)
    result = {"code": 0}

    def give_up(text: str) -> None:
        if text:
            QMessageBox.critical(None, "motcua", text)
            result["code"] = 1
        app.quit()

    launcher.gave_up.connect(give_up)
    app.exec()
    launcher.close()
    return result["code"]
