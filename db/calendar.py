"""The unit's calendar overrides (days off or worked beyond the national calendar)."""

import sqlite_utils


def overrides(db: sqlite_utils.Database) -> list[tuple[str, bool, str]]:
    return [(d, bool(w), r) for d, w, r in db.execute("SELECT day, working, reason FROM calendar_days ORDER BY day")]


def upsert(db: sqlite_utils.Database, days: list[tuple[str, bool, str]]) -> None:
    db.conn.executemany(
        "INSERT INTO calendar_days (day, working, reason) VALUES (?, ?, ?)"
        " ON CONFLICT (day) DO UPDATE SET working = excluded.working, reason = excluded.reason",
        [(d, int(w), r) for d, w, r in days],
    )


def remove(db: sqlite_utils.Database, day: str) -> bool:
    return db.execute("DELETE FROM calendar_days WHERE day = ?", [day]).rowcount > 0
