"""F6 on the audit page checks every dossier against its history, as the CLI's `check` does."""

from PySide6.QtCore import Qt

from counter.session import Session
from tests.counter.helpers import receive


def test_f6_names_a_dossier_whose_row_was_edited_in_the_file(app, qtbot, session):
    dossier = receive(session, "2025-03-03 09:00")
    settings = app.window.settings
    app.screen(settings)
    settings.show_page(settings.audit)
    app.idle()
    qtbot.mouseClick(settings.audit.check_button, Qt.MouseButton.LeftButton)
    app.idle(timeout=60000)
    assert "mọi hồ sơ khớp với quá trình xử lý" in settings.audit.message.text()
    with Session(session.path) as other:
        other.db.execute("UPDATE dossiers SET status = 'returned' WHERE code = ?", [dossier.code])
    settings.audit.setFocus()
    qtbot.keyClick(settings.audit, Qt.Key.Key_F6)
    app.idle(timeout=60000)
    text = settings.audit.message.text()
    assert "Kiểm tra phát hiện vấn đề" in text and f"Hồ sơ {dossier.code}: dữ liệu khác với quá trình xử lý" in text
    assert settings.audit.check_button.isEnabled()
