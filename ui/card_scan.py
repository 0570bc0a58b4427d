"""A CCCD's QR code typed by a 2D USB scanner into whatever field has the cursor.

The scanner types like a keyboard: the 12-digit ID number, then "|" and the other fields,
usually ending with Enter (counter/cccd.py has the layout). Digits alone could be anything
the officer types, so the code is recognised at a "|" typed right after twelve digits:
those twelve are taken back out of the field they went into (what the officer had typed
before them stays), and every key up to Enter (or a pause) is kept from the fields and
handed over as one payload. A scanner
types far faster than a person; the pause only ends a code whose scanner sends no Enter.
"""

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from counter.cccd import looks_like_card

PAUSE_MS = 400
ID_DIGITS = 12
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
SHIFTS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr)


class CardScanner(QObject):
    """Watches the field with the keyboard focus inside `area` for a card's code."""

    scanned = Signal(str)  # the whole payload, as typed

    def __init__(self, area: QWidget):
        super().__init__(area)
        self.area = area
        self.watched: QWidget | None = None
        self.digits = ""  # the run of digits just typed into the watched field
        self.before: list = []  # the field's value before each of those digits
        self.payload: str | None = None  # while a code is being typed
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(PAUSE_MS)
        self.pause.timeout.connect(self._finish)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus)

    @property
    def reading(self) -> bool:
        return self.payload is not None

    def _focus(self, _old, new) -> None:
        if self.watched is not None and shiboken6.isValid(self.watched):
            self.watched.removeEventFilter(self)
        self.watched = None
        self.digits, self.before = "", []
        if new is not None and self.area.isAncestorOf(new):
            self.watched = new
            new.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        if self.payload is not None:
            if event.key() in ENTER:
                self._finish()
            elif event.text():
                self.payload += event.text()
                self.pause.start()
            return True
        text = event.text()
        if text == "|" and looks_like_card(self.digits[-ID_DIGITS:] + text):
            self.payload = self.digits[-ID_DIGITS:] + text
            _restore(watched, self.before[-ID_DIGITS])
            self.digits, self.before = "", []
            self.pause.start()
            return True
        if text.isascii() and text.isdigit() and text:
            self.before = (self.before + [_value(watched)])[-ID_DIGITS:]
            self.digits += text
        elif event.key() not in SHIFTS:
            self.digits, self.before = "", []
        return False

    def _finish(self) -> None:
        self.pause.stop()
        payload, self.payload = self.payload, None
        if payload:
            self.scanned.emit(payload)


def _value(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.text(), widget.cursorPosition()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return None


def _restore(widget: QWidget, value) -> None:
    """Take the scanned digits back out of the field they were typed into."""
    if value is None:
        return
    if isinstance(widget, QLineEdit):
        text, cursor = value
        widget.setText(text)
        widget.setCursorPosition(cursor)
        widget.textEdited.emit(text)  # what follows the field (the procedure list) follows it back
    elif isinstance(widget, QAbstractSpinBox):
        widget.lineEdit().setText(value)
        widget.interpretText()
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(value)
