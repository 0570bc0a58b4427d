"""Đồng bộ and Xung đột, two pages of the Settings screen (issue 12).

Đồng bộ: where this counter syncs, how fresh its data is, and every counter of the unit with what this one
holds of it and the fingerprint of its key; the folder dialog and "sync now" (F9) are here, and so is the
admin's one step per counter (issue 13): having read a counter's fingerprint with the officer there, approve
it, and its dossiers arrive at the next sync. A counter whose audit trail was found cut is shown in red.
Xung đột: the steps two counters took on one dossier before seeing each other, set aside by the unit's one
fold and the same on every counter; the head of unit marks each one dealt with, giving the reason (usually
after a correction, or after entering the dossier again).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import peers, sync
from counter.changes import Changes
from counter.transitions import EVENT_LABELS
from ui.access import Access
from ui.operations import Runner, message_of
from ui.refresh import Refresh
from ui.sync_desk import SyncDesk
from ui.sync_dialog import SyncFolderDialog
from ui.widgets import MessageLine, row_table, shown_time

STATIONS = ("Quầy", "Tên quầy", "Đã nhận / đã ghi", "Lần đồng bộ gần nhất", "Mã khóa", "")
CONFLICTS = ("Mã", "Hồ sơ", "Quầy", "Thời điểm", "Bước", "Lý do", "Đã xử lý")
KINDS = {"code": "Trùng mã hồ sơ", "step": "Bước không hợp lệ", "ledger": "Trùng số sổ"}


class SyncPage(QWidget):
    def __init__(self, runner: Runner, reads: Runner, desk: SyncDesk, access: Access | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.reads, self.desk = runner, reads, desk
        self.access = access or Access()
        self.refresh = Refresh(self, self.load)
        self.dialog: SyncFolderDialog | None = None
        self.folder = QLabel()
        self.freshness = QLabel()
        self.freshness.setStyleSheet("font-weight: bold;")
        self.problem = MessageLine()
        self.own_key = QLabel()
        self.own_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = row_table(list(STATIONS), (60, 200, 120, 150, 200, 120))
        self.table.itemSelectionChanged.connect(self._picked)
        self.stations: list[dict] = []
        self.approve_button = QPushButton("&Duyệt khóa của quầy đã chọn")
        self.approve_button.clicked.connect(self.approve)
        self.approve_button.setEnabled(False)
        self.may_approve = self.access.guard(self.approve_button, "keys")
        self.message = MessageLine()
        self.setup_button = QPushButton("Thiết lập thư mục đồng bộ…")
        self.setup_button.clicked.connect(self.set_up)
        self.access.guard(self.setup_button, "settings")
        now_button = QPushButton("Đồng bộ ngay (F9)")
        now_button.clicked.connect(desk.sync_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.setup_button)
        buttons.addWidget(now_button)
        buttons.addWidget(self.approve_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder)
        layout.addWidget(self.freshness)
        layout.addWidget(self.own_key)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        desk.synced.connect(lambda _found: self.refresh())

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("sync", "settings"):
            self.refresh()

    def load(self) -> None:
        self.reads.run(sync.status, done=self._show)

    def _show(self, found: dict) -> None:
        self.folder.setText(f"Thư mục đồng bộ: {found['folder'] or '(chưa chọn — máy này làm việc một mình)'}")
        self.freshness.setText(f"Máy này là quầy {found['workstation']}: {found['freshness']}.")
        self.own_key.setText(f"Mã khóa của máy này: {found['fingerprint'] or '(chưa có)'} — đọc mã này cho quản "
                             "trị viên ở quầy khác khi họ duyệt máy này.")
        warnings = {w["ws_id"]: w for w in found["warnings"]}
        if found["problem"]:
            self.problem.error(found["problem"])
        elif found["warnings"]:
            last = found["warnings"][-1]
            self.problem.error(f"Cảnh báo {shown_time(last['at'])}: quầy {last['workstation']} ({last['name']}): "
                               f"{last['reason']}.")
        elif found["unapproved"]:
            self.problem.note(f"Có {len(found['unapproved'])} quầy chưa được duyệt: chưa nhận dữ liệu của quầy đó. "
                              "Chọn quầy, đối chiếu mã khóa với quầy đó rồi bấm «Duyệt khóa».")
        else:
            self.problem.clear()
        stations = found["stations"]
        self.stations = stations
        self.table.setRowCount(len(stations))
        for row, s in enumerate(stations):
            note = "máy này" if s["self"] else ("máy cũ (đã thay)" if not s["current"] else (
                "chưa duyệt khóa" if not s["approved"] else "đủ" if s["applied"] >= s["last_seq"] else "chưa đủ"))
            if s["ws_id"] in warnings:
                note = "nhật ký bị cắt/sửa"
            last = shown_time(s["last_seen"])
            for column, text in enumerate((str(s["workstation"]), s["name"], f"{s['applied']} / {s['last_seq']}",
                                           last, s["fingerprint"] or "—", note)):
                item = QTableWidgetItem(text)
                if column in (0, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self._picked()

    def _chosen(self) -> dict | None:
        row = self.table.currentRow()
        picked = self.table.selectionModel().hasSelection() and 0 <= row < len(self.stations)
        return self.stations[row] if picked else None

    def _picked(self) -> None:
        station = self._chosen()
        waiting = station is not None and not station["approved"] and bool(station["fingerprint"])
        self.approve_button.setEnabled(waiting and self.may_approve)
        if waiting:
            assert station is not None
            self.message.note(f"Mã khóa của quầy {station['workstation']}: {station['fingerprint']}. Đọc mã này với "
                              "cán bộ ở quầy đó (màn hình Đồng bộ của họ, dòng «Mã khóa của máy này»); chỉ duyệt "
                              "khi hai mã trùng nhau.")

    def approve(self) -> None:
        station = self._chosen()
        if station is None or not station["fingerprint"]:
            self.message.error("Hãy chọn một quầy chưa được duyệt trong danh sách.")
            return
        fingerprint, name = station["fingerprint"], station["name"] or f"Quầy {station['workstation']}"
        self.runner.run(lambda s: peers.approve(s, fingerprint, name), done=self._approved,
                        failed=lambda e: self.message.error(message_of(e)))

    def _approved(self, result: dict) -> None:
        self.message.ok(f"Đã duyệt khóa {result['fingerprint']} ({result['label']}): đang nhận dữ liệu của quầy này.")
        self.desk.sync_now()
        self.refresh()

    def set_up(self) -> None:
        self.dialog = SyncFolderDialog(self.runner, self.reads, self)
        self.dialog.saved.connect(self.desk.sync_now)
        self.dialog.open()


class ConflictsPage(QWidget):
    def __init__(self, runner: Runner, reads: Runner, access: Access | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner, self.reads = runner, reads
        self.access = access or Access()
        self.refresh = Refresh(self, self.load)
        self.listed: list[dict] = []
        self.table = row_table(list(CONFLICTS), (110, 210, 50, 130, 140, 330, 110))
        self.every = QCheckBox("Hiện cả xung đột đã xử lý")
        self.every.toggled.connect(lambda _on: self._show(self.all))
        self.count = QLabel()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Lý do, cách đã xử lý (ví dụ: đã sửa thông tin, đã tiếp nhận lại với mã mới)")
        self.resolve_button = QPushButton("Đánh dấu đã xử lý")
        self.resolve_button.clicked.connect(self.resolve)
        self.access.guard(self.resolve_button, "edit")
        self.message = MessageLine()
        intro = QLabel("Các bước mà hai quầy cùng làm trên một hồ sơ trước khi thấy dữ liệu của nhau. Mọi quầy "
                       "đều thấy cùng một kết quả; bước bị gác lại vẫn được giữ nguyên để lãnh đạo đơn vị xem xét.")
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.every)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.resolve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.all: list[dict] = []

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("sync", "dossiers"):
            self.refresh()

    def load(self) -> None:
        self.reads.run(sync.conflicts, done=self._show)

    def _show(self, listed: list[dict]) -> None:
        self.all = listed
        shown = listed if self.every.isChecked() else [c for c in listed if not c["resolved"]]
        self.listed = shown
        open_ones = sum(1 for c in listed if not c["resolved"])
        self.count.setText(f"{open_ones} xung đột chờ xử lý, {len(listed) - open_ones} đã xử lý.")
        self.table.setRowCount(len(shown))
        for row, c in enumerate(shown):
            resolved = f"Đã xử lý: {c['resolution']['reason']}" if c["resolved"] else ""
            cells = (c["id"], c["code"], str(c["workstation"] or "?"), shown_time(c["at"]),
                     EVENT_LABELS.get(c["event"], c["event"] or ""),
                     f"{KINDS.get(c['kind'], c['kind'])}: {c['reason']}", resolved)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)

    def resolve(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.listed):
            self.message.error("Hãy chọn một xung đột trong danh sách.")
            return
        conflict, reason = self.listed[row]["id"], self.reason.text()
        self.runner.run(lambda s: sync.resolve(s, conflict, reason), done=self._resolved,
                        failed=lambda e: self.message.error(message_of(e)))

    def _resolved(self, done: dict) -> None:
        self.reason.clear()
        self.message.ok(f"Đã ghi nhận xử lý xung đột {done['id']} của hồ sơ {done['code']}; các quầy khác sẽ thấy "
                        "sau lần đồng bộ tới.")
