"""The same files imported into SQLite and into PostgreSQL give the same answers, byte for byte.

Four demo units (counter/demo.py) of 750 dossiers each, one of them at its
workstation 2, export; two of them then record results, apologies, stops
and supplements and export again. The files reach both provinces in the
same shuffled order, one twice and one newer state before the older one;
then `province report --json` of every month and quarter, `late --json` of
every month and `show --json` of every dossier are compared as printed.
With them, the format 2 files of three synced counters of one unit (issue
12), merged by the unit's fold, their conflicts and gaps, the enrolled keys
and the acknowledgements (issue 13).
"""

import random
from argparse import Namespace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter import acks, catalogue, demo, dossiers, intake, lifecycle, signed_document, sync, unit
from counter.cli import province_commands
from counter.province import dossiers as province_dossiers
from counter.province import enrolment, importing
from counter.province.server import ServerSession
from counter.session import Session
from tests.counter.export_helpers import enrol, enrol_files, enrolment_file, export_file, unit_session
from tests.counter.sync_helpers import approve_each_other, sync_all

END = datetime(2025, 6, 27, 16, 0)
UNITS = [("000.00.53.H48", "UBND xã Tân Tiến", 1), ("000.00.53.H49", "UBND xã Tân Lập", 1),
         ("000.00.61.H50", "UBND phường Đông Ngàn", 2), ("000.00.72.H51", "UBND xã Phù Chẩn", 1)]
SYNCED = ("000.00.53.H52", "UBND xã Tân Phú")


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
        with unit_session(folder / f"{code}.sqlite3", code=code, name=name, workstation=workstation) as one:
            demo.fill(one, 750, seed=index + 1, end=END)
            made.append(export_file(one, folder / "out"))
            enrolment_file(one)
            if index < 2:
                _later_changes(one, rng)
                made.append(export_file(one, folder / "out"))
    order = made[:]
    rng.shuffle(order)
    return order + [made[1], made[0]]  # one again, and a newer state before the older one


def _synced_unit(folder: Path, rng: random.Random) -> tuple[list[Path], list[Session]]:
    """Three counters of one unit sharing a sync folder (issue 12), each exporting what it originated
    (format 2): counter 1 receives 400 dossiers, counters 1 and 2 sixty more; after a sync counters 2
    and 3 record results and returns on them, counter 1 asks for supplements, and on some dossiers 1
    and 3 act at once (a conflict the unit's fold sets aside); every counter exports after each round."""
    share, out = folder / "share", folder / "exports"
    share.mkdir(parents=True)
    counters = []
    for number in (1, 2, 3):
        counter = Session(folder / f"ws{number}.sqlite3", f"Cán bộ quầy {number}")
        unit.configure(counter, unit_code=SYNCED[0], unit_name=SYNCED[1], authority="UBND TỈNH BẮC NINH",
                       place="Tân Phú", workstation=number, station_name=f"Quầy {number}")
        catalogue.import_catalogue(counter, catalogue.STARTER)
        counters.append(counter)
    approve_each_other(counters)
    one, two, three = counters
    demo.fill(one, 400, seed=21, end=END)
    for n in range(60):  # open ones, received at two counters
        intake.receive(counters[n % 2], "1.004873", f"Người nộp {n}", at=END - timedelta(days=n % 9, hours=n % 5))
    files = [export_file(one, out), export_file(two, out)]
    sync_all(counters, share)
    open_codes = [row[0] for row in one.db.execute("SELECT code FROM dossiers WHERE status = 'received' ORDER BY code")]
    chosen = rng.sample(open_codes, 60)
    for code in chosen[:25]:
        lifecycle.record_result(two, code, at=END + timedelta(days=1))
    for code in chosen[25:40]:
        lifecycle.record_result(three, code, at=END + timedelta(days=2))
        lifecycle.return_result(three, code, at=END + timedelta(days=3), rating="satisfied")
    for code in chosen[40:]:
        lifecycle.request_supplement(one, code, "Thiếu bản sao", at=END + timedelta(hours=3))
    for code in chosen[50:]:
        lifecycle.record_result(three, code, at=END + timedelta(days=1, hours=2))  # concurrent with 1's request
    files += [export_file(s, out) for s in counters]
    sync_all(counters, share)
    for code in chosen[:10]:
        lifecycle.return_result(one, code, at=END + timedelta(days=4), rating="satisfied")
    for code in chosen[40:45]:
        lifecycle.resume(two, code, at=END + timedelta(days=5))
    sync_all(counters, share)
    files += [export_file(s, out) for s in counters]
    return files, counters


@pytest.mark.slow
def test_synced_counters_format_2_files_give_identical_answers_on_both_engines(files, pg_url, tmp_path, capsys):
    """Format 2 files of three synced counters of one unit, with the demo units' files: the same
    merged dossiers and events, conflicts, gaps, enrolled keys, reports and acknowledgements."""
    rng = random.Random(12)
    synced, counters = _synced_unit(tmp_path / "synced", rng)
    everything = synced + files[:-2]
    order = rng.sample(everything, len(everything))
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as on_sqlite, ServerSession(pg_url, "Sở Nội vụ") as on_pg:
        for province in (on_sqlite, on_pg):
            enrol(province, *counters)
            enrol_files(province, sorted(files[0].parent.parent.glob("*-enrolment.json")))
        assert [_without(row, "enrolled_at", "enrolled_by") for row in enrolment.keys(on_pg)] == [
            _without(row, "enrolled_at", "enrolled_by") for row in enrolment.keys(on_sqlite)]
        # Counter 3's last file first: a hole in its log until the others arrive.
        first = synced[-1]
        order.remove(first)
        results = [importing.import_files(province, [first]) for province in (on_sqlite, on_pg)]
        assert results[0] == results[1] and results[0]["gaps"]
        for path in order[:5]:
            assert importing.import_files(on_sqlite, [path]) == importing.import_files(on_pg, [path])
        for province in (on_sqlite, on_pg):
            enrolment.init_key(province)
        results = [importing.import_files(province, order[5:] + order[:2]) for province in (on_sqlite, on_pg)]
        assert _without(results[0], "acks") == _without(results[1], "acks")
        assert results[0]["gaps"] == [] and len(results[0]["skipped"]) == 2 and results[0]["acks"]
        assert [_ack_body(path) for path in results[0]["acks"]] == [_ack_body(path) for path in results[1]["acks"]]
        codes = [row[0] for row in on_sqlite.db.execute("SELECT code FROM province_dossiers ORDER BY code")]
        assert len(codes) == 460 + 4 * 750
        # Every dossier of the synced unit; of the demo units' (each shown by the test below, imported
        # in another order) one in ten.
        synced_codes = {row[0] for row in on_sqlite.db.execute(
            "SELECT d.code FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id WHERE u.code = ?",
            [SYNCED[0]])}
        assert len(synced_codes) == 460
        for code in [c for c in codes if c in synced_codes] + rng.sample(sorted(set(codes) - synced_codes), 300):
            expected = _printed(on_sqlite, province_commands.show_command, capsys, code=code)
            assert _printed(on_pg, province_commands.show_command, capsys, code=code) == expected, code
        for month in ("2025-06", "2025-07"):
            for handler, args in ((province_commands.report_command, {"month": month, "quarter": None}),
                                  (province_commands.late_command, {"month": month})):
                expected = _printed(on_sqlite, handler, capsys, **args)
                assert _printed(on_pg, handler, capsys, **args) == expected, (handler.__name__, month)
        # The merged dossiers are the unit's own, as its synced counters hold them.
        for code in [row[0] for row in counters[0].db.execute("SELECT code FROM dossiers")][:50]:
            merged, _ = province_dossiers.get(on_pg, code)
            assert merged.status == dossiers.get(counters[0], code).status, code
    assert sync.conflicts(counters[0])  # the concurrent steps the fold set aside, at the unit and the province
    for counter in counters:
        counter.close()


def _without(row: dict, *keys: str) -> dict:
    return {key: value for key, value in row.items() if key not in keys}


def _ack_body(path: str) -> dict:
    """What an acknowledgement says, less when and by which province key (each engine has its own)."""
    document = signed_document.read(path, acks.KIND, "xác nhận")
    return _without(document.body, "created_at", "province")


def _printed(session, handler, capsys, **args) -> str:
    capsys.readouterr()
    handler(session, Namespace(json=True, xlsx=None, **args))
    return capsys.readouterr().out


@pytest.mark.slow
def test_sqlite_and_postgresql_give_identical_reports_late_lists_and_dossiers(files, pg_url, tmp_path, capsys):
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as on_sqlite, ServerSession(pg_url, "Sở Nội vụ") as on_pg:
        for province in (on_sqlite, on_pg):
            enrol_files(province, sorted(files[0].parent.parent.glob("*-enrolment.json")))
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
