"""Province import: every field arrives, nothing counts twice, damaged files change nothing."""

import json
import multiprocessing
import re
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from counter import corrections, demo, digitization, export_archive, intake, keys, lifecycle
from counter.errors import CounterError
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.province import enrolment, importing, records
from counter.province.importing import gaps, import_files
from counter.session import Session
from db import files as file_table
from tests.counter.export_helpers import (
    as_format_1,
    codes,
    conforms,
    dump,
    enrol,
    export_file,
    invalid_values,
    members_of,
    province_state,
    reseal,
    rewritten,
    schemas,
    unit_session,
    unit_state,
    valid_values,
    with_dossier_lines,
    with_event_lines,
)

END = datetime(2025, 6, 30, 17, 0)


@pytest.fixture
def unit(tmp_path):
    with unit_session(tmp_path / "unit.sqlite3") as session:
        yield session


@pytest.fixture
def province(tmp_path, unit):
    with Session(tmp_path / "province.sqlite3", "Sở Nội vụ") as session:
        enrol(session, unit)
        yield session


def _day_of_work(unit, tmp_path):
    """Three exports with changes of every kind in between; returns the files in order."""
    demo.fill(unit, 200, seed=11, end=END)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 ket qua")
    a = intake.receive(unit, "1.004873", "Nguyễn Văn Đức", id_number="024099887766", phone="0912345678",
                       address="Thôn Đông", email="duc@example.vn", fee=15000, at=datetime(2025, 7, 1, 9, 0))
    b = intake.receive(unit, "1.004873", "Lê Thị Hoa", channel="online", at=datetime(2025, 7, 1, 9, 30))
    files = [export_file(unit, tmp_path / "out")]
    corrections.edit(unit, a.code, "address", "Thôn Đoài", "Gõ nhầm thôn")
    digitization.attach(unit, a.code, document=1, file=scan)
    lifecycle.request_supplement(unit, b.code, "Thiếu giấy xác nhận", at=datetime(2025, 7, 1, 10, 0))
    files.append(export_file(unit, tmp_path / "out"))
    lifecycle.record_result(unit, a.code, at=datetime(2025, 7, 3, 14, 0), file=scan)
    lifecycle.return_result(unit, a.code, at=datetime(2025, 7, 3, 16, 0), channel="postal", rating="satisfied")
    lifecycle.resume(unit, b.code, at=datetime(2025, 7, 2, 8, 0))
    lifecycle.stop(unit, b.code, "Công dân xin rút hồ sơ", at=datetime(2025, 7, 2, 9, 0))
    files.append(export_file(unit, tmp_path / "out"))
    return files


def test_a_round_trip_preserves_every_field_and_event_of_every_dossier(unit, province, tmp_path):
    files = _day_of_work(unit, tmp_path)
    result = import_files(province, files)
    assert (result["files"], result["gaps"], result["conflicts"]) == (3, [], [])
    every = codes(unit)
    assert len(every) == 202
    for code in every:
        assert province_state(province, code) == unit_state(unit, code), code
    _, source = province_dossiers.get(province, every[-1])
    assert source["unit"] == "000.00.53.H48" and source["workstation"] == 1


def test_the_same_file_twice_changes_nothing(unit, province, tmp_path):
    files = _day_of_work(unit, tmp_path)
    first = import_files(province, files[:2])
    assert first["files"] == 2 and first["dossiers"] > 200
    before = dump(province.path)
    again = import_files(province, [files[1], files[0], files[1]])
    assert {k: again[k] for k in ("files", "dossiers", "events", "conflicts")} == {
        "files": 0, "dossiers": 0, "events": 0, "conflicts": []}
    assert len(again["skipped"]) == 3
    assert dump(province.path) == before


def test_the_same_file_twice_in_one_command_counts_once(unit, province, tmp_path):
    files = _day_of_work(unit, tmp_path)
    copy = tmp_path / "copy.zip"
    shutil.copy(files[0], copy)
    result = import_files(province, [files[0], copy])
    assert result["files"] == 1 and result["skipped"] == [str(copy)]


def test_files_in_reverse_order_end_in_the_same_state(unit, tmp_path):
    files = _day_of_work(unit, tmp_path)
    with Session(tmp_path / "forward.sqlite3") as forward, Session(tmp_path / "backward.sqlite3") as backward:
        enrol(forward, unit)
        enrol(backward, unit)
        import_files(forward, files)
        for path in reversed(files):
            import_files(backward, [path])
        for code in codes(unit):
            expected = unit_state(unit, code)
            assert province_state(forward, code) == expected
            assert province_state(backward, code) == expected


def test_an_older_state_never_overwrites_a_newer_one(unit, province, tmp_path):
    files = _day_of_work(unit, tmp_path)
    import_files(province, [files[2]])
    # The first file holds 200 dossiers the last one does not, and older states of the other two.
    assert import_files(province, [files[0]])["dossiers"] == 200
    assert import_files(province, [files[1]])["dossiers"] == 0
    for code in codes(unit):
        assert province_state(province, code) == unit_state(unit, code)


def test_a_missing_sequence_is_reported_as_a_gap(unit, province, tmp_path):
    files = _day_of_work(unit, tmp_path)
    result = import_files(province, [files[0], files[2]])
    assert result["gaps"] == [{"unit": "000.00.53.H48", "workstation": 1, "missing": [2]}]
    assert import_files(province, [files[1]])["gaps"] == []


def _good_and_bad(unit, province, tmp_path):
    demo.fill(unit, 80, seed=2, end=END)
    first = export_file(unit, tmp_path / "out")
    import_files(province, [first])
    intake.receive(unit, "1.004873", "Phạm Văn Nam", at=datetime(2025, 7, 1, 9, 0))
    return export_file(unit, tmp_path / "out")


def _flip(data: bytes, where: int) -> bytes:
    changed = bytearray(data)
    changed[where] ^= 0x10
    return bytes(changed)


DAMAGE = {
    "truncated to half": lambda data, path: data[: len(data) // 2],
    "last bytes cut": lambda data, path: data[:-10],
    "bit flipped in the records": lambda data, path: _flip(data, len(data) // 3),
    "bit flipped in a header": lambda data, path: _flip(data, 40),
    "bit flipped near the end": lambda data, path: _flip(data, len(data) - 120),
    "bit flipped in the seal": lambda data, path: _flip(data, len(data) - 3),
    "bit flipped and resealed": lambda data, path: reseal(_flip(data, len(data) // 3)),
    "manifest edited": lambda data, path: rewritten(path, lambda m: m.update(sequence=9), fix_checksum=False),
    "manifest edited with its checksum": lambda data, path: rewritten(
        path, lambda m: m["counts"].update(dossiers=m["counts"]["dossiers"] + 1), fix_checksum=True),
    "manifest's part hash edited": lambda data, path: rewritten(
        path, lambda m: m["parts"][0].update(sha256="0" * 64), fix_checksum=True),
    "unit code edited everywhere it is checked": lambda data, path: rewritten(
        path, lambda m: m["unit"].update(code="000.00.99.H99"), fix_checksum=True),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_altered_file_is_rejected_whole_and_the_database_is_unchanged(unit, province, tmp_path, damage):
    good = _good_and_bad(unit, province, tmp_path)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(DAMAGE[damage](good.read_bytes(), good))
    before = dump(province.path)
    with pytest.raises(CounterError, match="bị từ chối"):
        import_files(province, [good, bad] if "unit code" not in damage else [bad])
    assert dump(province.path) == before


def test_a_dossier_code_sent_by_two_units_is_a_conflict_never_merged(tmp_path, unit, province):
    at = datetime(2025, 3, 3, 9, 0)
    with unit_session(tmp_path / "a.sqlite3") as first, \
            unit_session(tmp_path / "b.sqlite3", name="UBND xã cài nhầm mã") as second:
        mine = intake.receive(first, "1.004873", "Nguyễn Văn An", at=at)
        theirs = intake.receive(second, "1.004873", "Trần Thị Bình", at=at.replace(hour=10))
        other = intake.receive(second, "1.004873", "Trần Thị Bình", at=datetime(2025, 3, 4, 9, 0))
        assert mine.code == theirs.code
        # Both claim quầy 1 of one unit: only one key at a time is enrolled for it, so the second
        # database is taken for a replaced PC (the first key revoked) before its file arrives.
        enrolment.revoke(province, keys.current(unit).fingerprint)
        enrol(province, first)
        with pytest.raises(CounterError, match="đã có khóa .* đang dùng"):
            enrol(province, second)
        import_files(province, [export_file(first, tmp_path / "a")])
        enrolment.revoke(province, keys.current(first).fingerprint, "Máy thay thế")
        enrol(province, second)
        result = import_files(province, [export_file(second, tmp_path / "b")])
    [conflict] = result["conflicts"]
    assert conflict["code"] == mine.code and conflict["kind"] == "other_dossier"
    # Format 2: two databases of one unit code are two counters to the province; the second receipt of the
    # code is kept (nothing is dropped) but set aside, as the unit's own fold does (issue 12).
    assert result["dossiers"] == 1 and result["events"] == 2
    stored, _ = province_dossiers.get(province, mine.code)
    assert stored.applicant_name == "Nguyễn Văn An"
    assert [e["kind"] for e in province_dossiers.events(province, mine.code)] == ["received", "received"]
    assert province_dossiers.get(province, other.code)[0].applicant_name == "Trần Thị Bình"


def test_two_copies_of_a_unit_that_diverged_are_a_conflict(tmp_path, province):
    with unit_session(tmp_path / "unit.sqlite3") as original:
        dossier = intake.receive(original, "1.004873", "Nguyễn Văn An", at=datetime(2025, 3, 3, 9, 0))
        import_files(province, [export_file(original, tmp_path / "a")])
        original.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(tmp_path / "unit.sqlite3", tmp_path / "copy.sqlite3")
        lifecycle.record_result(original, dossier.code, at=datetime(2025, 3, 4, 9, 0))
        import_files(province, [export_file(original, tmp_path / "a")])
    with Session(tmp_path / "copy.sqlite3", "Trần Thị Lan") as copy:
        lifecycle.reject(copy, dossier.code, "Không thuộc thẩm quyền", at=datetime(2025, 3, 4, 9, 0))
        result = import_files(province, [export_file(copy, tmp_path / "b")])
    [conflict] = result["conflicts"]
    assert conflict["kind"] == "same_version_differs"
    assert province_dossiers.get(province, dossier.code)[0].status == "result_ready"


def test_scans_sent_with_the_file_reach_the_province_file_store(unit, province, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    dossier = intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                             documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    assert import_files(province, [path])["dossiers"] == 1
    sha = dossier.documents[0].file_sha256
    assert province.files.path_of(sha).read_bytes() == b"%PDF-1.4 to khai"
    stored, _ = province_dossiers.get(province, dossier.code)
    assert stored.documents[0].file_sha256 == sha


def _exported(files: list[Path]) -> tuple[list[dict], list[dict], list[dict]]:
    """(manifests, dossier records, event records) of export files."""
    manifests, dossiers, events = [], [], []
    for path in files:
        members = members_of(path)
        manifests.append(json.loads(members["manifest.json"]))
        dossiers += [json.loads(line) for line in members["dossiers.jsonl"].splitlines()]
        events += [json.loads(line) for line in members["events.jsonl"].splitlines()]
    return manifests, dossiers, events


def _refuses_dossier(record) -> bool:
    return records.dossier_batch_problem([record], "000.00.53.H48", records.code_pattern("000.00.53.H48")) is not None \
        or records.v2_dossier_problem(record) is not None


def _refuses_event(record) -> bool:
    """The record checks of format 2, for an event of a station whose whole log the file covers."""
    origins = {"0123456789abcdef": {"after": 0, "through": 2 ** 63 - 1}} if type(record) is not dict else {
        record.get("origin") if isinstance(record.get("origin"), str) else "-": {"after": 0, "through": 2 ** 63 - 1}}
    if isinstance(record, dict) and not (isinstance(record.get("origin"), str)
                                         and re.fullmatch(r"[0-9a-f]{16}", record["origin"])):
        return True
    return records.event_batch_problem([record]) is not None or records.v2_event_problem(record, origins) is not None


def _refuses_manifest(manifest) -> bool:
    try:
        export_archive._check_manifest("x.zip", export_archive._parse_manifest("x.zip", json.dumps(manifest).encode()))
    except CounterError:
        return True
    return False


def _edited(record: dict, path: tuple, value=None, delete: bool = False) -> dict:
    changed = json.loads(json.dumps(record))
    target = changed
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def _present(record, path: tuple) -> bool:
    for step in path:
        if isinstance(record, list) and isinstance(step, int):
            if step >= len(record):
                return False
        elif not isinstance(record, dict) or step not in record:
            return False
        record = record[step]
    return True


def _fields(schema: dict, root: dict, prefix: tuple = ()) -> list[tuple[tuple, dict]]:
    """(path, schema) of every property, nested objects and the first item of arrays included."""
    found = []
    for key, sub in schema.get("properties", {}).items():
        path = prefix + (key,)
        found.append((path, sub))
        if "items" in sub and "properties" in sub["items"]:
            found += _fields(sub["items"], root, path + (0,))
        elif "properties" in sub:
            found += _fields(sub, root, path)
    return found


# Rules beyond the schemas (docs/export-format.md, "Rules beyond the schemas"), which the
# record checks alone cannot see or which tie a value to the rest of the file.
_BEYOND = {("code",), ("unit_code",), ("parts",), ("parts", 0, "name"), ("parts", 0, "sha256"), ("parts", 0),
           ("events_range", "after"), ("events_range", "through"), ("with_files",),
           # format 2: the fingerprint is the key's; the anchors' ids and `rows` agree with each other;
           # an event's identity lies in the manifest's ranges, its receipt and detail fit its kind.
           ("signer", "key"), ("signer", "fingerprint"), ("audit", "after"), ("audit", "head", "id"), ("audit", "rows"),
           ("format_version",), ("origins",), ("origin",), ("seq",), ("receipt",), ("kind",), ("detail",), ("dossier",)}


@pytest.mark.parametrize("what", ["dossier", "event", "manifest"])
def test_the_hand_written_checks_say_what_the_documented_schemas_say(unit, tmp_path, what):
    """Every genuine record passes both; each field set to a value the schema refuses, or left out,
    fails both; each field set to a value the schema allows, at its edges, passes both."""
    root = schemas()[what]
    manifests, dossiers, events = _exported(_day_of_work(unit, tmp_path))
    genuine = {"dossier": dossiers, "event": events, "manifest": manifests}[what]
    refuses = {"dossier": _refuses_dossier, "event": _refuses_event, "manifest": _refuses_manifest}[what]
    for record in genuine:
        assert conforms(record, root) and not refuses(record), record
    sample = max(genuine, key=lambda record: len(json.dumps(record)))
    checked = 0
    for path, sub in _fields(root, root):
        if not _present(sample, path[:-1]):
            continue  # a field of the first item of a list the sample has empty
        if path[-1] in root.get("required", []) or len(path) > 1:
            changed = _edited(sample, path, delete=True)
            assert not conforms(changed, root) and refuses(changed), ("missing", path)
        for value in invalid_values(sub, root):
            changed = _edited(sample, path, value)
            assert not conforms(changed, root) and refuses(changed), (path, value)
            checked += 1
        if path in _BEYOND:
            continue
        for value in valid_values(sub, root):
            changed = _edited(sample, path, value)
            assert conforms(changed, root) and not refuses(changed), (path, value)
            checked += 1
    assert checked > 100


def test_times_must_exist_and_codes_must_be_the_unit_s_own(unit, tmp_path):
    """The two rules a JSON Schema pattern cannot say."""
    dossier = intake.receive(unit, "1.004873", "Nguyễn Văn An", at=datetime(2025, 3, 3, 9, 0))
    _, [record], _ = _exported([export_file(unit, tmp_path / "out")])
    assert not _refuses_dossier(record)
    for day in ("2026-02-30", "2025-02-29", "2100-02-29", "2025-04-31"):
        assert _refuses_dossier(dict(record, due_at=f"{day}T17:00:00")), day
        assert conforms(dict(record, due_at=f"{day}T17:00:00"), schemas()["dossier"])
    assert not _refuses_dossier(dict(record, due_at="2024-02-29T17:00:00"))
    other = "000.00.99.H99" + dossier.code[len("000.00.53.H48"):]
    assert _refuses_dossier(dict(record, code=other)) and _refuses_dossier(dict(record, unit_code="000.00.99.H99"))


def test_a_large_import_parses_in_a_second_process_and_ends_the_same(unit, tmp_path, monkeypatch):
    files = _day_of_work(unit, tmp_path)
    monkeypatch.setattr(importing, "SECOND_PROCESS_FROM", 0)
    with Session(tmp_path / "two.sqlite3") as two:
        enrol(two, unit)
        assert import_files(two, files)["files"] == 3
        for code in codes(unit):
            assert province_state(two, code) == unit_state(unit, code)
    lines = members_of(files[0])["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[0])
    record["status"] = "lost"
    # A province that never had file 1 (one that has it skips the same export sent again, unread),
    # but has file 2: an empty one changes its page size on its first import.
    with Session(tmp_path / "three.sqlite3") as three:
        enrol(three, unit)
        import_files(three, [files[1]])
        before = dump(three.path)
        with pytest.raises(CounterError, match="dòng 1: trường «status»"):
            import_files(three, [with_dossier_lines(files[0], [export_archive.line(record)] + lines[1:], tmp_path,
                                                       keys.current(unit).key)])
        assert dump(three.path) == before


def _started(unit, province, tmp_path) -> None:
    """A province that holds a unit's first file: an empty one changes its page size on a first import."""
    intake.receive(unit, "1.004873", "Trần Văn Bình", at=datetime(2025, 6, 30, 9, 0))
    import_files(province, [export_file(unit, tmp_path / "first")])


def test_good_files_before_a_bad_one_are_not_stored_and_their_scans_leave_no_trace(unit, province, tmp_path):
    _started(unit, province, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                   documents=[intake.DocumentInput("Tờ khai", file=scan)])
    good = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    intake.receive(unit, "1.004873", "Lê Thị Hoa", at=datetime(2025, 7, 1, 10, 0))
    second = export_file(unit, tmp_path / "out")
    lines = members_of(second)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[0])
    record["received_at"] = "2025-02-30T10:00:00"
    bad = with_dossier_lines(second, [export_archive.line(record)], tmp_path, keys.current(unit).key)
    before = dump(province.path)
    with pytest.raises(CounterError, match="trường «received_at»"):
        import_files(province, [good, bad])
    assert dump(province.path) == before and not province.files.folder.exists()
    assert import_files(province, [good, second])["files"] == 2


def test_a_failure_after_the_scans_are_copied_removes_them(unit, province, tmp_path, monkeypatch):
    _started(unit, province, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 ket qua")
    intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                   documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    before = dump(province.path)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_table, "record", disk_full)
    with pytest.raises(OSError):
        import_files(province, [path])
    assert dump(province.path) == before and not province.files.folder.exists()


def test_a_sequence_stored_before_the_limit_does_not_poison_later_imports(unit, province, tmp_path):
    import_files(province, [export_file(unit, tmp_path / "out")])
    with sqlite3.connect(province.path) as conn:  # a province database filled by an older motcua
        conn.execute("INSERT INTO province_files (sha256, unit_id, workstation, sequence, name, created_at, software,"
                     " dossiers, events, files, imported_at) SELECT 'x', unit_id, workstation, 1000000000, 'old.zip',"
                     " created_at, software, 0, 0, 0, imported_at FROM province_files")
    conn.close()
    [gap] = gaps(province)
    assert gap["missing"][:2] == [2, 3] and len(gap["missing"]) == export_archive.MAX_SEQUENCE - 1
    intake.receive(unit, "1.004873", "Lê Thị Hoa", at=datetime(2025, 7, 1, 10, 0))
    assert import_files(province, [export_file(unit, tmp_path / "out")])["files"] == 1


def test_a_record_of_an_earlier_version_imports_without_the_fields_added_since(unit, province, tmp_path):
    """docs/export-format.md: keys only get added; a unit not yet upgraded sends none of the schema 5
    fields, and the province stores their empty values; a present one with a bad value is refused."""
    added = ("birth_date", "sex", "representative_name", "representative_id", "representative_phone", "payment",
             "fee_receipt", "rating_by", "procedure_field", "online_level", "lci", "returning_applicant", "data_reused",
             "late_at_supplement", "supplement_late", "apology_late", "complaints")
    dossier = intake.receive(unit, "2.001035", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0), payment="cash")
    lifecycle.record_result(unit, dossier.code, at=datetime(2025, 7, 1, 10, 0))
    lifecycle.return_result(unit, dossier.code, at=datetime(2025, 7, 1, 11, 0), rating="satisfied")
    path = export_file(unit, tmp_path / "out")
    [line] = members_of(path)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(line)
    assert set(added) <= set(record)
    old = {key: value for key, value in record.items() if key not in added}
    # A unit not yet upgraded writes format 1, unsigned (its events have no place in a unit's log either).
    import_files(province, [as_format_1(path, tmp_path, [export_archive.line(old)])], accept_unsigned=True)
    stored = province.db.execute("SELECT payment, rating_by, fee, supplements, complaints, lci FROM province_dossiers"
                                 ).fetchone()
    assert stored == (None, None, 50000, 0, 0, 0)
    shown, _ = province_dossiers.get(province, dossier.code)
    assert shown.payment is None and shown.birth_date == "" and shown.rating == "satisfied"
    before = dump(province.path)
    bad = dict(record, payment="bitcoin", version=record["version"])
    with pytest.raises(CounterError, match="trường «payment»"):
        import_files(province, [with_dossier_lines(path, [export_archive.line(bad)], tmp_path, keys.current(unit).key,
                                                   next_sequence=True)])
    assert dump(province.path) == before


def _parsers() -> list:
    return [p for p in multiprocessing.active_children() if p.name.startswith("motcua-province-parser")]


def test_several_parser_processes_store_the_files_in_order_and_a_bad_third_file_stores_nothing(
        unit, tmp_path, monkeypatch):
    files = _day_of_work(unit, tmp_path)
    monkeypatch.setattr(importing, "SECOND_PROCESS_FROM", 0)
    monkeypatch.setattr(importing, "PARSERS", 2)
    lines = members_of(files[2])["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[-1])
    record["channel"] = "pigeon"
    bad = with_dossier_lines(files[2], lines[:-1] + [export_archive.line(record)], tmp_path, keys.current(unit).key)
    with Session(tmp_path / "two.sqlite3") as two:
        enrol(two, unit)
        import_files(two, [export_file(unit, tmp_path / "other")])  # the page size changes on a first import
        before = dump(two.path)
        with pytest.raises(CounterError, match=f"dòng {len(lines)}: trường «channel»"):
            import_files(two, [files[0], files[1], bad])
        assert dump(two.path) == before and not _parsers()
    with Session(tmp_path / "three.sqlite3") as three:
        enrol(three, unit)
        assert import_files(three, files)["files"] == 3 and not _parsers()
        for code in codes(unit):
            assert province_state(three, code) == unit_state(unit, code)


def test_a_record_that_is_not_what_its_events_say_is_stored_as_the_events_say_in_a_first_file_as_in_a_later_one(
        unit, tmp_path, monkeypatch):
    """A unit's first file is folded by the parser, a later one by the writer with the events held: the same."""
    demo.fill(unit, 30, seed=5, end=END)
    first = export_file(unit, tmp_path / "out")
    lines = members_of(first)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[3])
    record["phone"] = "0900000000" if record["phone"] != "0900000000" else "0911111111"
    edited = with_dossier_lines(first, lines[:3] + [export_archive.line(record)] + lines[4:], tmp_path,
                                keys.current(unit).key)
    stored = []
    for parsed_apart in (False, True):
        if parsed_apart:
            monkeypatch.setattr(importing, "SECOND_PROCESS_FROM", 0)
        with Session(tmp_path / f"fresh-{parsed_apart}.sqlite3") as fresh:
            enrol(fresh, unit)
            assert import_files(fresh, [edited])["conflicts"] == []
            stored.append(province_state(fresh, record["code"]))
    intake.receive(unit, "1.004873", "Trần Văn Bình", at=datetime(2025, 7, 1, 9, 0))
    later = export_file(unit, tmp_path / "out")
    with Session(tmp_path / "later.sqlite3") as held:
        enrol(held, unit)
        import_files(held, [later])  # a file of the unit first: the edited one is then not the unit's first
        import_files(held, [edited])
        stored.append(province_state(held, record["code"]))
    dossier, events = unit_state(unit, record["code"])
    assert stored[0] == stored[1] == stored[2] and stored[0][1] == events
    assert stored[0][0]["phone"] == dossier["phone"] != record["phone"]


def test_an_event_a_file_names_twice_with_other_content_is_a_conflict_and_the_first_copy_stays(
        unit, tmp_path, monkeypatch):
    demo.fill(unit, 30, seed=7, end=END)
    first = export_file(unit, tmp_path / "out")
    lines = members_of(first)["events.jsonl"].splitlines(keepends=True)
    events = [json.loads(line) for line in lines]
    # The last event of a dossier, not its receipt, named again (same origin and seq) as the first of the next.
    at = next(i for i in range(1, len(events) - 1) if events[i]["dossier"] == events[i - 1]["dossier"]
              != events[i + 1]["dossier"])
    copy = dict(events[at], dossier=events[at + 1]["dossier"])
    twice = with_event_lines(first, lines[:at + 1] + [export_archive.line(copy)] + lines[at + 1:], tmp_path,
                              keys.current(unit).key)
    intake.receive(unit, "1.004873", "Trần Văn Bình", at=datetime(2025, 7, 1, 9, 0))
    later = export_file(unit, tmp_path / "out")
    # Folded by the parser (the unit's first file, of at most FOLD_AHEAD dossiers), or by the writer.
    for fold_ahead in (10, 100):
        monkeypatch.setattr(importing, "FOLD_AHEAD", fold_ahead)
        for first_file in (True, False):
            with Session(tmp_path / f"province-{fold_ahead}-{first_file}.sqlite3") as province:
                enrol(province, unit)
                if not first_file:
                    import_files(province, [later])
                result = import_files(province, [twice])
                assert [(c["code"], c["kind"]) for c in result["conflicts"]] == [(copy["dossier"],
                                                                                   "same_version_differs")]
                for code in (events[at]["dossier"], copy["dossier"]):
                    assert province_state(province, code) == unit_state(unit, code)


def test_parsing_a_file_makes_no_reference_cycles(tmp_path):
    """The parser processes run without the cyclic collector (importing._parse_files): what they make while
    reading a file must be freed by reference counting alone, or a province-wide command would grow."""
    import gc

    with unit_session(tmp_path / "unit.sqlite3") as unit:
        demo.fill(unit, 60, seed=3, end=datetime(2025, 6, 27, 16, 0))
        path = export_file(unit, tmp_path / "out")
    verified = export_archive.verify(path, export_archive.seal_of(path), contents=False)
    gc.collect()
    gc.disable()
    try:
        kinds = [kind for kind, _ in importing._Reader(verified).rows()]
        found = gc.collect()
    finally:
        gc.enable()
    assert kinds[0] == "dossiers" and kinds[-1] == "folded" and found == 0
