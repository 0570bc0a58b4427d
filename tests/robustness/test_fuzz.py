"""Hostile text, numbers, dates and files at every unit-side command and importer (issues 6, 9).

No traceback may escape, and a refused command (non-zero exit) must leave every
table as it was: nothing committed (SQLite's data_version of a second connection
does not move) and the same table hashes. The inputs include what an attacker or
an unlucky paste sends: bytes that are not UTF-8 (lone surrogates, as Python
passes them on), NUL and control characters, bidi marks, 100,000-character texts,
numbers of 2^63 and 10^20 or written 1e20, years 1 to 9999.

MOTCUA_FUZZ_INPUTS sets how many command lines are tried (default 1,200); the
counts are printed at the end (run with -s to see them).
"""

import hashlib
import os
import sqlite3
import string
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter import catalogue, intake, lifecycle, unit
from counter.cli import build_parser, run
from counter.errors import CounterError
from counter.session import Session
from tests.conftest import UNIT
from tests.counter.helpers import table_dump

INPUTS = int(os.environ.get("MOTCUA_FUZZ_INPUTS", "1200"))
CODES = {
    "received": "000.00.53.H48-250303-0001",
    "waiting": "000.00.53.H48-250303-0002",
    "ready": "000.00.53.H48-250303-0003",
    "returned": "000.00.53.H48-250303-0004",
}
HOSTILE_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                 "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200d", "\ufeff",
                 "\udcff", "\udc80", "\ud800", "\n", "\t", "\u2028"]

plain = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
vietnamese = st.sampled_from(["Nguyễn Văn Đức", "Trần Thị Lan", "Thôn Đông, xã Tân Tiến", "Thiếu giấy tờ", "Lê An"])
hostile = st.one_of(
    st.builds(lambda text, ch, cut: text[:cut] + ch + text[cut:], st.one_of(vietnamese, plain),
              st.sampled_from(HOSTILE_CHARS), st.integers(0, 30)),
    st.binary(max_size=24).map(lambda raw: raw.decode("utf-8", "surrogateescape")),  # argv that is not UTF-8
    st.sampled_from([10**5, 1001, 201, 255, 5001]).flatmap(
        lambda size: st.sampled_from("aĐ ").map(lambda ch: (ch * size).strip() or "x" * size)),
)
text = st.one_of(plain, vietnamese, hostile)
# What an environment variable can hold: no NUL, surrogates only as undecodable bytes.
environment = text.filter(lambda t: "\x00" not in t and not any("\ud800" <= ch < "\udc80" for ch in t))
numbers = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6).map(str),
    st.sampled_from([str(2**63), str(2**63 - 1), str(2**64), str(10**20), "9" * 400, "1e20", "-1e20", "1.5", "-0",
                     "0x10", "1_000", "٣", "１２", " 12 ", "NaN", "inf", "", "20.000", "20 000", str(10**12),
                     str(10**12 + 1), "-20", "365", "366"]),
    hostile,
)
tiny = st.sampled_from(["1", "2", "0", "-1", "1e20", str(10**20), str(2**63), "9" * 400, "٣", "x"])
moments = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.datetimes(),  # years 1 to 9999
    st.sampled_from([datetime(1899, 12, 31, 9), datetime(1999, 12, 31, 23, 59), datetime(2100, 1, 1),
                     datetime(9999, 12, 31, 23, 59), datetime(2025, 3, 3, 9), datetime(2025, 3, 10, 16)]),
)
times = st.one_of(moments.map(lambda d: d.strftime("%Y-%m-%d %H:%M")), text,
                  st.sampled_from(["2026-02-30 09:00", "2025-03-03 25:00", "03/03/2025", "2025-3-3 9:0"]))
dates = st.one_of(moments.map(lambda d: d.strftime("%Y-%m-%d")), moments.map(lambda d: d.strftime("%d/%m/%Y")),
                  text, st.sampled_from(["2026-02-30", "2026-05-05", "2026-03-02"]))
months = st.one_of(moments.map(lambda d: d.strftime("%Y-%m")), text,
                   st.sampled_from(["9999-12", "0000-01", "2025-00", "2025-13", "2025-3"]))
codes = st.one_of(st.sampled_from(sorted(CODES.values())), text, st.just(CODES["received"].lower()),
                  st.just("0001"), st.builds(lambda code, ch: code + ch, st.sampled_from(sorted(CODES.values())),
                                             st.sampled_from(HOSTILE_CHARS)))
unit_codes = st.one_of(text, st.sampled_from(["../../x", "000..00", ".000.00.53.H48", "000.00.53.H48/", "A" * 41,
                                              "000.00.53.H48", "000.00.53.H49", "Ｈ48", "-x", "x-"]))
content = st.one_of(st.binary(max_size=400), text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                    st.lists(st.lists(st.one_of(text, numbers), max_size=5), max_size=6).map(
                        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass")),
                    st.tuples(text, numbers, numbers).map(
                        lambda row: f"code,name,days,fee\n9.0001,{row[0]},{row[1]},{row[2]}\n".encode(
                            "utf-8", "surrogatepass")),
                    st.tuples(dates, text).map(
                        lambda row: f"date,type,reason\n{row[0]},off,{row[1]}\n".encode("utf-8", "surrogatepass")))
setting_keys = st.sampled_from(["office_open", "office_close", "cutoff", "workstation", "level", "unit_name",
                                "authority", "place", "form_set", "ledger_volume", "slip_page_size",
                                "cutoff_enabled", "unit_code", "x", "form_wording"])
forms = st.sampled_from(["receipt", "supplement", "rejection", "apology", "stop", "control", "x"])


# `restore` is left out: an accepted restore swaps the file under the watching connection
# (tests/counter/test_backups.py and the restore fuzz cover it).
# Each command is a list of (option, a valid value, a hostile value); an option of None is a
# positional argument. An example makes zero to three of its values hostile and keeps the
# others valid, so refusals are pinned on one bad value and a third of the commands are accepted.
good_code = st.sampled_from(sorted(CODES.values()))
good_time = st.datetimes(min_value=datetime(2025, 3, 4), max_value=datetime(2026, 12, 31)).map(
    lambda d: d.strftime("%Y-%m-%d %H:%M"))
good_date = st.dates(min_value=datetime(2025, 1, 1).date(), max_value=datetime(2027, 12, 31).date()).map(str)
good_text = st.one_of(vietnamese, st.text(alphabet=string.ascii_letters + "ĐđÂâÊêÔôƠơƯư ", min_size=1, max_size=20))
good_number = st.integers(1, 5).map(str)


def commands(upload: str, out: st.SearchStrategy) -> dict[str, list]:
    return {
        "receive": [("--procedure", st.sampled_from(["2.001035", "1.001193", "2.001019"]), text),
                    ("--name", good_text, text),
                    ("--id-number", st.sampled_from(["", "024123456789", "024987654321", "123456789"]),
                     st.one_of(st.text(string.digits, max_size=13), text)),
                    ("--phone", st.sampled_from(["", "0912345678", "+84 912 345 678"]),
                     st.one_of(st.text(string.digits + " .-+", max_size=14), text)),
                    ("--address", st.one_of(st.just(""), good_text), text),
                    ("--email", st.sampled_from(["", "lan@xa.gov.vn"]), text),
                    ("--fee", st.sampled_from(["0", "20.000", "50000"]), numbers),
                    ("--document", good_text, text),
                    ("--at", good_time, times)],
        "show": [(None, good_code, codes)],
        "edit": [(None, good_code, codes),
                 ("--field", st.sampled_from(["name", "phone", "address", "email", "fee", "channel"]),
                  st.sampled_from(["id_number", "id-number", "procedure", "x"])),
                 ("--value", good_text, st.one_of(text, numbers)), ("--reason", good_text, text)],
        "supplement": [(None, good_code, codes), ("--reason", good_text, text), ("--at", good_time, times)],
        "reject": [(None, good_code, codes), ("--reason", good_text, text), ("--at", good_time, times)],
        "stop": [(None, good_code, codes), ("--reason", good_text, text), ("--at", good_time, times)],
        "resume": [(None, good_code, codes), ("--at", good_time, times)],
        "result": [(None, good_code, codes), ("--at", good_time, times)],
        "return": [(None, good_code, codes), ("--at", good_time, times), ("--to", good_text, text),
                   ("--rating", st.sampled_from(["satisfied", "unsatisfied"]), text)],
        "apologize": [(None, good_code, codes), ("--new-due", good_time, times), ("--reason", good_text, text),
                      ("--at", good_time, times)],
        "digitize": [(None, good_code, codes), ("--document", good_number, numbers), ("--file", st.just(upload), out)],
        "due-date": [("--from", good_time, times), ("--days", st.integers(0, 365).map(str), numbers)],
        "late": [("--as-of", good_time, times)],
        "search": [(None, st.sampled_from(["nguyen", "0001", "024123456789", "Lê An"]), text),
                   ("--limit", good_number, numbers)],
        "audit": [("--limit", good_number, numbers)],
        "officers": [("--month", good_date.map(lambda d: d[:7]), months)],
        "calendar show": [(None, st.integers(2000, 2099).map(str), numbers)],
        "calendar set": [(None, good_date, dates), (None, st.sampled_from(["off", "work"]), text),
                         ("--reason", good_text, text)],
        "calendar unset": [(None, good_date, dates)],
        "calendar export": [(None, out, out)],
        "catalog import": [(None, st.just(upload), out)],
        "calendar import": [(None, st.just(upload), out)],
        "demo": [("--dossiers", st.just("1"), tiny)],
        "print": [(None, forms, text), (None, good_code, codes), ("-o", out, out)],
        "print ledger": [("--from", good_date, dates), ("--to", good_date, dates), ("-o", out, out)],
        "settings set": [(None, setting_keys, text), (None, st.one_of(good_text, good_time), st.one_of(text, numbers))],
        "init": [("--unit-code", st.just(UNIT["unit_code"]), unit_codes), ("--unit-name", good_text, text),
                 ("--workstation", st.just("1"), tiny)],
        "wording set": [(None, forms, text), (None, st.sampled_from(["title", "intro"]), text), (None, good_text,
                                                                                                 text)],
        "user add": [(None, st.sampled_from(["lan.tt", "hung"]), text), ("--name", good_text, text),
                     ("--role", st.just("officer"), text)],
        "user passwd": [(None, st.just("lan.tt"), text)],
        "user unlock": [(None, st.just("lan.tt"), text)],
        "--officer": [(None, good_text, text)],
    }


def draw_command(data, upload: str, out: st.SearchStrategy) -> list[str]:
    table = commands(upload, out)
    name = data.draw(st.sampled_from(sorted(table)))
    spec = table[name]
    bad = set(data.draw(st.lists(st.integers(0, len(spec) - 1), max_size=3)))
    argv = [] if name == "--officer" else name.split()
    for index, (option, valid, hostile) in enumerate(spec):
        value = data.draw(hostile if index in bad else valid)
        argv += [option, value] if option else [value]
    return ["--officer", argv[0], "search", "nguyen"] if name == "--officer" else argv


def table_hashes(conn: sqlite3.Connection) -> dict[str, str]:
    """One SHA-256 per table (the rows in storage order), as table_dump compares them."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'dossier_names%'"
        " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    hashes = {}
    for table in tables:
        digest = hashlib.sha256()
        for row in conn.execute(f"SELECT * FROM [{table}]"):
            digest.update(repr(row).encode("utf-8", "surrogatepass"))
        hashes[table] = digest.hexdigest()
    return hashes


class Watch:
    """A second connection that tells whether anything was committed, and what the tables hold."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        self.version, self.hashes = None, None
        self.counts: Counter = Counter()
        self.started = time.monotonic()

    def data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def snapshot(self) -> tuple[int, dict]:
        version = self.data_version()
        if version != self.version:
            self.version, self.hashes = version, table_hashes(self.conn)
        return self.version, self.hashes


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "unit.sqlite3"
    with Session(path, "Trần Thị Lan") as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        for _ in CODES:
            intake.receive(session, "2.001035", "Nguyễn Văn Đức", id_number="024123456789",
                           at=datetime(2025, 3, 3, 9, 0))
        lifecycle.request_supplement(session, CODES["waiting"], "Thiếu giấy tờ", datetime(2025, 3, 3, 10))
        for code in (CODES["ready"], CODES["returned"]):
            lifecycle.record_result(session, code, datetime(2025, 3, 4, 9))
        lifecycle.return_result(session, CODES["returned"], datetime(2025, 3, 4, 10))
        unit.set_day(session, datetime(2026, 3, 2).date(), False, "Bầu cử")
    return path


@pytest.fixture(scope="module")
def watch(fuzz_db):
    watching = Watch(fuzz_db)
    yield watching
    seconds = time.monotonic() - watching.started
    counts = watching.counts
    print(f"\nCLI fuzz: {counts['tried']} inputs tried, {counts['refused']} refused "
          f"({counts['usage']} by the parser), {counts['accepted']} accepted, in {seconds:.1f} s")
    watching.conn.close()


@pytest.fixture(scope="module")
def parser():
    return build_parser()


@pytest.mark.slow(seconds=27)
@settings(max_examples=INPUTS, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_no_command_crashes_or_half_writes(fuzz_db, watch, parser, data, capsys, monkeypatch):
    folder = Path(tempfile.mkdtemp())
    upload = folder / data.draw(st.sampled_from(["danh-muc.csv", "lich.csv", "scan.pdf", "x.xlsx", "sao-luu.sqlite3"]))
    upload.write_bytes(data.draw(content))
    out = st.one_of(st.just(str(folder / "ra.pdf")),
                    text.map(lambda name: str(folder / (name.replace("/", "_").replace("\\", "_") or "x"))))
    argv = [str(a) for a in draw_command(data, str(upload), out)]
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", data.draw(st.one_of(environment, st.just("mat-khau-manh-1"))))
    before = watch.snapshot()
    try:
        status = run(parser.parse_args(["--db", str(fuzz_db), "--officer", "Fuzz", *argv]))
    except SystemExit as exc:
        status = exc.code
    err = capsys.readouterr().err
    watch.counts["tried"] += 1
    assert "Traceback" not in err
    if status == 0:
        watch.counts["accepted"] += 1
        return
    watch.counts["refused"] += 1
    watch.counts["usage"] += status == 2
    assert err.startswith("Lỗi") and len(err.strip().splitlines()) == 1, (argv, err)
    assert watch.data_version() == before[0], ("committed", argv)
    assert table_hashes(watch.conn) == before[1], ("tables changed", argv)


@pytest.mark.slow(seconds=20)
@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(blob=content, suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_importers_refuse_garbage_cleanly(fuzz_db, blob, suffix):
    path = Path(tempfile.mkdtemp()) / f"tep{suffix}"
    path.write_bytes(blob)
    with Session(fuzz_db) as session:
        for importer in (catalogue.import_catalogue, unit.import_calendar):
            before = table_dump(session)
            try:
                importer(session, path)
            except CounterError:
                assert table_dump(session) == before
