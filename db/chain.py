"""The audit chain seen from outside: the rows an export or a sync file anchors, and the
anchors of every file the province stored (province_chain)."""

from collections.abc import Iterator

import sqlite_utils

from db.audit import GENESIS
from db.province_store import ANCHOR_FIELDS


def audit_head(db: sqlite_utils.Database) -> tuple[int, str]:
    """(id, hash) of the newest audit row; (0, GENESIS) for an empty trail."""
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def audit_hash(db: sqlite_utils.Database, row_id: int) -> str | None:
    """The hash row `row_id` holds now (GENESIS for row 0), or None when there is no such row."""
    if row_id == 0:
        return GENESIS
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [row_id]).fetchone()
    return row[0] if row else None


def audit_rows(db: sqlite_utils.Database, after: int, head: int) -> Iterator[tuple[int, str, str]]:
    """(id, prev_hash, hash) of the rows after `after` up to `head`, in order."""
    yield from db.execute("SELECT id, prev_hash, hash FROM audit WHERE id > ? AND id <= ? ORDER BY id",
                          [after, head])


def add_anchor(db: sqlite_utils.Database, values: dict) -> None:
    db.execute(f"INSERT INTO province_chain ({', '.join(ANCHOR_FIELDS)}) VALUES "
               f"({', '.join(':' + f for f in ANCHOR_FIELDS)})", values)


def anchors_near(db: sqlite_utils.Database, unit_id: int, workstation: int, sequence: int) -> dict[str, list[dict]]:
    """The stored anchors of a workstation: "before" (the highest sequence below), "same" and
    "after" (the lowest sequence above), each a list (a sequence may have been sent twice)."""
    def at(condition: str, order: str) -> list[dict]:
        found = db.execute(
            f"SELECT {', '.join(ANCHOR_FIELDS)} FROM province_chain WHERE unit_id = ? AND workstation = ? AND"
            f" sequence = (SELECT sequence FROM province_chain WHERE unit_id = ? AND workstation = ? AND {condition}"
            f" ORDER BY sequence {order} LIMIT 1) ORDER BY file_id",
            [unit_id, workstation, unit_id, workstation, sequence]).fetchall()
        return [dict(zip(ANCHOR_FIELDS, row, strict=False)) for row in found]

    return {"before": at("sequence < ?", "DESC"), "same": at("sequence = ?", "ASC"),
            "after": at("sequence > ?", "ASC")}


def same_export(db: sqlite_utils.Database, unit_code: str, workstation: int, sequence: int) -> list[dict]:
    """The stored anchors of one export of a workstation (more than one when it was sent twice)."""
    found = db.execute(
        f"SELECT {', '.join('c.' + f for f in ANCHOR_FIELDS)} FROM province_chain c JOIN province_units u"
        " ON u.id = c.unit_id WHERE u.code = ? AND c.workstation = ? AND c.sequence = ? ORDER BY c.file_id",
        [unit_code, workstation, sequence]).fetchall()
    return [dict(zip(ANCHOR_FIELDS, row, strict=False)) for row in found]


def sources_of(db: sqlite_utils.Database, seals: list[str]) -> set[tuple[str, int]]:
    """(unit code, workstation) of the stored files with these seals."""
    found: set[tuple[str, int]] = set()
    for start in range(0, len(seals), 500):
        chunk = seals[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(db.execute(
            f"SELECT u.code, f.workstation FROM province_files f JOIN province_units u ON u.id = f.unit_id"
            f" WHERE f.sha256 IN ({marks})", chunk).fetchall())
    return found


def received(db: sqlite_utils.Database, unit_code: str, workstation: int) -> list[int]:
    """The export sequences stored from one workstation, ascending, each once."""
    return [row[0] for row in db.execute(
        "SELECT DISTINCT f.sequence FROM province_files f JOIN province_units u ON u.id = f.unit_id"
        " WHERE u.code = ? AND f.workstation = ? ORDER BY 1", [unit_code, workstation])]
