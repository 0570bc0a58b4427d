"""What the server adds: partitions a report prunes, snapshots, and several analysts and imports at once.

The concurrency tests run real processes (`main.py province …`) against the
test cluster: 8 reports in a loop while an import runs, and two imports of
overlapping files at once.
"""

import json
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from counter import demo
from counter.province import figures, importing
from counter.province.server import ServerSession
from db import province_pg
from db import province_pg_schema as schema
from db.province_pg import PgProvince
from tests.counter.export_helpers import enrol_files, enrolment_file, export_file, unit_session

ROOT = Path(__file__).resolve().parents[2]
END = datetime(2025, 6, 27, 16, 0)


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    """Four units' exports of 600 dossiers each, over seven months, and their enrolments."""
    folder = tmp_path_factory.mktemp("units")
    made, enrolments = [], []
    for index in range(4):
        code = f"000.00.{40 + index}.H{60 + index}"
        with unit_session(folder / f"{index}.sqlite3", code=code, name=f"UBND xã Thử {index + 1}") as unit:
            demo.fill(unit, 600, seed=index + 7, end=END)
            made.append(export_file(unit, folder / "out"))
            enrolments.append(enrolment_file(unit))
    return made, enrolments


@pytest.fixture
def unit_files(units):
    return units[0]


def _enrolled(url: str, units) -> str:
    """A province database with the four units' workstation keys enrolled."""
    with ServerSession(url) as session:
        enrol_files(session, units[1])
    return url


@pytest.fixture
def pg_url(pg_url, units):
    return _enrolled(pg_url, units)


def _total(url: str, month: str = "2025-03") -> dict:
    with ServerSession(url) as session:
        return figures.report(session, figures.period_of(month=month))["total"]


def _plan(url: str, query: str, params: dict) -> str:
    with psycopg.connect(url) as conn:
        return "\n".join(row[0] for row in conn.execute("EXPLAIN " + query, params))


def test_a_monthly_report_reads_only_the_partitions_of_its_range(pg_url, unit_files):
    with ServerSession(pg_url) as session:
        importing.import_files(session, unit_files)
    with psycopg.connect(pg_url) as conn:
        months = sorted(row[0] for row in conn.execute(
            "SELECT relname FROM pg_inherits JOIN pg_class ON oid = inhrelid"
            " WHERE inhparent = 'province_dossiers'::regclass"))
    assert months[0] == "province_dossiers_2024_12" and months[-1] == "province_dossiers_2025_06"
    params = {"start": datetime(2025, 3, 1), "end": datetime(2025, 4, 1), "paused": "waiting_supplement"}
    [(_, received)] = [item for item in province_pg._AGGREGATES if "received" in item[0]]
    plan = _plan(pg_url, received, params)
    assert [name for name in months if name in plan] == ["province_dossiers_2025_03"], plan
    # Open at the month's end: nothing received after it is read.
    plan = _plan(pg_url, province_pg._AGGREGATES[-1][1], params)
    assert [name for name in months if name in plan] == months[:4], plan


def test_a_report_never_sees_half_an_import(pg_url, postgres, units, unit_files, monkeypatch):
    """An import paused between two batches of a file: another analyst's report sees none of it;
    once it commits, all of it."""
    with ServerSession(pg_url) as session:
        importing.import_files(session, unit_files[:1])
    before = _total(pg_url)
    paused, resume = threading.Event(), threading.Event()
    real = PgProvince.insert_dossiers
    batches = []

    def slow_insert(self, rows):
        real(self, rows)
        batches.append(len(rows))
        if len(batches) == 1:
            paused.set()
            resume.wait(60)

    monkeypatch.setattr(PgProvince, "insert_dossiers", slow_insert)
    results = []

    def run_import() -> None:
        with ServerSession(pg_url) as session:
            results.append(importing.import_files(session, unit_files[1:2]))

    importer = threading.Thread(target=run_import)
    importer.start()
    assert paused.wait(60)
    assert _total(pg_url) == before  # its dossiers are written, not committed: invisible
    resume.set()
    importer.join(60)
    # Format 2: the file's events first, then its dossiers folded 500 codes at a time, then the commit.
    assert results[0]["dossiers"] == 600 and batches == [500, 100]
    after = _total(pg_url)
    assert after["received"] > before["received"]
    assert after == _total_of_a_fresh_import(postgres, units, unit_files[:2])


def _total_of_a_fresh_import(postgres, units, files: list[Path]) -> dict:
    """The same files imported into another database in one go."""
    other = _enrolled(postgres.url(postgres.new_database(), "motcua"), units)
    with ServerSession(other) as session:
        importing.import_files(session, files)
    return _total(other)


def test_a_report_reads_one_snapshot_even_if_an_import_commits_in_between(pg_url, unit_files, monkeypatch):
    with ServerSession(pg_url) as session:
        importing.import_files(session, unit_files[:1])
    before = _total(pg_url)
    real = PgProvince.counts

    def counts_with_an_import_in_the_middle(self, start, end, paused, ended):
        with self.reading():
            self.conn.execute("SELECT count(*) FROM province_units")  # the snapshot is taken here
            with ServerSession(pg_url) as other:
                importing.import_files(other, unit_files[1:2])
            return real(self, start, end, paused, ended)

    monkeypatch.setattr(PgProvince, "counts", counts_with_an_import_in_the_middle)
    with ServerSession(pg_url) as session:
        report = figures.report(session, figures.period_of(month="2025-03"))
    assert report["total"] == before and len(report["units"]) == 1
    monkeypatch.undo()
    assert _total(pg_url)["received"] > before["received"]


def _cli(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "main.py", "--db", url, "province", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


REPORTER = """
import json, sys, time
from counter.province import figures
from counter.province.server import ServerSession
from pathlib import Path
url, stop = sys.argv[1], Path(sys.argv[2])
totals, deadline = [], time.time() + 240
while not stop.exists() and time.time() < deadline:
    with ServerSession(url) as session:
        totals.append(figures.report(session, figures.period_of(quarter="2025-Q1"))["total"])
print(json.dumps(totals))
"""


@pytest.mark.slow(seconds=24)
def test_eight_reports_while_an_import_runs_see_no_error_and_no_wrong_total(pg_url, unit_files, tmp_path):
    with ServerSession(pg_url) as session:
        importing.import_files(session, unit_files[:1])
    with ServerSession(pg_url) as session:
        before = figures.report(session, figures.period_of(quarter="2025-Q1"))["total"]
    stop = tmp_path / "stop"
    reporters = [subprocess.Popen([sys.executable, "-c", REPORTER, pg_url, str(stop)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    time.sleep(1)
    importer = _cli(pg_url, "import", *map(str, unit_files[1:]), "--json")
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert json.loads(out)["files"] == 3
    with ServerSession(pg_url) as session:
        after = figures.report(session, figures.period_of(quarter="2025-Q1"))["total"]
    time.sleep(3)  # every reporter reads the new state too
    stop.touch()
    seen = []
    for reporter in reporters:
        reporter_out, reporter_err = reporter.communicate(timeout=120)
        assert reporter.returncode == 0 and not reporter_err.strip(), reporter_err
        seen += json.loads(reporter_out)
    assert len(seen) >= 16 and before != after
    assert all(total in (before, after) for total in seen)  # each before or after the whole command
    assert before in seen and after in seen


def test_two_imports_of_overlapping_files_at_once_store_each_file_once(pg_url, postgres, units, unit_files):
    first = _cli(pg_url, "import", *map(str, unit_files[:3]), "--json")
    second = _cli(pg_url, "import", *map(str, reversed(unit_files[1:])), "--json")
    results = []
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert results[0]["files"] + results[1]["files"] == 4
    assert results[0]["dossiers"] + results[1]["dossiers"] == 2400
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT sha256) FROM province_files").fetchone() == (4, 4)
        assert conn.execute("SELECT count(*) FROM province_dossier_records").fetchone()[0] == 2400
        assert conn.execute("SELECT count(*) FROM province_dossiers").fetchone()[0] == 2400
    assert _total(pg_url) == _total_of_a_fresh_import(postgres, units, unit_files)


def test_a_database_of_schema_1_is_upgraded_in_place_and_keeps_what_it_held(postgres, units):
    """A server database made before the unit sync and trust issues (schema step 1 only) gets the later
    steps at the next command, keeps its rows, and then takes enrolments and format 2 files."""
    url = postgres.url(postgres.new_database(), "motcua")
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("CREATE TABLE province_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL"
                         " DEFAULT now(), step text NOT NULL)")
            schema.upgrade_version_1(conn)
            conn.execute("INSERT INTO province_schema (version, step) VALUES (1, 'step 1')")
            conn.execute("INSERT INTO province_units (code, name, updated_at) VALUES ('000.00.99.H99', 'Cũ', now())")
    with ServerSession(_enrolled(url, units)) as session:
        assert importing.import_files(session, units[0][:1])["files"] == 1
        assert [code for code, _ in session.province.units().values()][0] == "000.00.40.H60"
    with psycopg.connect(url) as conn:
        assert [row[0] for row in conn.execute("SELECT version FROM province_schema ORDER BY 1")] == list(
            range(1, len(schema.STEPS) + 1))
        assert conn.execute("SELECT count(*) FROM province_units WHERE code = '000.00.99.H99'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM province_unit_events").fetchone()[0] > 600


def test_counters_11_to_20_are_enrolled_and_imported_on_the_server(postgres, tmp_path):
    """Schema step 3: the server's enrolled keys take workstations 11-20, as SQLite's step 9 does."""
    from counter import unit as unit_settings
    from tests.counter.helpers import receive

    with unit_session(tmp_path / "ws20.sqlite3") as counter:
        unit_settings.configure(counter, workstation=20)
        code = receive(counter, "2025-03-03 09:00").code
        files = [export_file(counter, tmp_path / "out")]
        url = postgres.url(postgres.new_database(), "motcua")
        with ServerSession(url) as session:
            enrol_files(session, [enrolment_file(counter)])
            assert importing.import_files(session, files)["files"] == 1
            assert session.province.dossier(code)[2] == 20 and code.endswith("-290001")
