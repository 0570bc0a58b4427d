"""End-of-day export: one complete, verified file per run; only such a file marks changes."""

import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from counter import demo, export, export_archive, intake, lifecycle
from counter.errors import CounterError
from counter.session import Session
from db import export as export_table

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2025, 3, 3, 9, 0)


def _receive(session, minute: int = 0, **extra):
    return intake.receive(session, "1.004873", "Nguyễn Văn Đức", id_number="024123456789",
                          at=MONDAY.replace(minute=minute), **extra)


def _members(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_the_first_export_holds_everything_and_the_next_only_the_changes(session, tmp_path):
    first, second = _receive(session, 0), _receive(session, 5)
    result = export.export_changes(session, tmp_path)
    assert (result.sequence, result.dossiers, result.events) == (1, 2, 2)
    assert Path(result.file).parent == tmp_path

    lifecycle.record_result(session, second.code, at=datetime(2025, 3, 4, 10, 0))
    result = export.export_changes(session, tmp_path)
    assert (result.sequence, result.dossiers, result.events) == (2, 1, 1)
    members = _members(Path(result.file))
    [record] = _lines(members["dossiers.jsonl"])
    assert record["code"] == second.code and record["status"] == "result_ready"
    [event] = _lines(members["events.jsonl"])
    assert event["dossier"] == second.code and event["kind"] == "result_recorded"
    assert record["version"] == event["id"]

    result = export.export_changes(session, tmp_path)
    assert (result.sequence, result.dossiers, result.events) == (3, 0, 0)
    assert first.code not in _members(Path(result.file))["dossiers.jsonl"].decode()


def test_the_file_describes_itself_and_every_part_is_hashed(session, tmp_path):
    dossier = _receive(session)
    result = export.export_changes(session, tmp_path)
    path = Path(result.file)
    data = path.read_bytes()
    # The seal: SHA-256 of everything before the last 64 bytes, which hold it in hex.
    assert data[-64:].decode() == hashlib.sha256(data[:-64]).hexdigest()
    members = _members(path)
    manifest = json.loads(members["manifest.json"])
    assert members["manifest.json.sha256"].decode().split()[0] == hashlib.sha256(members["manifest.json"]).hexdigest()
    assert manifest["format"] == "motcua-export" and manifest["format_version"] == 2
    assert manifest["unit"] == {"code": "000.00.53.H48", "name": "UBND xã Tân Tiến"}
    assert (manifest["workstation"], manifest["sequence"]) == (1, 1)
    assert manifest["software"]["version"] == __import__("counter").__version__
    assert manifest["counts"] == {"dossiers": 1, "events": 1, "files": 0}
    assert manifest["period"]["from"] == "2025-03-03T09:00:00"
    for part in manifest["parts"]:
        body = members[part["name"]]
        assert hashlib.sha256(body).hexdigest() == part["sha256"] and len(body) == part["bytes"]
    [record] = _lines(members["dossiers.jsonl"])
    assert record["code"] == dossier.code and record["applicant_name"] == "Nguyễn Văn Đức"
    assert "id" not in record and "applicant_id" not in record
    assert [d["name"] for d in record["documents"]] == [d.name for d in dossier.documents]
    assert export_archive.verify(path).manifest == manifest


def test_the_default_folder_is_exports_beside_the_database(session, db_path):
    result = export.export_changes(session)
    assert Path(result.file).parent == db_path.parent / "exports"
    assert export.last_export_at(session) is not None


def test_last_export_at_is_none_before_the_first_export(session):
    assert export.last_export_at(session) is None


def test_a_database_never_set_up_as_a_unit_cannot_export(tmp_path):
    with Session(tmp_path / "empty.sqlite3") as empty, pytest.raises(CounterError, match="chưa được khởi tạo"):
        export.export_changes(empty, tmp_path)


def test_an_export_interrupted_midway_marks_nothing_and_the_next_is_complete(session, tmp_path, monkeypatch):
    demo.fill(session, 60, seed=3, end=datetime(2025, 6, 30, 17, 0))
    monkeypatch.setattr(export, "BATCH", 10)

    def power_cut(done, total):
        if done >= 30:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        export.export_changes(session, out, progress=power_cut)
    assert list(out.iterdir()) == []
    assert export.last_export_at(session) is None

    result = export.export_changes(session, out)
    assert (result.sequence, result.dossiers) == (1, 60)
    assert result.events == export_table.last_event_id(session.db)


def test_a_failure_after_the_file_is_written_leaves_nothing_marked(session, tmp_path, monkeypatch):
    _receive(session)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_table, "record", disk_full)
    out = tmp_path / "out"
    with pytest.raises(CounterError, match="Chưa đánh dấu gì"):
        export.export_changes(session, out)
    assert list(out.iterdir()) == [] and export.last_export_at(session) is None
    monkeypatch.undo()
    assert export.export_changes(session, out).sequence == 1


def test_an_export_process_killed_midway_leaves_the_next_export_complete(session, db_path, tmp_path):
    demo.fill(session, 40, seed=5, end=datetime(2025, 6, 30, 17, 0))
    out = tmp_path / "out"
    script = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from counter import export\n"
        "from counter.session import Session\n"
        "export.BATCH = 5\n"
        "def kill(done, total):\n"
        "    if done >= 20:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"export.export_changes(Session({str(db_path)!r}), {str(out)!r}, progress=kill)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert killed.returncode == -9
    assert not list(out.glob("*.zip"))
    assert export.last_export_at(session) is None

    result = export.export_changes(session, out)
    assert (result.sequence, result.dossiers) == (1, 40)
    assert [p.name for p in out.iterdir()] == [Path(result.file).name]


def test_with_files_carries_each_scan_once(session, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    documents = [intake.DocumentInput("Tờ khai", file=scan), intake.DocumentInput("Bản sao", file=scan)]
    _receive(session, documents=documents)
    without = export.export_changes(session, tmp_path / "a")
    assert [n for n in _members(Path(without.file)) if n.startswith("files/")] == []

    again = _receive(session, 9, documents=documents)
    result = export.export_changes(session, tmp_path / "b", with_files=True)
    members = _members(Path(result.file))
    sha = hashlib.sha256(b"%PDF-1.4 scan").hexdigest()
    assert [n for n in members if n.startswith("files/")] == [f"files/{sha}"]
    assert members[f"files/{sha}"] == b"%PDF-1.4 scan"
    assert json.loads(members["manifest.json"])["counts"]["files"] == 1
    assert again.code in members["dossiers.jsonl"].decode()


def test_cli_export_prints_exactly_the_contract(cli, tmp_path):
    code, _, err = cli("receive", "--procedure", "1.004873", "--name", "Lê Thị Hoa", "--at", "2025-03-03 09:00")
    assert code == 0, err
    result = cli.json("export", "--out", str(tmp_path / "out"))
    # Issue 13 added what signed and encrypted the file; the issue 4 keys stay.
    assert set(result) == {"file", "sequence", "dossiers", "events", "encrypted", "signed_by", "resent"}
    assert (result["sequence"], result["dossiers"], result["events"]) == (1, 1, 1)
    code, out, _ = cli("export", "--out", str(tmp_path / "out"))
    assert code == 0 and "lần số 2" in out


def test_an_export_the_province_would_refuse_is_never_written(session, tmp_path, monkeypatch):
    """Past a limit of docs/export-format.md the unit is told what to do, and nothing is marked."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 " + b"x" * 2000)
    _receive(session, documents=[intake.DocumentInput("Tờ khai", file=scan)])
    monkeypatch.setattr(export_archive, "MAX_SCAN", 1000)
    out = tmp_path / "out"
    with pytest.raises(CounterError, match="xuất không kèm tệp quét"):
        export.export_changes(session, out, with_files=True)
    monkeypatch.setattr(export_archive, "MAX_LINE", 200)
    with pytest.raises(CounterError, match="dài quá"):
        export.export_changes(session, out)
    assert list(out.iterdir()) == [] and export.last_export_at(session) is None
    monkeypatch.undo()
    assert export.export_changes(session, out, with_files=True).sequence == 1


def test_scans_are_stored_uncompressed_and_the_rest_deflated(session, tmp_path):
    scan = tmp_path / "blank.bmp"
    scan.write_bytes(b"BM" + b"\xff" * 300_000)  # a blank page: deflated, it would look like a ZIP bomb
    _receive(session, documents=[intake.DocumentInput("Tờ khai", file=scan)])
    path = Path(export.export_changes(session, tmp_path / "out", with_files=True).file)
    with zipfile.ZipFile(path) as archive:
        methods = {info.filename.split("/")[0]: info.compress_type for info in archive.infolist()}
    assert methods == {"dossiers.jsonl": zipfile.ZIP_DEFLATED, "events.jsonl": zipfile.ZIP_DEFLATED,
                       "files": zipfile.ZIP_STORED, "manifest.json": zipfile.ZIP_DEFLATED,
                       "manifest.json.sha256": zipfile.ZIP_DEFLATED, "audit.jsonl": zipfile.ZIP_DEFLATED,
                       "manifest.json.sig": zipfile.ZIP_DEFLATED}
    assert export_archive.verify(path).manifest["counts"]["files"] == 1
