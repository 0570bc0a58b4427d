"""The first start on a new database: who the unit is, and the starter catalogue.

Nothing can be received before the unit code and name are known (the
dossier code starts with the unit's identifier, TT 01/2018 art. 19); the
starter catalogue of real commune procedures lets a counter work at once.
"""

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from counter import catalogue, unit
from counter.settings import UnitSettings
from ui.operations import Runner, message_of
from ui.unit_form import UnitForm
from ui.widgets import MessageLine


class FirstRunDialog(QDialog):
    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("motcua — thiết lập lần đầu")
        intro = QLabel("Cơ sở dữ liệu mới. Hãy nhập thông tin đơn vị; có thể sửa lại sau trong «Thiết lập».")
        intro.setWordWrap(True)
        self.form = UnitForm(with_hours=True)
        self.form.show_settings(UnitSettings())
        self.starter = QCheckBox("Nạp danh mục thủ tục hành chính mẫu cấp xã (có thể nhập danh mục riêng sau)")
        self.starter.setChecked(True)
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu làm việc")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.starter)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.form.unit_code.setFocus()

    def save(self) -> None:
        changes, starter = self.form.changes(), self.starter.isChecked()

        def call(session):
            settings = unit.configure(session, **changes)
            if starter:
                catalogue.import_catalogue(session, catalogue.STARTER)
            return settings

        self.buttons.setEnabled(False)
        self.runner.run(call, done=lambda _settings: self.accept(), failed=self._refused,
                        label="Đang lưu thiết lập…", parent=self)

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message_of(error))
