"""Issue 12: random work at random counters, random sync schedules (a shared folder that goes down, a
counter away for days, a USB stick carried around, copied in part, delivered twice or out of order), and
concurrent steps on one dossier. When everyone has synced at last, every database is the same in every
dossier, event, figure and conflict; no event is lost; no code went to two dossiers.

Sized by MOTCUA_SYNC_EXAMPLES (random runs, default 15) and MOTCUA_SYNC_STEPS (steps each, default 50):
the defaults take well under a minute.
"""

import os
import random
import shutil
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from counter import corrections, digitization, dossiers, intake, lifecycle, maintenance, sync, sync_log
from counter import unit as unit_service
from counter.errors import CounterError
from tests.counter.sync_helpers import picture, unit_of

EXAMPLES = int(os.environ.get("MOTCUA_SYNC_EXAMPLES", "15"))
STEPS = int(os.environ.get("MOTCUA_SYNC_STEPS", "50"))
COUNTERS = 3
PROCEDURES = ["2.001035", "2.000815", "1.001193", "2.000884"]
NAMES = ["Nguyễn Văn Đức", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
STEP_KINDS = ["supplement", "resume", "result", "result", "return", "return", "apologize", "reject", "edit",
              "digitize", "complain"]


class UnitOfCounters(RuleBasedStateMachine):
    @initialize(first=st.lists(st.tuples(st.integers(0, COUNTERS - 1), st.sampled_from(PROCEDURES),
                                         st.sampled_from(NAMES)), min_size=3, max_size=6))
    def set_up(self, first):
        self.root = Path(tempfile.mkdtemp(prefix="motcua-sync-model-"))
        self.share = self.root / "share"
        self.stick = self.root / "stick"
        self.share.mkdir()
        self.counters = unit_of(self.root, tuple(range(1, COUNTERS + 1)))
        self.online = [True] * COUNTERS  # can see the share
        self.clock = datetime(2025, 3, 3, 8, 0)
        self.codes: list[str] = []
        self.written = [0] * COUNTERS  # records each counter wrote (its log's length)
        self.scan = self.root / "scan.pdf"
        self.scan.write_bytes(b"%PDF-1.4 a scan\n" * 50)
        # Every run starts with some dossiers the whole unit has seen, so its steps can clash.
        for k, procedure, name in first:
            self.receive(k, procedure, name, 20)
        for session in self.counters:
            sync.sync(session, self.share)

    def teardown(self):
        for session in getattr(self, "counters", []):
            session.close()
        if hasattr(self, "root"):
            shutil.rmtree(self.root, ignore_errors=True)

    def _tick(self, minutes: int) -> datetime:
        self.clock += timedelta(minutes=minutes)
        while self.clock.weekday() >= 5 or not time(7, 30) <= self.clock.time() <= time(16, 30):
            self.clock += timedelta(minutes=30)
        return self.clock

    # Work at the counters -----------------------------------------------------------------------------
    @rule(k=st.integers(0, COUNTERS - 1), procedure=st.sampled_from(PROCEDURES), name=st.sampled_from(NAMES),
          minutes=st.integers(1, 90))
    def receive(self, k, procedure, name, minutes):
        dossier = intake.receive(self.counters[k], procedure, name, at=self._tick(minutes),
                                 id_number=f"0241{abs(hash(name)) % 10**8:08d}")
        self.codes.append(dossier.code)

    @precondition(lambda self: self.codes)
    @rule(k=st.integers(0, COUNTERS - 1), pick=st.randoms(use_true_random=False), step=st.sampled_from(STEP_KINDS),
          minutes=st.integers(1, 600))
    def step(self, k, pick, step, minutes):
        """A step at a counter on a dossier it may or may not have seen yet; refusals are fine."""
        self._step(k, pick.choice(self.codes), step, minutes, pick)

    @precondition(lambda self: self.codes)
    @rule(ks=st.lists(st.integers(0, COUNTERS - 1), min_size=2, max_size=3, unique=True),
          pick=st.randoms(use_true_random=False),
          steps=st.lists(st.sampled_from(STEP_KINDS), min_size=3, max_size=3), minutes=st.integers(1, 120))
    def concurrent(self, ks, pick, steps, minutes):
        """Two or three counters act on one dossier before seeing each other's step."""
        code = pick.choice(self.codes)
        for k, step in zip(ks, steps, strict=False):
            self._step(k, code, step, minutes, pick)

    def _step(self, k, code, step, minutes, pick):
        session, when = self.counters[k], self._tick(minutes)
        try:
            if step == "supplement":
                lifecycle.request_supplement(session, code, "Thiếu bản sao", when)
            elif step == "resume":
                lifecycle.resume(session, code, when)
            elif step == "result":
                lifecycle.record_result(session, code, when)
            elif step == "return":
                lifecycle.return_result(session, code, when, rating=pick.choice([None, "satisfied"]))
            elif step == "apologize":
                current = dossiers.get(session, code)
                day = max(current.appointment_at, when).date() + timedelta(days=3)
                while not session.calendar.is_working(day):
                    day += timedelta(days=1)
                lifecycle.apologize(session, code, datetime.combine(day, time(9)), "Chờ xác minh", when)
            elif step == "reject":
                lifecycle.reject(session, code, "Không thuộc thẩm quyền", when)
            elif step == "complain":
                lifecycle.complain(session, code, "Công dân phản ánh thời gian chờ", when)
            elif step == "edit":
                corrections.edit(session, code, "phone", f"09{pick.randint(0, 10**8 - 1):08d}", "Sửa số điện thoại")
            else:
                digitization.attach(session, code, document=1, file=self.scan)
        except CounterError:
            pass

    @rule(k=st.integers(0, COUNTERS - 1), value=st.sampled_from(["UBND xã Tân Tiến", "UBND xã Tân Tiến mới"]),
          day=st.integers(0, 40), working=st.booleans())
    def unit_change(self, k, value, day, working):
        """A unit-wide change; a day off falling in open dossiers' time limits moves their due dates."""
        session = self.counters[k]
        unit_service.configure(session, unit_name=value)
        when = date(2025, 3, 3) + timedelta(days=day)
        try:
            unit_service.set_day(session, when, working, "Lịch riêng của đơn vị")
        except CounterError:
            pass

    # Syncs --------------------------------------------------------------------------------------------
    @rule(k=st.integers(0, COUNTERS - 1))
    def sync_share(self, k):
        """A counter syncs with the share, if it can see it (else: one line, and it goes on)."""
        report = sync.sync(self.counters[k], self.share if self.online[k] else self.root / "share-down",
                           scans=bool(k % 2))
        assert report["ok"] == self.online[k], report["problem"]
        assert report["warnings"] == [], report["warnings"]  # no one cuts an audit trail here: no false alarm

    @rule(k=st.integers(0, COUNTERS - 1))
    def go_away(self, k):
        """The counter's network goes down (or its officer is away for days): it keeps working alone."""
        self.online[k] = not self.online[k]

    @rule()
    def stick_from_share(self):
        """Someone copies the share onto a USB stick (everything, over what the stick held)."""
        shutil.copytree(self.share, self.stick, dirs_exist_ok=True)

    @rule(pick=st.randoms(use_true_random=False))
    def stick_gets_part(self, pick):
        """A copy cut short: some files of the share only, in any order (later segments without earlier)."""
        files = [p for p in self.share.rglob("*") if p.is_file()]
        for path in pick.sample(files, k=len(files) // 2):
            target = self.stick / path.relative_to(self.share)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)

    @rule(k=st.integers(0, COUNTERS - 1))
    def sync_stick(self, k):
        if self.stick.exists():
            assert sync.sync(self.counters[k], self.stick)["warnings"] == []

    @rule()
    def stick_to_share(self):
        """The stick's files copied back onto the share (files the share has already are delivered twice)."""
        if self.stick.exists():
            shutil.copytree(self.stick, self.share, dirs_exist_ok=True)

    @rule()
    def stick_lost(self):
        shutil.rmtree(self.stick, ignore_errors=True)

    # Always ----------------------------------------------------------------------------------------------
    @invariant()
    def every_database_is_sound(self):
        if hasattr(self, "counters"):
            for session in self.counters:
                assert sync_log.ws_id(session)

    def teardown_check(self):
        """Everyone back on the share, syncing until nothing moves: one unit again."""
        self.online = [True] * COUNTERS
        for _ in range(COUNTERS + 1):
            for session in self.counters:
                report = sync.sync(session, self.share)
                assert report["ok"] and not report["skipped"] and not report["warnings"], report
        pictures = [picture(s) for s in self.counters]
        for other in pictures[1:]:
            assert other == pictures[0]
        # No event lost: every counter holds every record each counter wrote.
        for session in self.counters:
            own = sync_log.ws_id(session)
            written = sync.status(session)["stations"][0]["last_seq"]
            for other in self.counters:
                assert sync.sync_table.applied(other.db, own) == written
        # No code went to two dossiers: every receipt kept its code, or is listed as a conflict.
        receipts = [e for e in pictures[0]["events"] if e[4] == "received"]
        listed = {(c["id"]) for c in pictures[0]["conflicts"] if c["kind"] == "code"}
        kept = [e for e in receipts if sync.conflict_id(e[0], e[1]) not in listed]
        assert len({e[6] for e in kept}) == len(kept) == len(pictures[0]["dossiers"])
        assert not listed  # distinct counter numbers: no code is ever handed out twice
        for session in self.counters:
            assert maintenance.check(session) == []


def _run_and_check(self):
    try:
        self.teardown_check()
    finally:
        UnitOfCounters.teardown_real(self)


UnitOfCounters.teardown_real = UnitOfCounters.teardown
UnitOfCounters.teardown = _run_and_check

TestUnitOfCounters = UnitOfCounters.TestCase
TestUnitOfCounters.settings = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                                       derandomize=True,
                                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
random.seed(12)
