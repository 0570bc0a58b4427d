"""The Qt bindings keep Python's reference counts: PySide6 6.12.0 on Python 3.11 drops a
reference to None on every call of a void method and to True on every emit, and the app
aborts after a few thousand calls ("deallocating None"). That is why pyproject.toml pins 6.11.3."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Probe(QObject):
    fired = Signal(object)


def test_void_calls_and_emits_keep_none_and_true_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    probe = _Probe()
    probe.fired.connect(lambda _value: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for n in range(2000):
        label.setText(str(n))
        probe.fired.emit(None)
    assert sys.getrefcount(None) - none_before > -50
    assert sys.getrefcount(True) - true_before > -50
