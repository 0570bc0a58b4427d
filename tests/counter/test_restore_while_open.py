"""Issue 9, item 2: a restore while the database is open never loses an acknowledged dossier
and never hands a code out twice.

The finding: with the app open, a restore replaced the file under the app's connections;
11 of 11 receipts made after it went into the replaced file and vanished, and their codes
went to other citizens. Now a restore from another process is refused while motcua holds
the database, and a restore inside one process (the app: its write worker restores, a second
connection keeps receiving, the big list keeps reading) goes through the backup API into the
live file.
"""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from counter import backups, dossier_list, dossiers, intake, maintenance
from counter.errors import CounterError
from counter.session import Session
from tests.counter.helpers import receive
from tests.counter.test_restore_candidates import fingerprint

ROOT = Path(__file__).resolve().parents[2]


class Desk:
    """motcua in another process, with the database open."""

    def __init__(self, path: Path):
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "tests.counter.desk_driver", str(path)],
                                        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def receive(self, count: int) -> list[str]:
        self.process.stdin.write(f"receive {count}\n")
        self.process.stdin.flush()
        codes = []
        while (line := self.process.stdout.readline().strip()) != "done":
            assert line, "the other desk stopped"
            codes.append(line)
        return codes

    def quit(self) -> None:
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        assert self.process.wait(timeout=30) == 0


def _codes(path) -> set[str]:
    with Session(path) as session:
        return {row[0] for row in session.db.execute("SELECT code FROM dossiers")}


def _reserved(path) -> set[str]:
    with Session(path) as session:
        return {row[0] for row in session.db.execute("SELECT code FROM code_reservations")}


def test_a_restore_is_refused_while_another_process_has_the_database_open(session, tmp_path, cli):
    kept = [receive(session).code for _ in range(2)]
    saved = backups.make(session, tmp_path / "sang-nay.sqlite3")
    desk = Desk(session.path)
    try:
        printed = desk.receive(5)
        before = fingerprint(session)
        with pytest.raises(CounterError, match="Hãy đóng motcua trên máy này trước"):
            backups.restore(session, saved)
        code, _, err = cli("restore", str(saved))
        assert code == 1 and "Hãy đóng motcua trên máy này trước" in err and err.count("\n") == 1
        assert fingerprint(session) == before  # not even a safety backup was taken
        printed += desk.receive(5)  # the other desk kept working
        assert set(printed) <= _codes(session.path)
    finally:
        desk.quit()

    result = backups.restore(session, saved)  # the other desk closed: now it may
    assert set(result.only_in_safety_copy) == set(printed)
    assert _codes(session.path) == set(kept)
    assert set(printed) <= _reserved(session.path)  # their receipts' codes are never handed out again
    desk = Desk(session.path)
    try:
        after = desk.receive(5) + [receive(session).code for _ in range(5)]
    finally:
        desk.quit()
    everything = kept + printed + after
    assert len(everything) == len(set(everything)), "a code was handed out twice"
    assert set(after) <= _codes(session.path)


def test_inside_one_process_other_connections_keep_working_across_a_restore(session, tmp_path):
    kept = [receive(session).code for _ in range(2)]
    saved = backups.make(session, tmp_path / "sang-nay.sqlite3")
    lost = [receive(session).code for _ in range(3)]
    restored, stop = threading.Event(), threading.Event()
    receipts: list[tuple[str, bool]] = []  # (code, started after the restore had returned)
    seen: list[int] = []
    failures: list[BaseException] = []

    def second_desk() -> None:
        try:
            with Session(session.path, "Quầy hai") as desk:
                while not stop.is_set():
                    after = restored.is_set()
                    receipts.append((intake.receive(desk, "2.001035", "Người Quầy Hai").code, after))
        except BaseException as exc:
            failures.append(exc)

    def big_list() -> None:
        try:
            with Session(session.path) as reader:
                while not stop.is_set():
                    seen.append(len(dossier_list.ids(reader, dossier_list.ListFilter())))
                    time.sleep(0.005)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=second_desk), threading.Thread(target=big_list)]
    for thread in threads:
        thread.start()
    try:
        _wait(lambda: len(receipts) >= 5 and seen)
        result = backups.restore(session, saved)
        restored.set()
        _wait(lambda: sum(after for _, after in receipts) >= 11)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures

    final = _codes(session.path)
    with Session(result.previous_saved_as) as safety:
        in_safety = {row[0] for row in safety.db.execute("SELECT code FROM dossiers")}
    after = [code for code, later in receipts if later]
    assert len(after) >= 11 and set(after) <= final  # every receipt made after the restore is there
    for code, _ in receipts:
        assert code in final or code in in_safety, f"{code} was acknowledged and is nowhere"
    assert set(lost) <= set(result.only_in_safety_copy)
    assert set(result.only_in_safety_copy) == in_safety - set(kept)
    everything = kept + lost + [code for code, _ in receipts] + [receive(session).code for _ in range(3)]
    assert len(everything) == len(set(everything)), "a code was handed out twice"
    assert set(everything) <= _reserved(session.path)
    with Session(session.path) as reader:
        assert len(dossier_list.ids(reader, dossier_list.ListFilter())) == len(final) + 3
        assert maintenance.check(reader) == []
    assert dossiers.get(session, after[-1]).applicant_name == "Người Quầy Hai"


def _wait(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
