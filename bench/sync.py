"""Unit sync benchmark (issue 12).

1. A day: 5 counters, each 300 dossiers (~4 events each) since the last sync; one round (each counter
   syncs, then each syncs again to take what the others wrote after it) until all hold everything.
   Target: under 2 s per counter.
2. A month away: 5 counters × 6,000 dossiers; four synced together, the fifth back after a month syncs
   once: its own month out, the other four months in. Target: under 30 s.
3. 50 MB of scans in the folder: how long until another counter has the records (they do not wait for
   the scans), and how long the scans take after.

    .venv/bin/python -m bench.sync [--day 300] [--month 6000] [--scans-mb 50]
"""

import argparse
import os
import shutil
import time
from pathlib import Path

from bench.common import OUT
from counter import catalogue, demo, digitization, intake, keys, peers, sync, unit
from counter.session import Session

UNIT = {"unit_code": "000.00.53.H48", "unit_name": "UBND xã Tân Tiến", "authority": "UBND TỈNH BẮC NINH",
        "place": "Tân Tiến"}
COUNTERS = 5


def _counter(folder: Path, number: int) -> Session:
    session = Session(folder / f"ws{number}.sqlite3", f"Cán bộ quầy {number}")
    unit.configure(session, **UNIT, workstation=number, station_name=f"Quầy {number}")
    catalogue.import_catalogue(session, catalogue.STARTER)
    return session


def _approved(counters: list[Session]) -> list[Session]:
    """Each counter's admin approves the others' keys once (issue 13), as at the set-up of a unit."""
    prints = [keys.current(s).fingerprint for s in counters]
    for s in counters:
        for other, fingerprint in zip(counters, prints, strict=True):
            if other is not s:
                peers.approve(s, fingerprint)
    return counters


def _fresh(name: str) -> Path:
    place = OUT / "sync" / name
    shutil.rmtree(place, ignore_errors=True)
    (place / "share").mkdir(parents=True)
    return place


def _records(session: Session) -> int:
    return session.db.execute("SELECT count(*) FROM events").fetchone()[0]


def day(count: int) -> None:
    place = _fresh("day")
    share = place / "share"
    counters = _approved([_counter(place, k) for k in range(1, COUNTERS + 1)])
    for s in counters:
        sync.sync(s, share)
    for n, s in enumerate(counters):
        demo.fill(s, count, seed=20 + n)
    events = sum(_records(s) for s in counters)
    times = []
    started = time.perf_counter()
    for _round in range(2):
        for s in counters:
            begun = time.perf_counter()
            sync.sync(s, share)
            times.append(time.perf_counter() - begun)
    total = time.perf_counter() - started
    assert len({_records(s) for s in counters}) == 1, "not converged"
    per = [times[k] + times[k + COUNTERS] for k in range(COUNTERS)]
    print(f"a day: {COUNTERS} counters × {count} dossiers ({events:,} events in all) — round to convergence "
          f"{total:.2f} s; per counter: max {max(per):.2f} s, mean {sum(per) / COUNTERS:.2f} s "
          f"(target < 2 s each)")
    for s in counters:
        s.close()


def month(count: int) -> None:
    place = _fresh("month")
    share = place / "share"
    counters = _approved([_counter(place, k) for k in range(1, COUNTERS + 1)])
    for s in counters:
        sync.sync(s, share)
    for n, s in enumerate(counters):
        demo.fill(s, count, seed=40 + n)
    staying, away = counters[:-1], counters[-1]
    begun = time.perf_counter()
    for _round in range(2):
        for s in staying:
            sync.sync(s, share)
    print(f"  (the four staying counters synced their months with each other in {time.perf_counter() - begun:.1f} s)")
    begun = time.perf_counter()
    report = sync.sync(away, share, scans=False)
    records = time.perf_counter() - begun
    begun = time.perf_counter()
    scans = sync.fetch_scans(away, share)
    fetched = time.perf_counter() - begun
    print(f"a month away: {COUNTERS} × {count:,} dossiers — the returning counter sent {report['sent']:,} and "
          f"received {report['received']:,} records in {records:.1f} s (target < 30 s); "
          f"{scans} scans after in {fetched:.1f} s")
    begun = time.perf_counter()
    sync.sync(staying[0], share)
    print(f"  (a staying counter took the returning one's month in {time.perf_counter() - begun:.1f} s)")
    for s in counters:
        s.close()


def scans(megabytes: int) -> None:
    place = _fresh("scans")
    share = place / "share"
    first, second = _approved([_counter(place, 1), _counter(place, 2)])
    size = 1 << 20
    scan_folder = place / "scans"
    scan_folder.mkdir()
    for n in range(megabytes):
        path = scan_folder / f"scan-{n:03d}.pdf"
        path.write_bytes(b"%PDF-1.4\n" + os.urandom(size - 16) + b"\n%%EOF\n")
        code = intake.receive(first, "2.001035", f"Người nộp {n}").code
        digitization.attach(first, code, document=1, file=path)
    sync.sync(first, share)
    published = sum(p.stat().st_size for p in share.rglob("files/*"))
    begun = time.perf_counter()
    report = sync.sync(second, share, scans=False)
    records = time.perf_counter() - begun
    begun = time.perf_counter()
    fetched = sync.fetch_scans(second, share)
    taken = time.perf_counter() - begun
    print(f"scans: {published / 2**20:.0f} MB in the folder — {report['received']} records visible after "
          f"{records:.2f} s; then {fetched} scans copied and checked in {taken:.1f} s")
    first.close()
    second.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--day", type=int, default=300)
    parser.add_argument("--month", type=int, default=6000)
    parser.add_argument("--scans-mb", type=int, default=50)
    args = parser.parse_args()
    day(args.day)
    month(args.month)
    scans(args.scans_mb)


if __name__ == "__main__":
    main()
