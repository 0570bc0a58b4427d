"""After the end-of-day export: its folder, and a copy onto a USB drive checked (issue 15)."""

from datetime import timedelta
from pathlib import Path

from PySide6.QtGui import QDesktopServices

from counter import intake, usb
from counter.clock import now


def exported(app, session, tmp_path):
    intake.receive(session, "1.001193", "Đặng Thu Thảo", at=now() - timedelta(minutes=10))
    app.launcher.preferences.export_dir = str(tmp_path / "xuat")
    screen = app.window.today
    app.screen(screen)
    assert not screen.after_export.isVisible()
    screen.export()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    return screen


def test_the_export_is_copied_to_the_usb_drive_and_read_back(app, session, tmp_path, monkeypatch):
    stick = tmp_path / "media" / "USB KHO"
    stick.mkdir(parents=True)
    monkeypatch.setattr(usb, "removable_drives", lambda: [usb.Drive(stick, "USB KHO", 8 << 30)])
    screen = exported(app, session, tmp_path)
    assert screen.after_export.isVisible()
    app.idle()
    assert screen.drives.currentData() == str(stick) and screen.drives.currentText().startswith("USB KHO (8,0 GB")
    screen.copy_button.click()
    app.idle()
    source = Path(screen.exported)
    assert (stick / source.name).read_bytes() == source.read_bytes()
    assert screen.message.kind == "ok" and "SHA-256" in screen.message.text()


def test_no_drive_says_to_plug_one_in(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(usb, "removable_drives", lambda: [])
    screen = exported(app, session, tmp_path)
    app.idle()
    assert "cắm USB" in screen.drives.currentText() and not screen.copy_button.isEnabled()


def test_open_folder_shows_the_export_s_folder(app, session, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    monkeypatch.setattr(usb, "removable_drives", lambda: [])
    screen = exported(app, session, tmp_path)
    screen.open_folder.click()
    assert opened == [str(Path(screen.exported).parent)] and opened[0] == str(tmp_path / "xuat")
