"""Every issue 16 measurement at a million dossiers, app against floor in one run.

    .venv/bin/python -m bench all [--dossiers N] [--runs R] [--skip-startup]

Builds or reuses the cached demo unit (bench/demo_units.py) and prints one
table: operation, app, floor, ratio, target, verdict, warm and cold. Cold
means the database file was evicted from the page cache first
(`posix_fadvise(POSIX_FADV_DONTNEED)`); warm is the median of R runs after
one unmeasured run. The floor is the same work done by hand on the same file:

- start-up until usable: the real app offscreen (bench/desktop_child.py) on
  the empty database; target 1.3x;
- backup: SQLite's backup API in one step (what `.backup` does), without any
  check; target 1.5x. Receive and search p95 while a backup runs against
  their p95 without one: target 1.2x;
- each list filter's first page (the ids of the first screenful and its
  rows, as the list asks): the same page by a hand-written query on the
  filter's index; target 50 ms warm, 300 ms cold;
- Today's and the month's figures: one count of the month from an index;
  target 20 ms warm;
- search p95 through counter.search: target 30 ms.
Results also go to bench/out/all.json.
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.demo_units import END, OUT, demo_unit
from counter import backups, dossier_list, indicators, intake, search
from counter.dossier_list import ListFilter
from counter.session import Session
from counter.transitions import Status
from db import backup as backup_db
from db import dossier_list as list_queries

PAGE = 50
FIRST = 1000


def evict(path: Path) -> None:
    """Drop the database (and its WAL) from the page cache, as after a reboot."""
    for name in (path, path.with_name(path.name + "-wal")):
        if not name.exists():
            continue
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def warm_cold(path: Path, action: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median warm ms, cold ms) of `action`; cold after evicting `path`."""
    evict(path)
    cold = _ms(action)
    _ms(action)
    warm = statistics.median(_ms(action) for _ in range(runs))
    return warm, cold


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, operation: str, app: float, floor: float | None, target: float, unit: str, ratio_target: bool,
            cache: str) -> None:
        ratio = app / floor if floor else None
        measured = ratio if ratio_target else app
        verdict = "n/a" if measured is None else ("ok" if measured <= target else "MISSED")
        self.rows.append({"operation": operation, "cache": cache, "app": app, "floor": floor, "ratio": ratio,
                          "target": (f"<= {target:g}x" if ratio_target else f"<= {target:g} {unit}"),
                          "unit": unit, "verdict": verdict})
        print(self.line(self.rows[-1]), flush=True)

    @staticmethod
    def line(row: dict) -> str:
        unit = row["unit"]
        floor = f"{row['floor']:.1f} {unit}" if row["floor"] is not None else "—"
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "—"
        return (f"| {row['operation']:<44} | {row['cache']:<4} | {row['app']:9.1f} {unit:<2} | {floor:>12} | "
                f"{ratio:>7} | {row['target']:>9} | {row['verdict']:<6} |")

    def print(self) -> None:
        print()
        print(f"| {'operation':<44} | {'':<4} | {'app':>12} | {'floor':>12} | {'ratio':>7} | {'target':>9} | "
              f"{'verdict':<6} |")
        print(f"|{'-' * 46}|{'-' * 6}|{'-' * 14}|{'-' * 14}|{'-' * 9}|{'-' * 11}|{'-' * 8}|")
        for row in self.rows:
            print(self.line(row))


# The list's filters as an officer picks them, and the index a hand-written query would walk.
FILTERS = {
    "list: everything": (ListFilter(), "dossiers_received", ""),
    "list: returned": (ListFilter(statuses=(Status.RETURNED,)), "dossiers_received",
                       f"+status = '{Status.RETURNED.value}'"),
    "list: received (open)": (ListFilter(statuses=(Status.RECEIVED,)), "dossiers_status",
                              f"status = '{Status.RECEIVED.value}'"),
    "list: one procedure": (ListFilter(procedure_code="2.001035"), "dossiers_procedure",
                            "procedure_code = '2.001035'"),
    "list: received last 365 days": (ListFilter(received_from=(END - timedelta(days=365)).date()),
                                     "dossiers_received",
                                     f"received_at >= '{(END - timedelta(days=365)).date()}T00:00:00'"),
    "list: chưa số hóa (not digitized)": (ListFilter(digitized=False), "dossiers_digitized", "digitized = 0"),
    "list: thiếu bản quét (scans missing)": (ListFilter(scans_missing=True), "dossiers_scans_missing",
                                             list_queries.SCANS_MISSING),
    "list: overdue": (ListFilter(due="overdue"), "dossiers_due_open",
                      f"status = '{Status.RECEIVED.value}' AND due_at < '{{now}}'"),
}


def lists(path: Path, table: Table, runs: int) -> None:
    with Session(path, "bench") as session:
        for name, (chosen, index, condition) in FILTERS.items():
            def app(chosen: ListFilter = chosen) -> None:
                head = dossier_list.ids(session, chosen, END, limit=FIRST)
                assert head is not None
                dossier_list.rows(session, list(head[:PAGE]), END)

            where = ("WHERE " + condition.format(now=END.isoformat(timespec="seconds"))) if condition else ""
            by_hand = (f"SELECT {', '.join(list_queries.LIST_COLUMNS)} FROM dossiers INDEXED BY {index} {where}"
                       f" ORDER BY received_at DESC, id DESC LIMIT {PAGE}")

            def floor(by_hand: str = by_hand) -> None:
                session.db.conn.execute(by_hand).fetchall()

            app_warm, app_cold = warm_cold(path, app, runs)
            floor_warm, floor_cold = warm_cold(path, floor, runs)
            table.add(name, app_warm, floor_warm, 50, "ms", False, "warm")
            table.add(name, app_cold, floor_cold, 300, "ms", False, "cold")


def today(path: Path, table: Table, runs: int) -> None:
    with Session(path, "bench") as session:
        moment = END
        month = indicators.Period.month(moment.year, moment.month)

        def app() -> None:
            indicators.figures(session, indicators.Period.day(moment.date()))
            indicators.figures(session, month)

        def floor() -> None:
            session.db.conn.execute("SELECT count(*) FROM dossiers WHERE received_at >= ?",
                                    [month.start.isoformat(timespec="seconds")]).fetchone()

        app_warm, app_cold = warm_cold(path, app, runs)
        floor_warm, floor_cold = warm_cold(path, floor, runs)
        table.add("Today + month figures (head of unit)", app_warm, floor_warm, 20, "ms", False, "warm")
        table.add("Today + month figures (head of unit)", app_cold, floor_cold, 300, "ms", False, "cold")


def _searches(session: Session) -> list[str]:
    rows = session.db.execute("SELECT applicant_name, id_number, code FROM dossiers WHERE id % 4999 = 7"
                              " LIMIT 120").fetchall()
    texts = []
    for name, id_number, code in rows:
        texts += [" ".join(name.split()[-2:]), id_number, code[-4:]]
    return texts


def _searcher(session: Session, text: str) -> Callable[[], object]:
    return lambda: search.search(session, text)


def searching(path: Path, table: Table) -> None:
    with Session(path, "bench") as session:
        texts = _searches(session)
        for text in texts[:20]:
            search.search(session, text)
        times = [_ms(_searcher(session, text)) for text in texts]
        table.add("search p95 (name, CCCD, code tail)", p95(times), None, 30, "ms", False, "warm")


def backing_up(path: Path, table: Table, runs: int) -> None:
    """The app's backup (stepped, checked, hashed, recorded) against one step of the backup API."""
    folder = OUT / "all-backups"
    with Session(path, "bench") as session:
        conn = session.db.conn

        def floor() -> None:
            target = OUT / "all-floor.sqlite3"
            target.unlink(missing_ok=True)
            out = sqlite3.connect(target)
            conn.backup(out)
            out.close()
            target.unlink()

        def app() -> Path:
            return backup_db.backup_into(conn, folder, backup_db.name_for(datetime.now(), None, "bench"))

        def quick() -> None:
            backup_db.remove(folder, [app()])  # the week's fully checked one stays: these get the structure check

        shutil.rmtree(folder, ignore_errors=True)
        full = _ms(app)  # the first of the week gets the full check
        warm_app = statistics.median(_ms(quick) for _ in range(max(1, runs // 2)))
        warm_floor = statistics.median(_ms(floor) for _ in range(max(1, runs // 2)))
        evict(path)
        cold_app = _ms(quick)
        evict(path)
        cold_floor = _ms(floor)
        table.add("backup (weekly: full integrity check)", full / 1000, warm_floor / 1000, 1.5, "s", True, "warm")
        table.add("backup (each copy: structure check)", warm_app / 1000, warm_floor / 1000, 1.5, "s", True, "warm")
        table.add("backup (each copy: structure check)", cold_app / 1000, cold_floor / 1000, 1.5, "s", True, "cold")
        shutil.rmtree(folder, ignore_errors=True)


def while_backing_up(path: Path, table: Table) -> None:
    """Receive and search p95 while a backup runs (the officer at work: the backup gives way)."""
    work = OUT / "all-work.sqlite3"
    if not work.exists():
        shutil.copy(path, work)
    for suffix in ("-wal", "-shm"):
        work.with_name(work.name + suffix).unlink(missing_ok=True)
    folder = backup_db.folder_for(work)
    with Session(work, "bench") as session:
        texts = _searches(session)
        # After the newest dossier: the work copy is kept between runs, and a day has 9,999 numbers.
        newest = session.db.execute("SELECT max(received_at) FROM dossiers").fetchone()[0]
        moment = [max(datetime(2025, 11, 28, 7, 0), datetime.fromisoformat(newest) if newest else END)]

        def receive() -> None:
            moment[0] += timedelta(seconds=30)
            intake.receive(session, "2.001035", "Nguyễn Văn Thử", at=moment[0])

        def measure(seconds: float) -> tuple[list[float], list[float]]:
            received, searched = [], []
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                received.append(_ms(receive))
                for text in texts[len(received) % 40::40][:3]:
                    searched.append(_ms(_searcher(session, text)))
            return received, searched

        for text in texts:
            search.search(session, text)
        quiet_receive, quiet_search = measure(20)
        backups.give_way(lambda: True, lambda: False)  # the officer is working throughout

        def while_a_backup_runs() -> tuple[list[float], list[float]]:
            done = threading.Event()

            def backup() -> None:
                with Session(work, "bench") as other:
                    backups.automatic(other, "bench")
                done.set()

            thread = threading.Thread(target=backup)
            thread.start()
            busy_receive, busy_search = [], []
            while not done.is_set():
                r, s = measure(2)
                busy_receive += r
                busy_search += s
            thread.join()
            return busy_receive, busy_search

        shutil.rmtree(folder, ignore_errors=True)
        weekly = while_a_backup_runs()  # the first of the week: the full check
        each = while_a_backup_runs()  # the officer's receives since then are new: the structure check
        backups.give_way(lambda: False, lambda: False)
        shutil.rmtree(folder, ignore_errors=True)
    for kind, (busy_receive, busy_search) in (("weekly", weekly), ("each copy", each)):
        table.add(f"receive p95 while a backup runs ({kind})", p95(busy_receive), p95(quiet_receive), 1.2, "ms",
                  True, "warm")
        table.add(f"search p95 while a backup runs ({kind})", p95(busy_search), p95(quiet_search), 1.2, "ms",
                  True, "warm")


def starting(path: Path, table: Table, runs: int) -> None:
    from bench.desktop import child, empty_database

    empty = empty_database()
    for database in (empty, path):  # the start-up backup is made: each start after it has nothing new to save
        with Session(database, "bench") as session:
            backups.automatic(session, "bench")
    child(empty, "startup")
    child(path, "startup")
    empty_runs = [child(empty, "startup") for _ in range(runs)]
    big_runs = [child(path, "startup") for _ in range(runs)]
    evict(empty)
    empty_cold = child(empty, "startup")
    evict(path)
    big_cold = child(path, "startup")
    for label, key in (("start-up until usable", "ready_s"), ("start-up to the list's first rows", "first_rows_s")):
        table.add(label, statistics.median(r[key] for r in big_runs), statistics.median(r[key] for r in empty_runs),
                  1.3, "s", True, "warm")
        table.add(label, big_cold[key], empty_cold[key], 1.3, "s", True, "cold")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench all")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["startup", "backup", "busy", "lists", "today", "search"])
    args = parser.parse_args(argv)
    path = demo_unit(args.dossiers)
    print(f"{path.name}: {path.stat().st_size / 1e9:.2f} GB, {os.cpu_count()} cores, {date.today()}", flush=True)
    table = Table()
    steps = [("lists", lambda: lists(path, table, args.runs)), ("today", lambda: today(path, table, args.runs)),
             ("search", lambda: searching(path, table)), ("startup", lambda: starting(path, table, args.runs)),
             ("backup", lambda: backing_up(path, table, args.runs)), ("busy", lambda: while_backing_up(path, table))]
    for name, step in steps:
        if name not in args.skip:
            step()
    table.print()
    (OUT / "all.json").write_text(json.dumps(table.rows, indent=1, ensure_ascii=False))
