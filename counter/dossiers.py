"""Reading dossiers, and the bookkeeping every change shares (event, officer, time)."""

from collections.abc import Mapping
from datetime import datetime

from counter import audit, sync_log
from counter.changes import Changes
from counter.clock import iso, now
from counter.dossier import Dossier, DossierState, ReplayError, apply
from counter.dossier import fold as fold_events
from counter.errors import CounterError
from counter.session import Session
from counter.text import CODE, clean_text, fold
from counter.transitions import TABLE, EventKind
from db import dossiers as dossier_table
from db import sync as sync_table
from db.dossiers import EventRow


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


def events(session: Session, dossier: Dossier) -> list[EventRow]:
    return dossier_table.events_of(session.db, dossier.id)


def record(session: Session, dossier: Dossier, at: datetime, kind: EventKind, detail: Mapping,
           **local: object) -> DossierState:
    """Log the event, and write what it does to the dossier and its documents (the state
    table's `apply`, the same fold `replay` runs), with its audit row. `local`: columns of
    this database alone (applicant_id). Must run inside a write transaction.

    The event gets its place in the unit's log (counter/sync_log.py) and names the receipt it
    was taken on. A note that is not a step (an edit, a scan) is never dated before the
    dossier's last event, so a counter whose clock is behind another's still folds after what
    it saw; a step dated before such a note folds the whole dossier again in the unit's order."""
    db = session.db
    if not db.conn.in_transaction:
        raise RuntimeError("dossiers.record must run inside a write transaction")
    row = dossier_table.by_ids(db, [dossier.id])[0]
    documents = dossier_table.documents_of(db, dossier.id)
    before = DossierState.of_row(row, documents)
    when, details = at.isoformat(timespec="seconds"), dict(detail)
    last = sync_table.last_event_at(db, dossier.id)
    if last and when < last and not TABLE[kind].step:
        when = last
    stamp = sync_log.stamp(session)
    receipt = sync_table.receipt_of(db, dossier.id)
    event = {"at": when, "kind": kind, "officer": session.officer, "detail": details, "origin": stamp[0],
             "seq": stamp[1], "lamport": stamp[2], "receipt": receipt}
    if last is None or when >= last:
        try:
            after = apply(before, event)
        except ReplayError as exc:
            # Another desk moved the dossier on after this one read it.
            raise CounterError(f"Không thể {TABLE[kind].action} hồ sơ {dossier.code}: {exc}.",
                               f"cannot record {kind}: {exc}") from None
    else:
        after = _refold(session, dossier, event)
    store(session, dossier.id, row, documents, after, **local)
    dossier_table.add_event(db, dossier.id, when, kind, session.officer, details, stamp, receipt)
    audit.log(session, kind, dossier.code, dict(detail, at=when))
    session.note(Changes.of_dossier(dossier.code))
    return after


def _refold(session: Session, dossier: Dossier, event: dict) -> DossierState:
    """The dossier folded again with `event` in its place; refused if that sets aside this event or any
    event that applied before (the step would undo another counter's)."""
    events = sync_table.fold_events(session.db, [dossier.id])[dossier.id]
    _, skipped_before = fold_events(events)
    state, skipped = fold_events([*events, event])
    new = {(s.event["origin"], s.event["seq"]): s for s in skipped}
    mine = new.get((event["origin"], event["seq"]))
    if mine is not None or set(new) != {(s.event["origin"], s.event["seq"]) for s in skipped_before}:
        why = mine.reason if mine else "một bước đã ghi sau thời điểm này sẽ không còn hợp lệ"
        kind = TABLE[EventKind(event["kind"])]
        raise CounterError(f"Không thể {kind.action} hồ sơ {dossier.code} vào thời điểm "
                           f"{event['at'].replace('T', ' ')}: {why}.", f"cannot record {event['kind']} at that time")
    assert state is not None
    return state


def store(session: Session, dossier_id: int, row: Mapping, documents: list[dict], after: DossierState,
          **local: object) -> None:
    """Write a dossier's new state over its stored row and documents (the columns that changed)."""
    db = session.db
    before = DossierState.of_row(row, documents)
    changes = {key: value for key, value in after.row.items() if value != before.row[key]}
    if "applicant_name" in changes:
        changes["name_folded"] = fold(changes["applicant_name"])
    dossier_table.update(db, dossier_id, dict(changes, **local, updated_at=iso(now())))
    for old, new in zip(before.documents, after.documents, strict=False):
        if new != old:
            dossier_table.update_document_at(db, dossier_id, new.position,
                                              {"file_sha256": new.file_sha256, "not_required": int(new.not_required)})
