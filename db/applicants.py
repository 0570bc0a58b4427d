"""Applicants (người nộp hồ sơ), found again by ID number or phone."""

import sqlite_utils

from db import rows
from db.rows import inserted_id

_COLUMNS = ("id", "id_number", "name", "phone", "address", "email", "updated_at")
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM applicants"


def _rows(cursor) -> list[dict]:
    return [dict(zip(_COLUMNS, row, strict=False)) for row in cursor]


def by_id_number(db: sqlite_utils.Database, id_number: str) -> dict | None:
    rows = _rows(db.execute(_SELECT + " WHERE id_number = ?", [id_number]))
    return rows[0] if rows else None


def by_phone(db: sqlite_utils.Database, phone: str) -> list[dict]:
    return _rows(db.execute(_SELECT + " WHERE phone = ? AND phone <> '' ORDER BY updated_at DESC", [phone]))


def get(db: sqlite_utils.Database, applicant_id: int) -> dict | None:
    rows = _rows(db.execute(_SELECT + " WHERE id = ?", [applicant_id]))
    return rows[0] if rows else None


def insert(db: sqlite_utils.Database, applicant: dict) -> int:
    return inserted_id(db.execute(
        "INSERT INTO applicants (id_number, name, phone, address, email, updated_at)"
        " VALUES (:id_number, :name, :phone, :address, :email, :updated_at)",
        applicant,
    ))


def update(db: sqlite_utils.Database, applicant_id: int, changes: dict) -> None:
    rows.update(db, "applicants", applicant_id, changes)
