"""The audit trail: an append-only table chained by SHA-256.

Each row holds the hash of the previous row and the hash of its own content
with that previous hash, so changing, removing or reordering any row breaks
the chain from that row on. Triggers refuse UPDATE and DELETE.
"""

import hashlib
import json

import sqlite_utils

GENESIS = "0" * 64


def content(row_id: int, at: str, officer: str, action: str, target: str, detail: str) -> str:
    return json.dumps([row_id, at, officer, action, target, detail], ensure_ascii=False, separators=(",", ":"))


def seal(previous: str, text: str) -> str:
    return hashlib.sha256((previous + text).encode("utf-8")).hexdigest()


def append(db: sqlite_utils.Database, at: str, officer: str, action: str, target: str, detail: dict) -> int:
    """Append one row; call inside the write transaction of the change it records."""
    last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row_id, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    digest = seal(previous, content(row_id, at, officer, action, target, text))
    db.execute(
        "INSERT INTO audit (id, at, officer, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [row_id, at, officer, action, target, text, previous, digest],
    )
    return row_id


def last_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


def first_broken(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """(row id, what is wrong) of the first row that breaks the chain, or None."""
    expected_id, previous = 1, GENESIS
    for row_id, at, officer, action, target, detail, prev_hash, digest in db.execute(
        "SELECT id, at, officer, action, target, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if row_id != expected_id:
            return expected_id, "thiếu dòng"
        if prev_hash != previous:
            return row_id, "không khớp với dòng trước"
        if seal(previous, content(row_id, at, officer, action, target, detail)) != digest:
            return row_id, "nội dung đã bị sửa"
        expected_id, previous = row_id + 1, digest
    return None


def rows(db: sqlite_utils.Database, limit: int) -> list[dict]:
    keys = ("id", "at", "officer", "action", "target", "detail")
    return [
        dict(zip(keys, row, strict=False))
        for row in db.execute(
            "SELECT id, at, officer, action, target, detail FROM audit ORDER BY id DESC LIMIT ?", [limit]
        )
    ]
