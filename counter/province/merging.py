"""One dossier from every counter of a unit (issue 12, export format 2).

Each counter exports what it originated: its own events, each with its place in the unit's log (origin,
seq, Lamport time) and the receipt it was taken on, and for every dossier they touch its state as that
counter saw it. The province keeps every event once, by (unit, origin, seq), and folds a dossier's events
from all the unit's files by the unit's own fold (counter/dossier.py: fold), so whatever counter exported
what, in whatever order, it holds what the unit's synced counters hold.

A fold is trusted only when no part of any station's log is missing (every file covers a range of its
station's log; a file not yet received leaves a hole). Until then, and for a dossier whose receipt has not
arrived, the dossier is the state the best-informed file gave (the greatest Lamport time it knew). The
stored record is the file's own whenever it says what the fold says (so it keeps the unit's own times),
and one written from the fold otherwise.

The file's own part of that work needs no database: the parser process (counter/province/importing.py)
prepares the rows and folds each dossier's events of the file (`FileFold`). For the first file of a unit
those are all the events there are, and the writer stores the parser's result as it is; otherwise it
folds again with the events the province holds.
"""

import hashlib
import json
from collections.abc import Mapping

import orjson

from counter.dossier import _BOOLEAN, REPLAYED, DossierState, ReplayError, fold, order_key, replay
from counter.session import Session
from counter.transitions import EventKind
from db.province_store import ADDED_FIELDS, QUERIED_FIELDS

# A prepared dossier row: (workstation, version (the Lamport time known), record sha256, *QUERIED_FIELDS,
# *ADDED_FIELDS, record text); the database's ids (unit, file) go around it (`_stored`).
_LAMPORT, _LINE = 1, -1
# A prepared event row: UNIT_EVENT_COLUMNS less unit_id and file_id.
_ORIGIN, _SEQ = 0, 1
_CODE = 3


def _compared(row: tuple) -> tuple:
    """What two copies of one event (an `event_row`) must agree on: `held_in`'s values."""
    return row[2], row[3], row[5], row[6], row[7], row[8], row[9], row[10]


_DETAIL = 5  # in `_compared`


def _same_event(held: tuple, row: tuple) -> bool:
    """Whether a held event (`held_in`'s values, its detail as text) is the one `row` (an `event_row`, its
    detail as orjson's bytes) describes. A detail stored before its text was written by orjson (", " and
    ": " between items) is the same when it reads as the same JSON, written again the same way."""
    compared = _compared(row)
    detail, incoming = held[_DETAIL], compared[_DETAIL]
    if held[:_DETAIL] + held[_DETAIL + 1:] != compared[:_DETAIL] + compared[_DETAIL + 1:] or type(detail) is not str:
        return False
    return detail.encode() == incoming or _rewritten(detail) == incoming


def _rewritten(text: str) -> bytes | None:
    try:
        return orjson.dumps(orjson.loads(text))
    except orjson.JSONDecodeError:
        return None


def dossier_row(record: Mapping, lamport: int, line: bytes) -> tuple:
    """A dossier record as the province stores it, less the unit and file ids; the record as the UTF-8 bytes
    of its line (db/ stores them as text: a parser's rows reach the writer without decoding, twice)."""
    return (record["workstation"], lamport, hashlib.sha256(line).digest(), *(record[f] for f in QUERIED_FIELDS),
            *(record.get(name, absent) for name, absent in ADDED_FIELDS), line)


def event_row(record: Mapping) -> tuple:
    """An event record as the province stores it, less the unit and file ids; its detail as orjson's bytes."""
    receipt = record["receipt"] or (None, None)
    return (record["origin"], record["seq"], record["lamport"], record["dossier"], record["id"], record["at"],
            record["kind"], record["officer"], orjson.dumps(record["detail"]), receipt[0], receipt[1])


class FileFold:
    """In the parser: each dossier's events of one file folded, as if the province held no others.

    `exceptions()` gives code -> (whether a receipt of the file conflicts, the row to store or None for
    the file's own) for the codes where the answer is not "the file's own record, no conflict"; None
    when the file names one event twice (the province then folds what it stored, as it does for a file of
    more than importing.FOLD_AHEAD dossiers)."""

    def __init__(self, origins: Mapping):
        self.origins = origins
        self.keys: set[tuple[str, int]] = set()
        self.twice = False
        self.found: dict[str, tuple[bool, tuple | None]] = {}

    def dossier(self, code: str, record: dict, events: list[dict], rows: list[tuple]) -> None:
        """`record`: the file's dossier record; `events`: its event records, `rows` as `event_row` made them."""
        before = len(self.keys)
        self.keys.update((row[_ORIGIN], row[_SEQ]) for row in rows)
        self.twice = self.twice or len(self.keys) - before != len(rows)
        # The records themselves are the fold's events: checked (records.v2_event_problem), with every
        # key the fold reads; a receipt as a list of two compares as the pair.
        state, skipped = _fold(events)
        conflict = _receipt_conflict(skipped, self.origins)
        own = None
        if state is not None and _record_differs(state, record):
            lamport, line = _from_fold(state, [(r[0], r[1], r[2], r[4], r[5]) for r in rows])
            own = dossier_row(orjson.loads(line), lamport, line)
        if conflict or own is not None:
            self.found[code] = (conflict, own)

    def exceptions(self) -> dict[str, tuple[bool, tuple | None]] | None:
        return None if self.twice else self.found


class UnitMerge:
    """A format 2 file's dossiers and events, merged into the unit's, in the caller's transaction.

    `first`: the unit has no other file at the province, so it holds no dossier with this file's codes
    (a code names its unit: records.code_pattern) and no event of the unit."""

    def __init__(self, session: Session, unit_id: int, unit_code: str, file_id: int, manifest: dict, first: bool):
        self.session, self.store = session, session.province
        self.unit_id, self.unit_code, self.file_id, self.manifest = unit_id, unit_code, file_id, manifest
        self.first = first
        self.incoming: dict[str, tuple] = {}  # code -> the file's prepared row
        self.held: dict[tuple[str, int], tuple] | None = None
        self.folded: dict[str, tuple[bool, tuple | None]] | None = None
        self.events = 0
        self.changed = 0
        self.conflicts: list[dict] = []

    def dossiers(self, rows: list[tuple]) -> None:
        """Prepared rows (`dossier_row`) of the file's dossier records."""
        for row in rows:
            self.incoming[row[_CODE]] = row

    def unit_events(self, rows: list[tuple]) -> None:
        """Prepared rows (`event_row`) of the file's events. An event held already under the same identity
        with other content (two copies of one database that went on apart) is a conflict: reported, and the
        first one received stays; so is one the file itself names twice."""
        if self.held is None:  # the events held in the file's ranges before it, read once
            self.held = {} if self.first else self.store.held_in(self.unit_id, {
                origin: (span["after"], span["through"]) for origin, span in self.manifest["origins"].items()})
        held, unit_id, file_id = self.held, self.unit_id, self.file_id
        if held:
            fresh = []
            for row in rows:
                before = held.get((row[_ORIGIN], row[_SEQ]))
                if before is None:
                    fresh.append((unit_id, *row, file_id))
                elif not _same_event(before, row):
                    self._event_differs(row)
        else:
            fresh = [(unit_id, *row, file_id) for row in rows]
        added = self.store.add_unit_events(fresh)
        self.events += added
        if added < len(fresh):
            # Some keys came twice in the file: each copy is held to the one stored.
            spans: dict[str, tuple[int, int]] = {}
            for row in fresh:
                low, high = spans.get(row[1], (row[2], row[2]))
                spans[row[1]] = (min(low, row[2] - 1), max(high, row[2]))
            stored = self.store.held_in(unit_id, spans)
            for row in fresh:
                if not _same_event(stored[(row[1], row[2])], row[1:-1]):
                    self._event_differs(row[1:-1])

    def _event_differs(self, row: tuple) -> None:
        self._conflict(row[_CODE], "same_version_differs",
                       f"hồ sơ {row[_CODE]}: sự kiện số {row[_SEQ]} của máy {row[_ORIGIN][:8]} đã nhận với "
                       "nội dung khác (hai bản sao của một cơ sở dữ liệu?)")

    def file_folded(self, exceptions: dict[str, tuple[bool, tuple | None]] | None) -> None:
        """The parser's `FileFold.exceptions()` of this file."""
        self.folded = exceptions

    def finish(self) -> None:
        was_trusted = self._trusted()
        self.store.add_ranges([(self.unit_id, origin, span["after"], span["through"], self.file_id)
                                            for origin, span in self.manifest["origins"].items()])
        trusted = self._trusted()
        codes = sorted(self.incoming)
        if self.first and self.folded is not None:
            self._store_folded(codes, trusted)
            return
        if trusted and not was_trusted:
            # A missing file arrived: every dossier of the unit is folded again.
            codes = sorted(set(codes) | set(self.store.unit_event_codes(self.unit_id)))
        for start in range(0, len(codes), 500):
            self._resolve(codes[start:start + 500], trusted)

    def _store_folded(self, codes: list[str], trusted: bool) -> None:
        """The unit's first file: its events are all the province holds, folded by the parser already."""
        folded = self.folded or {}
        incoming = self.incoming
        if trusted:
            for code, (conflict, row) in sorted(folded.items()):
                if conflict:
                    self._receipt_conflict(code)
                if row is not None:
                    incoming[code] = row
        for start in range(0, len(codes), 500):
            rows = [self._stored(incoming[code]) for code in codes[start:start + 500]]
            self.store.upsert_dossiers(rows)
            self.changed += len(rows)

    def _stored(self, row: tuple) -> tuple:
        return (self.unit_id, row[0], self.file_id, *row[1:])

    def _trusted(self) -> bool:
        for spans in self.store.ranges(self.unit_id).values():
            covered = 0
            for after, through in spans:
                if after > covered:
                    return False
                covered = max(covered, through)
        return True

    def _resolve(self, codes: list[str], trusted: bool) -> None:
        stored = self.store.stored_records(codes)
        events = self.store.unit_events_of(self.unit_id, codes)
        rows = []
        for code in codes:
            before = stored.get(code)
            if before is not None and before[0] != self.unit_id:
                self._other_unit(code)
                continue
            mine = self.incoming.get(code)
            own = None if mine is None else (mine[_LAMPORT], mine[_LINE])
            held = None if before is None else (orjson.loads(before[3]).get("lamport", -1), before[3].encode())
            candidate = _best_informed(held, own)
            state, skipped = _fold([_fold_event(e) for e in events.get(code, [])]) if trusted else (None, [])
            if code in self.incoming and _receipt_conflict(skipped, self.manifest["origins"]):
                self._receipt_conflict(code)
            if state is not None:
                # The record that says what the fold says, the stored one first (nothing changes then).
                candidate = next((c for c in (held, own) if c is not None and not _differs(state, c[1])), None) \
                    or _from_fold(state, events[code])
            if candidate is None:
                continue
            lamport, line = candidate
            digest = hashlib.sha256(line).digest()
            if before is not None and before[2] == digest:
                continue
            rows.append(self._stored(dossier_row(orjson.loads(line), lamport, line)))
        self.store.upsert_dossiers(rows)
        self.changed += len(rows)

    def _receipt_conflict(self, code: str) -> None:
        self._conflict(code, "other_dossier", f"mã {code} đã cấp cho một hồ sơ khác tiếp nhận trước; "
                       "hồ sơ này cần tiếp nhận lại")

    def _other_unit(self, code: str) -> None:
        self._conflict(code, "other_unit", f"mã {code} đã có ở đơn vị khác")

    def _conflict(self, code: str, kind: str, reason: str) -> None:
        if any(c["code"] == code and c["kind"] == kind for c in self.conflicts):
            return
        mine = self.incoming.get(code)
        line = "{}" if mine is None else mine[_LINE].decode()
        self.store.add_conflicts([(self.file_id, code, reason, line, self.manifest["created_at"])])
        self.conflicts.append({"code": code, "unit": self.unit_code, "workstation": self.manifest["workstation"],
                               "file": "", "kind": kind, "reason": reason})


def _fold(events: list[dict]) -> tuple[DossierState | None, list]:
    """`fold(events)`, by one replay where the fold would set nothing aside (one receipt first, every step
    taken on it and allowed): `fold` copies the state at every event to keep it when one is refused."""
    ordered = sorted(events, key=order_key)
    if ordered and ordered[0]["kind"] == EventKind.RECEIVED:
        receipt = (ordered[0]["origin"], ordered[0]["seq"])
        if all(e["kind"] != EventKind.RECEIVED and (e["receipt"] is None or tuple(e["receipt"]) == receipt)
               for e in ordered[1:]):
            try:
                return replay(ordered), []
            except ReplayError:
                pass
    return fold(events)


def _best_informed(held: tuple[int, bytes] | None, own: tuple[int, bytes] | None) -> tuple[int, bytes] | None:
    """The best-informed state received, (Lamport time known, record line): the stored one or this file's,
    by the Lamport time each knew (the file's own when they knew the same)."""
    if held is None:
        return own
    if own is None or held[0] > own[0]:
        return held
    return own


def _receipt_conflict(skipped: list, origins: Mapping) -> bool:
    """A receipt of this file set aside by the fold: its code was given to another dossier first."""
    return any(item.kind == "code" and item.event["kind"] == EventKind.RECEIVED and item.event["origin"] in origins
               for item in skipped)


def _fold_event(row: tuple) -> dict:
    origin, seq, lamport, _event_id, at, kind, officer, detail, receipt_origin, receipt_seq = row
    return {"at": at, "kind": kind, "officer": officer, "detail": json.loads(detail), "origin": origin, "seq": seq,
            "lamport": lamport, "receipt": None if receipt_origin is None else (receipt_origin, receipt_seq)}


def _differs(state: DossierState, line: bytes) -> bool:
    return _record_differs(state, orjson.loads(line))


def _record_differs(state: DossierState, record) -> bool:
    try:
        return bool(state.differences(record, record["documents"]))
    except (KeyError, TypeError):
        return True


def _from_fold(state: DossierState, events: list[tuple]) -> tuple[int, bytes]:
    """A dossier record written from the fold (the unit's own times of writing are not in the events):
    `events` as (origin, seq, lamport, event id, at, ...)."""
    lamport = max(e[2] for e in events)
    record = {key: (bool(state.row[key]) if key in _BOOLEAN else state.row[key]) for key in REPLAYED}
    record.update(updated_at=max(e[4] for e in events), version=lamport, lamport=lamport, documents=[
        {"position": d.position, "name": d.name, "copy_kind": d.copy_kind, "quantity": d.quantity,
         "file_sha256": d.file_sha256, "not_required": d.not_required, "reused_from": None}
        for d in state.documents])
    return lamport, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
