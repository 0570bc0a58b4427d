"""Thiết lập → Nhật ký: who did what, and whether the record is still whole.

Every change leaves a row in the audit trail, each sealed with the SHA-256
of the one before (counter/audit.py). "Kiểm tra" runs the same check as the
CLI's `check` (counter/maintenance.py): the database's integrity, the audit
chain (naming the first broken row) and every dossier against its events. It
reads the whole database, so it runs on the background worker.
"""

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import audit, maintenance
from counter.changes import Changes
from ui.access import Access
from ui.operations import Runner, message_of
from ui.refresh import Refresh
from ui.sentences import ACTIONS, audit_sentence, moment
from ui.widgets import MessageLine, row_table

SHOWN = 200
HEADERS = ("Số", "Thời điểm", "Người thực hiện", "Việc", "Đối tượng", "Nội dung")


def detail_text(action: str, target: str, detail: str) -> str:
    """The row's detail as a sentence (ui/sentences.py), never its stored JSON."""
    try:
        values = json.loads(detail or "{}")
    except ValueError:
        values = {}
    return audit_sentence(action, target, values if isinstance(values, dict) else {})


class AuditPage(QWidget):
    def __init__(self, reads: Runner, background: Runner, access: Access, parent: QWidget | None = None):
        super().__init__(parent)
        self.reads, self.background, self.access = reads, background, access
        self.rows: list[dict] = []
        self.table = row_table(HEADERS, (70, 140, 170, 170, 210), single=False)
        self.table.verticalHeader().setVisible(False)
        self.check_button = QPushButton("Kiểm tra (F6)")
        self.check_button.clicked.connect(self.check)
        refresh = QPushButton("Tải lại (F5)")
        refresh.clicked.connect(self.start)
        top = QHBoxLayout()
        top.addWidget(QLabel(f"{SHOWN} dòng mới nhất của nhật ký kiểm tra"))
        top.addStretch(1)
        top.addWidget(refresh)
        top.addWidget(self.check_button)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("F5"), self, self.start, context=here)
        QShortcut(QKeySequence("F6"), self, self.check, context=here)
        self.refresh = Refresh(self, self.start)

    def on_changes(self, changes: Changes) -> None:
        """Every write but a backup leaves an audit row."""
        if changes.touches("dossiers", "settings", "catalogue", "calendar", "accounts", "exports", "sync"):
            self.refresh()

    def start(self) -> None:
        def read(session):
            session.require("reports")
            return audit.recent(session, SHOWN)

        self.reads.run(read, done=self._show, failed=self._refused)

    def _show(self, rows: list[dict]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            sentence = detail_text(entry["action"], entry["target"], entry["detail"])
            cells = (str(entry["id"]), moment(entry["at"]), entry["officer"], ACTIONS.get(entry["action"], ""),
                     entry["target"], sentence)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(sentence)
                self.table.setItem(row, column, item)

    def check(self) -> None:
        if not self.check_button.isEnabled():
            return
        self.check_button.setEnabled(False)
        self.message.note("Đang kiểm tra toàn bộ cơ sở dữ liệu và nhật ký…")
        self.background.run(maintenance.report, done=self._checked, failed=self._refused,
                            label="Đang kiểm tra cơ sở dữ liệu…", parent=self)

    def _checked(self, found: maintenance.Report) -> None:
        self.check_button.setEnabled(True)
        problems, notes = found.problems, "".join("\n" + note for note in found.notes())
        if not problems:
            self.message.ok("Kiểm tra xong: cơ sở dữ liệu toàn vẹn, nhật ký kiểm tra liền mạch, mọi hồ sơ khớp "
                            "với quá trình xử lý." + notes)
        else:
            shown = problems[:5] + ([f"… và {len(problems) - 5} vấn đề khác."] if len(problems) > 5 else [])
            self.message.error("Kiểm tra phát hiện vấn đề:\n" + "\n".join(shown) + notes)

    def _refused(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        self.message.error(message_of(error))
