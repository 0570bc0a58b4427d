"""Số hóa: scans attached to each document and to the result.

A dossier is digitized when every document has a file or is marked "not
required" (only shown, filed electronically, secret: TT 03/2025 art. 5,
shared/domain/README.md "Digitization"); its result when the result has one.
"""

from pathlib import Path

from counter import dossiers
from counter.clock import iso, now
from counter.dossier import Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.transitions import TABLE, EventKind, allows
from db import files as file_table
from db.connection import write


def attach(session: Session, code: str, document: int | None = None, result: bool = False,
           file: str | Path | None = None, not_required: bool = False) -> Dossier:
    """Attach `file` to document number `document` (1-based) or to the result, or mark
    the document as needing no scan."""
    session.require(TABLE[EventKind.DIGITIZED].permission)
    if (document is None) == (not result):
        raise CounterError("Chọn một giấy tờ (--document N) hoặc kết quả (--result).",
                           "choose --document N or --result")
    if (file is None) == (not not_required):
        raise CounterError("Chọn tệp (--file) hoặc đánh dấu không cần số hóa (--not-required).",
                           "choose --file or --not-required")
    dossier = dossiers.get(session, code)
    path = Path(file) if file else None
    if path and not path.is_file():
        raise CounterError(f"Không tìm thấy tệp «{file}».", f"no such file {file}")
    if result:
        return _attach_result(session, dossier, path, not_required)
    target = next((d for d in dossier.documents if d.position == document), None)
    if target is None:
        raise CounterError(
            f"Hồ sơ {dossier.code} không có giấy tờ số {document} (có {len(dossier.documents)} giấy tờ).",
            "no such document",
        )
    stored = session.files.add(path) if path else None
    with write(session.db):
        if stored and path:
            file_table.record(session.db, stored[0], stored[1], path.name, iso(now()))
        # The event names the document and its file; the state table writes both (dossiers.record).
        dossiers.record(session, dossier, now(), EventKind.DIGITIZED,
                        {"document": document, "file": stored[0] if stored else None, "not_required": not_required})
    return dossiers.get(session, dossier.code)


def _attach_result(session: Session, dossier: Dossier, path: Path | None, not_required: bool) -> Dossier:
    if not_required:
        raise CounterError("Kết quả giải quyết phải được số hóa, không thể đánh dấu không cần.",
                           "a result cannot be marked not required")
    if dossier.result_at is None or not allows(EventKind.RESULT_DIGITIZED, dossier.status):
        raise CounterError(f"Hồ sơ {dossier.code} chưa có kết quả để số hóa.", "the dossier has no result yet")
    assert path is not None, "a file is given whenever not_required is not (checked by attach)"
    sha, size = session.files.add(path)
    with write(session.db):
        file_table.record(session.db, sha, size, path.name, iso(now()))
        dossiers.record(session, dossier, now(), EventKind.RESULT_DIGITIZED, {"file": sha})
    return dossiers.get(session, dossier.code)


def missing_scans(dossier: Dossier) -> list[int]:
    """Positions of the documents that still need a scan."""
    return [d.position for d in dossier.documents if not d.digitized]
