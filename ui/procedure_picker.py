"""The procedure picker: type part of a procedure's name or code, Enter picks.

Each typed word starts a word of the name or field (diacritics optional), or is part of the
code. The best matches come first (issue 15): a code typed whole, the typed words as whole
words of the name in that order, a name that starts with what was typed; among equal matches
the procedures the unit received most in the last 90 days, then the shorter names (more of the
name was typed), then the catalogue's order. "khai sinh" + Enter picks "Đăng ký khai sinh",
not "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh".
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from counter.text import fold
from ui.widgets import line


def _in_order(words: list[str], name: list[str]) -> bool:
    """Are `words` consecutive whole words of `name`?"""
    size = len(words)
    return any(name[i:i + size] == words for i in range(len(name) - size + 1))


def ranked(procedures: list, text: str, usage: dict[str, int]) -> list:
    """The procedures `text` matches, best first."""
    words = fold(text).split()
    scored = []
    for position, p in enumerate(procedures):
        name = fold(p.name).split()
        key = name + fold(p.field).split()
        if not all(word in p.code or any(k.startswith(word) for k in key) for word in words):
            continue
        whole = sum(word in name for word in words)
        quality = (
            bool(words) and p.code in words,
            bool(words) and _in_order(words, name),
            bool(words) and fold(p.name).startswith(" ".join(words)),
            whole == len(words),
        )
        scored.append(((tuple(not q for q in quality), -usage.get(p.code, 0), len(name) - whole, position), p))
    return [p for _key, p in sorted(scored, key=lambda pair: pair[0])]


class ProcedurePicker(QWidget):
    """A field and the matching procedures under it; Up/Down choose, Enter picks."""

    picked = Signal(object)  # counter.catalogue.Procedure

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = line("Gõ tên hoặc mã thủ tục, có dấu hoặc không dấu (Ctrl+N: hồ sơ mới)")
        self.matches = QListWidget()
        self.matches.setMaximumHeight(110)
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.matches)
        self.procedures: list = []
        self.usage: dict[str, int] = {}
        self.field.textEdited.connect(self.filter)
        self.field.returnPressed.connect(self._pick)
        self.field.installEventFilter(self)
        self.matches.itemActivated.connect(lambda _item: self._pick())

    def set_procedures(self, procedures: list, usage: dict[str, int] | None = None) -> None:
        self.procedures = procedures
        self.usage = usage or {}
        self.filter(self.field.text())

    def filter(self, text: str) -> None:
        self.matches.clear()
        for p in ranked(self.procedures, text, self.usage):
            days = "trong ngày" if p.days == 0 else f"{p.days} ngày làm việc"
            item = QListWidgetItem(f"{p.name} — {p.code} ({days})")
            item.setToolTip(p.name)
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.matches.addItem(item)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.field and event.type() == event.Type.KeyPress:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            if step and self.matches.count():
                row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
                self.matches.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def _pick(self) -> None:
        item = self.matches.currentItem()
        if item is not None:
            chosen = item.data(Qt.ItemDataRole.UserRole)
            self.field.setText(f"{chosen.name} ({chosen.code})")
            self.picked.emit(chosen)
