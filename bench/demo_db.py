"""Demo databases for the benchmarks, built once and cached under bench/out/ (git-ignored).

A 1,000,000-dossier database takes a few minutes to fill; the benchmarks
reuse it. A database only counts as built when its marker file exists.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from counter import catalogue, demo, unit  # noqa: E402
from counter.session import Session  # noqa: E402
from db.files import folder_for  # noqa: E402

OUT = ROOT / "bench" / "out"


def database(count: int) -> Path:
    """Path of a unit database holding `count` demo dossiers (0: set up, no dossiers)."""
    path = OUT / f"demo-{count}.sqlite3"
    marker = path.with_name(path.name + ".done")
    if marker.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    with Session(path, "Benchmark") as session:
        unit.configure(session, **demo.DEMO_SETTINGS)
        catalogue.import_catalogue(session, catalogue.STARTER)
        if count:
            demo.fill(session, count, progress=_progress)
    print(f"\nbuilt {path} ({count} dossiers) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    assert folder_for(path).exists() or not count
    marker.write_text(str(count))
    return path


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    for n in sys.argv[1:] or ["0", "1000000"]:
        print(database(int(n)))
