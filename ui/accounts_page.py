"""Thiết lập → Tài khoản: the admin's list of officers' accounts.

Create an account (officer, head of unit or admin), stop or restore it,
lift a lockout, reset a password. Accounts are never deleted: their names
stay in the events and the audit trail (counter/accounts.py). The first
account, made while the database is still in set-up mode, must be an admin
and is logged in at once so the window is not left without anyone.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import accounts
from counter.changes import Changes
from counter.clock import from_iso, now
from counter.roles import ROLES
from ui.access import Access
from ui.login import PasswordDialog, password_line
from ui.operations import Runner, message_of
from ui.refresh import Refresh
from ui.widgets import MessageLine, line, row_table

HEADERS = ("Tên đăng nhập", "Họ tên", "Vai trò", "Trạng thái")


class AccountsPage(QWidget):
    logged_in = Signal(object)  # the first account was made in set-up mode and is now logged in

    def __init__(self, runner: Runner, access: Access, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.access = runner, access
        self.accounts: list[dict] = []
        self.table = row_table(HEADERS, (160, 240, 160))
        self.table.currentCellChanged.connect(lambda *_: self._selected())
        self.toggle_button = QPushButton("Ngừng sử dụng tài khoản")
        self.toggle_button.clicked.connect(self.toggle_active)
        self.unlock_button = QPushButton("Mở khóa")
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button = QPushButton("Đặt lại mật khẩu…")
        self.reset_button.clicked.connect(self.reset_password)
        actions = QHBoxLayout()
        for button in (self.toggle_button, self.unlock_button, self.reset_button):
            actions.addWidget(button)
        actions.addStretch(1)

        new = QGroupBox("Tạo tài khoản mới")
        self.username = line("3–32 ký tự: chữ không dấu, số, dấu chấm, gạch ngang; ví dụ lan.tt")
        self.full_name = line("Họ tên cán bộ")
        self.role = QComboBox()
        for key, label in ROLES.items():
            self.role.addItem(label, key)
        self.password = password_line(f"Ít nhất {accounts.MIN_PASSWORD} ký tự")
        self.again = password_line("Nhập lại mật khẩu")
        create = QPushButton("Tạo tài khoản")
        create.clicked.connect(self.create)
        form = QFormLayout(new)
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Họ tên", self.full_name)
        form.addRow("Vai trò", self.role)
        form.addRow("Mật khẩu", self.password)
        form.addRow("Nhập lại mật khẩu", self.again)
        form.addRow("", create)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(new)
        layout.addWidget(self.message)
        self._selected()
        self.refresh = Refresh(self, self.start)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("accounts"):
            self.refresh()

    def start(self) -> None:
        def read(session):
            session.require("accounts")
            return accounts.all_accounts(session)

        self.runner.run(read, done=self._show, failed=self._refused)

    def _show(self, found: list[dict]) -> None:
        chosen = self.current()
        self.accounts = found
        moment = now()
        self.table.setRowCount(len(found))
        for row, account in enumerate(found):
            locked = from_iso(account["locked_until"])
            if not account["active"]:
                state = "Ngừng sử dụng"
            elif locked and locked > moment:
                state = f"Bị khóa đến {locked:%H:%M %d/%m/%Y} (đăng nhập sai nhiều lần)"
            else:
                state = "Đang sử dụng"
            for column, text in enumerate((account["username"], account["full_name"], ROLES[account["role"]],
                                           state)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account["username"])
                self.table.setItem(row, column, item)
        names = [a["username"] for a in found]
        if chosen and chosen["username"] in names:
            self.table.setCurrentCell(names.index(chosen["username"]), 0)
        self._selected()

    def current(self) -> dict | None:
        row = self.table.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def select(self, username: str) -> None:
        names = [a["username"] for a in self.accounts]
        if username in names:
            self.table.setCurrentCell(names.index(username), 0)

    def _selected(self) -> None:
        account = self.current()
        mine = account is not None and self.access.user is not None and \
            account["username"] == self.access.user.username
        self.toggle_button.setText("Cho dùng lại tài khoản" if account and not account["active"]
                                   else "Ngừng sử dụng tài khoản")
        self.toggle_button.setEnabled(account is not None and not mine)  # never lock oneself out
        self.unlock_button.setEnabled(account is not None and bool(account["locked_until"]))
        self.reset_button.setEnabled(account is not None)

    def create(self) -> None:
        username, full_name, role = self.username.text().strip(), self.full_name.text(), self.role.currentData()
        password = self.password.text()
        if password != self.again.text():
            self.message.error("Hai lần nhập mật khẩu không khớp.")
            self.again.clear()
            self.again.setFocus()
            return
        first = self.access.user is None

        def call(session):
            account = accounts.create(session, username, full_name, role, password)
            return account, accounts.login(session, account["username"], password) if first else None

        self.runner.run(call, done=self._created, failed=self._refused)

    def _created(self, result) -> None:
        account, user = result
        for field in (self.username, self.full_name, self.password, self.again):
            field.clear()
        self.message.ok(f"Đã tạo tài khoản {account['username']} ({ROLES[account['role']]}) cho "
                        f"{account['full_name']}." + (" Từ nay phải đăng nhập để làm việc." if user else ""))
        if user:
            self.logged_in.emit(user)

    def toggle_active(self) -> None:
        account = self.current()
        if account is None:
            return
        name, active = account["username"], not account["active"]
        self._change(lambda s: accounts.set_active(s, name, active),
                     f"Đã {'cho dùng lại' if active else 'ngừng sử dụng'} tài khoản {name}.")

    def unlock(self) -> None:
        account = self.current()
        if account is not None:
            name = account["username"]
            self._change(lambda s: accounts.unlock(s, name), f"Đã mở khóa tài khoản {name}.")

    def reset_password(self) -> None:
        account = self.current()
        if account is None:
            return
        name = account["username"]
        self.password_dialog = PasswordDialog(f"Đặt lại mật khẩu cho {name}", self)

        def reset() -> None:
            secret = self.password_dialog.password()  # read here, on the window's thread
            self._change(lambda s: accounts.change_password(s, name, secret),
                         f"Đã đặt lại mật khẩu cho {name}; hãy báo cho cán bộ và đề nghị đổi mật khẩu khi đăng nhập.")

        self.password_dialog.accepted.connect(reset)
        self.password_dialog.open()

    def _change(self, call, done_text: str) -> None:
        self.runner.run(call, done=lambda _r: self.message.ok(done_text), failed=self._refused)

    def _refused(self, error: Exception) -> None:
        self.message.error(message_of(error))
