"""Số hóa: scanned files dropped onto each document and onto the result.

On the left, every dossier that still lacks a scan (a document, or a result
already issued); on the right the open dossier, one drop box per document.
A document only shown, filed electronically or secret needs no scan (TT
03/2025 art. 5): "Không cần" records that instead of leaving it missing.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from counter import digitization, dossiers
from counter.changes import Changes
from counter.dossier_list import ListFilter
from counter.transitions import EventKind, allows
from ui.dossier_table import DossierTable
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.refresh import Refresh
from ui.widgets import FileDrop, MessageLine, line


class DigitizationScreen(QWidget):
    def __init__(self, runner: Runner, reads: Runner, preferences: Preferences | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.preferences = preferences or Preferences()
        self.dossier = None
        self.missing = DossierTable(reads)
        self.missing.opened.connect(self.open_code)
        self.count = QLabel()
        self.missing.counted.connect(lambda n, final: self.count.setText(
            f"{n:,}".replace(",", ".") + (" hồ sơ còn thiếu bản số hóa" if final else "+ hồ sơ, đang đếm…")))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Hồ sơ còn thiếu bản số hóa (Enter để mở)"))
        left_layout.addWidget(self.missing, 1)
        left_layout.addWidget(self.count)

        self.code = line("Quét hoặc gõ mã hồ sơ rồi nhấn Enter")
        self.code.returnPressed.connect(lambda: self.open_code(self.code.text()))
        self.title = QLabel("Chưa mở hồ sơ nào.")
        self.title.setWordWrap(True)
        self.documents_box = QGroupBox("Giấy tờ trong hồ sơ")
        self.grid = QGridLayout(self.documents_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.documents_box)
        self.message = MessageLine()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.code)
        right_layout.addWidget(self.title)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 640])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        self.drops: dict[object, FileDrop] = {}
        self.refresh = Refresh(self, self.start)

    def start(self) -> None:
        self.missing.load(ListFilter(scans_missing=True))

    def on_changes(self, changes: Changes) -> None:
        """Any dossier may join or leave the list of missing scans; the open one, changed elsewhere,
        is shown again."""
        if changes.touches("dossiers"):
            self.refresh()
        if self.dossier is not None and changes.touches_dossier(self.dossier.code):
            code = self.dossier.code
            self.runner.run(lambda s: dossiers.get(s, code), done=self._reread, failed=lambda _error: None)

    def _reread(self, dossier) -> None:
        # Its own attachments are shown already, with the cursor on the next missing scan.
        if self.dossier is not None and self.dossier.code == dossier.code and self.dossier != dossier:
            self._show(dossier)

    def open_code(self, code: str) -> None:
        code = code.strip()
        if code:
            self.runner.run(lambda s: dossiers.get(s, code), done=self._show, failed=self._refused)

    def _show(self, dossier) -> None:
        self.dossier = dossier
        self.code.setText(dossier.code)
        self.title.setText(f"<b>{dossier.code}</b> — {dossier.applicant_name} — {dossier.procedure_name}")
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.drops = {}
        for row, doc in enumerate(dossier.documents):
            state = "Không cần số hóa" if doc.not_required else ("Đã số hóa" if doc.file_sha256 else "Chưa số hóa")
            self._add_row(row, f"{doc.position}. {doc.name}", state, doc.position, not doc.digitized)
        if dossier.result_at is not None and allows(EventKind.RESULT_DIGITIZED, dossier.status):
            state = "Đã số hóa" if dossier.result_digitized else "Chưa số hóa"
            self._add_row(len(dossier.documents), "Kết quả giải quyết", state, "result", False)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(len(dossier.documents) + 1, 1)  # rows at the top, space below
        first_missing = next((drop for key, drop in self.drops.items()
                              if key != "result" and not dossier.documents[key - 1].digitized), None)
        (first_missing or self.code).setFocus()

    def _add_row(self, row: int, name: str, state: str, key, can_skip: bool) -> None:
        label = QLabel(name)
        label.setWordWrap(True)
        status = QLabel(state)
        status.setStyleSheet("color: #1b5e20;" if state != "Chưa số hóa" else "color: #8b1a1a; font-weight: bold;")
        drop = FileDrop("Thả tệp vào đây hoặc nhấn Enter để chọn", preferences=self.preferences)
        drop.dropped.connect(lambda path, k=key: self.attach(k, path))
        self.drops[key] = drop
        skip = QPushButton("Không cần")
        skip.setEnabled(can_skip)
        skip.clicked.connect(lambda _checked=False, k=key: self.attach(k, None))
        for column, widget in enumerate((label, status, drop, skip)):
            self.grid.addWidget(widget, row, column)

    def attach(self, key, path: str | None) -> None:
        """Attach `path` to document `key` (its position) or to the result; None: no scan needed."""
        if self.dossier is None:
            return
        code = self.dossier.code

        def call(session):
            if key == "result":
                return digitization.attach(session, code, result=True, file=path)
            return digitization.attach(session, code, document=key, file=path, not_required=path is None)

        self.runner.run(call, done=self._attached, failed=self._refused, label="Đang lưu bản số hóa…", parent=self)

    def _attached(self, dossier) -> None:
        missing = digitization.missing_scans(dossier)
        result_missing = allows(EventKind.RESULT_DIGITIZED, dossier.status) and not dossier.result_digitized
        if missing or result_missing:
            self.message.ok(f"Đã lưu. Hồ sơ {dossier.code} còn thiếu: "
                            + ", ".join([f"giấy tờ {n}" for n in missing] + ["kết quả"] * result_missing) + ".")
        else:
            self.message.ok(f"Hồ sơ {dossier.code} đã số hóa đầy đủ.")
        self._show(dossier)

    def _refused(self, error: Exception) -> None:
        self.message.error(message_of(error))
