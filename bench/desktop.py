"""Desktop app benchmark (issue 5): start-up, search and memory at 1,000,000 dossiers vs empty.

    .venv/bin/python -m bench.desktop [--dossiers N] [--runs R]

Each measurement starts the real app offscreen in a fresh process
(bench/desktop_child.py). Reports medians of R runs:
- start-up: process start to the main window shown and painted (target at
  1M: at most 1.5x the empty database), to the window usable (after the
  start-up integrity check, which reads the whole file), and to the list's
  first rows;
- search: from the end of the typing pause to the list's first rows painted
  (target: under 150 ms), and from the last key (the 250 ms pause included);
- memory: peak resident memory with the list open and scrolled end to end
  (target at 1M: under 2x the empty database).
Figures go to bench/out/desktop.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, demo_database
from counter import catalogue, demo, dossier_list, unit
from counter.session import Session

ROOT = Path(__file__).resolve().parent.parent


def empty_database() -> Path:
    """A set-up unit (starter catalogue) without dossiers."""
    path = OUT / "unit-empty.sqlite3"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        with Session(path, "bench") as session:
            unit.configure(session, **demo.DEMO_SETTINGS)
            catalogue.import_catalogue(session, catalogue.STARTER)
    return path


def child(path: Path, mode: str, extra: list[str] = ()) -> dict:
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "bench.desktop_child", str(path), mode, repr(started), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"benchmark child failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1])
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def sample_keys(path: Path) -> list[str]:
    """A real full code and a real CCCD number, as a scanner or an officer would enter them."""
    with Session(path) as session:
        ids = dossier_list.ids(session, dossier_list.ListFilter(), limit=5000)
        row = dossier_list.rows(session, [ids[-1]])[ids[-1]]
    return [row.code, row.id_number]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    big, _rate = demo_database(args.dossiers)
    empty = empty_database()
    child(empty, "startup")  # warm the page cache and the Python bytecode once
    child(big, "startup")
    results: dict = {"dossiers": args.dossiers, "runs": args.runs}
    for label, path in (("empty", empty), ("big", big)):
        runs = [child(path, "startup") for _ in range(args.runs)]
        results[f"startup_{label}"] = {k: median(runs, k) for k in ("window_s", "ready_s", "first_rows_s",
                                                                    "complete_s")}
        memory = [child(path, "memory") for _ in range(max(1, args.runs // 2))]
        results[f"memory_{label}_mb"] = median(memory, "peak_rss_mb")
    searches = child(big, "search", sample_keys(big))["searches"]
    by_text: dict = {}
    for s in searches:
        by_text.setdefault(s["text"], []).append(s)
    results["search"] = {
        text: {"found": runs[0]["found"], "ms": statistics.median(r["ms"] for r in runs),
               "with_pause_ms": statistics.median(r["with_pause_ms"] for r in runs),
               "count_ms": statistics.median(r["count_ms"] for r in runs)}
        for text, runs in by_text.items()
    }
    results["search_all_median_ms"] = statistics.median(s["ms"] for s in searches)
    results["search_all_max_ms"] = max(s["ms"] for s in searches)
    (OUT / "desktop.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)


def report(r: dict) -> None:
    e, b = r["startup_empty"], r["startup_big"]
    print(f"start-up to main window shown: empty {e['window_s']:.2f} s, {r['dossiers']:,} dossiers "
          f"{b['window_s']:.2f} s  -> {b['window_s'] / e['window_s']:.2f}x (target <= 1.5x)")
    print(f"  usable (start-up check done): empty {e['ready_s']:.2f} s, big {b['ready_s']:.2f} s")
    print(f"  list's first rows: empty {e['first_rows_s']:.2f} s, big {b['first_rows_s']:.2f} s; "
          f"full count: big {b['complete_s']:.2f} s")
    print(f"peak memory, list open and scrolled: empty {r['memory_empty_mb']:.0f} MB, big "
          f"{r['memory_big_mb']:.0f} MB -> {r['memory_big_mb'] / r['memory_empty_mb']:.2f}x (target < 2x)")
    print("search (median of 5), pause end -> first rows painted | from last key | full count:")
    for text, s in r["search"].items():
        print(f"  {text!r:32} {s['ms']:7.1f} ms | {s['with_pause_ms']:7.1f} ms | {s['count_ms']:7.1f} ms "
              f"({s['found']:,} found)")
    print(f"  all searches: median {r['search_all_median_ms']:.1f} ms, max {r['search_all_max_ms']:.1f} ms "
          "(target < 150 ms)")


if __name__ == "__main__":
    main()
