"""The procedure picker's order: the best matches, then the unit's most used (issue 15)."""

from datetime import timedelta

from PySide6.QtCore import Qt

from counter import intake
from counter.clock import now
from tests.ui.helpers import press, type_text


def shown(screen) -> list[str]:
    matches = screen.picker.matches
    return [matches.item(i).data(Qt.ItemDataRole.UserRole).code for i in range(matches.count())]


def test_khai_sinh_and_enter_picks_the_birth_registration(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "khai sinh")
    # Both names hold "khai sinh" as whole words; the shorter one is more of what was typed.
    assert shown(screen)[:2] == ["1.001193", "2.000635"]
    press(screen.picker.field, Qt.Key.Key_Return)
    assert screen.procedure.name == "Đăng ký khai sinh"


def test_among_equal_matches_the_most_used_of_the_last_90_days_come_first(app, session):
    for _ in range(3):
        intake.receive(session, "2.000884", "Hoàng Văn Nam")  # chứng thực chữ ký
    intake.receive(session, "2.000815", "Hoàng Văn Nam")  # chứng thực bản sao
    for _ in range(5):  # chứng thực di chúc, long ago: not counted
        intake.receive(session, "2.001019", "Hoàng Văn Nam", at=now() - timedelta(days=120))
    screen = app.window.intake
    app.screen(app.window.list)
    app.screen(screen)  # entering the screen reads the catalogue and its use again
    type_text(screen.picker.field, "chung thuc")
    # Then, unused, the shortest name: "Chứng thực di chúc", whose dossiers are all older.
    assert shown(screen)[:3] == ["2.000884", "2.000815", "2.001019"]
    screen.clear()
    assert shown(screen)[:2] == ["2.000884", "2.000815"]  # an empty field offers the usual ones


def test_a_whole_code_and_a_name_prefix_beat_a_word_inside_a_name(app):
    screen = app.window.intake
    app.screen(screen)
    type_text(screen.picker.field, "2.000908")
    assert shown(screen)[0] == "2.000908"
    screen.clear()
    type_text(screen.picker.field, "cap ban sao")
    assert [c for c in shown(screen)][:2] == ["2.000908", "2.000635"]  # "Cấp bản sao…" names first
