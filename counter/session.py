"""An open counter database with the officer at the desk.

Every service in `counter/` takes a Session: the GUI and the CLI open one
the same way, so both see the same rules.
"""

import getpass
from functools import cached_property
from pathlib import Path

from counter import private, roles
from counter import settings as unit_settings
from counter.changes import Changes
from counter.errors import CounterError
from counter.text import nfc
from counter.working_calendar import DayOverride, WorkingCalendar
from db import calendar as calendar_table
from db import officers as officer_table
from db import settings as settings_table
from db.connection import DatabaseError, after_commit, open_database
from db.files import FileStore, folder_for
from db.province import SqliteProvince


class Session:
    def __init__(self, path: str | Path, officer: str | None = None):
        self.path = Path(path)
        created_folder = private.new_folder(self.path)
        try:
            self.db = open_database(self.path)
        except DatabaseError as exc:
            raise CounterError(str(exc), "cannot open the database") from None
        private.restrict_database(self.path, created_folder)
        self.desk_name = nfc(officer) or _login_name()
        self.user: roles.Account | None = None
        self.files = FileStore(folder_for(self.path))
        self._noted: list[Changes] = []  # what the writes since the last `take_changes` changed

    def close(self) -> None:
        self.db.close()

    def note(self, changes: Changes) -> None:
        """Remember what a write changed; inside a write transaction it counts once that commits."""
        after_commit(self.db, lambda: self._noted.append(changes))

    def take_changes(self) -> Changes:
        """What was written since the last call, for the screens (counter/changes.py)."""
        noted, self._noted = self._noted, []
        return Changes.merged(noted)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def officer(self) -> str:
        """The name events and forms carry: the logged-in officer's, else the desk's."""
        return self.user.full_name if self.user else self.desk_name

    @property
    def username(self) -> str:
        return self.user.username if self.user else self.desk_name

    @cached_property
    def accounts_exist(self) -> bool:
        """Whether work needs a login: the database has, or ever had, an account. Deleting
        the rows of `officers` does not open set-up mode again (counter/accounts.py)."""
        return officer_table.ever_had_accounts(self.db)

    def require(self, permission: str) -> None:
        """Refuse what the logged-in officer's role does not allow.

        A database that never had an account is in set-up mode: everything is
        allowed until the first admin account is created."""
        if not self.accounts_exist:
            return
        action = roles.LABELS.get(permission, permission)
        if self.user is None:
            raise CounterError(
                f"Cần đăng nhập để {action} (dùng --user TÊN).", "login required"
            )
        if not roles.allows(self.user.role, permission):
            raise CounterError(
                f"Tài khoản {self.user.username} ({roles.ROLES[self.user.role]}) không có quyền {action}.",
                f"role {self.user.role} may not {permission}",
            )

    @cached_property
    def settings(self) -> unit_settings.UnitSettings:
        return unit_settings.from_stored(settings_table.load(self.db))

    @cached_property
    def province(self) -> SqliteProvince:
        """The province's tables of this database (counter/province/; a province server has its own
        session, counter/province/server.py)."""
        return SqliteProvince(self.db, self.files)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        from datetime import date

        return WorkingCalendar(
            [DayOverride(date.fromisoformat(d), w, r) for d, w, r in calendar_table.overrides(self.db)]
        )

    def forget_cached(self) -> None:
        """Drop cached settings, calendar and account state after they were changed."""
        for name in ("settings", "calendar", "accounts_exist"):
            self.__dict__.pop(name, None)

    def require_unit(self) -> unit_settings.UnitSettings:
        settings = self.settings
        if not settings.initialised:
            raise CounterError(
                "Cơ sở dữ liệu chưa được khởi tạo: hãy chạy «init --unit-code … --unit-name …» trước.",
                "database not initialised, run init first",
            )
        return settings


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
