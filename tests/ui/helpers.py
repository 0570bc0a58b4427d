"""Typing and reading helpers for the Qt tests.

`qtbot.keyClicks` aborts pytest on non-ASCII text, so Vietnamese is typed one
key event per character (helper-brief.md).
"""

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def type_text(widget, text: str) -> None:
    """Type `text` into `widget` as a keyboard (or a barcode scanner) would, one key per character."""
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


def press(widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
