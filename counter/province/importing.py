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
- events are stored once: one row per dossier and file, keyed by the
  dossier and its first event id in the file.
Parsing and checking the records runs in a second process while this one
writes the database, so an import uses two cores.
"""

import hashlib
import multiprocessing
import operator
import os
import queue
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from counter import audit, export_archive
from counter.clock import iso, now
from counter.dossier import CHANNELS, STATUSES
from counter.errors import CounterError
from counter.session import Session
from db import files as file_table
from db import province as province_table
from db.connection import write

_FIELDS = operator.itemgetter(*province_table.QUERIED_FIELDS)
_EVENT = operator.itemgetter("id", "dossier")
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
    session.require("province")
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
    summary = {"files": 0, "dossiers": 0, "events": 0, "conflicts": [], "skipped": skipped}
    if not verified:
        summary["gaps"] = gaps(session)
        return summary
    with province_table.bulk_import(db), _Parser(verified) as parser:
        for done, item in enumerate(verified, start=1):
            with write(db):
                result = _FileImport(session, item).run(parser.batches())
                audit.log(session, "province_file_imported", item.path.name,
                          {"sha256": item.seal, "dossiers": result.dossiers, "events": result.events})
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

    def run(self, batches: Iterator[tuple[str, list[tuple]]]) -> "_FileImport":
        """Store the file's parsed `batches` (from `_Reader.rows`)."""
        manifest, stamp = self.verified.manifest, iso(now())
        unit_id = province_table.unit_id(self.db, self.unit_code, manifest["unit"]["name"], stamp)
        file_id = province_table.add_file(self.db, {
            "sha256": self.verified.seal, "unit_id": unit_id, "workstation": self.workstation,
            "sequence": manifest["sequence"], "name": self.name, "created_at": manifest["created_at"],
            "software": f"{manifest['software'].get('name', '')} {manifest['software'].get('version', '')}".strip(),
            "dossiers": manifest["counts"]["dossiers"], "events": manifest["counts"]["events"],
            "files": manifest["counts"]["files"], "imported_at": stamp,
        })
        self.unit_id, head = unit_id, (unit_id, self.workstation, file_id)
        for kind, rows in batches:
            if kind == "dossiers":
                self._dossiers([head + row for row in rows])
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

    def _events(self, groups: list[tuple]) -> None:
        """Each dossier's events of this file as one group (code, first id, last id, count, records)."""
        if self.conflicting:
            groups = [group for group in groups if group[0] not in self.conflicting]
        stored = province_table.event_groups(self.db, list({group[0] for group in groups}))
        for code, first, last, count, _ in groups:
            before = stored.get((code, first))
            if before is None:
                self.events += count
            elif last > before[0]:
                self.events += count - before[1]
        head = (self.unit_id, self.workstation)
        province_table.store_event_groups(self.db, [head + group for group in groups])

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
    """Parses and checks a file's records into rows ready to store, less the ids the
    database gives (unit, file); no database access."""

    def __init__(self, verified: export_archive.Verified):
        self.verified = verified
        self.unit_code, self.workstation = verified.manifest["unit"]["code"], verified.manifest["workstation"]
        self.name = verified.path.name
        self.codes: set[str] = set()

    def rows(self) -> Iterator[tuple[str, list[tuple]]]:
        """("dossiers", rows) batches, then ("events", rows) batches."""
        path, line = self.verified.path, 0
        for batch in export_archive.records(path, export_archive.DOSSIERS, _BATCH):
            rows = []
            for raw, record in batch:
                line += 1
                rows.append(self._dossier(line, raw, record))
            yield "dossiers", rows
        # Events come dossier by dossier (docs/export-format.md): consecutive events of one dossier
        # make one group, carried over from one batch to the next.
        line, group = 0, None
        for batch in export_archive.records(path, export_archive.EVENTS, _BATCH):
            groups = []
            for raw, record in batch:
                line += 1
                event_id, code = self._event(line, record)
                if group and group[0] == code and event_id > group[2]:
                    group[2], group[3] = event_id, group[3] + 1
                    group[4].append(raw)
                    continue
                if group:
                    groups.append(_group(group))
                group = [code, event_id, event_id, 1, [raw]]
            if groups:
                yield "events", groups
        if group:
            yield "events", [_group(group)]

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
        return (version, hashlib.sha256(raw).digest(), *values, raw.decode())

    def _event(self, line: int, record) -> tuple[int, str]:
        try:
            event_id, code = _EVENT(record)
        except (KeyError, TypeError) as exc:
            raise self._bad(f"sự kiện dòng {line} thiếu trường {exc}", f"event line {line}: {exc}") from None
        if code not in self.codes or not isinstance(event_id, int):
            raise self._bad(f"sự kiện dòng {line} không gắn với hồ sơ nào trong tệp",
                            f"event line {line} refers to no dossier of the file")
        return event_id, code

    def _bad(self, why: str, english: str) -> CounterError:
        return CounterError(
            f"Tệp {self.name} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{self.name} rejected: {english}"
        )


def _group(group: list) -> tuple:
    code, first, last, count, lines = group
    return code, first, last, count, (b"[" + b",".join(lines) + b"]").decode()


class _Parser:
    """A second process running `_Reader` over the files, a few batches ahead of the writes."""

    def __init__(self, files: list[export_archive.Verified]):
        context = multiprocessing.get_context()
        self.channel = context.Queue(maxsize=16)
        self.process = context.Process(target=_parse_files, args=(files, self.channel), daemon=True,
                                       name="motcua-province-parser")

    def __enter__(self) -> "_Parser":
        self.process.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()

    def batches(self) -> Iterator[tuple[str, list[tuple]]]:
        """The next file's batches."""
        while True:
            try:
                kind, rows = self.channel.get(timeout=1)
            except queue.Empty:
                if not self.process.is_alive():
                    raise CounterError("Tiến trình đọc tệp dừng bất thường; không nhập tiếp.",
                                       "the parsing process died") from None
                continue
            if kind == "end":
                return
            if kind == "error":
                raise CounterError(*rows)
            yield kind, rows


def _parse_files(files: list[export_archive.Verified], channel) -> None:
    """In the parser process: every file's batches, then "end"; a refusal ends everything."""
    try:
        for verified in files:
            for batch in _Reader(verified).rows():
                channel.put(batch)
            channel.put(("end", None))
    except CounterError as exc:
        channel.put(("error", (exc.message, exc.english)))
    except Exception as exc:  # any other failure still reaches the officer as a refusal
        channel.put(("error", (f"Không đọc được tệp: {exc}", repr(exc))))


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
