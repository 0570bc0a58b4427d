"""The unit sync's tables (issue 12): the station's identity and clock, unit changes, peers, conflicts,
the causal history of this station's records, and scans still to fetch.

A replicated record is a row of `events` or of `unit_changes`, named by (origin, seq); what this station
has applied of an origin is the greatest seq it holds of it, read through the (origin, seq) indexes, so it
is always exactly what the same transaction wrote.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from db import migrations

STATION = "sync_station"  # settings key: {"ws_id", "lineage", "seq", "lamport"}
STATUS = "sync_status"  # settings key: what the last syncs found (counter/sync.py)
_EVENT_COLUMNS = ("origin", "seq", "lamport", "at", "kind", "officer", "detail", "receipt_origin", "receipt_seq")
PEER_COLUMNS = ("ws_id", "unit_code", "workstation", "name", "lineage", "software", "last_seq", "seen",
                "updated_at", "checked_at")


def _setting(db: sqlite_utils.Database, key: str):
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def _save_setting(db: sqlite_utils.Database, key: str, value) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               [key, json.dumps(value, ensure_ascii=False)])


def station(db: sqlite_utils.Database) -> dict:
    """{"ws_id", "lineage": [earlier ws_ids of this database], "seq": last own seq,
    "lamport": greatest Lamport time}."""
    return _setting(db, STATION)


def save_station(db: sqlite_utils.Database, value: dict) -> None:
    _save_setting(db, STATION, value)


def relabel(db: sqlite_utils.Database, numbered: str, former: str) -> None:
    """A pre-sync backup's records, numbered by its own upgrade as `numbered`, are `former`'s."""
    db.execute("UPDATE events SET origin = ? WHERE origin = ?", [former, numbered])
    db.execute("UPDATE events SET receipt_origin = ? WHERE receipt_origin = ?", [former, numbered])
    db.execute("UPDATE dossiers SET origin = ? WHERE origin = ?", [former, numbered])
    db.execute("DELETE FROM unit_changes WHERE origin = ?", [numbered])
    db.execute("DELETE FROM sync_causal WHERE origin = ?", [numbered])
    events = db.execute("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [former]).fetchone()[0]
    value = station(db)
    save_station(db, dict(value, ws_id=former, seq=events))


@contextmanager
def upgraded_file(path: Path) -> Iterator[tuple[sqlite_utils.Database, int]]:
    """(database, schema version it had) of a file no connection has open (start-up recovery), brought to
    the current schema, inside one write transaction committed at the end."""
    with open(path, "rb") as handle:
        version = int.from_bytes(handle.read(100)[60:64], "big", signed=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        migrations.upgrade(db)
        conn.execute("BEGIN IMMEDIATE")
        yield db, version
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def station_of(path: Path) -> str | None:
    """The identity a (perhaps damaged) database file holds, if it can still be read."""
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [STATION]).fetchone()
        finally:
            conn.close()
        value = json.loads(row[0]) if row else None
    except (sqlite3.Error, TypeError, ValueError):
        return None
    return value.get("ws_id") if isinstance(value, dict) and isinstance(value.get("ws_id"), str) else None


def status(db: sqlite_utils.Database) -> dict:
    return _setting(db, STATUS) or {}


def save_status(db: sqlite_utils.Database, value: dict) -> None:
    _save_setting(db, STATUS, value)


def stamp(db: sqlite_utils.Database) -> tuple[str, int, int]:
    """(origin, seq, lamport) of the next record this station writes; inside its write transaction."""
    value = station(db)
    value["seq"] += 1
    value["lamport"] += 1
    save_station(db, value)
    return value["ws_id"], value["seq"], value["lamport"]


def observe(db: sqlite_utils.Database, lamport: int) -> None:
    """Records applied from others: the next own record's Lamport time follows theirs."""
    value = station(db)
    if lamport > value["lamport"]:
        value["lamport"] = lamport
        save_station(db, value)


def applied(db: sqlite_utils.Database, origin: str) -> int:
    """The greatest seq held of `origin` (records are applied in seq order, so every one below too)."""
    return db.execute(
        "SELECT max(coalesce((SELECT max(seq) FROM events WHERE origin = :o), 0),"
        " coalesce((SELECT max(seq) FROM unit_changes WHERE origin = :o), 0))",
        {"o": origin},
    ).fetchone()[0]


def origins(db: sqlite_utils.Database) -> list[str]:
    """Every origin whose records this database holds (a skip scan of the two indexes)."""
    found: set[str] = set()
    for table in ("events", "unit_changes"):
        last = ""
        while True:
            row = db.execute(f"SELECT origin FROM {table} WHERE origin > ? ORDER BY origin LIMIT 1", [last]).fetchone()
            if row is None:
                break
            last = row[0]
            found.add(last)
    return sorted(found)


# --- records this station wrote, for its segments ------------------------------------------------

def own_events(db: sqlite_utils.Database, origin: str, first: int, last: int) -> list[tuple]:
    """(seq, lamport, at, kind, officer, detail JSON, code, receipt origin, receipt seq) of `origin`'s events
    with seq in [first, last]."""
    return db.execute(
        "SELECT e.seq, e.lamport, e.at, e.kind, e.officer, e.detail, d.code, e.receipt_origin, e.receipt_seq"
        " FROM events e JOIN dossiers d ON d.id = e.dossier_id WHERE e.origin = ? AND e.seq BETWEEN ? AND ?"
        " ORDER BY e.seq",
        [origin, first, last],
    ).fetchall()


def own_unit_changes(db: sqlite_utils.Database, origin: str, first: int, last: int) -> list[tuple]:
    """(seq, lamport, at, officer, kind, key, value JSON) of `origin`'s unit changes with seq in [first, last]."""
    return db.execute(
        "SELECT seq, lamport, at, officer, kind, key, value FROM unit_changes WHERE origin = ? AND seq BETWEEN ? AND ?"
        " ORDER BY seq",
        [origin, first, last],
    ).fetchall()


def files_info(db: sqlite_utils.Database, shas: Iterable[str]) -> dict[str, tuple[int, str]]:
    """sha256 -> (size, name) of stored scans."""
    wanted = sorted(set(shas))
    found = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for sha, size, name in db.execute(f"SELECT sha256, size, name FROM files WHERE sha256 IN ({marks})", chunk):
            found[sha] = (size, name)
    return found


# --- causal history: what this station had applied when it wrote each of its records -------------

def causal_entries(db: sqlite_utils.Database, origin: str, first: int, last: int) -> list[tuple[int, dict]]:
    """(from seq, {origin: seq applied}) entries in effect for `origin`'s records first..last, oldest first."""
    start = db.execute("SELECT max(from_seq) FROM sync_causal WHERE origin = ? AND from_seq <= ?",
                       [origin, first]).fetchone()[0]
    rows = db.execute(
        "SELECT from_seq, seen FROM sync_causal WHERE origin = ? AND from_seq >= ? AND from_seq <= ? ORDER BY from_seq",
        [origin, start if start is not None else first, last],
    ).fetchall()
    return [(max(seq, first), json.loads(seen)) for seq, seen in rows]


def note_causal(db: sqlite_utils.Database, origin: str, from_seq: int, seen: dict) -> None:
    db.execute("INSERT INTO sync_causal (origin, from_seq, seen) VALUES (?, ?, ?)"
               " ON CONFLICT (origin, from_seq) DO UPDATE SET seen = excluded.seen",
               [origin, from_seq, json.dumps(seen, sort_keys=True)])


# --- unit changes (last-writer-wins registers) ----------------------------------------------------

def add_unit_change(db: sqlite_utils.Database, change: dict) -> bool:
    """Store a unit change; False if it was there already."""
    return db.execute(
        "INSERT INTO unit_changes (origin, seq, lamport, at, officer, kind, key, value)"
        " VALUES (:origin, :seq, :lamport, :at, :officer, :kind, :key, :value) ON CONFLICT DO NOTHING",
        dict(change, value=json.dumps(change["value"], ensure_ascii=False)),
    ).rowcount > 0


def winner(db: sqlite_utils.Database, kind: str, key: str) -> tuple[int, str, int] | None:
    """(lamport, origin, seq) of the register's winning change."""
    row = db.execute(
        "SELECT lamport, origin, seq FROM unit_changes WHERE kind = ? AND key = ?"
        " ORDER BY lamport DESC, origin DESC, seq DESC LIMIT 1",
        [kind, key],
    ).fetchone()
    return tuple(row) if row else None


def winners(db: sqlite_utils.Database, kind: str) -> dict[str, dict]:
    """key -> {"value", "at", "officer", "origin", "seq"} of every register of `kind`."""
    rows = db.execute(
        "SELECT key, value, at, officer, origin, seq FROM (SELECT key, value, at, officer, origin, seq,"
        " row_number() OVER (PARTITION BY key ORDER BY lamport DESC, origin DESC, seq DESC) AS n"
        " FROM unit_changes WHERE kind = ?) WHERE n = 1 ORDER BY key",
        [kind],
    )
    return {key: {"value": json.loads(value), "at": at, "officer": officer, "origin": origin, "seq": seq}
            for key, value, at, officer, origin, seq in rows}


def upsert_account(db: sqlite_utils.Database, username: str, value: dict, at: str) -> None:
    """An account as the unit's register has it; failed logins and lock-outs stay this counter's."""
    db.execute(
        "INSERT INTO officers (username, full_name, role, password_hash, active, failed_logins, created_at, updated_at)"
        " VALUES (:username, :full_name, :role, :password_hash, :active, 0, :at, :at) ON CONFLICT (username) DO UPDATE"
        " SET full_name = excluded.full_name, role = excluded.role, password_hash = excluded.password_hash,"
        " active = excluded.active, updated_at = excluded.updated_at",
        {"username": username, "full_name": value["full_name"], "role": value["role"],
         "password_hash": value["password_hash"], "active": int(value["active"]), "at": at},
    )


# --- peers ----------------------------------------------------------------------------------------

def save_peer(db: sqlite_utils.Database, peer: dict) -> None:
    values = dict(peer, lineage=json.dumps(peer["lineage"]), seen=json.dumps(peer["seen"], sort_keys=True))
    names = ", ".join(PEER_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in PEER_COLUMNS[1:])
    db.execute(f"INSERT INTO sync_peers ({names}) VALUES ({', '.join(':' + c for c in PEER_COLUMNS)})"
               f" ON CONFLICT (ws_id) DO UPDATE SET {updates}", values)


def peers(db: sqlite_utils.Database) -> list[dict]:
    rows = db.execute("SELECT " + ", ".join(PEER_COLUMNS) + " FROM sync_peers ORDER BY workstation, ws_id")
    result = []
    for row in rows:
        peer = dict(zip(PEER_COLUMNS, row, strict=True))
        peer["lineage"], peer["seen"] = json.loads(peer["lineage"]), json.loads(peer["seen"])
        result.append(peer)
    return result


# --- conflicts ------------------------------------------------------------------------------------

CONFLICT_COLUMNS = ("origin", "seq", "code", "kind", "reason", "found_at")


def replace_conflicts(db: sqlite_utils.Database, codes: Iterable[str], kinds: tuple[str, ...],
                      rows: list[tuple]) -> None:
    """The conflicts of `kinds` of these dossiers are now `rows` (origin, seq, code, kind, reason, found_at);
    a conflict still there keeps the time it was first found."""
    codes = list(codes)
    marks, kind_marks = ",".join("?" * len(codes)), ",".join("?" * len(kinds))
    keep = {(o, s) for o, s, *_ in rows}
    for origin, seq in db.execute(
        f"SELECT origin, seq FROM sync_conflicts WHERE code IN ({marks}) AND kind IN ({kind_marks})", [*codes, *kinds]
    ).fetchall():
        if (origin, seq) not in keep:
            db.execute("DELETE FROM sync_conflicts WHERE origin = ? AND seq = ?", [origin, seq])
    db.conn.executemany(
        "INSERT INTO sync_conflicts (origin, seq, code, kind, reason, found_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (origin, seq) DO UPDATE SET code = excluded.code, kind = excluded.kind, reason = excluded.reason",
        rows,
    )


def conflicts(db: sqlite_utils.Database) -> list[dict]:
    """Every conflict with its event (None for a unit change) and the dossier it concerns."""
    rows = db.execute(
        "SELECT c.origin, c.seq, c.code, c.kind, c.reason, c.found_at, e.at, e.kind, e.officer, e.detail"
        " FROM sync_conflicts c LEFT JOIN events e ON e.origin = c.origin AND e.seq = c.seq"
        " ORDER BY c.code, e.at, c.origin, c.seq"
    )
    result = []
    for origin, seq, code, kind, reason, found_at, at, event_kind, officer, detail in rows:
        result.append({"origin": origin, "seq": seq, "code": code, "kind": kind, "reason": reason,
                       "found_at": found_at, "event": None if at is None else
                       {"at": at, "kind": event_kind, "officer": officer, "detail": json.loads(detail)}})
    return result


def conflict_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM sync_conflicts").fetchone()[0]


# --- scans still to fetch -------------------------------------------------------------------------

def want_files(db: sqlite_utils.Database, shas: Iterable[str]) -> None:
    db.conn.executemany("INSERT INTO sync_missing_files (sha256) VALUES (?) ON CONFLICT DO NOTHING",
                        [(sha,) for sha in shas])


def wanted_files(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT sha256 FROM sync_missing_files ORDER BY sha256")]


def got_file(db: sqlite_utils.Database, sha: str) -> None:
    db.execute("DELETE FROM sync_missing_files WHERE sha256 = ?", [sha])


# --- applying dossier events ----------------------------------------------------------------------

def dossiers_by_code(db: sqlite_utils.Database, codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(db.execute(f"SELECT code, id FROM dossiers WHERE code IN ({marks})", chunk).fetchall())
    return found


def fold_events(db: sqlite_utils.Database, dossier_ids: list[int]) -> dict[int, list[dict]]:
    """Every event of these dossiers, as the fold reads them (counter/dossier.py: fold)."""
    result: dict[int, list[dict]] = {i: [] for i in dossier_ids}
    for start in range(0, len(dossier_ids), 500):
        chunk = dossier_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for dossier_id, *values in db.execute(
            "SELECT dossier_id, " + ", ".join(_EVENT_COLUMNS) + f" FROM events WHERE dossier_id IN ({marks})", chunk
        ):
            result[dossier_id].append(fold_event(dict(zip(_EVENT_COLUMNS, values, strict=True))))
    return result


def fold_event(row: dict) -> dict:
    """A stored event as the fold reads it."""
    detail = row["detail"]
    return {"at": row["at"], "kind": row["kind"], "officer": row["officer"],
            "detail": json.loads(detail) if isinstance(detail, str) else detail,
            "origin": row["origin"], "seq": row["seq"], "lamport": row["lamport"],
            "receipt": None if row["receipt_origin"] is None else (row["receipt_origin"], row["receipt_seq"])}


def add_events(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """(dossier_id, at, kind, officer, detail JSON, origin, seq, lamport, receipt origin, receipt seq) rows."""
    db.conn.executemany(
        "INSERT INTO events (dossier_id, at, kind, officer, detail, origin, seq, lamport, receipt_origin, receipt_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def receipt_of(db: sqlite_utils.Database, dossier_id: int) -> tuple[str, int]:
    """(origin, seq) of the receipt that made the dossier."""
    return tuple(db.execute("SELECT origin, receipt_seq FROM dossiers WHERE id = ?", [dossier_id]).fetchone())


def set_receipt(db: sqlite_utils.Database, dossier_id: int, origin: str, seq: int) -> None:
    db.execute("UPDATE dossiers SET origin = ?, receipt_seq = ? WHERE id = ?", [origin, seq, dossier_id])


def last_event_at(db: sqlite_utils.Database, dossier_id: int) -> str | None:
    return db.execute("SELECT max(at) FROM events WHERE dossier_id = ?", [dossier_id]).fetchone()[0]


def reserve(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """(code, day, workstation, number, reserved_at) of remote dossiers; a code held already stays as it is."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO code_reservations (code, day, workstation, number, reserved_at) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def ledger_holders(db: sqlite_utils.Database, keys: Iterable[tuple[int, int, int]]) -> dict[tuple, list[tuple]]:
    """(workstation, year, number) -> [(code, receipt at, lamport, origin, seq)] of dossiers sharing a ledger
    number, for the keys given."""
    result: dict[tuple, list[tuple]] = {}
    for workstation, year, number in set(keys):
        rows = db.execute(
            "SELECT d.code, e.at, e.lamport, e.origin, e.seq FROM dossiers d JOIN events e"
            " ON e.origin = d.origin AND e.seq = d.receipt_seq"
            " WHERE d.workstation = ? AND d.ledger_year = ? AND d.ledger_number = ?",
            [workstation, year, number],
        ).fetchall()
        result[(workstation, year, number)] = rows
    return result


def ledger_key(db: sqlite_utils.Database, dossier_id: int) -> tuple[int, int, int]:
    return tuple(db.execute("SELECT workstation, ledger_year, ledger_number FROM dossiers WHERE id = ?",
                            [dossier_id]).fetchone())


def other_document(db: sqlite_utils.Database, sha: str, dossier_id: int) -> int | None:
    """An earlier document with the same scan, which a re-used document points at."""
    return db.execute("SELECT min(id) FROM documents WHERE file_sha256 = ? AND dossier_id <> ?",
                      [sha, dossier_id]).fetchone()[0]


def delete_documents_after(db: sqlite_utils.Database, dossier_id: int, count: int) -> None:
    """Documents past position `count` (a receipt that lost its code to another carried more)."""
    gone = [row[0] for row in db.execute("SELECT id FROM documents WHERE dossier_id = ? AND position > ?",
                                         [dossier_id, count])]
    for document_id in gone:
        db.execute("UPDATE documents SET reused_from = id WHERE reused_from = ?", [document_id])
        db.execute("DELETE FROM documents WHERE id = ?", [document_id])
