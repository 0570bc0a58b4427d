"""Kill the command line with SIGKILL at random moments during receipts (issue 6).

Afterwards the database must pass `check`, every receipt whose command printed
its code must be there, and no code may have been handed out twice. The run is
sized by $MOTCUA_CRASH_KILLS (default 50 kills, ten receipts per kill; issue 6
measured 100 kills over 1,000 receipts).
"""

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from counter import dossiers, maintenance
from counter.session import Session
from tests.robustness.crash_driver import END

ROOT = Path(__file__).resolve().parents[2]
KILLS = max(1, int(os.environ.get("MOTCUA_CRASH_KILLS", "50")))
RECEIPTS = 10 * KILLS
CODE = re.compile(r"Đã tiếp nhận hồ sơ (\S+) ")


@pytest.mark.slow
def test_sigkill_during_receipts_loses_nothing_printed(cli, db_path):
    rng = random.Random(2026)
    printed: list[str] = []
    kills = 0
    # Go on until a kill also landed between a code's reservation and its dossier (the window a
    # busy machine makes rare), within ten times the planned kills.
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "tests.robustness.crash_driver", str(db_path)], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        while len(printed) < RECEIPTS or kills < KILLS or (not _burned(db_path) and kills < 10 * KILLS):
            server.stdin.write("go\n")
            server.stdin.flush()
            child = int(server.stderr.readline())
            ended = _read(server.stdout, printed, rng.randint(0, 2 * RECEIPTS // KILLS))
            time.sleep(rng.uniform(0, 0.05))
            os.kill(child, signal.SIGKILL)
            if not ended:
                _read(server.stdout, printed, None)
            kills += 1
    finally:
        server.kill()
        server.communicate()
    assert kills >= KILLS and len(printed) >= RECEIPTS
    assert len(printed) == len(set(printed)), "a code was handed out twice"
    with Session(db_path) as session:
        assert maintenance.check(session) == []
        for code in printed:
            assert dossiers.get(session, code, with_documents=False).code == code
        reserved = [row[0] for row in session.db.execute("SELECT code FROM code_reservations")]
        assert len(reserved) == len(set(reserved))
        saved = session.db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        assert len(reserved) > saved, "no kill landed between a code's reservation and its dossier"


def _read(stream: IO[str], printed: list[str], lines: int | None) -> bool:
    """Collect the codes of up to `lines` lines (all, when None) until the server's END; whether it came."""
    while lines is None or lines > 0:
        line = stream.readline()
        if not line:
            raise AssertionError("the crash driver stopped")
        ended = line.endswith(END + "\n")  # a child killed mid-line leaves END on its line
        printed += CODE.findall(line.removesuffix(END + "\n") if ended else line)
        if ended:
            return True
        if lines is not None:
            lines -= 1
    return False


def _burned(db_path: Path) -> bool:
    """Whether a code was reserved and its dossier never saved (a kill landed in between)."""
    if not db_path.exists():
        return False
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        reserved = conn.execute("SELECT count(*) FROM code_reservations").fetchone()[0]
        saved = conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    conn.close()
    return reserved > saved
