"""Province at scale: 300 units, 5,000,000 dossiers of one year, on SQLite and PostgreSQL in one run.

Targets (issue 14): the PostgreSQL import at least 2× the SQLite one; the
monthly report at 5M under 1 s on PostgreSQL.

Each unit's export is made once by the demo generator (counter/demo.py: two
fills of half a year each, so the year is covered; 15 s a unit here, a minute
when the machine is loaded) and cached under bench/out/province-scale-PER/.
With `--generated N` only N units are generated and the others are the same
records under their own unit codes (`renamed_file`), each signed by a key of
its own. The files are format 2 (issue 12: the province folds every unit's
events) and signed (issue 13): every unit's key is enrolled at the province
before the import, as `keys export` + `province enrol` do. Then, on each engine: the import of all
units but the last twentieth in one command (throughput), the monthly and
quarterly reports and `late` (median of 5), and the import of the last
twentieth while 8 processes run reports in a loop (their latency, errors, and whether
each total is the state before or after the import). PostgreSQL runs in a
throwaway cluster (tests/postgres.py) with durable settings (fsync on) and
the memory a province server would give it; its table and index sizes are
printed per dossier and event for docs/scale.md.

    python bench/province_scale.py [--units 300] [--dossiers 5000000] [--skip-sqlite]
"""

import argparse
import json
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_units import OUT  # noqa: E402
from counter import crypto, demo, export_archive, keys, signed_document, unit  # noqa: E402
from counter.export import export_changes  # noqa: E402
from counter.province import enrolment, figures, late  # noqa: E402
from counter.province.importing import import_files  # noqa: E402
from counter.province.server import ServerSession  # noqa: E402
from counter.session import Session  # noqa: E402
from tests.postgres import cluster  # noqa: E402

YEAR = 2025
HALVES = (datetime(YEAR, 6, 30, 17, 0), datetime(YEAR, 12, 31, 17, 0))
# A province server's settings for the bench's cluster: durable, with memory for the indexes.
SERVER = {"shared_buffers": "2GB", "effective_cache_size": "8GB", "maintenance_work_mem": "512MB",
          "work_mem": "64MB", "max_wal_size": "16GB", "checkpoint_timeout": "30min", "wal_compression": "on",
          "max_connections": "40", "max_parallel_workers_per_gather": "2"}
MONTH, QUARTER = f"{YEAR}-10", f"{YEAR}-Q3"


def unit_code(index: int) -> str:
    return f"000.{20 + index // 100}.{index % 100:02d}.H27"


def unit_file(args: tuple[int, int, Path]) -> Path:
    """The export of demo unit `index` with `count` dossiers over the year, built if not cached."""
    index, count, folder = args
    target = folder / f"unit-{index:03d}.zip"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=OUT) as work:
        with Session(Path(work) / "unit.sqlite3", "Bench") as session:
            unit.configure(session, unit_code=unit_code(index), unit_name=f"UBND xã Thử Nghiệm {index + 1}",
                           authority="UBND TỈNH BẮC NINH", place="Thử Nghiệm", level="xa")
            first = count // 2
            demo.fill(session, first, seed=2 * index + 1, end=HALVES[0])
            demo.fill(session, count - first, seed=2 * index + 2, end=HALVES[1])
            result = export_changes(session, Path(work) / "exports")
            keys.export_enrolment(session, enrolment_of(target))
        shutil.move(result.file, target)
    return target


def enrolment_of(export: Path) -> Path:
    return export.with_suffix(".enrolment.json")


def renamed_file(args: tuple[int, Path, Path]) -> Path:
    """Unit `index`'s export made from a generated unit's: the same records under its own unit
    code and name, written and sealed by the exporter's own writer (counter/export_archive.py)."""
    index, template, folder = args
    target = folder / f"unit-{index:03d}.zip"
    if target.exists():
        return target
    source = int(template.stem.split("-")[1])
    old, new = unit_code(source).encode(), unit_code(index).encode()
    with zipfile.ZipFile(template) as archive:
        manifest = json.loads(archive.read(export_archive.MANIFEST))
        dossiers = archive.read(export_archive.DOSSIERS).replace(b'"' + old, b'"' + new)
        events = archive.read(export_archive.EVENTS).replace(b'"' + old, b'"' + new)
        audit = archive.read(export_archive.AUDIT)
    key = crypto.SigningKey.new()
    manifest = {name: value for name, value in manifest.items() if name not in ("counts", "parts")}
    manifest["unit"] = {"code": new.decode(), "name": f"UBND xã Thử Nghiệm {index + 1}"}
    manifest["signer"] = {"key": crypto.b64(key.public), "fingerprint": key.fingerprint, "rotations": []}
    partial = target.with_suffix(".partial")
    lines = dossiers.splitlines(keepends=True)
    export_archive.write(partial, manifest, (lines[start:start + 2000] for start in range(0, len(lines), 2000)),
                         events.splitlines(keepends=True), [], audit.splitlines(keepends=True),
                         lambda body: key.sign(export_archive.SIGNATURE_PURPOSE, body))
    signed_document.write(enrolment_of(target), keys.ENROLMENT, {
        "format": "motcua-enrolment", "format_version": 1, "unit": manifest["unit"],
        "workstation": manifest["workstation"], "key": crypto.b64(key.public), "fingerprint": key.fingerprint,
        "key_created_at": manifest["created_at"], "exported_at": manifest["created_at"],
        "software": manifest["software"]}, key)
    partial.rename(target)
    return target


def build(units: int, total: int, generated: int) -> list[Path]:
    """`generated` units made by the demo generator, the others renamed copies of them."""
    per = total // units
    folder = OUT / f"province-scale-v2-{per}"  # a smaller run takes the first of the same files
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with multiprocessing.Pool(2) as pool:
        files = pool.map(unit_file, [(i, per, folder) for i in range(min(units, generated))], chunksize=1)
        files += pool.map(renamed_file, [(i, files[i % generated], folder) for i in range(generated, units)],
                          chunksize=1)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} unit files of {per:,} dossiers ready in {time.perf_counter() - started:.0f} s"
          f" ({size / 1e6:.0f} MB; {min(units, generated)} generated, the others renamed copies)", flush=True)
    return files


REPORTER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from counter.province import figures
from counter.province.server import ServerSession, is_url
from counter.session import Session
database, stop = sys.argv[1], Path(sys.argv[2])
times, totals, errors = [], [], 0
while not stop.exists():
    started = time.perf_counter()
    try:
        with (ServerSession(database) if is_url(database) else Session(database, "Bench")) as session:
            totals.append(figures.report(session, figures.period_of(month=sys.argv[4]))["total"])
        times.append(time.perf_counter() - started)
    except Exception as exc:
        errors += 1
        print(repr(exc), file=sys.stderr)
print(json.dumps({"times": times, "totals": totals, "errors": errors}))
"""


def session_of(database):
    return ServerSession(database) if isinstance(database, str) else Session(database, "Bench")


def measure(name: str, database, files: list[Path], work: Path) -> dict:
    """One engine: the import, the reports, and reports during a second import."""
    main, rest = files[: len(files) * 19 // 20], files[len(files) * 19 // 20:]
    out: dict = {"engine": name}
    with session_of(database) as session:
        for path in files:
            enrolment.enrol(session, enrolment_of(path))
        started = time.perf_counter()
        result = import_files(session, main)
        out["import_s"] = time.perf_counter() - started
        out["dossiers"], out["events"] = result["dossiers"], result["events"]
        out["import_rate"] = result["dossiers"] / out["import_s"]
        print(f"{name}: imported {len(main)} files, {result['dossiers']:,} dossiers, {result['events']:,} events"
              f" in {out['import_s']:.1f} s = {out['import_rate']:,.0f} dossiers/s", flush=True)
        for label, action in (
            (f"report --month {MONTH}", lambda: figures.report(session, figures.period_of(month=MONTH))),
            (f"report --quarter {QUARTER}", lambda: figures.report(session, figures.period_of(quarter=QUARTER))),
            (f"late --month {MONTH}", lambda: late.late_list(session, figures.period_of(month=MONTH))),
        ):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                action()
                times.append(time.perf_counter() - started)
            out[label] = statistics.median(times)
            print(f"{name}: {label}: median {out[label] * 1000:.0f} ms (of 5: "
                  + ", ".join(f"{t * 1000:.0f}" for t in times) + ")", flush=True)
        before = figures.report(session, figures.period_of(month=MONTH))["total"]
    stop = work / f"stop-{name}"
    reporters = [subprocess.Popen([sys.executable, "-c", REPORTER, str(database), str(stop),
                                   str(Path(__file__).resolve().parent.parent), MONTH],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    time.sleep(2)
    with session_of(database) as session:
        started = time.perf_counter()
        result = import_files(session, rest)
        out["concurrent_import_s"] = time.perf_counter() - started
        after = figures.report(session, figures.period_of(month=MONTH))["total"]
    time.sleep(2)
    stop.touch()
    times, wrong, errors, messages = [], 0, 0, set()
    for reporter in reporters:
        output, complaint = reporter.communicate(timeout=600)
        found = json.loads(output)
        times += found["times"]
        errors += found["errors"]
        wrong += sum(total not in (before, after) for total in found["totals"])
        messages.update(line[:160] for line in complaint.splitlines()[:1])
    out.update(concurrent_reports=len(times), concurrent_errors=errors, concurrent_wrong=wrong,
               concurrent_median_s=statistics.median(times) if times else None,
               concurrent_rate=result["dossiers"] / out["concurrent_import_s"])
    print(f"{name}: import of {len(rest)} more files ({result['dossiers']:,} dossiers) in"
          f" {out['concurrent_import_s']:.1f} s = {out['concurrent_rate']:,.0f} dossiers/s while 8 processes ran"
          f" {len(times)} reports (median {statistics.median(times) * 1000 if times else 0:.0f} ms each);"
          f" errors {errors}, totals neither before nor after {wrong}", flush=True)
    for message in sorted(messages):
        print(f"{name}: a reporter's error: {message}", flush=True)
    return out


def pg_sizes(url: str, dossiers: int, events: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT coalesce(p.relname, c.relname) AS t, sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid))"
            " FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
            " GROUP BY 1 ORDER BY 2 DESC").fetchall()
        partitions = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'province_dossiers'::regclass"
                                  ).fetchone()[0]
        indexes = conn.execute(
            "SELECT regexp_replace(c.relname, '^province_dossiers_[0-9_]+_', 'province_dossiers_*_'),"
            " sum(pg_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'i' GROUP BY 1 ORDER BY 2 DESC").fetchall()
    rows = [(table, float(size), float(index)) for table, size, index in rows]
    print(f"PostgreSQL sizes ({partitions} monthly partitions), table (with TOAST) + indexes:")
    for table, size, index in rows:
        each = f" ({(size + index) / events:.0f} per event)" if table == "province_events" else ""
        print(f"  {table:28} {size / 1e6:9.1f} MB table  {index / 1e6:9.1f} MB indexes"
              f"  = {(size + index) / dossiers:7.0f} bytes per dossier{each}")
    total = sum(size + index for _, size, index in rows)
    print(f"  total {total / 1e9:.2f} GB = {total / dossiers:.0f} bytes per dossier"
          f" ({total / events:.0f} per event)")
    for name, size in ((name, float(size)) for name, size in indexes[:12]):
        print(f"  index {name:44} {size / 1e6:9.1f} MB = {size / dossiers:5.1f} bytes per dossier")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--dossiers", type=int, default=5_000_000, help="in all")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--generated", type=int, default=None,
                        help="units made by the demo generator (default: all); the others are copies of them under"
                             " their own codes, for a machine too busy to generate them all")
    parser.add_argument("--build-only", action="store_true", help="make the cached unit files and stop")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = build(args.units, args.dossiers, args.generated or args.units)
    if args.build_only:
        return
    results = {}
    with tempfile.TemporaryDirectory(dir=OUT) as work:
        work_path = Path(work)
        if not args.skip_sqlite:
            results["sqlite"] = measure("SQLite", work_path / "province.sqlite3", files, work_path)
            size = sum(path.stat().st_size for path in work_path.glob("province.sqlite3*"))
            print(f"SQLite file: {size / 1e9:.2f} GB = {size / results['sqlite']['dossiers']:.0f} bytes per dossier")
            for path in work_path.glob("province.sqlite3*"):
                path.unlink()
        with cluster(SERVER) as server:
            server.psql("CREATE ROLE motcua LOGIN")
            server.psql("CREATE DATABASE province OWNER motcua")
            url = server.url("province", "motcua")
            results["postgresql"] = measure("PostgreSQL", url, files, work_path)
            with ServerSession(url) as session:
                session.province.conn.execute("VACUUM ANALYZE")
                months = figures.period_of(month=MONTH)
                started = time.perf_counter()
                for _ in range(5):
                    figures.report(session, months)
                print(f"PostgreSQL after VACUUM ANALYZE: report --month {MONTH}:"
                      f" {(time.perf_counter() - started) / 5 * 1000:.0f} ms", flush=True)
            pg = results["postgresql"]
            pg_sizes(url, pg["dossiers"], pg["events"])
    if "sqlite" in results:
        ratio = results["postgresql"]["import_rate"] / results["sqlite"]["import_rate"]
        print(f"PostgreSQL import / SQLite import: {ratio:.2f}× (target ≥ 2×)")
    print(f"PostgreSQL monthly report at {results['postgresql']['dossiers']:,} dossiers:"
          f" {results['postgresql'][f'report --month {MONTH}'] * 1000:.0f} ms (target < 1000 ms)")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
