"""The first start on a new database: who the unit is, the starter catalogue, the admin.

Nothing can be received before the unit code and name are known (the
dossier code starts with the unit's identifier, TT 01/2018 art. 19); the
starter catalogue of real commune procedures lets a counter work at once.
A database without accounts lets anyone at the machine do anything (issue
6), so the dialog offers to create the first admin account right away.
Two columns, the unit on the left and the rest on the right, so that the
buttons and every message stay on a 1366×768 screen (issue 15).
"""

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from counter import accounts, catalogue, unit
from counter.roles import Account
from counter.settings import UnitSettings
from ui.login import password_line
from ui.operations import Runner, message_of
from ui.unit_form import UnitForm
from ui.widgets import MessageLine, line


class FirstRunDialog(QDialog):
    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("motcua — thiết lập lần đầu")
        intro = QLabel("Cơ sở dữ liệu mới. Hãy nhập thông tin đơn vị; có thể sửa lại sau trong «Thiết lập».")
        intro.setWordWrap(True)
        self.form = UnitForm(with_hours=True)
        self.form.show_settings(UnitSettings())
        self.starter = QCheckBox("Nạp danh mục thủ tục hành chính mẫu cấp xã\n(có thể nhập danh mục riêng sau)")
        self.starter.setChecked(True)
        admin = QGroupBox("Tài khoản quản trị (nên tạo ngay)")
        warning = QLabel("Khi chưa có tài khoản, ai dùng máy này cũng làm được mọi việc, kể cả khôi phục dữ liệu. "
                         "Để trống tên đăng nhập nếu muốn tạo sau (Thiết lập → Tài khoản).")
        warning.setWordWrap(True)
        self.username = line("Ví dụ: quantri")
        self.full_name = line("Họ tên người quản trị")
        self.password = password_line(f"Ít nhất {accounts.MIN_PASSWORD} ký tự")
        self.again = password_line("Nhập lại mật khẩu")
        admin_form = QFormLayout(admin)
        admin_form.addRow(warning)
        admin_form.addRow("Tên đăng nhập", self.username)
        admin_form.addRow("Họ tên", self.full_name)
        admin_form.addRow("Mật khẩu", self.password)
        admin_form.addRow("Nhập lại mật khẩu", self.again)
        self.user: Account | None = None  # the admin, logged in, when the dialog made one
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu làm việc")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addWidget(self.starter)
        right.addWidget(admin)
        right.addWidget(self.message)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(self.form, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.form.unit_code.setFocus()

    def save(self) -> None:
        changes, starter = self.form.changes(), self.starter.isChecked()
        username, full_name, password = self.username.text().strip(), self.full_name.text(), self.password.text()
        if username and password != self.again.text():
            self.message.error("Hai lần nhập mật khẩu không khớp.")
            self.again.clear()
            self.again.setFocus()
            return

        def call(session):
            # The unit first, while the database is still in set-up mode; then the admin, who logs in.
            unit.configure(session, **changes)
            if starter:
                catalogue.import_catalogue(session, catalogue.STARTER)
            if not username:
                return None
            accounts.create(session, username, full_name, "admin", password)
            return accounts.login(session, username, password)

        self.buttons.setEnabled(False)
        self.runner.run(call, done=self._saved, failed=self._refused, label="Đang lưu thiết lập…", parent=self)

    def _saved(self, user: Account | None) -> None:
        self.user = user
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message_of(error))
