"""Tiếp nhận hồ sơ: the whole intake without touching the mouse.

Type part of the procedure's name or code (diacritics optional) and Enter
(ui/procedure_picker.py); the document checklist fills from the catalogue.
The CCCD or phone of a returning citizen brings back their details and the
documents they had scanned before, offered for re-use. A chip-based CCCD
scanned with a 2D scanner, whatever field has the cursor, fills the
applicant's fields at once (ui/card_scan.py, counter/cccd.py) and the cursor
goes to the first field still empty. Ctrl+S saves and prints the receipt.
"""

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import applicants, catalogue, cccd, dossier_list
from counter.applicant_details import Representative
from counter.changes import Changes
from counter.dossier import CHANNELS
from counter.intake import DocumentInput, receive
from counter.text import fold, nfc
from ui.card_scan import CardScanner
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.procedure_picker import ProcedurePicker
from ui.widgets import MessageLine, WheelGuard, file_name, line, pick_scan

NOT_SCANNED, NOT_REQUIRED, PICK = "none", "not-required", "pick"


DATE = QRegularExpression(r"[0-9]{0,2}/?[0-9]{0,2}/?[0-9]{0,4}")
SEXES = ("", "Nam", "Nữ")


class IntakeScreen(QWidget):
    received = Signal(object)  # the new Dossier, for its receipt to be printed
    open_requested = Signal(str)  # the last dossier, to correct or reprint

    def __init__(self, runner: Runner, preferences: Preferences | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.preferences = preferences or Preferences()
        self.procedure = None
        self.earlier: list[dict] = []
        self.card: cccd.Card | None = None
        self.picker = ProcedurePicker()
        self.picker.picked.connect(self._procedure_picked)
        self.due_note = QLabel()
        self.id_number = line("12 số CCCD hoặc 9 số CMND")
        # Digits only, as typed (a CCCD has 12, a CMND 9); a card's QR code is caught before it.
        self.id_number.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,12}"), self))
        self.phone = line("Số điện thoại")
        self.name = line("Họ và tên người nộp")
        self.birth_date = line("ngày/tháng/năm")
        self.birth_date.setValidator(QRegularExpressionValidator(DATE, self))
        self.sex = QComboBox()
        for label in SEXES:
            self.sex.addItem(label or "—", label)
        self.address = line("Địa chỉ")
        self.email = line("Email (nếu có)")
        # The authorised representative the 2025 receipt names (TT 03/2025, Mẫu 01), when there is one.
        self.proxy_name = line("Họ tên người được ủy quyền (nếu có)")
        self.proxy_id = line("Số định danh")
        self.proxy_id.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,12}"), self))
        self.proxy_phone = line("Điện thoại")
        self.channel = QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        self.fee = QSpinBox()
        self.fee.setRange(0, 1_000_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setSuffix(" đồng")
        self.fee.setGroupSeparatorShown(True)
        self.documents = QTableWidget(0, 4)
        self.documents.setHorizontalHeaderLabels(["Giấy tờ", "Bản", "Số lượng", "Bản số hóa"])
        self.documents.horizontalHeader().setStretchLastSection(True)
        self.documents.setColumnWidth(0, 420)
        self.documents.setTabKeyNavigation(False)
        add = QPushButton("Thêm giấy tờ (Ctrl+D)")
        add.clicked.connect(lambda: self.add_document(""))
        remove = QPushButton("Bỏ giấy tờ đang chọn (Ctrl+Delete)")
        remove.clicked.connect(self.remove_document)
        self.save_button = QPushButton("Lưu và in giấy tiếp nhận (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.last = None
        self.open_last = QPushButton("Sửa / in lại hồ sơ vừa nhận (Ctrl+O)")
        self.open_last.setEnabled(False)
        self.open_last.clicked.connect(self._open_last)
        self.applicant_note = MessageLine()
        self.message = MessageLine()

        # Two columns, so the checklist keeps its room on a 1366×768 screen (issue 15).
        top = QFormLayout()
        top.addRow("&Thủ tục", self.picker)
        top.addRow("", self.due_note)
        left, right = QFormLayout(), QFormLayout()
        left.addRow("Số &CCCD/CMND", self.id_number)
        left.addRow("Điện thoại", self.phone)
        left.addRow("&Họ tên", self.name)
        born = QHBoxLayout()
        born.addWidget(self.birth_date, 1)
        born.addWidget(QLabel("Giới tính"))
        born.addWidget(self.sex)
        left.addRow("Ngày sinh", born)
        right.addRow("Địa chỉ", self.address)
        right.addRow("Email", self.email)
        proxy = QHBoxLayout()
        proxy.addWidget(self.proxy_name, 2)
        proxy.addWidget(self.proxy_id, 1)
        proxy.addWidget(self.proxy_phone, 1)
        right.addRow("Ủy quyền", proxy)
        right.addRow("Kênh nộp", self.channel)
        right.addRow("Phí, lệ phí", self.fee)
        columns = QGridLayout()
        columns.addLayout(left, 0, 0)
        columns.addLayout(right, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(self.open_last)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns)
        layout.addWidget(self.applicant_note)
        layout.addWidget(QLabel("Thành phần hồ sơ"))
        layout.addWidget(self.documents, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        for first, second in ((self.picker.field, self.id_number), (self.id_number, self.phone),
                              (self.phone, self.name), (self.name, self.birth_date), (self.birth_date, self.sex),
                              (self.sex, self.address), (self.address, self.email), (self.email, self.proxy_name),
                              (self.proxy_name, self.proxy_id), (self.proxy_id, self.proxy_phone),
                              (self.proxy_phone, self.channel),
                              (self.channel, self.fee), (self.fee, self.documents)):
            self.setTabOrder(first, second)

        for keys, action in (("Ctrl+S", self.save), ("Ctrl+Return", self.save),
                             ("Ctrl+D", lambda: self.add_document("")), ("Ctrl+Del", self.remove_document),
                             ("Ctrl+N", self.clear), ("Ctrl+O", self._open_last)):
            QShortcut(QKeySequence(keys), self, action, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.id_number.editingFinished.connect(lambda: self._look_up(self.id_number.text()))
        self.phone.editingFinished.connect(lambda: self._look_up(self.phone.text()))
        self.looked_up = ""
        self.scanner = CardScanner(self)
        self.scanner.scanned.connect(self.read_card)
        self.wheel = WheelGuard(self)  # scrolling the checklist changes none of its rows
        self.wheel.guard(self)

    def start(self) -> None:
        self.reload_catalogue()
        (self.picker.field if self.procedure is None else self.first_empty()).setFocus()

    def reload_catalogue(self) -> None:
        self.runner.run(lambda s: (catalogue.all_procedures(s), dossier_list.procedure_use(s)),
                        done=lambda result: self.picker.set_procedures(*result))

    def on_changes(self, changes: Changes) -> None:
        """The procedure picker follows the catalogue (one small read, so at once, even hidden)."""
        if changes.touches("catalogue"):
            self.reload_catalogue()

    def first_empty(self) -> QWidget:
        """Where the cursor goes next: the procedure, else the first applicant field still empty."""
        if self.procedure is None:
            return self.picker.field
        for field in (self.id_number, self.phone, self.name, self.address):
            if not field.text().strip():
                return field
        return self.email if not self.email.text().strip() else self.documents

    # Procedure and applicant -------------------------------------------------------------
    def _procedure_picked(self, chosen) -> None:
        self.procedure = chosen
        self.fee.setValue(chosen.fee or 0)
        days = "trả trong ngày" if chosen.days == 0 else f"{chosen.days} ngày làm việc"
        self.due_note.setText(f"Thời hạn giải quyết: {days}. Lĩnh vực: {chosen.field or '—'}")
        self.documents.setRowCount(0)
        for name in chosen.documents:
            self.add_document(name)
        self.first_empty().setFocus()

    def read_card(self, payload: str) -> None:
        """A CCCD's QR code: the card's fields, and what motcua knows of this citizen already."""
        def read(session):
            card = cccd.parse(payload)
            found = applicants.find(session, card.id_number)
            person = found[0] if found and found[0].id_number == card.id_number else None
            return card, person, applicants.earlier_documents(session, person.id) if person else []

        self.runner.run(read, done=lambda result: self._card_read(*result), failed=self._card_refused)

    def _card_refused(self, error: Exception) -> None:
        self.applicant_note.error(message_of(error))

    def _card_read(self, card: cccd.Card, person, earlier: list[dict]) -> None:
        self.card = card
        self.id_number.setText(card.id_number)
        self.name.setText(card.name)
        self.address.setText(card.address)
        self.birth_date.setText(f"{card.birth_date:%d/%m/%Y}")
        self.sex.setCurrentIndex(max(0, self.sex.findData(card.sex)))
        self.looked_up = card.id_number
        if person is not None:
            self._applicant_found(person, earlier)
        else:
            self.applicant_note.ok(f"Đã đọc CCCD của {card.name}: người nộp lần đầu.")
        self.first_empty().setFocus()

    def _look_up(self, key: str) -> None:
        key = nfc(key)
        if not key or key == self.looked_up:
            return
        self.looked_up = key

        def find(session):
            found = applicants.find(session, key)
            return (found[0], applicants.earlier_documents(session, found[0].id)) if found else (None, [])

        self.runner.run(find, done=lambda result: self._applicant_found(*result), failed=lambda _e: None)

    def _applicant_found(self, person, earlier: list[dict]) -> None:
        if person is None:
            self.applicant_note.clear()
            return
        for field, value in ((self.name, person.name), (self.id_number, person.id_number),
                             (self.phone, person.phone), (self.address, person.address), (self.email, person.email)):
            if value and not field.text().strip():
                field.setText(value)
        self.earlier = earlier
        self.applicant_note.note(
            f"Người nộp đã có trong hệ thống: {person.name}"
            + (f"; {len(earlier)} giấy tờ đã số hóa có thể dùng lại (cột «Bản số hóa»)." if earlier else ".")
        )
        for row in range(self.documents.rowCount()):
            self._fill_scans(row)

    # Documents ---------------------------------------------------------------------------
    def add_document(self, name: str) -> None:
        row = self.documents.rowCount()
        self.documents.insertRow(row)
        self.documents.setItem(row, 0, QTableWidgetItem(name))
        kind = QComboBox()
        kind.addItem("Bản chính", "original")
        kind.addItem("Bản sao", "copy")
        self.documents.setCellWidget(row, 1, kind)
        quantity = QSpinBox()
        quantity.setRange(1, 99)
        self.documents.setCellWidget(row, 2, quantity)
        scans = QComboBox()
        self.documents.setCellWidget(row, 3, scans)
        scans.activated.connect(lambda _i, box=scans: self._scan_chosen(box))
        for widget in (kind, quantity, scans):
            self.wheel.watch(widget)
        self._fill_scans(row)
        if not name:
            self.documents.setCurrentCell(row, 0)
            self.documents.editItem(self.documents.item(row, 0))

    def _fill_scans(self, row: int) -> None:
        box: QComboBox = self.documents.cellWidget(row, 3)
        name = fold(self.documents.item(row, 0).text())
        box.clear()
        box.addItem("Chưa có bản số hóa", NOT_SCANNED)
        # The same document from an earlier dossier comes first: it is the usual re-use.
        earlier = sorted(self.earlier, key=lambda d: fold(d["name"]) != name)
        for doc in earlier:
            box.addItem(f"Dùng lại: {doc['name']} (hồ sơ {doc['code']})", doc["document_id"])
        box.addItem("Không cần số hóa (chỉ xuất trình)", NOT_REQUIRED)
        box.addItem("Chọn tệp…", PICK)
        if earlier and fold(earlier[0]["name"]) == name:
            box.setCurrentIndex(1)

    def _scan_chosen(self, box: QComboBox) -> None:
        if box.currentData() != PICK:
            return
        path = pick_scan(self, self.preferences)
        if path:
            self.attach_file(box, path)
        else:
            box.setCurrentIndex(0)

    def attach_file(self, box: QComboBox, path: str) -> None:
        box.insertItem(box.count() - 1, f"Tệp: {file_name(path)}", f"file:{path}")
        box.setCurrentIndex(box.count() - 2)

    def remove_document(self) -> None:
        row = self.documents.currentRow()
        if row >= 0:
            self.documents.removeRow(row)

    def document_inputs(self) -> tuple[list[DocumentInput], dict[int, int]]:
        items, reuse = [], {}
        for row in range(self.documents.rowCount()):
            name = nfc(self.documents.item(row, 0).text())
            if not name:
                continue
            choice = self.documents.cellWidget(row, 3).currentData()
            path = choice[5:] if isinstance(choice, str) and choice.startswith("file:") else None
            items.append(DocumentInput(
                name=name, copy_kind=self.documents.cellWidget(row, 1).currentData(),
                quantity=self.documents.cellWidget(row, 2).value(),
                not_required=True if choice == NOT_REQUIRED else None, file=path,
            ))
            if isinstance(choice, int):
                reuse[len(items)] = choice
        return items, reuse

    # Saving ------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        if self.procedure is None:
            self.message.error("Chưa chọn thủ tục: gõ tên hoặc mã thủ tục rồi nhấn Enter.")
            self.picker.field.setFocus()
            return
        documents, reuse = self.document_inputs()
        values = dict(
            procedure_code=self.procedure.code, name=self.name.text(), id_number=self.id_number.text(),
            phone=self.phone.text(), address=self.address.text(), email=self.email.text(),
            channel=self.channel.currentData(), fee=self.fee.value(), documents=documents, reuse=reuse or False,
            birth_date=self.birth_date.text(), sex=self.sex.currentData(),
            representative=Representative(self.proxy_name.text(), self.proxy_id.text(), self.proxy_phone.text()),
        )
        self.save_button.setEnabled(False)
        self.message.note("Đang lưu hồ sơ…")
        def job(session):
            dossier = receive(session, **values)
            # An appointment in a year with no official calendar is a forecast (issue 11).
            return dossier, bool(session.calendar.provisional_years(dossier.received_at.date(),
                                                                     dossier.appointment_at.date()))

        self.runner.run(job, done=lambda result: self._saved(*result), failed=self._refused,
                        label="Đang lưu hồ sơ…", parent=self)

    def _saved(self, dossier, provisional: bool = False) -> None:
        self.save_button.setEnabled(True)
        self.last = dossier
        self.open_last.setEnabled(True)
        self.message.ok(
            f"Đã tiếp nhận hồ sơ {dossier.code} của {dossier.applicant_name}; hẹn trả kết quả "
            f"{dossier.appointment_at:%H:%M ngày %d/%m/%Y}{' (dự kiến)' if provisional else ''}."
        )
        self.received.emit(dossier)
        self.clear(keep_message=True)
        self.reload_catalogue()  # this procedure was used once more

    def _open_last(self) -> None:
        if self.last is not None:
            self.open_requested.emit(self.last.code)

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.message.error(message_of(error))

    def clear(self, keep_message: bool = False) -> None:
        """A blank form for the next citizen."""
        self.procedure = None
        self.earlier = []
        self.looked_up = ""
        self.card = None
        for field in (self.picker.field, self.id_number, self.phone, self.name, self.birth_date, self.address,
                      self.email, self.proxy_name, self.proxy_id, self.proxy_phone):
            field.clear()
        self.sex.setCurrentIndex(0)
        self.picker.filter("")
        self.due_note.clear()
        self.applicant_note.clear()
        self.channel.setCurrentIndex(0)
        self.fee.setValue(0)
        self.documents.setRowCount(0)
        if not keep_message:
            self.message.clear()
        self.picker.field.setFocus()
