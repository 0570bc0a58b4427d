"""The monthly public page, read as a browser renders it: Debian's Chromium, headless.

The page is made by `province publish` from the units of the report tests
(tests/counter/test_province_report.py, figures worked out by hand), loaded
by `chromium --headless --dump-dom`, and the rendered DOM is read back: the
figures per unit and their shortfall marks, the chart's bars, the late list
with reason and apology, no applicant's name; sorted by the address
(`?sort=days&order=desc`, the page's own script), and unsorted with
scripts off. `python -m tests.counter.test_province_publish` refreshes the
screenshots in docs/screenshots/.
"""

import os
import re
import struct
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from counter.province import publish
from counter.province.importing import import_files
from counter.province.server import ServerSession
from counter.session import Session
from tests.conftest import CLI
from tests.counter import test_province_report
from tests.counter.export_helpers import enrol_files
from tests.counter.test_province_report import EXPECTED_FIRST
from tests.postgres import chromium

report_province = test_province_report.province  # the report tests' units, a fixture
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NAMES = ("Nguyễn Văn An", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng", "Hoàng Thị Én", "Vũ Văn Phúc",
         "Đặng Thị Giang", "Bùi Văn Hải", "Ngô Văn Khoa")


def _browser(url: str, *extra: str) -> list[str]:
    """Chromium as the machine's notes say to run it here: headless, no network of its own."""
    profile = tempfile.mkdtemp(prefix="motcua-chromium-")
    command = [chromium(), "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", *extra, url]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")
    return command


def rendered(page: Path, query: str = "") -> str:
    """The DOM after the page loaded (and its script ran)."""
    done = subprocess.run(_browser(page.as_uri() + query, "--virtual-time-budget=2000", "--dump-dom"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "</html>" in done.stdout, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, target: Path, width: int, height: int, query: str = "") -> None:
    done = subprocess.run(_browser(page.as_uri() + query, f"--window-size={width},{height}",
                                   f"--screenshot={target}"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and target.exists(), done.stderr[-2000:]


class Dom(HTMLParser):
    """The parts of the rendered page the tests read: table rows (attributes, cells with their
    attributes and text), the chart's bars, the whole text."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self.bars: list[dict] = []
        self.text: list[str] = []
        self._table = self._row = self._cell = None
        self._stack: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attributes.get("id", ""),
                                                 {"attrs": attributes, "head": [], "rows": []})
        elif tag == "tr" and self._table is not None:
            self._row = {"attrs": attributes, "cells": [], "head": "thead" in self._stack}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"attrs": attributes, "text": "", "tag": tag}
        elif tag == "rect" and attributes.get("class") == "bar":
            self.bars.append(attributes)
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._cell["text"] = " ".join(self._cell["text"].split())
            self._row["cells"].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            (self._table["head"] if self._row["head"] else self._table["rows"]).append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if "script" in self._stack or "style" in self._stack:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell["text"] += data

    def field(self, row: dict, key: str) -> dict:
        [cell] = [cell for cell in row["cells"] if cell["attrs"].get("data-field") == key]
        return cell


@pytest.fixture
def page(report_province, tmp_path, capsys):
    cli = CLI(report_province.path, capsys)
    result = cli.json("province", "publish", "--month", "2025-03", "-o", str(tmp_path / "site"),
                      "--authority", "UBND TỈNH BẮC NINH")
    assert result == {"file": str(tmp_path / "site" / "cong-khai-2025-03.html"), "units": 2, "late": 3}
    return Path(result["file"])


def test_the_page_shows_each_unit_s_figures_against_the_targets(page, report_province):
    dom = Dom(rendered(page))
    first, second, total = dom.tables["don-vi"]["rows"]
    assert first["attrs"]["data-unit"] == "000.00.53.H48" and "total" in total["attrs"]["class"]
    assert first["cells"][0]["text"] == "UBND xã Tân Tiến (000.00.53.H48)"
    for key in publish.COUNTS:
        assert dom.field(first, key)["text"] == str(EXPECTED_FIRST[key]), key
    # 50% on time against > 90%, 25% early against > 60%: both short, marked; satisfaction
    # (66.7% < 90%) too.
    on_time = dom.field(first, "on_time_rate")
    assert on_time["text"] == "50% (chưa đạt mục tiêu)" and "short" in on_time["attrs"]["class"]
    assert dom.field(first, "early_rate")["text"].startswith("25%")
    assert dom.field(first, "satisfaction_rate")["text"].startswith("66,7%")
    assert dom.field(first, "progress_rate")["text"].startswith("60%")
    assert "mục tiêu > 90%" in on_time["attrs"]["data-label"]
    shown_short = {key for key in publish.TARGETS if "short" in dom.field(first, key)["attrs"]["class"]}
    assert shown_short == set(_report(report_province)["units"][0]["short"]) and "on_time_rate" in shown_short
    # The second unit resolved its one dossier early: 100%, not short.
    assert dom.field(second, "on_time_rate")["text"] == "100%"
    assert "short" not in dom.field(second, "on_time_rate")["attrs"]["class"]
    assert dom.field(total, "received")["text"] == "9" and total["cells"][0]["text"] == "Toàn tỉnh"
    # The chart: two bars per unit, as long as their rates.
    bars = {(bar["data-unit"], bar["data-rate"]): float(bar["width"]) for bar in dom.bars}
    assert bars[("000.00.53.H48", "on_time_rate")] == publish.BAR_WIDTH * 0.5
    assert bars[("000.00.53.H48", "early_rate")] == publish.BAR_WIDTH * 0.25
    assert bars[("000.00.53.H49", "on_time_rate")] == publish.BAR_WIDTH
    text = " ".join(dom.text)
    assert "Công khai kết quả giải quyết thủ tục hành chính tháng 03/2025" in text and "UBND TỈNH BẮC NINH" in text
    assert not [name for name in NAMES if name in text]  # no applicant is named anywhere


def _report(session) -> dict:
    from counter.province import figures

    return figures.report(session, figures.period_of(month="2025-03"))


def test_the_late_list_has_reason_and_apology_and_sorts_by_the_address(page, report_province):
    codes = report_province.codes
    unsorted = Dom(rendered(page)).tables["tre-han"]
    rows = {row["attrs"]["data-code"]: row for row in unsorted["rows"]}
    assert list(rows) == sorted(rows) and set(rows) == {codes["c"], codes["d"], codes["g"]}
    c = [cell["text"] for cell in rows[codes["c"]]["cells"]]
    assert c[6:] == ["3", "Đã giải quyết, trễ hạn", "Chờ xác minh", "Xin lỗi đúng hạn (ngày 05/03/2025)"]
    d = [cell["text"] for cell in rows[codes["d"]]["cells"]]
    assert d[5:] == ["Chưa có", "16", "Chưa giải quyết, quá hạn", "Chưa nêu lý do", "Chưa xin lỗi"]
    assert unsorted["attrs"]["data-sorted"] == ""
    head = unsorted["head"][0]["cells"]
    assert head[0]["text"] == "Mã hồ sơ" and "<button" not in head[0]["text"]

    by_days = Dom(rendered(page, "?sort=days&order=desc")).tables["tre-han"]
    assert by_days["attrs"]["data-sorted"] == "days:desc"
    assert [int(row["attrs"]["data-days"]) for row in by_days["rows"]] == [16, 3, 1]
    [days] = [cell for cell in by_days["head"][0]["cells"] if cell["attrs"].get("data-key") == "days"]
    assert days["attrs"]["aria-sort"] == "descending"
    by_apology = Dom(rendered(page, "?sort=apology")).tables["tre-han"]
    assert [row["attrs"]["data-apology"] for row in by_apology["rows"]] == ["none", "none", "on_time"]
    # Without its script (headless Chromium cannot render with scripts off, so the page is loaded
    # without its <script> element): every row is there, in the printed order, unsorted.
    html = page.read_text(encoding="utf-8")
    without = page.with_name("without-script.html")
    without.write_text(html[:html.index("<script>")] + html[html.index("</script>") + 9:], encoding="utf-8")
    plain = Dom(rendered(without, "?sort=days&order=desc"))
    assert [row["attrs"]["data-code"] for row in plain.tables["tre-han"]["rows"]] == list(rows)
    assert plain.tables["tre-han"]["attrs"]["data-sorted"] == ""
    assert plain.tables["don-vi"]["rows"][0]["cells"] == Dom(rendered(page)).tables["don-vi"]["rows"][0]["cells"]


def test_the_page_is_the_same_from_sqlite_and_postgresql(report_province, pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "now", lambda: publish.from_iso("2025-04-01T08:00:00"))
    with Session(tmp_path / "copy.sqlite3") as on_sqlite, ServerSession(pg_url) as on_pg:
        files = sorted((report_province.path.parent / "out").glob("*.zip"))
        for session in (on_sqlite, on_pg):
            enrol_files(session, sorted(report_province.path.parent.glob("*-enrolment.json")))
        import_files(on_sqlite, files)
        import_files(on_pg, files)
        pages = [Path(publish.publish(session, "2025-03", tmp_path / name)["file"]).read_text()
                 for session, name in ((on_sqlite, "a"), (on_pg, "b"))]
    assert pages[0] == pages[1]


def test_a_hostile_name_stays_text(report_province, tmp_path):
    values = {**dict.fromkeys(publish.TARGETS), **EXPECTED_FIRST, "short": []}
    report = {"from": "2025-03-01T00:00:00", "to": "2025-04-01T00:00:00", "total": values,
              "units": [dict(values, unit="000.00.53.H48", name='<img src=x onerror="alert(1)">&')]}
    html = publish.render(report, [], '<script>alert("x")</script>')
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in html
    assert '<script>alert("x")' not in html


def test_the_page_prints_on_a4_landscape_with_every_row(page, report_province, tmp_path):
    pdf = tmp_path / "page.pdf"
    done = subprocess.run(_browser(page.as_uri(), "--no-pdf-header-footer", f"--print-to-pdf={pdf}"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size: +([0-9.]+) x ([0-9.]+) pts", info).groups())
    assert abs(width - 841.9) < 1 and abs(height - 595.3) < 1  # A4 landscape, as the print style asks
    # In the order it is drawn, without spaces: a code wrapped in its narrow column still reads whole.
    text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "Danhsáchhồsơtrễhạn(3hồsơ)" in text and "Toàntỉnh" in text
    assert all(code in text for code in report_province.codes.values())


def test_a_screenshot_of_the_page_on_a_desk_and_on_a_phone(page, tmp_path):
    for name, width, height in (("desk.png", 1280, 1600), ("phone.png", 390, 1400)):
        target = tmp_path / name
        screenshot(page, target, width, height)
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (width, height)


def refresh_screenshots() -> None:
    """A page of four demo units (counter/demo.py), as committed in docs/screenshots/."""
    from datetime import datetime

    from counter import demo
    from tests.counter.export_helpers import enrol, export_file, unit_session

    units = [("000.00.53.H48", "UBND xã Tân Tiến"), ("000.00.53.H49", "UBND xã Tân Lập"),
             ("000.00.61.H50", "UBND phường Đông Ngàn"), ("000.00.72.H51", "UBND xã Phù Chẩn")]
    with tempfile.TemporaryDirectory() as work:
        folder, files = Path(work), []
        with Session(folder / "province.sqlite3") as session:
            for index, (code, name) in enumerate(units):
                with unit_session(folder / f"{index}.sqlite3", code=code, name=name) as unit:
                    demo.fill(unit, 400, seed=index + 1, end=datetime(2025, 4, 10, 16, 0))
                    files.append(export_file(unit, folder / "out"))
                    enrol(session, unit)
            import_files(session, files)
            made = Path(publish.publish(session, "2025-03", folder / "site", "UBND TỈNH BẮC NINH")["file"])
        screenshot(made, SCREENSHOTS / "20-cong-khai-thang.png", 1280, 1700)
        screenshot(made, SCREENSHOTS / "21-cong-khai-dien-thoai.png", 390, 1500, "?sort=days&order=desc")


if __name__ == "__main__":
    refresh_screenshots()
