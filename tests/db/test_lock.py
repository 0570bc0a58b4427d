"""The database lock file (db/lock.py): shared while open, exclusive for a restore, across processes.

The Windows emulation (one locked byte per process, all of them for exclusive) runs here on a
fake msvcrt built on POSIX record locks, so both implementations go through the same story."""

import subprocess
import sys
from pathlib import Path

import pytest

from counter.errors import CounterError
from counter.session import Session
from db import lock

ROOT = Path(__file__).resolve().parents[2]


class Holder:
    def __init__(self, kind: str, path: Path):
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "tests.db.lock_driver", kind, str(path)],
                                        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def __call__(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self("close") == "closed"
        self.process.wait(timeout=10)


@pytest.mark.parametrize("kind", ["posix", "windows"])
def test_shared_while_open_exclusive_only_when_alone(tmp_path, kind):
    path = tmp_path / "unit.sqlite3.lock"
    a, b = Holder(kind, path), Holder(kind, path)
    assert a("try_shared") == "True"
    assert b("try_exclusive") == "False"  # a has it open
    assert b("try_shared") == "True"  # two processes at work is normal
    assert a("upgrade") == "False"  # a restore in a is refused while b has it open...
    assert b("try_exclusive") == "False"  # ...and a still holds its share afterwards
    b.close()
    assert a("upgrade") == "True"  # alone now
    c = Holder(kind, path)
    assert c("try_shared") == "False" and c("try_exclusive") == "False"  # a newcomer waits for the restore
    assert a("try_shared") == "True"  # the restore is over
    assert c("try_shared") == "True"
    a.close()
    c.close()


def test_a_session_waits_for_a_restore_in_another_process_then_says_so(tmp_path, monkeypatch):
    db_path = tmp_path / "unit.sqlite3"
    Session(db_path).close()
    holder = Holder("posix", lock.lock_path(db_path))
    assert holder("try_exclusive") == "True"  # another process restoring
    monkeypatch.setattr(lock, "WAIT", 0.3)
    with pytest.raises(CounterError, match="đang được khôi phục bởi một chương trình motcua khác"):
        Session(db_path)
    holder.close()
    Session(db_path).close()


def test_one_process_shares_one_hold_and_releases_it_with_the_last_connection(tmp_path):
    db_path = tmp_path / "unit.sqlite3"
    first, second = Session(db_path), Session(db_path)
    other = Holder("posix", lock.lock_path(db_path))
    assert other("try_exclusive") == "False"
    first.close()
    assert other("try_exclusive") == "False"  # the second connection still holds it
    second.close()
    assert other("try_exclusive") == "True"
    other.close()
