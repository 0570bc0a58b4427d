"""Thiết lập → Sao lưu: the verified backups beside the database, a backup now, a restore.

Backups are made through SQLite's backup API and checked before they count
(counter/backups.py); they run on the background worker, so the counter
keeps receiving while a large database is copied. A restore names the
moment it goes back to before it starts, keeps the current data as a backup
of its own, and copies the backup into the live database, so the other
workers' connections (the big list has its own) go on, on the restored
data; they forget what they cached and the whole window reads its data
again. The message names the dossiers to enter again. A file in the folder
that motcua did not record is shown as such; restoring it is checked like
any other file.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import backups
from counter.changes import Changes
from ui.access import Access
from ui.operations import Runner, message_of
from ui.refresh import Refresh
from ui.widgets import MessageLine, row_table

HEADERS = ("Thời điểm", "Loại", "Kích thước", "Tệp")
KINDS = {"": "Sao lưu theo yêu cầu", "startup": "Tự động khi mở ứng dụng", "export": "Tự động khi xuất cuối ngày",
         "before-restore": "Trước khi khôi phục"}


def kind(label: str) -> str:
    if label.startswith("before-v"):
        return "Trước khi nâng cấp dữ liệu"
    return KINDS.get(label, label)


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB".replace(",", " ").replace(".", ",")


class BackupsPage(QWidget):
    def __init__(self, runner: Runner, reads: Runner, background: Runner, access: Access,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.reads, self.background, self.access = runner, reads, background, access
        self.backups: list[dict] = []
        self.folder = QLabel()
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = row_table(HEADERS, (170, 220, 110))
        self.table.currentCellChanged.connect(lambda *_: self._selected())
        self.backup_button = QPushButton("Sao lưu ngay")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Khôi phục…")
        self.restore_button.clicked.connect(self.ask_restore)
        self.confirm: QMessageBox | None = None
        note = QLabel("Bản sao lưu được kiểm tra toàn vẹn trước khi giữ lại; giữ mọi bản của hôm nay, rồi mỗi ngày, "
                      "mỗi tuần, mỗi tháng một bản. Nên chép thư mục này sang ổ đĩa khác định kỳ.")
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.access.guard(self.backup_button, "backup")
        self._selected()
        self.refresh = Refresh(self, self.start)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("backups"):
            self.refresh()

    def start(self) -> None:
        def read(session):
            session.require("backup")
            found = [dict(b, size=b["path"].stat().st_size) for b in backups.listed(session)]
            return backups.folder(session), found

        self.background.run(read, done=lambda result: self._show(*result), failed=self._refused)

    def _show(self, folder: Path, found: list[dict]) -> None:
        self.folder.setText(f"Thư mục sao lưu: {folder}")
        self.backups = found
        self.table.setRowCount(len(found))
        for row, backup in enumerate(found):
            what = kind(backup["label"]) + ("" if backup["recorded"] else " (không có trong sổ sao lưu)")
            cells = (f"{backup['at']:%H:%M:%S %d/%m/%Y}", what, size_text(backup["size"]), backup["path"].name)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setCurrentCell(0 if found else -1, 0)
        self._selected()

    def current(self) -> dict | None:
        row = self.table.currentRow()
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def _selected(self) -> None:
        self.restore_button.setEnabled(self.current() is not None and self.access.may("restore"))
        if not self.access.may("restore"):
            self.restore_button.setToolTip(self.access.refusal("restore"))

    def backup_now(self) -> None:
        self.backup_button.setEnabled(False)
        self.background.run(backups.make, done=self._backed_up, failed=self._refused, label="Đang sao lưu…",
                            parent=self)

    def _backed_up(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.message.ok(f"Đã sao lưu và kiểm tra: {path}")

    def ask_restore(self) -> None:
        backup = self.current()
        if backup is None or not self.restore_button.isEnabled():
            return
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning, "Khôi phục dữ liệu",
            f"Khôi phục dữ liệu về bản sao lưu lúc {backup['at']:%H:%M:%S ngày %d/%m/%Y}?\n\n"
            "Dữ liệu hiện tại được sao lưu trước khi khôi phục. Mọi việc làm sau thời điểm đó sẽ không còn "
            "trong dữ liệu đang dùng và phải nhập lại.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        self.confirm.button(QMessageBox.StandardButton.Yes).setText("Khôi phục")
        self.confirm.button(QMessageBox.StandardButton.Cancel).setText("Hủy")
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm.finished.connect(lambda _result, box=self.confirm: self._confirmed(box, backup))
        self.confirm.open()

    def _confirmed(self, box: QMessageBox, backup: dict) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self.restore(backup)

    def restore(self, backup: dict) -> None:
        self.restore_button.setEnabled(False)
        self.message.note(f"Đang khôi phục về lúc {backup['at']:%H:%M:%S %d/%m/%Y}…")
        self.runner.run(lambda s: backups.restore(s, backup["path"]),
                        done=lambda result: self._restored(backup, result), failed=self._refused,
                        label="Đang khôi phục dữ liệu…", parent=self)

    def _restored(self, backup: dict, result: dict) -> None:
        text = (f"Đã khôi phục dữ liệu về lúc {backup['at']:%H:%M:%S ngày %d/%m/%Y}. Dữ liệu trước khi "
                f"khôi phục được giữ tại {result.previous_saved_as}.")
        self.message.ok(" ".join([text, *backups.restore_summary(result)[1:]]))

    def _refused(self, error: Exception) -> None:
        self.backup_button.setEnabled(self.access.may("backup"))
        self._selected()
        self.message.error(message_of(error))
