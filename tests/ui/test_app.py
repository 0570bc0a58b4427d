"""Starting the app: first run on a new database, the demo, keyboard navigation, settings, corrections."""

from pathlib import Path

from PySide6.QtCore import Qt

from counter import catalogue, dossiers, intake
from counter.session import Session
from tests.ui.conftest import launch
from tests.ui.helpers import press, type_text


def test_first_run_asks_for_the_unit_and_loads_the_starter_catalogue(qtbot, tmp_path, preferences):
    path = tmp_path / "new.sqlite3"
    running = launch(qtbot, path, preferences)
    qtbot.waitUntil(lambda: running.launcher.first_run is not None and running.launcher.first_run.isVisible())
    dialog = running.launcher.first_run
    assert running.launcher.window is None
    type_text(dialog.form.unit_code, "000.00.21.H27")
    type_text(dialog.form.unit_name, "UBND xã Đông Phong")
    type_text(dialog.form.place, "Đông Phong")
    dialog.save()
    running.wait_shown()
    try:
        with Session(path) as check:
            assert check.settings.unit_code == "000.00.21.H27"
            assert check.settings.unit_name == "UBND xã Đông Phong"
            assert len(catalogue.all_procedures(check)) == len(catalogue.read_catalogue(catalogue.STARTER))
        assert "UBND xã Đông Phong" in running.window.unit_label.text()
    finally:
        running.launcher.close()


def test_first_run_refuses_a_unit_without_a_name(qtbot, tmp_path, preferences):
    running = launch(qtbot, tmp_path / "new.sqlite3", preferences)
    qtbot.waitUntil(lambda: running.launcher.first_run is not None)
    dialog = running.launcher.first_run
    type_text(dialog.form.unit_code, "000.00.21.H27")
    dialog.save()
    running.idle()
    try:
        assert dialog.message.kind == "error" and "Tên đơn vị" in dialog.message.text()
        assert running.launcher.window is None and dialog.buttons.isEnabled()
    finally:
        dialog.reject()
        running.launcher.close()


def test_demo_opens_a_throwaway_filled_database(qtbot, preferences):
    running = launch(qtbot, None, preferences, demo=True, demo_dossiers=300).wait_shown()
    folder = Path(running.launcher.demo_folder)
    running.screen(running.window.list)
    qtbot.waitUntil(lambda: running.window.list.table.complete)
    assert running.window.list.table.model.rowCount() == 300
    assert "dữ liệu thử" in running.window.windowTitle()
    running.launcher.close()
    assert not folder.exists()


def test_ctrl_number_switches_screens_and_puts_the_cursor_where_work_starts(app):
    window = app.window
    press(window.intake.picker.field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert window.tabs.currentWidget() is window.returns and window.focusWidget() is window.returns.scan
    press(window.returns.scan, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert window.tabs.currentWidget() is window.list and window.focusWidget() is window.list.search
    press(window.list.search, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert window.tabs.currentWidget() is window.settings


def test_settings_save_hours_calendar_and_catalogue(app, session, tmp_path):
    screen = app.window.settings
    app.screen(screen)
    assert screen.unit.unit_code.text() == session.settings.unit_code
    screen.unit.office_close.setTime(screen.unit.office_close.time().addSecs(30 * 60))
    screen.unit.form_set.setCurrentIndex(screen.unit.form_set.findData("tt01-2018"))
    screen.save()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    with Session(session.path) as check:
        assert check.settings.office_close == "17:30" and check.settings.form_set == "tt01-2018"
    screen.day.setDate(screen.day.date().addDays(3))
    screen.day_kind.setCurrentIndex(0)
    type_text(screen.day_reason, "Nghỉ bù theo quyết định của UBND tỉnh")
    screen.add_day()
    app.idle()
    with Session(session.path) as check:
        reasons = [o.reason for o in check.calendar.overrides.values()]
    assert "Nghỉ bù theo quyết định của UBND tỉnh" in reasons
    extra = tmp_path / "danh-muc.csv"
    extra.write_text("Mã thủ tục,Tên thủ tục,Thời hạn giải quyết\n9.999001,Xác nhận tình trạng nhà ở,3\n",
                     encoding="utf-8")
    screen._import(str(extra))
    app.idle()
    assert "1 mới" in screen.message.text()
    app.screen(app.window.intake)
    type_text(app.window.intake.picker.field, "xac nhan tinh trang nha o")
    matches = app.window.intake.picker.matches
    assert [matches.item(i).text() for i in range(matches.count())] == [
        "Xác nhận tình trạng nhà ở — 9.999001 (3 ngày làm việc)"]


def test_correction_after_intake_with_a_reason_then_reprint(app, session, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path)
    dossier = intake.receive(session, "1.001193", "Nguyen Van Duc", id_number="024190007777")
    app.window.open_dossier(dossier.code)
    app.idle()
    dialog = app.window.dialogs[0]
    dialog.field.setCurrentIndex(dialog.field.findData("name"))
    type_text(dialog.value, "Nguyễn Văn Đức")
    dialog.edit()
    type_text(dialog.reason_dialog.reason, "Sai dấu trong họ tên")
    dialog.reason_dialog.accept()
    app.idle()
    assert dialog.message.kind == "ok", dialog.message.text()
    assert dossiers.get(session, dossier.code).applicant_name == "Nguyễn Văn Đức"
    assert "Sai dấu trong họ tên" in dialog.events.item(dialog.events.rowCount() - 1, 3).text()
    dialog.actions["receipt"].click()
    qtbot.waitUntil(lambda: bool(made))
    assert dossier.code in made[0][0]
    dialog.close()


def test_start_runs_the_app_until_its_window_closes(qtbot, session):
    from argparse import Namespace

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.app import start
    from ui.main_window import MainWindow

    seen = []

    def close_when_shown() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            seen.append(windows[0].windowTitle())
            windows[0].close()
        else:
            QTimer.singleShot(50, close_when_shown)

    def watchdog() -> None:
        """A message box the app shows instead of its window waits for a click no test gives: say
        what it says and end the run, rather than hang the suite."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                shown.append(widget.text())
                widget.reject()
        QApplication.instance().quit()

    shown: list[str] = []
    QTimer.singleShot(50, close_when_shown)
    QTimer.singleShot(60_000, watchdog)
    assert start(Namespace(db=session.path, officer="Trần Thị Lan", demo=False)) == 0, shown
    assert seen and str(session.path) in seen[0], shown
