"""An admin edits one procedure of the catalogue in the window (issue 15)."""

from PySide6.QtCore import Qt

from counter import audit, catalogue
from tests.ui.helpers import press, type_text


def test_pick_change_and_save_one_procedure(app, session):
    screen = app.window.settings
    app.screen(screen)
    screen.edit_procedure()
    app.idle()
    dialog = screen.procedure_dialog
    type_text(dialog.picker.field, "chung thuc di chuc")
    press(dialog.picker.field, Qt.Key.Key_Return)
    assert dialog.procedure.code == "2.001019" and dialog.days.value() == 2
    assert dialog.days.hasFocus()
    dialog.days.setValue(4)
    dialog.fee.setValue(60000)
    dialog.documents.setPlainText("Phiếu yêu cầu chứng thực\nDự thảo di chúc\nGiấy tờ tùy thân")
    dialog.online.setCurrentIndex(dialog.online.findData("partial"))
    press(dialog.documents, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert dialog.message.kind == "ok", dialog.message.text()
    saved = catalogue.procedure(session, "2.001019")
    assert (saved.days, saved.fee, len(saved.documents), saved.online_level) == (4, 60000, 3, "partial")
    assert audit.recent(session, 1)[0]["action"] == "procedure_updated"
    # The intake's picker follows at once (the catalogue changed).
    app.screen(app.window.intake)
    type_text(app.window.intake.picker.field, "di chuc")
    assert "4 ngày làm việc" in app.window.intake.picker.matches.item(0).text()
    dialog.close()


def test_a_refused_change_says_why_and_keeps_the_dialog(app, session):
    screen = app.window.settings
    app.screen(screen)
    screen.edit_procedure()
    app.idle()
    dialog = screen.procedure_dialog
    type_text(dialog.picker.field, "2.001019")
    press(dialog.picker.field, Qt.Key.Key_Return)
    dialog.save()  # nothing changed
    app.idle()
    assert dialog.message.kind == "error" and "không có gì thay đổi" in dialog.message.text()
    dialog.close()


def test_only_an_admin_sees_the_button_enabled(app):
    screen = app.window.settings
    edit_one = screen.catalogue_actions[0]
    assert edit_one.text() == "Sửa một thủ tục…" and edit_one.isEnabled()  # set-up mode: everyone is admin
