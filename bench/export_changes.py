"""Export of one day's 300 changes in a 10k and a 1M-dossier unit database.

Target (issue 4): the 1M export within 1.2x of the 10k one: an export's cost
follows the changes, not the database size. Each round makes 300 changes (200
receipts and 100 corrections of dossiers picked at random across the whole
database, so cold pages are read too) and times `export_changes` alone.

The demo databases, and copies of them after their first full export, are
cached under bench/out/ (the 1M one takes several minutes to build).

    python bench/export_changes.py [--sizes 10000 1000000] [--rounds 7]
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_units import END, OUT, demo_unit  # noqa: E402
from counter import corrections, dossiers, intake  # noqa: E402
from counter.export import export_changes  # noqa: E402
from counter.session import Session  # noqa: E402


def exported_unit(count: int) -> Path:
    """A cached demo unit whose dossiers were all exported once."""
    path = OUT / f"unit-{count}-exported.sqlite3"
    if path.exists():
        return path
    building = path.with_name(path.name + ".building")
    shutil.copy(demo_unit(count), building)
    with Session(building, "Bench") as session, tempfile.TemporaryDirectory(dir=OUT) as folder:
        started = time.perf_counter()
        result = export_changes(session, Path(folder))
        print(f"first export of {count}: {result.dossiers} dossiers, {result.events} events, "
              f"{Path(result.file).stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(path)
    return path


def a_day_of_changes(session: Session, rng: random.Random, day: datetime, total: int) -> None:
    for n in range(200):
        intake.receive(session, "2.000815", f"Nguyễn Văn Thử {n}", phone=f"09{rng.randrange(10**8):08d}",
                       at=day + timedelta(minutes=2 * n))
    for dossier in dossiers.many(session, rng.sample(range(1, total + 1), 100)):
        corrections.edit(session, dossier.code, "address", f"Thôn mới số {rng.randrange(1000)}", "Cập nhật địa chỉ")


def measure(count: int, rounds: int) -> list[float]:
    work = OUT / f"work-{count}.sqlite3"
    for stale in OUT.glob(work.name + "*"):
        stale.unlink()
    shutil.copy(exported_unit(count), work)
    rng = random.Random(count)
    times = []
    with Session(work, "Bench") as session, tempfile.TemporaryDirectory(dir=OUT) as folder:
        for day in range(rounds):
            a_day_of_changes(session, rng, datetime.combine(END.date() + timedelta(days=day + 1),
                                                            datetime.min.time()).replace(hour=7, minute=30), count)
            started = time.perf_counter()
            result = export_changes(session, Path(folder))
            times.append(time.perf_counter() - started)
            assert result.dossiers == 300 and result.events == 300, result
    for stale in OUT.glob(work.name + "*"):
        stale.unlink()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    medians = {}
    for size in args.sizes:
        times = measure(size, args.rounds)
        medians[size] = statistics.median(times)
        print(f"{size:>9} dossiers: export of 300 changes, median {medians[size] * 1000:.1f} ms "
              f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {len(times)} rounds)")
    if len(medians) > 1:
        small, large = medians[min(medians)], medians[max(medians)]
        print(f"ratio {max(medians)} / {min(medians)}: {large / small:.2f}x (target within 1.2x)")


if __name__ == "__main__":
    main()
