"""Finding dossiers fast: each query returns ids, newest first, from an index.

Names are matched on the folded shadow column through FTS5 (its own
diacritic removal does not fold đ/Đ); a code tail through the reversed code.
"""

import sqlite_utils


def by_code_tail(db: sqlite_utils.Database, tail: str, limit: int) -> list[int]:
    reversed_tail = tail[::-1]
    return [
        row[0]
        for row in db.execute(
            "SELECT id FROM dossiers WHERE code_rev >= ? AND code_rev < ? ORDER BY id DESC LIMIT ?",
            [reversed_tail, reversed_tail + "\U0010ffff", limit],
        )
    ]


def by_id_number(db: sqlite_utils.Database, id_number: str, limit: int) -> list[int]:
    return [
        row[0]
        for row in db.execute(
            "SELECT id FROM dossiers WHERE id_number = ? AND id_number <> '' ORDER BY id DESC LIMIT ?",
            [id_number, limit],
        )
    ]


def by_phone(db: sqlite_utils.Database, phone: str, limit: int) -> list[int]:
    return [
        row[0]
        for row in db.execute(
            "SELECT id FROM dossiers WHERE phone = ? AND phone <> '' ORDER BY id DESC LIMIT ?", [phone, limit]
        )
    ]


def by_name(db: sqlite_utils.Database, words: tuple[str, ...], limit: int) -> list[int]:
    """Every one of the folded `words` must start a word of the name, in any order."""
    if not words:
        return []
    match = name_match(words)
    return [
        row[0]
        for row in db.execute(
            "SELECT rowid FROM dossier_names WHERE dossier_names MATCH ? ORDER BY rowid DESC LIMIT ?",
            [match, limit],
        )
    ]


def name_match(words) -> str:
    """The FTS5 query for folded words, each the start of a word of the name."""
    return " ".join(f'"{word}"*' for word in words)
