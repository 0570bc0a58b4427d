"""The dossier list (danh sách hồ sơ): which dossiers a filter selects, and their rows.

Built for a whole database of a million dossiers: `ids` returns only the
ordered ids (newest first), `rows` reads the few the officer is looking at.
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
from counter.transitions import FEW, EventKind, Status, TABLE
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


def ids(session: Session, chosen: ListFilter, as_of: datetime | None = None, limit: int | None = None,
        keep_going: Callable[[], bool] | None = None) -> array | None:
    """Ids of the dossiers the filter selects, newest first; at most `limit`. A long read
    gives up (None) as soon as `keep_going()` is false: the officer typed on."""
    moment = as_of or now()
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
        return array("q")  # a text that can be nothing finds nothing, as in search
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
    return list_queries.ids(session.db, where, limit, keep_going)


def rows(session: Session, wanted: list[int]) -> dict[int, ListRow]:
    """The rows of the dossiers `wanted`, by id; an id that no longer exists is left out."""
    found = {}
    for row in list_queries.rows(session.db, list(wanted)):
        for key in ("received_at", "due_at", "appointment_at", "result_at", "returned_at", "apology_at"):
            row[key] = from_iso(row[key])
        row["digitized"], row["result_digitized"] = bool(row["digitized"]), bool(row["result_digitized"])
        found[row["id"]] = ListRow(**row)
    return found


USAGE_DAYS = 90


def procedure_use(session: Session, as_of: datetime | None = None, days: int = USAGE_DAYS) -> dict[str, int]:
    """How many dossiers of each procedure the unit received in the last `days` days: the
    procedure picker offers the usual ones first (issue 15)."""
    moment = as_of or now()
    return list_queries.procedure_counts(session.db, iso(moment - timedelta(days=days)))
