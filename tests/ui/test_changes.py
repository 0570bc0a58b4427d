"""What a write changed reaches every screen through the Runner; each screen decides what to redraw."""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from counter import accounts, catalogue, intake
from counter.changes import Changes
from counter.clock import now
from counter.errors import CounterError
from counter.session import Session
from tests.ui.helpers import press, type_text
from tests.ui.test_today import cell
from ui.backups_page import BackupsPage
from ui.digitization import DigitizationScreen
from ui.dossier_view import DossierDialog
from ui.late_work import LateWorkScreen
from ui.main_window import MainWindow
from ui.operations import Runner
from ui.returns import ReturnScreen
from ui.settings_screen import SettingsScreen
from ui.today import TodayScreen


def list_rows(app) -> list:
    table = app.window.list.table
    app.qtbot.waitUntil(lambda: table.complete)
    return [table.model.row_at(row) for row in range(table.model.rowCount())]


def test_the_runner_hands_over_what_a_call_wrote_after_its_callback(qtbot, session):
    session.take_changes()
    runner = Runner(lambda: Session(session.path, "Trần Thị Lan"))
    heard = []
    runner.changed.connect(lambda changes: heard.append(("changed", changes)))
    try:
        runner.run(lambda s: intake.receive(s, "1.001193", "Lê Thị Hoa"), done=lambda d: heard.append(("done", d)))
        runner.run(lambda s: catalogue.all_procedures(s), done=lambda _p: heard.append(("read", None)))
        runner.run(lambda s: intake.receive(s, "9.999999", "Lê Thị Hoa"), failed=lambda e: heard.append(("refused", e)))
        qtbot.waitUntil(lambda: runner.idle)
        received = heard[0][1]
        assert heard[1] == ("changed", Changes.of_dossier(received.code))  # after the callback, on this thread
        assert [kind for kind, _ in heard] == ["done", "changed", "read", "refused"]  # a read, a refusal: nothing
        assert isinstance(heard[3][1], CounterError)

        heard.clear()
        runner.run(lambda s: accounts.create(s, "quantri", "Nguyễn Văn Quản", "admin", "mat-khau-2025"))
        runner.run(lambda s: accounts.login(s, "quantri", "sai-mat-khau"),
                   failed=lambda e: heard.append(("refused", e)))
        qtbot.waitUntil(lambda: runner.idle)
        # A failed login is refused, yet written: it counts towards the lockout the accounts page shows.
        assert [item[0] for item in heard] == ["changed", "refused", "changed"]
        assert heard[0][1] == heard[2][1] == Changes(accounts=True)
    finally:
        runner.stop()


def test_a_receive_at_the_intake_screen_reaches_the_list_and_today_when_they_are_shown(app, tmp_path):
    window = app.window
    app.printed_to_file(tmp_path)
    app.screen(window.list)
    assert list_rows(app) == []
    app.screen(window.today)
    assert cell(window.today, "received", 0) == "0"

    screen = window.intake
    app.screen(screen)
    type_text(screen.picker.field, "dang ky khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, "Nguyễn Thị Hồng Nhung")
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    code = screen.last.code
    # Hidden, they only know they are due; they read when the officer comes to them.
    assert window.list.refresh.due and window.today.refresh.due

    app.screen(window.list)
    assert [row.code for row in list_rows(app)] == [code]
    app.screen(window.today)
    assert cell(window.today, "received", 0) == "1"


def test_a_step_in_a_dossier_opened_from_the_list_redraws_the_list_under_it(app, session):
    dossier = intake.receive(session, "1.001193", "Nguyen Van Duc", at=now() - timedelta(minutes=5))
    app.screen(app.window.list)
    assert [row.applicant_name for row in list_rows(app)] == ["Nguyen Van Duc"]
    app.window.open_dossier(dossier.code)
    app.idle()
    dialog = app.window.dialogs[0]
    dialog.field.setCurrentIndex(dialog.field.findData("name"))
    type_text(dialog.value, "Nguyễn Văn Đức")
    dialog.edit()
    type_text(dialog.reason_dialog.reason, "Sai dấu trong họ tên")
    dialog.reason_dialog.accept()
    app.idle()
    assert [row.applicant_name for row in list_rows(app)] == ["Nguyễn Văn Đức"]
    assert "Nguyễn Văn Đức" in dialog.details.text()  # the dialog read itself again too
    dialog.close()


def test_a_settings_change_reaches_the_status_line_today_and_every_worker(app, session):
    window, today = app.window, app.window.today
    app.screen(today)
    closing = datetime.combine(now().date(), session.settings.close_time)
    today.now = lambda: closing - timedelta(minutes=10)
    today.check_export()
    app.idle()
    assert "chưa xuất" in window.warning_label.text()

    seen = []
    workers = (app.launcher.reads, app.launcher.background)
    for worker in workers:  # their sessions read the settings once, and keep them
        worker.run(lambda s: s.settings.unit_name, done=seen.append)
    app.idle()
    assert seen == ["UBND xã Tân Tiến"] * 2

    screen = window.settings
    app.screen(screen)
    screen.unit.unit_name.setText("UBND xã Tân Tiến Mới")
    screen.unit.office_close.setTime(screen.unit.office_close.time().addSecs(30 * 60))  # 17:30: no warning yet
    screen.save()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    assert "UBND xã Tân Tiến Mới" in window.unit_label.text()
    assert window.warning_label.text() == "" and today.banner.kind == ""
    seen.clear()
    for worker in workers:  # and forgot them when they changed
        worker.run(lambda s: s.settings.unit_name, done=seen.append)
    app.idle()
    assert seen == ["UBND xã Tân Tiến Mới"] * 2


def test_a_catalogue_import_reaches_the_picker_and_the_list_filter_once(app, tmp_path):
    window = app.window
    app.screen(window.list)
    app.idle()
    before = window.list.procedure.count()
    extra = tmp_path / "danh-muc.csv"
    extra.write_text("Mã thủ tục,Tên thủ tục,Thời hạn giải quyết\n9.999001,Xác nhận tình trạng nhà ở,3\n",
                     encoding="utf-8")
    app.screen(window.settings)
    window.settings._import(str(extra))
    app.idle()
    assert "1 mới" in window.settings.message.text()
    assert window.settings.procedure_count.text() == f"Danh mục hiện có {before} thủ tục."  # the «all» choice + 1 new
    assert "9.999001" in [p.code for p in window.intake.picker.procedures]
    app.screen(window.list)
    labels = [window.list.procedure.itemText(i) for i in range(window.list.procedure.count())]
    assert len(labels) == before + 1 and len(set(labels)) == len(labels)  # read again, not appended twice
    assert "Xác nhận tình trạng nhà ở (9.999001)" in labels


def test_a_restore_redraws_every_screen_from_the_restored_file(app, session):
    window = app.window
    heard = []
    app.launcher.runner.changed.connect(heard.append)
    settings = window.settings
    app.screen(settings)
    settings.show_page(settings.backups)
    app.idle()
    startup = settings.backups.backups[0]
    made = []
    app.launcher.runner.run(lambda s: intake.receive(s, "1.001193", "Ngô Thị Lụa"), done=made.append)
    app.idle()
    app.screen(window.today)
    assert cell(window.today, "received", 0) == "1"
    app.screen(window.list)
    assert [row.code for row in list_rows(app)] == [made[0].code]
    window.returns.scan.setText(made[0].code)
    window.returns.open_scanned()
    app.idle()
    assert window.returns.dossier is not None

    app.screen(settings)
    page = settings.backups
    page.table.setCurrentCell([b["path"] for b in page.backups].index(startup["path"]), 0)
    page.ask_restore()
    page.confirm.button(QMessageBox.StandardButton.Yes).click()
    app.idle()
    assert page.message.kind == "ok", page.message.text()
    assert any(changes.everything for changes in heard)
    assert "before-restore" in [b["label"] for b in page.backups]  # the page read its folder again
    assert window.returns.dossier is None and "Chưa mở hồ sơ nào" in window.returns.summary.text()
    app.screen(window.list)
    assert list_rows(app) == []
    app.screen(window.today)
    assert cell(window.today, "received", 0) == "0"


def test_no_hand_wired_refresh_is_left(app):
    for name in ("_dossiers_changed", "_settings_changed", "_catalogue_changed", "reload", "stale"):
        assert not hasattr(MainWindow, name) and not hasattr(app.window, name), name
    for kind in (ReturnScreen, LateWorkScreen, DigitizationScreen, DossierDialog):
        assert not hasattr(kind, "changed"), kind
    for kind, signal in ((TodayScreen, "exported"), (SettingsScreen, "settings_changed"),
                         (SettingsScreen, "catalogue_changed"), (SettingsScreen, "restored"),
                         (BackupsPage, "restored")):
        assert not hasattr(kind, signal), (kind, signal)
    for screen, _label in app.window.screens:
        assert callable(screen.on_changes), screen


def test_a_calendar_day_redraws_the_calendar_but_not_the_unit_fields_being_typed(app):
    screen = app.window.settings
    app.screen(screen)
    rows = screen.days.rowCount()
    screen.unit.unit_name.setText("Đang gõ dở, chưa lưu")
    screen.day.setDate(screen.day.date().addDays(3))
    type_text(screen.day_reason, "Nghỉ bù theo quyết định của UBND tỉnh")
    screen.add_day()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    assert screen.days.rowCount() == rows + 1
    assert "Nghỉ bù theo quyết định của UBND tỉnh" in [screen.days.item(r, 2).text() for r in range(rows + 1)]
    assert screen.unit.unit_name.text() == "Đang gõ dở, chưa lưu"
