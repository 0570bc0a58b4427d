"""The dossier list (danh sách hồ sơ): which dossiers a filter selects, and their rows.

Built for a whole database of a million dossiers: `ids` returns only the
ordered ids (newest first: latest received, then highest id; or sorted by a
column: the sort runs in SQL and reads no row), `rows` reads the few the
officer is looking at. Every filter's first page walks an index (issue 16;
`plan` shows how, and the tests keep it so).
Text is read by search's one reading (counter/search.py: read): a code or its
tail, a CCCD/CMND number, a phone number, or a name with or without diacritics.
"""

from array import array
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from counter import search
from counter.clock import from_iso, iso, now
from counter.dossier import STATUSES, judge
from counter.errors import CounterError
from counter.session import Session
from counter.text import nfc
from counter.transitions import FEW, TABLE, EventKind, Status
from db import dossier_list as list_queries

# A result that exists and can still be digitized (counter/transitions.py).
_WITH_RESULT = TABLE[EventKind.RESULT_DIGITIZED].sources
DUE_FILTERS = {"overdue": "Quá hạn", "due_soon": "Quá hạn hoặc đến hạn trong 1 ngày làm việc"}


@dataclass(frozen=True)
class ListFilter:
    text: str = ""
    statuses: tuple[str, ...] = ()
    procedure_code: str = ""
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    due: str = ""  # "", "overdue" or "due_soon"
    digitized: bool | None = None
    scans_missing: bool = False


@dataclass(frozen=True)
class ListRow:
    """One line of the list: what the officer needs to recognise a dossier and its urgency."""

    id: int
    code: str
    applicant_name: str
    id_number: str
    phone: str
    procedure_code: str
    procedure_name: str
    channel: str
    received_at: datetime
    due_at: datetime
    appointment_at: datetime
    status: str
    result_at: datetime | None
    returned_at: datetime | None
    apology_at: datetime | None
    digitized: bool
    result_digitized: bool
    days_late: int = 0  # working days late at the list's moment (`rows`); 0 when not late

    def due_state(self, as_of: datetime, horizon: datetime) -> str:
        """overdue / due_soon / running / paused / early / on_time / late / closed."""
        if self.status == Status.RECEIVED:
            if as_of > self.due_at:
                return "overdue"
            return "due_soon" if self.due_at < horizon else "running"
        if self.status == Status.WAITING_SUPPLEMENT:
            return "paused"
        if self.status in _WITH_RESULT and self.result_at:
            return judge(self.result_at, self.due_at)
        return "closed"


def due_soon_horizon(session: Session, as_of: datetime) -> datetime:
    """Closing time of the next working day: due before it means due within one working day
    (the late-work panel's rule; ND 61/2018 art. 19.9 asks for the apology a day ahead)."""
    return datetime.combine(session.calendar.next_working_day(as_of.date()), session.settings.close_time)


@dataclass(frozen=True)
class ListOrder:
    """Sorted by one of SORTABLE's columns; no column: newest first."""

    column: str = ""
    descending: bool = False


# What a list may be sorted by: the list's columns (`due` is the due date).
SORTABLE = (*list_queries.ORDER_COLUMNS, "status", "days_late")


def ids(session: Session, chosen: ListFilter, as_of: datetime | None = None, limit: int | None = None,
        keep_going: Callable[[], bool] | None = None, order: ListOrder | None = None) -> array | None:
    """Ids of the dossiers the filter selects, newest first or in `order`; at most `limit`. A
    long read gives up (None) as soon as `keep_going()` is false: the officer typed on."""
    query = _query(session, chosen, as_of or now(), order)
    if query is None:
        return array("q")  # a text that can be nothing finds nothing, as in search
    return list_queries.ids(session.db, query[0], limit, keep_going, query[1])


def plan(session: Session, chosen: ListFilter, as_of: datetime | None = None, limit: int | None = None,
         order: ListOrder | None = None) -> list[str]:
    """How SQLite reads the filter's ids (EXPLAIN QUERY PLAN): the tests keep every filter on an index."""
    query = _query(session, chosen, as_of or now(), order)
    return [] if query is None else list_queries.plan(session.db, query[0], limit, query[1])


def _query(session: Session, chosen: ListFilter, moment: datetime,
           order: ListOrder | None) -> tuple[list_queries.Where, list_queries.Order | None] | None:
    if order is not None and order.column and order.column not in SORTABLE:
        raise CounterError(f"Không sắp xếp được theo cột «{order.column}».", f"cannot sort by {order.column!r}")
    for status in chosen.statuses:
        if status not in STATUSES:
            raise CounterError(f"Trạng thái «{status}» không hợp lệ.", f"unknown status {status!r}")
    if chosen.received_from and chosen.received_to and chosen.received_from > chosen.received_to:
        raise CounterError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "start date after end date")
    due_before = ""
    if chosen.due == "overdue":
        due_before = iso(moment)
    elif chosen.due == "due_soon":
        due_before = iso(due_soon_horizon(session, moment))
    elif chosen.due:
        raise CounterError(f"Bộ lọc hạn «{chosen.due}» không hợp lệ.", f"unknown due filter {chosen.due!r}")
    keys = search.read(chosen.text)
    if nfc(chosen.text) and not keys:
        return None
    where = list_queries.Where(
        statuses=tuple(chosen.statuses),
        few_statuses=set(chosen.statuses) <= FEW,
        procedure_code=nfc(chosen.procedure_code),
        received_from=iso(datetime.combine(chosen.received_from, time())) if chosen.received_from else "",
        received_to=iso(datetime.combine(chosen.received_to + timedelta(days=1), time())) if chosen.received_to else "",
        open_due_before=due_before,
        running=Status.RECEIVED,
        digitized=chosen.digitized,
        scans_missing=chosen.scans_missing,
        with_result=tuple(sorted(_WITH_RESULT)),
        **asdict(keys),
    )
    sort = None
    if order is not None and order.column:
        counting = DaysLate(session)
        sort = list_queries.Order(
            column=order.column, descending=order.descending, statuses=STATUSES, late_at=iso(moment),
            days_late=lambda due, result, status, at: counting.stored(due, result, status, at))
    return where, sort


def rows(session: Session, wanted: list[int], as_of: datetime | None = None) -> dict[int, ListRow]:
    """The rows of the dossiers `wanted`, by id, with their days late at `as_of`; an id that
    no longer exists is left out."""
    moment = as_of or now()
    counting = DaysLate(session)
    found = {}
    for row in list_queries.rows(session.db, list(wanted)):
        for key in ("received_at", "due_at", "appointment_at", "result_at", "returned_at", "apology_at"):
            row[key] = from_iso(row[key])
        row["digitized"], row["result_digitized"] = bool(row["digitized"]), bool(row["result_digitized"])
        row["days_late"] = counting.late(row["due_at"], row["result_at"], row["status"], moment)
        found[row["id"]] = ListRow(**row)
    return found


class DaysLate:
    """Working days late, as the province's public late list counts them (counter/province/late.py):
    the working days after the due day up to the result, or up to now while there is none and
    the clock runs; late within the due day itself counts as one. Not late: 0."""

    def __init__(self, session: Session):
        self.calendar = session.calendar
        self.cache: dict[tuple[date, date], int] = {}

    def late(self, due_at: datetime, result_at: datetime | None, status: str, as_of: datetime) -> int:
        if result_at is not None:
            if result_at <= due_at:
                return 0
            until = result_at.date()
        elif status == Status.RECEIVED and as_of > due_at:
            until = as_of.date()
        else:
            return 0  # running in time, or its clock stopped for a supplement
        key = (due_at.date(), until)
        if key not in self.cache:
            count, day = 0, due_at.date() + timedelta(days=1)
            while day <= until:
                count += self.calendar.is_working(day)
                day += timedelta(days=1)
            self.cache[key] = max(1, count)
        return self.cache[key]

    def stored(self, due_at: str, result_at: str | None, status: str, as_of: str) -> int:
        """The same from the stored ISO texts (the SQL sort calls it once per dossier)."""
        if result_at is not None and result_at <= due_at:
            return 0
        if result_at is None and (status != Status.RECEIVED or as_of <= due_at):
            return 0
        return self.late(from_iso(due_at), from_iso(result_at), status, from_iso(as_of))


USAGE_DAYS = 90


def procedure_use(session: Session, as_of: datetime | None = None, days: int = USAGE_DAYS) -> dict[str, int]:
    """How many dossiers of each procedure the unit received in the last `days` days: the
    procedure picker offers the usual ones first (issue 15)."""
    moment = as_of or now()
    return list_queries.procedure_counts(session.db, iso(moment - timedelta(days=days)))
