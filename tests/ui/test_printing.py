"""Printing from the keyboard, on the form's own paper (issue 15).

The preview opens after Ctrl+S; Enter (or Ctrl+P) opens the print dialog, whose Enter prints;
Esc closes. The printer here is a PDF file, so what reached it can be read back: its page size
must be the form's (A5 slips, A4 landscape ledger) even when the print dialog hands back A4,
as Windows drivers do.
"""

from datetime import date

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication

from counter import intake
from tests.ui.helpers import press, type_text
from ui.print_preview import PdfPages, PreviewDialog

A5 = QPageSize(QPageSize.PageSizeId.A5)
A4 = QPageSize(QPageSize.PageSizeId.A4)


def preview_of(app, qtbot, previews: list) -> PreviewDialog:
    qtbot.waitUntil(lambda: bool(previews) and previews[-1].isVisible(), timeout=20000)
    return previews[-1]


def print_dialog_of(qtbot, preview: PreviewDialog) -> QPrintDialog:
    qtbot.waitUntil(lambda: preview.print_dialog is not None and preview.print_dialog.isVisible())
    return preview.print_dialog


def enter(widget) -> None:
    """Enter as the officer presses it: into whatever has the keyboard focus in `widget`'s window."""
    target = QApplication.focusWidget() if widget.isAncestorOf(QApplication.focusWidget() or widget) else widget
    press(target or widget, Qt.Key.Key_Return)


def paper_of(path) -> tuple[float, float]:
    size = PdfPages(path.read_bytes()).points(0)
    return round(size.width()), round(size.height())


def test_after_ctrl_s_the_receipt_prints_without_the_mouse(app, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path, direct=False)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    printed = []
    app.window.printer.printed.connect(lambda title, pages: printed.append(pages))
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, "Lò Văn Páo")
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    preview = preview_of(app, qtbot, previews)
    assert preview.windowTitle().startswith("Xem trước khi in — Giấy tiếp nhận")
    enter(preview)  # the preview's Enter opens the print dialog ...
    dialog = print_dialog_of(qtbot, preview)
    enter(dialog)  # ... and the dialog's Enter prints
    qtbot.waitUntil(lambda: bool(printed), timeout=20000)
    assert not preview.isVisible() and printed == [preview.pages.count]
    out = tmp_path / "printed-1.pdf"
    assert PdfPages(out.read_bytes()).count == preview.pages.count
    assert paper_of(out) == (round(preview.pages.points(0).width()), round(preview.pages.points(0).height()))
    assert made[0][0].startswith("Giấy tiếp nhận")


def test_ctrl_p_prints_and_esc_closes_without_printing(app, session, qtbot, tmp_path):
    app.printed_to_file(tmp_path, direct=False)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    printed = []
    app.window.printer.printed.connect(lambda title, pages: printed.append(title))
    dossier = intake.receive(session, "1.001193", "Hà Thị Mai")
    app.window.printer.form("receipt", dossier.code)
    preview = preview_of(app, qtbot, previews)
    press(preview, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    app.idle()
    assert printed == [] and not (tmp_path / "printed-1.pdf").exists()
    app.window.printer.form("receipt", dossier.code)
    preview = preview_of(app, qtbot, previews)
    press(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = print_dialog_of(qtbot, preview)
    enter(dialog)
    qtbot.waitUntil(lambda: bool(printed), timeout=20000)
    assert (tmp_path / "printed-2.pdf").read_bytes().startswith(b"%PDF")


def test_a_slip_keeps_its_a5_paper_when_the_print_dialog_hands_back_a4(app, session, qtbot, tmp_path):
    app.printed_to_file(tmp_path, direct=False)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    printed = []
    app.window.printer.printed.connect(lambda title, pages: printed.append(title))
    dossier = intake.receive(session, "1.001193", "Vi Văn Thắng")
    from counter import lifecycle

    lifecycle.request_supplement(session, dossier.code, "Thiếu giấy chứng sinh")
    app.window.printer.form("supplement", dossier.code)
    preview = preview_of(app, qtbot, previews)
    assert preview.printer.pageLayout().pageSize().isEquivalentTo(A5)
    press(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = print_dialog_of(qtbot, preview)
    # What a Windows driver does: the dialog comes back with the driver's default paper.
    dialog.accepted.connect(lambda: preview.printer.setPageLayout(
        QPageLayout(A4, QPageLayout.Orientation.Portrait, QMarginsF(10, 10, 10, 10))))
    enter(dialog)
    qtbot.waitUntil(lambda: bool(printed), timeout=20000)
    layout = preview.printer.pageLayout()
    assert layout.pageSize().isEquivalentTo(A5) and layout.orientation() == QPageLayout.Orientation.Portrait
    assert paper_of(tmp_path / "printed-1.pdf") == (420, 595)  # A5 in points


def test_the_ledger_keeps_a4_landscape_after_the_print_dialog(app, session, qtbot, tmp_path):
    app.printed_to_file(tmp_path, direct=False)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    printed = []
    app.window.printer.printed.connect(lambda title, pages: printed.append(title))
    intake.receive(session, "1.001193", "Lục Thị Hoa")
    app.window.printer.ledger(date.today().replace(day=1), date.today())
    preview = preview_of(app, qtbot, previews)
    press(preview, Qt.Key.Key_Return)
    dialog = print_dialog_of(qtbot, preview)
    dialog.accepted.connect(lambda: preview.printer.setPageLayout(
        QPageLayout(A4, QPageLayout.Orientation.Portrait, QMarginsF(10, 10, 10, 10))))
    enter(dialog)
    qtbot.waitUntil(lambda: bool(printed), timeout=20000)
    layout = preview.printer.pageLayout()
    assert layout.pageSize().isEquivalentTo(A4) and layout.orientation() == QPageLayout.Orientation.Landscape
    assert paper_of(tmp_path / "printed-1.pdf") == (842, 595)  # A4 landscape in points
