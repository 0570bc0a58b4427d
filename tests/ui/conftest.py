"""Qt fixtures: the real app on a test database, and a 100k-dossier demo database.

Offscreen, the screen is the counter's common one: 1366×768 at 96 dpi (issue 15), with a
second, smaller one beside it facing the citizen (the rating window, ui/citizen_screen.py).
The offscreen platform reads its screens from a JSON file named in QT_QPA_PLATFORM; a test
run on a real display (QT_QPA_PLATFORM=xcb) keeps that display.
"""

import json
import os
import tempfile
from argparse import Namespace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter

from counter import demo
from counter.session import Session
from ui import print_preview
from ui.app import Launcher
from ui.preferences import Preferences

OFFICER = "Trần Thị Lan"
SCREEN = (1366, 768)
CITIZEN_SCREEN = (1024, 600)


def _counter_screen() -> None:
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return
    config = Path(tempfile.mkdtemp(prefix="motcua-screen-")) / "screens.json"
    screens = [{"name": "counter", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1]},
               {"name": "rating", "x": SCREEN[0], "y": 0, "width": CITIZEN_SCREEN[0], "height": CITIZEN_SCREEN[1]}]
    for screen in screens:
        screen.update(logicalDpi=96, logicalBaseDpi=96, dpr=1)
    config.write_text(json.dumps({"screens": screens}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


_counter_screen()  # before pytest-qt makes the QApplication
# The app's own settings (QSettings("motcua", "motcua"), e.g. when a test starts it as `main.py`
# does) go to a folder of this test process, never to the user's.
_SETTINGS = tempfile.mkdtemp(prefix="motcua-settings-")
for _format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(_format, QSettings.Scope.UserScope, _SETTINGS)


@pytest.fixture
def preferences(tmp_path):
    return Preferences(QSettings(str(tmp_path / "motcua.ini"), QSettings.Format.IniFormat))


class App:
    """The running app: its window, and waiting for its workers."""

    def __init__(self, qtbot, launcher: Launcher):
        self.qtbot, self.launcher = qtbot, launcher
        self.window = None

    def wait_shown(self) -> "App":
        """Until the window is usable: checked, logged in if needed, screens built."""
        self.qtbot.waitUntil(lambda: self.launcher.window is not None and self.launcher.window.ready, timeout=20000)
        self.window = self.launcher.window
        self.qtbot.addWidget(self.window)
        self.qtbot.waitExposed(self.window)
        self.window.activateWindow()
        self.idle()
        return self

    def idle(self, timeout: int = 20000) -> None:
        runners = [self.launcher.runner, self.launcher.reads, self.launcher.background]
        self.qtbot.waitUntil(lambda: all(r.idle for r in runners), timeout=timeout)

    def screen(self, widget) -> None:
        self.window.tabs.setCurrentWidget(widget)
        self.idle()

    def printed_to_file(self, tmp_path: Path, direct: bool = True) -> list:
        """Print to a PDF file instead of a printer (straight, or through the preview); returns
        the (title, bytes) made. The file of the n-th form printed is printed-n.pdf."""
        made = []
        self.launcher.preferences.direct_print = direct
        self.window.printer.ready.connect(lambda title, data: made.append((title, data)))

        def file_printer(pages):
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(tmp_path / f"printed-{len(made)}.pdf"))
            print_preview.keep_form_paper(printer, print_preview.form_layout(pages))
            return printer

        self.window.printer.make_printer = file_printer
        return made


def launch(qtbot, path, preferences, **options) -> App:
    launcher = Launcher(Namespace(db=path, officer=OFFICER, demo=options.pop("demo", False)), preferences,
                        **options)
    return App(qtbot, launcher)


@pytest.fixture
def app(qtbot, session, preferences):
    """The main window on the `session` fixture's unit database (starter catalogue, no dossiers)."""
    running = launch(qtbot, session.path, preferences).wait_shown()
    yield running
    running.launcher.close()


@pytest.fixture(scope="session")
def demo_100k(tmp_path_factory) -> Path:
    """A unit database with 100,000 demo dossiers, made once per test session."""
    path = tmp_path_factory.mktemp("demo-100k") / "unit.sqlite3"
    with Session(path, "Demo") as opened:
        demo.fill(opened, 100_000, seed=5)
    return path
