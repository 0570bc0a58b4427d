"""The province import suite again, on PostgreSQL (db/province_pg.py).

The tests of tests/counter/test_province_import.py that only talk to the
province through counter/province/ run here unchanged against a server
database; those that look at SQLite's own files (the scan folder, a second
SQLite database) have their PostgreSQL counterpart below. `dump` compares
every table, partitions included (tests/postgres.py: pg_dump).
"""

import json
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from counter import export_archive, intake, keys, lifecycle
from counter.errors import CounterError
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.province import importing
from counter.province.importing import gaps, import_files
from counter.province.server import ServerSession
from db.province_pg import PgProvince
from tests.counter import test_province_import as sqlite_suite
from tests.counter.export_helpers import (
    as_format_1,
    codes,
    dump,
    enrol,
    export_file,
    members_of,
    province_state,
    unit_state,
    with_dossier_lines,
)
from tests.counter.test_province_import import (  # noqa: F401 (tests and fixtures run here again)
    _day_of_work,
    _started,
    test_a_damaged_or_altered_file_is_rejected_whole_and_the_database_is_unchanged,
    test_a_dossier_code_sent_by_two_units_is_a_conflict_never_merged,
    test_a_missing_sequence_is_reported_as_a_gap,
    test_a_round_trip_preserves_every_field_and_event_of_every_dossier,
    test_an_older_state_never_overwrites_a_newer_one,
    test_the_same_file_twice_changes_nothing,
    test_the_same_file_twice_in_one_command_counts_once,
    test_two_copies_of_a_unit_that_diverged_are_a_conflict,
)

unit = sqlite_suite.unit  # the unit fixture


@pytest.fixture
def province(pg_url, unit):
    with ServerSession(pg_url, "Sở Nội vụ") as session:
        enrol(session, unit)
        yield session


def test_files_in_reverse_order_end_in_the_same_state(unit, postgres, tmp_path):
    files = _day_of_work(unit, tmp_path)
    forward_url = postgres.url(postgres.new_database(), "motcua")
    backward_url = postgres.url(postgres.new_database(), "motcua")
    with ServerSession(forward_url) as forward, ServerSession(backward_url) as backward:
        enrol(forward, unit)
        enrol(backward, unit)
        import_files(forward, files)
        for path in reversed(files):
            import_files(backward, [path])
        for code in codes(unit):
            expected = unit_state(unit, code)
            assert province_state(forward, code) == expected
            assert province_state(backward, code) == expected


def test_a_large_import_parses_in_a_second_process_and_ends_the_same(unit, province, postgres, tmp_path,
                                                                     monkeypatch):
    files = _day_of_work(unit, tmp_path)
    monkeypatch.setattr(importing, "SECOND_PROCESS_FROM", 0)
    assert import_files(province, files)["files"] == 3
    for code in codes(unit):
        assert province_state(province, code) == unit_state(unit, code)
    lines = members_of(files[0])["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[0])
    record["status"] = "lost"
    # A province holding file 1 would skip the forged one unread as the same export sent again;
    # this one has only file 2.
    with ServerSession(postgres.url(postgres.new_database(), "motcua")) as three:
        enrol(three, unit)
        import_files(three, [files[1]])
        before = dump(three.path)
        with pytest.raises(CounterError, match="dòng 1: trường «status»"):
            import_files(three, [with_dossier_lines(files[0], [export_archive.line(record)] + lines[1:], tmp_path,
                                                   keys.current(unit).key)])
        assert dump(three.path) == before


def test_scans_sent_with_the_file_are_stored_in_the_database(unit, province, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai" * 100_000)  # two chunks and a bit
    dossier = intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                             documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    assert import_files(province, [path])["dossiers"] == 1
    sha = dossier.documents[0].file_sha256
    assert province.province.scan(sha) == scan.read_bytes()
    stored, _ = province_dossiers.get(province, dossier.code)
    assert stored.documents[0].file_sha256 == sha


def test_good_files_before_a_bad_one_are_not_stored_nor_their_scans(unit, province, tmp_path):
    _started(unit, province, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                   documents=[intake.DocumentInput("Tờ khai", file=scan)])
    good = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    intake.receive(unit, "1.004873", "Lê Thị Hoa", at=datetime(2025, 8, 1, 10, 0))
    second = export_file(unit, tmp_path / "out")
    lines = members_of(second)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(lines[0])
    record["received_at"] = "2025-02-30T10:00:00"
    bad = with_dossier_lines(second, [export_archive.line(record)], tmp_path, keys.current(unit).key)
    before = dump(province.path)
    with pytest.raises(CounterError, match="trường «received_at»"):
        import_files(province, [good, bad])
    # Nothing: no row, no scan, not even the partition the good file's July needed.
    assert dump(province.path) == before
    assert import_files(province, [good, second])["files"] == 2


def test_a_failure_after_the_scans_are_stored_stores_nothing(unit, province, tmp_path, monkeypatch):
    _started(unit, province, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 ket qua")
    intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                   documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    before = dump(province.path)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PgProvince, "log", disk_full)  # the audit rows come after the scans
    with pytest.raises(OSError):
        import_files(province, [path])
    assert dump(province.path) == before


def test_a_scan_whose_content_does_not_match_its_hash_is_refused(unit, province, tmp_path, monkeypatch):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    intake.receive(unit, "1.004873", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0),
                   documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export_changes(unit, tmp_path / "out", with_files=True).file)
    real = export_archive.scan

    def altered(verified, name):
        opened = real(verified, name)
        original = opened.__enter__()

        class Altered:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return opened.__exit__(*exc)

            def read(self, size=-1):
                chunk = original.read(size)
                return chunk[:-1] + b"X" if chunk else chunk

        return Altered()

    monkeypatch.setattr(export_archive, "scan", altered)
    before = dump(province.path)
    with pytest.raises(CounterError, match="không khớp mã băm"):
        import_files(province, [path])
    assert dump(province.path) == before


def test_a_sequence_stored_before_the_limit_does_not_poison_later_imports(unit, province, tmp_path):
    import_files(province, [export_file(unit, tmp_path / "out")])
    with psycopg.connect(province.path, autocommit=True) as conn:  # a database filled before the rule
        conn.execute("INSERT INTO province_files (sha256, unit_id, workstation, sequence, name, created_at, software,"
                     " dossiers, events, files, imported_at) SELECT 'x', unit_id, workstation, 1000000000, 'old.zip',"
                     " created_at, software, 0, 0, 0, imported_at FROM province_files")
    [gap] = gaps(province)
    assert gap["missing"][:2] == [2, 3] and len(gap["missing"]) == export_archive.MAX_SEQUENCE - 1
    intake.receive(unit, "1.004873", "Lê Thị Hoa", at=datetime(2025, 7, 1, 10, 0))
    assert import_files(province, [export_file(unit, tmp_path / "out")])["files"] == 1


def test_the_audit_trail_names_the_server_user_and_holds_its_chain(unit, province, tmp_path):
    intake.receive(unit, "1.004873", "Lê Thị Hoa", at=datetime(2025, 7, 1, 10, 0))
    first = export_file(unit, tmp_path / "out")
    intake.receive(unit, "1.004873", "Trần Văn Bình", at=datetime(2025, 7, 2, 10, 0))
    import_files(province, [first, export_file(unit, tmp_path / "out")])
    with psycopg.connect(province.path) as conn:
        rows = conn.execute("SELECT officer, action, target FROM province_audit ORDER BY id").fetchall()
    assert [row[:2] for row in rows] == [("motcua", "province_key_enrolled")] + [
        ("motcua", "province_file_imported")] * 2
    assert province.province.audit_broken() is None
    with psycopg.connect(province.path, autocommit=True) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("UPDATE province_audit SET target = 'x'")


def test_a_record_of_an_earlier_version_imports_without_the_fields_added_since(unit, province, tmp_path):
    """As on SQLite (tests/counter/test_province_import.py): a unit not yet upgraded sends none of
    the schema 5 fields; their empty values are stored; a present one with a bad value is refused."""
    added = ("birth_date", "sex", "representative_name", "representative_id", "representative_phone", "payment",
             "fee_receipt", "rating_by", "procedure_field", "online_level", "lci", "returning_applicant", "data_reused",
             "late_at_supplement", "supplement_late", "apology_late", "complaints")
    dossier = intake.receive(unit, "2.001035", "Nguyễn Văn Đức", at=datetime(2025, 7, 1, 9, 0), payment="cash")
    lifecycle.record_result(unit, dossier.code, at=datetime(2025, 7, 1, 10, 0))
    lifecycle.return_result(unit, dossier.code, at=datetime(2025, 7, 1, 11, 0), rating="satisfied")
    path = export_file(unit, tmp_path / "out")
    [line] = members_of(path)["dossiers.jsonl"].splitlines(keepends=True)
    record = json.loads(line)
    old = {key: value for key, value in record.items() if key not in added}
    # A unit not yet upgraded writes format 1, unsigned (its events have no place in a unit's log either).
    import_files(province, [as_format_1(path, tmp_path, [export_archive.line(old)])], accept_unsigned=True)
    with psycopg.connect(province.path) as conn:
        stored = conn.execute("SELECT payment, rating_by, fee, supplements, complaints, lci FROM province_dossiers"
                              ).fetchone()
    assert stored == (None, None, 50000, 0, 0, False)
    shown, _ = province_dossiers.get(province, dossier.code)
    assert shown.payment is None and shown.birth_date == "" and shown.rating == "satisfied"
    before = dump(province.path)
    bad = dict(record, payment="bitcoin", version=record["version"])
    with pytest.raises(CounterError, match="trường «payment»"):
        import_files(province, [with_dossier_lines(path, [export_archive.line(bad)], tmp_path, keys.current(unit).key,
                                                   next_sequence=True)])
    assert dump(province.path) == before
