"""Issue 12: SIGKILL while a counter writes its segment, and while another applies it.

A kill while writing leaves the folder with whole segments or none (a temporary file at most, which no
reader takes for a segment); a kill while applying leaves the whole segment applied or nothing of it.
After the restarts both counters hold the same unit. Sized by $MOTCUA_SYNC_KILLS (default 6 of each).
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter import demo, maintenance, sync, sync_folder, sync_log
from counter.province.records import code_pattern
from counter.session import Session
from db import sync as sync_table
from tests.counter.sync_helpers import approve_each_other, picture, station

ROOT = Path(__file__).resolve().parents[2]
KILLS = max(1, int(os.environ.get("MOTCUA_SYNC_KILLS", "6")))


def _sync(database: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "main.py", "--db", str(database), "sync", "--folder", str(folder)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_soon(process: subprocess.Popen, rng: random.Random, took: float) -> None:
    """Kill it somewhere in the second half of the time a whole run takes: in the work, not the start-up."""
    time.sleep(rng.uniform(0.4 * took, 0.95 * took))
    process.send_signal(signal.SIGKILL)
    process.wait()


def _duration(database: Path, folder: Path, scratch: Path) -> float:
    """How long one whole sync of a copy of `database` with a copy of `folder` takes on this machine."""
    scratch.mkdir()
    shutil.copy(database, scratch / database.name)
    shutil.copytree(folder, scratch / "folder")
    started = time.monotonic()
    assert _sync(scratch / database.name, scratch / "folder").wait() == 0
    return time.monotonic() - started


def _whole_segments_only(folder: Path, unit_code: str, ws: str) -> None:
    for _first, _last, path in sync_folder.segments(folder):
        sync_folder.read_segment(path, unit_code, ws, code_pattern(unit_code))  # raises on a half-written one


@pytest.mark.slow(seconds=45)
def test_sigkill_while_writing_and_while_applying_never_leaves_half_a_segment(tmp_path):
    rng = random.Random(12)
    share = tmp_path / "share"
    share.mkdir()
    one, two = station(tmp_path, 1), station(tmp_path, 2)
    approve_each_other([one, two])
    demo.fill(one, 3000, seed=3)
    ws, unit_code = sync_log.ws_id(one), one.settings.unit_code
    paths = one.path, two.path
    one.close()
    two.close()
    own = sync_folder.station_folder(share, unit_code, ws)
    took = _duration(paths[0], share, tmp_path / "timing-write")
    for _ in range(KILLS):
        _kill_soon(_sync(paths[0], share), rng, took)
        _whole_segments_only(own, unit_code, ws)
    assert subprocess.run([sys.executable, "main.py", "--db", str(paths[0]), "sync", "--folder", str(share)],
                          cwd=ROOT, capture_output=True).returncode == 0
    _whole_segments_only(own, unit_code, ws)
    assert not list(own.glob(".*.partial"))  # what the killed runs left, cleaned by the next one
    with Session(paths[0]) as session:
        last = sync_table.station(session.db)["seq"]
    boundaries = {0} | {b for _a, b, _p in sync_folder.segments(own)}
    took = _duration(paths[1], share, tmp_path / "timing-apply")
    pristine = tmp_path / "pristine.sqlite3"
    shutil.copy(paths[1], pristine)
    with Session(pristine) as session:
        second = sync_folder.station_folder(share, unit_code, sync_log.ws_id(session))
    shared_before = tmp_path / "pristine-share"
    if second.exists():
        shutil.copytree(second, shared_before)
    halted = kills = 0
    # A busy machine may finish before the kill: then start again from nothing and kill sooner
    # (bounded), so that some kill lands inside the applying.
    while kills < KILLS or (not halted and kills < 4 * KILLS):
        _kill_soon(_sync(paths[1], share), rng, took)
        kills += 1
        with Session(paths[1]) as session:
            applied = sync_table.applied(session.db, ws)
            assert applied in boundaries  # all of a segment or none
            halted += applied < last
            assert maintenance.check(session) == []
        if applied == last and not halted:
            for leftover in (paths[1].with_name(paths[1].name + suffix) for suffix in ("-wal", "-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copy(pristine, paths[1])
            shutil.rmtree(second, ignore_errors=True)  # and what it wrote into the folder meanwhile
            if shared_before.exists():
                shutil.copytree(shared_before, second)
            took *= 0.7
    assert halted, "no kill landed before the segment was applied"
    assert subprocess.run([sys.executable, "main.py", "--db", str(paths[1]), "sync", "--folder", str(share)],
                          cwd=ROOT, capture_output=True).returncode == 0
    with Session(paths[0]) as a, Session(paths[1]) as b:
        assert sync_table.applied(b.db, ws) == last
        sync.sync(a, share)
        sync.sync(b, share)
        assert picture(a)["dossiers"] == picture(b)["dossiers"]
        assert maintenance.check(b) == []
