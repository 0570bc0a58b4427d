"""Helpers shared by the benchmark scripts: cached demo databases and timing summaries."""

import statistics
import time
from pathlib import Path

from counter import demo
from counter.session import Session

OUT = Path(__file__).parent / "out"


def demo_database(count: int, name: str | None = None, seed: int = 1) -> tuple[Path, float | None]:
    """A demo unit database with `count` dossiers, built once and cached under bench/out/.

    Returns the path and the fill rate (dossiers/s) when it had to be built."""
    OUT.mkdir(exist_ok=True)
    path = OUT / (name or f"unit-{count}-seed-{seed}.sqlite3")
    if path.exists():
        return path, None
    partial = path.with_name(path.name + ".building")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    with Session(partial, "bench") as session:
        demo.fill(session, count, seed=seed, progress=_progress)
        session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    rate = count / (time.perf_counter() - started)
    print()
    partial.rename(path)
    files = partial.with_name(partial.name + "-files")
    if files.exists():
        files.rename(path.with_name(path.name + "-files"))
    return path, rate


def _progress(done: int, total: int) -> None:
    print(f"\r  filling {done:,}/{total:,}", end="", flush=True)


def timed(action, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls of `action(i)`."""
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ordered)})"
