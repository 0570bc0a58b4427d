"""The province's storage, whatever the engine: what counter/province/ asks of it.

Two engines keep the province's copy of every unit's dossiers: the embedded
SQLite file (db/province.py, the default: `--db FILE.sqlite3`) and a
PostgreSQL server for a province with many analysts (db/province_pg.py:
`--db postgresql://USER@HOST/DB`). Both take the same rows and answer the
same questions with the same values, so counter/province/ never knows which
one it talks to, and a test holds the two to identical reports.

Times go in and come out as ISO 8601 text (`YYYY-MM-DDTHH:MM:SS`), as the
export files carry them.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from db.files import Readable

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
# A dossier row as `insert_dossiers` and `replace_dossiers` take it.
STORED_FIELDS = SOURCE_FIELDS + QUERIED_FIELDS + tuple(name for name, _ in ADDED_FIELDS) + ("record",)
FILE_FIELDS = ("sha256", "unit_id", "workstation", "sequence", "name", "created_at", "software", "dossiers",
               "events", "files", "imported_at")
# A row of a unit's events (format 2), each kept once by (unit_id, origin, seq).
UNIT_EVENT_COLUMNS = ("unit_id", "origin", "seq", "lamport", "code", "event_id", "at", "kind", "officer", "detail",
                      "receipt_origin", "receipt_seq", "file_id")
# A stored file's audit anchors (counter/province/trust.py).
ANCHOR_FIELDS = ("file_id", "unit_id", "workstation", "sequence", "events_after", "events_through",
                 "audit_after_id", "audit_after_hash", "audit_head_id", "audit_head_hash", "signer")
# An enrolled workstation key.
ENROLLED_FIELDS = ("id", "unit_code", "workstation", "public_key", "fingerprint", "enrolled_at", "enrolled_by",
                   "rotated_from", "replaced_from_sequence", "revoked_at", "revoked_by", "revoked_reason")
LATE_COLUMNS = ("unit", "unit_name", "code", "procedure_code", "received_at", "due_at", "result_at", "apology_at",
                "apology_late", "record")


class ProvinceStore(Protocol):
    """One province database. Writes happen only inside `importing()`; reads that must agree
    with each other (a report's several aggregates) inside `reading()`."""

    engine: str  # "sqlite" or "postgresql"

    def importing(self, units: list[str]) -> AbstractContextManager[None]:
        """One write transaction for a whole import command: everything or nothing. The files'
        `units` (codes) are named up front, so that an engine with several writers at once
        can keep two imports of the same unit from running side by side."""

    def reading(self) -> AbstractContextManager[None]:
        """One consistent snapshot: an import that commits meanwhile is seen whole or not at all."""

    def known_files(self, seals: list[str]) -> set[str]: ...

    def unit_id(self, code: str, name: str, now: str) -> int:
        """The unit's id, creating it; its name follows the latest file."""

    def add_file(self, values: dict) -> int:
        """A file record (FILE_FIELDS); its id."""

    def other_files(self, unit: int, file_id: int) -> bool:
        """Whether the unit has a stored file besides `file_id`."""

    def stored(self, codes: list[str]) -> dict[str, tuple]:
        """code -> (unit code, source workstation, version, record sha256, received_at, ledger year,
        ledger number) of the stored dossiers among `codes`."""

    def insert_dossiers(self, rows: list[tuple]) -> None:
        """New dossiers, in STORED_FIELDS order."""

    def replace_dossiers(self, rows: list[tuple]) -> None:
        """Newer states of stored dossiers, in STORED_FIELDS order: the whole stored state is replaced.
        A newer state always has the stored receipt time (another one is a conflict)."""

    def event_groups(self, codes: list[str]) -> dict[tuple[str, int], tuple[int, int]]:
        """(code, first event id) -> (last event id, number of events) of the stored groups."""

    def add_event_groups(self, rows: list[tuple]) -> None:
        """New groups of a dossier's events: (unit_id, workstation, code, first_id, last_id, events,
        records JSON) rows."""

    def extend_event_groups(self, rows: list[tuple]) -> None:
        """Stored groups made longer (an export that was cut short, then made again): rows as
        `add_event_groups` takes them, each replacing the group of its code and first id."""

    def add_conflicts(self, rows: list[tuple]) -> None:
        """(file_id, code, reason, record, found_at) rows."""

    def add_scan(self, stream: Readable, sha256: str, now: str) -> int:
        """Store a scanned file sent with an export, undone if the import fails; its size in bytes.
        Content whose SHA-256 is not `sha256` raises ValueError."""

    def log(self, at: str, officer: str, action: str, target: str, detail: dict) -> None:
        """One row of the province's audit trail, in the import's transaction."""

    def missing_sequences(self) -> list[tuple[str, int, int, int]]:
        """(unit code, workstation, first, last) of every run of export numbers never received."""

    def units(self) -> dict[int, tuple[str, str]]:
        """id -> (code, name) of every unit that ever sent a file, by code."""

    def counts(self, start: str, end: str, paused: str, ended: tuple[str, str]) -> dict[int, dict]:
        """unit id -> every count of db/indicators.py (NAMES) over [start, end), the open ones at
        `end` (`paused`: the status whose clock is stopped; `ended`: the statuses, rejected and
        stopped, that end a dossier without a result proper)."""

    def late_rows(self, start: str, end: str, paused: str) -> list[dict]:
        """LATE_COLUMNS of dossiers resolved late within [start, end), and still open past due at
        `end` (clock not stopped: not in status `paused`), and of those asked for a supplement after
        their due date, by unit code then dossier code."""

    def dossier(self, code: str) -> tuple | None:
        """(row id, unit code, source workstation, version, record JSON) of one stored dossier."""

    def events_of(self, code: str) -> list[str]:
        """The stored event groups (JSON arrays) of one dossier, oldest first."""

    def writing(self) -> AbstractContextManager[None]:
        """One write transaction for a change other than an import (enrolment, keys, packages)."""

    # Format 2 (issue 12): every station's own events, folded into one dossier (counter/province/merging.py).

    def add_unit_events(self, rows: list[tuple]) -> int:
        """Rows in UNIT_EVENT_COLUMNS order; an event held already (same unit, origin and seq) stays.
        Returns how many were new."""

    def held_in(self, unit: int, spans: dict[str, tuple[int, int]]) -> dict[tuple[str, int], tuple]:
        """(origin, seq) -> (lamport, code, at, kind, officer, detail, receipt origin, receipt seq) of the events
        held in the ranges (`spans`: origin -> (after, through]) of a file's origins."""

    def add_ranges(self, rows: list[tuple]) -> None:
        """(unit_id, origin, after, through, file_id): the part of a station's log a file covered."""

    def ranges(self, unit: int) -> dict[str, list[tuple[int, int]]]:
        """origin -> [(after, through)] of every range received, in order."""

    def unit_events_of(self, unit: int, codes: list[str]) -> dict[str, list[tuple]]:
        """code -> [(origin, seq, lamport, event_id, at, kind, officer, detail JSON, receipt origin, receipt seq)],
        by origin and seq."""

    def unit_event_codes(self, unit: int) -> list[str]: ...

    def unit_events_of_code(self, code: str) -> list[tuple]:
        """As `unit_events_of`, of one code whichever unit holds it, by time, Lamport time, origin and seq."""

    def stored_records(self, codes: list[str]) -> dict[str, tuple]:
        """code -> (unit id, version, record sha256, record JSON) of stored dossiers."""

    def upsert_dossiers(self, rows: list[tuple]) -> None:
        """Rows in STORED_FIELDS order, each replacing the stored dossier of its code (its receipt
        time may differ) or added."""

    # Trust (issue 13): enrolled keys (ENROLLED_FIELDS dicts), the province's keys, packages, anchors.

    def enrolled(self, fingerprint: str) -> dict | None: ...

    def enrolled_for(self, unit_code: str, workstation: int) -> list[dict]: ...

    def all_enrolled(self) -> list[dict]:
        """By unit code, workstation, id."""

    def enrol(self, unit_code: str, workstation: int, public_key: str, fingerprint: str, at: str, by: str,
              rotated_from: int | None = None) -> int: ...

    def set_replaced(self, key_id: int, from_sequence: int) -> None: ...

    def successor(self, key_id: int) -> dict | None: ...

    def revoke(self, key_id: int, at: str, by: str, reason: str) -> None: ...

    def own_key(self, kind: str) -> dict | None:
        """{"kind", "private_key", "public_key", "fingerprint", "created_at"} of "signing" or "encryption"."""

    def add_own_key(self, kind: str, private_key: bytes, public_key: str, fingerprint: str, at: str) -> None: ...

    def next_package_sequence(self) -> int: ...

    def add_package(self, values: dict) -> None: ...

    def add_anchor(self, values: dict) -> None:
        """ANCHOR_FIELDS of one stored file."""

    def anchors_near(self, unit_id: int, workstation: int, sequence: int) -> dict[str, list[dict]]:
        """The stored anchors of a workstation: "before" (the highest sequence below), "same" and
        "after" (the lowest sequence above), each a list by file id."""

    def same_export(self, unit_code: str, workstation: int, sequence: int) -> list[dict]: ...

    def sources_of(self, seals: list[str]) -> set[tuple[str, int]]:
        """(unit code, workstation) of the stored files with these seals."""

    def received(self, unit_code: str, workstation: int) -> list[int]:
        """The export sequences stored from one workstation, ascending, each once."""

    def close(self) -> None: ...


def batches(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
