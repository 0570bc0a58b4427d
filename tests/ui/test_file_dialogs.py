"""The file dialog for a scan opens in the scan folder (default: Documents), as the window's child,
so the drop box's dashed style cannot reach it (issue 15)."""

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from ui.widgets import FileDrop


def test_scans_are_picked_from_the_scan_folder_by_the_window(app, tmp_path, monkeypatch, preferences):
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda parent, title, folder, kinds: asked.append((parent, folder)) or ("", "")))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert preferences.scan_dir == documents  # nothing chosen yet
    screen = app.window.returns
    app.screen(screen)
    screen.drop.pick()
    assert asked[-1] == (app.window, documents)
    preferences.scan_dir = str(tmp_path / "may-quet")
    app.screen(app.window.digitization)
    drop = FileDrop(preferences=preferences, parent=app.window.digitization)
    drop.pick()
    assert asked[-1] == (app.window, str(tmp_path / "may-quet"))


def test_the_drop_box_s_style_is_its_own():
    drop = FileDrop()
    assert drop.objectName() == "drop" and "QLabel" not in drop.styleSheet()
    assert drop.styleSheet().startswith("#drop {")


def test_the_scan_folder_is_chosen_in_the_settings(app, tmp_path, monkeypatch, preferences):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(tmp_path / "quet")))
    screen = app.window.settings
    app.screen(screen)
    screen.choose_scan_folder()
    assert preferences.scan_dir == str(tmp_path / "quet") and str(tmp_path / "quet") in screen.scan_folder.text()
    screen.citizen_screen.setChecked(False)
    assert preferences.citizen_screen is False
