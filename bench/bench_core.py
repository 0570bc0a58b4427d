"""Core benchmark (issue 2): a 1,000,000-dossier unit database.

Reports the demo insert rate, search latency (name prefix, ID number, code tail:
median and p95, through `counter.search.search` with its row loading), the
time of `receive` on the full database, and the database size.
Targets: search p95 under 30 ms; receive under 20 ms.

    .venv/bin/python -m bench.bench_core [--dossiers N]
"""

import argparse
import random
import shutil
from datetime import datetime

from bench.common import OUT, demo_database, summary, timed
from counter import intake
from counter.search import search
from counter.session import Session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    args = parser.parse_args()
    path, rate = demo_database(args.dossiers)
    if rate:
        print(f"demo fill: {rate:,.0f} dossiers/s")
    work = OUT / f"core-{args.dossiers}.sqlite3"
    shutil.copy(path, work)
    for suffix in ("-wal", "-shm"):
        work.with_name(work.name + suffix).unlink(missing_ok=True)
    rng = random.Random(5)
    with Session(work, "bench") as session:
        db = session.db
        sample = db.execute(
            "SELECT applicant_name, id_number, code FROM dossiers WHERE id IN "
            "(SELECT abs(random()) % (SELECT max(id) FROM dossiers) + 1 FROM dossiers LIMIT 400)"
        ).fetchall()
        names = [_prefix(name, rng) for name, _, _ in sample]
        ids = [row[1] for row in sample]
        tails = [row[2][-11:] if i % 2 else row[2][-4:] for i, row in enumerate(sample)]
        search(session, "warm up")
        print(f"dossiers: {db.execute('SELECT count(*) FROM dossiers').fetchone()[0]:,}")
        print(f"search name prefix : {summary(timed(lambda i: search(session, names[i % len(names)]), 300))}")
        print(f"search ID number   : {summary(timed(lambda i: search(session, ids[i % len(ids)]), 300))}")
        print(f"search code tail   : {summary(timed(lambda i: search(session, tails[i % len(tails)]), 300))}")
        procedures = ["2.001035", "2.000815", "1.001193", "1.004873"]
        when = datetime.now().replace(second=0, microsecond=0)
        receive = lambda i: intake.receive(  # noqa: E731
            session, procedures[i % 4], f"Nguyễn Văn Thử {i}", id_number=f"0241{i:08d}", phone="0912345678",
            at=when)
        print(f"receive            : {summary(timed(receive, 200))}")
    size = path.stat().st_size
    print(f"database size: {size / 2**20:,.0f} MiB ({size / args.dossiers:,.0f} bytes per dossier)")


def _prefix(name: str, rng: random.Random) -> str:
    """What an officer types: the surname and the start of the middle or given name."""
    words = name.split()
    shape = rng.choice(["full", "short", "given"])
    if shape == "full":
        return " ".join(words)
    if shape == "short":
        return f"{words[0]} {words[1]} {words[-1][:2]}"
    return f"{words[0]} {words[-1]}"


if __name__ == "__main__":
    main()
