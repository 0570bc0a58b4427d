"""Intake end to end through the real widgets, typed key by key, Vietnamese included."""

from PySide6.QtCore import Qt

from counter import dossiers, intake
from counter.session import Session
from tests.ui.helpers import pdf_text, press, type_text

NAME = "Nguyễn Thị Hồng Nhung"
ADDRESS = "Thôn Đồng Sen, xã Tân Tiến"


def test_intake_typed_with_the_keyboard_saves_and_prints_the_receipt(app, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path)
    screen = app.window.intake
    app.screen(screen)
    # Part of the name without diacritics picks "Đăng ký khai sinh".
    type_text(screen.picker.field, "dang ky khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    assert screen.procedure.name == "Đăng ký khai sinh"
    assert screen.documents.rowCount() == len(screen.procedure.documents) > 0
    assert screen.id_number.hasFocus()
    type_text(screen.id_number, "024190001234")
    press(screen.id_number, Qt.Key.Key_Tab)
    type_text(screen.phone, "0912 345 678")
    type_text(screen.name, NAME)
    type_text(screen.address, ADDRESS)
    press(screen.address, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(made), timeout=20000)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    code = screen.last.code
    assert code in screen.message.text()
    with Session(app.launcher.path) as check:
        saved = dossiers.get(check, code)
    assert saved.applicant_name == NAME
    assert saved.id_number == "024190001234" and saved.phone == "0912345678"
    assert saved.address == ADDRESS and saved.officer == "Trần Thị Lan"
    assert [d.name for d in saved.documents] == ["Tờ khai đăng ký khai sinh",
                                                 "Giấy chứng sinh hoặc giấy tờ thay thế"]
    title, data = made[0]
    assert code in title
    assert NAME in pdf_text(data, tmp_path)
    assert (tmp_path / "printed-1.pdf").read_bytes().startswith(b"%PDF")  # what the printer received
    # The form is blank again, ready for the next citizen.
    assert screen.name.text() == "" and app.window.focusWidget() is screen.picker.field


def test_returning_applicant_is_recognised_and_earlier_scans_offered(app, session, qtbot, tmp_path):
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    first = intake.receive(session, "1.001193", "Lê Văn Đức", id_number="024190009999", phone="0987654321",
                           address="Thôn Đoài", documents=[intake.DocumentInput("Tờ khai đăng ký khai sinh",
                                                                                file=scan)])
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "1.001193")  # by its code this time
    press(screen.picker.field, Qt.Key.Key_Return)
    assert screen.procedure.code == "1.001193"
    type_text(screen.id_number, "024190009999")
    press(screen.id_number, Qt.Key.Key_Tab)
    app.idle()
    assert screen.name.text() == "Lê Văn Đức" and screen.address.text() == "Thôn Đoài"
    assert screen.applicant_note.kind == "note"
    scans = screen.documents.cellWidget(0, 3)
    assert first.code in scans.currentText()  # the same document from the earlier dossier, chosen already
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    saved = dossiers.get(session, screen.last.code)
    assert saved.reused and saved.documents[0].file_sha256 == first.documents[0].file_sha256


def test_refused_intake_says_why_and_keeps_the_form(app, qtbot):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "ket hon")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.id_number, "12345")
    type_text(screen.name, "Đỗ Văn Hùng")
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "error"
    assert "CCCD" in screen.message.text()
    assert screen.id_number.text() == "12345" and screen.save_button.isEnabled()


def test_an_appointment_in_a_provisional_year_is_shown_as_a_forecast(app, qtbot, tmp_path, monkeypatch):
    # Issue 11: 2027 has no official calendar yet; the officer sees "(dự kiến)" beside the appointment.
    from datetime import datetime

    monkeypatch.setattr(intake, "now", lambda: datetime(2027, 3, 1, 9, 0))
    made = app.printed_to_file(tmp_path)
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "chung thuc di chuc")
    press(screen.picker.field, Qt.Key.Key_Return)
    assert screen.procedure.code == "2.001019"
    type_text(screen.name, NAME)
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(made), timeout=20000)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    assert screen.message.text().endswith("hẹn trả kết quả 09:00 ngày 03/03/2027 (dự kiến).")
    assert "ngày 03 tháng 3 năm 2027 (dự kiến)" in " ".join(pdf_text(made[0][1], tmp_path).split())


def test_birth_date_sex_and_an_authorised_representative_are_stored(app, session, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path)
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, "Lò Thị Xuân")
    type_text(screen.birth_date, "07/11/1988")
    screen.sex.setCurrentIndex(screen.sex.findData("Nữ"))
    type_text(screen.proxy_name, "Lò Văn Sáng")
    type_text(screen.proxy_id, "011088001234")
    type_text(screen.proxy_phone, "0912000111")
    press(screen.proxy_phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(made), timeout=20000)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    saved = dossiers.get(session, screen.last.code)
    assert (saved.birth_date, saved.sex) == ("1988-11-07", "nu")
    assert (saved.representative_name, saved.representative_id, saved.representative_phone) == (
        "Lò Văn Sáng", "011088001234", "0912000111")
    assert "Lò Văn Sáng" in " ".join(pdf_text(made[0][1], tmp_path).split())  # the 2025 receipt names them


def test_a_birth_date_that_is_no_date_is_refused(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, "Lò Thị Xuân")
    type_text(screen.birth_date, "31/02/1988")
    press(screen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "error" and "Ngày sinh" in screen.message.text()
