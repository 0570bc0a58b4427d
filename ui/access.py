"""What the logged-in officer may do, so the window offers only that.

The window disables what the role does not allow (counter/roles.py: officer
⊂ head ⊂ admin) and a step the dossier's status does not allow (the state
table, counter/transitions.py); the services refuse it again if it is
reached some other way. Without a logged-in account (a database without
accounts is in set-up mode) everything is allowed, as the services allow it.
"""

from PySide6.QtWidgets import QWidget

from counter import roles, transitions
from counter.roles import Account
from counter.transitions import EventKind


class Access:
    def __init__(self, user: Account | None = None):
        self.user = user

    def may(self, permission: str) -> bool:
        return self.user is None or roles.allows(self.user.role, permission)

    def can(self, kind: EventKind, status: str) -> bool:
        """May this officer take the step `kind` on a dossier in `status`?"""
        return transitions.allows(kind, status) and self.may(transitions.TABLE[kind].permission)

    def refusal(self, permission: str) -> str:
        """Why a disabled action is disabled, in the words the service would use."""
        role = roles.ROLES[self.user.role] if self.user else ""
        return f"Vai trò {role} không có quyền {roles.LABELS.get(permission, permission)}."

    def guard(self, widget: QWidget, permission: str) -> bool:
        """Disable `widget` with the reason as its tooltip unless allowed; whether it is allowed."""
        allowed = self.may(permission)
        if not allowed:
            widget.setEnabled(False)
            widget.setToolTip(self.refusal(permission))
        return allowed

    def who(self) -> str:
        """The officer and role for the status line."""
        if self.user is None:
            return "chưa có tài khoản nào (chế độ thiết lập: ai dùng máy này cũng có toàn quyền)"
        return f"{self.user.full_name} ({roles.ROLES[self.user.role]})"
