"""Xuất dữ liệu cuối ngày: the day's changes, in one file for the province.

Each run writes one archive (counter/export_archive.py) with every dossier and
event changed since the previous export; the first holds everything. The
changes are read from one consistent snapshot, the file is written under a
temporary name, flushed, read back and verified, and only then renamed and
marked as exported, in one transaction. An export interrupted at any point
leaves nothing marked, so the next one carries the same changes again.
"""

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import counter
from counter import audit, export_archive, private, sync_records
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.errors import CounterError
from counter.session import Session
from counter.dossier import RECEIVED_KEYS
from counter.transitions import EventKind
from db import dossiers as dossier_table
from db import export as export_table
from db import sync as sync_table
from db.connection import write

BATCH = 1000
_BOOLEANS = ("digitized", "result_digitized", "reused", "lci", "returning_applicant", "data_reused",
             "late_at_supplement", "supplement_late", "apology_late")
# Local row ids mean nothing outside this database; the code identifies a dossier.
_LOCAL = ("id", "applicant_id")


def default_folder(session: Session) -> Path:
    """`exports/` beside the database."""
    return session.path.resolve().parent / "exports"


def export_changes(session: Session, out_dir: Path | None = None, with_files: bool = False, progress=None) -> dict:
    """Write the changes since the last export; returns {"file", "sequence", "dossiers", "events"}.

    `progress(done, total)` is called as dossiers are written (total: dossiers to write).
    """
    session.require("export")
    settings = session.require_unit()
    folder = Path(out_dir).resolve() if out_dir else default_folder(session)
    try:
        private.make_folder(folder)
    except OSError as exc:
        raise CounterError(f"Không tạo được thư mục {folder}: {exc.strerror}.", f"cannot create {folder}") from None
    started = now()
    db = session.db
    with export_table.snapshot(db):
        station = sync_table.station(db)
        marks = _marks(db, station)
        low, high, first_at = export_table.event_span(db, marks)
        previous = export_table.last_export(db)
        before = export_table.last_event_exported(db)
        after, through = (low - 1, high or low) if low is not None else (before, before)
        sequence = export_table.last_sequence(db, settings.workstation) + 1
        changed = export_table.changed_by_origins(db, marks)
        target = folder / f"motcua-{settings.unit_code}-q{settings.workstation}-{sequence:06d}.zip"
        manifest = {
            "format": export_archive.FORMAT,
            "format_version": export_archive.FORMAT_VERSION,
            "software": {"name": "motcua", "version": counter.__version__},
            "unit": {"code": settings.unit_code, "name": settings.unit_name},
            "workstation": settings.workstation,
            "sequence": sequence,
            "created_at": iso(started),
            "period": {
                "from": previous["finished_at"] if previous else first_at,
                "to": iso(started),
            },
            "events_range": {"after": after, "through": through},
            "with_files": with_files,
            # Issue 12: the station (and its former selves) whose own records the file carries, and for each
            # the range of its log they cover; the province merges every station's into one dossier.
            "ws_id": station["ws_id"],
            "lineage": list(station.get("lineage", [])),
            "origins": {origin: {"after": a, "through": b} for origin, (a, b) in sorted(marks.items())},
        }
        partial = _partial(folder, target)
        try:
            files = _scans(session, changed) if with_files else []
            written = export_archive.write(
                partial, manifest, _dossier_lines(session, changed, progress), _event_lines(session, changed, marks),
                files,
            )
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cannot_write(folder, exc) from None
            raise
    try:
        return _complete(session, partial, target, written, started, after, through, marks)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _marks(db, station: dict) -> dict[str, tuple[int, int]]:
    """(last seq exported, last seq now) of this station and each of its former selves: what this export
    carries of each (format 2: a station exports what it originated; the first such export, all of it)."""
    exported = export_table.origins_exported(db)
    marks = {}
    for origin in [station["ws_id"], *station.get("lineage", [])]:
        last = station["seq"] if origin == station["ws_id"] else sync_table.applied(db, origin)
        marks[origin] = (min(exported.get(origin, 0), last), last)
    return marks


def _cannot_write(folder: Path, exc: OSError) -> CounterError:
    return CounterError(
        f"Không ghi được tệp xuất vào {folder}: {exc.strerror or exc}. Chưa đánh dấu gì là đã xuất; hãy xuất lại.",
        f"cannot write the export to {folder}; nothing was marked as exported",
    )


def _complete(session: Session, partial: Path, target: Path, written: dict, started: datetime,
              after: int, through: int, marks: dict[str, tuple[int, int]]) -> dict:
    """Verify the written file, then rename it and mark the changes exported together."""
    db = session.db
    try:
        verified = export_archive.verify(partial)
        if verified.manifest["counts"] != written["counts"]:
            raise CounterError("Tệp xuất đọc lại không khớp dữ liệu đã ghi.", "the export file did not read back")
        with write(db):
            workstation, sequence = written["workstation"], written["sequence"]
            exported = export_table.origins_exported(db)
            if any(exported.get(origin, 0) > a for origin, (a, _b) in marks.items()) \
                    or export_table.last_sequence(db, workstation) + 1 != sequence:
                raise CounterError(
                    "Một lần xuất dữ liệu khác vừa chạy cùng lúc; hãy xuất lại.", "another export ran at the same time"
                )
            # The temporary file is private (0600) and stays so: the export holds CCCD numbers,
            # phones and addresses (counter/private.py).
            os.replace(partial, target)
            try:
                _sync_folder(target.parent)
                export_table.record(db, {
                    "workstation": workstation, "sequence": sequence, "file": str(target), "sha256": verified.seal,
                    "after_event": after, "through_event": through, "dossiers": written["counts"]["dossiers"],
                    "events": written["counts"]["events"], "files": written["counts"]["files"],
                    "started_at": iso(started), "finished_at": iso(now()), "officer": session.officer,
                    "format_version": export_archive.FORMAT_VERSION,
                    "origins": json.dumps({o: [a, b] for o, (a, b) in marks.items()}, sort_keys=True),
                })
                audit.log(session, "exported", target.name, {"sequence": sequence, "sha256": verified.seal,
                                                             "counts": written["counts"]})
                session.note(Changes(exports=True))
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    finally:
        partial.unlink(missing_ok=True)
    # Left behind by an export killed before this one, for the same sequence.
    for stale in target.parent.glob(f".{target.name}.*.partial"):
        stale.unlink(missing_ok=True)
    return {"file": str(target), "sequence": written["sequence"], "dossiers": written["counts"]["dossiers"],
            "events": written["counts"]["events"]}


def last_export_at(session: Session) -> datetime | None:
    """When the last complete export finished; None if the unit never exported."""
    last = export_table.last_export(session.db)
    return from_iso(last["finished_at"]) if last else None


def dossier_record(row: dict, documents: list[dict], version: int, lamport: int | None = None) -> dict:
    """A dossier as the export file carries it (docs/export-format.md, "dossier record"); `lamport`: the
    greatest Lamport time among its events this station held (format 2)."""
    record = {key: value for key, value in row.items() if key not in _LOCAL}
    for key in _BOOLEANS:
        record[key] = bool(record[key])
    record["version"] = version
    if lamport is not None:
        record["lamport"] = lamport
    record["documents"] = [
        {"position": d["position"], "name": d["name"], "copy_kind": d["copy_kind"], "quantity": d["quantity"],
         "file_sha256": d["file_sha256"], "not_required": bool(d["not_required"]), "reused_from": d["reused_from"]}
        for d in documents
    ]
    return record


def _dossier_lines(session: Session, changed: list[tuple[int, int]], progress):
    total = len(changed)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        chunk = changed[start:start + BATCH]
        ids = [dossier_id for dossier_id, _ in chunk]
        rows = export_table.dossier_rows(session.db, ids)
        documents = export_table.documents_of(session.db, ids)
        known = export_table.known_lamport(session.db, ids)
        yield [export_archive.line(dossier_record(rows[i], documents[i], version, known[i])) for i, version in chunk]
        if progress:
            progress(start + len(chunk), total)


def _event_lines(session: Session, changed: list[tuple[int, int]], marks: dict[str, tuple[int, int]]):
    """The events, dossier by dossier in the order of the dossiers part: the province stores
    each dossier's events of one file together. Each carries its place in the unit's log; a
    receipt written before receipts carried the dossier's first state gets it from the row (as the
    unit sync sends it, counter/sync_records.py)."""
    for start in range(0, len(changed), BATCH):
        ids = [dossier_id for dossier_id, _ in changed[start:start + BATCH]]
        for event_id, code, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq in \
                export_table.events_by_origins(session.db, ids, marks):
            record = sync_records.event_record(origin, (seq, lamport, at, kind, officer, json.loads(detail), code,
                                                        receipt_origin, receipt_seq), {}, _legacy(session, kind, detail, code))
            yield export_archive.line({"id": event_id, "dossier": code, "at": at, "kind": kind, "officer": officer,
                                       "detail": record["detail"], "origin": origin, "seq": seq, "lamport": lamport,
                                       "receipt": record["receipt"]})


def _legacy(session: Session, kind: str, detail: str, code: str) -> dict | None:
    if kind != EventKind.RECEIVED or set(RECEIVED_KEYS) <= json.loads(detail).keys():
        return None
    row = dossier_table.by_code(session.db, code)
    assert row is not None  # the event's dossier, read in the same snapshot
    return {"row": row, "documents": dossier_table.documents_of(session.db, row["id"])}


def _scans(session: Session, changed: list[tuple[int, int]]) -> list[tuple[str, Path]]:
    """The stored scans of the changed dossiers' documents and results, each once."""
    shas: dict[str, None] = {}
    ids = [dossier_id for dossier_id, _ in changed]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = export_table.dossier_rows(session.db, chunk)
        for dossier_id, documents in export_table.documents_of(session.db, chunk).items():
            for document in documents:
                if document["file_sha256"]:
                    shas[document["file_sha256"]] = None
            if rows[dossier_id]["result_file"]:
                shas[rows[dossier_id]["result_file"]] = None
    result = []
    for sha in shas:
        path = session.files.path_of(sha)
        if not path.is_file():
            raise CounterError(
                f"Thiếu tệp quét {sha[:12]}… trong kho tệp ({session.files.folder}); "
                "hãy khôi phục kho tệp hoặc xuất không kèm tệp.",
                f"scanned file {sha} is missing from the file store",
            )
        result.append((sha, path))
    return result


def _partial(folder: Path, target: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    return Path(name)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
