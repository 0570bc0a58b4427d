"""The province's copy of every unit's dossiers on a PostgreSQL server (psycopg 3).

The same rows and answers as the SQLite file (db/province.py, through
db/province_store.py), for a province with millions of dossiers a year and
several analysts at once:
- an import is one transaction: another connection sees all of it or none
  (MVCC), and a failure stores nothing;
- two imports at once take an advisory lock per unit (in the order of the
  unit codes, so they never deadlock): files of one unit are stored by one
  import at a time, and each checks again, under the lock, which files are
  stored already, so a file sent twice at once is stored once;
- new dossiers are loaded with COPY into the records (one row per code)
  and the monthly partitions of the queried fields (db/province_pg_schema.py),
  made as rows need them;
- a report reads one REPEATABLE READ snapshot, and its aggregates the same
  definitions as SQLite's (db/indicators.py), written for PostgreSQL by
  `pg_aggregate`.
"""

import hashlib
import json
import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg import conninfo

from db import audit as audit_table
from db import indicators as indicator_queries
from db import province_pg_schema as schema
from db.connection import DatabaseError, WriteFailed
from db.files import Readable
from db.province_store import (
    ADDED_FIELDS,
    ANCHOR_FIELDS,
    ENROLLED_FIELDS,
    FILE_FIELDS,
    LATE_COLUMNS,
    STORED_FIELDS,
    UNIT_EVENT_COLUMNS,
)

_CHUNK = 1 << 20

_RECORD_FIELDS = ("code", "received_at", "unit_id", "source_workstation", "file_id", "version", "record_sha256",
               "ledger_year", "ledger_number", "record")
_DOSSIER_FIELDS = ("code", "received_at", "unit_id", "procedure_code", "channel", "return_channel", "status",
                   "due_at", "result_at", "returned_at", "apology_at", "rating", "digitized", "result_digitized",
                   "reused", *(name for name, _ in ADDED_FIELDS))
_RECORD_OF = operator.itemgetter(*(STORED_FIELDS.index(name) for name in _RECORD_FIELDS))
_DOSSIER_OF = operator.itemgetter(*(STORED_FIELDS.index(name) for name in _DOSSIER_FIELDS))
_RECEIVED = STORED_FIELDS.index("received_at")
_DETAIL = UNIT_EVENT_COLUMNS.index("detail")
_COPY_RECORDS = f"COPY province_dossier_records ({', '.join(_RECORD_FIELDS)}) FROM STDIN"
_COPY_DOSSIERS = f"COPY province_dossiers ({', '.join(_DOSSIER_FIELDS)}) FROM STDIN"
_UPDATE_RECORDS = ("UPDATE province_dossier_records SET " + ", ".join(f"{name} = %s" for name in _RECORD_FIELDS[2:])
                + " WHERE code = %s")
_UPDATE_DOSSIERS = ("UPDATE province_dossiers SET " + ", ".join(f"{name} = %s" for name in _DOSSIER_FIELDS[2:])
                    + " WHERE code = %s AND received_at = %s")
# The types of UNIT_EVENT_COLUMNS, for the arrays a batch of them is sent as.
_UNIT_EVENT_TYPES = ("integer", "text", "bigint", "bigint", "text", "bigint", "text", "text", "text", "text", "text",
                     "bigint", "integer")
_EVENT_FIELDS = ("unit_id", "workstation", "code", "first_id", "last_id", "events", "records")


def _text(value: str | bytes) -> str:
    """A record or an event's detail, which may come as the UTF-8 bytes of its JSON (the parser's lines)."""
    return value if isinstance(value, str) else value.decode()


def _record_of(row: tuple) -> tuple:
    keys = _RECORD_OF(row)
    return keys[:-1] + (_text(keys[-1]),)


def shown(url: str) -> str:
    """The address without its password, to show in a message."""
    try:
        parts = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(địa chỉ không đọc được)"
    where = parts.get("host") or "localhost"
    return f"{parts.get('user', '')}@{where}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def connect(url: str) -> "PgProvince":
    """The province database at `url`, its schema brought up to date when the user may."""
    try:
        conn = psycopg.connect(url, autocommit=True, application_name="motcua", connect_timeout=10)
    except psycopg.Error as exc:
        raise DatabaseError(f"Không kết nối được cơ sở dữ liệu PostgreSQL {shown(url)}: {_first_line(exc)}") from None
    try:
        current = schema.version(conn)
        if current > schema.LATEST:
            raise DatabaseError(
                f"Cơ sở dữ liệu {shown(url)} được tạo bởi phiên bản motcua mới hơn (lược đồ {current}, phiên bản"
                f" này chỉ đọc được đến {schema.LATEST}). Hãy cập nhật motcua."
            )
        if current < schema.LATEST:
            schema.upgrade(conn)
    except psycopg.errors.InsufficientPrivilege:
        conn.close()
        raise DatabaseError(
            f"Cơ sở dữ liệu {shown(url)} chưa có hoặc chưa nâng cấp các bảng của motcua, và người dùng này không có"
            " quyền tạo bảng: hãy chạy lệnh «province import» đầu tiên bằng người dùng sở hữu cơ sở dữ liệu."
        ) from None
    except BaseException:
        conn.close()
        raise
    return PgProvince(conn)


def pg_aggregate(expression: str) -> str:
    """One aggregate of db/indicators.py as PostgreSQL says it: SQLite sums a condition (true is
    1), PostgreSQL counts the rows that meet it; SQLite's flags are 0 and 1, booleans here; a
    time's date is its first ten characters in SQLite's ISO text, a cast of a timestamp here;
    `:name` parameters are psycopg's. Anything else SQLite-only is refused, so a new definition
    there cannot silently mean something else here."""
    found = _SUM.fullmatch(expression)
    text = f"count(*) FILTER (WHERE {found[1]})" if found else expression
    text = _DAY.sub(r"\1::date", text)
    text = _FLAG.sub(lambda match: f"{match[1]} = {'true' if match[2] == '1' else 'false'}", text)
    text = _PARAMETER.sub(r"%(\1)s", text)
    if set(_FUNCTION.findall(text)) - {"count", "coalesce"}:
        raise ValueError(f"no PostgreSQL form for the aggregate {expression!r}")
    return text


_SUM = re.compile(r"sum\((.*)\)", re.S)
_DAY = re.compile(r"substr\(([a-z_]+), 1, 10\)")
_FLAGS = ("digitized", "result_digitized", "reused", "lci", "returning_applicant", "data_reused",
          "late_at_supplement", "apology_late")
_FLAG = re.compile(rf"\b({'|'.join(_FLAGS)}) = ([01])\b")
_PARAMETER = re.compile(r"(?<!:):([a-z_]+)")
_FUNCTION = re.compile(r"([A-Za-z_]+)\(")


def _aggregate_query(columns: dict[str, str], column: str) -> str:
    return (f"SELECT unit_id, {', '.join(pg_aggregate(text) for text in columns.values())} FROM province_dossiers"
            f" WHERE {column} >= %(start)s AND {column} < %(end)s GROUP BY 1")


_AGGREGATES = [
    (tuple(indicator_queries.RECEIVED), _aggregate_query(indicator_queries.RECEIVED, "received_at")),
    (tuple(indicator_queries.RESOLVED), _aggregate_query(indicator_queries.RESOLVED, "result_at")),
    (tuple(indicator_queries.RETURNED), _aggregate_query(indicator_queries.RETURNED, "returned_at")),
    # db/indicators.py `_open`: still without a result at the moment, and resolved only after it.
    (indicator_queries.OPEN,
     "SELECT g, count(*), count(*) FILTER (WHERE (due_at < %(end)s AND status <> %(paused)s) OR late_at_supplement)"
     " FROM (SELECT unit_id AS g, due_at, status, late_at_supplement FROM province_dossiers"
     " WHERE result_at IS NULL AND received_at < %(end)s"
     " UNION ALL SELECT unit_id, due_at, status, late_at_supplement FROM province_dossiers"
     " WHERE result_at >= %(end)s AND received_at < %(end)s) s GROUP BY g"),
]
_LATE_SELECT = (
    "SELECT u.code, u.name, d.code, d.procedure_code, d.received_at, d.due_at, d.result_at, d.apology_at,"
    " d.apology_late, r.record FROM province_dossiers d JOIN province_units u ON u.id = d.unit_id"
    " JOIN province_dossier_records r ON r.code = d.code"
)
# db/province.py `late_rows`: a dossier asked for a supplement after its due date stays late.
_LATE = (
    _LATE_SELECT + " WHERE d.result_at >= %(start)s AND d.result_at < %(end)s"
    " AND (d.result_at > d.due_at OR d.late_at_supplement)"
    " UNION ALL " + _LATE_SELECT + " WHERE d.result_at IS NULL AND d.received_at < %(end)s"
    " AND ((d.due_at < %(end)s AND d.status <> %(paused)s) OR d.late_at_supplement)"
    " UNION ALL " + _LATE_SELECT + " WHERE d.result_at >= %(end)s AND d.received_at < %(end)s"
    " AND (d.due_at < %(end)s OR d.late_at_supplement)"
    " ORDER BY 1, 3"
)


class PgProvince:
    """One connection to the province's PostgreSQL database."""

    engine = "postgresql"

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self._months: set[str] = set()
        self._partition_lock = False

    @property
    def user(self) -> str:
        return _value(self.conn.execute("SELECT current_user"))

    def may(self, privilege: str) -> bool:
        """Whether the connected user holds `privilege` (SELECT, INSERT) on the province's tables."""
        tables = ["province_dossiers", "province_dossier_records", "province_files", "province_events"]
        return bool(_value(self.conn.execute(
            "SELECT bool_and(has_table_privilege(current_user, t, %s)) FROM unnest(%s::text[]) AS t",
            [privilege, tables])))

    @contextmanager
    def importing(self, units: list[str]) -> Iterator[None]:
        try:
            with self.conn.transaction():
                for code in sorted(set(units)):
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [schema.UNIT_LOCK_CLASS, code])
                self._months, self._partition_lock = schema.partitions(self.conn), False
                yield
        except psycopg.Error as exc:
            raise WriteFailed(f"Máy chủ PostgreSQL từ chối ghi ({_first_line(exc)}). Không lưu gì của lần nhập này;"
                              " chạy lại lệnh sau khi khắc phục không nhập trùng.") from exc

    @contextmanager
    def reading(self) -> Iterator[None]:
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield
            return
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    def known_files(self, seals: list[str]) -> set[str]:
        return {row[0] for row in self.conn.execute(
            "SELECT sha256 FROM province_files WHERE sha256 = ANY(%s)", [seals])}

    def unit_id(self, code: str, name: str, now: str) -> int:
        return _value(self.conn.execute(
            "INSERT INTO province_units (code, name, updated_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at RETURNING id",
            [code, name, _time(now)],
        ))

    def add_file(self, values: dict) -> int:
        row = dict(values, imported_at=_time(values["imported_at"]))
        return _value(self.conn.execute(
            f"INSERT INTO province_files ({', '.join(FILE_FIELDS)})"
            f" VALUES ({', '.join(f'%({name})s' for name in FILE_FIELDS)}) RETURNING id",
            row,
        ))

    def other_files(self, unit: int, file_id: int) -> bool:
        return bool(_value(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM province_files WHERE unit_id = %s AND id <> %s)", [unit, file_id])))

    def stored(self, codes: list[str]) -> dict[str, tuple]:
        return {
            row[0]: (row[1], row[2], row[3], row[4], _iso(row[5]), row[6], row[7])
            for row in self.conn.execute(
                "SELECT k.code, u.code, k.source_workstation, k.version, k.record_sha256, k.received_at, k.ledger_year,"
                " k.ledger_number FROM province_dossier_records k JOIN province_units u ON u.id = k.unit_id"
                " WHERE k.code = ANY(%s)",
                [codes],
            )
        }

    def insert_dossiers(self, rows: list[tuple]) -> None:
        """By COPY, into the partitions of their months of receipt (made first when missing)."""
        with self.conn.cursor() as cursor, cursor.copy(_COPY_RECORDS) as copy:
            for row in rows:
                copy.write_row(_record_of(row))
        self._copy_dossiers(rows)

    def _copy_dossiers(self, rows: list[tuple]) -> None:
        """The queried fields, into the partitions of their months of receipt (made first when missing)."""
        for month in sorted({row[_RECEIVED][:7] for row in rows} - self._months):
            self._add_partition(month)
        with self.conn.cursor() as cursor, cursor.copy(_COPY_DOSSIERS) as copy:
            for row in rows:
                copy.write_row(_DOSSIER_OF(row))

    def _add_partition(self, month: str) -> None:
        """Under a lock held to the end of the import: two imports needing the same new month
        make it once (the second finds it when the first commits)."""
        if not self._partition_lock:
            self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", schema.PARTITION_LOCK)
            self._months, self._partition_lock = schema.partitions(self.conn), True
        if month not in self._months:
            schema.add_partition(self.conn, month)
            self._months.add(month)

    def replace_dossiers(self, rows: list[tuple]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(_UPDATE_RECORDS, [keys[2:] + keys[:1] for keys in map(_record_of, rows)])
            cursor.executemany(_UPDATE_DOSSIERS, [fields[2:] + fields[:2] for fields in map(_DOSSIER_OF, rows)])

    def event_groups(self, codes: list[str]) -> dict[tuple[str, int], tuple[int, int]]:
        return {
            (code, first): (last, count)
            for code, first, last, count in self.conn.execute(
                "SELECT code, first_id, last_id, events FROM province_events WHERE code = ANY(%s)", [codes]
            )
        }

    def add_event_groups(self, rows: list[tuple]) -> None:
        copying = f"COPY province_events ({', '.join(_EVENT_FIELDS)}) FROM STDIN"
        with self.conn.cursor() as cursor, cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row(row)

    def extend_event_groups(self, rows: list[tuple]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE province_events SET last_id = %s, events = %s, records = %s WHERE code = %s AND first_id = %s",
                [(last, count, records, code, first) for _, _, code, first, last, count, records in rows],
            )

    def add_conflicts(self, rows: list[tuple]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO province_conflicts (file_id, code, reason, record, found_at) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                [(file_id, code, reason, record, _time(found)) for file_id, code, reason, record, found in rows],
            )

    def add_scan(self, stream: Readable, sha256: str, now: str) -> int:
        """In chunks, by COPY. A scan stored already (or being stored by another import, which
        this one then waits for) is still read whole and checked against its hash."""
        claimed = self.conn.execute(
            "INSERT INTO province_scans (sha256, size, added_at) VALUES (%s, 0, %s) ON CONFLICT DO NOTHING"
            " RETURNING sha256",
            [sha256, _time(now)],
        ).fetchone()
        digest, size = hashlib.sha256(), 0
        chunks = iter(lambda: stream.read(_CHUNK), b"")
        if claimed is None:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
        else:
            with self.conn.cursor() as cursor:
                with cursor.copy("COPY province_scan_chunks (sha256, part, content) FROM STDIN") as copy:
                    for part, chunk in enumerate(chunks):
                        digest.update(chunk)
                        size += len(chunk)
                        copy.write_row((sha256, part, chunk))
                cursor.execute("UPDATE province_scans SET size = %s WHERE sha256 = %s", [size, sha256])
        if digest.hexdigest() != sha256:
            raise ValueError(f"content has SHA-256 {digest.hexdigest()}, not {sha256}")
        return size

    def scan(self, sha256: str) -> bytes | None:
        """A stored scan's content."""
        if self.conn.execute("SELECT 1 FROM province_scans WHERE sha256 = %s", [sha256]).fetchone() is None:
            return None
        return b"".join(row[0] for row in self.conn.execute(
            "SELECT content FROM province_scan_chunks WHERE sha256 = %s ORDER BY part", [sha256]))

    def log(self, at: str, officer: str, action: str, target: str, detail: dict) -> None:
        """Chained as db/audit.py chains the SQLite trail, one writer at a time."""
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", schema.AUDIT_LOCK)
        last = self.conn.execute("SELECT id, hash FROM province_audit ORDER BY id DESC LIMIT 1").fetchone()
        row_id, previous = (last[0] + 1, last[1]) if last else (1, audit_table.GENESIS)
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        digest = audit_table.seal(previous, audit_table.content(row_id, at, officer, action, target, text))
        self.conn.execute(
            "INSERT INTO province_audit (id, at, officer, action, target, detail, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [row_id, at, officer, action, target, text, previous, digest],
        )

    def audit_broken(self) -> tuple[int, str] | None:
        """(row id, what is wrong) of the first audit row that breaks the chain, or None."""
        expected_id, previous = 1, audit_table.GENESIS
        for row_id, at, officer, action, target, detail, prev_hash, digest in self.conn.execute(
            "SELECT id, at, officer, action, target, detail, prev_hash, hash FROM province_audit ORDER BY id"
        ):
            if row_id != expected_id:
                return expected_id, "thiếu dòng"
            if prev_hash != previous:
                return row_id, "không khớp với dòng trước"
            if audit_table.seal(previous, audit_table.content(row_id, at, officer, action, target, detail)) != digest:
                return row_id, "nội dung đã bị sửa"
            expected_id, previous = row_id + 1, digest
        return None

    def missing_sequences(self) -> list[tuple[str, int, int, int]]:
        return self.conn.execute(
            "SELECT u.code, s.workstation, s.previous + 1, s.sequence - 1 FROM ("
            " SELECT unit_id, workstation, sequence,"
            " lag(sequence, 1, 0::bigint) OVER (PARTITION BY unit_id, workstation ORDER BY sequence) AS previous"
            " FROM (SELECT DISTINCT unit_id, workstation, sequence FROM province_files) f) s"
            " JOIN province_units u ON u.id = s.unit_id WHERE s.sequence > s.previous + 1"
            " ORDER BY u.code, s.workstation, s.sequence"
        ).fetchall()

    def units(self) -> dict[int, tuple[str, str]]:
        return {row[0]: (row[1], row[2])
                for row in self.conn.execute("SELECT id, code, name FROM province_units ORDER BY code")}

    def counts(self, start: str, end: str, paused: str, ended: tuple[str, str]) -> dict[int, dict]:
        params = {"start": _time(start), "end": _time(end), "paused": paused, "rejected": ended[0],
                  "stopped": ended[1]}
        merged: dict[int, dict] = {}
        with self.reading():
            for names, query in _AGGREGATES:
                for row in self.conn.execute(query, params):
                    counts = merged.setdefault(row[0], dict.fromkeys(indicator_queries.NAMES, 0))
                    counts.update(zip(names, row[1:], strict=True))
        return merged

    def late_rows(self, start: str, end: str, paused: str) -> list[dict]:
        rows = self.conn.execute(_LATE, {"start": _time(start), "end": _time(end), "paused": paused})
        return [dict(zip(LATE_COLUMNS, (unit, name, code, procedure, _iso(received), _iso(due), _iso(result),
                                        _iso(apology), apology_late, record), strict=True))
                for unit, name, code, procedure, received, due, result, apology, apology_late, record in rows]

    def dossier(self, code: str) -> tuple | None:
        return self.conn.execute(
            "SELECT k.id, u.code, k.source_workstation, k.version, k.record FROM province_dossier_records k"
            " JOIN province_units u ON u.id = k.unit_id WHERE k.code = %s",
            [code],
        ).fetchone()

    def events_of(self, code: str) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT records FROM province_events WHERE code = %s ORDER BY first_id", [code])]

    @contextmanager
    def writing(self) -> Iterator[None]:
        try:
            with self.conn.transaction():
                yield
        except psycopg.Error as exc:
            raise WriteFailed(f"Máy chủ PostgreSQL từ chối ghi ({_first_line(exc)}). Không thay đổi gì.") from exc

    # --- format 2: every station's own events, merged by replay (issue 12) ------------------------

    def add_unit_events(self, rows: list[tuple]) -> int:
        """One statement per batch, its columns as arrays."""
        if not rows:
            return 0
        columns = list(zip(*rows, strict=True))
        columns[_DETAIL] = tuple(map(_text, columns[_DETAIL]))
        return self.conn.execute(
            f"INSERT INTO province_unit_events ({', '.join(UNIT_EVENT_COLUMNS)}) SELECT * FROM unnest("
            + ", ".join(f"%s::{kind}[]" for kind in _UNIT_EVENT_TYPES) + ") ON CONFLICT DO NOTHING",
            [list(column) for column in columns]).rowcount

    def held_in(self, unit: int, spans: dict[str, tuple[int, int]]) -> dict[tuple[str, int], tuple]:
        found = {}
        for origin, (after, through) in spans.items():
            for seq, *values in self.conn.execute(
                    "SELECT seq, lamport, code, at, kind, officer, detail, receipt_origin, receipt_seq"
                    " FROM province_unit_events WHERE unit_id = %s AND origin = %s AND seq > %s AND seq <= %s",
                    [unit, origin, after, through]):
                found[(origin, seq)] = tuple(values)
        return found

    def add_ranges(self, rows: list[tuple]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany("INSERT INTO province_unit_ranges (unit_id, origin, after, through, file_id)"
                               " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)

    def ranges(self, unit: int) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for origin, after, through in self.conn.execute(
                "SELECT origin, after, through FROM province_unit_ranges WHERE unit_id = %s"
                " ORDER BY origin, after, through", [unit]):
            found.setdefault(origin, []).append((after, through))
        return found

    def unit_events_of(self, unit: int, codes: list[str]) -> dict[str, list[tuple]]:
        found: dict[str, list[tuple]] = {code: [] for code in codes}
        for code, *values in self.conn.execute(
                "SELECT code, origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq"
                " FROM province_unit_events WHERE code = ANY(%s) AND unit_id = %s ORDER BY code, origin, seq",
                [codes, unit]):
            found[code].append(tuple(values))
        return found

    def unit_event_codes(self, unit: int) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT code FROM province_unit_events WHERE unit_id = %s ORDER BY code", [unit])]

    def unit_events_of_code(self, code: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq"
            " FROM province_unit_events WHERE code = %s ORDER BY at, lamport, origin, seq", [code]).fetchall()

    def stored_records(self, codes: list[str]) -> dict[str, tuple]:
        return {code: (unit_id, version, sha, record) for code, unit_id, version, sha, record in self.conn.execute(
            "SELECT code, unit_id, version, record_sha256, record FROM province_dossier_records WHERE code = ANY(%s)",
            [codes])}

    def upsert_dossiers(self, rows: list[tuple]) -> None:
        """A stored code's two rows are updated (its record keeps its id, as SQLite's does) and its
        queried fields moved to the partition of its receipt time; a new code is loaded by COPY."""
        if not rows:
            return
        code_at = STORED_FIELDS.index("code")
        held = {row[0] for row in self.conn.execute(
            "SELECT code FROM province_dossier_records WHERE code = ANY(%s)", [[row[code_at] for row in rows]])}
        new = [row for row in rows if row[code_at] not in held]
        stored = [row for row in rows if row[code_at] in held]
        if stored:
            self.conn.execute(
                "DELETE FROM province_dossiers d USING province_dossier_records r"
                " WHERE r.code = ANY(%s) AND d.code = r.code AND d.received_at = r.received_at",
                [[row[code_at] for row in stored]])
            with self.conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE province_dossier_records SET " + ", ".join(f"{name} = %s" for name in _RECORD_FIELDS[1:])
                    + " WHERE code = %s", [keys[1:] + keys[:1] for keys in map(_record_of, stored)])
            self._copy_dossiers(stored)
        if new:
            self.insert_dossiers(new)

    # --- trust (issue 13): enrolled keys, the province's own keys, packages, chain anchors --------

    def enrolled(self, fingerprint: str) -> dict | None:
        found = self._keys("WHERE fingerprint = %s", [fingerprint])
        return found[0] if found else None

    def enrolled_for(self, unit_code: str, workstation: int) -> list[dict]:
        return self._keys("WHERE unit_code = %s AND workstation = %s ORDER BY id", [unit_code, workstation])

    def all_enrolled(self) -> list[dict]:
        return self._keys("ORDER BY unit_code, workstation, id", [])

    def _keys(self, condition: str, values: list) -> list[dict]:
        return [dict(zip(ENROLLED_FIELDS, row, strict=True)) for row in self.conn.execute(
            f"SELECT {', '.join(ENROLLED_FIELDS)} FROM province_keys {condition}", values)]

    def enrol(self, unit_code: str, workstation: int, public_key: str, fingerprint: str, at: str, by: str,
              rotated_from: int | None = None) -> int:
        return _value(self.conn.execute(
            "INSERT INTO province_keys (unit_code, workstation, public_key, fingerprint, enrolled_at, enrolled_by,"
            " rotated_from) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [unit_code, workstation, public_key, fingerprint, at, by, rotated_from]))

    def set_replaced(self, key_id: int, from_sequence: int) -> None:
        self.conn.execute("UPDATE province_keys SET replaced_from_sequence = %s WHERE id = %s",
                          [from_sequence, key_id])

    def successor(self, key_id: int) -> dict | None:
        found = self._keys("WHERE rotated_from = %s", [key_id])
        return found[0] if found else None

    def revoke(self, key_id: int, at: str, by: str, reason: str) -> None:
        self.conn.execute("UPDATE province_keys SET revoked_at = %s, revoked_by = %s, revoked_reason = %s"
                          " WHERE id = %s", [at, by, reason, key_id])

    def own_key(self, kind: str) -> dict | None:
        columns = ("kind", "private_key", "public_key", "fingerprint", "created_at")
        row = self.conn.execute(f"SELECT {', '.join(columns)} FROM province_own_keys WHERE kind = %s",
                                [kind]).fetchone()
        return None if row is None else dict(zip(columns, row, strict=True))

    def add_own_key(self, kind: str, private_key: bytes, public_key: str, fingerprint: str, at: str) -> None:
        self.conn.execute("INSERT INTO province_own_keys (kind, private_key, public_key, fingerprint, created_at)"
                          " VALUES (%s, %s, %s, %s, %s)", [kind, private_key, public_key, fingerprint, at])

    def next_package_sequence(self) -> int:
        return _value(self.conn.execute("SELECT coalesce(max(sequence), 0) + 1 FROM province_packages"))

    def add_package(self, values: dict) -> None:
        columns = ("sequence", "sha256", "file", "catalogue_sha256", "calendar_sha256", "made_at", "made_by")
        self.conn.execute(f"INSERT INTO province_packages ({', '.join(columns)})"
                          f" VALUES ({', '.join(f'%({c})s' for c in columns)})", values)

    def add_anchor(self, values: dict) -> None:
        self.conn.execute(f"INSERT INTO province_chain ({', '.join(ANCHOR_FIELDS)})"
                          f" VALUES ({', '.join(f'%({f})s' for f in ANCHOR_FIELDS)})", values)

    def anchors_near(self, unit_id: int, workstation: int, sequence: int) -> dict[str, list[dict]]:
        def at(condition: str, order: str) -> list[dict]:
            return [dict(zip(ANCHOR_FIELDS, row, strict=True)) for row in self.conn.execute(
                f"SELECT {', '.join(ANCHOR_FIELDS)} FROM province_chain WHERE unit_id = %(unit)s"
                " AND workstation = %(ws)s AND sequence = (SELECT sequence FROM province_chain WHERE"
                f" unit_id = %(unit)s AND workstation = %(ws)s AND {condition} ORDER BY sequence {order} LIMIT 1)"
                " ORDER BY file_id", {"unit": unit_id, "ws": workstation, "seq": sequence})]

        return {"before": at("sequence < %(seq)s", "DESC"), "same": at("sequence = %(seq)s", "ASC"),
                "after": at("sequence > %(seq)s", "ASC")}

    def same_export(self, unit_code: str, workstation: int, sequence: int) -> list[dict]:
        return [dict(zip(ANCHOR_FIELDS, row, strict=True)) for row in self.conn.execute(
            f"SELECT {', '.join('c.' + f for f in ANCHOR_FIELDS)} FROM province_chain c JOIN province_units u"
            " ON u.id = c.unit_id WHERE u.code = %s AND c.workstation = %s AND c.sequence = %s ORDER BY c.file_id",
            [unit_code, workstation, sequence])]

    def sources_of(self, seals: list[str]) -> set[tuple[str, int]]:
        return {(code, workstation) for code, workstation in self.conn.execute(
            "SELECT u.code, f.workstation FROM province_files f JOIN province_units u ON u.id = f.unit_id"
            " WHERE f.sha256 = ANY(%s)", [seals])}

    def received(self, unit_code: str, workstation: int) -> list[int]:
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT f.sequence FROM province_files f JOIN province_units u ON u.id = f.unit_id"
            " WHERE u.code = %s AND f.workstation = %s ORDER BY 1", [unit_code, workstation])]

    def close(self) -> None:
        self.conn.close()


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso(moment: datetime | None) -> str | None:
    """As the export files and SQLite keep a time: `YYYY-MM-DDTHH:MM:SS`."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def _value(cursor: psycopg.Cursor):
    """The one value of a query that always returns one row."""
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
