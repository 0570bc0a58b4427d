"""Who may do what (phân quyền), read from the permissions' declaration (counter/transitions.py).

An officer (công chức một cửa) receives, returns and digitizes; the head of
unit (lãnh đạo) also apologises, corrects, closes dossiers, sees reports and
changes settings; the admin also manages accounts, the catalogue and the
calendar. Each role includes the one before it.
"""

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


def allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
