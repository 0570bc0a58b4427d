"""The province's copy of every unit's dossiers, built from their export files.

A dossier is one row keyed by its code, with the unit and workstation it came
from and its version (the id of its latest event in the unit's database), so
a newer state replaces an older one and never the reverse. Events are kept as
received, one row per dossier and file (keyed by the dossier and its first
event id in the file), so importing them twice adds nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from db.rows import inserted_id

# The fields of a dossier record the reports and checks query; the whole record is kept as received.
QUERIED_FIELDS = (
    "code", "procedure_code", "channel", "return_channel", "status", "received_at", "due_at", "result_at",
    "returned_at", "apology_at", "rating", "digitized", "result_digitized", "reused", "ledger_year", "ledger_number",
)
# Queried since schema 5 (issue 11's indicators), each with its value in a record that lacks it:
# a unit of an earlier version sends none of them (docs/export-format.md: keys only get added).
ADDED_FIELDS = (
    ("fee", 0), ("supplements", 0), ("payment", None), ("rating_by", None), ("online_level", ""), ("lci", False),
    ("returning_applicant", False), ("data_reused", False), ("late_at_supplement", False), ("apology_late", False),
    ("complaints", 0),
)
# Where a stored dossier came from and which state of it is stored.
SOURCE_FIELDS = ("unit_id", "source_workstation", "file_id", "version", "record_sha256")
STORED_FIELDS = SOURCE_FIELDS + QUERIED_FIELDS + tuple(name for name, _ in ADDED_FIELDS) + ("record",)
_INSERT = (
    f"INSERT INTO province_dossiers ({', '.join(STORED_FIELDS)}) VALUES ({', '.join('?' * len(STORED_FIELDS))})"
)
_UPDATE = (
    "UPDATE province_dossiers SET " + ", ".join(f"{name} = ?" for name in STORED_FIELDS if name != "code")
    + " WHERE code = ?"
)
PAGE_SIZE = 16384
FILE_FIELDS = ("sha256", "unit_id", "workstation", "sequence", "name", "created_at", "software", "dossiers",
               "events", "files", "imported_at")


@contextmanager
def bulk_import(db: sqlite_utils.Database) -> Iterator[None]:
    """Settings for importing millions of rows, undone afterwards.

    A larger page cache keeps the indexes in memory; the write-ahead log is copied into the
    database in large, rare checkpoints, and emptied at the end. `synchronous = NORMAL` may
    lose the last committed files on a power cut, never corrupt the database: a lost file is
    simply not recorded as imported, and importing it again is harmless.
    """
    if db.execute("PRAGMA page_size").fetchone()[0] < PAGE_SIZE and _empty(db):
        # Dossier records are over a kilobyte: larger pages split less often. Only an empty
        # database can change it, and only outside WAL.
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.conn.execute("VACUUM")
        db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA cache_size = -262144")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA wal_autocheckpoint = 32768")
    try:
        yield
    finally:
        db.conn.execute("PRAGMA synchronous = FULL")
        db.conn.execute("PRAGMA wal_autocheckpoint = 1000")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _empty(db: sqlite_utils.Database) -> bool:
    return db.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM province_files) AND NOT EXISTS (SELECT 1 FROM dossiers)"
    ).fetchone()[0] == 1


def known_files(db: sqlite_utils.Database, seals: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(seals), 500):
        chunk = seals[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(row[0] for row in db.execute(f"SELECT sha256 FROM province_files WHERE sha256 IN ({marks})", chunk))
    return found


def unit_id(db: sqlite_utils.Database, code: str, name: str, now: str) -> int:
    """The unit's id, creating it; its name follows the latest file."""
    db.execute(
        "INSERT INTO province_units (code, name, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
        [code, name, now],
    )
    return db.execute("SELECT id FROM province_units WHERE code = ?", [code]).fetchone()[0]


def add_file(db: sqlite_utils.Database, values: dict) -> int:
    return inserted_id(db.execute(
        f"INSERT INTO province_files ({', '.join(FILE_FIELDS)}) VALUES ({', '.join(':' + f for f in FILE_FIELDS)})",
        values,
    ))


def stored(db: sqlite_utils.Database, codes: list[str]) -> dict[str, tuple]:
    """code -> (unit code, source workstation, version, record sha256, received_at, ledger year, ledger number)."""
    marks = ",".join("?" * len(codes))
    return {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT d.code, u.code, d.source_workstation, d.version, d.record_sha256, d.received_at, d.ledger_year,"
            f" d.ledger_number FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id WHERE d.code IN ({marks})",
            codes,
        )
    }


def insert_dossiers(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """Rows in STORED_FIELDS order."""
    db.conn.executemany(_INSERT, rows)


def replace_dossiers(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """Rows in STORED_FIELDS order: the whole stored state is replaced."""
    code_at = STORED_FIELDS.index("code")
    db.conn.executemany(_UPDATE, [row[:code_at] + row[code_at + 1:] + (row[code_at],) for row in rows])


def event_groups(db: sqlite_utils.Database, codes: list[str]) -> dict[tuple[str, int], tuple[int, int]]:
    """(code, first event id) -> (last event id, number of events) of the stored groups of these dossiers."""
    marks = ",".join("?" * len(codes))
    return {
        (code, first): (last, count)
        for code, first, last, count in db.execute(
            f"SELECT code, first_id, last_id, events FROM province_events WHERE code IN ({marks})", codes
        )
    }


def store_event_groups(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """(unit_id, workstation, code, first_id, last_id, events, records JSON) rows; a group already
    stored is replaced only by a longer one (an export that was cut short, then made again)."""
    db.conn.executemany(
        "INSERT INTO province_events (unit_id, workstation, code, first_id, last_id, events, records)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, first_id) DO UPDATE SET last_id = excluded.last_id,"
        " events = excluded.events, records = excluded.records WHERE excluded.last_id > province_events.last_id",
        rows,
    )


def add_conflicts(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """(file_id, code, reason, record, found_at) rows."""
    db.conn.executemany(
        "INSERT INTO province_conflicts (file_id, code, reason, record, found_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        rows,
    )


def missing_sequences(db: sqlite_utils.Database) -> list[tuple[str, int, int, int]]:
    """(unit code, workstation, first, last) of every run of export numbers never received,
    found from the numbers received without listing the missing ones one by one."""
    return db.execute(
        "SELECT u.code, s.workstation, s.previous + 1, s.sequence - 1 FROM ("
        " SELECT unit_id, workstation, sequence,"
        " lag(sequence, 1, 0) OVER (PARTITION BY unit_id, workstation ORDER BY sequence) AS previous"
        " FROM (SELECT DISTINCT unit_id, workstation, sequence FROM province_files)) s"
        " JOIN province_units u ON u.id = s.unit_id WHERE s.sequence > s.previous + 1"
        " ORDER BY u.code, s.workstation, s.sequence"
    ).fetchall()


def units(db: sqlite_utils.Database) -> dict[int, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in db.execute("SELECT id, code, name FROM province_units ORDER BY code")}


def dossier(db: sqlite_utils.Database, code: str) -> tuple | None:
    """(row id, unit code, source workstation, version, record JSON) of one stored dossier."""
    return db.execute(
        "SELECT d.id, u.code, d.source_workstation, d.version, d.record FROM province_dossiers d"
        " JOIN province_units u ON u.id = d.unit_id WHERE d.code = ?",
        [code],
    ).fetchone()


def events_of(db: sqlite_utils.Database, code: str) -> list[str]:
    """The stored event groups (JSON arrays) of one dossier, oldest first."""
    return [row[0] for row in db.execute(
        "SELECT records FROM province_events WHERE code = ? ORDER BY first_id", [code]
    )]


def late_rows(db: sqlite_utils.Database, start: str, end: str, paused: str) -> list[dict]:
    """Resolved late within [start, end), and still open past due at `end` (clock not stopped:
    not in status `paused`), each with its apology and whether it came late; `record` is the dossier
    as received (JSON)."""
    columns = ("unit", "unit_name", "code", "procedure_code", "received_at", "due_at", "result_at", "apology_at",
               "apology_late", "record")
    select = (
        "SELECT u.code, u.name, d.code, d.procedure_code, d.received_at, d.due_at, d.result_at, d.apology_at,"
        " d.apology_late, d.record"
        " FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id"
    )
    # A dossier asked for a supplement after its due date stays late (counter/dossier.py): listed
    # in the month of its result, or while it is open.
    rows = db.execute(
        select + " WHERE d.result_at >= :start AND d.result_at < :end"
        " AND (d.result_at > d.due_at OR d.late_at_supplement = 1)"
        " UNION ALL " + select + " WHERE d.result_at IS NULL AND d.received_at < :end"
        " AND ((d.due_at < :end AND d.status <> :paused) OR d.late_at_supplement = 1)"
        " UNION ALL " + select + " WHERE d.result_at >= :end AND d.received_at < :end"
        " AND (d.due_at < :end OR d.late_at_supplement = 1)"
        " ORDER BY 1, 3",
        {"start": start, "end": end, "paused": paused},
    )
    return [dict(zip(columns, row, strict=False)) for row in rows]


# --- format 2: every station's own events, merged by replay (issue 12) ----------------------------

UNIT_EVENT_COLUMNS = ("unit_id", "origin", "seq", "lamport", "code", "event_id", "at", "kind", "officer", "detail",
                      "receipt_origin", "receipt_seq", "file_id")


def add_unit_events(db: sqlite_utils.Database, rows: list[tuple]) -> int:
    """Rows in UNIT_EVENT_COLUMNS order; an event held already (same unit, origin and seq) stays. Returns how
    many were new."""
    before = db.conn.total_changes
    db.conn.executemany(
        f"INSERT INTO province_unit_events ({', '.join(UNIT_EVENT_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(UNIT_EVENT_COLUMNS))}) ON CONFLICT DO NOTHING", rows)
    return db.conn.total_changes - before


def held_events(db: sqlite_utils.Database, unit: int, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple]:
    """(origin, seq) -> (lamport, code, at, kind, officer, detail, receipt origin, receipt seq) of those held."""
    found = {}
    for start in range(0, len(keys), 300):
        chunk = keys[start:start + 300]
        where = " OR ".join("(origin = ? AND seq = ?)" for _ in chunk)
        for origin, seq, *values in db.execute(
                "SELECT origin, seq, lamport, code, at, kind, officer, detail, receipt_origin, receipt_seq"
                f" FROM province_unit_events WHERE unit_id = ? AND ({where})",
                [unit, *(v for key in chunk for v in key)]):
            found[(origin, seq)] = tuple(values)
    return found


def add_ranges(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """(unit_id, origin, after, through, file_id): the part of a station's log a file covered."""
    db.conn.executemany("INSERT INTO province_unit_ranges (unit_id, origin, after, through, file_id)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)


def ranges(db: sqlite_utils.Database, unit: int) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for origin, after, through in db.execute(
            "SELECT origin, after, through FROM province_unit_ranges WHERE unit_id = ? ORDER BY origin, after, through",
            [unit]):
        found.setdefault(origin, []).append((after, through))
    return found


def unit_events_of(db: sqlite_utils.Database, unit: int, codes: list[str]) -> dict[str, list[tuple]]:
    """code -> [(origin, seq, lamport, event_id, at, kind, officer, detail JSON, receipt origin, receipt seq)]."""
    found: dict[str, list[tuple]] = {code: [] for code in codes}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for code, *values in db.execute(
                "SELECT code, origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq"
                f" FROM province_unit_events WHERE unit_id = ? AND code IN ({marks})", [unit, *chunk]):
            found[code].append(tuple(values))
    return found


def unit_event_codes(db: sqlite_utils.Database, unit: int) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT DISTINCT code FROM province_unit_events WHERE unit_id = ? ORDER BY code", [unit])]


def has_unit_events(db: sqlite_utils.Database, code: str) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM province_unit_events WHERE code = ?)", [code]).fetchone()[0] == 1


def unit_events_of_code(db: sqlite_utils.Database, code: str) -> list[tuple]:
    """(origin, seq, lamport, event_id, at, kind, officer, detail JSON, receipt origin, receipt seq) of one code,
    of whichever unit holds it."""
    return db.execute(
        "SELECT origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq"
        " FROM province_unit_events WHERE code = ? ORDER BY at, lamport, origin, seq", [code]).fetchall()


def stored_records(db: sqlite_utils.Database, codes: list[str]) -> dict[str, tuple]:
    """code -> (unit id, version, record sha256, record JSON) of stored dossiers."""
    found = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for code, *values in db.execute(
                f"SELECT code, unit_id, version, record_sha256, record FROM province_dossiers WHERE code IN ({marks})",
                chunk):
            found[code] = tuple(values)
    return found


def upsert_dossiers(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """Rows in STORED_FIELDS order, replacing the stored row of the same code."""
    updates = ", ".join(f"{name} = excluded.{name}" for name in STORED_FIELDS if name != "code")
    db.conn.executemany(_INSERT + f" ON CONFLICT (code) DO UPDATE SET {updates}", rows)
