"""Demo unit databases for the benchmarks, built once and cached under bench/out/.

A database is built under a temporary name and renamed when complete, so an
interrupted build is never mistaken for a cached one.
"""

import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from counter import demo  # noqa: E402
from counter.session import Session  # noqa: E402
from db.files import folder_for  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
# A fixed end keeps cached databases identical from run to run.
END = datetime(2025, 11, 28, 17, 0)


def demo_unit(count: int, name: str | None = None) -> Path:
    """Path of a cached demo unit database holding `count` dossiers."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (name or f"unit-{count}-end-{END:%Y%m%d}.sqlite3")
    if path.exists():
        return path
    building = path.with_name(path.name + ".building")
    for stale in building.parent.glob(building.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    started = time.perf_counter()
    with Session(building, "Bench") as session:
        demo.fill(session, count, seed=1, end=END)
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(path)
    # Scans live beside the database (db.files.folder_for): move them along.
    folder_for(building).rename(folder_for(path))
    print(f"built {path.name}: {count} dossiers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


if __name__ == "__main__":
    for size in sys.argv[1:]:
        print(demo_unit(int(size)))
