"""Province import against its floor: unit files totalling 1,000,000 dossiers, then the same files again.

Targets (issue 16): the import at most 1.3× the floor; the re-import under 10% of the import.
The floor is the same rows the import stored (every table it fills), read back
from its database beforehand and written with `executemany` into a fresh
province database of the same schema and indexes (the same page size and
cache), in one transaction: only the writes and the commit are timed.

The unit files are format 2 and signed (issue 13), every unit's key enrolled
before the import (not timed). They are made once by bench/province_scale.py's
generator and cached under bench/out/province-scale-v2-PER/; with `--generated N`
only N units are generated and the others are the same records under their own
unit codes and keys, for a machine too busy to generate them all.

    python bench/province_import.py [--units 200] [--dossiers 5000] [--generated 20] [--runs 1]
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_units import OUT  # noqa: E402
from bench.province_scale import build, enrolment_of  # noqa: E402
from counter.province import enrolment  # noqa: E402
from counter.province.importing import import_files  # noqa: E402
from counter.session import Session  # noqa: E402
from db.province import bulk_import  # noqa: E402

TARGET = 1.3
# Every table an import writes, parents first (foreign keys).
TABLES = ("province_units", "province_files", "province_unit_ranges", "province_chain", "province_unit_events",
          "province_dossiers", "province_events", "province_conflicts")
CHUNK = 200_000


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its children that ended (the parser processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def app(database: Path, files: list[Path]) -> tuple[float, float, dict]:
    """The import of every file in one command, then the same command again."""
    with Session(database, "Bench") as session:
        for path in files:
            enrolment.enrol(session, enrolment_of(path))
        started, (own, children) = time.perf_counter(), cpu()
        result = import_files(session, files)
        first = time.perf_counter() - started
        result["cpu"] = tuple(after - before for after, before in zip(cpu(), (own, children), strict=True))
        started = time.perf_counter()
        repeated = import_files(session, files)
        again = time.perf_counter() - started
    assert result["files"] == len(files) and not result["conflicts"], result
    assert repeated["files"] == 0 and repeated["dossiers"] == 0, repeated
    return first, again, result


def floor(source: Path, database: Path) -> tuple[float, int, float]:
    """`executemany` of the rows `source` holds into a fresh database, one transaction; (seconds, rows,
    CPU seconds)."""
    timed, count, used = 0.0, 0, 0.0
    with Session(source, "Bench") as reading, Session(database, "Bench") as writing:
        read, db = reading.db.conn, writing.db
        # Timed as the import's are: to the end of `bulk_import`, whose last checkpoint makes the file durable.
        with bulk_import(db):
            db.conn.execute("BEGIN IMMEDIATE")
            for table in TABLES:
                columns = [row[1] for row in read.execute(f"PRAGMA table_info({table})")]
                insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                # In the order they were stored (the key's for a table without rowid).
                sql = read.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
                cursor = read.execute(f"SELECT {', '.join(columns)} FROM {table}"
                                      + ("" if "WITHOUT ROWID" in sql.upper() else " ORDER BY rowid"))
                while rows := cursor.fetchmany(CHUNK):
                    started, before = time.perf_counter(), cpu()[0]
                    db.conn.executemany(insert, rows)
                    timed += time.perf_counter() - started
                    used += cpu()[0] - before
                    count += len(rows)
            started, before = time.perf_counter(), cpu()[0]
            db.conn.execute("COMMIT")
        timed += time.perf_counter() - started
        used += cpu()[0] - before
    return timed, count, used


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--dossiers", type=int, default=5000, help="per unit")
    parser.add_argument("--generated", type=int, default=None,
                        help="units made by the demo generator (default: all); the others are copies of them under"
                             " their own codes and keys")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = build(args.units, args.units * args.dossiers, args.generated or args.units)
    print(f"start: {load()}", flush=True)
    apps, floors, agains = [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(dir=OUT) as work:
            imported, again, result = app(Path(work) / "province.sqlite3", files)
            print(f"run {run + 1}: import {imported:.1f} s ({result['dossiers']:,} dossiers, {result['events']:,} "
                  f"events; CPU {result['cpu'][0]:.1f} s writing + {result['cpu'][1]:.1f} s in the parser processes),"
                  f" re-import {again:.2f} s; {load()}", flush=True)
            floored, rows, used = floor(Path(work) / "province.sqlite3", Path(work) / "floor.sqlite3")
            print(f"run {run + 1}: floor {floored:.1f} s (executemany of the {rows:,} rows stored, one transaction;"
                  f" CPU {used:.1f} s); {load()}", flush=True)
            apps.append(imported)
            floors.append(floored)
            agains.append(again)
    imported, floored, again = statistics.median(apps), statistics.median(floors), statistics.median(agains)
    ratio = imported / floored
    print(f"{'operation':34} {'app':>9} {'floor':>9} {'ratio':>7} {'target':>7}  verdict")
    print(f"{'SQLite import, ' + str(args.units) + ' files':34} {imported:8.1f}s {floored:8.1f}s {ratio:6.2f}× "
          f"{TARGET:6.1f}×  {'ok' if ratio <= TARGET else 'over'}")
    print(f"re-import: {again:.2f} s = {again / imported:.1%} of the import (target < 10%)")
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
