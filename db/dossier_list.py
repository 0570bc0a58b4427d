"""The dossier list's queries: ordered id lists for a filter, and rows fetched by id.

The list over a whole database holds only ids (newest first, or by a column the
officer clicked); rows are read a page at a time when they scroll into view.
Every filter maps to an indexed condition where one exists; text goes through
the same indexes as search. A sort by a column runs here, over the ids the
filter selects, and still returns only ids: no row is read to sort.
"""

import sqlite3
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from db import migrations
from db.dossiers import literal
from db.search import name_match

LIST_COLUMNS = (
    "id", "code", "applicant_name", "id_number", "phone", "procedure_code", "procedure_name",
    "channel", "received_at", "due_at", "appointment_at", "status", "result_at", "returned_at",
    "apology_at", "digitized", "result_digitized",
)

@dataclass(frozen=True)
class Where:
    """Conditions on dossiers; empty fields do not filter."""

    statuses: tuple[str, ...] = ()
    few_statuses: bool = False  # only statuses few dossiers are in at any time: their index narrows well
    procedure_code: str = ""
    received_from: str = ""  # ISO, inclusive
    received_to: str = ""  # ISO, exclusive
    open_due_before: str = ""  # ISO: clock running (status `running`) and due before this time
    running: str = ""  # the status whose clock runs
    digitized: bool | None = None
    scans_missing: bool = False  # documents, or the result in a status in `with_result`, lack a scan
    with_result: tuple[str, ...] = ()  # statuses whose result can be digitized
    name_words: tuple[str, ...] = ()  # folded words, each starting a word of the name
    code_tail: str = ""
    id_number: str = ""
    phone: str = ""


# The columns a list may be sorted by, and what each sorts on.
ORDER_COLUMNS = {
    "code": "code", "applicant_name": "name_folded", "procedure_name": "procedure_name",
    "received_at": "received_at", "appointment_at": "appointment_at", "due": "due_at", "channel": "channel",
    "digitized": "digitized",
}
DAYS_LATE = "motcua_days_late"


@dataclass(frozen=True)
class Order:
    """A sort by one column; no column: newest first. `status` sorts by the order of
    `statuses`; `days_late` by `days_late(due_at, result_at, status, late_at)`, a function
    the domain gives (working days need its calendar)."""

    column: str = ""
    descending: bool = False
    statuses: tuple[str, ...] = ()
    late_at: str = ""
    days_late: Callable[[str, str | None, str, str], int] | None = None


def query(db: sqlite_utils.Database, where: Where, limit: int | None = None,
          order: Order | None = None) -> tuple[str, list]:
    """The SQL and parameters `ids` runs (the plan tests read its EXPLAIN QUERY PLAN)."""
    if order is not None and order.column:
        sql, params = _sorted(db, where, order)
    else:
        sql, params = _select(where, newest_only=limit is not None)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


def plan(db: sqlite_utils.Database, where: Where, limit: int | None = None, order: Order | None = None) -> list[str]:
    """SQLite's plan for `ids`, one line per step."""
    sql, params = query(db, where, limit, order)
    return [row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def ids(db: sqlite_utils.Database, where: Where, limit: int | None = None,
        keep_going: Callable[[], bool] | None = None, order: Order | None = None) -> array | None:
    """Ids of the dossiers matching `where`, newest first or in `order`, as a compact array;
    at most `limit`. If `keep_going()` turns false (a newer filter was asked for) the read is
    interrupted, even in the middle of a sort, and gives None."""
    sql, params = query(db, where, limit, order)
    found = array("q")
    if keep_going is not None:
        db.conn.set_progress_handler(lambda: int(not keep_going()), 10_000)
    try:
        cursor = db.conn.execute(sql, params)
        while rows := cursor.fetchmany(65536):
            found.extend(row[0] for row in rows)
            if keep_going is not None and not keep_going():
                cursor.close()
                return None
    except sqlite3.OperationalError as exc:
        if keep_going is not None and not keep_going() and "interrupted" in str(exc):
            return None
        raise
    finally:
        if keep_going is not None:
            db.conn.set_progress_handler(None, 0)
    return found


def _sorted(db: sqlite_utils.Database, where: Where, order: Order) -> tuple[str, list]:
    """The filter's ids sorted by one column (ties: newest first). Without a filter the table
    is read once; with one, its ids are sorted (an IN over the filter's own query)."""
    params: list = []
    if order.column == "status":
        expression = "CASE status " + " ".join("WHEN ? THEN ?" for _ in order.statuses) + " END"
        for position, status in enumerate(order.statuses):
            params += [status, position]
    elif order.column == "days_late":
        if order.days_late is None:
            raise ValueError("a sort by days late needs the function that counts them")
        db.conn.create_function(DAYS_LATE, 4, order.days_late, deterministic=True)
        expression = f"{DAYS_LATE}(due_at, result_at, status, ?)"
        params.append(order.late_at)
    else:
        expression = ORDER_COLUMNS[order.column]
    direction = "DESC" if order.descending else "ASC"
    inner, inner_params = _select(where)
    filtered = inner != _EVERYTHING
    sql = "SELECT id FROM dossiers"
    if filtered:
        sql += f" WHERE id IN ({inner})"
    return f"{sql} ORDER BY {expression} {direction}, id DESC", [*(inner_params if filtered else []), *params]


_EVERYTHING = "SELECT id FROM dossiers INDEXED BY dossiers_received ORDER BY received_at DESC, id DESC"
# The scans-missing filter as the partial index dossiers_scans_missing states it (db/migrations.py).
SCANS_MISSING = migrations.SCANS_MISSING
_SCANS_MISSING_STATUSES = migrations.SCANS_MISSING_STATUSES


def _select(where: Where, newest_only: bool = False) -> tuple[str, list]:
    """Newest first (latest received, then highest id) through one index chosen for the filter
    (issue 16): every index a filter can drive ends in `received_at`, so walking it backwards gives
    the list's order and the first page reads one page's worth of entries, never the table; a
    received range narrows the same walk. Only filters that select few rows by nature (open
    dossiers due soon, statuses few dossiers are in) sort what they find. Text goes through the
    search indexes (newest id first)."""
    text_keys = (where.code_tail, where.id_number, where.phone)
    if where.name_words or any(text_keys):
        return _select_text(where, newest_only)
    conditions: list[str] = []
    params: list = []
    if where.open_due_before:
        drive = "dossiers_due_open"
    elif where.statuses and (where.few_statuses or not newest_only):
        drive = "dossiers_status"  # few rows; for the whole list a small covering index
    elif where.scans_missing and where.with_result == _SCANS_MISSING_STATUSES:
        drive = "dossiers_scans_missing"
    elif where.digitized is False:
        drive = "dossiers_digitized"
    elif where.procedure_code:
        drive = "dossiers_procedure"
    elif where.digitized is not None:
        drive = "dossiers_digitized"
    else:
        drive = "dossiers_received"
    if where.statuses:
        column = "status" if drive == "dossiers_status" else "+status"
        conditions.append(f"{column} IN ({','.join('?' * len(where.statuses))})")
        params += list(where.statuses)
    if where.procedure_code:
        conditions.append(("procedure_code" if drive == "dossiers_procedure" else "+procedure_code") + " = ?")
        params.append(where.procedure_code)
    if where.digitized is not None:
        conditions.append(("digitized" if drive == "dossiers_digitized" else "+digitized") + " = ?")
        params.append(int(where.digitized))
    if where.received_from:
        conditions.append("received_at >= ?")
        params.append(where.received_from)
    if where.received_to:
        conditions.append("received_at < ?")
        params.append(where.received_to)
    if where.open_due_before:
        # The partial index dossiers_due_open covers exactly these rows (it needs the literal status).
        conditions.append(f"status = {literal(where.running)} AND due_at < ?")
        params.append(where.open_due_before)
    if where.scans_missing:
        if drive == "dossiers_scans_missing" or where.with_result == _SCANS_MISSING_STATUSES:
            conditions.append(SCANS_MISSING)
        else:
            marks = ",".join("?" * len(where.with_result))
            conditions.append(f"(digitized = 0 OR (status IN ({marks}) AND result_digitized = 0))")
            params += list(where.with_result)
    sql = f"SELECT id FROM dossiers INDEXED BY {drive}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return sql + " ORDER BY received_at DESC, id DESC", params


def _select_text(where: Where, newest_only: bool) -> tuple[str, list]:
    """A name, code tail, ID or phone number drives its own index, newest id first."""
    selective = bool(where.open_due_before or where.code_tail or where.id_number or where.phone
                     or where.received_from or where.received_to
                     or (where.statuses and where.few_statuses))
    conditions: list[str] = []
    params: list = []
    if where.statuses:
        column = "status" if selective or not newest_only else "+status"
        conditions.append(f"{column} IN ({','.join('?' * len(where.statuses))})")
        params += list(where.statuses)
    if where.procedure_code:
        conditions.append("procedure_code = ?")
        params.append(where.procedure_code)
    if where.received_from:
        conditions.append("received_at >= ?")
        params.append(where.received_from)
    if where.received_to:
        conditions.append("received_at < ?")
        params.append(where.received_to)
    if where.open_due_before:
        conditions.append(f"status = {literal(where.running)} AND due_at < ?")
        params.append(where.open_due_before)
    if where.digitized is not None:
        conditions.append("digitized = ?")
        params.append(int(where.digitized))
    if where.scans_missing:
        marks = ",".join("?" * len(where.with_result))
        conditions.append(f"(digitized = 0 OR (status IN ({marks}) AND result_digitized = 0))")
        params += list(where.with_result)
    match = name_match(where.name_words)
    text_keys = (where.code_tail, where.id_number, where.phone)
    if not newest_only and not conditions and not any(text_keys):
        return "SELECT rowid FROM dossier_names WHERE dossier_names MATCH ? ORDER BY rowid DESC", [match]
    if where.name_words and not selective:
        # Driven by the name index, newest first, stopping as soon as the page is full.
        sql = ("SELECT dossiers.id FROM dossier_names JOIN dossiers ON dossiers.id = dossier_names.rowid"
               " WHERE dossier_names MATCH ?")
        for condition in conditions:
            sql += " AND " + condition
        return sql + " ORDER BY dossier_names.rowid DESC", [match, *params]
    text = _text_condition(where, match)
    if text:
        conditions.append(text[0])
        params += text[1]
    return "SELECT id FROM dossiers WHERE " + " AND ".join(conditions) + " ORDER BY id DESC", params


def _text_condition(where: Where, match: str) -> tuple[str, list] | None:
    """Any of the text keys may match (a number can be a code tail, an ID or a phone)."""
    parts, params = [], []
    if where.name_words:
        parts.append("id IN (SELECT rowid FROM dossier_names WHERE dossier_names MATCH ?)")
        params.append(match)
    if where.code_tail:
        tail = where.code_tail[::-1]
        parts.append("(code_rev >= ? AND code_rev < ?)")
        params += [tail, tail + "\U0010ffff"]
    if where.id_number:
        parts.append("(id_number = ? AND id_number <> '')")
        params.append(where.id_number)
    if where.phone:
        parts.append("(phone = ? AND phone <> '')")
        params.append(where.phone)
    if not parts:
        return None
    return "(" + " OR ".join(parts) + ")", params


def rows(db: sqlite_utils.Database, wanted: list[int]) -> list[dict]:
    """The list columns of the dossiers `wanted`, in no particular order."""
    found = []
    select = "SELECT " + ", ".join(LIST_COLUMNS) + " FROM dossiers WHERE id IN "
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        cursor = db.conn.execute(select + "(" + ",".join("?" * len(chunk)) + ")", chunk)
        found += [dict(zip(LIST_COLUMNS, row, strict=False)) for row in cursor]
    return found



def procedure_counts(db: sqlite_utils.Database, since: str) -> dict[str, int]:
    """Dossiers received from `since` (ISO) on, per procedure code (through dossiers_received)."""
    cursor = db.conn.execute(
        "SELECT procedure_code, count(*) FROM dossiers WHERE received_at >= ? GROUP BY procedure_code", [since])
    return dict(cursor.fetchall())
