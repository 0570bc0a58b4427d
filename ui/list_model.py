"""A table model over a million dossiers that never stalls (Anki's browser model).

It holds only the ordered ids; `rowCount` is their number. `data` serves a
row from a page cache, or asks the list's own worker for that page and shows
"…" until it arrives; the cache keeps the most recent pages. A row that
cannot be read (gone since the search) is shown disabled. Results of an
older search that arrive late are dropped by their generation number.
A click on a column's header asks for the list sorted by it (`sort_asked`):
the ids come back sorted from SQL (counter/dossier_list.py), never sorted here.
"""

from array import array
from collections import OrderedDict
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from counter import dossier_list
from counter.clock import now
from counter.dossier import CHANNELS, STATUS_LABELS
from ui.operations import Runner
from ui.sentences import TIMELINESS

PAGE = 200
CACHED_PAGES = 40
COLUMNS = (
    ("code", "Mã hồ sơ"), ("applicant_name", "Người nộp"), ("procedure_name", "Thủ tục"),
    ("received_at", "Ngày nhận"), ("appointment_at", "Hẹn trả"), ("status", "Trạng thái"),
    ("due", "Hạn"), ("days_late", "Số ngày trễ"), ("channel", "Kênh"), ("digitized", "Số hóa"),
)
# The first click on a header: dates and days late newest or most first, text A to Z.
FIRST_DESCENDING = {"received_at", "appointment_at", "due", "days_late"}
DUE_LABELS = {
    "overdue": "Quá hạn", "due_soon": "Sắp đến hạn", "running": "Trong hạn", "paused": "Tạm dừng",
    **TIMELINESS, "closed": "",
}
# Coloured due-date state (issue 5, scope 3).
DUE_COLOURS = {
    "overdue": "#f8d0d0", "due_soon": "#fde9c4", "late": "#f3dede", "paused": "#e3e8f3",
    "early": "#dcefdc", "on_time": "#eef6ee",
}
LOADING = "…"


class DossierTableModel(QAbstractTableModel):
    sort_asked = Signal(str, bool)  # column key ("" newest first), descending

    def __init__(self, runner: Runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.ids = array("q")
        self.generation = 0
        self._pages: OrderedDict[int, dict] = OrderedDict()
        self._asked: set[int] = set()
        self.as_of = now()
        self.horizon = self.as_of

    # The list's id set -------------------------------------------------------------------
    def show(self, ids: array, horizon: datetime, as_of: datetime, first_page: dict | None = None) -> None:
        """Replace the list with `ids`; rows load as they come into view."""
        self.beginResetModel()
        self.generation += 1
        self.ids = ids
        self._pages.clear()
        self._asked.clear()
        if first_page is not None:
            self._pages[0] = first_page
            self._asked.add(0)
        self.as_of, self.horizon = as_of, horizon
        self.endResetModel()

    def extend(self, ids: array) -> None:
        """The complete id list of the same filter: rows past the first ones are appended."""
        shown = len(self.ids)
        if ids[:shown] != self.ids:
            self.show(ids, self.horizon, self.as_of)
            return
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self.ids = ids
            self.endInsertRows()

    def refresh_rows(self) -> None:
        """Read the visible rows again (a dossier changed); the ids stay."""
        self.generation += 1
        self._pages.clear()
        self._asked.clear()
        self.as_of = now()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def row_at(self, row: int) -> dossier_list.ListRow | None:
        if not 0 <= row < len(self.ids):
            return None
        page = self._pages.get(row // PAGE)
        return page.get(self.ids[row]) if page is not None else None

    def code_at(self, row: int) -> str | None:
        found = self.row_at(row)
        return found.code if found else None

    # Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.InitialSortOrderRole:
            first = COLUMNS[section][0] in FIRST_DESCENDING
            return (Qt.SortOrder.DescendingOrder if first else Qt.SortOrder.AscendingOrder).value
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return str(section + 1)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """A header was clicked: ask for the ids in that order (a column of -1: newest first)."""
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else ""
        self.sort_asked.emit(key, order == Qt.SortOrder.DescendingOrder)

    def flags(self, index: QModelIndex):
        page = self._pages.get(index.row() // PAGE)
        if page is not None and self.ids[index.row()] not in page:
            return Qt.ItemFlag.NoItemFlags  # could not be read: shown disabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                                                Qt.ItemDataRole.ToolTipRole):
            return None
        number = index.row() // PAGE
        page = self._pages.get(number)
        if page is None:
            self._ask(number)
            return LOADING if role == Qt.ItemDataRole.DisplayRole else None
        self._pages.move_to_end(number)
        row = page.get(self.ids[index.row()])
        if row is None:
            return "(không đọc được)" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        state = row.due_state(self.as_of, self.horizon)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = DUE_COLOURS.get(state)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if COLUMNS[index.column()][0] == "procedure_name":
                return row.procedure_name  # elided in its column, whole here
            return f"Hạn giải quyết: {row.due_at:%H:%M %d/%m/%Y}"
        return _text(row, COLUMNS[index.column()][0], state)

    # Page loading ------------------------------------------------------------------------
    def _ask(self, number: int) -> None:
        if number in self._asked:
            return
        self._asked.add(number)
        wanted = list(self.ids[number * PAGE:(number + 1) * PAGE])
        generation = self.generation
        as_of = self.as_of
        self.runner.run(lambda s: dossier_list.rows(s, wanted, as_of),
                        done=lambda rows: self._arrived(generation, number, rows),
                        failed=lambda _error: self._arrived(generation, number, {}))

    def _arrived(self, generation: int, number: int, rows: dict) -> None:
        if generation != self.generation:
            return
        self._pages[number] = rows
        while len(self._pages) > CACHED_PAGES:
            dropped, _ = self._pages.popitem(last=False)
            self._asked.discard(dropped)
        first = number * PAGE
        last = min(len(self.ids), first + PAGE) - 1
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))


def _text(row: dossier_list.ListRow, key: str, state: str) -> str:
    if key in ("received_at", "appointment_at"):
        return f"{getattr(row, key):%d/%m/%Y %H:%M}"
    if key == "status":
        return STATUS_LABELS[row.status]
    if key == "due":
        return DUE_LABELS[state]
    if key == "channel":
        return CHANNELS[row.channel]
    if key == "digitized":
        return "Đã số hóa" if row.digitized else "Chưa số hóa"
    if key == "days_late":
        return str(row.days_late) if row.days_late else ""
    return getattr(row, key)
