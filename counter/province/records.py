"""The checks every record of an export file passes before the province stores it.

They are the JSON Schemas of docs/export-format.md ("Dossier record", "Event
record") written out by hand: the province reads millions of lines, and a
generic validator would be the slowest step of an import.
tests/counter/test_province_import.py checks that the two say the same.
A batch of records is checked at once: the fast path checks whole groups of
fields with C-level maps, and all the times of the batch in one call; only a
batch that fails is read again, field by field, to say what is wrong.
"""

import functools
import operator
import re

from counter.codes import MAX_WORKSTATION
from counter.dossier import CHANNELS, ONLINE_LEVELS, PAYMENTS, RATED_BY, RATINGS, RETURN_CHANNELS, SEXES, STATUSES
from counter.export_archive import MAX_INT, are_times, is_time
from counter.transitions import EventKind

SHORT, NAME, TEXT = 255, 1000, 10_000  # characters of a code or number, a name, a free text
MAX_DAYS = 3650  # working days of a legal time limit
MAX_DOCUMENTS = 1000
MAX_EVENT_ID = MAX_INT
# The kinds of the state table (counter/transitions.py): a new kind is importable as soon as it exists.
EVENT_KINDS = frozenset(kind.value for kind in EventKind)
COPY_KINDS = frozenset({"original", "copy"})
_STATUSES = frozenset(STATUSES)
_CHANNELS = frozenset(CHANNELS)
_RETURN_CHANNELS = frozenset(RETURN_CHANNELS)
_RATINGS = frozenset(RATINGS)

# (field, shortest, longest) of the dossier's texts, the short ones first, then names, then free texts.
_TEXTS = (
    ("procedure_code", 1, SHORT), ("id_number", 0, SHORT), ("phone", 0, SHORT), ("email", 0, SHORT),
    ("applicant_name", 1, NAME), ("returned_to", 0, NAME), ("officer", 0, NAME),
    ("procedure_name", 0, TEXT), ("address", 0, TEXT), ("apology_reason", 0, TEXT), ("decision_reason", 0, TEXT),
)
# (field, smallest, largest) of the dossier's integers.
_INTEGERS = (
    ("workstation", 1, MAX_WORKSTATION), ("days", 0, MAX_DAYS), ("fee", 0, MAX_INT), ("supplements", 0, MAX_INT),
    ("ledger_year", 2000, 2100), ("ledger_number", 1, MAX_INT), ("version", 1, MAX_INT),
)
_TIMES = ("received_at", "clock_start_at", "due_at", "appointment_at", "updated_at")
_TIMES_OR_NULL = ("result_at", "returned_at", "apology_at")
_FLAGS = ("digitized", "result_digitized", "reused")
# (field, allowed values, whether null is allowed).
_CHOICES = (
    ("channel", _CHANNELS, False), ("status", _STATUSES, False), ("return_channel", _RETURN_CHANNELS, True),
    ("rating", _RATINGS, True),
)

# Fields added since schema 5 (issue 11, issue 15), optional: a unit of an earlier version sends none.
# Each is checked when present.
_ADDED_TEXTS = (("representative_name", NAME), ("representative_id", SHORT), ("representative_phone", SHORT),
                ("fee_receipt", SHORT), ("procedure_field", NAME))
_BIRTH_DATE = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?")
# (field, allowed values, whether null is allowed)
_ADDED_CHOICES = (("sex", frozenset({"", *SEXES}), False), ("payment", frozenset(PAYMENTS), True),
                  ("rating_by", frozenset(RATED_BY), True), ("online_level", frozenset(ONLINE_LEVELS), False))
_ADDED_FLAGS = ("lci", "returning_applicant", "data_reused", "late_at_supplement", "supplement_late", "apology_late")
_ADDED_COUNTS = ("complaints",)
_ABSENT = object()


def _added_problem(record: dict) -> str | None:
    """The first added field present with a wrong type or value."""
    get = record.get
    for key, longest in _ADDED_TEXTS:
        value = get(key, "")
        if type(value) is not str or len(value) > longest:
            return _wrong(key)
    born = get("birth_date", "")
    if type(born) is not str or not _BIRTH_DATE.fullmatch(born):
        return _wrong("birth_date")
    for key, allowed, nullable in _ADDED_CHOICES:
        value = get(key, _ABSENT)
        if value is not _ABSENT and not ((value is None and nullable) or (type(value) is str and value in allowed)):
            return _wrong(key)
    for key in _ADDED_FLAGS:
        if type(get(key, False)) is not bool:
            return _wrong(key)
    for key in _ADDED_COUNTS:
        value = get(key, 0)
        if type(value) is not int or not 0 <= value <= MAX_INT:
            return _wrong(key)
    return None


# The fast path reads every field at once, in this order, and checks each group by C-level maps.
_ORDER = ("code", "unit_code", *(key for key, _, _ in _TEXTS), *(key for key, _, _ in _INTEGERS), *_TIMES,
          *_TIMES_OR_NULL, *_FLAGS, *(key for key, _, _ in _CHOICES), "result_file", "documents")
_VALUES = operator.itemgetter(*_ORDER)
_T, _I = 2, 2 + len(_TEXTS)
_M, _N = _I + len(_INTEGERS), _I + len(_INTEGERS) + len(_TIMES)
_F = _N + len(_TIMES_OR_NULL)
_C = _F + len(_FLAGS)
_SHORT_END, _NAME_END = _T + 4, _T + 7
_TEXT_TYPES = (str,) * len(_TEXTS)
_INTEGER_TYPES = (int,) * len(_INTEGERS)
_INTEGER_SMALLEST = tuple(low for _, low, _ in _INTEGERS)
_INTEGER_LARGEST = tuple(high for _, _, high in _INTEGERS)
_FLAG_TYPES = (bool,) * len(_FLAGS)
_LE = operator.le
_NOT_NULL = functools.partial(operator.is_not, None)


def code_pattern(unit_code: str) -> re.Pattern:
    """Codes a unit may send: its own identifier, the receipt date, the number (TT 01/2018/TT-VPCP art. 19)."""
    return re.compile(re.escape(unit_code) + r"-[0-9]{6}-[0-9]{4,6}")


def dossier_batch_problem(batch: list, unit_code: str, codes: re.Pattern) -> tuple[int, str] | None:
    """(position in `batch`, what is wrong) of the first bad dossier record of a file from
    `unit_code` (`codes`: its `code_pattern`), or None when all are good."""
    times: list[str] = []
    if all(_valid_dossier(record, unit_code, codes, times) for record in batch) and are_times(tuple(times)):
        return None
    for index, record in enumerate(batch):
        problem = _dossier_explained(record, unit_code, codes)
        if problem:
            return index, problem
    return 0, "không đúng định dạng"


def _valid_dossier(record, unit_code: str, codes: re.Pattern, times: list[str]) -> bool:
    """The fast path of `dossier_batch_problem`; the record's times are added to `times`."""
    if type(record) is not dict:
        return False
    try:
        values = _VALUES(record)
        code, texts, integers, flags = values[0], values[_T:_I], values[_I:_M], values[_F:_C]
        channel, status, returned_by, rating, result_file, documents = values[_C:]
        if not (type(code) is str and len(code) <= SHORT and codes.fullmatch(code) and values[1] == unit_code
                and tuple(map(type, texts)) == _TEXT_TYPES and tuple(map(type, integers)) == _INTEGER_TYPES
                and tuple(map(type, flags)) == _FLAG_TYPES
                and max(map(len, values[_T:_SHORT_END])) <= SHORT
                and max(map(len, values[_SHORT_END:_NAME_END])) <= NAME
                and max(map(len, values[_NAME_END:_I])) <= TEXT and values[_T] and values[_SHORT_END]
                and all(map(_LE, _INTEGER_SMALLEST, integers)) and all(map(_LE, integers, _INTEGER_LARGEST))):
            return False
        times.extend(values[_M:_N])
        times.extend(filter(_NOT_NULL, values[_N:_F]))
        # A list or an object is not hashable: the membership tests refuse it by TypeError.
        return channel in _CHANNELS and status in _STATUSES \
            and (returned_by is None or returned_by in _RETURN_CHANNELS) \
            and (rating is None or rating in _RATINGS) and _sha_or_null(result_file) and type(documents) is list \
            and len(documents) <= MAX_DOCUMENTS and all(map(_valid_document, documents)) and not _added_problem(record)
    except (KeyError, TypeError):
        return False


_DOCUMENT_VALUES = operator.itemgetter("position", "name", "copy_kind", "quantity", "file_sha256", "not_required",
                                       "reused_from")


def _valid_document(document) -> bool:
    """The fast path of `_document_problem`; raises KeyError or TypeError for some bad documents."""
    position, name, kind, quantity, sha, not_required, reused = _DOCUMENT_VALUES(document)
    return type(position) is int and 1 <= position <= MAX_DOCUMENTS and type(name) is str and 1 <= len(name) <= TEXT \
        and kind in COPY_KINDS and type(quantity) is int and 1 <= quantity <= MAX_INT and _sha_or_null(sha) \
        and type(not_required) is bool and (reused is None or (type(reused) is int and 1 <= reused <= MAX_INT))


def _dossier_explained(record, unit_code: str, codes: re.Pattern) -> str | None:
    """The slow path: the first field that is wrong."""
    if type(record) is not dict:
        return "không phải một đối tượng JSON"
    try:
        code = record["code"]
        if type(code) is not str or len(code) > SHORT or not codes.fullmatch(code):
            return f"mã hồ sơ không phải mã của đơn vị {unit_code} (dạng {unit_code}-YYMMDD-NNNN)"
        if record["unit_code"] != unit_code:
            return f"trường «unit_code» khác mã đơn vị của tệp ({unit_code})"
        for key, low, high in _TEXTS:
            value = record[key]
            if type(value) is not str or not low <= len(value) <= high:
                return _wrong(key)
        for key, low, high in _INTEGERS:
            value = record[key]
            if type(value) is not int or not low <= value <= high:
                return _wrong(key)
        for key in _TIMES:
            if not is_time(record[key]):
                return _wrong(key)
        for key in _TIMES_OR_NULL:
            value = record[key]
            if value is not None and not is_time(value):
                return _wrong(key)
        for key in _FLAGS:
            if type(record[key]) is not bool:
                return _wrong(key)
        for key, allowed, nullable in _CHOICES:
            value = record[key]
            if not ((value is None and nullable) or (type(value) is str and value in allowed)):
                return _wrong(key)
        if not _sha_or_null(record["result_file"]):
            return _wrong("result_file")
        added = _added_problem(record)
        if added:
            return added
        documents = record["documents"]
        if type(documents) is not list or len(documents) > MAX_DOCUMENTS:
            return _wrong("documents")
        for document in documents:
            problem = _document_problem(document)
            if problem:
                return problem
    except KeyError as missing:
        return f"thiếu trường «{missing.args[0]}»"
    return None


def _document_problem(document) -> str | None:
    if type(document) is not dict:
        return _wrong("documents")
    position, name, kind, quantity = document["position"], document["name"], document["copy_kind"], document["quantity"]
    if type(position) is not int or not 1 <= position <= MAX_DOCUMENTS:
        return _wrong("documents.position")
    if type(name) is not str or not 1 <= len(name) <= TEXT:
        return _wrong("documents.name")
    if type(kind) is not str or kind not in COPY_KINDS:
        return _wrong("documents.copy_kind")
    if type(quantity) is not int or not 1 <= quantity <= MAX_INT:
        return _wrong("documents.quantity")
    if not _sha_or_null(document["file_sha256"]):
        return _wrong("documents.file_sha256")
    if type(document["not_required"]) is not bool:
        return _wrong("documents.not_required")
    reused = document["reused_from"]
    if reused is not None and (type(reused) is not int or not 1 <= reused <= MAX_INT):
        return _wrong("documents.reused_from")
    return None


def event_batch_problem(batch: list) -> tuple[int, str] | None:
    """(position in `batch`, what is wrong) of the first bad event record, or None; the dossier
    an event names is checked by the caller."""
    times: list[str] = []
    if all(_valid_event(record, times) for record in batch) and are_times(tuple(times)):
        return None
    for index, record in enumerate(batch):
        problem = _event_explained(record)
        if problem:
            return index, problem
    return 0, "không đúng định dạng"


_EVENT_VALUES = operator.itemgetter("id", "dossier", "at", "kind", "officer", "detail")


def _valid_event(record, times: list[str]) -> bool:
    if type(record) is not dict:
        return False
    try:
        event_id, code, at, kind, officer, detail = _EVENT_VALUES(record)
        times.append(at)
        return type(event_id) is int and 1 <= event_id <= MAX_EVENT_ID and type(code) is str and len(code) <= SHORT \
            and kind in EVENT_KINDS and type(officer) is str and len(officer) <= NAME and type(detail) is dict
    except (KeyError, TypeError):
        return False


def _event_explained(record) -> str | None:
    if type(record) is not dict:
        return "không phải một đối tượng JSON"
    try:
        event_id, code, at, kind, officer, detail = _EVENT_VALUES(record)
    except KeyError as missing:
        return f"thiếu trường «{missing.args[0]}»"
    if type(event_id) is not int or not 1 <= event_id <= MAX_EVENT_ID:
        return _wrong("id")
    if type(code) is not str or len(code) > SHORT:
        return _wrong("dossier")
    if not is_time(at):
        return _wrong("at")
    if type(kind) is not str or kind not in EVENT_KINDS:
        return _wrong("kind")
    if type(officer) is not str or len(officer) > NAME:
        return _wrong("officer")
    if type(detail) is not dict:
        return _wrong("detail")
    return None


def v2_dossier_problem(record: dict) -> str | None:
    """Format 2: the Lamport time the exporting station knew of the dossier."""
    lamport = record.get("lamport") if type(record) is dict else None
    if type(lamport) is not int or not 0 <= lamport <= MAX_INT:
        return _wrong("lamport")
    return None


def v2_event_problem(record: dict, origins: dict) -> str | None:
    """Format 2 (issue 12): what is wrong with an event's place in the unit's log, or with its detail as
    the fold takes it; None when sound. `origins`: the manifest's stations and the ranges of their logs."""
    from counter import sync_records

    if type(record) is not dict:
        return "không phải một đối tượng JSON"
    origin, seq, lamport = record.get("origin"), record.get("seq"), record.get("lamport")
    span = origins.get(origin) if type(origin) is str else None
    if span is None:
        return "sự kiện của một máy không có trong bản kê («origins»)"
    if type(seq) is not int or not span["after"] < seq <= span["through"]:
        return _wrong("seq")
    if type(lamport) is not int or not 1 <= lamport <= MAX_INT:
        return _wrong("lamport")
    if "receipt" not in record:
        return "thiếu trường «receipt»"
    try:
        sync_records.check_detail(record["kind"], record["detail"], record["receipt"], record["dossier"])
    except sync_records.BadRecord as exc:
        return str(exc)
    except (KeyError, TypeError):
        return "không đúng định dạng"
    return None


def _sha_or_null(value) -> bool:
    """None, or 64 lowercase hex digits (nothing is left once they are stripped)."""
    return value is None or (type(value) is str and len(value) == 64 and not value.strip(_HEX))


_HEX = "0123456789abcdef"


def _wrong(field: str) -> str:
    return f"trường «{field}» sai kiểu hoặc giá trị"
