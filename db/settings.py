"""Unit settings: one JSON value per key."""

import json

import sqlite_utils


def load(db: sqlite_utils.Database) -> dict:
    return {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM settings")}


def save(db: sqlite_utils.Database, values: dict) -> None:
    db.conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()],
    )
