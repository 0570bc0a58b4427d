"""The records of a sync segment (docs/sync.md, "Records") and the checks each one passes before anything is
written: a file in the sync folder is hostile input, and a hash only says its bytes did not change.

Two kinds of record, one per line:
- `event`: a dossier's event, with its place in the unit's log (origin, seq, lamport), the dossier's code,
  the receipt it was taken on and the scans it refers to (hash, size, name);
- `unit`: a unit-wide change, a last-writer-wins register (kind, key, value).
"""

import operator
import re
from collections.abc import Mapping
from typing import Any

import orjson

from counter import sync_log
from counter.codes import MAX_WORKSTATION
from counter.dossier import CHANNELS, DOCUMENTS, EDITABLE, RATINGS, RECEIVED_KEYS, RETURN_CHANNELS, DocumentState
from counter.export_archive import MAX_INT, are_times, is_sha256, is_time
from counter.roles import ROLES
from counter.settings import FORM_SETS, LEVELS, UnitSettings, unit_wide
from counter.transitions import EventKind

WS_ID = re.compile(r"[0-9a-f]{16}")
USERNAME = re.compile(r"[a-z0-9._-]{3,32}")
SHORT, NAME, TEXT = 255, 1000, 10_000
MAX_DOCUMENTS = 1000
MAX_SCAN = 256 << 20
_CLOCK = re.compile(r"[0-2][0-9]:[0-5][0-9]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KINDS = frozenset(kind.value for kind in EventKind)
_SETTINGS = {f: default for f, default in UnitSettings.__dataclass_fields__.items() if unit_wide(f)}
_HASH_PREFIX = "$argon2"


class BadRecord(ValueError):
    """A record no counter of this unit writes; its segment is skipped with this reason."""


def event_record(origin: str, row: tuple, files: Mapping[str, tuple[int, str]], legacy: Mapping | None = None) -> dict:
    """An event as a segment carries it, from db/sync.py own_events' row and the stored scans' sizes and names.
    `legacy`: for a receipt written before receipts carried the dossier's first state, the dossier's stored
    row and documents fill what it lacks (its later events carry the rest)."""
    seq, lamport, at, kind, officer, detail, code, receipt_origin, receipt_seq = row
    if legacy is not None and kind == EventKind.RECEIVED:
        stored, documents = legacy["row"], legacy["documents"]
        detail = dict(detail)
        for key in RECEIVED_KEYS:
            detail.setdefault(key, stored[key])
        detail.setdefault(DOCUMENTS, [DocumentState.of_row(d).detail() for d in documents])
    shas = referenced_files(kind, detail)
    return {"type": "event", "origin": origin, "seq": seq, "lamport": lamport, "at": at, "kind": kind,
            "officer": officer, "code": code,
            "receipt": None if receipt_origin is None else [receipt_origin, receipt_seq], "detail": detail,
            "files": [{"sha256": sha, "size": files[sha][0], "name": files[sha][1]} for sha in shas if sha in files]}


def unit_record(origin: str, row: tuple) -> dict:
    seq, lamport, at, officer, kind, key, value = row
    return {"type": "unit", "origin": origin, "seq": seq, "lamport": lamport, "at": at, "officer": officer,
            "kind": kind, "key": key, "value": orjson.loads(value)}


def referenced_files(kind: str, detail: Mapping) -> list[str]:
    """The scans an event's detail refers to (each must travel with it: the dossier's rows refer to them)."""
    if kind == EventKind.RECEIVED:
        documents = detail.get(DOCUMENTS)
        found = [d.get("file") for d in documents if isinstance(d, Mapping)] if isinstance(documents, list) else []
    elif kind in (EventKind.RESULT_RECORDED, EventKind.RESULT_DIGITIZED, EventKind.DIGITIZED):
        found = [detail.get("file")]
    else:
        found = []
    return sorted({sha for sha in found if isinstance(sha, str)})


# --- checks ---------------------------------------------------------------------------------------

def check(record: Any, origin: str, seq: int, codes: re.Pattern) -> None:
    """Raise BadRecord unless `record` is record number `seq` of station `origin`, well formed throughout."""
    if not isinstance(record, dict):
        raise BadRecord(f"bản ghi {seq} không phải đối tượng JSON")
    if record.get("origin") != origin or record.get("seq") != seq or type(record.get("seq")) is not int:
        raise BadRecord(f"bản ghi {seq} không thuộc quầy này hoặc sai số thứ tự")
    if not _int(record.get("lamport"), 1, MAX_INT) or not is_time(record.get("at")) \
            or not _text(record.get("officer"), 0, NAME):
        raise BadRecord(f"bản ghi {seq} thiếu hoặc sai thời điểm, đồng hồ Lamport hay cán bộ")
    kind = record.get("type")
    try:
        if kind == "event":
            _check_event(record, codes)
        elif kind == "unit":
            _check_unit(record)
        else:
            raise BadRecord("loại bản ghi lạ")
    except BadRecord as exc:
        raise BadRecord(f"bản ghi {seq}: {exc}") from None


def _check_event(record: dict, codes: re.Pattern) -> None:
    kind: Any = record.get("kind")
    code: Any = record.get("code")
    detail: Any = record.get("detail")
    receipt: Any = record.get("receipt")
    if kind not in _KINDS:
        raise BadRecord(f"loại sự kiện «{str(kind)[:40]}» không có trong bảng trạng thái (phần mềm cũ hơn?)")
    if not isinstance(code, str) or not codes.fullmatch(code):
        raise BadRecord("mã hồ sơ không thuộc đơn vị")
    check_detail(kind, detail, receipt, code)
    files = record.get("files")
    if not isinstance(files, list) or len(files) > MAX_DOCUMENTS + 2:
        raise BadRecord("danh sách tệp quét sai")
    listed = set()
    for item in files:
        if not (isinstance(item, dict) and is_sha256(item.get("sha256")) and _int(item.get("size"), 0, MAX_SCAN)
                and _text(item.get("name"), 0, SHORT)):
            raise BadRecord("tệp quét mô tả sai")
        listed.add(item["sha256"])
    if not set(referenced_files(kind, detail)) <= listed:
        raise BadRecord("sự kiện nhắc đến tệp quét không kèm mô tả")


def check_detail(kind: str, detail: Any, receipt: Any, code: str) -> None:
    """An event's detail and receipt, as the fold and the dossier's columns take them (the unit sync and
    the province's format 2 import both check them); raises BadRecord."""
    if not isinstance(detail, dict):
        raise BadRecord("chi tiết sự kiện không phải đối tượng")
    if kind == EventKind.RECEIVED:
        if receipt is not None:
            raise BadRecord("sự kiện tiếp nhận lại gắn với một lần tiếp nhận khác")
        _check_receipt(detail, code)
    elif not (isinstance(receipt, list) and len(receipt) == 2 and isinstance(receipt[0], str)
              and WS_ID.fullmatch(receipt[0]) and _int(receipt[1], 1, MAX_INT)):
        raise BadRecord("sự kiện không ghi lần tiếp nhận của hồ sơ")
    else:
        _check_step(kind, detail)


_RECEIPT_TEXTS = (("procedure_code", 1, SHORT), ("procedure_name", 0, TEXT), ("applicant_name", 1, NAME),
                  ("id_number", 0, SHORT), ("phone", 0, SHORT), ("address", 0, TEXT), ("email", 0, SHORT))
_RECEIPT_TIMES = ("clock_start_at", "due_at", "appointment_at")


_RECEIPT_VALUES = operator.itemgetter("code", "unit_code", *(key for key, _, _ in _RECEIPT_TEXTS), *_RECEIPT_TIMES,
                                      "workstation", "days", "fee", "ledger_year", "ledger_number", "reused",
                                      "channel", DOCUMENTS)
_RECEIPT_SHORTEST = tuple(low for _, low, _ in _RECEIPT_TEXTS)
_RECEIPT_LONGEST = tuple(high for _, _, high in _RECEIPT_TEXTS)
_RECEIPT_INTS_LOW, _RECEIPT_INTS_HIGH = (1, 0, 0, 2000, 1), (MAX_WORKSTATION, 3650, MAX_INT, 2100, MAX_INT)
_RECEIVED_KEY_SET = frozenset(RECEIVED_KEYS)
_DOCUMENT_VALUES = operator.itemgetter("position", "name", "copy_kind", "quantity", "file", "not_required", "reused")
_T, _M, _N = 2 + len(_RECEIPT_TEXTS), 2 + len(_RECEIPT_TEXTS) + len(_RECEIPT_TIMES), 2 + len(_RECEIPT_TEXTS) + 8


def _receipt_sound(detail: dict, code: str) -> bool:
    """`_check_receipt` passes, told by whole groups of fields at once (the province checks millions); False
    says only that the field-by-field check must say what is wrong (it may find nothing)."""
    try:
        values = _RECEIPT_VALUES(detail) if detail.keys() >= _RECEIVED_KEY_SET else None
        if values is None:
            return False
        texts, integers, documents = values[2:_T], values[_M:_N], values[-1]
        lengths = tuple(map(len, texts))
        if not (values[0] == code and type(values[1]) is str and code.startswith(values[1])
                and tuple(map(type, texts)) == (str,) * len(texts) and "\x00" not in "".join(texts)
                and all(map(operator.le, _RECEIPT_SHORTEST, lengths))
                and all(map(operator.le, lengths, _RECEIPT_LONGEST))
                and are_times(values[_T:_M]) and tuple(map(type, integers)) == (int,) * len(integers)
                and all(map(operator.le, _RECEIPT_INTS_LOW, integers))
                and all(map(operator.le, integers, _RECEIPT_INTS_HIGH))
                and values[_N] in (0, 1) and values[_N + 1] in CHANNELS
                and type(documents) is list and len(documents) <= MAX_DOCUMENTS):
            return False
        positions = set()
        for position, name, kind, quantity, sha, not_required, reused in map(_DOCUMENT_VALUES, documents):
            if not (type(position) is int and 1 <= position <= MAX_DOCUMENTS and type(name) is str
                    and 1 <= len(name) <= TEXT and "\x00" not in name and kind in ("original", "copy")
                    and type(quantity) is int and 1 <= quantity <= MAX_INT and (sha is None or is_sha256(sha))
                    and not_required in (True, False) and reused in (True, False)) or position in positions:
                return False
            positions.add(position)
        return True
    except (KeyError, TypeError):
        return False


def _check_receipt(detail: dict, code: str) -> None:
    if _receipt_sound(detail, code):
        return
    if not set(RECEIVED_KEYS) <= detail.keys() or not isinstance(detail.get(DOCUMENTS), list):
        raise BadRecord("sự kiện tiếp nhận thiếu trạng thái đầu của hồ sơ")
    if detail["code"] != code or not isinstance(detail["unit_code"], str) or not code.startswith(detail["unit_code"]):
        raise BadRecord("mã hồ sơ trong sự kiện tiếp nhận không khớp")
    for key, low, high in _RECEIPT_TEXTS:
        if not _text(detail[key], low, high):
            raise BadRecord(f"trường «{key}» sai")
    for key in _RECEIPT_TIMES:
        if not is_time(detail[key]):
            raise BadRecord(f"thời điểm «{key}» sai")
    if not (_int(detail["workstation"], 1, MAX_WORKSTATION) and _int(detail["days"], 0, 3650)
            and _int(detail["fee"], 0, MAX_INT)
            and _int(detail["ledger_year"], 2000, 2100) and _int(detail["ledger_number"], 1, MAX_INT)
            and detail["reused"] in (0, 1) and detail["channel"] in CHANNELS):
        raise BadRecord("số quầy, thời hạn, phí, số sổ hoặc kênh nộp sai")
    documents = detail[DOCUMENTS]
    if len(documents) > MAX_DOCUMENTS:
        raise BadRecord("quá nhiều giấy tờ")
    positions = set()
    for d in documents:
        if not (isinstance(d, dict) and _int(d.get("position"), 1, MAX_DOCUMENTS) and _text(d.get("name"), 1, TEXT)
                and d.get("copy_kind") in ("original", "copy") and _int(d.get("quantity"), 1, MAX_INT)
                and (d.get("file") is None or is_sha256(d.get("file"))) and d.get("not_required") in (True, False)
                and d.get("reused") in (True, False)) or d["position"] in positions:
            raise BadRecord("giấy tờ trong sự kiện tiếp nhận mô tả sai")
        positions.add(d["position"])


def _check_step(kind: str, detail: dict) -> None:
    """The fields each step's effect reads (counter/dossier.py), of the types the dossier's columns take."""
    for key in ("reason", "to", "timeliness", "procedure_name"):
        if key in detail and not _text(detail[key], 0, TEXT):
            raise BadRecord(f"trường «{key}» sai")
    for key in ("clock_start_at", "due_at", "new_appointment"):
        if key in detail and not is_time(detail[key]):
            raise BadRecord(f"thời điểm «{key}» sai")
    if "file" in detail and detail["file"] is not None and not is_sha256(detail["file"]):
        raise BadRecord("mã tệp quét sai")
    if kind == EventKind.RETURNED:
        if detail.get("channel") not in (None, *RETURN_CHANNELS) or detail.get("rating") not in (None, *RATINGS):
            raise BadRecord("hình thức trả hoặc đánh giá sai")
    elif kind == EventKind.DIGITIZED:
        if not _int(detail.get("document"), 1, MAX_DOCUMENTS) or detail.get("not_required", False) not in (True, False):
            raise BadRecord("giấy tờ số hóa sai")
    elif kind == EventKind.EDITED:
        _check_edit(detail)
    if kind == EventKind.EDITED and "days" in detail and not _int(detail["days"], 0, 3650):
        raise BadRecord("thời hạn sai")


def _check_edit(detail: dict) -> None:
    field, new = detail.get("field"), detail.get("new")
    if field not in EDITABLE:
        raise BadRecord("trường sửa không có")
    if field == "fee":
        good = _int(new, 0, MAX_INT)
    elif field == "channel":
        good = new in CHANNELS
    elif field in ("name", "procedure"):
        good = _text(new, 1, NAME if field == "name" else SHORT)
    else:
        good = _text(new, 0, TEXT)
    if not good:
        raise BadRecord(f"giá trị mới của «{field}» sai")


def _check_unit(record: dict) -> None:
    kind: Any = record.get("kind")
    key: Any = record.get("key")
    value: Any = record.get("value")
    if kind not in sync_log.UNIT_KINDS or not _text(key, 1, SHORT):
        raise BadRecord("thay đổi của đơn vị không rõ loại")
    if kind == sync_log.SETTING:
        _check_setting(key, value)
    elif kind == sync_log.PROCEDURE:
        if not (isinstance(value, dict) and value.get("code") == key and _text(value.get("name"), 1, TEXT)
                and _int(value.get("days"), 0, 3650)
                and (value.get("fee") is None or _int(value.get("fee"), 0, MAX_INT))
                and all(_text(value.get(f, ""), 0, TEXT) for f in ("field", "level", "note"))
                and isinstance(value.get("documents", []), list)
                and all(_text(d, 1, TEXT) for d in value.get("documents", []))
                and value.get("cutoff") in (None, True, False)):
            raise BadRecord(f"thủ tục {key[:20]} mô tả sai")
    elif kind == sync_log.CALENDAR:
        if not (_DAY.fullmatch(key) and is_time(key + "T00:00:00")) or not (
                value is None or (isinstance(value, dict) and value.get("working") in (True, False)
                                  and _text(value.get("reason"), 0, NAME))):
            raise BadRecord("ngày trong lịch làm việc mô tả sai")
    elif kind == sync_log.ACCOUNT:
        if not (USERNAME.fullmatch(key) and isinstance(value, dict) and _text(value.get("full_name"), 1, NAME)
                and value.get("role") in ROLES and _text(value.get("password_hash"), 1, NAME)
                and value["password_hash"].startswith(_HASH_PREFIX) and value.get("active") in (True, False)):
            raise BadRecord("tài khoản mô tả sai")
    elif kind == sync_log.RESOLUTION:
        origin, _, seq = key.partition(":")
        if not (WS_ID.fullmatch(origin) and seq.isdigit() and isinstance(value, dict)
                and _text(value.get("reason"), 1, TEXT)):
            raise BadRecord("xử lý xung đột mô tả sai")


def _check_setting(key: str, value: Any) -> None:
    if key not in _SETTINGS:
        raise BadRecord(f"thiết lập «{key[:40]}» không phải của đơn vị")
    default = _SETTINGS[key].default
    if key == "form_wording":
        good = isinstance(value, dict) and all(
            isinstance(form, str) and isinstance(lines, dict) and all(
                isinstance(k, str)
                and (_text(t, 0, TEXT) or (isinstance(t, list) and all(_text(x, 0, TEXT) for x in t)))
                for k, t in lines.items()) for form, lines in value.items())
    elif isinstance(default, bool):
        good = value in (True, False)
    elif key in ("office_open", "office_close", "cutoff"):
        good = isinstance(value, str) and _CLOCK.fullmatch(value) is not None
    elif key == "level":
        good = value in LEVELS
    elif key == "form_set":
        good = value in FORM_SETS
    elif isinstance(default, int):
        good = _int(value, 0, MAX_INT)
    else:
        good = _text(value, 0, NAME)
    if not good:
        raise BadRecord(f"giá trị của thiết lập «{key}» sai")


def _int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _text(value: Any, low: int, high: int) -> bool:
    return type(value) is str and low <= len(value) <= high and "\x00" not in value
