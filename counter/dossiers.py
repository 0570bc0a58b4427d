"""Reading dossiers, and the bookkeeping every change shares (event, officer, time)."""

from collections.abc import Mapping
from datetime import datetime

from counter import audit
from counter.changes import Changes
from counter.clock import iso, now
from counter.dossier import Dossier, DossierState, ReplayError, apply
from counter.errors import CounterError
from counter.session import Session
from counter.text import CODE, clean_text, fold
from counter.transitions import TABLE, EventKind
from db import dossiers as dossier_table


def get(session: Session, code: str, with_documents: bool = True) -> Dossier:
    code = clean_text(code, "Mã hồ sơ", CODE)
    # Unit codes carry capitals (e.g. H48); a scanner or an officer may send them in lower case.
    row = dossier_table.by_code(session.db, code) or dossier_table.by_code(session.db, code.upper())
    if row is None:
        raise CounterError(f"Không tìm thấy hồ sơ có mã «{code}».", f"no dossier with code {code!r}")
    documents = dossier_table.documents_of(session.db, row["id"]) if with_documents else None
    return Dossier.from_row(row, documents)


def many(session: Session, ids: list[int]) -> list[Dossier]:
    return [Dossier.from_row(row) for row in dossier_table.by_ids(session.db, ids)]


def events(session: Session, dossier: Dossier) -> list[dict]:
    return dossier_table.events_of(session.db, dossier.id)


def record(session: Session, dossier: Dossier, at: datetime, kind: EventKind, detail: Mapping,
           **local: object) -> DossierState:
    """Log the event, and write what it does to the dossier and its documents (the state
    table's `apply`, the same fold `replay` runs), with its audit row. `local`: columns of
    this database alone (applicant_id). Must run inside a write transaction."""
    db = session.db
    if not db.conn.in_transaction:
        raise RuntimeError("dossiers.record must run inside a write transaction")
    row = dossier_table.by_ids(db, [dossier.id])[0]
    documents = dossier_table.documents_of(db, dossier.id)
    before = DossierState.of_row(row, documents)
    when, details = at.isoformat(timespec="seconds"), dict(detail)
    event = {"at": when, "kind": kind, "officer": session.officer, "detail": details}
    try:
        after = apply(before, event)
    except ReplayError as exc:
        # Another desk moved the dossier on after this one read it.
        raise CounterError(f"Không thể {TABLE[kind].action} hồ sơ {dossier.code}: {exc}.",
                           f"cannot record {kind}: {exc}") from None
    changes = {key: value for key, value in after.row.items() if value != before.row[key]}
    if "applicant_name" in changes:
        changes["name_folded"] = fold(changes["applicant_name"])
    dossier_table.update(db, dossier.id, dict(changes, **local, updated_at=iso(now())))
    for old, new in zip(before.documents, after.documents, strict=True):
        if new != old:
            dossier_table.update_document_at(db, dossier.id, new.position,
                                              {"file_sha256": new.file_sha256, "not_required": int(new.not_required)})
    dossier_table.add_event(db, dossier.id, when, kind, session.officer, details)
    audit.log(session, kind, dossier.code, dict(detail, at=when))
    session.note(Changes.of_dossier(dossier.code))
    return after
