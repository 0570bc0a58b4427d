"""What changed since the last export, read from the event log, and the export log.

Every change to a dossier writes an event in the same transaction, and event
ids only grow, so "changed since the last export" is "has an event with an id
above the last exported one": a range of the events' primary key, whose cost
follows the number of changes, not the size of the database.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from db.dossiers import DOCUMENT_COLUMNS, DOSSIER_COLUMNS

EXPORT_COLUMNS = (
    "workstation", "sequence", "file", "sha256", "after_event", "through_event", "dossiers", "events", "files",
    "started_at", "finished_at", "officer", "audit_after_id", "audit_after_hash", "audit_head_id", "audit_head_hash",
    "signer", "encrypted_to",
)


@contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction: every query inside sees the same committed state."""
    db.conn.execute("BEGIN DEFERRED")
    try:
        db.conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()
        yield
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")


def last_event_exported(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(through_event), 0) FROM exports").fetchone()[0]


def last_sequence(db: sqlite_utils.Database, workstation: int) -> int:
    return db.execute(
        "SELECT coalesce(max(sequence), 0) FROM exports WHERE workstation = ?", [workstation]
    ).fetchone()[0]


def last_export(db: sqlite_utils.Database) -> dict | None:
    row = db.execute(
        "SELECT " + ", ".join(EXPORT_COLUMNS) + " FROM exports ORDER BY finished_at DESC, id DESC LIMIT 1"
    ).fetchone()
    return dict(zip(EXPORT_COLUMNS, row)) if row else None


def export_of(db: sqlite_utils.Database, workstation: int, sequence: int) -> dict | None:
    row = db.execute("SELECT " + ", ".join(EXPORT_COLUMNS) + " FROM exports WHERE workstation = ? AND sequence = ?",
                     [workstation, sequence]).fetchone()
    return dict(zip(EXPORT_COLUMNS, row)) if row else None


def previous_export(db: sqlite_utils.Database, workstation: int, sequence: int) -> dict | None:
    """The export of `workstation` just before `sequence`."""
    row = db.execute("SELECT " + ", ".join(EXPORT_COLUMNS) + " FROM exports WHERE workstation = ? AND sequence < ?"
                     " ORDER BY sequence DESC LIMIT 1", [workstation, sequence]).fetchone()
    return dict(zip(EXPORT_COLUMNS, row)) if row else None


def last_event_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


def first_event_at(db: sqlite_utils.Database, after: int, through: int) -> str | None:
    return db.execute("SELECT min(at) FROM events WHERE id > ? AND id <= ?", [after, through]).fetchone()[0]


def latest_events(db: sqlite_utils.Database, ids: list[int]) -> dict[int, int]:
    """dossier id -> id of its latest event, of these dossiers."""
    marks = ",".join("?" * len(ids))
    return dict(db.execute(f"SELECT dossier_id, max(id) FROM events WHERE dossier_id IN ({marks}) GROUP BY dossier_id",
                           ids).fetchall())


def events_up_to(db: sqlite_utils.Database, dossier_id: int, through: int) -> list[tuple]:
    """(id, at, kind, officer, detail JSON) of one dossier's events up to `through`, in order."""
    return db.execute("SELECT id, at, kind, officer, detail FROM events WHERE dossier_id = ? AND id <= ? ORDER BY id",
                      [dossier_id, through]).fetchall()


def changed_dossiers(db: sqlite_utils.Database, after: int, through: int) -> list[tuple[int, int]]:
    """(dossier id, id of its latest event) of every dossier with an event in (after, through]."""
    return db.execute(
        "SELECT dossier_id, max(id) FROM events WHERE id > ? AND id <= ? GROUP BY dossier_id ORDER BY dossier_id",
        [after, through],
    ).fetchall()


def dossier_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    marks = ",".join("?" * len(ids))
    cursor = db.execute("SELECT " + ", ".join(DOSSIER_COLUMNS) + f" FROM dossiers WHERE id IN ({marks})", ids)
    return {row[0]: dict(zip(DOSSIER_COLUMNS, row)) for row in cursor}


def documents_of(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict]]:
    marks = ",".join("?" * len(ids))
    result: dict[int, list[dict]] = {i: [] for i in ids}
    cursor = db.execute(
        "SELECT " + ", ".join(DOCUMENT_COLUMNS) + f" FROM documents WHERE dossier_id IN ({marks})"
        " ORDER BY dossier_id, position",
        ids,
    )
    for row in cursor:
        document = dict(zip(DOCUMENT_COLUMNS, row))
        result[document["dossier_id"]].append(document)
    return result


def events_of(db: sqlite_utils.Database, ids: list[int], after: int, through: int) -> sqlite3.Cursor:
    """(id, dossier code, at, kind, officer, detail JSON) of these dossiers' events in (after, through],
    dossier by dossier in the order of `ids` (ascending), each in id order."""
    marks = ",".join("?" * len(ids))
    return db.execute(
        "SELECT e.id, d.code, e.at, e.kind, e.officer, e.detail FROM events e JOIN dossiers d ON d.id = e.dossier_id"
        f" WHERE e.dossier_id IN ({marks}) AND e.id > ? AND e.id <= ? ORDER BY e.dossier_id, e.id",
        [*ids, after, through],
    )


def file_names(db: sqlite_utils.Database, shas: list[str]) -> dict[str, str]:
    result = {}
    for start in range(0, len(shas), 500):
        chunk = shas[start:start + 500]
        marks = ",".join("?" * len(chunk))
        result.update(db.execute(f"SELECT sha256, name FROM files WHERE sha256 IN ({marks})", chunk).fetchall())
    return result


def record(db: sqlite_utils.Database, export: dict) -> None:
    db.execute(
        f"INSERT INTO exports ({', '.join(EXPORT_COLUMNS)}) VALUES ({', '.join(':' + c for c in EXPORT_COLUMNS)})",
        export,
    )
