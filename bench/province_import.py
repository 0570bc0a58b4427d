"""Province import: 200 unit files totalling 1,000,000 dossiers, then the same files again.

Targets (issue 4): the first import under 60 s; the re-import under 10% of it.
The unit files are generated once (200 demo units of 5,000 dossiers, each
exported) and cached under bench/out/province-files/.

    python bench/province_import.py [--units 200] [--dossiers 5000] [--runs 3]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_units import END, OUT  # noqa: E402
from counter import demo, unit  # noqa: E402
from counter.export import export_changes  # noqa: E402
from counter.province.importing import import_files  # noqa: E402
from counter.session import Session  # noqa: E402


def unit_file(args: tuple[int, int, Path]) -> Path:
    """The export file of demo unit number `index`, built if not cached."""
    index, count, folder = args
    target = folder / f"unit-{index:03d}.zip"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as work:
        with Session(Path(work) / "unit.sqlite3", "Bench") as session:
            unit.configure(session, unit_code=f"000.{20 + index // 100}.{index % 100:02d}.H06",
                           unit_name=f"UBND xã Thử Nghiệm {index + 1}", authority="UBND TỈNH BẮC NINH",
                           place="Thử Nghiệm", level="xa")
            demo.fill(session, count, seed=index + 1, end=END)
            result = export_changes(session, Path(work) / "exports")
        shutil.move(result.file, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--dossiers", type=int, default=5000, help="per unit")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = OUT / f"province-files-{args.units}x{args.dossiers}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Pool(2) as pool:
        files = pool.map(unit_file, [(i, args.dossiers, folder) for i in range(args.units)])
    print(f"{len(files)} unit files ready in {time.perf_counter() - started:.0f} s "
          f"({sum(f.stat().st_size for f in files) / 1e6:.0f} MB)")

    first, again = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(dir=OUT) as work:
            with Session(Path(work) / "province.sqlite3", "Bench") as session:
                started = time.perf_counter()
                result = import_files(session, files)
                first.append(time.perf_counter() - started)
                started = time.perf_counter()
                repeated = import_files(session, files)
                again.append(time.perf_counter() - started)
        assert result["files"] == args.units and result["dossiers"] == args.units * args.dossiers, result
        assert repeated["files"] == 0 and repeated["dossiers"] == 0, repeated
        print(f"run {run + 1}: import {first[-1]:.1f} s ({result['dossiers']} dossiers, {result['events']} events), "
              f"re-import {again[-1]:.2f} s")
    median_first, median_again = statistics.median(first), statistics.median(again)
    print(f"median import of {args.units} files / {args.units * args.dossiers} dossiers: {median_first:.1f} s "
          f"(target < 60 s)")
    print(f"median re-import: {median_again:.2f} s = {median_again / median_first:.1%} of the first (target < 10%)")


if __name__ == "__main__":
    main()
