"""Whether the officer is working: the background check and backups give way while so.

The officer works while a key or a mouse button was pressed in the last
QUIET_SECONDS, or while any foreground worker has a call queued. Read from
other threads (a float and the runners' counters), written on the UI thread.
"""

import threading
import time

from PySide6.QtCore import QEvent, QObject

from ui.operations import Runner

QUIET_SECONDS = 3.0
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.MouseMove}


class Activity(QObject):
    """An application-wide event filter that remembers the officer's last input."""

    def __init__(self, runners: list[Runner]):
        super().__init__()
        self.runners = runners
        self.last_input = time.monotonic()
        self.closing = threading.Event()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False

    def busy(self) -> bool:
        return time.monotonic() - self.last_input < QUIET_SECONDS or not all(r.idle for r in self.runners)
