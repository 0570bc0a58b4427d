"""Dossiers, their documents and their events."""

import json
import re
from collections.abc import Iterator
from typing import TypedDict

import sqlite_utils

from db import rows
from db.rows import inserted_id

DOSSIER_COLUMNS = (
    "id", "code", "unit_code", "workstation", "procedure_code", "procedure_name", "days",
    "applicant_id", "applicant_name", "id_number", "phone", "address", "email", "channel", "fee",
    "received_at", "clock_start_at", "due_at", "appointment_at", "status", "result_at",
    "result_file", "returned_at", "returned_to", "return_channel", "rating", "apology_at",
    "apology_reason", "decision_reason", "supplements", "ledger_year", "ledger_number",
    "digitized", "result_digitized", "reused", "officer", "updated_at",
    "birth_date", "sex", "representative_name", "representative_id", "representative_phone", "payment",
    "fee_receipt", "rating_by", "procedure_field", "online_level", "lci", "returning_applicant", "data_reused",
    "late_at_supplement", "supplement_late", "apology_late", "complaints",
)
_SELECT = "SELECT " + ", ".join(DOSSIER_COLUMNS) + " FROM dossiers"
DOCUMENT_COLUMNS = (
    "id", "dossier_id", "position", "name", "copy_kind", "quantity", "file_sha256",
    "not_required", "reused_from",
)


def _dicts(cursor, columns) -> list[dict]:
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def next_day_number(db: sqlite_utils.Database, day: str, workstation: int) -> int:
    row = db.execute(
        "SELECT max(number) FROM code_reservations WHERE day = ? AND workstation = ?", [day, workstation]
    ).fetchone()
    return (row[0] or 0) + 1


def reserve_code(db: sqlite_utils.Database, code: str, day: str, workstation: int, number: int, now: str) -> None:
    db.execute(
        "INSERT INTO code_reservations (code, day, workstation, number, reserved_at) VALUES (?, ?, ?, ?, ?)",
        [code, day, workstation, number, now],
    )


def next_ledger_number(db: sqlite_utils.Database, year: int, workstation: int) -> int:
    """Each counter's ledger runs through the year (issue 12): the next number of its own volume."""
    row = db.execute("SELECT max(ledger_number) FROM dossiers WHERE workstation = ? AND ledger_year = ?",
                     [workstation, year]).fetchone()
    return (row[0] or 0) + 1


def insert(db: sqlite_utils.Database, dossier: dict) -> int:
    values = {k: v for k, v in dossier.items() if k != "id"}
    values["code_rev"] = values["code"][::-1]
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return inserted_id(db.execute(f"INSERT INTO dossiers ({names}) VALUES ({marks})", values))


def update(db: sqlite_utils.Database, dossier_id: int, changes: dict) -> None:
    rows.update(db, "dossiers", dossier_id, changes)


def by_code(db: sqlite_utils.Database, code: str) -> dict | None:
    rows = _dicts(db.execute(_SELECT + " WHERE code = ?", [code]), DOSSIER_COLUMNS)
    return rows[0] if rows else None


def by_ids(db: sqlite_utils.Database, ids: list[int]) -> list[dict]:
    """Dossiers in the order of `ids`."""
    if not ids:
        return []
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in _dicts(db.execute(_SELECT + f" WHERE id IN ({marks})", chunk), DOSSIER_COLUMNS):
            found[row["id"]] = row
    return [found[i] for i in ids if i in found]


def insert_documents(db: sqlite_utils.Database, dossier_id: int, documents: list[dict]) -> None:
    db.conn.executemany(
        "INSERT INTO documents (dossier_id, position, name, copy_kind, quantity, file_sha256,"
        " not_required, reused_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (dossier_id, d["position"], d["name"], d["copy_kind"], d["quantity"], d["file_sha256"],
             int(d["not_required"]), d["reused_from"])
            for d in documents
        ],
    )


def documents_of(db: sqlite_utils.Database, dossier_id: int) -> list[dict]:
    return _dicts(
        db.execute(
            "SELECT " + ", ".join(DOCUMENT_COLUMNS) + " FROM documents WHERE dossier_id = ? ORDER BY position",
            [dossier_id],
        ),
        DOCUMENT_COLUMNS,
    )


def update_document(db: sqlite_utils.Database, document_id: int, changes: dict) -> None:
    rows.update(db, "documents", document_id, changes)


def update_document_at(db: sqlite_utils.Database, dossier_id: int, position: int, changes: dict) -> None:
    """Set columns of the dossier's document number `position`."""
    sets = ", ".join(f"{column} = :{column}" for column in changes)
    db.execute(f"UPDATE documents SET {sets} WHERE dossier_id = :_dossier AND position = :_position",
               dict(changes, _dossier=dossier_id, _position=position))


def add_event(db: sqlite_utils.Database, dossier_id: int, at: str, kind: str, officer: str, detail: dict,
              stamp: tuple[str, int, int], receipt: tuple[str, int] | None) -> int:
    """`stamp`: the event's (origin, seq, lamport) in the unit's log; `receipt`: (origin, seq) of the receipt
    it was taken on, None for a receipt."""
    origin, seq, lamport = stamp
    receipt_origin, receipt_seq = receipt or (None, None)
    return inserted_id(db.execute(
        "INSERT INTO events (dossier_id, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dossier_id, at, kind, officer, json.dumps(detail, ensure_ascii=False), origin, seq, lamport,
         receipt_origin, receipt_seq],
    ))


class EventRow(TypedDict):
    """One event of a dossier as the log holds it; `receipt`: [origin, seq] of the receipt it was taken on."""

    id: int
    at: str
    kind: str
    officer: str
    detail: dict
    origin: str
    seq: int
    lamport: int
    receipt: list | None


def events_of(db: sqlite_utils.Database, dossier_id: int) -> list[EventRow]:
    """A dossier's events in the unit's one order (counter/dossier.py: order_key)."""
    return [
        {"id": i, "at": at, "kind": kind, "officer": officer, "detail": json.loads(detail), "origin": origin,
         "seq": seq, "lamport": lamport, "receipt": None if receipt_origin is None else [receipt_origin, receipt_seq]}
        for i, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq in db.execute(
            "SELECT id, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq FROM events"
            " WHERE dossier_id = ? ORDER BY at, lamport, origin, seq", [dossier_id]
        )
    ]


def last_event_at(db: sqlite_utils.Database, dossier_id: int, kinds: tuple[str, ...]) -> str | None:
    marks = ",".join("?" * len(kinds))
    return db.execute(
        f"SELECT max(at) FROM events WHERE dossier_id = ? AND kind IN ({marks})", [dossier_id, *kinds]
    ).fetchone()[0]


def earlier_files(db: sqlite_utils.Database, applicant_id: int) -> list[dict]:
    """The applicant's earlier scanned documents, newest first, one per document name."""
    rows = db.execute(
        "SELECT d.id, d.name, d.file_sha256, x.code, x.received_at FROM documents d"
        " JOIN dossiers x ON x.id = d.dossier_id"
        " WHERE x.applicant_id = ? AND d.file_sha256 IS NOT NULL ORDER BY x.received_at DESC, d.id DESC",
        [applicant_id],
    )
    seen, result = set(), []
    for doc_id, name, sha, code, received_at in rows:
        if name not in seen:
            seen.add(name)
            result.append({"document_id": doc_id, "name": name, "file_sha256": sha, "code": code,
                           "received_at": received_at})
    return result


def literal(value: str) -> str:
    """A status as SQL text: a partial index (dossiers_due_open) serves only a query that
    names its status literally, not as a bound parameter."""
    if not re.fullmatch(r"[a-z_]+", value):
        raise ValueError(f"not a status: {value!r}")
    return f"'{value}'"


def late_ids(db: sqlite_utils.Database, as_of: str, running: str) -> list[int]:
    """Dossiers with a result after due_at, or with their clock running (status `running`) past due_at,
    or asked for a supplement after their due date (late whatever followed: counter/dossier.py)."""
    return [
        row[0]
        for row in db.execute(
            "SELECT d.id FROM (SELECT id FROM dossiers WHERE result_at > due_at AND result_at <= :as_of"
            f" UNION SELECT id FROM dossiers WHERE status = {literal(running)} AND due_at < :as_of"
            " UNION SELECT id FROM dossiers WHERE result_at > :as_of AND due_at < :as_of"
            " UNION SELECT id FROM dossiers WHERE late_at_supplement = 1 AND received_at <= :as_of) late"
            # Every counter of a unit lists them alike (issue 12): row ids are each database's own.
            " JOIN dossiers d ON d.id = late.id ORDER BY d.received_at, d.code",
            {"as_of": as_of},
        )
    ]


FLAGS = ("late_at_supplement", "supplement_late", "supplement_repeat", "apology_late")


def flagged_events(db: sqlite_utils.Database, start: str, end: str, *kinds: str) -> list[dict]:
    """Events of `kinds` in [start, end) whose detail sets one of FLAGS, oldest first."""
    marks = ",".join("?" * len(kinds))
    flagged = " OR ".join(f"json_extract(e.detail, '$.{flag}') = 1" for flag in FLAGS)
    rows = db.execute(
        "SELECT d.code, e.kind, e.at, e.officer, e.detail FROM events e JOIN dossiers d ON d.id = e.dossier_id"
        f" WHERE e.at >= ? AND e.at < ? AND e.kind IN ({marks}) AND ({flagged}) ORDER BY e.at, e.id",
        [start, end, *kinds],
    )
    result = []
    for code, kind, at, officer, detail in rows:
        values = json.loads(detail)
        result.append({"code": code, "kind": kind, "at": at, "officer": officer, "reason": values.get("reason", ""),
                       "flags": [flag for flag in FLAGS if values.get(flag)],
                       "repeat_reason": values.get("repeat_reason", "")})
    return result


def ids_in_status(db: sqlite_utils.Database, statuses: list[str]) -> list[int]:
    marks = ",".join("?" * len(statuses))
    return [row[0] for row in db.execute(f"SELECT id FROM dossiers WHERE status IN ({marks}) ORDER BY id", statuses)]


def due_before(db: sqlite_utils.Database, limit: str, running: str) -> list[int]:
    """Dossiers whose clock runs (status `running`) and whose due time is before `limit`."""
    return [
        row[0]
        for row in db.execute(
            f"SELECT id FROM dossiers WHERE status = {literal(running)} AND due_at < ? ORDER BY due_at, code",
            [limit],
        )
    ]


def histories(db: sqlite_utils.Database) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    """Every dossier with its documents and its events (as written; the fold orders them), by id: three ordered
    scans merged as they stream, so memory stays flat over a million dossiers. Events whose
    dossier row is gone are skipped (the foreign-key check reports them)."""
    conn = db.conn
    dossier_rows = conn.execute(_SELECT + " ORDER BY id")
    document_rows = conn.execute(
        "SELECT " + ", ".join(DOCUMENT_COLUMNS) + " FROM documents ORDER BY dossier_id, position"
    )
    event_rows = conn.execute("SELECT dossier_id, id, at, kind, officer, detail, origin, seq, lamport, receipt_origin,"
                              " receipt_seq FROM events ORDER BY dossier_id, id")
    next_document, next_event = next(document_rows, None), next(event_rows, None)
    for values in dossier_rows:
        row = dict(zip(DOSSIER_COLUMNS, values, strict=True))
        dossier_id = row["id"]
        documents = []
        while next_document is not None and next_document[1] <= dossier_id:
            if next_document[1] == dossier_id:
                documents.append(dict(zip(DOCUMENT_COLUMNS, next_document, strict=True)))
            next_document = next(document_rows, None)
        events = []
        while next_event is not None and next_event[0] <= dossier_id:
            if next_event[0] == dossier_id:
                _, event_id, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq = next_event
                events.append({"id": event_id, "at": at, "kind": kind, "officer": officer, "detail": detail,
                               "origin": origin, "seq": seq, "lamport": lamport,
                               "receipt": None if receipt_origin is None else (receipt_origin, receipt_seq)})
            next_event = next(event_rows, None)
        yield row, documents, events


def fewer_events_than_audited(db: sqlite_utils.Database, kinds: tuple[str, ...]) -> list[tuple[str, int, int, bool]]:
    """(code, audit rows, events, dossier row still there) of every dossier code that audit rows
    record more events of `kinds` for than the events table holds. Counted inside SQLite (one
    grouping of the audit trail, an index probe per code), so memory stays flat."""
    marks = ",".join("?" * len(kinds))
    return db.execute(
        "SELECT code, recorded, kept, present FROM ("
        " SELECT a.target AS code, a.n AS recorded,"
        "  (SELECT count(*) FROM events WHERE dossier_id = (SELECT id FROM dossiers WHERE code = a.target)) AS kept,"
        "  EXISTS (SELECT 1 FROM dossiers WHERE code = a.target) AS present"
        f" FROM (SELECT target, count(*) AS n FROM audit WHERE action IN ({marks}) GROUP BY target) a"
        ") WHERE recorded > kept ORDER BY code",
        list(kinds),
    ).fetchall()


def any_with_applicant(db: sqlite_utils.Database, applicant_id: int) -> bool:
    return db.execute("SELECT 1 FROM dossiers WHERE applicant_id = ? LIMIT 1", [applicant_id]).fetchone() is not None


def latest_of_applicant(db: sqlite_utils.Database, applicant_id: int) -> dict | None:
    """The applicant's latest dossier (its stored columns)."""
    found = _dicts(db.execute(_SELECT + " WHERE applicant_id = ? ORDER BY received_at DESC, id DESC LIMIT 1",
                              [applicant_id]), DOSSIER_COLUMNS)
    return found[0] if found else None


def any_with_unit(db: sqlite_utils.Database, unit_code: str) -> bool:
    return db.execute("SELECT 1 FROM dossiers WHERE unit_code = ? LIMIT 1", [unit_code]).fetchone() is not None
