"""A chip-based CCCD scanned into the intake screen (issue 15).

The 2D scanner types the card's QR code and Enter into whatever field has the cursor, as a
keyboard would (tests/ui/helpers.py: type_text sends one key per character). The applicant's
fields fill, the cursor goes to the first empty one, a returning citizen's details and scans
are offered at once; a bad or partial code says so and fills nothing.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter import dossiers, intake
from tests.ui.helpers import press, type_text
from tests.ui.test_printing import enter, preview_of, print_dialog_of

CARD = "024190001234|125678901|Nguyễn Thị Hồng Nhung|05031990|Nữ|Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh|12072021"


class Keys:
    """The officer's key presses, counted: a chord (Ctrl+S) counts each key held."""

    def __init__(self):
        self.count = 0

    def type(self, widget, text: str) -> None:
        type_text(widget, text)
        self.count += len(text)

    def press(self, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        press(widget, key, modifier)
        self.count += 1 + (modifier != Qt.KeyboardModifier.NoModifier)

    def enter(self, widget) -> None:
        enter(widget)
        self.count += 1


def scan(widget, payload: str = CARD, with_enter: bool = True) -> None:
    """What the scanner types into the focused field."""
    type_text(widget, payload)
    if with_enter:
        press(widget, Qt.Key.Key_Return)


def test_a_new_citizen_with_a_cccd_in_at_most_15_key_presses(app, session, qtbot, tmp_path):
    made = app.printed_to_file(tmp_path, direct=False)
    previews = []
    app.window.printer.previewed.connect(previews.append)
    screen = app.window.intake
    app.screen(screen)
    assert QApplication.focusWidget() is screen.picker.field
    scan(screen.picker.field)
    app.idle()
    assert screen.id_number.text() == "024190001234" and screen.name.text() == "Nguyễn Thị Hồng Nhung"
    assert screen.address.text() == "Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh"
    assert screen.birth_date.text() == "05/03/1990" and screen.sex.currentData() == "Nữ"
    assert screen.picker.field.text() == ""  # the scanned digits went nowhere
    assert QApplication.focusWidget() is screen.picker.field  # the first empty field: the procedure
    keys = Keys()
    keys.type(screen.picker.field, "khai sinh")
    keys.press(screen.picker.field, Qt.Key.Key_Return)
    assert screen.procedure.name == "Đăng ký khai sinh"
    assert QApplication.focusWidget() is screen.phone  # the card has no phone
    keys.press(screen.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    preview = preview_of(app, qtbot, previews)
    keys.enter(preview)
    keys.enter(print_dialog_of(qtbot, preview))
    qtbot.waitUntil(lambda: (tmp_path / "printed-1.pdf").exists(), timeout=20000)
    app.idle()
    saved = dossiers.get(session, screen.last.code)
    assert (saved.id_number, saved.applicant_name) == ("024190001234", "Nguyễn Thị Hồng Nhung")
    assert saved.address == "Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh" and made
    assert (saved.birth_date, saved.sex) == ("1990-03-05", "nu")  # the card's date of birth and sex, stored
    print(f"\nkey presses after the scan, receipt printed: {keys.count}")
    assert keys.count <= 15


def test_a_scan_into_the_name_field_takes_its_digits_back(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "ket hon")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.name, "Ng")  # the officer had begun typing
    scan(screen.name)
    app.idle()
    assert screen.name.text() == "Nguyễn Thị Hồng Nhung" and screen.id_number.text() == "024190001234"
    assert QApplication.focusWidget() is screen.phone


def test_a_scan_into_the_cccd_field_and_a_scanner_without_enter(app, qtbot):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "ket hon")
    press(screen.picker.field, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.id_number
    scan(screen.id_number, with_enter=False)  # the code ends with a pause
    qtbot.waitUntil(lambda: screen.name.text() == "Nguyễn Thị Hồng Nhung", timeout=3000)
    assert screen.id_number.text() == "024190001234"


def test_a_returning_citizen_is_offered_their_details_and_scans_at_once(app, session, tmp_path):
    scan_file = tmp_path / "to-khai.pdf"
    scan_file.write_bytes(b"%PDF-1.4 scan")
    first = intake.receive(session, "1.001193", "Nguyễn Thị Hồng Nhung", id_number="024190001234",
                           phone="0912345678", email="nhung@example.vn",
                           documents=[intake.DocumentInput("Tờ khai đăng ký khai sinh", file=scan_file)])
    screen = app.window.intake
    app.screen(screen)
    scan(screen.picker.field)
    app.idle()
    assert screen.phone.text() == "0912345678" and screen.email.text() == "nhung@example.vn"
    assert screen.applicant_note.kind == "note" and "có thể dùng lại" in screen.applicant_note.text()
    type_text(screen.picker.field, "khai sinh")
    press(screen.picker.field, Qt.Key.Key_Return)
    assert first.code in screen.documents.cellWidget(0, 3).currentText()  # the earlier scan, chosen
    assert QApplication.focusWidget() is screen.documents  # nothing left to type


def test_a_bad_or_partial_code_says_so_and_fills_nothing(app, qtbot):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "ket hon")
    press(screen.picker.field, Qt.Key.Key_Return)
    type_text(screen.phone, "0987")
    scan(screen.phone, CARD.rsplit("|", 3)[0])  # cut short: four fields of seven
    app.idle()
    assert screen.applicant_note.kind == "error" and "có 4 phần thay vì 7" in screen.applicant_note.text()
    assert (screen.phone.text(), screen.id_number.text(), screen.name.text(), screen.address.text()) == (
        "0987", "", "", "")
    scan(screen.phone, CARD.replace("05031990", "31021990"))  # a date that does not exist
    app.idle()
    assert "không có thật" in screen.applicant_note.text() and screen.name.text() == ""


def test_typing_digits_and_a_bar_by_hand_is_not_a_card(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.address, "Số 12|3 ngõ Chợ")  # fewer than nine digits before the bar
    assert screen.address.text() == "Số 12|3 ngõ Chợ" and not screen.scanner.reading


def test_the_cccd_field_takes_digits_only(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.id_number, "0241a9-0 001 234 99")
    assert screen.id_number.text() == "024190001234"  # letters, dashes and spaces refused, 12 at most
