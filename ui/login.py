"""Đăng nhập: who is at the counter, before the window can be used.

Issue 6: when the unit has accounts the app opens with a login; five wrong
passwords lock the account for 15 minutes (counter/accounts.py says so in
its own words, shown here as they are). Keyboard first: Enter in the name
goes to the password, Enter in the password logs in.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter import accounts
from counter.roles import Account
from ui.operations import Runner, message_of
from ui.widgets import MessageLine, line


def password_line(placeholder: str = "") -> QLineEdit:
    field = line(placeholder)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setClearButtonEnabled(False)
    return field


class LoginDialog(QDialog):
    logged_in = Signal(object)

    def __init__(self, runner: Runner, unit_name: str = "", username: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("motcua — đăng nhập")
        self.setModal(True)
        self.intro = QLabel(f"<b>{unit_name}</b><br>Đăng nhập để làm việc." if unit_name else "Đăng nhập để làm việc.")
        self.username = line("Tên đăng nhập, ví dụ lan.tt")
        self.username.setText(username or "")
        self.password = password_line("Mật khẩu")
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đăng nhập")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.login)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Mật khẩu", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def login(self) -> None:
        """Enter with a field still empty moves to it rather than counting a failed login."""
        name, secret = self.username.text().strip(), self.password.text()
        if not name:
            self.username.setFocus()
            return
        if not secret:
            self.password.setFocus()
            return
        self.buttons.setEnabled(False)
        self.runner.run(lambda s: accounts.login(s, name, secret), done=self._logged_in, failed=self._refused,
                        label="Đang đăng nhập…", parent=self)

    def _logged_in(self, user: Account) -> None:
        self.password.clear()
        self.accept()
        self.logged_in.emit(user)

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message_of(error))
        self.password.clear()
        self.password.setFocus()


class PasswordDialog(QDialog):
    """A new password typed twice (own change, after the current one; or an admin's reset)."""

    def __init__(self, title: str, parent: QWidget | None = None, ask_current: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.current = password_line("Mật khẩu đang dùng") if ask_current else None
        self.first = password_line(f"Ít nhất {accounts.MIN_PASSWORD} ký tự")
        self.again = password_line("Nhập lại mật khẩu mới")
        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đồng ý")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        if self.current is not None:
            form.addRow("Mật khẩu hiện tại", self.current)
        form.addRow("Mật khẩu mới", self.first)
        form.addRow("Nhập lại", self.again)
        form.addRow(self.message)
        form.addRow(buttons)

    def password(self) -> str:
        return self.first.text()

    def current_password(self) -> str | None:
        return self.current.text() if self.current is not None else None

    def _check(self) -> None:
        if self.first.text() != self.again.text():
            self.message.error("Hai lần nhập mật khẩu không khớp.")
            self.again.clear()
            self.again.setFocus()
            return
        self.accept()
