"""One dossier: its details, documents and history, and what can still be done to it.

Corrections after intake always carry a reason (counter/corrections.py) and
the receipt can be printed again; a supplement request, a rejection or a
stop prints its form (Mẫu 02, 03, 05) right after it is saved. An attached
scan opens inside motcua (Enter on its row, ui/scan_viewer.py).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter import catalogue, corrections, dossiers, lifecycle, scans
from counter.changes import Changes
from counter.dossier import CHANNELS, STATUS_LABELS
from counter.transitions import EVENT_LABELS, TABLE, EventKind
from ui.access import Access
from ui.operations import Runner, message_of
from ui.printer import FormPrinter
from ui.scan_viewer import ScanViewer
from ui.sentences import event_sentence, moment
from ui.supplement_dialog import SupplementDialog
from ui.widgets import MessageLine, ReasonDialog, line

# The buttons that take a step, and the step each takes (its status and permission: the state table).
STEP_BUTTONS = {"supplement": EventKind.SUPPLEMENT_REQUESTED, "resume": EventKind.SUPPLEMENT_RECEIVED,
                "rejection": EventKind.REJECTED, "stop": EventKind.STOPPED}
EDIT_FIELDS = {"name": "Họ tên", "id_number": "Số CCCD/CMND", "phone": "Điện thoại", "address": "Địa chỉ",
               "email": "Email", "channel": "Kênh nộp (counter/postal/online)", "fee": "Phí, lệ phí",
               "procedure": "Mã thủ tục"}



class DossierDialog(QDialog):
    def __init__(self, runner: Runner, printer: FormPrinter, code: str, parent: QWidget | None = None,
                 access: Access | None = None):
        super().__init__(parent)
        self.runner, self.printer, self.code = runner, printer, code
        self.access = access or Access()
        self.dossier = None
        self.setWindowTitle(f"Hồ sơ {code}")
        self.resize(900, 640)
        self.details = QLabel("Đang tải…")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.documents = QTableWidget(0, 4)
        self.documents.setHorizontalHeaderLabels(["Giấy tờ", "Bản", "Số lượng", "Số hóa"])
        self.events = QTableWidget(0, 4)
        self.events.setHorizontalHeaderLabels(["Thời điểm", "Bước", "Cán bộ", "Nội dung"])
        for table in (self.documents, self.events):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setStretchLastSection(True)
        self.documents.setColumnWidth(0, 420)
        self.events.setColumnWidth(0, 140)
        self.events.setColumnWidth(1, 130)
        self.documents.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.documents.currentCellChanged.connect(lambda *_: self._document_chosen())
        self.documents.itemActivated.connect(lambda _item: self.view_scan())
        self.view_button = QPushButton("Xem bản số hóa (Enter)")
        self.view_button.setEnabled(False)
        self.view_button.clicked.connect(self.view_scan)
        self.result_button = QPushButton("Xem tệp kết quả")
        self.result_button.setEnabled(False)
        self.result_button.clicked.connect(self.view_result)
        documents_page = QWidget()
        documents_layout = QVBoxLayout(documents_page)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        documents_layout.addWidget(self.documents, 1)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.view_button)
        scan_row.addWidget(self.result_button)
        scan_row.addStretch(1)
        documents_layout.addLayout(scan_row)
        self.viewer: ScanViewer | None = None
        tabs = QTabWidget()
        tabs.addTab(documents_page, "Thành phần hồ sơ")
        tabs.addTab(self.events, "Quá trình xử lý")

        self.field = QComboBox()
        for key, label in EDIT_FIELDS.items():
            self.field.addItem(label, key)
        self.value = line("Giá trị mới")
        self.edit_button = edit = QPushButton("Sửa…")
        edit.clicked.connect(self.edit)
        for widget in (self.field, self.value, edit):
            self.access.guard(widget, TABLE[EventKind.EDITED].permission)
        edit_row = QHBoxLayout()
        edit_row.addWidget(QLabel("Sửa thông tin:"))
        edit_row.addWidget(self.field)
        edit_row.addWidget(self.value, 1)
        edit_row.addWidget(edit)

        self.actions: dict[str, QPushButton] = {}
        action_row = QHBoxLayout()
        for key, label, handler in (
            ("receipt", "In lại giấy tiếp nhận", lambda: self.printer.form("receipt", self.code)),
            ("supplement", "Yêu cầu bổ sung…", lambda: self.step("supplement")),
            ("resume", "Đã nhận đủ bổ sung", self.resume),
            ("rejection", "Từ chối…", lambda: self.step("rejection")),
            ("stop", "Dừng giải quyết…", lambda: self.step("stop")),
            ("control", "In phiếu kiểm soát", lambda: self.printer.form("control", self.code)),
        ):
            button = QPushButton(label)
            button.clicked.connect(handler)
            action_row.addWidget(button)
            self.actions[key] = button
        for key, kind in STEP_BUTTONS.items():
            self.access.guard(self.actions[key], TABLE[kind].permission)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addWidget(tabs, 1)
        layout.addLayout(edit_row)
        layout.addLayout(action_row)
        layout.addWidget(self.message)
        self.load()

    def load(self) -> None:
        def read(session):
            dossier = dossiers.get(session, self.code)
            return dossier, dossiers.events(session, dossier)

        self.runner.run(read, done=lambda result: self._show(*result), failed=self._refused)

    def on_changes(self, changes: Changes) -> None:
        """Its dossier changed (by a step here, or anywhere else): read it and its history again."""
        if changes.touches_dossier(self.code):
            self.load()

    def _show(self, dossier, events: list[dict]) -> None:
        self.dossier = dossier
        self.details.setText(
            f"<b style='font-size:13pt'>{dossier.code}</b> — {STATUS_LABELS[dossier.status]}<br>"
            f"Người nộp: <b>{dossier.applicant_name}</b> · CCCD {dossier.id_number or '—'} · "
            f"ĐT {dossier.phone or '—'} · {dossier.address}<br>"
            f"Thủ tục: {dossier.procedure_name} ({dossier.procedure_code}) · {CHANNELS[dossier.channel]} · "
            f"Phí {dossier.fee:,} đồng<br>".replace(",", ".")
            + f"Nhận {dossier.received_at:%H:%M %d/%m/%Y} · Hạn {dossier.due_at:%H:%M %d/%m/%Y} · "
            f"Hẹn trả {dossier.appointment_at:%H:%M %d/%m/%Y} · Sổ theo dõi số {dossier.ledger_number}/"
            f"{dossier.ledger_year}"
        )
        self.documents.setRowCount(len(dossier.documents))
        for row, doc in enumerate(dossier.documents):
            scan = "Không cần" if doc.not_required else ("Đã số hóa" if doc.file_sha256 else "Chưa")
            for column, text in enumerate((f"{doc.position}. {doc.name}",
                                           "Bản chính" if doc.copy_kind == "original" else "Bản sao",
                                           str(doc.quantity), scan)):
                self.documents.setItem(row, column, QTableWidgetItem(text))
        self.events.setRowCount(len(events))
        for row, event in enumerate(events):
            sentence = event_sentence(event["kind"], event.get("detail"))
            for column, text in enumerate((moment(event["at"]), EVENT_LABELS.get(event["kind"], ""),
                                           event.get("officer") or "", sentence)):
                item = QTableWidgetItem(text)
                item.setToolTip(sentence)
                self.events.setItem(row, column, item)
        for key, kind in STEP_BUTTONS.items():
            self.actions[key].setEnabled(self.access.can(kind, dossier.status))
        self.result_button.setEnabled(bool(dossier.result_file))
        if dossier.documents and self.documents.currentRow() < 0:
            self.documents.setCurrentCell(0, 0)
        self._document_chosen()

    # Scans -------------------------------------------------------------------------------
    def _chosen_document(self):
        row = self.documents.currentRow()
        if self.dossier is None or not 0 <= row < len(self.dossier.documents):
            return None
        return self.dossier.documents[row]

    def _document_chosen(self) -> None:
        document = self._chosen_document()
        self.view_button.setEnabled(document is not None and bool(document.file_sha256))

    def view_scan(self) -> None:
        document = self._chosen_document()
        if document is None or not document.file_sha256:
            return
        code, position = self.code, document.position
        self.runner.run(lambda s: scans.document_scan(s, code, position),
                        done=lambda scan: self._show_scan(scan, f"giấy tờ {position}. {document.name}"),
                        failed=self._refused, label="Đang mở bản số hóa…", parent=self)

    def view_result(self) -> None:
        code = self.code
        self.runner.run(lambda s: scans.result_scan(s, code), done=lambda scan: self._show_scan(scan, "kết quả"),
                        failed=self._refused, label="Đang mở tệp kết quả…", parent=self)

    def _show_scan(self, scan, title: str) -> None:
        self.viewer = ScanViewer(scan, f"{title} (hồ sơ {self.code})", self)
        self.viewer.open()

    def edit(self) -> None:
        field, value = self.field.currentData(), self.value.text()
        dialog = ReasonDialog("Sửa thông tin hồ sơ", "Lý do sửa", self)
        dialog.accepted.connect(lambda: self._run(
            lambda s: corrections.edit(s, self.code, field, value, dialog.text()),
            f"Đã sửa {EDIT_FIELDS[field].lower()}; có thể in lại giấy tiếp nhận."))
        dialog.open()
        self.reason_dialog = dialog

    def step(self, form: str) -> None:
        """Supplement request, rejection or stop: a reason, the step, then its form printed."""
        if form == "supplement":
            self._ask_supplement()
            return
        calls = {"rejection": lifecycle.reject, "stop": lifecycle.stop}
        titles = {"rejection": "Từ chối giải quyết hồ sơ", "stop": "Dừng giải quyết hồ sơ"}
        dialog = ReasonDialog(titles[form], "Lý do", self)
        dialog.accepted.connect(lambda: self._run(lambda s: calls[form](s, self.code, dialog.text()),
                                                  f"Đã lưu: {titles[form].lower()}.", form))
        dialog.open()
        self.reason_dialog = dialog

    def _ask_supplement(self) -> None:
        """The procedure's checklist first (read on the worker), then the documents ticked."""
        code = self.code

        def checklist(session):
            dossier = dossiers.get(session, code, with_documents=False)
            return catalogue.procedure(session, dossier.procedure_code).documents

        self.runner.run(checklist, done=self._supplement_dialog, failed=self._refused)

    def _supplement_dialog(self, checklist: list[str]) -> None:
        dialog = SupplementDialog(checklist, self)

        def request() -> None:
            missing = dialog.missing()
            # The slip states a reason; ticking the documents is reason enough when none is typed.
            reason = dialog.text() or ("Hồ sơ còn thiếu giấy tờ cần bổ sung." if missing else "")
            # A second request (the head's, ND 61/2018 art. 19) takes the reason typed as its reason too.
            self._run(lambda s: lifecycle.request_supplement(s, self.code, reason, missing=missing,
                                                             repeat_reason=reason),
                      "Đã lưu: yêu cầu bổ sung, hoàn thiện hồ sơ.", "supplement")

        dialog.accepted.connect(request)
        dialog.open()
        self.reason_dialog = dialog

    def resume(self) -> None:
        self._run(lambda s: lifecycle.resume(s, self.code), "Đã nhận đủ hồ sơ bổ sung; thời hạn tính lại từ đầu.")

    def _run(self, call, done_text: str, form: str | None = None) -> None:
        def finished(dossier) -> None:
            self.message.ok(done_text)
            self.value.clear()
            if form:
                self.printer.form(form, dossier.code)

        self.runner.run(call, done=finished, failed=self._refused, label="Đang lưu…", parent=self)

    def _refused(self, error: Exception) -> None:
        self.message.error(message_of(error))
