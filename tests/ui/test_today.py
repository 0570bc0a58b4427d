"""Today's figures, the end-of-day export button and the closing-time warning."""

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from counter import acks, export, intake, lifecycle, package
from counter.clock import now
from counter.province import enrolment
from counter.province.importing import import_files
from counter.session import Session
from tests.counter.export_helpers import enrol
from tests.ui.helpers import press
from ui.today import ROWS


def cell(screen, key: str, column: int) -> str:
    row = [k for k, _ in ROWS].index(key)
    return screen.table.item(row, column).text()


def test_counts_for_the_day_and_the_month(app, session):
    moment = now()
    for name in ("Trần Văn Nam", "Lê Thị Mai"):
        intake.receive(session, "1.001193", name, channel="online", at=moment - timedelta(minutes=5))
    returned = intake.receive(session, "1.001193", "Phan Quang Huy", at=moment - timedelta(minutes=4))
    lifecycle.record_result(session, returned.code, at=moment - timedelta(minutes=3))
    lifecycle.return_result(session, returned.code, at=moment - timedelta(minutes=2), channel="postal")
    screen = app.window.today
    app.screen(screen)
    assert cell(screen, "received", 0) == "3"
    assert cell(screen, "online", 0).startswith("2 ")
    assert cell(screen, "returned", 0) == "1"
    assert cell(screen, "received", 1) == "3"  # the month includes today
    assert moment.strftime("%d/%m/%Y") in screen.title.text()


def test_export_button_runs_the_export_and_clears_the_closing_warning(app, session, tmp_path):
    intake.receive(session, "1.001193", "Đặng Thu Thảo", at=now() - timedelta(minutes=10))
    app.launcher.preferences.export_dir = str(tmp_path / "xuat")
    screen = app.window.today
    app.screen(screen)
    closing = datetime.combine(now().date(), session.settings.close_time)
    screen.now = lambda: closing - timedelta(minutes=10)
    screen.check_export()
    app.idle()
    assert screen.banner.kind == "error" and "chưa xuất" in screen.banner.text()
    assert "chưa xuất" in app.window.warning_label.text()
    press(screen.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    app.idle()
    assert screen.message.kind == "ok", screen.message.text()
    exported = Path(screen.message.text().split(": ", 1)[1].split(" — ")[0])
    assert exported.is_file() and exported.parent == tmp_path / "xuat"
    assert "1 hồ sơ" in screen.message.text()
    screen.now = now
    screen.check_export()
    app.idle()
    assert screen.banner.kind == "" and app.window.warning_label.text() == ""
    assert "Lần xuất gần nhất" in screen.last.text()


def test_no_warning_before_closing_time(app, session):
    screen = app.window.today
    app.screen(screen)
    opening = datetime.combine(now().date(), session.settings.open_time)
    screen.now = lambda: opening + timedelta(hours=1)
    screen.check_export()
    app.idle()
    assert screen.banner.kind == "" and app.window.warning_label.text() == ""


def test_the_screen_says_what_the_province_confirmed_and_what_it_lacks(app, session, tmp_path):
    """Issue 13: "Tỉnh đã nhận đến số 57 · thiếu số 52", from the province's signed acknowledgement."""
    screen = app.window.today
    app.screen(screen)
    screen.check_export()
    app.idle()
    assert screen.acknowledged.text() == "Chưa có xác nhận nào của tỉnh."
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as province:
        enrolment.init_key(province)
        enrol(province, session)
        package.make(province, tmp_path / "package.json")
        package.import_package(session, tmp_path / "package.json",
                               confirm=enrolment.describe(province)["signing_fingerprint"])
        files = []
        for minutes in (30, 20, 10):
            intake.receive(session, "1.001193", "Đặng Thu Thảo", at=now() - timedelta(minutes=minutes))
            files.append(export.export_changes(session, tmp_path / "xuat")["file"])
        [ack] = import_files(province, [files[0], files[2]])["acks"]
    acks.import_ack(session, ack)
    screen.check_export()
    app.idle()
    assert screen.acknowledged.text() == "Tỉnh đã nhận đến số 3 · thiếu số 2"
