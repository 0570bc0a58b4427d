"""Officer accounts (tài khoản cán bộ)."""

import json

import sqlite_utils

from db import rows
from db.rows import inserted_id

COLUMNS = ("id", "username", "full_name", "role", "password_hash", "active", "failed_logins", "locked_until",
           "created_at", "updated_at")
_SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM officers"
# Written with the first account, in the settings table, and never removed.
MARKER = "accounts_created"


def _rows(cursor) -> list[dict]:
    return [dict(zip(COLUMNS, row, strict=False)) for row in cursor]


def ever_had_accounts(db: sqlite_utils.Database) -> bool:
    """An account exists, or once did (the marker written with the first one survives deleting
    every row of `officers`). The audit trail's `account_created` rows say the same but have no
    index: scanning them would cost a second per million rows at every start."""
    return bool(db.execute(
        f"SELECT EXISTS (SELECT 1 FROM officers) OR EXISTS (SELECT 1 FROM settings WHERE key = '{MARKER}')"
    ).fetchone()[0])


def mark_accounts_created(db: sqlite_utils.Database, at: str | None) -> None:
    """Inside the write that creates an account, or logs into one made before the marker existed."""
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
               [MARKER, json.dumps(at)])


def by_username(db: sqlite_utils.Database, username: str) -> dict | None:
    rows = _rows(db.execute(_SELECT + " WHERE username = ?", [username]))
    return rows[0] if rows else None


def all_officers(db: sqlite_utils.Database) -> list[dict]:
    return _rows(db.execute(_SELECT + " ORDER BY username"))


def insert(db: sqlite_utils.Database, officer: dict) -> int:
    return inserted_id(db.execute(
        "INSERT INTO officers (username, full_name, role, password_hash, active, failed_logins, created_at,"
        " updated_at) VALUES (:username, :full_name, :role, :password_hash, 1, 0, :created_at, :created_at)",
        officer,
    ))


def update(db: sqlite_utils.Database, officer_id: int, changes: dict) -> None:
    rows.update(db, "officers", officer_id, changes)


def figures(db: sqlite_utils.Database, start: str, end: str, receipt: str, handover: str) -> list[dict]:
    """Per officer: dossiers received (events of kind `receipt`), returned (`handover`),
    resolved late, and ratings given at their returns (and of them those the citizen gave). A step set
    aside as a conflict between counters (issue 12: a second return of one dossier) did not happen and is
    not counted."""
    rows = db.execute(
        "SELECT e.officer,"
        " total(e.kind = :receipt),"
        " total(e.kind = :handover),"
        " total(e.kind = :receipt AND (d.result_at > d.due_at OR d.late_at_supplement = 1)),"
        " total(e.kind = :handover AND d.rating = 'very-satisfied'),"
        " total(e.kind = :handover AND d.rating = 'satisfied'),"
        " total(e.kind = :handover AND d.rating = 'unsatisfied'),"
        " total(e.kind = :handover AND d.rating IS NOT NULL AND d.rating_by = 'citizen'),"
        " total(e.kind = :handover AND d.rating IN ('very-satisfied', 'satisfied') AND d.rating_by = 'citizen')"
        " FROM events e JOIN dossiers d ON d.id = e.dossier_id"
        " WHERE e.at >= :start AND e.at < :end AND e.kind IN (:receipt, :handover)"
        " AND NOT EXISTS (SELECT 1 FROM sync_conflicts c"
        " WHERE c.origin = e.origin AND c.seq = e.seq AND c.kind <> 'ledger')"
        " GROUP BY e.officer ORDER BY e.officer",
        {"start": start, "end": end, "receipt": receipt, "handover": handover},
    )
    keys = ("officer", "received", "returned", "late", "very_satisfied", "satisfied", "unsatisfied", "rated_citizen",
            "satisfied_citizen")
    # total() is 0.0 where sum() would be NULL (no result yet); counts are whole numbers.
    return [dict(zip(keys, (row[0], *map(int, row[1:])), strict=False)) for row in rows]
