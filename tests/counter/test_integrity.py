"""Issue 16: the start-up check only when it can matter; the background check table by table;
backups stepped, giving way, cancellable, structure-checked and fully checked once a week."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter import backups, dossiers, integrity
from counter.recovery import recover_if_damaged
from counter.session import Session
from db import backup as backup_db
from db import clean_close
from db import integrity as checks
from tests.counter.helpers import receive
from tests.counter.test_backups import _corrupt, _damaged_unit

ROOT = Path(__file__).parents[2]


def _keep_times(path: Path, action) -> None:
    """Run `action` on the file and give it back its size-and-time look (a disk failing in place)."""
    found = path.stat()
    action()
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))


def _quick_checks(monkeypatch) -> list:
    calls: list = []
    real = backup_db.integrity_problems
    monkeypatch.setattr(backup_db, "integrity_problems", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def test_a_clean_close_leaves_a_mark_that_the_next_open_removes(session):
    path = session.path
    assert not clean_close.mark_path(path).exists()  # open: the file may change
    session.close()
    assert clean_close.mark_path(path).exists()
    assert clean_close.reason_to_check(path) is None
    with Session(path):
        assert not clean_close.mark_path(path).exists()
        assert clean_close.reason_to_check(path) == "no clean-close mark"
    assert clean_close.reason_to_check(path) is None


def test_two_processes_the_last_to_close_writes_the_mark(session, tmp_path):
    path = session.path
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from counter.session import Session\n"
        f"s = Session({str(path)!r}); print('open', flush=True); sys.stdin.readline(); s.close()")],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        session.close()
        assert not clean_close.mark_path(path).exists()  # the other process still has it open
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(30) == 0
    finally:
        child.kill()
    assert clean_close.reason_to_check(path) is None


def test_after_a_clean_close_start_up_does_not_read_the_whole_file(db_path, monkeypatch):
    _damaged_unit(db_path)
    calls = _quick_checks(monkeypatch)
    assert recover_if_damaged(db_path) is None
    assert calls == []


def test_damage_written_after_the_close_is_found_at_start_up(db_path):
    """Any write after motcua closed the file changes its time: the check runs and recovers."""
    kept, later, _backup, index_page = _damaged_unit(db_path)
    _corrupt(db_path, index_page)
    assert clean_close.reason_to_check(db_path) == "the file changed after motcua closed it"
    report = recover_if_damaged(db_path)
    assert report is not None and later.code in report.to_re_enter


def test_without_the_mark_start_up_checks_and_recovers(db_path, monkeypatch):
    kept, later, _backup, index_page = _damaged_unit(db_path)
    _keep_times(db_path, lambda: _corrupt(db_path, index_page))
    clean_close.mark_path(db_path).unlink()
    calls = _quick_checks(monkeypatch)
    report = recover_if_damaged(db_path)
    assert calls and report is not None and later.code in report.to_re_enter


def test_an_unclean_shutdown_leaves_its_wal_and_start_up_checks(session, monkeypatch):
    path = session.path
    session.close()
    script = ("import os; from counter.session import Session; from tests.counter.helpers import receive\n"
              f"s = Session({str(path)!r}, 'Lan'); receive(s); os._exit(0)")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)  # killed before closing
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    assert clean_close.reason_to_check(path) in ("a non-empty -wal was left behind (unclean shutdown)",
                                                 "no clean-close mark")
    calls = _quick_checks(monkeypatch)
    assert recover_if_damaged(path) is None  # checked, and sound
    assert calls
    with Session(path) as again:
        assert again.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1  # the save survived


# --- the background check ------------------------------------------------------------------------

def _never() -> bool:
    return False


def test_the_background_check_reads_a_sound_file_fully_then_table_by_table_and_records_when(db_path,
                                                                                          monkeypatch):
    _damaged_unit(db_path)
    seen: list = []
    real = checks.problems
    monkeypatch.setattr(checks, "problems", lambda path, table, full, *rest: seen.append((table, full))
                        or real(path, table, full, *rest))
    assert integrity.background_pass(db_path, _never, _never) == []
    assert seen == [(None, True)]  # no full check recorded yet: the whole file, fully
    record = json.loads(clean_close.checks_path(db_path).read_text())
    assert "full_at" in record
    seen.clear()
    assert integrity.background_pass(db_path, _never, _never) == []
    assert [full for _, full in seen] == [False] * len(seen)
    assert {table for table, _ in seen} >= {"dossiers", "events", "audit", "dossier_names_data"}
    assert "quick_at" in json.loads(clean_close.checks_path(db_path).read_text())


def _root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    finally:
        conn.close()


def test_damage_the_background_check_finds_is_told_and_repaired_at_the_next_start(db_path):
    kept, later, _backup, _index_page = _damaged_unit(db_path)
    page = _root_page(db_path, "exports")  # a table the day's receiving does not read
    _keep_times(db_path, lambda: _corrupt(db_path, page))
    assert clean_close.reason_to_check(db_path) is None  # start-up trusts the clean close ...
    assert recover_if_damaged(db_path) is None
    with Session(db_path) as session:  # ... the officer works ...
        today = receive(session, "2025-03-05 09:00")
    found = integrity.background_pass(db_path, _never, _never)  # ... and the check in the background finds it
    assert found and "hỏng" in integrity.message(found)
    assert clean_close.reason_to_check(db_path) == "the background check found damage"
    report = recover_if_damaged(db_path)
    assert report is not None and {later.code, today.code} <= set(report.to_re_enter)
    assert clean_close.damage_noted(db_path) is None
    with Session(db_path) as session:
        assert dossiers.get(session, kept.code).status == "received"


def test_the_background_check_gives_way_while_the_officer_works_and_stops_when_the_app_closes(db_path,
                                                                                             monkeypatch):
    _damaged_unit(db_path)
    monkeypatch.setattr(checks, "_EVERY", 10)
    monkeypatch.setattr(checks, "LONGEST_PAUSE", 0.2)
    monkeypatch.setattr(checks, "PAUSE_SECONDS", 0.01)
    with pytest.raises(checks.Interrupted):  # paused too long: its read transaction is let go
        checks.problems(db_path, "dossiers", False, lambda: True, _never)
    busy = iter([True] * 30 + [False] * 10**6)
    waits: list = []
    assert integrity.background_pass(db_path, lambda: next(busy), _never, waits.append) == []
    assert waits  # it tried again after giving way
    assert integrity.background_pass(db_path, _never, lambda: True) is None


# --- backups -------------------------------------------------------------------------------------

def test_a_stepped_backup_keeps_one_snapshot_while_another_connection_writes(session, monkeypatch):
    for n in range(3):
        receive(session, f"2025-03-03 0{7 + n}:00")
    monkeypatch.setattr(backup_db, "STEP_PAGES", 2)
    monkeypatch.setattr(backup_db, "YIELD_SECONDS", 0.001)  # ~60 steps: the officer's pause is not what is tested
    other = sqlite3.connect(session.path, isolation_level=None, check_same_thread=False)
    writes: list = []

    def busy() -> bool:  # the officer saves between two steps of the copy
        writes.append(other.execute("INSERT INTO calendar_days (day, working, reason) VALUES (?, 0, 'x')",
                                    [f"2030-01-{len(writes) + 1:02d}"]))
        return True

    monkeypatch.setattr(backups, "_pacing", backup_db.Pacing(busy, _never))
    made = backups.make(session)
    assert len(writes) > 3  # many steps, each with a write in between; the copy did not restart
    copy = sqlite3.connect(made)
    assert copy.execute("SELECT count(*) FROM calendar_days WHERE day >= '2030'").fetchone()[0] == 0
    assert copy.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 3
    assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_backup_cancelled_when_the_app_closes_keeps_nothing_and_the_next_start_makes_it(session,
                                                                                         monkeypatch):
    receive(session)
    folder = backups.folder(session)
    steps: list = []
    monkeypatch.setattr(backup_db, "STEP_PAGES", 2)
    monkeypatch.setattr(backups, "_pacing", backup_db.Pacing(_never, lambda: steps.append(1) or len(steps) > 3))
    assert backups.automatic(session, "startup") is None
    assert [p.name for p in folder.iterdir() if p.name != "motcua-backups.lock"] == []  # no partial copy left
    assert backup_db.listed(folder) == []
    monkeypatch.setattr(backups, "_pacing", backup_db.Pacing())
    made = backups.automatic(session, "startup")
    assert made is not None and backup_db.listed(folder)[0]["recorded"]


def test_a_backup_cancelled_while_its_copy_is_hashed_keeps_nothing(session, monkeypatch):
    receive(session)
    backups.make(session)  # the week's full check
    receive(session)
    folder = backups.folder(session)
    closing: list = []
    real = backup_db._fsync
    monkeypatch.setattr(backup_db, "_fsync", lambda path: real(path) or closing.append(path))  # the copy is done
    monkeypatch.setattr(backups, "_pacing", backup_db.Pacing(_never, lambda: bool(closing)))
    assert backups.automatic(session, "startup") is None
    assert closing and not closing[0].exists()
    assert len(backup_db.listed(folder)) == 1 and not list(folder.glob("*.partial"))


def test_each_copy_gets_the_structure_check_and_the_full_check_once_a_week(session, monkeypatch):
    kinds: list = []
    real_full, real_structure = backup_db.integrity_problems, backup_db.copy_problems
    monkeypatch.setattr(backup_db, "integrity_problems",
                        lambda *a, **k: kinds.append("full") or real_full(*a, **k))
    monkeypatch.setattr(backup_db, "copy_problems", lambda *a: kinds.append("structure") or real_structure(*a))
    folder = backups.folder(session)
    first = backups.make(session)
    receive(session)
    second = backups.make(session)
    # The first of the week fully (after its structure check), the next one by its structure only.
    assert kinds == ["structure", "full", "structure"]
    entries = {e["name"]: e for e in json.loads((folder / backup_db.MANIFEST).read_text())["backups"]}
    assert (entries[first.name]["check"], entries[second.name]["check"]) == ("full", "structure")
    assert backup_db.full_check_due(folder, datetime.now() + timedelta(days=8))
    assert not backup_db.full_check_due(folder, datetime.now() + timedelta(days=6))


def test_the_weekly_full_check_of_a_copy_waits_while_the_officer_works(session, monkeypatch):
    for n in range(3):
        receive(session, f"2025-03-03 0{7 + n}:00")
    monkeypatch.setattr(backup_db, "CHECK_WORK_SECONDS", 0.0)  # a wait after every look
    monkeypatch.setattr(backup_db, "CHECK_EVERY", 100)  # a small file's check is a few thousand steps
    monkeypatch.setattr(backup_db, "YIELD_SECONDS", 0.0)
    waits: list = []
    monkeypatch.setattr(backup_db.time, "sleep", waits.append)
    checks_waited: list = []
    real = backup_db.integrity_problems

    def full_check(*args, **kwargs) -> list[str]:
        before = len(waits)
        found = real(*args, **kwargs)
        checks_waited.append(len(waits) - before)
        return found

    monkeypatch.setattr(backup_db, "integrity_problems", full_check)
    monkeypatch.setattr(backups, "_pacing", backup_db.Pacing(lambda: True, _never))
    made = backups.make(session)
    entries = json.loads((backups.folder(session) / backup_db.MANIFEST).read_text())["backups"]
    assert [e["check"] for e in entries] == ["full"] and checks_waited[0] > 0
    # An idle counter's check does not wait; it finds the same (nothing) either way.
    waits.clear()
    assert real(made, pacing=backup_db.Pacing()) == [] and waits == []
    assert real(made, pacing=backup_db.Pacing(lambda: True, _never)) == [] and waits
    # Given up (the app closes), it stops at its first look and finds nothing: the caller discards the copy
    # (two looks: the one that stops it, and the one that tells the interruption from damage).
    looks: list = []
    assert real(made, pacing=backup_db.Pacing(_never, lambda: looks.append(1) or True)) == [] and looks == [1, 1]


@pytest.mark.parametrize("check", ["integrity_problems", "copy_problems"])
def test_a_copy_that_fails_its_check_is_not_kept(session, monkeypatch, check):
    monkeypatch.setattr(backup_db, check, lambda *a, **k: ["*** in database main *** Page 7: bad"])
    with pytest.raises(Exception, match="không vượt qua kiểm tra toàn vẹn"):
        backups.make(session)
    assert backup_db.listed(backups.folder(session)) == []
