"""Today's figures, the end-of-day export button and the closing-time warning."""

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from counter import acks, export, intake, lifecycle, package, unit
from counter.clock import now
from counter.province import enrolment
from counter.province.importing import import_files
from counter.session import Session
from tests.counter.export_helpers import enrol
from tests.ui.helpers import press
from ui.today import INDICATORS, ROWS


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
            files.append(export.export_changes(session, tmp_path / "xuat").file)
        [ack] = import_files(province, [files[0], files[2]])["acks"]
    acks.import_ack(session, ack)
    screen.check_export()
    app.idle()
    assert screen.acknowledged.text() == "Tỉnh đã nhận đến số 3 · thiếu số 2"


def indicator(screen, key: str) -> list[str]:
    row = INDICATORS.index(key)
    return [screen.indicators.item(row, column).text() for column in range(3)]


def test_the_month_s_indicators_stand_beside_the_plan_s_targets_with_shortfalls_marked(app, session):
    """Issue 11 §3: each figure with the plan's target (Kế hoạch 3/KH-UBND 2024) and a mark where
    the unit falls short; a rejection is in its own row, never early."""
    moment = now()
    # Today's figures, whatever the hour the suite runs: a receipt after the 15:00 cutoff, after hours or
    # on a day off counts from the next working day, and its result today would be early.
    unit.configure(session, office_open="00:00", office_close="23:59", cutoff_enabled=False)
    if not session.calendar.is_working(moment.date()):
        unit.set_day(session, moment.date(), True, "Ngày làm việc của phép thử")
    on_time = intake.receive(session, "1.001193", "Trần Văn Nam", at=moment - timedelta(seconds=30))
    lifecycle.record_result(session, on_time.code, at=moment - timedelta(seconds=20))
    lifecycle.return_result(session, on_time.code, at=moment - timedelta(seconds=10), rating="satisfied",
                            rating_by="citizen")
    refused = intake.receive(session, "1.001193", "Lê Thị Mai", at=moment - timedelta(seconds=25))
    lifecycle.reject(session, refused.code, "Không thuộc thẩm quyền", at=moment - timedelta(seconds=15))
    screen = app.window.today
    app.screen(screen)
    assert cell(screen, "rejected", 0) == "1" and cell(screen, "resolved", 0) == "2"
    assert cell(screen, "early", 0) == "0  (0,0%)" and cell(screen, "on_time", 0).startswith("1 ")
    assert indicator(screen, "on_time_rate") == ["100,0%", "> 90%", "Đạt"]
    assert indicator(screen, "citizen_satisfaction_rate") == ["100,0%", "", ""]
    # Nothing was digitized: 0% against 100%.
    digitized = indicator(screen, "digitized_rate")
    assert digitized == ["0,0%", "100%", "Chưa đạt"]
    row = INDICATORS.index("digitized_rate")
    assert screen.indicators.item(row, 2).background().color().name() == "#ffc7ce"
    assert screen.indicators.item(row, 1).toolTip().startswith("NĐ 107/2021")


def test_the_screen_fits_a_1366x768_counter_pc(app, session):
    """Issue 11 §3 and issue 15: the three tables side by side, nothing scrolled or cut at 1366×728."""
    moment = now()
    late = intake.receive(session, "2.001035", "Nguyễn Thị Thu Hương", at=moment - timedelta(days=40))
    lifecycle.record_result(session, late.code, at=moment - timedelta(minutes=5))  # late: "Chưa đạt" rows
    window = app.window
    window.resize(1366, 728)
    screen = window.today
    app.screen(screen)
    app.qtbot.waitUntil(lambda: window.size().height() <= 728)
    for table in (screen.table, screen.indicators, screen.staff):
        assert table.verticalScrollBar().maximum() == 0
        assert table.horizontalScrollBar().maximum() == 0
    bottom = screen.export_button.mapTo(window, screen.export_button.rect().bottomLeft()).y()
    assert bottom < window.height() - window.statusBar().height()
    right = screen.staff.mapTo(window, screen.staff.rect().topRight()).x()
    assert right <= 1366


def test_the_figures_are_read_off_the_main_worker_so_a_save_never_waits_for_them(app, session):
    """Issue 16: while the main worker is busy (a long save), Today's figures still arrive."""
    import threading

    intake.receive(session, "1.001193", "Trần Văn Nam", at=now() - timedelta(minutes=5))
    screen = app.window.today
    app.screen(screen)
    held, release = threading.Event(), threading.Event()
    app.launcher.runner.run(lambda _s: (held.set(), release.wait(20)))
    try:
        assert held.wait(10)
        screen.table.clearContents()
        screen.start()
        app.qtbot.waitUntil(lambda: screen.table.item(0, 0) is not None and cell(screen, "received", 0) == "1",
                            timeout=10000)
        assert not release.is_set()  # the main worker was still busy all along
    finally:
        release.set()
