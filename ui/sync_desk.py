"""The app syncs by itself (issue 12): on its own worker thread with its own Session, every
`sync_interval` seconds (30 by default) and a moment after each save, never blocking the window.

F9 syncs now. The records come first and the window hears of them at once (counter/changes.py, the same
path as this counter's own writes); the scans are fetched by a second call after. What the last sync found
goes to the status line: when it ran and how many counters' data this one holds ("đồng bộ lúc 10:42, 5/6
quầy"), or the one problem ("Không thấy thư mục đồng bộ … từ 11:40"), and the counter goes on working; a
counter not yet approved, and a counter whose audit trail was found cut, are said there too (issue 13).
"""

from PySide6.QtCore import QObject, QTimer, Signal

from counter import sync
from counter.changes import Changes
from ui.operations import Runner, message_of

AFTER_SAVE_MS = 1500  # a save is followed by a sync this long after, so a burst of saves makes one


class SyncDesk(QObject):
    status = Signal(str, bool)  # the status line's text, and whether it is a problem
    synced = Signal(object)  # what `sync.status` says after each sync (or None: no folder set)

    def __init__(self, runner: Runner, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.busy = False
        self.again = False
        self.last: dict | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_SAVE_MS)
        self.soon.timeout.connect(self.sync_now)
        runner.changed.connect(self._settings_changed)

    def start(self) -> None:
        """Sync once now, then every `sync_interval` seconds."""
        self.sync_now()

    def stop(self) -> None:
        self.timer.stop()
        self.soon.stop()

    def saved(self, changes: Changes) -> None:
        """Another worker wrote something this counter's peers should have: sync soon."""
        if changes.touches("dossiers", "settings", "catalogue", "calendar", "accounts") and not changes.everything:
            self.soon.start()

    def sync_now(self) -> None:
        if self.busy:
            self.again = True
            return
        self.busy = True
        self.runner.run(_sync_records, done=self._done, failed=self._failed)

    def _done(self, result: tuple[dict | None, dict]) -> None:
        summary, found = result
        self.last = found
        interval = found["interval"] * 1000
        if self.timer.interval() != interval or not self.timer.isActive():
            self.timer.start(interval)
        if summary is None:
            self.status.emit("Chưa đặt thư mục đồng bộ (máy này làm việc một mình)", False)
        elif summary["problem"]:
            self.status.emit(summary["problem"], True)
        else:
            text = f"Đã {found['freshness']}"
            if found["conflicts"]:
                text += f" · {found['conflicts']} xung đột chờ lãnh đạo xử lý"
            waiting = summary["waiting"] or [f"bỏ qua {len(summary['skipped'])} tệp hỏng"] * bool(summary["skipped"])
            if waiting:
                text += " · " + "; ".join(waiting[:2])
            # A peer's audit trail found cut or rewritten (issue 13) stays on the line the day it was found.
            today = [w for w in found["warnings"] if w["at"][:10] == found["last_sync"][:10]]
            if today:
                text += f" · cảnh báo: nhật ký kiểm tra của quầy {today[-1]['workstation']} bị cắt bớt hoặc sửa"
            self.status.emit(text, bool(summary["skipped"] or today))
            self.runner.run(_fetch_scans, done=lambda _n: None, failed=lambda _e: None)
        self.synced.emit(found if summary is not None else None)
        self._finished()

    def _failed(self, error: Exception) -> None:
        self.status.emit(f"Chưa đồng bộ được: {message_of(error)}", True)
        if not self.timer.isActive():
            self.timer.start(30_000)
        self._finished()

    def _finished(self) -> None:
        self.busy = False
        if self.again:
            self.again = False
            self.sync_now()

    def _settings_changed(self, changes: Changes) -> None:
        if changes.touches("settings"):
            self.runner.run(lambda s: s.forget_cached())


def _sync_records(session) -> tuple[dict | None, dict]:
    session.forget_cached()  # the folder, interval or number may have been changed at the desk
    summary = sync.sync(session, scans=False) if session.settings.sync_folder else None
    return summary, sync.status(session)


def _fetch_scans(session) -> int:
    return sync.fetch_scans(session) if session.settings.sync_folder else 0
