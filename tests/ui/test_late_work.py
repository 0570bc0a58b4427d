"""The late-work panel: an overdue dossier's apology written, saved and printed, once."""

from datetime import timedelta

from PySide6.QtCore import Qt

from counter import dossiers, intake
from counter.clock import now
from tests.ui.helpers import pdf_text, press, type_text

REASON = "Cần xác minh thêm thông tin tại nơi cư trú trước đây"


def overdue(session, name="Hoàng Thị Thủy"):
    """A dossier of a 10-working-day procedure received three weeks ago, still open."""
    return intake.receive(session, "1.001776", name, at=now() - timedelta(days=21))


def test_apology_is_saved_printed_and_allowed_once(app, session, qtbot, tmp_path):
    dossier = overdue(session)
    made = app.printed_to_file(tmp_path)
    screen = app.window.late
    app.screen(screen)
    assert screen.select_code(dossier.code)
    assert screen.apology_button.isEnabled()
    type_text(screen.reason, REASON)
    suggested = screen.new_due.dateTime()
    press(screen.reason, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(made), timeout=20000)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    saved = dossiers.get(session, dossier.code)
    assert saved.apology_at is not None and saved.apology_reason == REASON
    assert saved.appointment_at.date().isoformat() == suggested.date().toString("yyyy-MM-dd")
    title, data = made[0]
    assert "xin lỗi" in title and dossier.code in title
    text = pdf_text(data, tmp_path)
    assert dossier.code in text and REASON in text
    assert (tmp_path / "printed-1.pdf").read_bytes().startswith(b"%PDF")
    # Once per dossier: the panel now offers only a reprint.
    assert screen.select_code(dossier.code)
    assert not screen.apology_button.isEnabled() and screen.reprint_button.isEnabled()
    assert "một lần" in screen.state.text()
    screen.reprint()
    qtbot.waitUntil(lambda: len(made) == 2, timeout=20000)


def test_apology_preview_draws_the_same_pdf(app, session, qtbot):
    dossier = overdue(session, "Đinh Công Lộc")
    screen = app.window.late
    app.screen(screen)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    made = []
    app.window.printer.ready.connect(lambda title, data: made.append(data))
    assert screen.select_code(dossier.code)
    type_text(screen.reason, "Cơ quan phối hợp chưa có văn bản trả lời")
    press(screen.reason, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    dialog = previews[0]
    assert dialog.isVisible() and dialog.pages.data == made[0] and dialog.pages.count >= 1
    dialog.reject()


def test_a_refused_apology_says_why(app, session):
    dossier = overdue(session, "Bùi Thanh Hoa")
    screen = app.window.late
    app.screen(screen)
    assert screen.select_code(dossier.code)
    press(screen.reason, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # no reason given
    app.idle()
    assert screen.message.kind == "error" and "lý do" in screen.message.text()
    assert dossiers.get(session, dossier.code).apology_at is None and screen.apology_button.isEnabled()
