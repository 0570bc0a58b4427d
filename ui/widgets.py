"""Small pieces every screen shares: the message line, file drops, reason prompts, row tables."""

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from counter.text import nfc
from ui.preferences import Preferences

SCAN_FILTER = "Bản số hóa (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;Mọi tệp (*)"


class MessageLine(QLabel):
    """One line under a form: what just happened, or why it was refused (never a modal box)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""

    def ok(self, text: str) -> None:
        self._show(text, "ok", "#1b5e20", "#e6f4e6")

    def error(self, text: str) -> None:
        self._show(text, "error", "#8b1a1a", "#fbe3e3")

    def note(self, text: str) -> None:
        self._show(text, "note", "#5d4200", "#fff4d6")

    def clear(self) -> None:
        self.kind = ""
        self.setText("")
        self.setStyleSheet("")

    def _show(self, text: str, kind: str, colour: str, background: str) -> None:
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(f"color: {colour}; background: {background}; padding: 6px; border-radius: 3px;")


def pick_scan(parent: QWidget, preferences: Preferences, title: str = "Chọn tệp bản số hóa") -> str:
    """A scanned file chosen in the file dialog, which opens in the scanner's folder (a setting of
    this workstation, default the user's Documents) and is the window's child, so no style of the
    widget that asked leaks into it (issue 15). Empty when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent.window(), title, preferences.scan_dir, SCAN_FILTER)
    return path


class FileDrop(QLabel):
    """A box that takes a scanned file dropped from the file manager, or picked with Space/Enter."""

    dropped = Signal(str)

    def __init__(self, text: str = "Thả tệp bản số hóa vào đây, hoặc nhấn để chọn tệp…",
                 parent: QWidget | None = None, preferences: Preferences | None = None):
        super().__init__(text, parent)
        self.preferences = preferences or Preferences()
        self.setObjectName("drop")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(36)
        # By its name: a type selector would reach every label of a dialog opened as its child.
        self.setStyleSheet("#drop { border: 2px dashed #8a9bb5; padding: 6px; } #drop:focus { border-color: #2a62c9; }")

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.dropped.emit(url.toLocalFile())
                event.acceptProposedAction()
                return

    def mousePressEvent(self, event) -> None:
        self.pick()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.pick()
        else:
            super().keyPressEvent(event)

    def pick(self) -> None:
        path = pick_scan(self, self.preferences)
        if path:
            self.dropped.emit(path)


class ReasonDialog(QDialog):
    """Asks for the reason a step needs (supplement, rejection, stop, correction)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, extra: QWidget | None = None,
                 extra_label: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        if extra is not None:
            form.addRow(extra_label, extra)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        form.addRow(prompt, self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đồng ý")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def text(self) -> str:
        return nfc(self.reason.toPlainText())


def line(placeholder: str = "", parent: QWidget | None = None) -> QLineEdit:
    field = QLineEdit(parent)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    return field


def row_table(headers: list[str], widths: tuple[int, ...], single: bool = True) -> QTableWidget:
    """A read-only table picked by whole rows, as the lists of the settings and late-work screens."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


def to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def file_name(path: str) -> str:
    return Path(path).name


class WheelGuard(QObject):
    """The mouse wheel changes a number, time or choice only once its field has the cursor;
    otherwise it scrolls the page, as the officer meant (issue 15: scrolling the settings had
    turned "Mở cửa" 07:30 into 00:30)."""

    KINDS = (QAbstractSpinBox, QComboBox, QAbstractSlider)

    def guard(self, root: QWidget) -> None:
        """Every number, time and choice field inside `root` now."""
        for widget in root.findChildren(QWidget):
            if isinstance(widget, self.KINDS):
                self.watch(widget)

    def watch(self, widget: QWidget) -> None:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a turn of the wheel gives no focus
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            parent = watched.parentWidget()
            if parent is not None:
                QApplication.sendEvent(parent, event)  # up to the scroll area
            return True
        return False


def shown_time(value: str | None) -> str:
    """An ISO time as an officer reads it: 10:42 03/03/2025."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return f"{moment:%H:%M %d/%m/%Y}"
