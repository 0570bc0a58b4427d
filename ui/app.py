"""Starting the desktop app: `python main.py [--db PATH] [--officer NAME] [--user NAME] [--demo]`.

Start-up (issue 6, 16): before any session opens, the worker runs the file's
`PRAGMA quick_check` when it can matter (no clean-close mark, a leftover
`-wal`: db/clean_close.py) and, if the file is damaged, sets it aside and puts the
newest backup motcua recorded itself and that passes every check of a
restore in its place (counter/recovery.py, issue 9); the officer is told
which moment the data is back to. With motcua open in another process a
damaged file is left alone and the app says to close it there first. The
first session also removes the temporary files of killed backups and
restores (db/lock.py, when no other process has the database open). On a
large database the check takes seconds, so the main window is shown at
once, saying it is checking, and the data appears after. Then a new database asks for the unit (first-run
dialog), a database with accounts asks who is at the counter (login), the
screens are built for that officer's role, and an automatic backup is taken
on the background worker if anything changed since the last one. Then, while
the officer is idle, the background check reads the file table by table on a
thread of its own (counter/integrity.py); damage it finds is told at once and
repaired at the next start. Backups and the check give way while the officer
works and stop when the window closes (ui/activity.py).
`--demo` opens a throwaway database filled with demo dossiers, deleted when
the window closes, so a newcomer can look around.
"""

import shutil
import sys
import tempfile
import threading
from argparse import Namespace
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from counter import backups, demo, integrity
from counter.locations import default_database
from counter.recovery import Recovery, recover_if_damaged
from counter.roles import Account
from counter.session import Session
from ui import language, print_preview
from ui.activity import Activity
from ui.first_run import FirstRunDialog
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.sync_desk import SyncDesk

DEMO_DOSSIERS = 3000


class Launcher(QObject):
    """Checks and opens the database, asks for the unit or the officer, then unlocks the main window."""

    shown = Signal(object)  # the MainWindow, on screen (perhaps still checking the database)
    ready = Signal(object)  # the MainWindow, usable: checked, logged in, screens built
    gave_up = Signal(str)
    found_damage = Signal(str)  # the background check's message to the officer

    def __init__(self, args: Namespace, preferences: Preferences | None = None, demo_dossiers: int = DEMO_DOSSIERS):
        super().__init__()
        # Numbers and dates the Vietnamese way in every field (20.000 đồng).
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        language.install(QApplication.instance())  # and Qt's own dialogs and menus
        self.preferences = preferences or Preferences()
        self.officer = getattr(args, "officer", None)
        self.username = getattr(args, "user", None) or ""
        self.demo_folder = tempfile.mkdtemp(prefix="motcua-demo-") if getattr(args, "demo", False) else None
        if self.demo_folder:
            self.path = Path(self.demo_folder) / "demo.sqlite3"
        else:
            self.path = Path(args.db) if getattr(args, "db", None) else default_database()
        self.window: MainWindow | None = None
        self.first_run: FirstRunDialog | None = None
        self.login: LoginDialog | None = None
        self.recovery: Recovery | None = None
        self.recovery_box: QMessageBox | None = None
        self.backed_up_at_start = False
        existing = self.path.exists()  # before the worker's session creates it
        self.checked = threading.Event()
        self.runner = Runner(self._open_checked)
        self.reads = Runner(self._open_after_check)
        self.listing = Runner(self._open_after_check)  # the list's whole id lists (ui/dossier_table.py)
        self.background = Runner(self._open_after_check)
        # The unit sync (issue 12) on its own worker and connection, so a slow share never holds up a save.
        self.syncing = Runner(self._open_after_check)
        self.sync_desk = SyncDesk(self.syncing)
        self.sync_started = False
        self.activity = Activity([self.runner, self.reads])
        QApplication.instance().installEventFilter(self.activity)
        backups.give_way(self.activity.busy, self.activity.closing.is_set)
        self.checking: threading.Thread | None = None
        self.found_damage.connect(self._damage_found)
        self.damage_box: QMessageBox | None = None
        if existing:
            self._show_window()  # an existing file may take a while to check: say so at once
        if self.demo_folder:
            self.runner.run_with_progress(lambda s, progress: demo.fill(s, demo_dossiers, progress=progress),
                                          failed=self._failed, label="Đang tạo dữ liệu thử…")
        self.runner.run(_state, done=lambda state: self._opened(*state), failed=self._failed)

    def _open_checked(self) -> Session:
        """The worker's session, opened only once the file passed the check or was recovered."""
        try:
            self.recovery = recover_if_damaged(self.path)
            return Session(self.path, self.officer)
        finally:
            self.checked.set()

    def _open_after_check(self) -> Session:
        self.checked.wait()
        return Session(self.path, self.officer)

    def _opened(self, initialised: bool, accounts_exist: bool, unit_name: str) -> None:
        if self.recovery is not None:
            text, self.recovery = self.recovery.message(), None
            self.recovery_box = QMessageBox(QMessageBox.Icon.Warning, "motcua — dữ liệu đã được khôi phục", text,
                                            QMessageBox.StandardButton.Ok, self.window)
            self.recovery_box.finished.connect(lambda _r: self._opened(initialised, accounts_exist, unit_name))
            self.recovery_box.open()
            return
        if not initialised:
            self._first_run()
        elif accounts_exist:
            self._ask_login(unit_name)
        else:
            self._unlock(None)

    def _first_run(self) -> None:
        if self.window is None:
            # Between the dialog closing and the window opening no window is visible: do not quit then.
            QApplication.instance().setQuitOnLastWindowClosed(False)
        self.first_run = FirstRunDialog(self.runner, self.window)
        self.first_run.accepted.connect(lambda: self._unlock(self.first_run.user))
        self.first_run.rejected.connect(lambda: self.gave_up.emit(""))
        self.first_run.show()

    def _ask_login(self, unit_name: str) -> None:
        self._show_window()
        self.window.lock("Đăng nhập để làm việc.")
        if self.login is not None:
            self.login.deleteLater()  # the last officer's dialog
        self.login = LoginDialog(self.runner, unit_name, self.username, self.window)
        self.login.logged_in.connect(self._unlock)
        self.login.rejected.connect(lambda: self.gave_up.emit(""))
        self.login.open()

    def _unlock(self, user: Account | None) -> None:
        self._adopt(user)
        self._show_window()
        self.window.unlock(user)
        self.ready.emit(self.window)
        if not self.sync_started:
            self.sync_started = True
            self.sync_desk.start()
        if not self.backed_up_at_start:
            self.backed_up_at_start = True
            window = self.window
            self.background.run(lambda s: backups.automatic(s, "startup"), done=window.backed_up,
                                failed=window.backup_failed)
        if self.checking is None and not self.demo_folder:
            self.checking = threading.Thread(target=self._check_in_background, name="motcua-check", daemon=True)
            self.checking.start()

    def _check_in_background(self) -> None:
        """One pass of the background check, after the start-up work has settled."""
        if self.activity.closing.wait(integrity.START_AFTER_SECONDS):
            return
        found = integrity.background_pass(self.path, self.activity.busy, self.activity.closing.is_set,
                                          self.activity.closing.wait)
        if found:
            self.found_damage.emit(integrity.message(found))

    def _damage_found(self, text: str) -> None:
        self.damage_box = QMessageBox(QMessageBox.Icon.Critical, "motcua — cơ sở dữ liệu bị hỏng", text,
                                      QMessageBox.StandardButton.Ok, self.window)
        self.damage_box.open()

    def _adopt(self, user: Account | None) -> None:
        """The other workers act for the same officer (the login itself ran on `runner`)."""
        for runner in (self.reads, self.background):
            runner.run(lambda s: _act_for(s, user))

    def log_out(self) -> None:
        """Đổi người dùng: the screens go, with whatever the last officer typed; the login comes back."""
        self.window.lock("Đăng nhập để làm việc.")
        for runner in (self.runner, self.reads, self.background):
            runner.run(lambda s: _act_for(s, None))
        self.runner.run(_state, done=lambda state: self._opened(*state), failed=self._failed)

    def _show_window(self) -> None:
        if self.window is not None:
            return
        title = f"motcua — {self.path}" + (" (dữ liệu thử, sẽ bị xóa khi đóng)" if self.demo_folder else "")
        self.window = MainWindow(self.runner, self.reads, self.background, self.preferences, title,
                                 sync_desk=self.sync_desk, listing=self.listing)
        self.window.logout_requested.connect(self.log_out)
        self.window.user_changed.connect(self._adopt)
        self.window.show_as_remembered()
        print_preview.warm_up()
        QApplication.instance().setQuitOnLastWindowClosed(True)
        window = self.window
        QTimer.singleShot(0, lambda: self.shown.emit(window))

    def _failed(self, error: Exception) -> None:
        self.gave_up.emit(message_of(error))

    def close(self) -> None:
        """Stop the workers (finishing what they were doing; a backup or the background check in
        progress stops at once, keeping nothing) and remove demo data."""
        self.activity.closing.set()
        self.sync_desk.stop()
        if self.window is not None:
            self.window.close()
        for runner in (self.syncing, self.listing, self.reads, self.background, self.runner):
            runner.stop()
        if self.checking is not None:
            self.checking.join()
        QApplication.instance().removeEventFilter(self.activity)
        backups.give_way(lambda: False, lambda: False)
        if self.demo_folder:
            shutil.rmtree(self.demo_folder, ignore_errors=True)


def _state(session: Session) -> tuple[bool, bool, str]:
    return session.settings.initialised, session.accounts_exist, session.settings.unit_name


def _act_for(session: Session, user: Account | None) -> None:
    session.user = user
    session.forget_cached()


def start(args: Namespace) -> int:
    """Run the desktop app until its window closes; the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("motcua")
    app.setApplicationDisplayName("motcua")
    launcher = Launcher(args)
    result = {"code": 0}

    def give_up(text: str) -> None:
        if text:
            QMessageBox.critical(None, "motcua", text)
            result["code"] = 1
        app.quit()

    launcher.gave_up.connect(give_up)
    app.exec()
    launcher.close()
    return result["code"]
