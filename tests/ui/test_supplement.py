"""The supplement request picks the missing documents from the procedure's checklist, plus any
other, and the printed slip lists them (issue 15; ND 61/2018 art. 17, 19)."""

from PySide6.QtCore import Qt

from counter import dossiers, intake
from tests.ui.helpers import pdf_text, press, type_text


def test_tick_the_missing_documents_and_the_slip_lists_them(app, session, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path)
    dossier = intake.receive(session, "2.001019", "Hà Văn Long")  # chứng thực di chúc: two documents
    app.window.open_dossier(dossier.code)
    app.idle()
    view = app.window.dialogs[0]
    view.actions["supplement"].click()
    app.idle()
    dialog = view.reason_dialog
    checklist = dialog.checklist
    assert checklist.count() == 2 and checklist.item(1).text().startswith("2. ")
    checklist.setFocus()
    checklist.setCurrentRow(1)
    press(checklist, Qt.Key.Key_Space)  # ticked from the keyboard
    type_text(dialog.others, "Giấy xác nhận tình trạng sức khỏe")
    type_text(dialog.reason, "Người lập di chúc cần xuất trình giấy tờ tùy thân bản chính")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(made), timeout=20000)
    app.idle()
    assert view.message.kind == "ok", view.message.text()
    saved = dossiers.get(session, dossier.code)
    assert saved.status == "waiting_supplement"
    second = dialog.checklist.item(1).text()[3:]
    detail = dossiers.events(session, saved)[-1]["detail"]
    assert detail["missing"] == [second, "Giấy xác nhận tình trạng sức khỏe"]
    slip = " ".join(pdf_text(made[0][1], tmp_path).split())
    assert second in slip and "Giấy xác nhận tình trạng sức khỏe" in slip
    history = view.events.item(view.events.rowCount() - 1, 3).text()
    assert "giấy tờ cần bổ sung: " + second in history
    view.close()


def test_ticking_is_reason_enough_but_nothing_at_all_is_refused(app, session):
    dossier = intake.receive(session, "2.001019", "Hà Văn Long")
    app.window.open_dossier(dossier.code)
    app.idle()
    view = app.window.dialogs[0]
    view.step("supplement")
    app.idle()
    view.reason_dialog.accept()  # nothing ticked, nothing typed
    app.idle()
    assert view.message.kind == "error" and dossiers.get(session, dossier.code).status == "received"
    view.step("supplement")
    app.idle()
    view.reason_dialog.checklist.item(0).setCheckState(Qt.CheckState.Checked)
    view.reason_dialog.accept()
    app.idle()
    assert view.message.kind == "ok" and dossiers.get(session, dossier.code).status == "waiting_supplement"
    view.close()
