"""The province on a PostgreSQL server: `province … --db postgresql://USER@HOST/DB`.

A session like counter/session.py's, for the province commands only. The
server authenticates whoever connects (password, ~/.pgpass or peer), so
there is no motcua login on it: what a user may do is what PostgreSQL grants
them. Importing needs INSERT on the province's tables (the database's owner
has it); reports and the public page need SELECT (an analyst's role,
README.md "Province server"). The working calendar is the national one.
"""

from functools import cached_property
from typing import TYPE_CHECKING

from counter import roles
from counter.errors import CounterError
from counter.text import nfc
from counter.working_calendar import WorkingCalendar

if TYPE_CHECKING:
    from db.province_pg import PgProvince

# motcua's permissions (counter/roles.py) as privileges on the server.
PRIVILEGES = {"province": ("INSERT", "nhập tệp"), "reports": ("SELECT", "xem báo cáo")}
URL_SCHEMES = ("postgresql://", "postgres://")


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
            raise CounterError(f"Cơ sở dữ liệu PostgreSQL của tỉnh chỉ dùng cho các lệnh «province», không để {action}.",
                               f"{permission} is not available on a province server")
        privilege, action = PRIVILEGES[permission]
        if not self.province.may(privilege):
            raise CounterError(
                f"Người dùng PostgreSQL «{self.username}» không có quyền {action} (cần quyền {privilege} trên các"
                " bảng province_* ; xem README, mục máy chủ của tỉnh).",
                f"user {self.username} lacks {privilege} on the province tables",
            )

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar([])

    def close(self) -> None:
        self.province.close()

    def __enter__(self) -> "ServerSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
