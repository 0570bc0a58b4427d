"""Backups, restore, start-up recovery and the audit check, through the real window."""

import os
import shutil
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from counter import backups, catalogue, dossiers, intake, integrity, maintenance, unit
from counter.changes import Changes
from counter.clock import now
from counter.errors import CounterError
from counter.session import Session
from db import backup as backup_db
from tests.conftest import UNIT
from tests.ui.conftest import launch
from tests.ui.helpers import press
from ui import activity


def backups_page(app):
    settings = app.window.settings
    app.screen(settings)
    settings.show_page(settings.backups)
    app.idle()
    return settings.backups


def test_the_startup_backup_is_listed_and_a_backup_can_be_made_now(app):
    page = backups_page(app)
    assert [b["label"] for b in page.backups] == ["startup"]  # taken when the app opened
    assert page.table.item(0, 1).text() == "Tự động khi mở ứng dụng"
    assert page.table.item(0, 2).text().endswith(" MB")
    page.backup_button.click()
    app.idle()
    assert page.message.kind == "ok", page.message.text()
    made = Path(page.message.text().split(": ", 1)[1])
    assert made.is_file() and page.table.rowCount() == 2
    assert "Thư mục sao lưu:" in page.folder.text()


def test_restore_asks_naming_the_backup_time_then_the_window_shows_the_restored_data(app, session):
    page = backups_page(app)
    startup = page.backups[0]
    gone = intake.receive(session, "1.001193", "Ngô Thị Lụa", at=now() - timedelta(minutes=5))
    app.screen(app.window.list)
    app.qtbot.waitUntil(lambda: app.window.list.table.complete)
    assert app.window.list.table.model.rowCount() == 1

    page = backups_page(app)
    page.table.setCurrentCell([b["path"] for b in page.backups].index(startup["path"]), 0)
    page.ask_restore()
    assert f"{startup['at']:%H:%M:%S ngày %d/%m/%Y}" in page.confirm.text()
    page.confirm.button(QMessageBox.StandardButton.Yes).click()
    app.idle()
    assert page.message.kind == "ok", page.message.text()
    assert "Đã khôi phục dữ liệu về lúc" in page.message.text()
    assert f"cần nhập lại: {gone.code}." in page.message.text()
    assert "before-restore" in [b["label"] for b in page.backups]

    app.screen(app.window.list)
    app.qtbot.waitUntil(lambda: app.window.list.table.complete)
    assert app.window.list.table.model.rowCount() == 0  # the list reads the restored file
    with Session(app.launcher.path) as check, pytest.raises(CounterError):
        dossiers.get(check, gone.code)
    made = []  # the write worker works on the restored file too
    app.launcher.runner.run(lambda s: intake.receive(s, "1.001193", "Ngô Thị Lụa"), done=made.append)
    app.idle()
    with Session(app.launcher.path) as check:
        assert dossiers.get(check, made[0].code).applicant_name == "Ngô Thị Lụa"
        assert maintenance.check(check) == []
    assert made[0].code != gone.code  # the lost receipt's code is not handed out again
    # The test's own connection, open all along, works on the restored data too, and the list sees it.
    other = intake.receive(session, "1.001193", "Hà Văn Tú", at=now() - timedelta(minutes=1))
    app.launcher.runner.changed.emit(Changes.of_dossier(other.code))  # as a change from elsewhere arrives
    app.screen(app.window.list)
    app.qtbot.waitUntil(lambda: app.window.list.table.complete)
    codes = {app.window.list.table.model.row_at(i).code for i in range(app.window.list.table.model.rowCount())}
    assert codes == {made[0].code, other.code}


def _corrupt(path: Path, page: int) -> None:
    """Overwrite one page (1-based) with garbage, as a failing disk would."""
    data = bytearray(path.read_bytes())
    data[(page - 1) * 4096:page * 4096] = b"\xde\xad\xbe\xef" * 1024
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_recovered_at_start_up_and_the_officer_told(qtbot, tmp_path, preferences):
    path = tmp_path / "unit.sqlite3"
    kept, later, _made = _damaged_unit(path)
    running = launch(qtbot, path, preferences)
    try:
        qtbot.waitUntil(lambda: running.launcher.recovery_box is not None, timeout=20000)
        box = running.launcher.recovery_box
        assert box.isVisible() and "đã được khôi phục từ bản sao lưu lúc" in box.text()
        assert later.code in box.text()  # what to enter again
        assert not running.launcher.window.ready  # the officer reads it first
        box.button(QMessageBox.StandardButton.Ok).click()
        running.wait_shown()
        running.screen(running.window.list)
        qtbot.waitUntil(lambda: running.window.list.table.complete)
        model = running.window.list.table.model
        assert model.rowCount() == 1 and model.row_at(0).code == kept.code
        assert list(tmp_path.glob("unit.sqlite3.damaged-*"))
    finally:
        running.launcher.close()


def _damaged_unit(path: Path):
    """A unit with one recorded backup and a later dossier, then a damaged index page."""
    with Session(path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        kept = intake.receive(session, "1.001193", "Trịnh Văn Kiên", at=now() - timedelta(hours=2))
        made = backups.make(session)
        later = intake.receive(session, "1.001193", "Mạc Thị Yến", at=now() - timedelta(hours=1))
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index_page = session.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'dossiers_code_rev'").fetchone()[0]
    _corrupt(path, index_page)
    return kept, later, made


def made_at(backup: Path) -> datetime:
    return next(b["at"] for b in backup_db.listed(backup.parent) if b["path"] == backup)


def test_start_up_recovery_ignores_a_planted_backup_from_the_future(qtbot, tmp_path, preferences):
    path = tmp_path / "unit.sqlite3"
    kept, _later, made = _damaged_unit(path)
    shutil.copy(made, made.parent / "motcua-29991231-235959.sqlite3")  # sound, but never recorded by motcua
    running = launch(qtbot, path, preferences)
    try:
        qtbot.waitUntil(lambda: running.launcher.recovery_box is not None, timeout=20000)
        box = running.launcher.recovery_box
        assert box.isVisible() and f"lúc {made_at(made):%H:%M ngày %d/%m/%Y}" in box.text()
        assert "2999" not in box.text()
        running.launcher.recovery_box.button(QMessageBox.StandardButton.Ok).click()
        running.wait_shown()
        running.screen(running.window.list)
        qtbot.waitUntil(lambda: running.window.list.table.complete)
        assert running.window.list.table.model.row_at(0).code == kept.code
    finally:
        running.launcher.close()


def test_start_up_with_only_unrecorded_backups_gives_up_and_leaves_the_file(qtbot, tmp_path, preferences):
    path = tmp_path / "unit.sqlite3"
    _kept, _later, made = _damaged_unit(path)
    (made.parent / backup_db.MANIFEST).unlink()  # the record is gone: no backup is trusted
    damaged = path.read_bytes()
    running = launch(qtbot, path, preferences)
    told = []
    running.launcher.gave_up.connect(told.append)
    try:
        qtbot.waitUntil(lambda: bool(told), timeout=20000)
        assert "không có bản sao lưu nào dùng được" in told[0]
        assert path.read_bytes() == damaged
    finally:
        running.launcher.close()


def test_leftovers_of_killed_backups_and_restores_are_removed_when_the_app_starts(qtbot, session, preferences):
    restoring = session.path.with_name(session.path.name + ".restoring")
    partial = backups.folder(session) / "motcua-20250303-090000-a3.sqlite3.x1y2.partial"
    partial.parent.mkdir(exist_ok=True)
    for path in (restoring, partial):
        path.write_bytes(b"\0" * 4096)
    session.close()  # the app is the first to open the database
    running = launch(qtbot, session.path, preferences).wait_shown()
    try:
        assert not restoring.exists() and not partial.exists()
    finally:
        running.launcher.close()


def test_the_audit_check_says_ok_then_names_the_first_broken_row(app, session):
    intake.receive(session, "1.001193", "Lò Văn Sáng", at=now() - timedelta(minutes=5))
    settings = app.window.settings
    app.screen(settings)
    settings.show_page(settings.audit)
    app.idle()
    page = settings.audit
    assert page.table.rowCount() == len(page.rows) >= 3
    assert page.table.item(0, 3).text() == "Tiếp nhận" and page.table.item(0, 2).text() == "Trần Thị Lan"
    press(page.table, Qt.Key.Key_F6)
    app.idle()
    assert page.message.kind == "ok", page.message.text()
    assert "nhật ký kiểm tra liền mạch" in page.message.text()

    tamper = sqlite3.connect(session.path)
    tamper.execute("DROP TRIGGER audit_append_only_update")
    tamper.execute("UPDATE audit SET detail = '{}' WHERE id = 2")
    tamper.commit()
    tamper.close()
    page.check()
    app.idle()
    assert page.message.kind == "error"
    assert "Nhật ký kiểm tra bị phá vỡ từ dòng 2: nội dung đã bị sửa." in page.message.text()


def test_the_end_of_day_export_is_followed_by_a_backup_the_officer_is_told_about(app, session, tmp_path):
    intake.receive(session, "1.001193", "Đinh Thị Hoa", at=now() - timedelta(minutes=10))
    app.launcher.preferences.export_dir = str(tmp_path / "xuat")
    screen = app.window.today
    app.screen(screen)
    screen.export()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    assert screen.backup_path is not None and screen.backup_path.is_file()
    assert f"Đã sao lưu dữ liệu vào {screen.backup_path}." in screen.message.text()
    assert screen.backup_path.name.endswith("-export.sqlite3")


def test_damage_found_by_the_background_check_is_told_and_the_next_start_recovers(qtbot, tmp_path, preferences,
                                                                                  monkeypatch):
    """Issue 16: a file closed cleanly opens without the whole-file check; the background check
    finds the damage once the officer is idle, says so, and the next start repairs it."""
    monkeypatch.setattr(integrity, "START_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(activity, "QUIET_SECONDS", 0.0)
    path = tmp_path / "unit.sqlite3"
    with Session(path) as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        kept = intake.receive(session, "1.001193", "Trịnh Văn Kiên", at=now() - timedelta(hours=2))
        backups.make(session)
        page = session.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'exports'").fetchone()[0]
    found = path.stat()
    _corrupt(path, page)
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))  # damaged in place, as a failing disk does
    running = launch(qtbot, path, preferences).wait_shown()
    try:
        assert running.launcher.recovery is None and running.launcher.recovery_box is None
        qtbot.waitUntil(lambda: running.launcher.damage_box is not None, timeout=20000)
        assert "bị hỏng" in running.launcher.damage_box.text()
        assert "mở lại" in running.launcher.damage_box.text()
    finally:
        running.launcher.close()
    again = launch(qtbot, path, preferences)
    try:
        qtbot.waitUntil(lambda: again.launcher.recovery_box is not None, timeout=20000)
        assert "đã được khôi phục từ bản sao lưu lúc" in again.launcher.recovery_box.text()
        again.launcher.recovery_box.button(QMessageBox.StandardButton.Ok).click()
        again.wait_shown()
        with Session(path) as check:
            assert dossiers.get(check, kept.code).status == "received"
    finally:
        again.launcher.close()


def test_closing_the_app_does_not_wait_for_a_backup_in_progress(app, session, monkeypatch):
    """The copy stops at its next step once the window closes; nothing is kept."""
    started = threading.Event()
    monkeypatch.setattr(backup_db, "STEP_PAGES", 1)
    monkeypatch.setattr(backup_db, "YIELD_SECONDS", 0.5)
    intake.receive(session, "1.001193", "Trịnh Văn Kiên")
    monkeypatch.setattr(app.launcher.activity, "busy", lambda: started.set() or True)
    backups.give_way(app.launcher.activity.busy, app.launcher.activity.closing.is_set)
    app.launcher.background.run(lambda s: backups.automatic(s, "export"))
    assert started.wait(20)
    began = time.monotonic()
    app.launcher.close()
    assert time.monotonic() - began < 5  # a copy of every page at half a second a page would take far longer
    folder = backup_db.folder_for(session.path)
    assert not list(folder.glob("*export*")) and not list(folder.glob("*.partial"))
