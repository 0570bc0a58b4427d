"""The same files imported into SQLite and into PostgreSQL give the same answers, byte for byte.

Four demo units (counter/demo.py) of 750 dossiers each, one of them at its
workstation 2, export; two of them then record results, apologies, stops
and supplements and export again. The files reach both provinces in the
same shuffled order, one twice and one newer state before the older one;
then `province report --json` of every month and quarter, `late --json` of
every month and `show --json` of every dossier are compared as printed.
"""

import random
from argparse import Namespace
from datetime import datetime, timedelta

import pytest

from counter import demo, lifecycle
from counter.cli import province_commands
from counter.province import importing
from counter.province.server import ServerSession
from counter.session import Session
from tests.counter.export_helpers import export_file, unit_session

END = datetime(2025, 6, 27, 16, 0)
UNITS = [("000.00.53.H48", "UBND xã Tân Tiến", 1), ("000.00.53.H49", "UBND xã Tân Lập", 1),
         ("000.00.61.H50", "UBND phường Đông Ngàn", 2), ("000.00.72.H51", "UBND xã Phù Chẩn", 1)]


def _later_changes(unit: Session, rng: random.Random) -> None:
    """Results, late ones with and without an apology, stops and supplements on open dossiers."""
    open_codes = [row[0] for row in unit.db.execute(
        "SELECT code FROM dossiers WHERE status = 'received' ORDER BY code")]
    for code in rng.sample(open_codes, min(60, len(open_codes))):
        dossier = lifecycle.record_result(unit, code, at=END + timedelta(days=rng.randint(0, 3), hours=1))
        if rng.random() < 0.5:
            lifecycle.return_result(unit, dossier.code, at=END + timedelta(days=4), rating="satisfied")
    still_open = [row[0] for row in unit.db.execute(
        "SELECT code FROM dossiers WHERE status = 'received' ORDER BY code")]
    for code in still_open[:5]:
        lifecycle.stop(unit, code, "Công dân xin rút hồ sơ", at=END + timedelta(days=1))
    for code in still_open[5:10]:
        lifecycle.request_supplement(unit, code, "Thiếu bản sao giấy khai sinh", at=END + timedelta(hours=2))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    rng = random.Random(14)
    made = []
    for index, (code, name, workstation) in enumerate(UNITS):
        with unit_session(folder / f"{code}.sqlite3", code=code, name=name, workstation=workstation) as unit:
            demo.fill(unit, 750, seed=index + 1, end=END)
            made.append(export_file(unit, folder / "out"))
            if index < 2:
                _later_changes(unit, rng)
                made.append(export_file(unit, folder / "out"))
    order = made[:]
    rng.shuffle(order)
    return order + [made[1], made[0]]  # one again, and a newer state before the older one


def _printed(session, handler, capsys, **args) -> str:
    capsys.readouterr()
    handler(session, Namespace(json=True, xlsx=None, **args))
    return capsys.readouterr().out


def test_sqlite_and_postgresql_give_identical_reports_late_lists_and_dossiers(files, pg_url, tmp_path, capsys):
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as on_sqlite, ServerSession(pg_url, "Sở Nội vụ") as on_pg:
        for path in files[:3]:
            assert importing.import_files(on_sqlite, [path]) == importing.import_files(on_pg, [path])
        imported = [importing.import_files(on_sqlite, files[3:]), importing.import_files(on_pg, files[3:])]
        assert imported[0] == imported[1] and imported[0]["skipped"] == [str(path) for path in files[-2:]]
        codes = [row[0] for row in on_sqlite.db.execute("SELECT code FROM province_dossiers ORDER BY code")]
        assert len(codes) == 3000
        months = [f"2024-{m:02d}" for m in range(11, 13)] + [f"2025-{m:02d}" for m in range(1, 8)]
        for month in months:
            for handler, args in ((province_commands.report_command, {"month": month, "quarter": None}),
                                  (province_commands.late_command, {"month": month})):
                expected = _printed(on_sqlite, handler, capsys, **args)
                assert _printed(on_pg, handler, capsys, **args) == expected, (handler.__name__, month)
        for quarter in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"):
            args = {"month": None, "quarter": quarter}
            expected = _printed(on_sqlite, province_commands.report_command, capsys, **args)
            assert _printed(on_pg, province_commands.report_command, capsys, **args) == expected, quarter
        late_rows = sum(expected.count('"code"') for expected in [
            _printed(on_sqlite, province_commands.late_command, capsys, month=month) for month in months])
        assert late_rows > 20  # the comparison covers a real late list, not empty ones
        for code in codes:
            expected = _printed(on_sqlite, province_commands.show_command, capsys, code=code)
            assert _printed(on_pg, province_commands.show_command, capsys, code=code) == expected, code
