"""Returning a result by scanning the receipt's barcode (the scanner types the code and Enter)."""

from datetime import timedelta

from PySide6.QtCore import Qt

from counter import dossiers, intake, lifecycle
from counter.clock import now
from tests.ui.helpers import press, type_text


def received(session, name="Phạm Thị Thu Hà", hours_ago=30):
    return intake.receive(session, "1.001193", name, id_number="024188001122",
                          at=now() - timedelta(hours=hours_ago))


def test_scan_opens_the_dossier_and_ctrl_enter_returns_it_with_a_rating(app, session, tmp_path):
    dossier = received(session)
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=2))
    screen = app.window.returns
    app.screen(screen)
    assert app.window.focusWidget() is screen.scan
    type_text(screen.scan, dossier.code.lower())  # scanners may send lower case
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.dossier.code == dossier.code and screen.return_box.isEnabled()
    assert "Phạm Thị Thu Hà" in screen.summary.text()
    type_text(screen.receiver, "Phạm Văn Bình")
    screen.rating.setCurrentIndex(screen.rating.findData("very-satisfied"))
    screen.channel.setCurrentIndex(screen.channel.findData("postal"))
    press(screen.receiver, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    done = dossiers.get(session, dossier.code)
    assert done.status == "returned" and done.returned_to == "Phạm Văn Bình"
    assert done.rating == "very-satisfied" and done.return_channel == "postal"
    # Ready for the next citizen: the scan field is empty and has the cursor.
    assert screen.scan.text() == "" and app.window.focusWidget() is screen.scan


def test_result_file_recorded_then_returned_in_one_step(app, session, tmp_path):
    dossier = received(session, "Vũ Đình Trọng")
    result = tmp_path / "trich-luc.pdf"
    result.write_bytes(b"%PDF-1.4 result")
    screen = app.window.returns
    app.screen(screen)
    type_text(screen.scan, dossier.code)
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.result_box.isEnabled()
    screen.drop.dropped.emit(str(result))
    press(screen.scan, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    done = dossiers.get(session, dossier.code)
    assert done.status == "returned" and done.result_digitized and done.returned_to == "Vũ Đình Trọng"


def test_unknown_code_is_refused_in_vietnamese(app):
    screen = app.window.returns
    app.screen(screen)
    type_text(screen.scan, "000.00.53.H48-990101-0001")
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.message.kind == "error" and "Không tìm thấy hồ sơ" in screen.message.text()
    assert screen.dossier is None and not screen.return_box.isEnabled()


def test_a_returned_dossier_has_nothing_left_to_return(app, session):
    dossier = received(session)
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=3))
    lifecycle.return_result(session, dossier.code, at=now() - timedelta(hours=1))
    screen = app.window.returns
    app.screen(screen)
    type_text(screen.scan, dossier.code)
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.message.kind == "note" and not screen.return_box.isEnabled()


def test_an_unknown_code_clears_the_previous_citizen(app, session):
    dossier = received(session)
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=2))
    screen = app.window.returns
    app.screen(screen)
    type_text(screen.scan, dossier.code)
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.dossier.code == dossier.code and "Phạm Thị Thu Hà" in screen.summary.text()
    screen.scan.selectAll()
    type_text(screen.scan, "000.00.53.H48-990101-0001")
    press(screen.scan, Qt.Key.Key_Return)
    app.idle()
    assert screen.message.kind == "error" and screen.dossier is None
    assert "Phạm Thị Thu Hà" not in screen.summary.text() and not screen.return_box.isEnabled()
