"""The dossier list from the keyboard and by its headers (issue 15): Enter in the search opens
the top match, Down goes into the table, a click on a header sorts (in SQL, over the ids), a
"days late" column, long procedure names elided with the whole name as a tooltip."""

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter import demo, dossier_list
from counter.dossier_list import ListFilter, ListOrder
from counter.session import Session
from counter.text import fold
from tests.ui.conftest import launch
from tests.ui.helpers import press, type_text
from ui.list_model import COLUMNS

END = datetime.now().replace(microsecond=0)


@pytest.fixture(scope="module")
def demo_2k(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-2k") / "unit.sqlite3"
    with Session(path, "Demo") as opened:
        demo.fill(opened, 2000, seed=3, end=END)
    return path


@pytest.fixture
def listed(qtbot, demo_2k, preferences):
    running = launch(qtbot, demo_2k, preferences).wait_shown()
    running.screen(running.window.list)
    yield running
    running.launcher.close()


def settled(app) -> list[int]:
    screen = app.window.list
    app.qtbot.waitUntil(lambda: not screen.debounce.isActive() and screen.table.complete, timeout=20000)
    app.idle()
    return list(screen.table.model.ids)


def column(key: str) -> int:
    return [k for k, _ in COLUMNS].index(key)


def click_header(app, key: str) -> None:
    header = app.window.list.table.view.horizontalHeader()
    x = header.sectionViewportPosition(column(key)) + header.sectionSize(column(key)) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, header.height() // 2))


def expected(path, order: ListOrder, chosen: ListFilter | None = None) -> list[int]:
    with Session(path) as check:
        return list(dossier_list.ids(check, chosen or ListFilter(), order=order))


def test_a_header_click_sorts_and_a_second_click_reverses(listed, demo_2k):
    settled(listed)
    click_header(listed, "applicant_name")
    assert settled(listed) == expected(demo_2k, ListOrder("applicant_name"))
    click_header(listed, "applicant_name")
    assert settled(listed) == expected(demo_2k, ListOrder("applicant_name", descending=True))
    click_header(listed, "days_late")  # the most late first
    ids = settled(listed)
    assert ids == expected(demo_2k, ListOrder("days_late", descending=True))
    model = listed.window.list.table.model
    listed.qtbot.waitUntil(lambda: model.row_at(0) is not None)
    assert int(model.data(model.index(0, column("days_late")))) == model.row_at(0).days_late > 0
    # The sort stays while filtering.
    screen = listed.window.list
    screen.status.setCurrentIndex(screen.status.findData("received"))
    assert settled(listed) == expected(demo_2k, ListOrder("days_late", True), ListFilter(statuses=("received",)))


def test_enter_in_the_search_opens_the_top_match(listed):
    screen = listed.window.list
    settled(listed)
    type_text(screen.search, "Trần")
    press(screen.search, Qt.Key.Key_Return)  # at once, before the pause has run the search
    listed.qtbot.waitUntil(lambda: bool(listed.window.dialogs), timeout=20000)
    listed.idle()
    dialog = listed.window.dialogs[0]
    assert dialog.dossier.code == screen.table.model.code_at(0)
    assert any(word.startswith("tran") for word in fold(dialog.dossier.applicant_name).split())
    dialog.close()


def test_down_goes_from_the_search_into_the_table(listed):
    screen = listed.window.list
    settled(listed)
    screen.search.setFocus()
    press(screen.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is screen.table.view
    assert screen.table.view.currentIndex().row() == 0
    press(screen.table.view, Qt.Key.Key_Down)
    assert screen.table.view.currentIndex().row() == 1


def test_long_procedure_names_elide_with_the_whole_name_as_tooltip(listed):
    screen = listed.window.list
    settled(listed)
    model, view = screen.table.model, screen.table.view
    listed.qtbot.waitUntil(lambda: model.row_at(0) is not None)
    longest = max(range(min(200, model.rowCount())), key=lambda r: len(model.row_at(r).procedure_name))
    index = model.index(longest, column("procedure_name"))
    name = model.row_at(longest).procedure_name
    assert view.fontMetrics().horizontalAdvance(name) > view.columnWidth(column("procedure_name"))
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == name


def test_early_results_read_truoc_han_as_everywhere(listed):
    from ui.list_model import DUE_LABELS
    from ui.today import ROWS

    assert DUE_LABELS["early"] == "Trước hạn" == dict(ROWS)["early"].strip()
