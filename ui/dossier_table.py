"""A dossier table that loads in two steps so it is never blank for long.

First the newest ids of the filter (`FIRST` at most) and their first page of
rows, in one worker call: the table shows them at once. Then, if there may be
more, the whole id list, on a worker of its own so scrolling never waits for
it, interrupted as soon as a newer filter is asked for; the rows are appended
without disturbing the view.
A click on a header sorts by that column, a second click the other way; the
sort runs in SQL over the filter's ids (counter/dossier_list.py).
"""

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from counter import dossier_list
from counter.clock import now
from ui.list_model import PAGE, DossierTableModel
from ui.operations import Runner, message_of

FIRST = 1000


class DossierTable(QWidget):
    counted = Signal(int, bool)  # number of dossiers, whether the count is final
    opened = Signal(str)  # a dossier code: Enter or double click
    failed = Signal(str)
    shown = Signal()  # the first rows of a load are on screen

    def __init__(self, reads: Runner, parent: QWidget | None = None, counting: Runner | None = None):
        super().__init__(parent)
        self.reads = reads
        # The whole id list is read on a worker of its own when there is one: the pages the officer
        # scrolls to never wait behind it (issue 16); a newer filter interrupts it.
        self.counting = counting or reads
        self.model = DossierTableModel(reads, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((200, 170, 280, 120, 120, 110, 90, 85, 105, 90)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)  # newest first until a header is clicked
        self.view.setSortingEnabled(True)
        self.model.sort_asked.connect(self._sort)
        self.view.activated.connect(lambda index: self._open(index.row()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.filter = dossier_list.ListFilter()
        self.order = dossier_list.ListOrder()
        self.shown_filter: dossier_list.ListFilter | None = None  # whose first rows are on screen
        self.generation = 0
        self.complete = False
        self.loaded_at: float | None = None

    def load(self, chosen: dossier_list.ListFilter) -> None:
        """Show the dossiers `chosen` selects; an older load still running is abandoned."""
        self.filter = chosen
        self.generation += 1
        self.complete = False
        generation, order = self.generation, self.order

        def first(session):
            as_of = now()
            head = dossier_list.ids(session, chosen, as_of, limit=FIRST, order=order)
            rows = dossier_list.rows(session, list(head[:PAGE]), as_of)
            return head, rows, dossier_list.due_soon_horizon(session, as_of), as_of

        self.reads.run(first, done=lambda result: self._first(generation, *result), failed=self._failed)

    def reload(self) -> None:
        self.load(self.filter)

    def _sort(self, column: str, descending: bool) -> None:
        chosen = dossier_list.ListOrder(column, descending)
        if chosen != self.order:
            self.order = chosen
            self.reload()

    def current_code(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.code_at(index.row()) if index.isValid() else None

    def _first(self, generation: int, head, rows: dict, horizon: datetime, as_of: datetime) -> None:
        if generation != self.generation:
            return
        self.model.show(head, horizon, as_of, rows)
        self.shown_filter = self.filter
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.shown.emit()
        if len(head) < FIRST:
            self._done()
            return
        self.counted.emit(len(head), False)
        chosen, order = self.filter, self.order

        def full(session):
            return dossier_list.ids(session, chosen, as_of, keep_going=lambda: generation == self.generation,
                                    order=order)

        self.counting.run(full, done=lambda ids: self._all(generation, ids), failed=self._failed)

    def _all(self, generation: int, ids) -> None:
        if ids is None or generation != self.generation:
            return
        self.model.extend(ids)
        self._done()

    def _done(self) -> None:
        self.complete = True
        self.counted.emit(self.model.rowCount(), True)

    def _failed(self, error: Exception) -> None:
        self.complete = True
        self.failed.emit(message_of(error))

    def _open(self, row: int) -> None:
        code = self.model.code_at(row)
        if code:
            self.opened.emit(code)

