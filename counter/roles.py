"""Who may do what (phân quyền), read from the permissions' declaration (counter/transitions.py).

An officer (công chức một cửa) receives, returns and digitizes; the head of
unit (lãnh đạo) also apologises, corrects, closes dossiers, sees reports and
changes settings; the admin also manages accounts, the catalogue and the
calendar. Each role includes the one before it.
"""

from dataclasses import dataclass

from counter.transitions import GRANTS, ROLE_LABELS, Permission, Role

ROLES = ROLE_LABELS


def _up_to(role: Role) -> frozenset[Permission]:
    order = list(Role)
    return frozenset(p for p, grant in GRANTS.items() if order.index(grant.least) <= order.index(role))


OFFICER = _up_to(Role.OFFICER)
HEAD = _up_to(Role.HEAD)
ADMIN = _up_to(Role.ADMIN)
PERMISSIONS: dict[str, frozenset[Permission]] = {Role.OFFICER: OFFICER, Role.HEAD: HEAD, Role.ADMIN: ADMIN}
LABELS: dict[str, str] = {permission: grant.label for permission, grant in GRANTS.items()}


@dataclass(frozen=True)
class Account:
    """The logged-in officer's account as a session holds it: never its password hash."""

    username: str
    full_name: str
    role: str
    active: bool = True
    locked_until: str | None = None

    @classmethod
    def of(cls, row: dict) -> "Account":
        return cls(row["username"], row["full_name"], row["role"], bool(row["active"]), row["locked_until"])


def allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
