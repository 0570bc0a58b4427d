"""What changed since the last export, read from the event log, and the export log.

Every change to a dossier writes an event in the same transaction, and event
ids only grow, so "changed since the last export" is "has an event with an id
above the last exported one": a range of the events' primary key, whose cost
follows the number of changes, not the size of the database.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from db.dossiers import DOCUMENT_COLUMNS, DOSSIER_COLUMNS

EXPORT_COLUMNS = (
    "workstation", "sequence", "file", "sha256", "after_event", "through_event", "dossiers", "events", "files",
    "started_at", "finished_at", "officer", "format_version", "origins", "audit_after_id", "audit_after_hash",
    "audit_head_id", "audit_head_hash", "signer", "encrypted_to",
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
    return dict(zip(EXPORT_COLUMNS, row, strict=False)) if row else None


def export_of(db: sqlite_utils.Database, workstation: int, sequence: int) -> dict | None:
    row = db.execute("SELECT " + ", ".join(EXPORT_COLUMNS) + " FROM exports WHERE workstation = ? AND sequence = ?",
                     [workstation, sequence]).fetchone()
    return dict(zip(EXPORT_COLUMNS, row, strict=False)) if row else None


def previous_export(db: sqlite_utils.Database, workstation: int, sequence: int) -> dict | None:
    """The export of `workstation` just before `sequence`."""
    row = db.execute("SELECT " + ", ".join(EXPORT_COLUMNS) + " FROM exports WHERE workstation = ? AND sequence < ?"
                     " ORDER BY sequence DESC LIMIT 1", [workstation, sequence]).fetchone()
    return dict(zip(EXPORT_COLUMNS, row, strict=False)) if row else None


def last_event_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]




def latest_events(db: sqlite_utils.Database, ids: list[int]) -> dict[int, int]:
    """dossier id -> id of its latest event, of these dossiers."""
    marks = ",".join("?" * len(ids))
    return dict(db.execute(f"SELECT dossier_id, max(id) FROM events WHERE dossier_id IN ({marks}) GROUP BY dossier_id",
                           ids).fetchall())


def events_up_to(db: sqlite_utils.Database, dossier_id: int, through: int) -> list[tuple]:
    """(id, at, kind, officer, detail JSON, lamport) of one dossier's events up to `through`, in order."""
    return db.execute("SELECT id, at, kind, officer, detail, lamport FROM events WHERE dossier_id = ? AND id <= ?"
                      " ORDER BY id", [dossier_id, through]).fetchall()


def origin_spans(db: sqlite_utils.Database, after: int, through: int) -> dict[str, tuple[int, int]]:
    """origin -> (seq before, last seq) of the events with ids in (after, through]: the marks of an
    export recorded before exports kept them (format 1)."""
    rows = db.execute("SELECT origin, min(seq) - 1, max(seq) FROM events WHERE id > ? AND id <= ? GROUP BY origin",
                      [after, through]).fetchall()
    return {origin: (low, high) for origin, low, high in rows}




def dossier_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    marks = ",".join("?" * len(ids))
    cursor = db.execute("SELECT " + ", ".join(DOSSIER_COLUMNS) + f" FROM dossiers WHERE id IN ({marks})", ids)
    return {row[0]: dict(zip(DOSSIER_COLUMNS, row, strict=False)) for row in cursor}


def documents_of(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict]]:
    marks = ",".join("?" * len(ids))
    result: dict[int, list[dict]] = {i: [] for i in ids}
    cursor = db.execute(
        "SELECT " + ", ".join(DOCUMENT_COLUMNS) + f" FROM documents WHERE dossier_id IN ({marks})"
        " ORDER BY dossier_id, position",
        ids,
    )
    for row in cursor:
        document = dict(zip(DOCUMENT_COLUMNS, row, strict=False))
        result[document["dossier_id"]].append(document)
    return result




def file_names(db: sqlite_utils.Database, shas: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for start in range(0, len(shas), 500):
        chunk = shas[start:start + 500]
        marks = ",".join("?" * len(chunk))
        result.update(db.execute(f"SELECT sha256, name FROM files WHERE sha256 IN ({marks})", chunk).fetchall())
    return result


def origins_exported(db: sqlite_utils.Database) -> dict[str, int]:
    """Format 2 (issue 12): {origin: last seq exported} of the last export made in that format."""
    row = db.execute("SELECT origins FROM exports WHERE format_version >= 2 ORDER BY id DESC LIMIT 1").fetchone()
    return {origin: span[1] for origin, span in json.loads(row[0]).items()} if row else {}


def _origin_filter(marks: dict[str, tuple[int, int]], alias: str = "") -> tuple[str, list]:
    """SQL for "an event of one of these origins with its seq in (after, through]"."""
    if not marks:
        return "0", []
    parts, values = [], []
    for origin, (after, through) in sorted(marks.items()):
        parts.append(f"({alias}origin = ? AND {alias}seq > ? AND {alias}seq <= ?)")
        values += [origin, after, through]
    return "(" + " OR ".join(parts) + ")", values


def changed_by_origins(db: sqlite_utils.Database, marks: dict[str, tuple[int, int]]) -> list[tuple[int, int]]:
    """(dossier id, id of its latest selected event) of every dossier with an event of these origins' ranges."""
    where, values = _origin_filter(marks)
    return db.execute(f"SELECT dossier_id, max(id) FROM events WHERE {where} GROUP BY dossier_id ORDER BY dossier_id",
                      values).fetchall()


def event_span(db: sqlite_utils.Database, marks: dict[str, tuple[int, int]]) -> tuple[int | None, int | None,
                                                                                      str | None]:
    """(smallest id, greatest id, earliest time) of the selected events."""
    where, values = _origin_filter(marks)
    return tuple(db.execute(f"SELECT min(id), max(id), min(at) FROM events WHERE {where}", values).fetchone())


def events_by_origins(db: sqlite_utils.Database, ids: list[int], marks: dict[str, tuple[int, int]]) -> sqlite3.Cursor:
    """(id, dossier code, at, kind, officer, detail JSON, origin, seq, lamport, receipt origin, receipt seq) of
    these dossiers' selected events, dossier by dossier in the order of `ids` (ascending), each in id order."""
    where, values = _origin_filter(marks, "e.")
    id_marks = ",".join("?" * len(ids))
    return db.execute(
        "SELECT e.id, d.code, e.at, e.kind, e.officer, e.detail, e.origin, e.seq, e.lamport, e.receipt_origin,"
        " e.receipt_seq FROM events e JOIN dossiers d ON d.id = e.dossier_id"
        f" WHERE e.dossier_id IN ({id_marks}) AND {where} ORDER BY e.dossier_id, e.id",
        [*ids, *values],
    )


def known_lamport(db: sqlite_utils.Database, ids: list[int]) -> dict[int, int]:
    """dossier id -> the greatest Lamport time among all its events here (what this station knows of it)."""
    id_marks = ",".join("?" * len(ids))
    return dict(db.execute(f"SELECT dossier_id, max(lamport) FROM events WHERE dossier_id IN ({id_marks})"
                           " GROUP BY dossier_id", ids).fetchall())


def record(db: sqlite_utils.Database, export: dict) -> None:
    db.execute(
        f"INSERT INTO exports ({', '.join(EXPORT_COLUMNS)}) VALUES ({', '.join(':' + c for c in EXPORT_COLUMNS)})",
        export,
    )
