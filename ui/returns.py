"""Trả kết quả: scan the receipt's barcode, record the result, hand it over.

A USB barcode scanner types the code and Enter into the scan field, like a
keyboard; that opens the dossier. If its result is not recorded yet, the
officer attaches the result file; then who collects it, at the counter or by
post, and the citizen's rating. Ctrl+Enter returns it, and the scan field is
ready for the next citizen.

The citizen rates on their own screen (ui/citizen_screen.py) while the result
is handed over: that rating is recorded as the citizen's, with the reasons
they ticked as a complaint. A rating the officer keys is recorded as keyed by
the officer.
"""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import dossiers
from counter.changes import Changes
from counter.dossier import RATINGS, RETURN_CHANNELS, STATUS_LABELS
from counter.lifecycle import complain, record_result, return_result
from counter.transitions import EventKind, allows
from ui.citizen_screen import CitizenWindow
from ui.operations import Runner, message_of
from ui.preferences import Preferences
from ui.widgets import FileDrop, MessageLine, file_name, line


def _needs_result(status: str) -> bool:
    return allows(EventKind.RESULT_RECORDED, status)


def _can_hand_over(status: str) -> bool:
    """Returnable now, or once the result is recorded first (hand_over does both)."""
    return allows(EventKind.RETURNED, status) or _needs_result(status)


class ReturnScreen(QWidget):
    def __init__(self, runner: Runner, preferences: Preferences | None = None, citizen: CitizenWindow | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.preferences = preferences or Preferences()
        self.citizen = citizen
        self.rating_by: str | None = None  # "citizen" (their own screen) or "officer" (keyed here)
        self.complaint = ""  # the reasons an unsatisfied citizen ticked
        self.dossier = None
        self.result_file: str | None = None
        self.scan = line("Quét mã vạch trên giấy tiếp nhận, hoặc gõ mã hồ sơ rồi nhấn Enter")
        self.scan.setStyleSheet("font-size: 16pt; padding: 6px;")
        self.scan.returnPressed.connect(self.open_scanned)
        self.summary = QLabel("Chưa mở hồ sơ nào.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.result_box = QGroupBox("Kết quả giải quyết")
        self.drop = FileDrop("Thả tệp kết quả (bản điện tử hoặc bản quét) vào đây, hoặc nhấn để chọn…",
                             preferences=self.preferences)
        self.drop.dropped.connect(self._result_file_chosen)
        self.record_button = QPushButton("Chỉ ghi nhận kết quả")
        self.record_button.clicked.connect(self.record_only)
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.drop)
        result_layout.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.return_box = QGroupBox("Trả kết quả")
        self.receiver = line("Người nhận kết quả (mặc định: người nộp)")
        self.channel = QComboBox()
        for key, label in RETURN_CHANNELS.items():
            self.channel.addItem(label, key)
        self.rating = QComboBox()
        self.rating.addItem("Không đánh giá", None)
        for key, label in RATINGS.items():
            self.rating.addItem(label, key)
        self.rating.activated.connect(self._officer_rated)
        self.rated_note = QLabel()
        self.rated_note.setWordWrap(True)
        self.return_button = QPushButton("Trả kết quả (Ctrl+Enter)")
        self.return_button.clicked.connect(self.hand_over)
        form = QFormLayout(self.return_box)
        form.addRow("Người nhận", self.receiver)
        form.addRow("Hình thức trả", self.channel)
        form.addRow("Đánh giá của người dân", self.rating)
        form.addRow("", self.rated_note)
        form.addRow("", self.return_button)

        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Mã hồ sơ"))
        layout.addWidget(self.scan)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.result_box, 1)
        row.addWidget(self.return_box, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.hand_over,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if citizen is not None:
            citizen.rated.connect(self._citizen_rated)
        self._show(None)

    def start(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def open_scanned(self) -> None:
        code = self.scan.text().strip()
        if not code:
            return
        self.runner.run(lambda s: dossiers.get(s, code, with_documents=False), done=self._opened,
                        failed=self._unknown)

    def _unknown(self, error: Exception) -> None:
        """A code that finds no dossier: the last citizen's dossier must not stay on screen."""
        self._show(None)
        self._refused(error)

    def on_changes(self, changes: Changes) -> None:
        """The open dossier, changed elsewhere (a dialog, another counter), is shown again;
        after a restore the form starts over."""
        if changes.everything:
            self._show(None)
            return
        if self.dossier is not None and changes.touches_dossier(self.dossier.code):
            code = self.dossier.code
            self.runner.run(lambda s: dossiers.get(s, code, with_documents=False), done=self._reread,
                            failed=lambda _error: None)

    def _reread(self, dossier) -> None:
        # Its own steps already show their result: redrawing then would clear what is being typed.
        shown = self.dossier
        if shown is not None and shown.code == dossier.code and replace(shown, documents=[]) != dossier:
            self._show(dossier)

    def _opened(self, dossier) -> None:
        self.message.clear()
        self._show(dossier)
        if self.citizen is not None and _can_hand_over(dossier.status):
            self.citizen.ask(dossier.code, dossier.applicant_name, dossier.procedure_name)
        if allows(EventKind.RETURNED, dossier.status):
            self.receiver.setFocus()
        elif _needs_result(dossier.status):
            self.drop.setFocus()
        else:
            self.message.note(f"Hồ sơ đang ở trạng thái «{STATUS_LABELS[dossier.status]}»: không có gì để trả.")
            self.start()

    def _show(self, dossier) -> None:
        if self.citizen is not None and (dossier is None or dossier.code != self.citizen.code):
            self.citizen.idle()
        same = dossier is not None and self.dossier is not None and dossier.code == self.dossier.code
        self.dossier = dossier
        self.result_file = None
        if not same:  # the same dossier shown again (its result recorded) keeps the rating given
            self.rating_by, self.complaint = None, ""
            self.rated_note.clear()
            self.rating.setCurrentIndex(0)
        self.drop.setText("Thả tệp kết quả (bản điện tử hoặc bản quét) vào đây, hoặc nhấn để chọn…")
        can_record = dossier is not None and _needs_result(dossier.status)
        can_return = dossier is not None and _can_hand_over(dossier.status)
        self.result_box.setEnabled(can_record)
        self.return_box.setEnabled(can_return)
        self.receiver.clear()
        self.channel.setCurrentIndex(0 if dossier is None or dossier.channel != "postal" else 1)
        if dossier is None:
            self.summary.setText("Chưa mở hồ sơ nào.")
            return
        self.receiver.setPlaceholderText(dossier.applicant_name)
        self.summary.setText(
            f"<b style='font-size:14pt'>{dossier.code}</b> — {STATUS_LABELS[dossier.status]}<br>"
            f"Người nộp: <b>{dossier.applicant_name}</b> {dossier.id_number}<br>"
            f"Thủ tục: {dossier.procedure_name}<br>"
            f"Nhận: {dossier.received_at:%H:%M %d/%m/%Y} · Hẹn trả: {dossier.appointment_at:%H:%M %d/%m/%Y}"
            + (f" · Có kết quả: {dossier.result_at:%H:%M %d/%m/%Y}" if dossier.result_at else "")
        )

    # The rating ------------------------------------------------------------------------
    def _citizen_rated(self, rating: str, reasons: str) -> None:
        if self.dossier is None or self.citizen is None or self.citizen.code != self.dossier.code:
            return
        self.rating.setCurrentIndex(self.rating.findData(rating))
        self.rating_by, self.complaint = "citizen", reasons
        self.rated_note.setText(f"Người dân đã tự đánh giá trên màn hình của mình: {RATINGS[rating]}"
                                + (f" ({reasons})." if reasons else "."))

    def _officer_rated(self, _index: int) -> None:
        self.rating_by = "officer" if self.rating.currentData() else None
        self.complaint = ""
        self.rated_note.setText("Cán bộ ghi đánh giá của người dân." if self.rating_by else "")

    def _result_file_chosen(self, path: str) -> None:
        self.result_file = path
        self.drop.setText(f"Tệp kết quả: {file_name(path)}")

    def record_only(self) -> None:
        if self.dossier is None or not _needs_result(self.dossier.status):
            return
        code, path = self.dossier.code, self.result_file
        self.runner.run(lambda s: record_result(s, code, file=path), done=self._recorded, failed=self._refused,
                        label="Đang ghi nhận kết quả…", parent=self)

    def _recorded(self, dossier) -> None:
        self._show(dossier)
        self.message.ok(f"Đã ghi nhận kết quả hồ sơ {dossier.code}.")
        self.receiver.setFocus()

    def hand_over(self) -> None:
        """Return the result; a result not yet recorded is recorded first, with its file."""
        if self.dossier is None or not self.return_box.isEnabled():
            return
        code, path = self.dossier.code, self.result_file
        needs_result = _needs_result(self.dossier.status)
        to, channel, rating = self.receiver.text(), self.channel.currentData(), self.rating.currentData()
        rating_by = (self.rating_by or "officer") if rating else None
        complaint = self.complaint if rating_by == "citizen" else ""

        def call(session):
            if needs_result:
                record_result(session, code, file=path)
            returned = return_result(session, code, to=to, channel=channel, rating=rating, rating_by=rating_by)
            if complaint:  # what the unsatisfied citizen ticked: a complaint of their own (QĐ 766)
                returned = complain(session, code, complaint)
            return returned

        self.return_box.setEnabled(False)
        self.runner.run(call, done=self._returned, failed=self._refused, label="Đang trả kết quả…", parent=self)

    def _returned(self, dossier) -> None:
        self._show(None)
        if self.citizen is not None:
            self.citizen.thank_and_wait()
        self.message.ok(
            f"Đã trả kết quả hồ sơ {dossier.code} cho {dossier.returned_to} "
            f"({RETURN_CHANNELS[dossier.return_channel].lower()})."
        )
        self.scan.clear()
        self.start()

    def _refused(self, error: Exception) -> None:
        if self.dossier is not None:
            self.return_box.setEnabled(_can_hand_over(self.dossier.status))
        self.message.error(message_of(error))
        self.start()
