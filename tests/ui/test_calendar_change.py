"""A calendar change from the settings screen lists the open dossiers whose due date moved, and
prints their new appointment (issue 11 §1)."""

from datetime import timedelta

from PySide6.QtCore import QDate

from counter import dossiers, intake
from counter.clock import now
from printing.vietnamese import moment
from tests.ui.helpers import pdf_text, type_text


def _counted_weekday(session, dossier):
    day = dossier.clock_start_at.date() + timedelta(days=1)
    while day.weekday() >= 5 or day in session.calendar.official or not session.calendar.is_working(day):
        day += timedelta(days=1)
    assert day <= dossier.due_at.date()
    return day


def test_a_day_off_in_the_counted_days_lists_the_dossier_and_prints_its_new_appointment(app, session, tmp_path):
    dossier = intake.receive(session, "1.004873", "Nguyễn Văn An", at=now() - timedelta(minutes=5))
    untouched = intake.receive(session, "1.001193", "Lê Thị Bình", at=now() - timedelta(minutes=4))
    day = _counted_weekday(session, dossier)
    made = app.printed_to_file(tmp_path)
    screen = app.window.settings
    app.screen(screen)
    screen.day.setDate(QDate(day.year, day.month, day.day))
    screen.day_kind.setCurrentIndex(0)
    type_text(screen.day_reason, "Nghi theo quyet dinh cua UBND tinh")
    screen.add_day()
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    dialog = screen.recomputed
    assert dialog.isVisible() and dialog.table.rowCount() == 1
    moved = dossiers.get(session, dossier.code)
    assert moved.due_at > dossier.due_at and moved.appointment_at == moved.due_at
    assert dialog.table.item(0, 0).text() == dossier.code
    assert dialog.table.item(0, 2).text().startswith(moved.due_at.strftime("%H:%M %d/%m/%Y"))
    assert dialog.selected_codes() == [dossier.code] and untouched.code not in dialog.selected_codes()
    dialog.print_button.click()
    app.idle()
    app.qtbot.waitUntil(lambda: len(made) == 1)
    title, data = made[0]
    text = " ".join(pdf_text(data, tmp_path).split())
    assert moment(moved.appointment_at) in text and moment(dossier.appointment_at) not in text
