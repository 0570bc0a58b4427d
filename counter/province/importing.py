"""Nhập tệp dữ liệu của các đơn vị (province side): nothing lost, nothing counted twice.

Every file is checked whole (seal, manifest, SHA-256 of each part) before the
database is touched; one bad file rejects the whole command. A file already
imported (same seal) is skipped. Each file is then imported in one
transaction, streaming its records in batches:
- a dossier not yet known is added;
- a known dossier from the same unit and workstation is replaced only by a
  newer state (a higher version: the id of its latest event at the unit), so
  files may arrive late, twice or in any order;
- the same code with different content (another unit or workstation, another
  receipt, or the same version with different data) is a conflict: reported
  and kept aside, never merged;
- events are stored once per (unit, workstation, event id).
"""

import hashlib
import operator
import os
import queue
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from counter import export_archive
from counter.clock import iso, now
from counter.dossier import CHANNELS, STATUSES
from counter.errors import CounterError
from counter.session import Session
from db import files as file_table
from db import province as province_table
from db.connection import write

_FIELDS = operator.itemgetter(*province_table.QUERIED_FIELDS)
_EVENT = operator.itemgetter("id", "dossier", "at", "kind")
# Positions in a stored row (province_table.STORED_FIELDS).
_VERSION = province_table.STORED_FIELDS.index("version")
_SHA = province_table.STORED_FIELDS.index("record_sha256")
_CODE = province_table.STORED_FIELDS.index("code")
_FILE = province_table.STORED_FIELDS.index("file_id")
_BATCH = 500


def import_files(session: Session, paths: list, progress=None) -> dict:
    """Import export files; returns {"files", "dossiers", "events", "gaps", "conflicts", "skipped"}.

    `progress(done, total)` is called after each file.
    """
    if not paths:
        raise CounterError("Chưa chọn tệp nào để nhập.", "no files given")
    db = session.db
    paths = [Path(p) for p in paths]
    # Hashing and inflating release the GIL: files are checked side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        seals = list(pool.map(export_archive.seal_of, paths))
        seen = province_table.known_files(db, seals)
        todo, skipped = {}, []
        for path, seal in zip(paths, seals):
            if seal in seen or seal in todo:
                skipped.append(str(path))
            else:
                todo[seal] = path
        verified = list(pool.map(export_archive.verify, todo.values(), todo.keys()))
    province_table.prepare(db)
    summary = {"files": 0, "dossiers": 0, "events": 0, "conflicts": [], "skipped": skipped}
    for done, item in enumerate(verified, start=1):
        with write(db):
            result = _FileImport(session, item).run()
        summary["files"] += 1
        summary["dossiers"] += result.dossiers
        summary["events"] += result.events
        summary["conflicts"] += result.conflicts
        if progress:
            progress(done, len(verified))
    summary["gaps"] = gaps(session)
    return summary


def gaps(session: Session) -> list[dict]:
    """Export sequence numbers never received, per unit and workstation."""
    return [
        {"unit": unit, "workstation": workstation, "missing": sorted(set(range(1, found[-1] + 1)) - set(found))}
        for unit, workstation, found in province_table.sequences(session.db)
    ]


class _FileImport:
    """One verified file, in the caller's transaction."""

    def __init__(self, session: Session, verified: export_archive.Verified):
        self.session, self.db, self.verified = session, session.db, verified
        manifest = verified.manifest
        self.unit_code, self.workstation = manifest["unit"]["code"], manifest["workstation"]
        self.name = verified.path.name
        self.conflicting: set[str] = set()
        self.conflicts: list[dict] = []
        self.dossiers = self.events = 0

    def run(self) -> "_FileImport":
        manifest, stamp = self.verified.manifest, iso(now())
        unit_id = province_table.unit_id(self.db, self.unit_code, manifest["unit"]["name"], stamp)
        file_id = province_table.add_file(self.db, {
            "sha256": self.verified.seal, "unit_id": unit_id, "workstation": self.workstation,
            "sequence": manifest["sequence"], "name": self.name, "created_at": manifest["created_at"],
            "software": f"{manifest['software'].get('name', '')} {manifest['software'].get('version', '')}".strip(),
            "dossiers": manifest["counts"]["dossiers"], "events": manifest["counts"]["events"],
            "files": manifest["counts"]["files"], "imported_at": stamp,
        })
        reader = _Reader(self.verified, unit_id, file_id)
        for kind, rows in _ahead(reader.rows()):
            if kind == "dossiers":
                self._dossiers(rows)
            else:
                self._events(rows)
        self._scans(manifest)
        return self

    def _dossiers(self, incoming: list[tuple]) -> None:
        stored = province_table.stored(self.db, [row[_CODE] for row in incoming])
        new, newer = [], []
        for row in incoming:
            before = stored.get(row[_CODE])
            if before is None:
                new.append(row)
                continue
            kind, reason = _conflict(before, self.unit_code, self.workstation, row)
            if kind:
                self._conflict(row, kind, reason, before)
            elif row[_VERSION] > before[2]:
                newer.append(row)
        province_table.insert_dossiers(self.db, new)
        province_table.replace_dossiers(self.db, newer)
        self.dossiers += len(new) + len(newer)

    def _conflict(self, row: tuple, kind: str, reason: str, before: tuple) -> None:
        code = row[_CODE]
        self.conflicting.add(code)
        province_table.add_conflicts(self.db, [(row[_FILE], code, reason, row[-1], iso(now()))])
        self.conflicts.append({
            "code": code, "unit": self.unit_code, "workstation": self.workstation, "file": self.name,
            "kind": kind, "reason": reason, "stored_unit": before[0], "stored_workstation": before[1],
        })

    def _events(self, rows: list[tuple]) -> None:
        if self.conflicting:
            rows = [row for row in rows if row[3] not in self.conflicting]
        self.events += province_table.insert_events(self.db, rows)

    def _scans(self, manifest: dict) -> None:
        """Scanned files sent with `--with-files`, into the province's file store."""
        names = [part["name"] for part in manifest["parts"] if part["name"].startswith(export_archive.FILES)]
        if not names:
            return
        with tempfile.TemporaryDirectory() as folder:
            for name in names:
                sha = name[len(export_archive.FILES):]
                target = Path(folder) / sha
                export_archive.extract_file(self.verified.path, sha, target)
                stored, size = self.session.files.add(target)
                file_table.record(self.db, stored, size, sha, iso(now()))
                target.unlink()


class _Reader:
    """Parses and checks a file's records into rows ready to store; no database access."""

    def __init__(self, verified: export_archive.Verified, unit_id: int, file_id: int):
        self.verified, self.unit_id, self.file_id = verified, unit_id, file_id
        self.unit_code, self.workstation = verified.manifest["unit"]["code"], verified.manifest["workstation"]
        self.name = verified.path.name
        self.codes: set[str] = set()

    def rows(self) -> Iterator[tuple[str, list[tuple]]]:
        """("dossiers", rows in STORED_FIELDS order) batches, then ("events", rows) batches."""
        path, line = self.verified.path, 0
        for batch in export_archive.records(path, export_archive.DOSSIERS, _BATCH):
            rows = []
            for raw, record in batch:
                line += 1
                rows.append(self._dossier(line, raw, record))
            yield "dossiers", rows
        line = 0
        for batch in export_archive.records(path, export_archive.EVENTS, _BATCH):
            rows = []
            for raw, record in batch:
                line += 1
                rows.append(self._event(line, raw, record))
            yield "events", rows

    def _dossier(self, line: int, raw: bytes, record) -> tuple:
        try:
            values = _FIELDS(record)
            version, unit_code = record["version"], record["unit_code"]
        except (KeyError, TypeError) as exc:
            raise self._bad(f"bản ghi hồ sơ dòng {line} thiếu trường {exc}", f"dossier line {line}: {exc}") from None
        code = values[0]
        if unit_code != self.unit_code or not isinstance(code, str) or not code:
            raise self._bad(f"hồ sơ dòng {line} không thuộc đơn vị {self.unit_code}",
                            f"dossier line {line} belongs to another unit")
        if record["status"] not in STATUSES or record["channel"] not in CHANNELS or not isinstance(version, int):
            raise self._bad(f"hồ sơ {code} có giá trị không hợp lệ", f"dossier {code} has invalid values")
        if code in self.codes:
            raise self._bad(f"hồ sơ {code} xuất hiện hai lần", f"dossier {code} appears twice")
        self.codes.add(code)
        return (self.unit_id, self.workstation, version, hashlib.sha256(raw).hexdigest(), self.file_id, *values,
                raw.decode())

    def _event(self, line: int, raw: bytes, record) -> tuple:
        try:
            event_id, code, at, kind = _EVENT(record)
        except (KeyError, TypeError) as exc:
            raise self._bad(f"sự kiện dòng {line} thiếu trường {exc}", f"event line {line}: {exc}") from None
        if code not in self.codes or not isinstance(event_id, int):
            raise self._bad(f"sự kiện dòng {line} không gắn với hồ sơ nào trong tệp",
                            f"event line {line} refers to no dossier of the file")
        return self.unit_id, self.workstation, event_id, code, at, kind, raw.decode()

    def _bad(self, why: str, english: str) -> CounterError:
        return CounterError(
            f"Tệp {self.name} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{self.name} rejected: {english}"
        )


def _ahead(items: Iterator, depth: int = 8) -> Iterator:
    """`items`, produced by a thread up to `depth` ahead: parsing overlaps the database writes
    (SQLite, zlib and hashing release the GIL). An error in the thread is raised here."""
    channel: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                channel.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((done, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            put((done, exc))

    thread = threading.Thread(target=produce, name="province-import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = channel.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _conflict(before: tuple, unit: str, workstation: int, row: tuple) -> tuple[str | None, str]:
    """(kind, reason) when the stored dossier and the incoming one are not states of the same dossier."""
    stored_unit, stored_workstation, version, sha, received_at, ledger_year, ledger_number = before
    code = row[_CODE]
    fields = dict(zip(province_table.QUERIED_FIELDS, row[_CODE:-1]))
    if stored_unit != unit:
        return "other_unit", f"mã {code} đã có ở đơn vị {stored_unit}"
    if stored_workstation != workstation:
        return "other_workstation", f"mã {code} đã nhận từ quầy {stored_workstation}, nay lại đến từ quầy {workstation}"
    if (received_at, ledger_year, ledger_number) != (fields["received_at"], fields["ledger_year"], fields["ledger_number"]):
        return "other_dossier", (
            f"mã {code} trùng với một hồ sơ khác đã nhận (tiếp nhận {received_at}, sổ số {ledger_number}/{ledger_year})"
        )
    if version == row[_VERSION] and sha != row[_SHA]:
        return "same_version_differs", f"hồ sơ {code} cùng phiên bản {version} nhưng nội dung khác"
    return None, ""
