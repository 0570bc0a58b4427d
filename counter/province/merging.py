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
"""

import hashlib
import json

import orjson

from counter.dossier import _BOOLEAN, REPLAYED, DossierState, fold
from counter.session import Session
from counter.transitions import EventKind
from db.province_store import ADDED_FIELDS, QUERIED_FIELDS


class UnitMerge:
    """A format 2 file's dossiers and events, merged into the unit's, in the caller's transaction."""

    def __init__(self, session: Session, unit_id: int, unit_code: str, file_id: int, manifest: dict):
        self.session, self.store = session, session.province
        self.unit_id, self.unit_code, self.file_id, self.manifest = unit_id, unit_code, file_id, manifest
        self.incoming: dict[str, tuple[int, bytes]] = {}  # code -> (Lamport time known, record line)
        self.events = 0
        self.changed = 0
        self.conflicts: list[dict] = []

    def dossiers(self, rows: list[tuple]) -> None:
        """(version, *QUERIED_FIELDS, lamport, record line) rows of the file's dossier records."""
        for row in rows:
            self.incoming[row[1]] = (row[-2], row[-1])

    def event_groups(self, groups: list[tuple]) -> None:
        """(code, first id, last id, count, records JSON) groups of the file's events. An event held already
        under the same identity with other content (two copies of one database that went on apart) is a
        conflict: reported, and the first one received stays."""
        rows = []
        for code, _first, _last, _count, text in groups:
            for e in orjson.loads(text):
                receipt = e["receipt"] or (None, None)
                rows.append((self.unit_id, e["origin"], e["seq"], e["lamport"], code, e["id"], e["at"], e["kind"],
                             e["officer"], json.dumps(e["detail"], ensure_ascii=False), receipt[0], receipt[1],
                             self.file_id))
        held = self.store.held_events(self.unit_id, [(r[1], r[2]) for r in rows])
        fresh = []
        for row in rows:
            before = held.get((row[1], row[2]))
            if before is None:
                fresh.append(row)
            elif before != (row[3], row[4], row[6], row[7], row[8], row[9], row[10], row[11]):
                self._conflict(row[4], "same_version_differs",
                               f"hồ sơ {row[4]}: sự kiện số {row[2]} của máy {row[1][:8]} đã nhận với nội dung khác "
                               "(hai bản sao của một cơ sở dữ liệu?)")
        self.events += self.store.add_unit_events(fresh)

    def finish(self) -> None:
        was_trusted = self._trusted()
        self.store.add_ranges([(self.unit_id, origin, span["after"], span["through"], self.file_id)
                                            for origin, span in self.manifest["origins"].items()])
        trusted = self._trusted()
        codes = sorted(self.incoming)
        if trusted and not was_trusted:
            # A missing file arrived: every dossier of the unit is folded again.
            codes = sorted(set(codes) | set(self.store.unit_event_codes(self.unit_id)))
        for start in range(0, len(codes), 500):
            self._resolve(codes[start:start + 500], trusted)

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
            candidate = self._candidate(code, before)
            state, skipped = fold([_fold_event(e) for e in events.get(code, [])]) if trusted else (None, [])
            for item in skipped:
                if item.kind == "code" and item.event["kind"] == EventKind.RECEIVED and code in self.incoming \
                        and item.event["origin"] in self.manifest["origins"]:
                    self._conflict(code, "other_dossier", f"mã {code} đã cấp cho một hồ sơ khác tiếp nhận trước; "
                                   "hồ sơ này cần tiếp nhận lại")
            if state is not None:
                # The record that says what the fold says, the stored one first (nothing changes then).
                held = None if before is None else (orjson.loads(before[3]).get("lamport", -1), before[3].encode())
                mine = self.incoming.get(code)
                candidate = next((c for c in (held, mine) if c is not None and not _differs(state, c[1])), None) \
                    or _from_fold(state, events[code])
            if candidate is None:
                continue
            lamport, line = candidate
            digest = hashlib.sha256(line).digest()
            if before is not None and before[2] == digest:
                continue
            record = orjson.loads(line)
            rows.append((self.unit_id, record["workstation"], self.file_id, lamport, digest,
                         *(record[f] for f in QUERIED_FIELDS),
                         *(record.get(name, absent) for name, absent in ADDED_FIELDS), line.decode()))
        self.store.upsert_dossiers(rows)
        self.changed += len(rows)

    def _candidate(self, code: str, before: tuple | None) -> tuple[int, bytes] | None:
        """The best-informed state received: this file's or the stored one, by the Lamport time each knew."""
        mine = self.incoming.get(code)
        if before is None:
            return mine
        stored_record = orjson.loads(before[3])
        stored = (stored_record.get("lamport", -1), before[3].encode())
        if mine is None or stored[0] > mine[0]:
            return stored
        return mine

    def _other_unit(self, code: str) -> None:
        self._conflict(code, "other_unit", f"mã {code} đã có ở đơn vị khác")

    def _conflict(self, code: str, kind: str, reason: str) -> None:
        if any(c["code"] == code and c["kind"] == kind for c in self.conflicts):
            return
        line = self.incoming.get(code, (0, b"{}"))[1]
        self.store.add_conflicts([(self.file_id, code, reason, line.decode(), self.manifest["created_at"])])
        self.conflicts.append({"code": code, "unit": self.unit_code, "workstation": self.manifest["workstation"],
                               "file": "", "kind": kind, "reason": reason})


def _fold_event(row: tuple) -> dict:
    origin, seq, lamport, _event_id, at, kind, officer, detail, receipt_origin, receipt_seq = row
    return {"at": at, "kind": kind, "officer": officer, "detail": json.loads(detail), "origin": origin, "seq": seq,
            "lamport": lamport, "receipt": None if receipt_origin is None else (receipt_origin, receipt_seq)}


def _differs(state: DossierState, line: bytes) -> bool:
    record = orjson.loads(line)
    try:
        return bool(state.differences(record, record["documents"]))
    except (KeyError, TypeError):
        return True


def _from_fold(state: DossierState, events: list[tuple]) -> tuple[int, bytes]:
    """A dossier record written from the fold (the unit's own times of writing are not in the events)."""
    lamport = max(e[2] for e in events)
    record = {key: (bool(state.row[key]) if key in _BOOLEAN else state.row[key]) for key in REPLAYED}
    record.update(updated_at=max(e[4] for e in events), version=lamport, lamport=lamport, documents=[
        {"position": d.position, "name": d.name, "copy_kind": d.copy_kind, "quantity": d.quantity,
         "file_sha256": d.file_sha256, "not_required": d.not_required, "reused_from": None}
        for d in state.documents])
    return lamport, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
