"""Yêu cầu bổ sung: the missing documents ticked from the procedure's checklist, plus any other.

ND 61/2018 art. 17 and 19: everything missing is asked for at once, in writing (Mẫu 02). The
officer ticks the checklist's documents (Space), types any other one per line, and a reason;
the request and its slip list them (counter/lifecycle.py: request_supplement, `missing`).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from counter.text import nfc


class SupplementDialog(QDialog):
    def __init__(self, checklist: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Yêu cầu bổ sung, hoàn thiện hồ sơ")
        intro = QLabel("Đánh dấu mọi giấy tờ còn thiếu (Space), ghi thêm giấy tờ khác nếu có: "
                       "người nộp được yêu cầu bổ sung một lần, đầy đủ.")
        intro.setWordWrap(True)
        self.checklist = QListWidget()
        for number, name in enumerate(checklist, start=1):
            item = QListWidgetItem(f"{number}. {name}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, str(number))
            item.setToolTip(name)
            self.checklist.addItem(item)
        rows = min(10, max(3, len(checklist)))
        self.checklist.setFixedHeight(rows * self.checklist.fontMetrics().height() * 3 // 2 + 8)
        self.others = QPlainTextEdit()
        self.others.setTabChangesFocus(True)
        self.others.setPlaceholderText("Giấy tờ khác còn thiếu, mỗi dòng một giấy tờ")
        self.others.setFixedHeight(70)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("Ví dụ: bản sao chưa có chứng thực; tờ khai chưa ghi ngày sinh")
        self.reason.setFixedHeight(70)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Lưu và in phiếu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Giấy tờ trong thành phần hồ sơ", self.checklist)
        form.addRow("Giấy tờ khác", self.others)
        form.addRow("Lý do, hướng dẫn", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(720, self.sizeHint().height())
        if self.checklist.count():
            self.checklist.setCurrentRow(0)
        self.checklist.setFocus()

    def missing(self) -> list[str]:
        """The ticked checklist numbers ("1", "2", …), then the other documents typed."""
        ticked = [self.checklist.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.checklist.count())
                  if self.checklist.item(i).checkState() == Qt.CheckState.Checked]
        return ticked + [nfc(line) for line in self.others.toPlainText().splitlines() if nfc(line)]

    def text(self) -> str:
        return nfc(self.reason.toPlainText())
