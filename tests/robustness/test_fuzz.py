"""Random text, numbers, dates and file contents at every command and importer (issue 6).

No traceback may escape, and a refused command must leave every table as it was.
"""

import string
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter import catalogue, intake, unit
from counter.cli import parse, run
from counter.errors import CounterError
from counter.session import Session
from tests.conftest import UNIT
from tests.counter.helpers import table_dump

CODE = "000.00.53.H48-250303-0001"
# A real command line cannot carry NUL characters.
text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
digits = st.text(alphabet=string.digits + " .-+", max_size=14)
times = st.one_of(text, st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")))
numbers = st.integers(min_value=-10**6, max_value=10**6).map(str)
codes = st.one_of(st.just(CODE), text, st.just(CODE.lower()), st.just("0001"))
content = st.one_of(st.binary(max_size=400), text.map(lambda t: t.encode()),
                    st.lists(st.lists(text, max_size=5), max_size=6).map(
                        lambda rows: "\n".join(",".join(r) for r in rows).encode()))


def command(draw_file):
    return st.one_of(
        st.tuples(st.just("receive"), st.just("--procedure"), st.one_of(st.just("2.001035"), text),
                  st.just("--name"), text, st.just("--id-number"), digits, st.just("--phone"), digits,
                  st.just("--fee"), numbers, st.just("--at"), times),
        st.tuples(st.just("show"), codes),
        st.tuples(st.just("edit"), codes, st.just("--field"),
                  st.sampled_from(["name", "id_number", "phone", "address", "fee", "channel", "procedure"]),
                  st.just("--value"), text, st.just("--reason"), text),
        st.tuples(st.sampled_from(["supplement", "reject", "stop"]), codes, st.just("--reason"), text,
                  st.just("--at"), times),
        st.tuples(st.sampled_from(["resume", "result"]), codes, st.just("--at"), times),
        st.tuples(st.just("return"), codes, st.just("--at"), times, st.just("--to"), text),
        st.tuples(st.just("apologize"), codes, st.just("--new-due"), times, st.just("--reason"), text,
                  st.just("--at"), times),
        st.tuples(st.just("digitize"), codes, st.just("--document"), numbers, st.just("--file"), draw_file),
        st.tuples(st.just("due-date"), st.just("--from"), times, st.just("--days"), numbers),
        st.tuples(st.just("late"), st.just("--as-of"), times),
        st.tuples(st.just("search"), text),
        st.tuples(st.just("calendar"), st.just("show"), numbers),
        st.tuples(st.just("calendar"), st.just("set"), times, st.sampled_from(["off", "work"]),
                  st.just("--reason"), text),
        st.tuples(st.just("catalog"), st.just("import"), draw_file),
        st.tuples(st.just("calendar"), st.just("import"), draw_file),
        st.tuples(st.just("restore"), draw_file),
        st.tuples(st.just("settings"), st.just("set"),
                  st.sampled_from(["office_open", "cutoff", "workstation", "level", "unit_name", "form_set", "x"]),
                  text),
        st.tuples(st.just("user"), st.just("add"), text, st.just("--name"), text, st.just("--role"),
                  st.just("officer")),
    )


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "unit.sqlite3"
    with Session(path, "Trần Thị Lan") as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        intake.receive(session, "2.001035", "Nguyễn Văn Đức", at=datetime(2025, 3, 3, 9, 0))
    return path


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_command_crashes_or_half_writes(fuzz_db, data, capsys, monkeypatch):
    folder = Path(tempfile.mkdtemp())
    blob = data.draw(content)
    upload = folder / data.draw(st.sampled_from(["danh-muc.csv", "lich.csv", "scan.pdf", "x.xlsx", "sao-luu.sqlite3"]))
    upload.write_bytes(blob)
    argv = [str(a) for a in data.draw(command(st.just(str(upload))))]
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", data.draw(text))
    with Session(fuzz_db) as session:
        before = table_dump(session)
    try:
        status = run(parse(["--db", str(fuzz_db), "--officer", "Fuzz", *argv]))
    except SystemExit as exc:
        status = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status != 0:
        with Session(fuzz_db) as session:
            assert table_dump(session) == before, argv


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=content, suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_importers_refuse_garbage_cleanly(fuzz_db, blob, suffix):
    path = Path(tempfile.mkdtemp()) / f"tep{suffix}"
    path.write_bytes(blob)
    with Session(fuzz_db) as session:
        before = table_dump(session)
        for importer in (catalogue.import_catalogue, unit.import_calendar):
            try:
                importer(session, path)
            except CounterError:
                assert table_dump(session) == before
