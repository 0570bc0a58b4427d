"""Sửa một thủ tục: an admin changes one procedure of the catalogue in the window (issue 15).

Pick the procedure as at intake (name or code, diacritics optional, Enter), change its time
limit, fee, checklist of documents (one per line) and online service, save (Ctrl+S). The change is audited
(counter/catalogue.py: update_procedure); a catalogue file can still be imported whole.
"""

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter import catalogue
from counter.catalogue import MAX_DAYS
from ui.operations import Runner, message_of
from ui.procedure_picker import ProcedurePicker
from ui.widgets import MessageLine, WheelGuard


class ProcedureDialog(QDialog):
    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.procedure = None
        self.setWindowTitle("Sửa một thủ tục trong danh mục")
        self.picker = ProcedurePicker()
        self.picker.field.setPlaceholderText("Gõ tên hoặc mã thủ tục cần sửa rồi nhấn Enter")
        self.picker.picked.connect(self.show_procedure)
        self.name = QLabel("Chưa chọn thủ tục.")
        self.name.setWordWrap(True)
        self.days = QSpinBox()
        self.days.setRange(0, MAX_DAYS)
        self.days.setSuffix(" ngày làm việc")
        self.days.setSpecialValueText("Trả trong ngày (0 ngày)")
        self.fee = QSpinBox()
        self.fee.setRange(0, 1_000_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setSuffix(" đồng")
        self.fee.setGroupSeparatorShown(True)
        self.no_fee = QCheckBox("Chưa quy định phí, lệ phí")
        self.no_fee.toggled.connect(lambda on: self.fee.setEnabled(not on))
        self.online = QComboBox()
        for key, label in (("", "Không có dịch vụ công trực tuyến"), ("partial", "Một phần"),
                           ("full", "Toàn trình")):
            self.online.addItem(label, key)
        self.documents = QPlainTextEdit()
        self.documents.setTabChangesFocus(True)
        self.documents.setPlaceholderText("Mỗi giấy tờ một dòng")
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu (Ctrl+S)")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.fee, 1)
        fee_row.addWidget(self.no_fee)
        form = QFormLayout()
        form.addRow("Thủ tục", self.picker)
        form.addRow("", self.name)
        form.addRow("Thời hạn giải quyết", self.days)
        form.addRow("Phí, lệ phí", fee_row)
        form.addRow("Thành phần hồ sơ", self.documents)
        form.addRow("Dịch vụ công trực tuyến", self.online)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.editors = (self.days, self.fee, self.no_fee, self.documents, self.online, self.buttons.button(
            QDialogButtonBox.StandardButton.Save))
        for widget in self.editors:
            widget.setEnabled(False)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        WheelGuard(self).guard(self)
        self.resize(760, 560)
        self.runner.run(catalogue.all_procedures, done=self.picker.set_procedures)
        self.picker.field.setFocus()

    def show_procedure(self, chosen) -> None:
        self.procedure = chosen
        self.name.setText(f"<b>{chosen.name}</b> ({chosen.code}) · {chosen.field or 'chưa có lĩnh vực'}")
        for widget in self.editors:
            widget.setEnabled(True)
        self.days.setValue(chosen.days)
        self.no_fee.setChecked(chosen.fee is None)
        self.fee.setValue(chosen.fee or 0)
        self.fee.setEnabled(chosen.fee is not None)
        self.documents.setPlainText("\n".join(chosen.documents))
        self.online.setCurrentIndex(max(0, self.online.findData(chosen.online_level)))
        self.message.clear()
        self.days.setFocus()
        self.days.selectAll()

    def save(self) -> None:
        if self.procedure is None:
            return
        code, days = self.procedure.code, self.days.value()
        fee = None if self.no_fee.isChecked() else self.fee.value()
        documents = [line for line in self.documents.toPlainText().splitlines() if line.strip()]
        online = self.online.currentData()
        self.runner.run(lambda s: catalogue.update_procedure(s, code, days=days, fee=fee, documents=documents,
                                                             online_level=online),
                        done=self._saved, failed=lambda error: self.message.error(message_of(error)),
                        label="Đang lưu thủ tục…", parent=self)

    def _saved(self, updated) -> None:
        self.procedure = updated
        self.message.ok(f"Đã lưu thủ tục {updated.code}: {updated.days} ngày làm việc, "
                        f"{len(updated.documents)} giấy tờ; hồ sơ nhận từ nay theo thủ tục đã sửa.")
        self.runner.run(catalogue.all_procedures, done=self.picker.set_procedures)
