"""The one UPDATE every table shares: set some columns of one row by id."""

import sqlite_utils


def update(db: sqlite_utils.Database, table: str, row_id: int, changes: dict) -> None:
    """`changes` keys are column names written in our own code, never user input."""
    sets = ", ".join(f"{column} = :{column}" for column in changes)
    db.execute(f"UPDATE {table} SET {sets} WHERE id = :_id", dict(changes, _id=row_id))
