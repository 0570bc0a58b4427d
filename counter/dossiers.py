"""Reading dossiers, and the bookkeeping every change shares (event, officer, time)."""

from datetime import datetime

from counter import audit
from counter.changes import Changes
from counter.clock import iso, now
from counter.dossier import Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.text import CODE, clean_text
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


def record(session: Session, dossier: Dossier, at: datetime, kind: str, detail: dict, **changes) -> None:
    """Apply `changes` to the dossier, log the event and its audit row; call inside a write transaction."""
    stamp = iso(now())
    dossier_table.update(session.db, dossier.id, dict(changes, updated_at=stamp))
    dossier_table.add_event(session.db, dossier.id, iso(at), kind, session.officer, detail)
    audit.log(session, kind, dossier.code, dict(detail, at=iso(at)))
    session.note(Changes.of_dossier(dossier.code))
