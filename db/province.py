"""The province's copy of every unit's dossiers in the SQLite file (the embedded engine).

A dossier is one row keyed by its code, with the unit and workstation it came
from and its version (the id of its latest event in the unit's database), so
a newer state replaces an older one and never the reverse. Events are kept as
received, one row per dossier and file (keyed by the dossier and its first
event id in the file), so importing them twice adds nothing. The tables are
step 2 of db/migrations.py; db/province_store.py is the interface this class
implements, db/province_pg.py the same on PostgreSQL.

Format 2 files (issue 12) bring every station's own events, kept once each
by (unit, origin, seq) in `province_unit_events` (step 6), with the part of
each station's log every file covered; the trust tables (step 7: enrolled
keys, the province's own keys, packages, chain anchors) are db/keys.py's and
db/chain.py's, reached through this class too.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from db import audit as audit_table
from db import chain as chain_table
from db import files as file_table
from db import indicators as indicator_queries
from db import keys as key_table
from db.connection import write
from db.files import FileStore, Readable
from db.province_store import FILE_FIELDS, LATE_COLUMNS, STORED_FIELDS, UNIT_EVENT_COLUMNS, batches

# The record and an event's detail may come as the UTF-8 bytes of their JSON (the parser's lines): stored as text.
_TEXTS = ("record", "detail")


def _value(name: str) -> str:
    return "CAST(? AS TEXT)" if name in _TEXTS else "?"


_INSERT = (
    f"INSERT INTO province_dossiers ({', '.join(STORED_FIELDS)}) VALUES ({', '.join(map(_value, STORED_FIELDS))})"
)
_UPDATE = (
    "UPDATE province_dossiers SET " + ", ".join(f"{name} = {_value(name)}" for name in STORED_FIELDS if name != "code")
    + " WHERE code = ?"
)
PAGE_SIZE = 16384


class SqliteProvince:
    """The province tables of one SQLite database; scans go to its file store."""

    engine = "sqlite"

    def __init__(self, db: sqlite_utils.Database, files: FileStore):
        self.db, self.files = db, files
        self._made: list[Path] = []  # scans copied by the import in progress, newest first

    @contextmanager
    def importing(self, units: list[str]) -> Iterator[None]:
        """SQLite has one writer at a time: the write transaction is all the locking needed.
        Scans copied into the file store are removed again if the import fails."""
        self._made = []
        try:
            with bulk_import(self.db), write(self.db):
                yield
        except BaseException:
            file_table.remove(self._made)
            raise
        finally:
            self._made = []

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A read transaction: in WAL mode it sees one snapshot from its first read to its end."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.conn.execute("COMMIT")

    def known_files(self, seals: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in batches(seals):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.db.execute(
                f"SELECT sha256 FROM province_files WHERE sha256 IN ({marks})", chunk))
        return found

    def unit_id(self, code: str, name: str, now: str) -> int:
        self.db.execute(
            "INSERT INTO province_units (code, name, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
            [code, name, now],
        )
        return self.db.execute("SELECT id FROM province_units WHERE code = ?", [code]).fetchone()[0]

    def add_file(self, values: dict) -> int:
        return self.db.execute(  # type: ignore[return-value]  # an INSERT always gives a rowid
            f"INSERT INTO province_files ({', '.join(FILE_FIELDS)}) VALUES ({', '.join(':' + f for f in FILE_FIELDS)})",
            values,
        ).lastrowid

    def other_files(self, unit: int, file_id: int) -> bool:
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM province_files WHERE unit_id = ? AND id <> ?)",
                               [unit, file_id]).fetchone()[0] == 1

    def stored(self, codes: list[str]) -> dict[str, tuple]:
        marks = ",".join("?" * len(codes))
        return {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT d.code, u.code, d.source_workstation, d.version, d.record_sha256, d.received_at, d.ledger_year,"
                " d.ledger_number FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id"
                f" WHERE d.code IN ({marks})",
                codes,
            )
        }

    def insert_dossiers(self, rows: list[tuple]) -> None:
        self.db.conn.executemany(_INSERT, rows)

    def replace_dossiers(self, rows: list[tuple]) -> None:
        code_at = STORED_FIELDS.index("code")
        self.db.conn.executemany(_UPDATE, [row[:code_at] + row[code_at + 1:] + (row[code_at],) for row in rows])

    def event_groups(self, codes: list[str]) -> dict[tuple[str, int], tuple[int, int]]:
        marks = ",".join("?" * len(codes))
        return {
            (code, first): (last, count)
            for code, first, last, count in self.db.execute(
                f"SELECT code, first_id, last_id, events FROM province_events WHERE code IN ({marks})", codes
            )
        }

    def add_event_groups(self, rows: list[tuple]) -> None:
        self.db.conn.executemany(
            "INSERT INTO province_events (unit_id, workstation, code, first_id, last_id, events, records)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def extend_event_groups(self, rows: list[tuple]) -> None:
        self.db.conn.executemany(
            "UPDATE province_events SET last_id = ?, events = ?, records = ? WHERE code = ? AND first_id = ?",
            [(last, count, records, code, first) for _, _, code, first, last, count, records in rows],
        )

    def add_conflicts(self, rows: list[tuple]) -> None:
        self.db.conn.executemany(
            "INSERT INTO province_conflicts (file_id, code, reason, record, found_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            rows,
        )

    def add_scan(self, stream: Readable, sha256: str, now: str) -> int:
        """Into the file store beside the database, recorded in its `files` table."""
        stored, size, made = self.files.add_stream(stream, expected=sha256)
        self._made[:0] = made
        file_table.record(self.db, stored, size, sha256, now)
        return size

    def log(self, at: str, officer: str, action: str, target: str, detail: dict) -> None:
        audit_table.append(self.db, at, officer, action, target, detail)

    def missing_sequences(self) -> list[tuple[str, int, int, int]]:
        """Found from the numbers received without listing the missing ones one by one."""
        return self.db.execute(
            "SELECT u.code, s.workstation, s.previous + 1, s.sequence - 1 FROM ("
            " SELECT unit_id, workstation, sequence,"
            " lag(sequence, 1, 0) OVER (PARTITION BY unit_id, workstation ORDER BY sequence) AS previous"
            " FROM (SELECT DISTINCT unit_id, workstation, sequence FROM province_files)) s"
            " JOIN province_units u ON u.id = s.unit_id WHERE s.sequence > s.previous + 1"
            " ORDER BY u.code, s.workstation, s.sequence"
        ).fetchall()

    def units(self) -> dict[int, tuple[str, str]]:
        return {row[0]: (row[1], row[2])
                for row in self.db.execute("SELECT id, code, name FROM province_units ORDER BY code")}

    def counts(self, start: str, end: str, paused: str, ended: tuple[str, str]) -> dict[int, dict]:
        return indicator_queries.counts(self.db, start, end, paused, ended, indicator_queries.PROVINCE)

    def late_rows(self, start: str, end: str, paused: str) -> list[dict]:
        select = (
            "SELECT u.code, u.name, d.code, d.procedure_code, d.received_at, d.due_at, d.result_at, d.apology_at,"
            " d.apology_late, d.record"
            " FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id"
        )
        # A dossier asked for a supplement after its due date stays late (counter/dossier.py): listed
        # in the month of its result, or while it is open.
        rows = self.db.execute(
            select + " WHERE d.result_at >= :start AND d.result_at < :end"
            " AND (d.result_at > d.due_at OR d.late_at_supplement = 1)"
            " UNION ALL " + select + " WHERE d.result_at IS NULL AND d.received_at < :end"
            " AND ((d.due_at < :end AND d.status <> :paused) OR d.late_at_supplement = 1)"
            " UNION ALL " + select + " WHERE d.result_at >= :end AND d.received_at < :end"
            " AND (d.due_at < :end OR d.late_at_supplement = 1)"
            " ORDER BY 1, 3",
            {"start": start, "end": end, "paused": paused},
        )
        return [dict(zip(LATE_COLUMNS, row, strict=True), apology_late=bool(row[8])) for row in rows]

    def dossier(self, code: str) -> tuple | None:
        return self.db.execute(
            "SELECT d.id, u.code, d.source_workstation, d.version, d.record FROM province_dossiers d"
            " JOIN province_units u ON u.id = d.unit_id WHERE d.code = ?",
            [code],
        ).fetchone()

    def events_of(self, code: str) -> list[str]:
        return [row[0] for row in self.db.execute(
            "SELECT records FROM province_events WHERE code = ? ORDER BY first_id", [code]
        )]

    @contextmanager
    def writing(self) -> Iterator[None]:
        with write(self.db):
            yield

    # --- format 2: every station's own events, merged by replay (issue 12) ------------------------

    def add_unit_events(self, rows: list[tuple]) -> int:
        before = self.db.conn.total_changes
        self.db.conn.executemany(
            f"INSERT INTO province_unit_events ({', '.join(UNIT_EVENT_COLUMNS)})"
            f" VALUES ({', '.join(map(_value, UNIT_EVENT_COLUMNS))}) ON CONFLICT DO NOTHING", rows)
        return self.db.conn.total_changes - before

    def held_in(self, unit: int, spans: dict[str, tuple[int, int]]) -> dict[tuple[str, int], tuple]:
        found = {}
        for origin, (after, through) in spans.items():
            for seq, *values in self.db.execute(
                    "SELECT seq, lamport, code, at, kind, officer, detail, receipt_origin, receipt_seq"
                    " FROM province_unit_events WHERE unit_id = ? AND origin = ? AND seq > ? AND seq <= ?",
                    [unit, origin, after, through]):
                found[(origin, seq)] = tuple(values)
        return found

    def add_ranges(self, rows: list[tuple]) -> None:
        self.db.conn.executemany("INSERT INTO province_unit_ranges (unit_id, origin, after, through, file_id)"
                                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)

    def ranges(self, unit: int) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for origin, after, through in self.db.execute(
                "SELECT origin, after, through FROM province_unit_ranges WHERE unit_id = ?"
                " ORDER BY origin, after, through", [unit]):
            found.setdefault(origin, []).append((after, through))
        return found

    def unit_events_of(self, unit: int, codes: list[str]) -> dict[str, list[tuple]]:
        found: dict[str, list[tuple]] = {code: [] for code in codes}
        for chunk in batches(codes):
            marks = ",".join("?" * len(chunk))
            for code, *values in self.db.execute(
                    "SELECT code, origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin,"
                    " receipt_seq FROM province_unit_events"
                    f" WHERE unit_id = ? AND code IN ({marks}) ORDER BY code, origin, seq",
                    [unit, *chunk]):
                found[code].append(tuple(values))
        return found

    def unit_event_codes(self, unit: int) -> list[str]:
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT code FROM province_unit_events WHERE unit_id = ? ORDER BY code", [unit])]

    def unit_events_of_code(self, code: str) -> list[tuple]:
        # The index leads with the unit: one seek per unit, not a walk of every unit's events.
        return self.db.execute(
            "SELECT origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq"
            " FROM province_unit_events INDEXED BY province_unit_events_code"
            " WHERE unit_id IN (SELECT id FROM province_units) AND code = ? ORDER BY at, lamport, origin, seq",
            [code]).fetchall()

    def stored_records(self, codes: list[str]) -> dict[str, tuple]:
        found = {}
        for chunk in batches(codes):
            marks = ",".join("?" * len(chunk))
            for code, *values in self.db.execute(
                    "SELECT code, unit_id, version, record_sha256, record FROM province_dossiers"
                    f" WHERE code IN ({marks})", chunk):
                found[code] = tuple(values)
        return found

    def upsert_dossiers(self, rows: list[tuple]) -> None:
        updates = ", ".join(f"{name} = excluded.{name}" for name in STORED_FIELDS if name != "code")
        self.db.conn.executemany(_INSERT + f" ON CONFLICT (code) DO UPDATE SET {updates}", rows)

    # --- trust (issue 13): enrolled keys, the province's own keys, packages, chain anchors --------

    def enrolled(self, fingerprint: str) -> dict | None:
        return key_table.enrolled(self.db, fingerprint)

    def enrolled_for(self, unit_code: str, workstation: int) -> list[dict]:
        return key_table.enrolled_for(self.db, unit_code, workstation)

    def all_enrolled(self) -> list[dict]:
        return key_table.all_enrolled(self.db)

    def enrol(self, unit_code: str, workstation: int, public_key: str, fingerprint: str, at: str, by: str,
              rotated_from: int | None = None) -> int:
        return key_table.enrol(self.db, unit_code, workstation, public_key, fingerprint, at, by, rotated_from)

    def set_replaced(self, key_id: int, from_sequence: int) -> None:
        key_table.set_replaced(self.db, key_id, from_sequence)

    def successor(self, key_id: int) -> dict | None:
        return key_table.successor(self.db, key_id)

    def revoke(self, key_id: int, at: str, by: str, reason: str) -> None:
        key_table.revoke(self.db, key_id, at, by, reason)

    def own_key(self, kind: str) -> dict | None:
        return key_table.own_key(self.db, kind)

    def add_own_key(self, kind: str, private_key: bytes, public_key: str, fingerprint: str, at: str) -> None:
        key_table.add_own_key(self.db, kind, private_key, public_key, fingerprint, at)

    def next_package_sequence(self) -> int:
        return key_table.next_package_sequence(self.db)

    def add_package(self, values: dict) -> None:
        key_table.add_package(self.db, values)

    def add_anchor(self, values: dict) -> None:
        chain_table.add_anchor(self.db, values)

    def anchors_near(self, unit_id: int, workstation: int, sequence: int) -> dict[str, list[dict]]:
        return chain_table.anchors_near(self.db, unit_id, workstation, sequence)

    def same_export(self, unit_code: str, workstation: int, sequence: int) -> list[dict]:
        return chain_table.same_export(self.db, unit_code, workstation, sequence)

    def sources_of(self, seals: list[str]) -> set[tuple[str, int]]:
        return chain_table.sources_of(self.db, seals)

    def received(self, unit_code: str, workstation: int) -> list[int]:
        return chain_table.received(self.db, unit_code, workstation)

    def close(self) -> None:
        """The database belongs to the session, which closes it."""


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
