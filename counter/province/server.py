"""The province on a PostgreSQL server: `province … --db postgresql://USER@HOST/DB`.

A session like counter/session.py's, for the province commands only. The
server authenticates whoever connects (password, ~/.pgpass or peer), so
there is no motcua login on it: what a user may do is what PostgreSQL grants
them. Importing needs INSERT on the province's tables (the database's owner
has it); reports and the public page need SELECT (an analyst's role,
README.md "Province server"). The working calendar is the national one.

What a SQLite province keeps beside its file (the province's key files, the
acknowledgements written for the units, decrypted exports while they are
imported) a server session keeps in a local folder of the user who runs the
command: `$MOTCUA_PROVINCE_FILES`, else the user's data folder,
`province/USER@HOST_PORT_DB` (`beside`).
"""

import os
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from counter import private, roles
from counter.errors import CounterError
from counter.text import nfc
from counter.working_calendar import WorkingCalendar

if TYPE_CHECKING:
    from db.province_pg import PgProvince

# motcua's permissions (counter/roles.py) as privileges on the server.
PRIVILEGES = {"province": ("INSERT", "nhập tệp"), "reports": ("SELECT", "xem báo cáo")}
URL_SCHEMES = ("postgresql://", "postgres://")


def beside(session, suffix: str) -> Path:
    """A file or folder of the province beside its database: `PATH-suffix` beside a SQLite
    file, `suffix` in the local folder of a server session."""
    if isinstance(session, ServerSession):
        return session.folder / suffix.lstrip("-")
    return session.path.with_name(session.path.name + suffix)


def is_url(database) -> bool:
    """Whether `--db` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(database, str) and database.startswith(URL_SCHEMES)


class ServerSession:
    def __init__(self, url: str, officer: str | None = None):
        from db import province_pg  # psycopg is loaded only by a command that needs a server

        self.path = url  # what `--db` said; shown without its password by `where`
        self.province: PgProvince = province_pg.connect(url)
        self.desk_name = nfc(officer) if officer else ""
        self.user = None

    @cached_property
    def username(self) -> str:
        """The server's user: audit rows name who really connected."""
        return self.province.user

    @property
    def officer(self) -> str:
        return self.desk_name or self.username

    def require(self, permission: str) -> None:
        if permission not in PRIVILEGES:
            action = roles.LABELS.get(permission, permission)
            raise CounterError(f"Cơ sở dữ liệu PostgreSQL của tỉnh chỉ dùng cho các lệnh «province», không để"
                               f" {action}.",
                               f"{permission} is not available on a province server")
        privilege, action = PRIVILEGES[permission]
        if not self.province.may(privilege):
            raise CounterError(
                f"Người dùng PostgreSQL «{self.username}» không có quyền {action} (cần quyền {privilege} trên các"
                " bảng province_* ; xem README, mục máy chủ của tỉnh).",
                f"user {self.username} lacks {privilege} on the province tables",
            )

    @cached_property
    def folder(self) -> Path:
        """This server's local folder (made private on first use)."""
        if os.environ.get("MOTCUA_PROVINCE_FILES"):
            folder = Path(os.environ["MOTCUA_PROVINCE_FILES"])
        else:
            import platformdirs

            from db.province_pg import shown

            name = re.sub(r"[^A-Za-z0-9@._-]", "_", shown(self.path))
            folder = Path(platformdirs.user_data_dir("motcua", appauthor=False)) / "province" / name
        private.make_folder(folder)
        return folder

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar([])

    def close(self) -> None:
        self.province.close()

    def __enter__(self) -> "ServerSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
