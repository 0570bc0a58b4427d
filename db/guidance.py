"""The guidance register (sổ hướng dẫn): incomplete dossiers at the counter, never received."""

import json

import sqlite_utils

COLUMNS = ("id", "at", "procedure_code", "procedure_name", "applicant_name", "id_number", "phone", "address",
           "missing", "refusal", "officer")
_SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM guidance"


def _rows(cursor) -> list[dict]:
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor]
    for row in rows:
        row["missing"] = json.loads(row["missing"])
    return rows


def insert(db: sqlite_utils.Database, entry: dict) -> int:
    values = dict(entry, missing=json.dumps(entry["missing"], ensure_ascii=False))
    names = [column for column in COLUMNS if column != "id"]
    cursor = db.execute(
        f"INSERT INTO guidance ({', '.join(names)}) VALUES ({', '.join(':' + name for name in names)})", values
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get(db: sqlite_utils.Database, entry_id: int) -> dict | None:
    rows = _rows(db.execute(_SELECT + " WHERE id = ?", [entry_id]))
    return rows[0] if rows else None


def between(db: sqlite_utils.Database, start: str, end: str) -> list[dict]:
    return _rows(db.execute(_SELECT + " WHERE at >= ? AND at < ? ORDER BY at, id", [start, end]))


def counts(db: sqlite_utils.Database, start: str, end: str) -> dict:
    """{"guidance": entries in [start, end), "guidance_refused": of them refusals (Mẫu 03)}."""
    given, refused = db.execute(
        "SELECT count(*), total(refusal <> '') FROM guidance WHERE at >= ? AND at < ?", [start, end]
    ).fetchone()
    return {"guidance": given, "guidance_refused": int(refused)}
