"""The procedure catalogue table."""

import json

import sqlite_utils

_COLUMNS = "code, name, field, days, fee, level, documents, cutoff, note, online_level"


def upsert(db: sqlite_utils.Database, procedures: list[dict], now: str) -> tuple[int, int]:
    """Insert or update by code; returns (added, updated)."""
    known = {row[0] for row in db.execute("SELECT code FROM procedures")}
    db.conn.executemany(
        "INSERT INTO procedures (code, name, name_folded, field, days, fee, level, documents, cutoff,"
        " note, online_level, updated_at) VALUES (:code, :name, :name_folded, :field, :days, :fee, :level,"
        " :documents, :cutoff, :note, :online_level, :updated_at)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded,"
        " field = excluded.field, days = excluded.days, fee = excluded.fee, level = excluded.level,"
        " documents = excluded.documents, cutoff = excluded.cutoff, note = excluded.note,"
        " online_level = excluded.online_level,"
        " updated_at = excluded.updated_at",
        [dict(p, documents=json.dumps(p["documents"], ensure_ascii=False), updated_at=now) for p in procedures],
    )
    added = sum(1 for p in procedures if p["code"] not in known)
    return added, len(procedures) - added


def _row(row: tuple) -> dict:
    code, name, field, days, fee, level, documents, cutoff, note, online_level = row
    return {
        "code": code, "name": name, "field": field, "days": days, "fee": fee, "level": level,
        "documents": json.loads(documents), "cutoff": None if cutoff is None else bool(cutoff),
        "note": note, "online_level": online_level,
    }


def get(db: sqlite_utils.Database, code: str) -> dict | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM procedures WHERE code = ?", [code]).fetchone()
    return _row(row) if row else None


def all_procedures(db: sqlite_utils.Database) -> list[dict]:
    return [_row(r) for r in db.execute(f"SELECT {_COLUMNS} FROM procedures ORDER BY field, name")]


def count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM procedures").fetchone()[0]
