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
from counter import audit, export_archive, private
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.errors import CounterError
from counter.session import Session
from db import export as export_table
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
        after = export_table.last_event_exported(db)
        through = export_table.last_event_id(db)
        sequence = export_table.last_sequence(db, settings.workstation) + 1
        previous = export_table.last_export(db)
        changed = export_table.changed_dossiers(db, after, through)
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
                "from": previous["finished_at"] if previous else export_table.first_event_at(db, after, through),
                "to": iso(started),
            },
            "events_range": {"after": after, "through": through},
            "with_files": with_files,
        }
        partial = _partial(folder, target)
        try:
            files = _scans(session, changed) if with_files else []
            written = export_archive.write(
                partial, manifest, _dossier_lines(session, changed, progress), _event_lines(session, changed, after, through),
                files,
            )
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cannot_write(folder, exc) from None
            raise
    try:
        return _complete(session, partial, target, written, started, after, through)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _cannot_write(folder: Path, exc: OSError) -> CounterError:
    return CounterError(
        f"Không ghi được tệp xuất vào {folder}: {exc.strerror or exc}. Chưa đánh dấu gì là đã xuất; hãy xuất lại.",
        f"cannot write the export to {folder}; nothing was marked as exported",
    )


def _complete(session: Session, partial: Path, target: Path, written: dict, started: datetime,
              after: int, through: int) -> dict:
    """Verify the written file, then rename it and mark the changes exported together."""
    db = session.db
    try:
        verified = export_archive.verify(partial)
        if verified.manifest["counts"] != written["counts"]:
            raise CounterError("Tệp xuất đọc lại không khớp dữ liệu đã ghi.", "the export file did not read back")
        with write(db):
            workstation, sequence = written["workstation"], written["sequence"]
            if export_table.last_event_exported(db) != after or export_table.last_sequence(db, workstation) + 1 != sequence:
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


def dossier_record(row: dict, documents: list[dict], version: int) -> dict:
    """A dossier as the export file carries it (docs/export-format.md, "dossier record")."""
    record = {key: value for key, value in row.items() if key not in _LOCAL}
    for key in _BOOLEANS:
        record[key] = bool(record[key])
    record["version"] = version
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
        yield [export_archive.line(dossier_record(rows[i], documents[i], version)) for i, version in chunk]
        if progress:
            progress(start + len(chunk), total)


def _event_lines(session: Session, changed: list[tuple[int, int]], after: int, through: int):
    """The events, dossier by dossier in the order of the dossiers part: the province stores
    each dossier's events of one file together."""
    for start in range(0, len(changed), BATCH):
        ids = [dossier_id for dossier_id, _ in changed[start:start + BATCH]]
        for event_id, code, at, kind, officer, detail in export_table.events_of(session.db, ids, after, through):
            yield export_archive.line({"id": event_id, "dossier": code, "at": at, "kind": kind, "officer": officer,
                                       "detail": json.loads(detail)})


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
