"""The keys: this workstation's signing keys, the peer stations its admin approved, the
province's acknowledgements (unit side); the workstation keys enrolled at the province, the
province's own key pairs and the packages it made (province side).

A private key is stored only here, in its database's own tables: every backup carries it,
no export or sync file ever does (they are written from other tables).
"""

import json

import sqlite_utils

from db.province_store import ENROLLED_FIELDS

_STATION = ("id", "public_key", "fingerprint", "private_key", "created_at", "retired_at", "rotation")
_ENROLLED = ENROLLED_FIELDS
_ACK = ("id", "sha256", "workstation", "last_sequence", "missing", "created_at", "imported_at", "imported_by")


def _dicts(cursor, columns) -> list[dict]:
    return [dict(zip(columns, row, strict=True)) for row in cursor]


# ---- unit side ----------------------------------------------------------------------------------

def station_keys(db: sqlite_utils.Database) -> list[dict]:
    """Every key this workstation had, oldest first; the current one has no `retired_at`."""
    return _dicts(db.execute(f"SELECT {', '.join(_STATION)} FROM station_keys ORDER BY id"), _STATION)


def add_station_key(db: sqlite_utils.Database, public_key: str, fingerprint: str, private_key: bytes,
                    created_at: str, rotation: str | None) -> int:
    row_id = db.execute(
        "INSERT INTO station_keys (public_key, fingerprint, private_key, created_at, rotation)"
        " VALUES (?, ?, ?, ?, ?)", [public_key, fingerprint, private_key, created_at, rotation]).lastrowid
    assert row_id is not None
    return row_id


def retire_station_key(db: sqlite_utils.Database, key_id: int, at: str) -> None:
    db.execute("UPDATE station_keys SET retired_at = ? WHERE id = ?", [at, key_id])


def approve_station(db: sqlite_utils.Database, fingerprint: str, label: str, at: str, by: str) -> bool:
    """Whether it was not approved before."""
    return db.execute(
        "INSERT INTO approved_stations (fingerprint, label, approved_at, approved_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (fingerprint) DO NOTHING", [fingerprint, label, at, by]).rowcount > 0


def approved_stations(db: sqlite_utils.Database) -> list[dict]:
    columns = ("fingerprint", "label", "approved_at", "approved_by")
    return _dicts(db.execute(f"SELECT {', '.join(columns)} FROM approved_stations ORDER BY approved_at"), columns)


def is_approved(db: sqlite_utils.Database, fingerprint: str) -> bool:
    return db.execute("SELECT 1 FROM approved_stations WHERE fingerprint = ?", [fingerprint]).fetchone() is not None


def peer_head(db: sqlite_utils.Database, station: str) -> tuple[int, str] | None:
    row = db.execute("SELECT audit_id, audit_hash FROM station_chain_heads WHERE station = ?", [station]).fetchone()
    return (row[0], row[1]) if row else None


def set_peer_head(db: sqlite_utils.Database, station: str, audit_id: int, audit_hash: str, at: str) -> None:
    db.execute(
        "INSERT INTO station_chain_heads (station, audit_id, audit_hash, seen_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (station) DO UPDATE SET audit_id = excluded.audit_id, audit_hash = excluded.audit_hash,"
        " seen_at = excluded.seen_at", [station, audit_id, audit_hash, at])


def add_ack(db: sqlite_utils.Database, values: dict) -> bool:
    """Record an acknowledgement; False when this very file was recorded before."""
    values = dict(values, missing=json.dumps(values["missing"]))
    columns = [c for c in _ACK if c != "id"]
    return db.execute(
        f"INSERT INTO province_acks ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
        " ON CONFLICT (sha256) DO NOTHING", values).rowcount > 0


def latest_ack(db: sqlite_utils.Database, workstation: int) -> dict | None:
    """The newest acknowledgement for a workstation (by the province's time, then the sequence)."""
    rows = _dicts(db.execute(
        f"SELECT {', '.join(_ACK)} FROM province_acks WHERE workstation = ?"
        " ORDER BY created_at DESC, last_sequence DESC, id DESC LIMIT 1", [workstation]), _ACK)
    if not rows:
        return None
    return dict(rows[0], missing=json.loads(rows[0]["missing"]))


# ---- province side ------------------------------------------------------------------------------

def enrolled(db: sqlite_utils.Database, fingerprint: str) -> dict | None:
    rows = _dicts(db.execute(f"SELECT {', '.join(_ENROLLED)} FROM province_keys WHERE fingerprint = ?",
                             [fingerprint]), _ENROLLED)
    return rows[0] if rows else None


def enrolled_for(db: sqlite_utils.Database, unit_code: str, workstation: int) -> list[dict]:
    return _dicts(db.execute(
        f"SELECT {', '.join(_ENROLLED)} FROM province_keys WHERE unit_code = ? AND workstation = ? ORDER BY id",
        [unit_code, workstation]), _ENROLLED)


def all_enrolled(db: sqlite_utils.Database) -> list[dict]:
    return _dicts(db.execute(
        f"SELECT {', '.join(_ENROLLED)} FROM province_keys ORDER BY unit_code, workstation, id"), _ENROLLED)


def enrol(db: sqlite_utils.Database, unit_code: str, workstation: int, public_key: str, fingerprint: str,
          at: str, by: str, rotated_from: int | None = None) -> int:
    row_id = db.execute(
        "INSERT INTO province_keys (unit_code, workstation, public_key, fingerprint, enrolled_at, enrolled_by,"
        " rotated_from) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [unit_code, workstation, public_key, fingerprint, at, by, rotated_from]).lastrowid
    assert row_id is not None
    return row_id


def set_replaced(db: sqlite_utils.Database, key_id: int, from_sequence: int) -> None:
    db.execute("UPDATE province_keys SET replaced_from_sequence = ? WHERE id = ?", [from_sequence, key_id])


def successor(db: sqlite_utils.Database, key_id: int) -> dict | None:
    rows = _dicts(db.execute(f"SELECT {', '.join(_ENROLLED)} FROM province_keys WHERE rotated_from = ?",
                             [key_id]), _ENROLLED)
    return rows[0] if rows else None


def revoke(db: sqlite_utils.Database, key_id: int, at: str, by: str, reason: str) -> None:
    db.execute("UPDATE province_keys SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ?",
               [at, by, reason, key_id])


def own_key(db: sqlite_utils.Database, kind: str) -> dict | None:
    columns = ("kind", "private_key", "public_key", "fingerprint", "created_at")
    rows = _dicts(db.execute(f"SELECT {', '.join(columns)} FROM province_own_keys WHERE kind = ?", [kind]), columns)
    return rows[0] if rows else None


def add_own_key(db: sqlite_utils.Database, kind: str, private_key: bytes, public_key: str, fingerprint: str,
                at: str) -> None:
    db.execute("INSERT INTO province_own_keys (kind, private_key, public_key, fingerprint, created_at)"
               " VALUES (?, ?, ?, ?, ?)", [kind, private_key, public_key, fingerprint, at])


def next_package_sequence(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(sequence), 0) + 1 FROM province_packages").fetchone()[0]


def add_package(db: sqlite_utils.Database, values: dict) -> None:
    columns = ("sequence", "sha256", "file", "catalogue_sha256", "calendar_sha256", "made_at", "made_by")
    db.execute(f"INSERT INTO province_packages ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
               values)
