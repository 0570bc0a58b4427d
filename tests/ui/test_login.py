"""Login, roles in the window, switching officer, the accounts page, the first admin at first run."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from counter import accounts, dossiers, intake
from counter.clock import now
from counter.errors import CounterError
from counter.session import Session
from tests.ui.conftest import launch
from tests.ui.helpers import press, type_text

PASSWORD = "mat-khau-2025"
PEOPLE = {"quantri": ("Nguyễn Văn Quản", "admin"), "hung.nv": ("Nguyễn Văn Hùng", "head"),
          "lan.tt": ("Trần Thị Lan", "officer")}


@pytest.fixture
def unit_with_accounts(session):
    """The `session` fixture's unit with an admin (logged in there), a head of unit and an officer."""
    for username, (name, role) in PEOPLE.items():
        accounts.create(session, username, name, role, PASSWORD)
        if role == "admin":
            accounts.login(session, username, PASSWORD)
    return session


@pytest.fixture
def started(qtbot, unit_with_accounts, preferences):
    running = launch(qtbot, unit_with_accounts.path, preferences)
    qtbot.waitUntil(lambda: running.launcher.login is not None and running.launcher.login.isVisible(), timeout=20000)
    running.window = running.launcher.window
    yield running
    running.launcher.close()


def log_in(running, username: str, password: str) -> None:
    """Type the name and password as an officer would, Enter after each."""
    dialog = running.launcher.login
    dialog.username.clear()
    type_text(dialog.username, username)
    press(dialog.username, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password  # Enter with no password moves on, it does not try
    type_text(dialog.password, password)
    press(dialog.password, Qt.Key.Key_Return)
    running.idle()


def test_the_window_stays_locked_until_the_officer_logs_in(started):
    window, dialog = started.window, started.launcher.login
    assert window.isVisible() and not window.ready and window.tabs is None
    assert "Đăng nhập" in window.cover.text() and "UBND xã Tân Tiến" in dialog.intro.text()
    log_in(started, "lan.tt", PASSWORD)
    started.wait_shown()
    assert not dialog.isVisible()
    assert "Trần Thị Lan (Cán bộ một cửa)" in window.user_label.text()
    assert window.logout_button.isVisible()


def test_a_wrong_password_says_so_and_unlocks_nothing(started):
    log_in(started, "lan.tt", "sai-mat-khau")
    dialog = started.launcher.login
    assert dialog.isVisible() and not started.window.ready
    assert dialog.message.kind == "error" and dialog.message.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password


def test_five_wrong_passwords_lock_the_account_for_15_minutes(started, unit_with_accounts):
    dialog = started.launcher.login
    for _ in range(5):
        log_in(started, "lan.tt", "sai-mat-khau")
    assert dialog.message.text() == "Sai mật khẩu 5 lần: tài khoản lan.tt bị khóa trong 15 phút."
    log_in(started, "lan.tt", PASSWORD)
    assert "Tài khoản lan.tt đang bị khóa đến" in dialog.message.text()
    assert not started.window.ready
    log_in(started, "quantri", PASSWORD)  # another officer still gets in
    started.wait_shown()
    assert "Quản trị" in started.window.user_label.text()


def test_an_officer_cannot_reach_apology_corrections_rejection_or_settings(started, unit_with_accounts):
    late = intake.receive(unit_with_accounts, "1.001193", "Phạm Thị Thu", at=now() - timedelta(days=30))
    log_in(started, "lan.tt", PASSWORD)
    started.wait_shown()
    window = started.window

    started.screen(window.late)
    assert window.late.select_code(late.code)
    assert not window.late.apology_button.isEnabled()
    assert "không có quyền xin lỗi, hẹn lại" in window.late.apology_button.toolTip()
    window.late.write_apology()  # Ctrl+P does nothing either
    started.idle()
    assert dossiers.get(unit_with_accounts, late.code).apology_at is None

    window.open_dossier(late.code)
    started.idle()
    dialog = window.dialogs[0]
    assert not dialog.edit_button.isEnabled() and not dialog.actions["rejection"].isEnabled()
    assert not dialog.actions["stop"].isEnabled() and dialog.actions["supplement"].isEnabled()
    dialog.step("rejection")  # reached anyway: the service refuses, the dialog says so
    type_text(dialog.reason_dialog.reason, "Không đủ điều kiện")
    dialog.reason_dialog.accept()
    started.idle()
    assert dialog.message.text() == "Tài khoản lan.tt (Cán bộ một cửa) không có quyền từ chối hồ sơ."
    dialog.close()

    settings = window.settings
    started.screen(settings)
    assert not settings.save_button.isEnabled() and not settings.unit.isEnabled()
    assert not any(w.isEnabled() for w in settings.calendar_actions + settings.catalogue_actions)
    pages = settings.pages
    assert not pages.isTabEnabled(pages.indexOf(settings.accounts))
    assert not pages.isTabEnabled(pages.indexOf(settings.audit))
    assert pages.isTabEnabled(pages.indexOf(settings.backups))
    assert not settings.backups.restore_button.isEnabled() and settings.backups.backup_button.isEnabled()
    settings.save()
    started.idle()
    assert "không có quyền thay đổi thiết lập" in settings.message.text()
    assert window.today.staff.isHidden()


def test_a_head_sees_per_officer_figures_but_not_accounts(started, unit_with_accounts, tmp_path):
    log_in(started, "lan.tt", PASSWORD)
    started.wait_shown()
    window = started.window
    code = _receive_through_the_window(started, "Đỗ Minh Châu", tmp_path)
    assert dossiers.events(unit_with_accounts, dossiers.get(unit_with_accounts, code))[0]["officer"] == "Trần Thị Lan"

    press(window.intake.picker.field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Đổi người dùng
    started.idle()
    assert not window.ready and started.launcher.login.isVisible()
    log_in(started, "hung.nv", PASSWORD)
    started.wait_shown()
    assert "Nguyễn Văn Hùng (Lãnh đạo đơn vị)" in window.user_label.text()
    started.screen(window.today)
    assert window.today.staff.isVisible()
    rows = {window.today.staff.item(r, 0).text(): window.today.staff.item(r, 1).text()
            for r in range(window.today.staff.rowCount())}
    assert rows["Trần Thị Lan"] == "1"
    settings = window.settings
    assert settings.save_button.isEnabled()
    assert not settings.pages.isTabEnabled(settings.pages.indexOf(settings.accounts))
    assert settings.pages.isTabEnabled(settings.pages.indexOf(settings.audit))


def _receive_through_the_window(running, name: str, tmp_path) -> str:
    running.printed_to_file(tmp_path)
    screen = running.window.intake
    running.screen(screen)
    type_text(screen.picker.field, "khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, name)
    screen.save()
    running.idle()
    assert screen.message.kind == "ok", screen.message.text()
    return screen.last.code


def test_the_admin_creates_stops_unlocks_and_resets_accounts(started, unit_with_accounts):
    log_in(started, "quantri", PASSWORD)
    started.wait_shown()
    settings = started.window.settings
    started.screen(settings)
    settings.show_page(settings.accounts)
    started.idle()
    page = settings.accounts
    assert page.table.rowCount() == 3
    type_text(page.username, "mai.lt")
    type_text(page.full_name, "Lê Thị Mai")
    page.role.setCurrentIndex(page.role.findData("officer"))
    type_text(page.password, "mai-2025-moi")
    type_text(page.again, "mai-2025-moi")
    page.create()
    started.idle()
    assert page.message.kind == "ok", page.message.text()
    assert page.table.rowCount() == 4

    page.select("quantri")
    assert not page.toggle_button.isEnabled()  # an admin cannot stop their own account
    page.select("mai.lt")
    page.toggle_active()
    started.idle()
    assert page.message.text() == "Đã ngừng sử dụng tài khoản mai.lt."
    assert page.table.item(page.table.currentRow(), 3).text() == "Ngừng sử dụng"

    for _ in range(5):
        with pytest.raises(CounterError):
            accounts.login(unit_with_accounts, "lan.tt", "sai-mat-khau")
    page.start()
    started.idle()
    page.select("lan.tt")
    assert page.table.item(page.table.currentRow(), 3).text().startswith("Bị khóa đến")
    page.unlock()
    started.idle()
    page.reset_password()
    type_text(page.password_dialog.first, "lan-moi-2025")
    type_text(page.password_dialog.again, "lan-moi-2025")
    page.password_dialog._check()
    started.idle()
    assert "Đã đặt lại mật khẩu cho lan.tt" in page.message.text()
    with Session(unit_with_accounts.path) as check:
        assert accounts.login(check, "lan.tt", "lan-moi-2025").role == "officer"
        assert not [a for a in accounts.all_accounts(check) if a["username"] == "mai.lt"][0]["active"]


def test_first_run_creates_the_admin_and_logs_in(qtbot, tmp_path, preferences):
    path = tmp_path / "new.sqlite3"
    running = launch(qtbot, path, preferences)
    qtbot.waitUntil(lambda: running.launcher.first_run is not None and running.launcher.first_run.isVisible())
    dialog = running.launcher.first_run
    type_text(dialog.form.unit_code, "000.00.21.H27")
    type_text(dialog.form.unit_name, "UBND xã Đông Phong")
    type_text(dialog.username, "quantri")
    type_text(dialog.full_name, "Vũ Thị Hằng")
    type_text(dialog.password, "dong-phong-1")
    type_text(dialog.again, "dong-phong-2")
    dialog.save()
    assert dialog.message.text() == "Hai lần nhập mật khẩu không khớp." and dialog.isVisible()
    type_text(dialog.again, "dong-phong-1")
    dialog.save()
    running.wait_shown()
    try:
        assert "Vũ Thị Hằng (Quản trị)" in running.window.user_label.text()
        with Session(path) as check:
            assert [a["username"] for a in accounts.all_accounts(check)] == ["quantri"]
            assert check.settings.unit_name == "UBND xã Đông Phong"
    finally:
        running.launcher.close()


def test_the_first_account_made_in_settings_ends_set_up_mode(app, session, tmp_path):
    window = app.window
    assert "chế độ thiết lập" in window.user_label.text() and not window.logout_button.isVisible()
    settings = window.settings
    app.screen(settings)
    settings.show_page(settings.accounts)
    app.idle()
    page = settings.accounts
    type_text(page.username, "quantri")
    type_text(page.full_name, "Nguyễn Văn Quản")
    page.role.setCurrentIndex(page.role.findData("admin"))
    type_text(page.password, PASSWORD)
    type_text(page.again, PASSWORD)
    page.create()
    app.idle()
    assert "Từ nay phải đăng nhập" in page.message.text()
    assert "Nguyễn Văn Quản (Quản trị)" in window.user_label.text() and window.logout_button.isVisible()
    code = _receive_through_the_window(app, "Hoàng Văn Phúc", tmp_path)  # the other workers act for the admin too
    app.screen(window.list)
    app.qtbot.waitUntil(lambda: window.list.table.complete)
    assert window.list.table.model.rowCount() == 1
    assert dossiers.events(session, dossiers.get(session, code))[0]["officer"] == "Nguyễn Văn Quản"


def test_an_officer_changes_her_own_password_only_with_the_current_one(started, unit_with_accounts):
    log_in(started, "lan.tt", PASSWORD)
    started.wait_shown()
    window = started.window
    for current in ("doan-bua-di", PASSWORD):
        window.change_password()
        dialog = window.password_dialog
        assert dialog.current is not None
        type_text(dialog.current, current)
        type_text(dialog.first, "lan-doi-2026")
        type_text(dialog.again, "lan-doi-2026")
        dialog._check()
        started.idle()
    assert window.statusBar().currentMessage() == "Đã đổi mật khẩu."
    with Session(unit_with_accounts.path) as check:
        actions = [row[0] for row in check.db.execute("SELECT action FROM audit WHERE target = 'lan.tt' ORDER BY id")]
        assert actions[-3:] == ["login", "login_failed", "password_changed"]  # the wrong current one counted
        assert accounts.login(check, "lan.tt", "lan-doi-2026").username == "lan.tt"
