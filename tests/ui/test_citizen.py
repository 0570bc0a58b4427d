"""The citizen rates on their own screen (issue 15; ND 61/2018 art. 29).

The test screens (tests/ui/conftest.py) are the counter's 1366×768 and a second one of
1024×600 beside it: the rating window goes full screen there. The return screen records a
rating the citizen gives there as theirs, and one the officer keys as the officer's.
"""

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from counter import dossiers, intake, lifecycle
from counter.clock import now
from tests.ui.helpers import press, type_text
from ui import citizen_screen


def ready_to_return(session, name="Phạm Thị Thu Hà"):
    dossier = intake.receive(session, "1.001193", name, at=now() - timedelta(hours=30))
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=2))
    return dossier


def open_for_return(app, code: str):
    screen = app.window.returns
    app.screen(screen)
    type_text(screen.scan, code)
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    return screen


def tap(button) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_rating_window_fills_the_second_screen(app):
    window = app.window.citizen
    assert window is not None and window.isVisible() and window.isFullScreen()
    assert window.screen().name() == "rating"
    assert window.pages.currentWidget() is window.welcome and "UBND xã Tân Tiến" in window.welcome.text()


def test_with_one_screen_it_is_a_small_window_shown_only_while_asking(qapp, qtbot, monkeypatch):
    primary = QGuiApplication.primaryScreen()
    monkeypatch.setattr(citizen_screen.QGuiApplication, "screens", staticmethod(lambda: [primary]))
    window = citizen_screen.CitizenWindow("UBND xã Tân Tiến")
    qtbot.addWidget(window)
    window.place()
    assert not window.isVisible()  # it would hide the officer's buttons
    window.ask("000.00.53.H48-260804-0001", "Lò Văn Páo", "Đăng ký khai sinh")
    qtbot.waitExposed(window)
    assert not window.isFullScreen() and window.screen() is primary
    assert window.width() <= primary.availableGeometry().width() // 2
    room = primary.availableGeometry()
    assert window.geometry().bottomRight().x() <= room.right() and window.geometry().bottom() <= room.bottom()
    window.idle()
    assert not window.isVisible()


def test_the_citizen_rates_and_the_return_records_it_as_theirs(app, session):
    dossier = ready_to_return(session)
    screen = open_for_return(app, dossier.code)
    citizen = app.window.citizen
    assert citizen.pages.currentWidget() is citizen.asking and dossier.code in citizen.dossier.text()
    tap(citizen.choices["satisfied"])
    assert citizen.pages.currentWidget() is citizen.thanks
    assert screen.rating.currentData() == "satisfied" and screen.rating_by == "citizen"
    assert "Người dân đã tự đánh giá" in screen.rated_note.text()
    press(screen.receiver, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    done = dossiers.get(session, dossier.code)
    assert done.status == "returned" and done.rating == "satisfied"
    events = dossiers.events(session, done)
    assert events[-1]["detail"]["rating_by"] == "citizen"
    assert citizen.pages.currentWidget() is citizen.thanks  # a moment of thanks, then the welcome
    citizen.back_to_idle.timeout.emit()
    assert citizen.pages.currentWidget() is citizen.welcome


def test_an_unsatisfied_citizen_may_say_why_and_it_is_recorded_as_a_complaint(app, session):
    dossier = ready_to_return(session, "Vũ Đình Trọng")
    screen = open_for_return(app, dossier.code)
    citizen = app.window.citizen
    tap(citizen.choices["unsatisfied"])
    assert citizen.pages.currentWidget() is citizen.complaint
    tap(citizen.reasons[0])
    tap(citizen.reasons[1])
    tap(citizen.send)
    assert screen.rating.currentData() == "unsatisfied" and screen.complaint == (
        "Thời gian chờ đợi lâu; Trả kết quả trễ hẹn")
    press(screen.receiver, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    done = dossiers.get(session, dossier.code)
    kinds = [(e["kind"], e["detail"]) for e in dossiers.events(session, done)]
    assert kinds[-2][0] == "returned" and kinds[-2][1]["rating_by"] == "citizen"
    assert kinds[-1][0] == "complained" and kinds[-1][1]["reason"] == "Thời gian chờ đợi lâu; Trả kết quả trễ hẹn"


def test_a_rating_keyed_by_the_officer_is_recorded_as_the_officer_s(app, session):
    dossier = ready_to_return(session, "Lý Thị Hoa")
    screen = open_for_return(app, dossier.code)
    screen.rating.setFocus()
    screen.rating.setCurrentIndex(screen.rating.findData("very-satisfied"))
    screen.rating.activated.emit(screen.rating.currentIndex())  # as a choice made in the list does
    assert screen.rating_by == "officer" and "Cán bộ ghi" in screen.rated_note.text()
    press(screen.receiver, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    done = dossiers.get(session, dossier.code)
    assert dossiers.events(session, done)[-1]["detail"]["rating_by"] == "officer"


def test_the_window_asks_only_while_a_dossier_is_open_for_return(app, session):
    dossier = ready_to_return(session, "Đỗ Văn Hùng")
    citizen = app.window.citizen
    screen = open_for_return(app, dossier.code)
    assert citizen.asking_now
    screen.scan.selectAll()
    type_text(screen.scan, "000.00.53.H48-990101-0001")  # an unknown code: the last citizen goes
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert not citizen.asking_now and citizen.pages.currentWidget() is citizen.welcome
    tap(citizen.choices["satisfied"])  # nothing to rate: nothing happens
    assert screen.rating.currentData() is None
