"""Running counter/ calls off the UI thread (Anki's operation pattern).

A `Runner` owns one worker thread and one `Session`: calls run there one at a
time, in order, so a write transaction never interleaves with another; their
results come back to the UI thread through a queued Qt signal. The UI never
waits: a form disables itself, asks for the call, and re-enables in the
callback. A call still running after 100 ms shows a progress indicator.
What a call wrote (counter/changes.py) follows its callback as `changed`;
every screen decides from it whether to redraw.
"""

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from counter.changes import Changes
from counter.errors import CounterError
from counter.session import Session

log = logging.getLogger(__name__)

# A call that takes longer than this shows its progress (issue 5, scope 9).
PROGRESS_AFTER_MS = 100


class _Job:
    def __init__(self, call, done, failed, label, parent, with_progress):
        self.call, self.done, self.failed = call, done, failed
        self.label, self.parent, self.with_progress = label, parent, with_progress
        self.dialog: QProgressDialog | None = None
        self.timer: QTimer | None = None
        self.last_progress: tuple[int, int] | None = None


class Runner(QObject):
    """One worker thread with its own Session; `run` queues a call and returns at once."""

    _delivered = Signal(object, object, object, object)  # job, result, error, Changes
    _progressed = Signal(object, int, int)
    idle_changed = Signal(bool)
    failed = Signal(str)  # a refusal or error message nobody else handled
    changed = Signal(object)  # Changes: what a call wrote, after its callback; never empty

    def __init__(self, open_session: Callable[[], Session], parent: QObject | None = None):
        super().__init__(parent)
        self._open = open_session
        self._queue: queue.Queue = queue.Queue()
        self._pending = 0
        self.session: Session | None = None
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._work, name="motcua-worker", daemon=True)
        self._thread.start()

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def run(self, call: Callable[[Session], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[Exception], None] | None = None, label: str | None = None,
            parent: QWidget | None = None) -> None:
        """Run `call(session)` on the worker; then `done(result)` or `failed(error)` here."""
        self._submit(_Job(call, done, failed, label, parent, False))

    def run_with_progress(self, call: Callable[[Session, Callable[[int, int], None]], Any],
                          done: Callable[[Any], None] | None = None,
                          failed: Callable[[Exception], None] | None = None, label: str = "",
                          parent: QWidget | None = None) -> None:
        """Like `run`, for calls that report `(done, total)` through their second argument."""
        self._submit(_Job(call, done, failed, label, parent, True))

    def _submit(self, job: _Job) -> None:
        self._pending += 1
        if self._pending == 1:
            self.idle_changed.emit(False)
        if job.label:
            job.timer = QTimer(self)
            job.timer.setSingleShot(True)
            job.timer.timeout.connect(lambda: self._open_dialog(job))
            job.timer.start(PROGRESS_AFTER_MS)
        self._queue.put(job)

    def stop(self) -> None:
        """Finish the queued calls, then close the session; called when the window closes."""
        self._queue.put(None)
        self._thread.join()

    def _work(self) -> None:
        try:
            self.session = self._open()
        except Exception as exc:  # reported with the first call
            self.session, opening_error = None, exc
        else:
            opening_error = None
        while True:
            job = self._queue.get()
            if job is None:
                break
            if opening_error is not None:
                self._delivered.emit(job, None, opening_error, Changes.none())
                continue
            try:
                if job.with_progress:
                    result = job.call(self.session, lambda d, t, j=job: self._progressed.emit(j, d, t))
                else:
                    result = job.call(self.session)
            except Exception as exc:
                if not isinstance(exc, CounterError):
                    log.error("worker call failed:\n%s", traceback.format_exc())
                result, error = None, exc
            else:
                error = None
            # A refused call may still have written (a failed login counts towards the lockout).
            self._delivered.emit(job, result, error, self.session.take_changes())
        if self.session is not None:
            self.session.close()

    def _open_dialog(self, job: _Job) -> None:
        if job.dialog is not None or job.timer is None:
            return
        dialog = QProgressDialog(job.label, "", 0, 0, job.parent)
        dialog.setWindowTitle("Đang xử lý")
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(0)
        # It only tells; it never takes the keyboard from the form the officer is typing in.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        dialog.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if job.last_progress:
            dialog.setRange(0, job.last_progress[1])
            dialog.setValue(job.last_progress[0])
        dialog.show()
        job.dialog = dialog

    def _show_progress(self, job: _Job, done: int, total: int) -> None:
        job.last_progress = (done, total)
        if job.dialog is not None:
            job.dialog.setRange(0, total)
            job.dialog.setValue(done)

    def _deliver(self, job: _Job, result, error, changes: Changes) -> None:
        if job.timer is not None:
            job.timer.stop()
            job.timer = None
        if job.dialog is not None:
            job.dialog.close()
            job.dialog.deleteLater()
        try:
            if error is None:
                if job.done:
                    job.done(result)
            elif job.failed:
                job.failed(error)
            else:
                self.failed.emit(message_of(error))
        finally:
            if changes:
                self.changed.emit(changes)
            self._pending -= 1
            if self._pending == 0:
                self.idle_changed.emit(True)


def message_of(error: Exception) -> str:
    """What an officer reads: the Vietnamese refusal, or a plain note for an unexpected error."""
    if isinstance(error, CounterError):
        return error.message
    return f"Lỗi không mong đợi: {error}"
