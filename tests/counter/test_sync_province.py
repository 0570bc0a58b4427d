"""Issue 12, province part: each counter exports what it originated; the province merges the events of all
the unit's counters into one dossier by the unit's own fold, so its figures for the unit equal the unit's,
whatever counter exported what and in whatever order the files arrive."""

import itertools
import random
from pathlib import Path

from counter import indicators, lifecycle, sync
from counter.dossier import REPLAYED, fold
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.province import figures, merging
from counter.province.importing import import_files
from counter.session import Session
from tests.counter.export_helpers import as_format_1, enrol
from tests.counter.helpers import at, receive
from tests.counter.sync_helpers import PERIOD, station, sync_all, unit_of


def _replayed(dossier) -> dict:
    values = dossier.as_dict(at("2025-03-20 12:00"), with_documents=False)
    return {key: values[key] for key in REPLAYED if key in values}


def _files(tmp_path: Path) -> tuple[list[Path], list[Session]]:
    share = tmp_path / "share"
    share.mkdir()
    counters = unit_of(tmp_path)
    one, two, three = counters
    out = tmp_path / "exports"
    files = []
    a = receive(one, "2025-03-03 09:00", name="Nguyễn Văn An")
    b = receive(two, "2025-03-03 09:30", procedure="2.000815", name="Trần Thị Bình")
    files.append(Path(export_changes(one, out).file))  # counter 1 exports before anyone synced
    sync_all(counters, share)
    lifecycle.record_result(three, a.code, at("2025-03-04 09:00"))
    lifecycle.return_result(three, a.code, at("2025-03-04 10:00"), rating="satisfied")
    lifecycle.request_supplement(one, b.code, "Thiếu bản sao", at("2025-03-04 08:00"))
    lifecycle.record_result(three, b.code, at("2025-03-05 09:00"))  # concurrent: set aside by the fold
    c = receive(three, "2025-03-05 10:00", name="Lê Văn Cường")
    files += [Path(export_changes(s, out).file) for s in (two, three)]
    sync_all(counters, share)
    lifecycle.apologize(two, c.code, at("2025-03-14 10:00"), "Chờ xác minh", at("2025-03-06 08:00"))
    lifecycle.resume(two, b.code, at("2025-03-06 09:00"))
    sync_all(counters, share)
    files += [Path(export_changes(s, out).file) for s in (one, two, three)]
    return files, counters


def test_the_province_holds_what_the_synced_counters_hold_whatever_the_order_of_the_files(tmp_path):
    files, counters = _files(tmp_path)
    unit = counters[0]
    expected = indicators.figures(unit, PERIOD)
    codes = [row[0] for row in unit.db.execute("SELECT code FROM dossiers ORDER BY code")]
    orders = [files, list(reversed(files))] + [random.Random(n).sample(files, len(files)) for n in range(3)]
    for n, order in enumerate(orders):
        with Session(tmp_path / f"province-{n}.sqlite3", "Sở Nội vụ") as province:
            enrol(province, *counters)
            for path in order:
                import_files(province, [path])
            [row] = figures.report(province, PERIOD)["units"]
            assert {k: row[k] for k in expected if k in row} == {k: v for k, v in expected.items() if k in row}, n
            for code in codes:
                stored, source = province_dossiers.get(province, code)
                assert _replayed(stored) == _replayed(sync_helpers_dossier(unit, code)), (n, code)
                kinds = [e["kind"] for e in province_dossiers.events(province, code)]
                assert kinds == [e["kind"] for e in unit_events(unit, code)]
    for s in counters:
        s.close()


def test_one_command_with_every_file_and_a_file_twice_give_the_same(tmp_path):
    files, counters = _files(tmp_path)
    unit = counters[0]
    with Session(tmp_path / "all.sqlite3") as everything, Session(tmp_path / "twice.sqlite3") as twice:
        enrol(everything, *counters)
        enrol(twice, *counters)
        import_files(everything, files)
        for path in itertools.chain(files[:3], files, files[2:]):
            import_files(twice, [path])
        for code in [row[0] for row in unit.db.execute("SELECT code FROM dossiers")]:
            assert _replayed(province_dossiers.get(everything, code)[0]) == _replayed(
                province_dossiers.get(twice, code)[0]) == _replayed(sync_helpers_dossier(unit, code))
    assert sync.conflicts(unit)  # the concurrent result was set aside at the unit, and so at the province
    for s in counters:
        s.close()


def sync_helpers_dossier(session, code):
    from counter import dossiers

    return dossiers.get(session, code)


def unit_events(session, code):
    from counter import dossiers

    return dossiers.events(session, dossiers.get(session, code))


def test_version_1_files_are_still_read(tmp_path):
    from counter import dossiers

    with station(tmp_path, 1) as unit:
        code = receive(unit, "2025-03-03 09:00", name="Nguyễn Văn An").code
        lifecycle.record_result(unit, code, at("2025-03-04 09:00"))
        old = as_format_1(Path(export_changes(unit, tmp_path / "out").file), tmp_path)
        with Session(tmp_path / "province.sqlite3") as province:
            result = import_files(province, [old], accept_unsigned=True)
            assert (result["files"], result["dossiers"], result["conflicts"]) == (1, 1, [])
            stored, source = province_dossiers.get(province, code)
            assert _replayed(stored) == _replayed(dossiers.get(unit, code)) and source["workstation"] == 1
            assert [e["kind"] for e in province_dossiers.events(province, code)] == ["received", "result_recorded"]


def test_the_province_s_quick_fold_gives_what_the_fold_gives(tmp_path):
    """merging._fold replays at once where `fold` would set nothing aside; here some events are set aside."""
    files, counters = _files(tmp_path)
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as province:
        enrol(province, *counters)
        import_files(province, files)
        [unit_id] = province.province.units()
        codes = province.province.unit_event_codes(unit_id)
        events = province.province.unit_events_of(unit_id, codes)
        cases = [[merging._fold_event(e) for e in events[code]] for code in codes]
    cases += [case[1:] for case in cases] + [case + case[:1] for case in cases]  # no receipt; two
    set_aside = 0
    for case in cases:
        assert merging._fold(case) == fold(case)
        set_aside += bool(fold(case)[1])
    assert set_aside >= len(cases) // 2
    for s in counters:
        s.close()


def test_an_event_held_with_its_detail_in_the_former_text_is_the_same_event():
    """Details were written by json.dumps (", " and ": "), now by orjson: a held copy is still the same event."""
    import json

    record = {"origin": "78bfcc434dfb303e", "seq": 3, "lamport": 5, "dossier": "X-250303-0001", "id": 9,
              "at": "2025-03-03T09:00:00", "kind": "returned", "officer": "Trần Thị Lan",
              "detail": {"to": "Nguyễn Văn Đức", "channel": "counter", "rating": "satisfied", "n": [1, True, None]},
              "receipt": ["78bfcc434dfb303e", 1]}
    row = merging.event_row(record)
    compared = merging._compared(row)
    held = (*compared[:5], compared[5].decode(), *compared[6:])  # as the database gives it back: text
    former = (*held[:5], json.dumps(record["detail"], ensure_ascii=False), *held[6:])
    assert former != held and merging._same_event(held, row) and merging._same_event(former, row)
    for changed in ({**record["detail"], "rating": "unsatisfied"}, {**record["detail"], "n": [1, 1, None]}):
        other = (*held[:5], json.dumps(changed, ensure_ascii=False), *held[6:])
        assert not merging._same_event(other, row)
    assert not merging._same_event((*former[:2], "2025-03-03T09:01:00", *former[3:]), row)
    assert not merging._same_event((*held[:5], "{không phải JSON", *held[6:]), row)


def test_records_and_details_that_reach_the_writer_as_bytes_are_stored_as_text(tmp_path):
    files, counters = _files(tmp_path)
    with Session(tmp_path / "province.sqlite3") as province:
        enrol(province, *counters)
        import_files(province, files)
        db = province.province.db
        assert db.execute("SELECT count(*) FROM province_dossiers").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM province_unit_events").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM province_dossiers WHERE typeof(record) <> 'text'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM province_unit_events WHERE typeof(detail) <> 'text'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM province_dossiers WHERE json_valid(record) = 0").fetchone()[0] == 0
    for s in counters:
        s.close()


def test_counters_11_to_20_sync_with_the_others_and_reach_the_province(tmp_path):
    """A centre of twenty counters: counter 12's and counter 20's dossiers go to counter 1 through the share,
    and every counter's file is enrolled and imported at the province, its six-digit codes with it."""
    share = tmp_path / "share"
    share.mkdir()
    counters = unit_of(tmp_path, (1, 12, 20))
    first, twelfth, last = counters
    made = [receive(twelfth, "2025-03-03 09:00", name="Nguyễn Văn An").code,
            receive(last, "2025-03-03 09:10", name="Trần Thị Bình").code]
    assert [code[-6:] for code in made] == ["210001", "290001"]
    sync_all(counters, share)
    assert [sync_helpers_dossier(first, code).applicant_name for code in made] == ["Nguyễn Văn An", "Trần Thị Bình"]
    files = [Path(export_changes(s, tmp_path / f"out-{k}").file) for k, s in zip((1, 12, 20), counters, strict=True)]
    with Session(tmp_path / "province.sqlite3") as province:
        enrol(province, *counters)
        result = import_files(province, files)
        assert result["conflicts"] == [] and result["files"] == 3
        assert [province_dossiers.get(province, code)[1]["workstation"] for code in made] == [12, 20]
        assert [province_dossiers.get(province, code)[0].applicant_name for code in made] == [
            "Nguyễn Văn An", "Trần Thị Bình"]
    for s in counters:
        s.close()
