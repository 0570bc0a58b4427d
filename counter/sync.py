"""Đồng bộ giữa các quầy của một đơn vị (issue 12): one unit, many counters, no server.

Each counter keeps its own database and shares a sync folder (a Windows/Samba share, or a USB stick
carried from PC to PC) with the others; docs/sync.md tells the design. One sync:
1. reads every other station's station.json in the unit's folder (another unit's, or a damaged one, is
   skipped and reported), checks its signature (counter/sync_trust.py: only a counter the unit admin
   approved is trusted) and refuses to go on if another station has this counter's number; for each trusted
   one, checks that the head of its audit trail continues the one seen before (counter/peers.py: extends),
   and reports a trail cut or rewritten;
2. writes this station's records the folder lacks (a new USB stick, a deleted file: written again from
   the database), then merges many small segments into a few (compaction);
3. reads the others' segments in causal order, each checked whole (signed by an approved counter, body
   hash, every record) before one write transaction applies it (records, dossiers folded again, conflicts,
   and so what was applied of that station); a segment that fails is skipped, reported and read again at the
   next sync, so one whose counter the admin approves later is applied then;
4. copies scans after the records, so a dossier never waits for its scans;
5. rewrites station.json (signed) with what it applied of everyone and the head of its own audit trail.
A folder that is not there (share down, stick out) is reported in one line and the counter goes on.
"""

import sqlite3
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import orjson

from counter import audit, peers, sync_apply, sync_folder, sync_log, sync_records, sync_trust
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.dossier import RECEIVED_KEYS
from counter.errors import CounterError
from counter.export_archive import is_int, is_sha256
from counter.province.records import code_pattern
from counter.session import Session
from counter.text import REASON, clean_text
from counter.transitions import EventKind, Permission
from db import chain as chain_table
from db import dossiers as dossier_table
from db import keys as key_table
from db import lock
from db import sync as sync_table
from db.connection import write

COMPACT_ABOVE = 50  # own segments before they are merged
MAX_ANCHOR_ROWS = 50_000  # audit rows station.json carries at most (a peer away longer is not checked once)
MAX_WARNINGS = 20  # audit trails found cut or rewritten that `sync status` keeps
_verified: dict[tuple, tuple[int, int]] = {}  # own segments checked by this process: (path, size, mtime) -> range


def sync(session: Session, folder: str | Path | None = None, scans: bool = True) -> dict:
    """One sync with the unit's folder (`folder`, else the setting `sync_folder`); the contract's summary
    {"sent", "received", "workstations", "conflicts", "skipped"} plus "ok", "problem", "folder", "waiting",
    "warnings" (peers whose audit trail was found cut or rewritten). `scans=False` leaves the scans to
    `fetch_scans` (the desk does them second)."""
    settings = session.require_unit()
    chosen = str(folder) if folder else settings.sync_folder
    if not chosen:
        raise CounterError("Chưa chọn thư mục đồng bộ: dùng «sync --folder THƯ_MỤC» hoặc "
                           "«settings set sync_folder THƯ_MỤC».", "no sync folder set")
    base = Path(chosen)
    with lock.exclusive_file(_lock_path(session)):
        return _Run(session, base).run(scans)


def fetch_scans(session: Session, folder: str | Path | None = None) -> int:
    """Copy the scans this counter still lacks from the other stations' folders; returns how many."""
    settings = session.require_unit()
    base = Path(folder or settings.sync_folder)
    if not settings.sync_folder and not folder:
        return 0
    with lock.exclusive_file(_lock_path(session)):
        return _fetch(session, sync_folder.unit_folder(base, settings.unit_code))


def status(session: Session) -> dict:
    """How fresh this counter's data is: the last sync, the folder's problem if any, and every station
    with what it has written and what this counter has applied of it."""
    db = session.db
    settings = session.settings
    found = sync_table.status(db)
    me = sync_table.station(db)
    stations = _stations(session, me)
    current = [s for s in stations if s["current"]]
    complete = sum(1 for s in current if s["applied"] >= s["last_seq"])
    return {
        "folder": settings.sync_folder, "ws_id": me["ws_id"], "workstation": settings.workstation,
        "fingerprint": sync_trust.current_fingerprint(session), "warnings": found.get("warnings", []),
        "unapproved": [s for s in stations if s["current"] and not s["self"] and not s["approved"]],
        "name": settings.station_name, "lineage": me.get("lineage", []), "last_sync": found.get("last_ok"),
        "last_attempt": found.get("last_attempt"), "problem": found.get("problem"),
        "missing_since": found.get("missing_since"), "interval": settings.sync_interval,
        "stations": stations, "complete": complete, "known": len(current),
        "conflicts": _open_conflicts(session),
        "freshness": freshness(found.get("last_ok"), complete, len(current)),
    }


def freshness(last_ok: str | None, complete: int, known: int) -> str:
    """"đồng bộ lúc 10:42, 5/6 quầy", what every figure screen says of its data."""
    if not last_ok:
        return "chưa đồng bộ với quầy khác" if known > 1 else "một quầy, không đồng bộ"
    moment = from_iso(last_ok)
    day = "" if moment.date() == now().date() else f" {moment:%d/%m}"
    return f"đồng bộ lúc {moment:%H:%M}{day}, {complete}/{known} quầy"


def conflicts(session: Session) -> list[dict]:
    """Every conflict the fold set aside, the same on every synced counter, with whether the head of unit
    has resolved it."""
    session.require(Permission.VIEW)
    return _conflicts(session)


def _open_conflicts(session: Session) -> int:
    return sum(1 for c in _conflicts(session) if not c["resolved"])


def _conflicts(session: Session) -> list[dict]:
    db = session.db
    resolutions = sync_table.winners(db, sync_log.RESOLUTION)
    numbers = _numbers(session)
    result = []
    for c in sync_table.conflicts(db):
        resolution = resolutions.get(f"{c['origin']}:{c['seq']}")
        event = c["event"] or {}
        result.append({
            "id": conflict_id(c["origin"], c["seq"]), "code": c["code"], "kind": c["kind"], "reason": c["reason"],
            "workstation": numbers.get(c["origin"]), "at": event.get("at"), "event": event.get("kind"),
            "officer": event.get("officer", ""), "resolved": resolution is not None,
            "resolution": None if resolution is None else {"reason": resolution["value"]["reason"],
                                                           "officer": resolution["officer"], "at": resolution["at"]},
        })
    return result


def conflict_id(origin: str, seq: int) -> str:
    return f"{origin[:8]}-{seq}"


def resolve(session: Session, conflict: str, reason: str) -> dict:
    """The head of unit marks a conflict dealt with, giving the reason (usually a correction made, or the
    dossier entered again); every counter shows it resolved after its next sync."""
    session.require(Permission.EDIT)
    why = clean_text(reason, "Lý do", REASON)
    if not why:
        raise CounterError("Phải ghi rõ lý do xử lý xung đột.", "a reason is required")
    wanted = clean_text(conflict, "Mã xung đột", 40)
    found = [c for c in sync_table.conflicts(session.db) if conflict_id(c["origin"], c["seq"]) == wanted]
    if not found:
        raise CounterError(f"Không có xung đột «{wanted}» (xem «sync conflicts»).", "no such conflict")
    item = found[0]
    with write(session.db):
        sync_log.unit_change(session, sync_log.RESOLUTION, f"{item['origin']}:{item['seq']}", {"reason": why})
        audit.log(session, "sync_conflict_resolved", item["code"], {"conflict": wanted, "reason": why})
        session.note(Changes(sync=True))
    return next(c for c in _conflicts(session) if c["id"] == wanted)


def discover(folder: str | Path, unit_code: str, session: Session | None = None) -> list[dict]:
    """The counters a folder holds for this unit (the set-up dialog shows them before the officer
    chooses it): number, name, last written and when, the fingerprint of the key that signed its
    station.json and, given this counter's `session`, whether the admin approved it; nothing is written."""
    unit = sync_folder.unit_folder(Path(folder), unit_code)
    found = []
    for ws in sync_folder.stations(unit):
        try:
            station = sync_folder.read_station(unit / ws / sync_folder.STATION, ws, unit_code)
        except sync_folder.SyncFileError as exc:
            found.append({"ws_id": ws, "workstation": None, "name": "", "last_seen": None, "problem": str(exc),
                          "fingerprint": None, "approved": False})
            continue
        fingerprint = sync_trust.signer(station)
        approved = session is not None and fingerprint is not None and sync_trust.check(session, station).reason is None
        found.append({"ws_id": ws, "workstation": station["workstation"], "name": station["name"],
                      "last_seen": station["updated_at"], "records": station["last_seq"],
                      "problem": None if fingerprint else "tệp station.json không có chữ ký số hợp lệ",
                      "fingerprint": fingerprint, "approved": approved})
    return sorted(found, key=lambda s: (s["workstation"] or 99, s["ws_id"]))


def other_units(folder: str | Path, unit_code: str) -> list[str]:
    return sync_folder.other_units(Path(folder), unit_code)


# --- one run --------------------------------------------------------------------------------------

class _Run:
    def __init__(self, session: Session, base: Path):
        self.session, self.db, self.base = session, session.db, base
        self.settings = session.settings
        self.unit_code = self.settings.unit_code
        self.unit = sync_folder.unit_folder(base, self.unit_code)
        self.codes = code_pattern(self.unit_code)
        self.skipped: list[dict] = []
        self.received: dict[str, int] = defaultdict(int)
        self.waiting: dict[str, str] = {}
        self.applied = sync_apply.Applied()
        self.sent = 0
        self.started = now()
        self.sign = sync_trust.signing(session)
        self.found: dict[str, dict] = {}
        self.verdicts: dict[str, peers.Verdict] = {}  # station -> its station.json's signature checked
        self.signers: dict[str, str | None] = {}  # station -> the key that signed its station.json, if sound
        self.untrusted: dict[str, str] = {}  # station -> why its segments were not trusted in this run
        self.warnings: list[dict] = []

    def run(self, scans: bool) -> dict:
        if not _reachable(self.base):
            return self._missing()
        me = sync_table.station(self.db)
        own = self.unit / me["ws_id"]
        try:
            own.mkdir(parents=True, exist_ok=True)
            found = self._stations(me)
            self.found = found
            clash = _clash(me, self.settings.workstation, found)
            if clash:
                # Still says who it is, so the other counter sees the clash too; writes no records.
                published = max((b for _, b, _ in self._own_segments(own, me["ws_id"])), default=0)
                self._write_station(own, published)
                return self._refused(clash, found)
            self._note_peers(found)
            self._check_chains(found)
            self._write_own(own, found)
            written = sync_table.station(self.db)["seq"]
            self._read(found)
            if sync_table.station(self.db)["seq"] > written:
                # Applying wrote records of this counter's own (due dates counted again after another
                # counter's calendar change): they go out now, not a sync later.
                self._write_own(own, found)
            if scans:
                _fetch(self.session, self.unit)
            self._write_station(own)
        except OSError as exc:
            return self._failed(f"Không đọc/ghi được thư mục đồng bộ {self.base}: {exc.strerror or exc}.")
        before = sync_table.status(self.db)
        summary = self._summary(found, None)
        with write(self.db):
            sync_table.save_status(self.db, {"last_ok": iso(self.started), "last_attempt": iso(self.started),
                                             "folder": str(self.base), "problem": None, "missing_since": None,
                                             "clash": None, "keys": self._keys(before),
                                             "warnings": before.get("warnings", []),
                                             "anchors": before.get("anchors", {}),
                                             "station_writes": before.get("station_writes", 0)})
        self.session.note(self.applied.changes())
        if before.get("clash") or self.applied.settings or self.applied.calendar or self.applied.accounts:
            self.session.forget_cached()
        return summary

    # Stations ---------------------------------------------------------------------------------------
    def _stations(self, me: dict) -> dict[str, dict]:
        found = {}
        for ws in sync_folder.stations(self.unit):
            if ws == me["ws_id"]:
                continue
            path = self.unit / ws / sync_folder.STATION
            try:
                found[ws] = sync_folder.read_station(path, ws, self.unit_code)
            except sync_folder.SyncFileError as exc:
                if "chưa có station.json" not in str(exc):
                    self.skipped.append({"file": self._shown(path), "reason": str(exc)})
                continue
            # Listed (and told apart by its number) whatever its signature; trusted only when approved.
            data = sync_trust.signed_bytes(found[ws])
            self.signers[ws] = sync_trust.signer(found[ws], data)
            self.verdicts[ws] = sync_trust.check(self.session, found[ws], data)
        return found

    def _keys(self, before: dict) -> dict[str, dict]:
        """station -> {"fingerprint", "approved_as"} of the key its station.json was signed with, for `sync status`."""
        known = dict(before.get("keys") or {})
        for ws in self.found:
            known[ws] = {"fingerprint": self.signers[ws], "approved_as": self.verdicts[ws].fingerprint}
        return known

    # The audit chain between counters (issue 13) ----------------------------------------------------
    def _check_chains(self, found: dict[str, dict]) -> None:
        """Each trusted station's audit head must continue the one seen from it before: a trail cut or rewritten
        there is reported here (the result's `warnings`, `sync status`, this counter's audit), once, and the new
        head is taken as the one later files must continue. A station.json written no later than the one the
        stored head came from (its `writes`: a stale copy on a USB stick, or files copied back onto the share) is
        not compared."""
        with write(self.db):
            anchored = dict(sync_table.status(self.db).get("anchors") or {})
            for ws, station in found.items():
                if self.verdicts[ws].reason:
                    continue
                sent, seen = station.get("audit"), key_table.peer_head(self.db, ws)
                stale = station.get("writes", 0) <= anchored.get(ws, -1)
                if seen is not None and (stale or _not_carried(sent, seen[0])):
                    continue  # a stale copy, or the writer has not yet read that this counter saw row seen[0]
                reason = peers.extends(self.session, ws, sent)
                if reason:
                    self._warn(ws, station, reason, sent)
                anchored[ws] = station.get("writes", 0)
            sync_table.save_status(self.db, dict(sync_table.status(self.db), anchors=anchored))

    def _warn(self, ws: str, station: dict, reason: str, sent) -> None:
        warning = {"ws_id": ws, "workstation": station["workstation"], "name": station["name"],
                   "fingerprint": self.signers[ws], "reason": reason, "at": iso(self.started)}
        self.warnings.append(warning)
        audit.log(self.session, "sync_peer_audit_broken", ws, {"workstation": station["workstation"],
                                                               "reason": reason})
        before = sync_table.status(self.db)
        sync_table.save_status(self.db, dict(before, warnings=[*before.get("warnings", []), warning][-MAX_WARNINGS:]))
        head = sent.get("head") if isinstance(sent, dict) else None
        if isinstance(head, dict) and is_int(head.get("id")) and is_sha256(head.get("hash")):
            key_table.set_peer_head(self.db, ws, head["id"], head["hash"], iso(self.started))

    def _anchor(self) -> dict:
        """This counter's audit head and the rows after the oldest row a trusted current peer has seen of it."""
        me = sync_table.station(self.db)
        head, _ = chain_table.audit_head(self.db)
        superseded = {w for s in self.found.values() for w in s["lineage"]} | set(me.get("lineage", []))
        seen = [s.get("audit_seen", {}).get(me["ws_id"]) for ws, s in self.found.items()
                if ws not in superseded and not self.verdicts[ws].reason]
        since = min([v for v in seen if v is not None], default=head)
        return peers.anchor(self.session, max(min(since, head), head - MAX_ANCHOR_ROWS, 0))

    def _audit_seen(self) -> dict[str, int]:
        found = {}
        for ws in self.found:
            head = key_table.peer_head(self.db, ws)
            if head is not None:
                found[ws] = head[0]
        return found

    def _note_peers(self, found: dict[str, dict]) -> None:
        with write(self.db):
            for ws, station in found.items():
                sync_table.save_peer(self.db, {
                    "ws_id": ws, "unit_code": self.unit_code, "workstation": station["workstation"],
                    "name": station["name"], "lineage": station["lineage"], "software": station["software"],
                    "last_seq": station["last_seq"], "seen": station["seen"], "updated_at": station["updated_at"],
                    "checked_at": iso(self.started)})

    # Writing this station's folder ------------------------------------------------------------------
    def _write_own(self, own: Path, found: dict[str, dict]) -> None:
        me = sync_table.station(self.db)
        ws, last = me["ws_id"], me["seq"]
        sync_folder.clean_partials(own)
        readable = self._own_segments(own, ws)
        published = max((b for _, b, _ in readable), default=0)
        if published > last:
            raise CounterError(
                "Thư mục đồng bộ có dữ liệu của máy này mới hơn cơ sở dữ liệu của máy (tệp dữ liệu đã được chép "
                "từ máy khác, hoặc thay bằng một bản cũ mà không qua chức năng khôi phục). Không đồng bộ để khỏi "
                "ghi đè; hãy khôi phục bằng chức năng Sao lưu → Khôi phục, hoặc liên hệ bộ phận kỹ thuật.",
                "the sync folder holds newer records of this station than its database")
        for first, end in _gaps(readable, last):
            for a, b in self._chunks(ws, first, end):
                self._segment(own, ws, a, b)
                self.sent += b - a + 1
        readable = self._own_segments(own, ws)
        if len(readable) > COMPACT_ABOVE:
            self._compact(own, ws, readable)

    def _own_segments(self, own: Path, ws: str) -> list[tuple[int, int, Path]]:
        """This station's segments in the folder that read back whole (checked once per file per process)."""
        good = []
        for first, last, path in sync_folder.segments(own):
            try:
                stat = path.stat()
            except OSError:
                continue
            key = (str(path), stat.st_size, stat.st_mtime_ns)
            if key not in _verified:
                try:
                    segment = sync_folder.read_segment(path, self.unit_code, ws, self.codes)
                except sync_folder.SyncFileError:
                    continue  # written again from the database below
                self._same_as_mine(segment, ws)
                _verified[key] = (first, last)
            good.append((first, last, path))
        return good

    def _same_as_mine(self, segment: sync_folder.Segment, ws: str) -> None:
        """A segment in this station's folder is this database's own records (a database file copied to
        another PC and used there would write other records under the same names)."""
        last = sync_table.station(self.db)["seq"]
        upto = min(segment.last, last)
        if upto < segment.first:
            return
        mine = {row[0]: (row[1], row[2], row[3]) for row in sync_table.own_events(self.db, ws, segment.first, upto)}
        mine.update({row[0]: (row[1], row[2], row[4]) for row in
                     sync_table.own_unit_changes(self.db, ws, segment.first, upto)})
        for record in segment.records:
            if record["seq"] <= upto and mine.get(record["seq"]) != (
                    record["lamport"], record["at"], record["kind"]):
                raise CounterError(
                    "Thư mục đồng bộ có dữ liệu mang mã máy này nhưng khác với cơ sở dữ liệu của máy (tệp dữ liệu "
                    "đã được chép sang một máy khác và dùng ở đó). Không đồng bộ để khỏi ghi lẫn dữ liệu của hai máy; "
                    "hãy liên hệ bộ phận kỹ thuật.", "the sync folder holds other records under this station's id")

    def _chunks(self, ws: str, first: int, last: int) -> list[tuple[int, int]]:
        """Ranges of at most MAX_RECORDS records and MAX_CAUSAL causal steps."""
        result = []
        start = first
        while start <= last:
            end = min(last, start + sync_folder.MAX_RECORDS - 1)
            steps = sync_table.causal_entries(self.db, ws, start, end)
            if len(steps) > sync_folder.MAX_CAUSAL:
                end = steps[sync_folder.MAX_CAUSAL][0] - 1
            result.append((start, end))
            start = end + 1
        return result

    def _segment(self, own: Path, ws: str, first: int, last: int) -> None:
        records = _own_records(self.session, ws, first, last)
        causal = [[seq, seen] for seq, seen in sync_table.causal_entries(self.db, ws, first, last)] or [[first, {}]]
        header = {"unit": self.unit_code, "ws_id": ws, "first": first, "last": last,
                  "seen": sync_log.seen(self.db), "causal": causal, "written_at": iso(now())}
        path = sync_folder.write_segment(own, header, [sync_folder.record_line(r) for r in records], self.sign)
        stat = path.stat()
        _verified[(str(path), stat.st_size, stat.st_mtime_ns)] = (first, last)
        shas = {item["sha256"]: item["size"] for r in records if r["type"] == "event" for item in r["files"]}
        for sha, size in shas.items():
            sync_folder.publish_scan(self.session.files.path_of(sha), own, sha, size)

    def _compact(self, own: Path, ws: str, readable: list[tuple[int, int, Path]]) -> None:
        """Many small segments become a few big ones; the small ones go only once the big ones are in place."""
        small = [(a, b, p) for a, b, p in readable if b - a + 1 < sync_folder.MAX_RECORDS // 2]
        if len(small) <= 1:
            return
        first, last = min(a for a, _, _ in small), max(b for _, b, _ in small)
        written = []
        for a, b in self._chunks(ws, first, last):
            self._segment(own, ws, a, b)
            written.append((a, b))
        for a, b, path in small:
            if (a, b) not in written and any(x <= a and b <= y for x, y in written):
                sync_folder.remove(path)

    def _write_station(self, own: Path, last: int | None = None) -> None:
        me = sync_table.station(self.db)
        with write(self.db):  # `writes` numbers this station's station.json files: a stale copy tells itself apart
            found = sync_table.status(self.db)
            writes = found.get("station_writes", 0) + 1
            sync_table.save_status(self.db, dict(found, station_writes=writes))
        sync_folder.write_station(own, {
            "unit": {"code": self.unit_code, "name": self.settings.unit_name}, "ws_id": me["ws_id"],
            "workstation": self.settings.workstation, "name": self.settings.station_name,
            "lineage": me.get("lineage", []), "software": f"motcua {_version()}",
            "last_seq": me["seq"] if last is None else last,
            "seen": sync_log.seen(self.db), "updated_at": iso(now()),
            "audit": self._anchor(), "audit_seen": self._audit_seen(), "writes": writes}, self.sign)

    # Reading the others -------------------------------------------------------------------------------
    def _read(self, found: dict[str, dict]) -> None:
        bad: set[Path] = set()
        cache: dict[Path, sync_folder.Segment] = {}
        own = sync_table.station(self.db)["ws_id"]
        progress = True
        while progress:
            progress = False
            for ws, station in found.items():
                if self._advance(ws, station, own, bad, cache):
                    progress = True

    def _advance(self, ws: str, station: dict, own: str, bad: set, cache: dict) -> bool:
        applied = sync_table.applied(self.db, ws)
        if applied >= station["last_seq"]:
            self.waiting.pop(ws, None)
            return False
        segment = self._segment_from(ws, applied + 1, bad, cache)
        if segment is None:
            self.waiting[ws] = self.untrusted.get(ws) or (
                f"thiếu tệp dữ liệu từ bản ghi {applied + 1} của quầy {station['workstation']}")
            return False
        records = [r for r in segment.records if r["seq"] > applied]
        ready, missing = self._ready(records, segment.header["causal"], own)
        if not ready:
            self.waiting[ws] = f"chờ dữ liệu của {self._station_label(missing)}"
            return False
        try:
            with write(self.db):
                sync_apply.apply_records(self.session, ready, self.applied)
                seen = sync_log.seen(self.db)
                sync_table.note_causal(self.db, own, sync_table.station(self.db)["seq"] + 1, seen)
                audit.log(self.session, "sync_applied", ws, {"first": ready[0]["seq"], "last": ready[-1]["seq"],
                                                             "file": segment.path.name})
        except (sync_apply.Refused, sqlite3.IntegrityError, ValueError, KeyError, TypeError) as exc:
            # Records the checks let through but the database refuses: nothing of the segment was written;
            # it is skipped, reported, and tried again at the next sync.
            bad.add(segment.path)
            self.skipped.append({"file": self._shown(segment.path), "reason": f"không áp dụng được: {exc}"})
            return False
        self.received[ws] += len(ready)
        self.waiting.pop(ws, None)
        return True

    def _segment_from(self, ws: str, seq: int, bad: set, cache: dict) -> sync_folder.Segment | None:
        """A readable segment of `ws` holding record `seq`, the one reaching furthest."""
        folder = self.unit / ws
        candidates = sorted((s for s in sync_folder.segments(folder) if s[0] <= seq <= s[1]), key=lambda s: -s[1])
        for _first, _last, path in candidates:
            if path in bad:
                continue
            if path not in cache:
                try:
                    cache[path] = sync_folder.read_segment(path, self.unit_code, ws, self.codes,
                                                           lambda header: self._distrust(ws, header))
                except sync_folder.SyncFileError as exc:
                    bad.add(path)
                    self.skipped.append({"file": self._shown(path), "reason": str(exc)})
                    continue
            return cache[path]
        return None

    def _distrust(self, ws: str, header: dict) -> str | None:
        """Why a segment's header (signature) is not to be trusted; None when it may be read on."""
        reason = sync_trust.check(self.session, header).reason
        if reason:
            number = self.found[ws]["workstation"]
            self.untrusted[ws] = (f"quầy {number} chưa được duyệt khóa {self.signers[ws]}"
                                  if self.verdicts[ws].reason and self.signers[ws] else
                                  f"chờ tệp có chữ ký hợp lệ của quầy {number}: {reason}")
        return reason

    def _ready(self, records: list[dict], causal: list, own: str) -> tuple[list[dict], str | None]:
        """The longest first part of `records` whose causal history this station has applied."""
        applied: dict[str, int] = {}
        steps = sorted(causal, key=lambda s: s[0])
        ready: list[dict] = []
        for record in records:
            step = max((s for s in steps if s[0] <= record["seq"]), key=lambda s: s[0], default=None)
            for origin, needed in (step[1] if step else {}).items():
                if origin == own:
                    continue
                if origin not in applied:
                    applied[origin] = sync_table.applied(self.db, origin)
                if applied[origin] < needed:
                    return ready, origin
            ready.append(record)
        return ready, None

    # Ends -----------------------------------------------------------------------------------------------
    def _summary(self, found: dict[str, dict], problem: str | None) -> dict:
        stations = []
        for ws, station in sorted(found.items(), key=lambda item: (item[1]["workstation"], item[0])):
            verdict = self.verdicts.get(ws)
            stations.append({"workstation": station["workstation"], "name": station["name"], "ws_id": ws,
                             "last_seen": station["updated_at"], "events": self.received.get(ws, 0),
                             "applied": sync_table.applied(self.db, ws), "last_seq": station["last_seq"],
                             "waiting": self.waiting.get(ws), "fingerprint": self.signers.get(ws),
                             "approved": verdict is not None and verdict.reason is None})
        return {"ok": problem is None, "problem": problem, "folder": str(self.base), "sent": self.sent,
                "received": sum(self.received.values()), "workstations": stations,
                "conflicts": _open_conflicts(self.session), "skipped": self.skipped,
                "waiting": sorted(self.waiting.values()), "warnings": self.warnings}

    def _missing(self) -> dict:
        before = sync_table.status(self.db)
        since = before.get("missing_since") if before.get("folder") == str(self.base) else None
        since = since or iso(self.started)
        problem = f"Không thấy thư mục đồng bộ {self.base} từ {from_iso(since):%H:%M}" + (
            "" if from_iso(since).date() == now().date() else f" ngày {from_iso(since):%d/%m/%Y}")
        with write(self.db):
            sync_table.save_status(self.db, dict(before, last_attempt=iso(self.started), folder=str(self.base),
                                                 problem=problem, missing_since=since))
        self.session.note(Changes(sync=True))
        return self._summary({}, problem)

    def _refused(self, clash: dict, found: dict) -> dict:
        problem = sync_log.clash_message(clash)
        before = sync_table.status(self.db)
        with write(self.db):
            sync_table.save_status(self.db, dict(before, last_attempt=iso(self.started), folder=str(self.base),
                                                 problem=problem, missing_since=None, clash=clash))
        self.session.note(Changes(sync=True))
        return self._summary(found, problem)

    def _failed(self, problem: str) -> dict:
        before = sync_table.status(self.db)
        with write(self.db):
            sync_table.save_status(self.db, dict(before, last_attempt=iso(self.started), folder=str(self.base),
                                                 problem=problem))
        self.session.note(self.applied.changes())
        return self._summary({}, problem)

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.base))
        except ValueError:
            return str(path)

    def _station_label(self, ws: str | None) -> str:
        number = _numbers(self.session).get(ws or "")
        return f"quầy {number}" if number else f"máy {str(ws)[:8]}"


# --- helpers --------------------------------------------------------------------------------------

def _own_records(session: Session, ws: str, first: int, last: int) -> list[dict]:
    """This station's records first..last from its database, in seq order."""
    db = session.db
    events = sync_table.own_events(db, ws, first, last)
    parsed = [(row, orjson.loads(row[5])) for row in events]
    shas = [sha for row, detail in parsed for sha in sync_records.referenced_files(row[3], detail)]
    files = sync_table.files_info(db, shas)
    records = []
    for row, detail in parsed:
        legacy = None
        if row[3] == EventKind.RECEIVED and not set(RECEIVED_KEYS) <= detail.keys():
            stored = dossier_table.by_code(db, row[6])
            assert stored is not None  # the event's dossier, read in the same snapshot
            legacy = {"row": stored, "documents": dossier_table.documents_of(db, stored["id"])}
        records.append(sync_records.event_record(ws, (*row[:5], detail, *row[6:]), files, legacy))
    records += [sync_records.unit_record(ws, row) for row in sync_table.own_unit_changes(db, ws, first, last)]
    records.sort(key=lambda r: r["seq"])
    if [r["seq"] for r in records] != list(range(first, last + 1)):
        raise CounterError("Cơ sở dữ liệu thiếu bản ghi trong nhật ký đồng bộ của máy này; hãy chạy «check».",
                           f"records {first}-{last} of this station are not all in the database")
    return records


def _fetch(session: Session, unit: Path) -> int:
    """Scans the records named and this counter lacks, from any station's folder of the unit."""
    wanted = sync_table.wanted_files(session.db)
    if not wanted:
        return 0
    folders = [unit / ws for ws in sync_folder.stations(unit)]
    got = []
    for sha in wanted:
        target = session.files.path_of(sha)
        if target.is_file() or any(sync_folder.fetch_scan(folder, sha, target) for folder in folders):
            got.append(sha)
    if got:
        with write(session.db):
            for sha in got:
                sync_table.got_file(session.db, sha)
    return len(got)


def _clash(me: dict, workstation: int, found: dict[str, dict]) -> dict | None:
    """Another station with this counter's number, unless it is this database's former self that has
    stopped (a restored counter's old identity: it never saw its successor)."""
    ws = me["ws_id"]
    lineage = set(me.get("lineage", []))
    for other, station in sorted(found.items()):
        if station["workstation"] != workstation:
            continue
        if other in lineage and ws not in station["seen"]:
            continue
        if any(other in s["lineage"] for s in found.values()) and other not in lineage:
            continue  # a peer's own former self, stopped: not a counter any more
        return {"ws_id": other, "workstation": workstation, "name": station["name"],
                "last_seen": station["updated_at"]}
    return None


def _not_carried(sent, seen_id: int) -> bool:
    """A station's anchor starts after the row this counter saw of it, and its trail still reaches that row:
    it cannot be compared yet (the writer has not read this counter's `audit_seen`), and is no sign of a cut."""
    after = sent.get("after") if isinstance(sent, dict) else None
    head = sent.get("head") if isinstance(sent, dict) else None
    return (isinstance(after, dict) and isinstance(head, dict) and is_int(after.get("id")) and is_int(head.get("id"))
            and seen_id < after["id"] <= head["id"])


def _gaps(readable: list[tuple[int, int, Path]], last: int) -> list[tuple[int, int]]:
    """The parts of 1..last no readable segment covers."""
    gaps, next_needed = [], 1
    for first, end, _ in sorted(readable):
        if first > next_needed:
            gaps.append((next_needed, min(first - 1, last)))
        next_needed = max(next_needed, end + 1)
    if next_needed <= last:
        gaps.append((next_needed, last))
    return [(a, b) for a, b in gaps if a <= b]


def _stations(session: Session, me: dict) -> list[dict]:
    """Every station this counter knows, itself first; `current`: a counter of today (not a former self)."""
    settings = session.settings
    db = session.db
    peers = sync_table.peers(db)
    superseded = {w for p in peers for w in p["lineage"]} | set(me.get("lineage", []))
    found = sync_table.status(db)
    keys = found.get("keys") or {}
    result = [{"ws_id": me["ws_id"], "workstation": settings.workstation, "name": settings.station_name,
               "last_seen": found.get("last_ok"), "last_seq": me["seq"], "applied": me["seq"],
               "current": True, "self": True, "fingerprint": sync_trust.current_fingerprint(session),
               "approved": True}]
    for peer in peers:
        key = keys.get(peer["ws_id"]) or {}
        fingerprint = key.get("fingerprint")
        approved = bool(key.get("approved_as")) or (fingerprint is not None and key_table.is_approved(db, fingerprint))
        result.append({"ws_id": peer["ws_id"], "workstation": peer["workstation"], "name": peer["name"],
                       "last_seen": peer["updated_at"], "last_seq": peer["last_seq"],
                       "applied": sync_table.applied(db, peer["ws_id"]),
                       "current": peer["ws_id"] not in superseded, "self": False,
                       "fingerprint": fingerprint, "approved": approved})
    return result


def _numbers(session: Session) -> dict[str, int]:
    """ws_id -> workstation number, of this counter and every peer."""
    numbers = {p["ws_id"]: p["workstation"] for p in sync_table.peers(session.db)}
    numbers[sync_table.station(session.db)["ws_id"]] = session.settings.workstation
    return numbers


def _reachable(base: Path) -> bool:
    try:
        return base.is_dir()
    except OSError:
        return False


def _lock_path(session: Session) -> Path:
    return session.path.with_name(session.path.name + "-sync.lock")


def _version() -> str:
    import counter

    return counter.__version__


def last_sync(session: Session) -> datetime | None:
    return from_iso(sync_table.status(session.db).get("last_ok"))
