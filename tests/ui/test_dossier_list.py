"""The dossier list over a 100,000-dossier demo database: search, filters, lazy rows."""

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt

from counter import dossier_list
from counter.dossier_list import ListFilter
from counter.session import Session
from counter.text import fold
from tests.ui.conftest import launch
from tests.ui.helpers import press, type_text
from ui.list_model import COLUMNS, LOADING, PAGE

# Building the 100,000-dossier database takes half a minute: not in the quick loop.
pytestmark = pytest.mark.slow(seconds=15)  # each of 5, with the 100,000-dossier database they make


@pytest.fixture
def big(qtbot, demo_100k, preferences):
    running = launch(qtbot, demo_100k, preferences).wait_shown()
    running.screen(running.window.list)
    yield running
    running.launcher.close()


def expected(path, chosen: ListFilter) -> list[int]:
    with Session(path) as check:
        return list(dossier_list.ids(check, chosen))


def shown(app) -> list[int]:
    screen = app.window.list
    app.qtbot.waitUntil(lambda: not screen.debounce.isActive() and screen.table.complete, timeout=20000)
    app.idle()
    return list(screen.table.model.ids)


def column(name: str) -> int:
    return [key for key, _ in COLUMNS].index(name)


def test_whole_database_then_search_typed_with_diacritics(big, demo_100k):
    screen = big.window.list
    ids = shown(big)
    with Session(demo_100k) as check:  # latest received first, then the highest id
        newest = [row[0] for row in check.db.execute("SELECT id FROM dossiers ORDER BY received_at DESC, id DESC")]
    assert len(ids) == 100_000 and ids == newest
    assert screen.count.text() == "100.000 hồ sơ"
    type_text(screen.search, "Nguyễn Văn")
    ids = shown(big)
    assert ids == expected(demo_100k, ListFilter(text="nguyen van")) and 0 < len(ids) < 100_000
    model = screen.table.model
    big.qtbot.waitUntil(lambda: model.row_at(0) is not None)
    for row in range(min(len(ids), PAGE)):
        words = fold(model.row_at(row).applicant_name).split()
        assert "nguyen" in words and "van" in words  # diacritics optional, words in any order


def test_filters_combine(big, demo_100k):
    screen = big.window.list
    shown(big)
    screen.status.setCurrentIndex(screen.status.findData("returned"))
    screen.digitized.setCurrentIndex(screen.digitized.findData(False))
    assert shown(big) == expected(demo_100k, ListFilter(statuses=("returned",), digitized=False))
    screen.status.setCurrentIndex(0)
    screen.digitized.setCurrentIndex(0)
    screen.due.setCurrentIndex(screen.due.findData("overdue"))
    overdue = shown(big)
    assert overdue == expected(demo_100k, ListFilter(due="overdue")) and overdue
    model = screen.table.model
    big.qtbot.waitUntil(lambda: model.row_at(0) is not None)
    assert model.data(model.index(0, column("due"))) == "Quá hạn"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    screen.due.setCurrentIndex(0)
    big.qtbot.waitUntil(lambda: screen.procedure.count() > 1)
    code = screen.procedure.itemData(2)
    screen.procedure.setCurrentIndex(2)
    screen.use_dates.setChecked(True)
    screen.date_from.setDate(screen.date_from.date().addMonths(-5))
    start = date(screen.date_from.date().year(), screen.date_from.date().month(), screen.date_from.date().day())
    wanted = ListFilter(procedure_code=code, received_from=start, received_to=date.today())
    assert shown(big) == expected(demo_100k, wanted)


def test_rows_load_lazily_when_scrolled_to(big):
    screen = big.window.list
    ids = shown(big)
    model = screen.table.model
    last = len(ids) - 1
    assert model.row_at(last) is None  # far rows are not read until they are looked at
    screen.table.view.scrollToBottom()
    big.qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=10000)
    assert model.data(model.index(last, 0)) != LOADING
    assert len(model._pages) <= 40  # the cache stays bounded


def test_enter_on_a_row_opens_the_dossier(big):
    screen = big.window.list
    shown(big)
    type_text(screen.search, "Trần")
    shown(big)
    view = screen.table.view
    big.qtbot.waitUntil(lambda: screen.table.model.row_at(0) is not None)
    view.setFocus()
    view.setCurrentIndex(screen.table.model.index(0, 0))
    press(view, Qt.Key.Key_Return)
    big.qtbot.waitUntil(lambda: bool(big.window.dialogs))
    big.idle()
    dialog = big.window.dialogs[0]
    assert dialog.dossier.code == screen.table.model.code_at(0)
    # "Trần" finds every name with a word starting so, diacritics aside ("Trang" too).
    assert any(word.startswith("tran") for word in fold(dialog.dossier.applicant_name).split())
    dialog.close()


def test_scrolling_never_waits_behind_the_whole_list(big):
    """Issue 16: the whole id list is read on a worker of its own; while it is still being read,
    the rows of a page the officer scrolls to arrive."""
    screen = big.window.list
    shown(big)
    held, release = threading.Event(), threading.Event()
    big.launcher.listing.run(lambda _s: (held.set(), release.wait(30)))
    try:
        assert held.wait(10)
        screen.status.setCurrentIndex(screen.status.findData("returned"))
        big.qtbot.waitUntil(lambda: not screen.debounce.isActive(), timeout=10000)
        model = screen.table.model
        big.qtbot.waitUntil(lambda: model.row_at(0) is not None and big.launcher.reads.idle, timeout=10000)
        far = 900  # beyond the first page, within the first ids
        screen.table.view.scrollTo(model.index(far, 0))
        assert model.data(model.index(far, 0)) == LOADING  # what the view paints asks for the page
        big.qtbot.waitUntil(lambda: model.row_at(far) is not None, timeout=10000)
        assert not screen.table.complete and not release.is_set()  # the whole list was still waiting
    finally:
        release.set()
    big.qtbot.waitUntil(lambda: screen.table.complete, timeout=20000)
