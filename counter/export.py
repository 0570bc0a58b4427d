"""Xuất dữ liệu cuối ngày: the day's changes, in one file for the province.

Each run writes one archive (counter/export_archive.py) with every dossier and
event changed since the previous export; the first holds everything. The
changes are read from one consistent snapshot, the file is written under a
temporary name, flushed, read back and verified, and only then renamed and
marked as exported, in one transaction. An export interrupted at any point
leaves nothing marked, so the next one carries the same changes again.

Every file is signed by this workstation's key (counter/keys.py) and carries the
head of its audit chain and the rows since the previous export, so the province
sees a cut or rewritten audit trail. When the unit holds the province's key (from
a province package) the file is encrypted to it: the plain archive is then written
beside the database, never in the export folder (a USB stick), and removed once
the encrypted file is written and read back.

`resend` writes an earlier export again under its own sequence, from the export
log (its event range and audit anchors), for the province that reports it missing.
Nothing is ever deleted at the unit, acknowledged by the province or not.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import counter
from counter import audit, crypto, export_archive, keys, package, private, sync_records
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.dossier import RECEIVED_KEYS, ReplayError, replay
from counter.errors import CounterError
from counter.session import Session
from counter.transitions import EventKind
from db import chain as chain_table
from db import dossiers as dossier_table
from db import durable
from db import export as export_table
from db import sync as sync_table
from db.connection import write

BATCH = 1000
ENCRYPTED_SUFFIX = ".enc"
_BOOLEANS = ("digitized", "result_digitized", "reused", "lci", "returning_applicant", "data_reused",
             "late_at_supplement", "supplement_late", "apology_late")
# Local row ids mean nothing outside this database; the code identifies a dossier.
_LOCAL = ("id", "applicant_id")


def default_folder(session: Session) -> Path:
    """`exports/` beside the database."""
    return session.path.resolve().parent / "exports"


@dataclass(frozen=True)
class Exported:
    """One export file written: its path, sequence and counts, the key that signed it, whether it is
    encrypted to the province, and whether it was an earlier export written again."""

    file: str
    sequence: int
    dossiers: int
    events: int
    encrypted: bool
    signed_by: str
    resent: bool


@dataclass(frozen=True)
class _Plan:
    """What one file holds: a new export, or an earlier one written again."""

    sequence: int
    after: int
    through: int
    # Issue 12: origin -> (last seq before, last seq carried) of this station and its former selves.
    marks: dict[str, tuple[int, int]]
    period_from: str | None
    period_to: str
    audit_after: dict | None  # {"id", "hash"}: the row the previous export ended at, as it is now
    audit_head: dict
    resend: bool = False


def export_changes(session: Session, out_dir: Path | None = None, with_files: bool = False, progress=None,
                   resend: int | None = None) -> Exported:
    """Write the changes since the last export (or, with `resend`, that earlier export again).

    `progress(done, total)` is called as dossiers are written (total: dossiers to write).
    """
    session.require("export")
    settings = session.require_unit()
    folder = Path(out_dir).resolve() if out_dir else default_folder(session)
    try:
        private.make_folder(folder)
    except OSError as exc:
        raise CounterError(f"Không tạo được thư mục {folder}: {exc.strerror}.", f"cannot create {folder}") from None
    signer = keys.current(session)
    recipient = package.pinned(session)
    started = now()
    db = session.db
    with export_table.snapshot(db):
        station = sync_table.station(db)
        plan = (_resent(session, settings.workstation, resend) if resend is not None
                else _next(session, started, station))
        changed = export_table.changed_by_origins(db, plan.marks)
        name = f"motcua-{settings.unit_code}-q{settings.workstation}-{plan.sequence:06d}.zip"
        target = folder / (name + (ENCRYPTED_SUFFIX if recipient and recipient.encryption else ""))
        manifest = {
            "format": export_archive.FORMAT,
            "format_version": export_archive.FORMAT_VERSION,
            "software": {"name": "motcua", "version": counter.__version__},
            "unit": {"code": settings.unit_code, "name": settings.unit_name},
            "workstation": settings.workstation,
            "sequence": plan.sequence,
            "created_at": iso(started),
            "period": {"from": plan.period_from, "to": plan.period_to},
            "events_range": {"after": plan.after, "through": plan.through},
            "with_files": with_files,
            "signer": signer.signer(),
            "audit": {"after": plan.audit_after, "head": plan.audit_head, "rows": 0},
            # Issue 12: the station (and its former selves) whose own records the file carries, and for each
            # the range of its log they cover; the province merges every station's into one dossier.
            "ws_id": station["ws_id"],
            "lineage": list(station.get("lineage", [])),
            "origins": {origin: {"after": a, "through": b} for origin, (a, b) in sorted(plan.marks.items())},
        }
        # The plain archive of an encrypted export stays beside the database (counter/private.py).
        encrypting = recipient is not None and recipient.encryption is not None
        plain = _partial(session.path.resolve().parent if encrypting else folder, target,
                         ".motcua-export-" if encrypting else ".")
        try:
            files = _scans(session, changed) if with_files else []
            written = export_archive.write(
                plain, manifest, _dossier_lines(session, changed, progress, plan.resend),
                _event_lines(session, changed, plan.marks), files,
                _audit_lines(session, plan), lambda body: signer.sign(export_archive.SIGNATURE_PURPOSE, body),
                durable=not encrypting,
            )
        except BaseException as exc:
            plain.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cannot_write(folder, exc) from None
            raise
    try:
        return _complete(session, plan, plain, target, written, started, recipient if encrypting else None)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _next(session: Session, started: datetime, station: dict) -> _Plan:
    db = session.db
    workstation = session.settings.workstation
    marks = _marks(db, station)
    low, high, first_at = export_table.event_span(db, marks)
    before = export_table.last_event_exported(db)
    after, through = (low - 1, high or low) if low is not None else (before, before)
    sequence = export_table.last_sequence(db, workstation) + 1
    previous = export_table.last_export(db)
    anchored = export_table.previous_export(db, workstation, sequence)
    head_id, head_hash = chain_table.audit_head(db)
    return _Plan(
        sequence, after, through, marks, previous["finished_at"] if previous else first_at, iso(started),
        _anchor(session, anchored["audit_head_id"]) if anchored and anchored["audit_head_id"] is not None else None,
        {"id": head_id, "hash": head_hash})


def _resent(session: Session, workstation: int, sequence: int) -> _Plan:
    """An earlier export as the export log recorded it: its event range and audit anchors."""
    db = session.db
    row = export_table.export_of(db, workstation, sequence)
    if row is None:
        last = export_table.last_sequence(db, workstation)
        raise CounterError(f"Quầy {workstation} chưa có lần xuất số {sequence} (lần xuất gần nhất: số {last}); "
                           "không có gì để gửi lại.", f"no export {sequence} to resend")
    previous = export_table.previous_export(db, workstation, sequence)
    if row["audit_head_id"] is None:
        # Written before exports carried audit anchors: the chain starts at a later file.
        after, head = None, {"id": 0, "hash": chain_table.audit_hash(db, 0)}
    else:
        after = _anchor(session, row["audit_after_id"]) if row["audit_after_id"] is not None else None
        head = _anchor(session, row["audit_head_id"])
    # Exports recorded before the unit sync (format 1) kept an id range only.
    marks = ({origin: (a, b) for origin, (a, b) in json.loads(row["origins"]).items()} if row["format_version"] >= 2
             else export_table.origin_spans(db, row["after_event"], row["through_event"]))
    return _Plan(sequence, row["after_event"], row["through_event"], marks,
                 previous["finished_at"] if previous else export_table.event_span(db, marks)[2],
                 row["started_at"], after, head, resend=True)


def _marks(db, station: dict) -> dict[str, tuple[int, int]]:
    """(last seq exported, last seq now) of this station and each of its former selves: what this export
    carries of each (format 2: a station exports what it originated; the first such export, all of it)."""
    exported = export_table.origins_exported(db)
    marks = {}
    for origin in [station["ws_id"], *station.get("lineage", [])]:
        last = station["seq"] if origin == station["ws_id"] else sync_table.applied(db, origin)
        marks[origin] = (min(exported.get(origin, 0), last), last)
    return marks


def _anchor(session: Session, row_id: int) -> dict:
    """The audit row `row_id` as the trail holds it now: a cut trail has no hash there."""
    return {"id": row_id, "hash": chain_table.audit_hash(session.db, row_id) or ""}


def _cannot_write(folder: Path, exc: OSError) -> CounterError:
    return CounterError(
        f"Không ghi được tệp xuất vào {folder}: {exc.strerror or exc}. Chưa đánh dấu gì là đã xuất; hãy xuất lại.",
        f"cannot write the export to {folder}; nothing was marked as exported",
    )


def _complete(session: Session, plan: _Plan, plain: Path, target: Path, written: dict, started: datetime,
              recipient: "package.Pinned | None") -> Exported:
    """Verify the written file (encrypt it and read that back), then rename it and mark the
    changes exported together."""
    db = session.db
    final = plain
    try:
        verified = export_archive.verify(plain)
        if verified.manifest["counts"] != written["counts"]:
            raise CounterError("Tệp xuất đọc lại không khớp dữ liệu đã ghi.", "the export file did not read back")
        if recipient is not None:
            final = _encrypted(plain, target, recipient)
        with write(db):
            workstation, sequence = written["workstation"], written["sequence"]
            exported = export_table.origins_exported(db)
            if not plan.resend and (any(exported.get(origin, 0) > a for origin, (a, _b) in plan.marks.items())
                                    or export_table.last_sequence(db, workstation) + 1 != sequence):
                raise CounterError(
                    "Một lần xuất dữ liệu khác vừa chạy cùng lúc; hãy xuất lại.", "another export ran at the same time"
                )
            # The temporary file is private (0600) and stays so: the export holds CCCD numbers,
            # phones and addresses (counter/private.py).
            os.replace(final, target)
            try:
                durable.fsync_folder(target.parent)
                detail = {"sequence": sequence, "sha256": verified.seal, "counts": written["counts"],
                          "signed_by": written["signer"]["fingerprint"], "audit_head": plan.audit_head["id"]}
                if recipient is not None:
                    detail["encrypted_to"] = recipient.encryption_fingerprint
                if plan.resend:
                    audit.log(session, "export_resent", target.name, detail)
                else:
                    export_table.record(db, {
                        "workstation": workstation, "sequence": sequence, "file": str(target),
                        "sha256": verified.seal, "after_event": plan.after, "through_event": plan.through,
                        "dossiers": written["counts"]["dossiers"], "events": written["counts"]["events"],
                        "files": written["counts"]["files"], "started_at": iso(started), "finished_at": iso(now()),
                        "officer": session.officer, "format_version": export_archive.FORMAT_VERSION,
                        "origins": json.dumps({o: [a, b] for o, (a, b) in plan.marks.items()}, sort_keys=True),
                        "audit_after_id": plan.audit_after["id"] if plan.audit_after else None,
                        "audit_after_hash": plan.audit_after["hash"] if plan.audit_after else None,
                        "audit_head_id": plan.audit_head["id"], "audit_head_hash": plan.audit_head["hash"],
                        "signer": written["signer"]["fingerprint"],
                        "encrypted_to": recipient.encryption_fingerprint if recipient else None,
                    })
                    audit.log(session, "exported", target.name, detail)
                session.note(Changes(exports=True))
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    finally:
        plain.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
    # Left behind by an export killed before this one, for the same sequence.
    stale = list(target.parent.glob(f".{target.name}.*.partial"))
    if recipient is not None:
        stale += session.path.resolve().parent.glob(f".motcua-export-{target.name}.*.partial")
    for path in stale:
        path.unlink(missing_ok=True)
    return Exported(str(target), written["sequence"], written["counts"]["dossiers"], written["counts"]["events"],
                    recipient is not None, written["signer"]["fingerprint"], plan.resend)


def _encrypted(plain: Path, target: Path, recipient: "package.Pinned") -> Path:
    """The plain archive encrypted to the province into a temporary file beside `target`,
    flushed and decrypted again with the file's own key to prove it reads back whole."""
    sealed_path = _partial(target.parent, target, ".")
    try:
        with open(plain, "rb") as source, open(sealed_path, "wb") as out:
            assert recipient.encryption is not None, "only a province encryption key encrypts"
            sealed = crypto.encrypt(source, out, recipient.encryption)
            out.flush()
            os.fsync(out.fileno())
        with open(sealed_path, "rb") as envelope:
            read_back = sealed.check(envelope)
    except BaseException:
        sealed_path.unlink(missing_ok=True)
        raise
    # The plain archive was verified whole; what was encrypted is what reads back.
    if read_back != sealed.plaintext_sha256:
        sealed_path.unlink(missing_ok=True)
        raise CounterError("Tệp xuất đã mã hóa đọc lại không khớp dữ liệu đã ghi.",
                           "the encrypted export did not read back")
    return sealed_path


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


def _dossier_lines(session: Session, changed: list[tuple[int, int]], progress, resend: bool):
    total = len(changed)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        chunk = changed[start:start + BATCH]
        ids = [dossier_id for dossier_id, _ in chunk]
        rows = export_table.dossier_rows(session.db, ids)
        documents = export_table.documents_of(session.db, ids)
        latest = export_table.latest_events(session.db, ids) if resend else {}
        known = export_table.known_lamport(session.db, ids)
        lines = []
        for i, version in chunk:
            row, docs, lamport = rows[i], documents[i], known[i]
            if resend and latest[i] != version:
                row, docs, lamport = _as_of(session, row, docs, version)
            lines.append(export_archive.line(dossier_record(row, docs, version, lamport)))
        yield lines
        if progress:
            progress(start + len(chunk), total)


def _as_of(session: Session, row: dict, documents: list[dict], version: int) -> tuple[dict, list[dict], int]:
    """A dossier changed since an export being sent again, as it was at `version`: its events
    up to there, replayed (counter.dossier.replay), over the columns no event changes."""
    events = export_table.events_up_to(session.db, row["id"], version)
    try:
        state = replay([{"at": at, "kind": kind, "officer": officer, "detail": json.loads(detail)}
                        for _, at, kind, officer, detail, _lamport in events])
    except (ReplayError, ValueError):
        state = None
    if state is None or state.unknown:
        raise CounterError(
            f"Không gửi lại được: hồ sơ {row['code']} đã thay đổi sau lần xuất đó, và các sự kiện ghi bởi phiên bản "
            "cũ không đủ để dựng lại trạng thái lúc ấy. Các thay đổi mới hơn vẫn có trong lần xuất tiếp theo.",
            f"dossier {row['code']} cannot be replayed to version {version}")
    then = dict(row, **state.row, updated_at=events[-1][1])
    reused_from = {d["position"]: d["reused_from"] for d in documents}
    docs = [{"position": d.position, "name": d.name, "copy_kind": d.copy_kind, "quantity": d.quantity,
             "file_sha256": d.file_sha256, "not_required": d.not_required,
             "reused_from": reused_from.get(d.position) if d.reused else None} for d in state.documents]
    return then, docs, max(event[5] for event in events)


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
                                                        receipt_origin, receipt_seq), {}, _legacy(session, kind, detail,
                                                                                                  code))
            yield export_archive.line({"id": event_id, "dossier": code, "at": at, "kind": kind, "officer": officer,
                                       "detail": record["detail"], "origin": origin, "seq": seq, "lamport": lamport,
                                       "receipt": record["receipt"]})


def _legacy(session: Session, kind: str, detail: str, code: str) -> dict | None:
    if kind != EventKind.RECEIVED or set(RECEIVED_KEYS) <= json.loads(detail).keys():
        return None
    row = dossier_table.by_code(session.db, code)
    assert row is not None  # the event's dossier, read in the same snapshot
    return {"row": row, "documents": dossier_table.documents_of(session.db, row["id"])}


def _audit_lines(session: Session, plan: _Plan):
    """The audit rows since the row the previous export ended at, up to the head."""
    if plan.audit_after is None:
        return
    # The hashes are 64 hex digits: the line is the JSON export_archive.line would write.
    for row_id, previous, digest in chain_table.audit_rows(session.db, plan.audit_after["id"], plan.audit_head["id"]):
        yield b'{"id":%d,"prev_hash":"%s","hash":"%s"}\n' % (row_id, previous.encode(), digest.encode())


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


def _partial(folder: Path, target: Path, prefix: str) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=f"{prefix}{target.name}.", suffix=".partial")
    os.close(handle)
    return Path(name)
