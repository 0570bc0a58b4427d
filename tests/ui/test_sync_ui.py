"""Issue 12 at the desk: the app syncs by itself on its own worker, F9 syncs now, the status line and every
figure screen say how fresh the data is, heads resolve conflicts on their page, and the folder is set up in
one dialog. Issue 13: the admin approves the other counters' keys there or on the sync page, and only then do
their dossiers arrive."""

import threading
from datetime import timedelta

from PySide6.QtCore import Qt

from counter import intake, keys, lifecycle, sync, unit
from counter.clock import now
from counter.session import Session
from tests.counter.sync_helpers import approve_each_other, station
from tests.ui.conftest import launch
from tests.ui.helpers import press, type_text
from ui.sync_dialog import SyncFolderDialog


def _unit_with_share(tmp_path, session, approved=True):
    """The app's database (counter 1) and counter 2 beside it, one share between them, each having approved
    the other's key unless `approved` is False."""
    share = tmp_path / "share"
    share.mkdir()
    unit.configure(session, sync_folder=str(share), station_name="Quầy 1 – Một cửa")
    other = station(tmp_path / "two" if (tmp_path / "two").mkdir() is None else None, 2, name="Quầy 2 – Đất đai")
    if approved:
        approve_each_other([session, other])
    return share, other


def _wait_synced(app, text="Đã đồng bộ lúc"):
    app.qtbot.waitUntil(lambda: app.window.sync_label.text().startswith(text), timeout=20000)
    app.qtbot.waitUntil(lambda: app.launcher.syncing.idle, timeout=20000)


def test_the_app_syncs_by_itself_and_f9_brings_another_counters_dossier(qtbot, session, preferences, tmp_path):
    share, other = _unit_with_share(tmp_path, session)
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        _wait_synced(app)
        assert app.window.sync_label.text().endswith("2/2 quầy") is False  # counter 2 has not synced yet
        remote = intake.receive(other, "1.001193", "Hoàng Thị Hoa", at=now() - timedelta(minutes=5))
        sync.sync(other, share)
        app.screen(app.window.today)
        press(app.window.today.table, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: "2/2 quầy" in app.window.sync_label.text(), timeout=20000)
        app.idle()
        assert app.window.today.table.item(0, 0).text() == "1"  # the other counter's receipt counts here
        assert app.window.today.freshness.text().startswith("Số liệu: đồng bộ lúc")
        assert "2/2 quầy" in app.window.late.freshness.text()
        found = []
        app.launcher.runner.run(lambda s: s.db.execute("SELECT code FROM dossiers").fetchall(), done=found.append)
        app.idle()
        assert found == [[(remote.code,)]]
    finally:
        app.launcher.close()
        other.close()


def test_a_save_is_followed_by_a_sync_and_a_slow_share_never_blocks_the_window(qtbot, session, preferences,
                                                                              tmp_path, monkeypatch):
    share, other = _unit_with_share(tmp_path, session)
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        _wait_synced(app)
        gate, real = threading.Event(), sync.sync

        def slow(session, *args, **kwargs):
            gate.wait(20)
            return real(session, *args, **kwargs)

        monkeypatch.setattr(sync, "sync", slow)
        app.window.sync_desk.sync_now()  # now held on the share
        answered = []
        app.launcher.runner.run(lambda s: intake.receive(s, "1.001193", "Vũ Văn Khoa"), done=answered.append)
        app.idle()
        assert answered and not app.launcher.syncing.idle  # the save went through while the sync waits
        gate.set()
        own = share / "motcua-sync" / "000.00.53.H48"
        qtbot.waitUntil(lambda: app.launcher.syncing.idle and app.window.sync_desk.soon.isActive() is False
                        and sum(1 for _ in own.rglob("seg-*")) >= 2, timeout=20000)
        sync.sync(other, share)
        assert other.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
    finally:
        app.launcher.close()
        other.close()


def test_a_missing_share_is_one_line_in_the_status_bar(qtbot, session, preferences, tmp_path):
    unit.configure(session, sync_folder=str(tmp_path / "not-plugged-in"))
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        _wait_synced(app, "Không thấy thư mục đồng bộ")
        assert "not-plugged-in" in app.window.sync_label.text() and " từ " in app.window.sync_label.text()
        assert "8b1a1a" in app.window.sync_label.styleSheet()
        intake_screen = app.window.intake
        assert intake_screen.isEnabled()
    finally:
        app.launcher.close()


def test_heads_resolve_conflicts_on_their_page(qtbot, session, preferences, tmp_path):
    share, other = _unit_with_share(tmp_path, session)
    code = intake.receive(session, "2.001035", "Nguyễn Văn Đức", at=now() - timedelta(hours=5)).code
    sync.sync(session, share)
    sync.sync(other, share)
    lifecycle.request_supplement(other, code, "Thiếu bản sao", now() - timedelta(hours=3))
    lifecycle.record_result(session, code, now() - timedelta(hours=2))
    sync.sync(other, share)
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        _wait_synced(app)
        assert "1 xung đột" in app.window.sync_label.text()
        settings = app.window.settings
        app.screen(settings)
        settings.show_page(settings.conflicts)
        app.idle()
        page = settings.conflicts
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
        assert page.table.item(0, 1).text() == code and "Chờ bổ sung" in page.table.item(0, 5).text()
        page.table.selectRow(0)
        type_text(page.reason, "Đã báo công dân bổ sung trước")
        page.resolve_button.click()
        app.idle()
        qtbot.waitUntil(lambda: page.table.rowCount() == 0, timeout=10000)
        assert page.message.kind == "ok" and "0 xung đột chờ xử lý, 1 đã xử lý" in page.count.text()
        press(app.window.today.table, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: app.launcher.syncing.idle, timeout=10000)
        app.window.sync_desk.sync_now()
        qtbot.waitUntil(lambda: app.launcher.syncing.idle and "xung đột" not in app.window.sync_label.text(),
                        timeout=20000)
        sync.sync(other, share)
        assert [c["resolved"] for c in sync.conflicts(other)] == [True]
    finally:
        app.launcher.close()
        other.close()


def test_the_folder_dialog_shows_the_counters_found_and_saves_in_one_go(qtbot, session, preferences, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "c").mkdir()
    prints = []
    for k, name in ((2, "Quầy 2 – Đất đai"), (3, "Quầy 3 – Hộ tịch")):
        with station(tmp_path / "c", k, catalogue_too=False, name=name) as counter:
            sync.sync(counter, share)
            prints.append(keys.current(counter).fingerprint)
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        dialog = SyncFolderDialog(app.launcher.runner, app.launcher.reads, app.window)
        qtbot.addWidget(dialog)
        dialog.open()
        app.idle()
        dialog.folder.setText(str(share))
        dialog.look()
        app.idle()
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
        assert [dialog.table.item(r, 1).text() for r in range(2)] == ["Quầy 2 – Đất đai", "Quầy 3 – Hộ tịch"]
        assert [dialog.table.item(r, 3).text() for r in range(2)] == prints
        assert [dialog.table.item(r, 4).text() for r in range(2)] == ["chưa duyệt khóa"] * 2
        for row in range(2):  # the admin read each fingerprint with the officer at that counter
            dialog.table.setFocus()
            dialog.table.selectRow(row)
            press(dialog.approve_button, Qt.Key.Key_Space)
            app.idle()
            qtbot.waitUntil(lambda r=row: dialog.table.item(r, 4).text() == "đã duyệt", timeout=10000)
        dialog.number.setValue(2)
        assert dialog.verdict.kind == "error" and "Quầy 2 đã có máy khác dùng" in dialog.verdict.text()
        assert not dialog.save_button.isEnabled()
        dialog.number.setValue(1)
        assert dialog.verdict.kind == "ok" and "2 quầy khác" in dialog.verdict.text()
        type_text(dialog.name, "Quầy 1 – Một cửa")
        saved = []
        dialog.saved.connect(lambda: saved.append(True))
        dialog.saved.connect(app.window.sync_desk.sync_now)
        dialog.save_button.click()
        app.idle()
        assert saved
        _wait_synced(app)
        assert "3/3 quầy" in app.window.sync_label.text()
        with Session(session.path) as check:
            assert check.settings.sync_folder == str(share) and check.settings.station_name == "Quầy 1 – Một cửa"
    finally:
        app.launcher.close()


def test_the_admin_approves_a_counter_on_the_sync_page_and_its_dossiers_arrive(qtbot, session, preferences, tmp_path):
    share, other = _unit_with_share(tmp_path, session, approved=False)
    remote = intake.receive(other, "1.001193", "Hoàng Thị Hoa", at=now() - timedelta(minutes=5))
    sync.sync(other, share)
    fingerprint = keys.current(other).fingerprint
    app = launch(qtbot, session.path, preferences).wait_shown()
    try:
        _wait_synced(app)
        settings = app.window.settings
        app.screen(settings)
        settings.show_page(settings.sync_page)
        page = settings.sync_page
        page.load()
        app.idle()
        qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
        assert page.table.item(1, 4).text() == fingerprint and page.table.item(1, 5).text() == "chưa duyệt khóa"
        assert page.own_key.text().startswith(f"Mã khóa của máy này: {keys.current(session).fingerprint}")
        assert "1 quầy chưa được duyệt" in page.problem.text()
        assert f"quầy 2 chưa được duyệt khóa {fingerprint}" in app.window.sync_label.text()
        found = []
        app.launcher.runner.run(lambda s: s.db.execute("SELECT count(*) FROM dossiers").fetchone()[0],
                                done=found.append)
        app.idle()
        assert found == [0]  # nothing of an unapproved counter is taken
        assert not page.approve_button.isEnabled()
        page.table.setFocus()
        page.table.selectRow(1)
        assert page.approve_button.isEnabled() and fingerprint in page.message.text()
        press(page.approve_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: page.message.kind == "ok" and "Đã duyệt khóa" in page.message.text(), timeout=10000)
        qtbot.waitUntil(lambda: page.table.rowCount() == 2 and page.table.item(1, 5).text() == "đủ", timeout=20000)
        qtbot.waitUntil(lambda: "2/2 quầy" in app.window.sync_label.text(), timeout=20000)
        found.clear()
        app.launcher.runner.run(lambda s: s.db.execute("SELECT code FROM dossiers").fetchall(), done=found.append)
        app.idle()
        assert found == [[(remote.code,)]]
    finally:
        app.launcher.close()
        other.close()
