"""Settings that scrolling cannot change and that are not left unsaved (issue 15)."""

from PySide6.QtCore import QPoint, QPointF, Qt, QTime
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from counter.session import Session
from tests.ui.helpers import press, type_text


def wheel(widget, steps: int = -3) -> None:
    """The mouse wheel turned over `widget` (negative: towards the officer, scrolling down)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_page_and_changes_no_field_without_the_cursor(app):
    screen = app.window.settings
    app.screen(screen)
    opening, form_set = screen.unit.office_open, screen.unit.form_set
    assert opening.time() == QTime(7, 30)
    screen.unit.unit_name.setFocus()
    before = (opening.time(), form_set.currentIndex(), screen.year.value())
    for field in (opening, form_set, screen.year):
        wheel(field)
    assert (opening.time(), form_set.currentIndex(), screen.year.value()) == before
    assert not screen.dirty()
    opening.setFocus()
    wheel(opening, 1)  # with the cursor in it, the wheel is meant for it
    assert opening.time() != QTime(7, 30)


def answer(app, qtbot, text: str) -> None:
    qtbot.waitUntil(lambda: app.window.settings.confirm is not None and app.window.settings.confirm.isVisible())
    box = app.window.settings.confirm
    assert "chưa lưu" in box.text()
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()
    app.idle()


def test_unsaved_settings_are_marked_and_leaving_asks_first(app, session, qtbot):
    window = app.window
    screen = window.settings
    app.screen(screen)
    tab = screen.pages.indexOf(screen.unit_page)
    type_text(screen.unit.unit_name, " mới")
    assert screen.unsaved.isVisible() and screen.pages.tabText(tab).endswith("●")
    press(screen.unit.unit_name, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is screen  # not left yet
    answer(app, qtbot, "Ở lại")
    assert window.tabs.currentWidget() is screen and screen.dirty()
    press(screen.unit.unit_name, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    answer(app, qtbot, "Bỏ thay đổi")
    assert window.tabs.currentWidget() is window.intake
    assert screen.unit.unit_name.text() == session.settings.unit_name and not screen.unsaved.isVisible()
    app.screen(screen)
    screen.unit.office_close.setTime(QTime(17, 30))
    screen.pages.setCurrentWidget(screen.accounts)  # another page of the settings asks too
    answer(app, qtbot, "Lưu")
    assert screen.pages.currentWidget() is screen.accounts and not screen.dirty()
    with Session(session.path) as check:
        assert check.settings.office_close == "17:30"
    assert screen.pages.tabText(tab).endswith("ấn")


def test_ctrl_s_saves_the_unit_settings(app, session):
    screen = app.window.settings
    app.screen(screen)
    screen.unit.place.setFocus()
    screen.unit.place.selectAll()
    type_text(screen.unit.place, "Đông Phong")
    press(screen.unit.place, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "ok" and not screen.dirty()
    with Session(session.path) as check:
        assert check.settings.place == "Đông Phong"
