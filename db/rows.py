"""What every table shares: set some columns of one row by id; the id an INSERT gave."""

import sqlite3

import sqlite_utils


def update(db: sqlite_utils.Database, table: str, row_id: int, changes: dict) -> None:
    """`changes` keys are column names written in our own code, never user input."""
    sets = ", ".join(f"{column} = :{column}" for column in changes)
    db.execute(f"UPDATE {table} SET {sets} WHERE id = :_id", dict(changes, _id=row_id))


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """`cursor.lastrowid` of a one-row INSERT, which always has one (the DB-API types it Optional)."""
    row_id = cursor.lastrowid
    assert row_id is not None, "an INSERT of one row sets lastrowid"
    return row_id
