"""Emitting Qt signals from Python without wearing out `True`.

PySide6 6.12.0 on Python 3.11 returns the result of `SignalInstance.emit`
(the `True` singleton) without giving the caller a reference of its own, so
every emit from Python drops one reference to `True`; after a few hundred
emits the interpreter aborts ("bool_dealloc: deallocating True"). Python 3.12
made `True` immortal, which hides the fault. Every emit in `ui/` goes through
`emit`, which measures the loss once and gives the reference back.
"""

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_lost: int | None = None  # references to the result lost per emit


class _Probe(QObject):
    fired = Signal()


def _measure() -> int:
    if sys.version_info >= (3, 12):
        return 0  # immortal singletons: nothing can wear out
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    return max(0, round((before - sys.getrefcount(True)) / 8))


def emit(signal, *args) -> None:
    """`signal.emit(*args)`, returning the reference PySide takes from the result."""
    global _lost
    if _lost is None:
        _lost = _measure()
    result = signal.emit(*args)
    for _ in range(_lost):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
