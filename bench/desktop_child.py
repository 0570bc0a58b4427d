"""One run of the desktop app for the benchmarks, in its own process.

    python -m bench.desktop_child DB MODE SINCE [EXTRA_SEARCH...]

Starts the real app offscreen on DB and prints one JSON line of what it
measured, then quits. MODE `startup`: seconds from SINCE (the parent's
wall clock before it started this process) to the main window shown and
painted (still checking the database), to the window usable (the start-up
`PRAGMA quick_check` done, the screens built), to the list's first rows, and
to its full count. MODE `memory`:
the same, then scrolls the list from top to bottom and reports the peak
resident memory. MODE `search`: types searches into the list and times
each from the end of the typing pause (and from the last key) to the first
rows painted.
"""

import json
import os
import resource
import sys
import tempfile
import time
from argparse import Namespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# Names as officers type them (with or without diacritics, whole or in part) and a code tail;
# the parent adds a real full code and CCCD number from the database.
SEARCHES = ["nguyễn văn hùng", "tran thi lan", "lê minh", "phạm", "nguyen", "0001"]


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2]
    since = float(sys.argv[3])
    searches = SEARCHES + sys.argv[4:]
    app = QApplication([])
    from ui.app import Launcher
    from ui.preferences import Preferences

    settings = QSettings(os.path.join(tempfile.mkdtemp(), "bench.ini"), QSettings.Format.IniFormat)
    launcher = Launcher(Namespace(db=path, officer="Benchmark", demo=False), Preferences(settings))
    report: dict = {}

    def shown(window) -> None:
        app.processEvents()
        window.repaint()
        report["window_s"] = time.time() - since
        wait(lambda: window.ready)
        report["ready_s"] = time.time() - since
        screen = window.list
        window.tabs.setCurrentWidget(screen)
        wait(lambda: screen.table.model.row_at(0) is not None or (screen.table.complete and not screen.table.model.ids))
        screen.table.view.viewport().repaint()
        report["first_rows_s"] = time.time() - since
        wait(lambda: screen.table.complete)
        report["complete_s"] = time.time() - since
        report["dossiers"] = screen.table.model.rowCount()
        if mode == "memory":
            scroll(window)
        elif mode == "search":
            report["searches"] = [search(window, text) for text in searches for _ in range(5)]
        report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(report), flush=True)
        QTimer.singleShot(0, app.quit)

    def wait(condition, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while not condition():
            if time.time() > deadline:
                raise TimeoutError("the app did not get there in time")
            app.processEvents()
            time.sleep(0.001)

    def scroll(window) -> None:
        """Look at the top, the middle and the end of the list, as an officer scrolling would."""
        table = window.list.table
        if not table.model.rowCount():
            return
        bar = table.view.verticalScrollBar()
        for step in range(11):
            bar.setValue(bar.maximum() * step // 10)
            row = table.view.rowAt(10)
            wait(lambda row=row: table.model.row_at(row) is not None)
            table.view.viewport().repaint()

    def search(window, text: str) -> dict:
        screen = window.list
        screen.search.clear()
        screen.apply()
        wait(lambda: screen.table.complete)
        typed = time.perf_counter()
        screen.search.setText(text)  # the last key: the typing pause starts now
        wait(lambda: not screen.debounce.isActive())
        fired = time.perf_counter()
        wait(lambda: screen.table.model.row_at(0) is not None or (screen.table.complete and not screen.table.model.ids))
        screen.table.view.viewport().repaint()
        painted = time.perf_counter()
        wait(lambda: screen.table.complete)
        return {"text": text, "ms": (painted - fired) * 1000, "with_pause_ms": (painted - typed) * 1000,
                "count_ms": (time.perf_counter() - fired) * 1000, "found": screen.table.model.rowCount()}

    def measure(window) -> None:
        try:
            shown(window)
        except Exception as exc:  # report it instead of hanging in the event loop
            print(json.dumps({"error": repr(exc)}), flush=True)
            app.quit()

    launcher.shown.connect(lambda window: QTimer.singleShot(0, lambda: measure(window)))
    launcher.gave_up.connect(lambda text: (print(json.dumps({"error": text})), app.quit()))
    app.exec()
    launcher.close()


if __name__ == "__main__":
    main()
