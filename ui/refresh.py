"""Redrawing a screen only when someone can see it.

A screen that hears of a change (counter/changes.py) while hidden behind
another tab reads its data the next time it is shown, not at once: one worker
serves the whole window, so a hidden Today screen recounting the month after
every receive would make the officer's next save wait behind it.
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class Refresh(QObject):
    """Calling it runs `redraw` now if `widget` is on screen, else when it is next shown.

    It starts due, so a screen reads its data the first time it is shown."""

    def __init__(self, widget: QWidget, redraw: Callable[[], None], due: bool = True):
        super().__init__(widget)
        self.widget, self.redraw, self.due = widget, redraw, due
        widget.installEventFilter(self)

    def __call__(self) -> None:
        if self.widget.isVisible():
            self.due = False
            self.redraw()
        else:
            self.due = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Show and self.due:
            self.due = False
            self.redraw()
        return False
