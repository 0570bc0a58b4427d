"""Every window and dialog fits a 1366×768 screen less its taskbar, 1366×728 (issue 15).

The windows are found in ui/ (every class deriving from QDialog or QMainWindow, directly or
through another), so a new dialog cannot be forgotten: each must have a way to be opened
here, with realistic content. Opened on the offscreen 1366×768 screen (tests/ui/conftest.py),
each must fit with room for its title bar, and every button and field it shows must lie inside
it (or inside a scroll area). The main window's screens must fit too, and grow at 1920×1080.
"""

import ast
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QScrollArea, QWidget

from counter import intake, lifecycle, sync
from counter.codes import MAX_WORKSTATION
from counter.session import Session
from ui.operations import Runner

ROOT = Path(__file__).resolve().parents[2]
USABLE = (1366, 728)  # 1366×768 less a 40-pixel taskbar
TITLE_BAR = 32
WINDOW_BASES = {"QDialog", "QMainWindow", "QPrintDialog", "QMessageBox", "QFileDialog"}


def windows_in_ui() -> set[str]:
    """The names of ui/'s classes that are windows or dialogs."""
    bases: dict[str, set[str]] = {}
    for path in (ROOT / "ui").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and parents & (WINDOW_BASES | found):
                found.add(name)
                changed = True
    return found


def settle(app) -> None:
    for _ in range(5):
        QApplication.processEvents()
    app.idle()


def check_fits(window: QWidget) -> None:
    name = type(window).__name__
    size, least = window.size(), window.minimumSizeHint()
    assert size.width() <= USABLE[0] and size.height() + TITLE_BAR <= USABLE[1], f"{name} is {size}"
    assert least.width() <= USABLE[0] and least.height() + TITLE_BAR <= USABLE[1], f"{name} needs {least}"
    inside = QRect(0, 0, size.width(), size.height())
    for child in window.findChildren(QWidget):
        if not isinstance(child, (QAbstractButton, QLineEdit)) or not child.isVisibleTo(window):
            continue
        if _in_scroll_area(child, window):
            continue
        place = QRect(child.mapTo(window, child.rect().topLeft()), child.size())
        assert inside.contains(place), f"{name}: «{getattr(child, 'text', lambda: '')()}» at {place} is off {inside}"


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.fixture
def dossier(session):
    made = intake.receive(session, "2.000815", "Nguyễn Thị Hồng Nhung", id_number="024190001234",
                          address="Thôn Đồng Sen, xã Tân Tiến, huyện Tân Yên, tỉnh Bắc Ninh")
    lifecycle.request_supplement(session, made.code, "Thiếu bản chính để đối chiếu")
    return made


def open_first_run(app, qtbot, tmp_path):
    from ui.first_run import FirstRunDialog

    runner = Runner(lambda: Session(tmp_path / "new.sqlite3"))
    dialog = FirstRunDialog(runner)
    dialog.message.error("Mã định danh đơn vị «000 00» không hợp lệ: chỉ gồm chữ, số, dấu chấm và gạch ngang, "
                         "ví dụ 000.00.53.H48. Hãy sửa rồi bấm «Bắt đầu làm việc».")
    yield dialog
    runner.stop()


def open_login(app, qtbot, tmp_path):
    from ui.login import LoginDialog

    dialog = LoginDialog(app.launcher.runner, "UBND xã Tân Tiến", "lan.tt")
    dialog.message.error("Sai tên đăng nhập hoặc mật khẩu. Còn 4 lần thử trước khi tài khoản bị khóa 15 phút.")
    yield dialog


def open_password(app, qtbot, tmp_path):
    from ui.login import PasswordDialog

    yield PasswordDialog("Đổi mật khẩu của lan.tt", ask_current=True)


def open_reason(app, qtbot, tmp_path):
    from ui.widgets import ReasonDialog

    yield ReasonDialog("Từ chối giải quyết hồ sơ", "Lý do")


def open_dossier(app, qtbot, tmp_path, dossier):
    app.window.open_dossier(dossier.code)
    settle(app)
    yield app.window.dialogs[0]


def open_preview(app, qtbot, tmp_path, dossier):
    previews = []
    app.window.printer.previewed.connect(previews.append)
    app.window.printer.form("receipt", dossier.code)
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    yield previews[0]


def open_ledger_preview(app, qtbot, tmp_path, dossier):
    previews = []
    app.window.printer.previewed.connect(previews.append)
    app.window.printer.ledger(date.today().replace(day=1), date.today())
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    yield previews[0]


def open_citizen(app, qtbot, tmp_path):
    from ui.citizen_screen import CitizenWindow

    window = CitizenWindow("UBND xã Tân Tiến")
    window.ask("000.00.53.H48-260804-0001", "Nguyễn Thị Hồng Nhung",
               "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp hoặc chứng nhận")
    window.choose("unsatisfied")  # the taller page: the reasons to tick
    yield window


def open_scan(app, qtbot, tmp_path):
    from counter.scans import Scan
    from tests.ui.test_scan_viewer import pdf_file
    from ui.scan_viewer import ScanViewer

    yield ScanViewer(Scan("to-khai.pdf", pdf_file(tmp_path / "to-khai.pdf").read_bytes()), "giấy tờ 1")


def open_procedure(app, qtbot, tmp_path):
    from ui.procedure_editor import ProcedureDialog

    dialog = ProcedureDialog(app.launcher.runner)
    app.idle()
    dialog.picker.field.setText("chung thuc")
    dialog.picker.filter("chung thuc")
    dialog.picker.field.returnPressed.emit()
    yield dialog


def open_supplement(app, qtbot, tmp_path):
    from counter import catalogue
    from ui.supplement_dialog import SupplementDialog

    longest = max(catalogue.read_catalogue(catalogue.STARTER), key=lambda p: len(p.documents))
    yield SupplementDialog(longest.documents)


def open_recomputed(app, qtbot, tmp_path):
    from ui.recomputed import RecomputedDialog

    changed = [{"code": f"000.00.53.H48-261201-{n:04d}", "old_due_at": "2026-12-16T07:30:00",
                "new_due_at": "2026-12-17T07:30:00", "new_appointment_at": "2026-12-18T07:30:00"}
               for n in range(1, 40)]
    yield RecomputedDialog(changed, app.window.printer)


def open_sync_folder(app, qtbot, tmp_path):
    """The folder dialog with the most counters a unit may have (workstations 1-20) found in its share."""
    from tests.counter.sync_helpers import station
    from ui.sync_dialog import SyncFolderDialog

    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "c").mkdir()
    for k in range(2, MAX_WORKSTATION + 1):
        with station(tmp_path / "c", k, catalogue_too=False, name=f"Quầy {k} – Đất đai, xây dựng, tài nguyên") as c:
            sync.sync(c, share)
    dialog = SyncFolderDialog(app.launcher.runner, app.launcher.reads, app.window)
    app.idle()
    dialog.folder.setText(str(share))
    dialog.look()
    app.idle()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == MAX_WORKSTATION - 1, timeout=20000)
    yield dialog


def open_main(app, qtbot, tmp_path):
    """Maximised it fills the screen; a real screen keeps its taskbar out of that."""
    app.window.showNormal()
    app.window.resize(USABLE[0], USABLE[1] - TITLE_BAR)
    yield app.window


OPENERS = {
    "FirstRunDialog": open_first_run, "LoginDialog": open_login, "PasswordDialog": open_password,
    "ReasonDialog": open_reason, "DossierDialog": open_dossier, "PreviewDialog": open_preview,
    "MainWindow": open_main, "CitizenWindow": open_citizen, "ScanViewer": open_scan, "ProcedureDialog": open_procedure,
    "SupplementDialog": open_supplement, "RecomputedDialog": open_recomputed, "SyncFolderDialog": open_sync_folder,
}
EXTRA = {"ledger preview": open_ledger_preview}


def test_every_window_of_ui_has_an_opener_here():
    assert windows_in_ui() == set(OPENERS), "add the new window or dialog to OPENERS"


@pytest.mark.parametrize("name", sorted(OPENERS) + sorted(EXTRA))
def test_it_fits_1366_by_728(name, app, qtbot, tmp_path, request):
    opener = OPENERS.get(name) or EXTRA[name]
    arguments = [app, qtbot, tmp_path]
    if "dossier" in opener.__code__.co_varnames[:opener.__code__.co_argcount]:
        arguments.append(request.getfixturevalue("dossier"))
    opened = opener(*arguments)
    window = next(opened)
    if not window.isVisible():
        window.show()
    qtbot.waitExposed(window)
    settle(app)
    check_fits(window)
    if window is not app.window:
        window.close()
    opened.close()


def test_the_main_window_opens_maximised_and_every_screen_fits(app):
    window = app.window
    assert window.isMaximized()
    window.showNormal()
    window.resize(USABLE[0], USABLE[1] - TITLE_BAR)
    for screen, label in window.screens:
        app.screen(screen)
        settle(app)
        check_fits(window)
        least = screen.minimumSizeHint()
        assert least.height() <= screen.height() and least.width() <= screen.width(), label


def test_at_1920_by_1080_the_screens_use_the_room(app):
    window = app.window
    window.showNormal()
    window.resize(1920, 1050)
    app.screen(window.list)
    settle(app)
    assert window.list.table.view.width() > 1800
    app.screen(window.intake)
    settle(app)
    assert window.intake.documents.width() > 1800 and window.intake.documents.height() > 450


def test_the_window_remembers_the_officer_s_choice(app, qtbot, preferences):
    from tests.ui.conftest import launch

    window = app.window
    window.showNormal()
    window.resize(1100, 650)
    settle(app)
    assert not preferences.maximized
    window.close()
    app.launcher.close()
    again = launch(qtbot, app.launcher.path, preferences).wait_shown()
    try:
        assert not again.window.isMaximized() and again.window.size().width() == 1100
    finally:
        again.launcher.close()
