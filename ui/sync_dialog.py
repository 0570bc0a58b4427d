"""Đồng bộ giữa các quầy: the one dialog that sets a counter up for its unit's sync folder.

The officer picks the shared folder (the unit's network share, or a USB stick), sees at once the other
counters already in it (their numbers, names, when they last synced and the fingerprint of each one's key),
gives this counter its number and name, and saves; the first sync starts straight away. A number another
counter of the unit already uses is pointed out before anything is saved. The admin approves each counter
found once (issue 13), having read its fingerprint with the officer there: only then are its dossiers taken.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import peers, sync, unit
from counter.codes import MAX_WORKSTATION
from ui.operations import Runner, message_of
from ui.widgets import MessageLine, row_table, shown_time

HEADERS = ("Quầy", "Tên quầy", "Lần đồng bộ gần nhất", "Mã khóa", "Ghi chú")


class SyncFolderDialog(QDialog):
    saved = Signal()

    def __init__(self, runner: Runner, reads: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.reads = runner, reads
        self.setWindowTitle("Đồng bộ giữa các quầy của đơn vị")
        self.resize(860, 520)
        self.unit_code = ""
        self.own = ""
        self.found: list[dict] = []
        intro = QLabel(
            "Các quầy của đơn vị dùng chung một thư mục: thư mục chia sẻ trên mạng nội bộ (ví dụ \\\\MAY-CHU\\motcua) "
            "hoặc một USB mang từ máy này sang máy kia. Mỗi máy chỉ ghi vào phần của mình; dữ liệu của máy vẫn "
            "nằm trên máy, khi mất mạng quầy vẫn làm việc bình thường.")
        intro.setWordWrap(True)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("Bước 1: chọn thư mục dùng chung")
        self.folder.editingFinished.connect(self.look)
        browse = QPushButton("Chọn thư mục…")
        browse.clicked.connect(self.browse)
        self.number = QSpinBox()
        self.number.setRange(1, MAX_WORKSTATION)
        self.number.valueChanged.connect(lambda _n: self._show())
        self.name = QLineEdit()
        self.name.setPlaceholderText("ví dụ: Quầy 2 – Đất đai")
        self.name.setMaxLength(120)
        self.table = row_table(list(HEADERS), (55, 210, 140, 200, 150))
        self.approve_button = QPushButton("&Duyệt khóa của quầy đã chọn")
        self.approve_button.setToolTip(
            "Chỉ duyệt khi mã khóa trùng với mã hiện ở quầy đó (Cài đặt → Đồng bộ các quầy).")
        self.approve_button.clicked.connect(self.approve)
        self.verdict = MessageLine()
        self.message = MessageLine()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Lưu và đồng bộ ngay", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Thư mục đồng bộ", row)
        form.addRow("Máy này là quầy số", self.number)
        form.addRow("Tên quầy", self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("Bước 2: các quầy đã có trong thư mục"))
        layout.addWidget(self.table, 1)
        approve_row = QHBoxLayout()
        approve_row.addWidget(self.approve_button)
        approve_row.addStretch(1)
        layout.addLayout(approve_row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.runner.run(lambda s: (s.settings, sync.status(s)["ws_id"]), done=self._current)

    def _current(self, state) -> None:
        settings, own = state
        self.unit_code, self.own = settings.unit_code, own
        self.folder.setText(settings.sync_folder)
        self.number.setValue(settings.workstation)
        self.name.setText(settings.station_name)
        if settings.sync_folder:
            self.look()

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Chọn thư mục đồng bộ của đơn vị", self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.look()

    def look(self) -> None:
        """Read which counters the folder holds (on a worker: a share may be slow to answer)."""
        folder, code = self.folder.text().strip(), self.unit_code
        if not folder:
            return
        self.verdict.note("Đang xem thư mục…")

        def read(session):
            from pathlib import Path

            if not Path(folder).is_dir():
                return None
            return sync.discover(folder, code, session), sync.other_units(folder, code)

        self.reads.run(read, done=self._found, failed=lambda e: self.verdict.error(message_of(e)))

    def _found(self, result) -> None:
        if result is None:
            self.found = []
            self.table.setRowCount(0)
            self.verdict.error(f"Không thấy thư mục «{self.folder.text().strip()}». Hãy kiểm tra ổ mạng hoặc USB.")
            return
        found, others = result
        self.found = [s for s in found if s["ws_id"] != self.own]
        self._show(others)

    def _show(self, others: list[str] | None = None) -> None:
        self.table.setRowCount(len(self.found))
        number = self.number.value()
        for row, station in enumerate(self.found):
            note = station["problem"] or ("đã duyệt" if station["approved"] else "chưa duyệt khóa")
            if station["workstation"] == number:
                note = "trùng số quầy với máy này"
            last = shown_time(station["last_seen"])
            for column, text in enumerate((str(station["workstation"] or "?"), station["name"], last,
                                           station["fingerprint"] or "—", note)):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        taken = [s for s in self.found if s["workstation"] == number]
        if taken:
            name = f" («{taken[0]['name']}»)" if taken[0]["name"] else ""
            self.verdict.error(f"Quầy {number} đã có máy khác dùng{name}. Hãy chọn số quầy khác cho máy này.")
        elif self.found:
            numbers = ", ".join(str(s["workstation"]) for s in self.found if s["workstation"])
            self.verdict.ok(f"Thư mục đã có {len(self.found)} quầy khác của đơn vị (số {numbers}). "
                            f"Máy này sẽ là quầy {number}.")
        else:
            self.verdict.ok("Thư mục chưa có quầy nào của đơn vị: máy này sẽ là quầy đầu tiên.")
        if others:
            self.verdict.note(self.verdict.text() + f" (Thư mục còn có dữ liệu của đơn vị khác: {', '.join(others[:3])}"
                              " — máy này sẽ bỏ qua.)")
        self.save_button.setEnabled(not taken)

    def approve(self) -> None:
        """Approve the chosen counter's key (the admin read it with the officer there), then look again."""
        row = self.table.currentRow()
        station = self.found[row] if 0 <= row < len(self.found) else None
        if station is None or not station["fingerprint"] or station["approved"]:
            self.message.error("Hãy chọn một quầy chưa được duyệt (có mã khóa) trong danh sách.")
            return
        fingerprint, name = station["fingerprint"], station["name"] or f"Quầy {station['workstation']}"

        def approved(result: dict) -> None:
            self.message.ok(f"Đã duyệt khóa {result['fingerprint']} ({result['label']}).")
            self.look()

        self.runner.run(lambda s: peers.approve(s, fingerprint, name), done=approved,
                        failed=lambda e: self.message.error(message_of(e)))

    def save(self) -> None:
        folder, number, name = self.folder.text().strip(), self.number.value(), self.name.text()
        if not folder:
            self.message.error("Hãy chọn thư mục đồng bộ.")
            return
        self.runner.run(lambda s: unit.configure(s, sync_folder=folder, workstation=number, station_name=name),
                        done=self._saved, failed=lambda e: self.message.error(message_of(e)))

    def _saved(self, _settings) -> None:
        self.saved.emit()
        self.accept()
