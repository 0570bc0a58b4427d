"""Nhập tệp dữ liệu của các đơn vị (province side): nothing lost, nothing counted twice.

Every file is checked whole (seal, ZIP directory, manifest, SHA-256 of each
part) before the database is touched, and every record is checked against
the format (counter/province/records.py) before the command commits: all the
files of one command are imported in one transaction, so one bad file stores
nothing, not even the good files before it. A file already imported (same
seal) is skipped. Records are streamed in batches:
- a dossier not yet known is added;
- a known dossier from the same unit and workstation is replaced only by a
  newer state (a higher version: the id of its latest event at the unit), so
  files may arrive late, twice or in any order;
- the same code with different content (another unit or workstation, another
  receipt, or the same version with different data) is a conflict: reported
  and kept aside, never merged;
- events are stored once: one row per dossier and file, keyed by the
  dossier and its first event id in the file.
Scanned files are copied into the file store last, once every record of
every file has passed; a failure after that removes the copies again.
Parsing and checking the records runs in parser processes (one a core, each
taking every n-th file) while this one writes the database, file after file in
order; the parsers also prepare the rows and fold each format 2 file's own
events (counter/province/merging.py), so the writer mostly writes.

Before any of that, an encrypted file is decrypted with the province's key into
a private folder beside the database (removed afterwards, whatever happens), and
inside the transaction every file passes the trust stage (counter/province/trust.py):
its signer, and its audit anchors. The same export sent again (a resend, or a
second copy) is skipped. Once committed, one signed acknowledgement per workstation
is written (counter/acks.py).
"""

import functools
import gc
import hashlib
import multiprocessing
import operator
import os
import queue
import shutil
import stat
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from counter import acks, audit, crypto, export_archive
from counter.clock import iso, now
from counter.errors import CounterError
from counter.province import enrolment, merging, records, server, trust
from counter.session import Session
from db.province_store import ADDED_FIELDS, QUERIED_FIELDS, STORED_FIELDS, ProvinceStore

_FIELDS = operator.itemgetter(*QUERIED_FIELDS)
_ADDED = ADDED_FIELDS
# Positions in a stored row (STORED_FIELDS).
_VERSION = STORED_FIELDS.index("version")
_SHA = STORED_FIELDS.index("record_sha256")
_CODE = STORED_FIELDS.index("code")
_FILE = STORED_FIELDS.index("file_id")
_BATCH = 500


def import_files(session: Session, paths: list, progress=None, accept_unsigned: bool = False,
                 acks_folder: Path | None = None) -> dict:
    """Import export files; returns {"files", "dossiers", "events", "gaps", "conflicts", "skipped", "acks"}.

    `progress(done, total)` is called after each file. A format 1 (unsigned) file is refused
    unless `accept_unsigned`; each one accepted is audited.
    """
    session.require("province")
    if not paths:
        raise CounterError("Chưa chọn tệp nào để nhập.", "no files given")
    with _opened(session, [Path(p) for p in paths]) as opened:
        summary = _import(session, opened, progress, accept_unsigned)
    try:
        summary["acks"] = acks.write_acks(session, summary.pop("sources"), acks_folder)
    except CounterError as exc:
        raise CounterError(
            f"Đã nhập xong {summary['files']} tệp, nhưng chưa ghi được tệp xác nhận gửi đơn vị: {exc.message} Hãy chạy "
            "lại lệnh nhập: các tệp đã nhập được bỏ qua và tệp xác nhận được ghi lại.", "acknowledgements not written"
        ) from None
    return summary


@contextmanager
def _opened(session: Session, paths: list[Path]) -> Iterator[list[tuple[Path, Path]]]:
    """Each file as it can be read, with the path given: an encrypted one decrypted with the
    province's key into a private folder beside the database, removed afterwards."""
    opened: list[tuple[Path, Path]] = []
    incoming = server.beside(session, "-incoming")
    work: Path | None = None
    try:
        for path in paths:
            if not _encrypted(path):
                opened.append((path, path))
                continue
            if work is None:
                incoming.mkdir(mode=0o700, exist_ok=True)
                work = Path(tempfile.mkdtemp(dir=incoming))
            opened.append((_decrypted(session, path, Path(tempfile.mkdtemp(dir=work))), path))
        yield opened
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
            try:
                incoming.rmdir()
            except OSError:
                pass


def _encrypted(path: Path) -> bool:
    try:
        handle = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                           "rb")
    except OSError:
        return False  # seal_of reports it
    with handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        return crypto.is_encrypted(handle.read(len(crypto.MAGIC)))


def _decrypted(session: Session, path: Path, folder: Path) -> Path:
    keys = enrolment.optional_own_keys(session)
    if keys is None:
        raise CounterError(f"Tệp {export_archive.shown(path.name)} đã được mã hóa, nhưng cơ sở dữ liệu tỉnh này chưa "
                           "có khóa giải mã (province init-key). Không nhập gì.", "no province key to decrypt with")
    name = path.name[:-len(".enc")] if path.name.endswith(".enc") else path.name
    # The decrypted copy keeps the name the messages show; a name that is no file's is not used.
    target = folder / (name if name not in ("", ".", "..") else "export.zip")
    try:
        with open(path, "rb") as source, open(target, "xb") as out:
            crypto.decrypt(source, out, keys[1], path.name, _DECRYPTED_LIMIT)
    except OSError as exc:
        raise CounterError(f"Không đọc được tệp {export_archive.shown(path)}: {exc.strerror or exc}.",
                           f"cannot read {path}") from None
    return target


_DECRYPTED_LIMIT = export_archive.MAX_TOTAL + (64 << 20)  # every member, and the ZIP's own headers


def _import(session: Session, files: list[tuple[Path, Path]], progress, accept_unsigned: bool) -> dict:
    store = session.province
    paths = [read for read, _ in files]
    opened = dict(files)
    # Hashing and inflating release the GIL: files are checked side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        seals = list(pool.map(export_archive.seal_of, paths))
        seen = store.known_files(seals)
        todo, skipped = {}, []
        for (path, given), seal in zip(files, seals, strict=False):
            if seal in seen or seal in todo:
                skipped.append(str(given))
            else:
                todo[seal] = path
        # The parts' contents are checked as they are imported, in the same transaction.
        checked = list(pool.map(functools.partial(export_archive.verify, contents=False), todo.values(),
                                todo.keys()))
    sources = store.sources_of([seal for seal in seals if seal in seen]) if seen else set()
    for item in checked:
        sources.add((item.manifest["unit"]["code"], item.manifest["workstation"]))
    summary: dict[str, Any] = {"files": 0, "dossiers": 0, "events": 0, "conflicts": [], "skipped": skipped,
                               "sources": sources}
    if not checked:
        summary["gaps"] = gaps(session)
        return summary
    with store.importing(sorted({item.manifest["unit"]["code"] for item in checked})):
        # Another import may have stored some of the files, or the same export sent again, while
        # these were checked: both are looked for under the import's locks.
        seen = store.known_files([item.seal for item in checked])
        verified = []
        for item in checked:
            if item.seal in seen or trust.duplicate(session, item):
                skipped.append(str(opened[item.path]))
            else:
                verified.append(item)
        imported = []
        if verified:
            with _parser(verified) as parser:
                for done, item in enumerate(verified, start=1):
                    trusted = trust.check(session, item, accept_unsigned)
                    result = _FileImport(session, store, item, trusted).run(parser)
                    audit.province_log(session, "province_file_imported", item.path.name,
                                       {"sha256": item.seal, "dossiers": result.dossiers, "events": result.events,
                                        "signed_by": trusted.signer})
                    imported.append(result)
                    summary["files"] += 1
                    summary["dossiers"] += result.dossiers
                    summary["events"] += result.events
                    summary["conflicts"] += result.conflicts
                    if progress:
                        progress(done, len(verified))
        _store_scans(store, imported)
        summary["gaps"] = gaps(session)
    return summary


def _store_scans(store: ProvinceStore, imported: list["_FileImport"]) -> None:
    """Every file's scans into the province's store, in the order of their hashes (two imports
    at once on a server then wait for each other's scans, never deadlock). Each copy is read
    whole and checked against its hash, even of a scan already stored."""
    parts = sorted((part["sha256"], index, part) for index, result in enumerate(imported) for part in result.scans)
    for sha, index, part in parts:
        verified = imported[index].verified
        with export_archive.scan(verified, part["name"]) as stream:
            try:
                size = store.add_scan(stream, sha, iso(now()))
            except ValueError:
                raise _refused(verified.path.name, f"tệp quét {sha[:12]}… không khớp mã băm SHA-256 của nó",
                               f"scan {sha} does not match its SHA-256") from None
        if size != part["bytes"]:
            raise _refused(verified.path.name, f"tệp quét {sha[:12]}… không khớp kích thước trong bản kê",
                           f"scan {sha} differs in size from the manifest")


def gaps(session: Session) -> list[dict]:
    """Export sequence numbers never received, per unit and workstation.

    Numbers past MAX_SEQUENCE are never listed: a file claiming one is refused, so only a
    database filled before that rule could hold it, and it must not make every report huge.
    """
    found: dict[tuple[str, int], list[int]] = {}
    for unit, workstation, first, last in session.province.missing_sequences():
        found.setdefault((unit, workstation), []).extend(range(first, min(last, export_archive.MAX_SEQUENCE) + 1))
    return [{"unit": unit, "workstation": workstation, "missing": missing}
            for (unit, workstation), missing in sorted(found.items()) if missing]


class _FileImport:
    """One verified file, in the caller's transaction."""

    def __init__(self, session: Session, store: ProvinceStore, verified: export_archive.Verified,
                 trusted: trust.Trusted):
        self.session, self.store, self.verified, self.trusted = session, store, verified, trusted
        manifest = verified.manifest
        self.unit_code, self.workstation = manifest["unit"]["code"], manifest["workstation"]
        self.name = verified.path.name
        self.conflicting: set[str] = set()
        self.conflicts: list[dict] = []
        self.dossiers = self.events = 0
        self.scans: list[dict] = []

    def run(self, parser: "_Parser | _InProcess") -> "_FileImport":
        """Store the file's batches as the parser process sends them (from `_Reader.rows`)."""
        manifest, stamp = self.verified.manifest, iso(now())
        unit_id = self.store.unit_id(self.unit_code, manifest["unit"]["name"], stamp)
        file_id = self.store.add_file({
            "sha256": self.verified.seal, "unit_id": unit_id, "workstation": self.workstation,
            "sequence": manifest["sequence"], "name": self.name, "created_at": manifest["created_at"],
            "software": f"{manifest['software']['name']} {manifest['software']['version']}".strip(),
            "dossiers": manifest["counts"]["dossiers"], "events": manifest["counts"]["events"],
            "files": manifest["counts"]["files"], "imported_at": stamp,
        })
        trust.record_chain(self.session, self.verified, unit_id, file_id, self.trusted.signer)
        self.unit_id, head = unit_id, (unit_id, self.workstation, file_id)
        if manifest["format_version"] >= 2:
            self._merge(parser, unit_id, file_id)
            return self
        for kind, rows in parser.batches():
            if kind == "dossiers":
                # The record's hash and text are made here: this process waits on the parser's.
                sha256 = hashlib.sha256
                self._dossiers([head + (row[0], sha256(row[-1]).digest(), *row[1:-1], row[-1].decode())
                                for row in rows])
            else:
                self._events(rows)
        self._check_scans(parser)
        return self

    def _merge(self, parser: "_Parser | _InProcess", unit_id: int, file_id: int) -> None:
        """Format 2: the unit's counters each send their own events; one dossier from all (merging.py)."""
        merge = merging.UnitMerge(self.session, unit_id, self.unit_code, file_id, self.verified.manifest,
                                  first=not self.store.other_files(unit_id, file_id))
        for kind, rows in parser.batches():
            if kind == "dossiers":
                merge.dossiers(rows)
            elif kind == "unit_events":
                merge.unit_events(rows)
            else:
                merge.file_folded(rows)
        merge.finish()
        self.dossiers, self.events = merge.changed, merge.events
        self.conflicts += [dict(c, file=self.name) for c in merge.conflicts]
        self._check_scans(parser)

    def _check_scans(self, parser) -> None:
        manifest = self.verified.manifest
        self.scans = [part for part in manifest["parts"] if part["name"].startswith(export_archive.FILES)]
        if manifest["with_files"] and {part["sha256"] for part in self.scans} != parser.referenced:
            raise _refused(self.name, "các tệp quét kèm theo không đúng với các tệp hồ sơ nhắc đến",
                           "the scans sent are not those the records refer to")

    def _dossiers(self, incoming: list[tuple]) -> None:
        stored = self.store.stored([row[_CODE] for row in incoming])
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
        if new:
            self.store.insert_dossiers(new)
        if newer:
            self.store.replace_dossiers(newer)
        self.dossiers += len(new) + len(newer)

    def _conflict(self, row: tuple, kind: str, reason: str, before: tuple) -> None:
        code = row[_CODE]
        self.conflicting.add(code)
        self.store.add_conflicts([(row[_FILE], code, reason, row[-1], iso(now()))])
        self.conflicts.append({
            "code": code, "unit": self.unit_code, "workstation": self.workstation, "file": self.name,
            "kind": kind, "reason": reason, "stored_unit": before[0], "stored_workstation": before[1],
        })

    def _events(self, groups: list[tuple]) -> None:
        """Each dossier's events of this file as one group (code, first id, last id, count, records)."""
        if self.conflicting:
            groups = [group for group in groups if group[0] not in self.conflicting]
        if not groups:
            return
        stored = self.store.event_groups(list({group[0] for group in groups}))
        head = (self.unit_id, self.workstation)
        new, longer = [], []
        for group in groups:
            code, first, last, count, _ = group
            before = stored.get((code, first))
            if before is None:
                self.events += count
                new.append(head + group)
            elif last > before[0]:  # a shorter or equal group adds nothing
                self.events += count - before[1]
                longer.append(head + group)
        if new:
            self.store.add_event_groups(new)
        if longer:
            self.store.extend_event_groups(longer)


class _Reader:
    """Parses and checks a file's records into rows ready to store, less the ids the
    database gives (unit, file); no database access."""

    def __init__(self, verified: export_archive.Verified):
        self.verified = verified
        manifest = verified.manifest
        self.unit_code, self.workstation = manifest["unit"]["code"], manifest["workstation"]
        self.after, self.through = manifest["events_range"]["after"], manifest["events_range"]["through"]
        self.codes_of_unit = records.code_pattern(self.unit_code)
        self.format = manifest["format_version"]
        self.origins = manifest.get("origins", {})
        self.name = verified.path.name
        self.versions: dict[str, int] = {}
        # Format 2: the dossier records until their events are folded, for files of up to FOLD_AHEAD dossiers.
        self.records: dict[str, dict] = {}
        self.folding = merging.FileFold(self.origins) if self.format >= 2 else None
        self.referenced: set[str] = set()

    def rows(self) -> Iterator[tuple[str, Any]]:
        """("dossiers", rows) batches, then ("events", rows) batches; of a format 2 file, ("unit_events",
        rows) batches and one ("folded", …) instead of the events (`_unit_events`)."""
        line = 0
        for batch in export_archive.records(self.verified, export_archive.DOSSIERS, _BATCH):
            found = records.dossier_batch_problem([record for _, record in batch], self.unit_code, self.codes_of_unit)
            if found:
                raise self._bad(f"hồ sơ dòng {line + found[0] + 1}: {found[1]}",
                                f"dossier line {line + found[0] + 1} does not match the format")
            rows = []
            for raw, record in batch:
                line += 1
                rows.append(self._dossier(raw, record))
            yield "dossiers", rows
        if self.format >= 2:
            yield from self._unit_events()
            return
        for runs in self._dossier_events():
            yield "events", [_group(code, items) for code, items in runs]

    def _unit_events(self) -> Iterator[tuple[str, Any]]:
        """Format 2: ("unit_events", rows) batches (merging.event_row), each dossier's events folded as they
        end; then ("folded", what the fold found: merging.FileFold)."""
        for runs in self._dossier_events():
            prepared = []
            for code, items in runs:
                events = [record for _, record in items]
                rows = [merging.event_row(record) for record in events]
                if self.folding is not None:
                    self.folding.dossier(code, self.records.pop(code), events, rows)
                prepared += rows
            yield "unit_events", prepared
        yield "folded", None if self.folding is None else self.folding.exceptions()

    def _dossier_events(self) -> Iterator[list[tuple[str, list[tuple[bytes, dict]]]]]:
        """The file's events checked, batch by batch: the dossiers whose events ended in the batch, each as
        (code, its (line, record) events). Events come dossier by dossier, each dossier's in the order they
        happened, ending with the one that made its version, and every dossier has some
        (docs/export-format.md); a dossier's events may go on from one batch to the next."""
        line, done = 0, set[str]()
        code: str | None = None
        last, items = 0, list[tuple[bytes, dict]]()
        for batch in export_archive.records(self.verified, export_archive.EVENTS, _BATCH):
            found = records.event_batch_problem([record for _, record in batch])
            if found:
                raise self._bad(f"sự kiện dòng {line + found[0] + 1}: {found[1]}",
                                f"event line {line + found[0] + 1} does not match the format")
            runs = []
            for raw, record in batch:
                line += 1
                event_id, event_code = self._event(line, record)
                if event_code == code:
                    if event_id <= last:
                        raise self._bad(f"sự kiện dòng {line} không theo thứ tự thời gian của hồ sơ {code}",
                                        f"event line {line} is out of order")
                else:
                    if code is not None:
                        runs.append(self._ended(code, last, items, done))
                    if event_code in done:
                        raise self._bad(f"sự kiện dòng {line}: các sự kiện của hồ sơ {event_code} không liền nhau",
                                        f"event line {line}: the events of {event_code} are not together")
                    code, items = event_code, []
                last = event_id
                items.append((raw, record))
            if runs:
                yield runs
        if code is not None:
            yield [self._ended(code, last, items, done)]
        if len(done) != len(self.versions):
            raise self._bad("có hồ sơ không kèm sự kiện nào", "a dossier has no event in the file")

    def _ended(self, code: str, last: int, items: list[tuple[bytes, dict]],
               done: set[str]) -> tuple[str, list[tuple[bytes, dict]]]:
        """A dossier's events end with the one that made its version."""
        if last != self.versions[code]:
            raise self._bad(f"sự kiện cuối của hồ sơ {code} không khớp phiên bản của hồ sơ",
                            f"the last event of {code} is not its version")
        done.add(code)
        return code, items

    def _dossier(self, raw: bytes, record: dict) -> tuple:
        code, version = record["code"], record["version"]
        if code in self.versions:
            raise self._bad(f"hồ sơ {code} xuất hiện hai lần", f"dossier {code} appears twice")
        if not self.after < version <= self.through:
            raise self._bad(f"hồ sơ {code} có phiên bản {version} ngoài khoảng sự kiện của tệp",
                            f"dossier {code}: version outside the file's event range")
        self.versions[code] = version
        if record["result_file"]:
            self.referenced.add(record["result_file"])
        for document in record["documents"]:
            if document["file_sha256"]:
                self.referenced.add(document["file_sha256"])
        if self.format >= 2:
            problem = records.v2_dossier_problem(record)
            if problem:
                raise self._bad(f"hồ sơ {code}: {problem}", f"dossier {code}: bad lamport")
            if self.folding is not None and len(self.records) < FOLD_AHEAD:
                self.records[code] = record
            else:  # a larger file is folded by the writer, from what it stored
                self.folding = None
                self.records.clear()
            return merging.dossier_row(record, record["lamport"], raw)
        return (version, *_FIELDS(record), *(record.get(name, absent) for name, absent in _ADDED), raw)

    def _event(self, line: int, record: dict) -> tuple[int, str]:
        event_id, code = record["id"], record["dossier"]
        if code not in self.versions:
            raise self._bad(f"sự kiện dòng {line} không gắn với hồ sơ nào trong tệp",
                            f"event line {line} refers to no dossier of the file")
        if not self.after < event_id <= self.through:
            raise self._bad(f"sự kiện dòng {line} có số ngoài khoảng sự kiện của tệp",
                            f"event line {line}: id outside the file's event range")
        if self.format >= 2:
            problem = records.v2_event_problem(record, self.origins)
            if problem:
                raise self._bad(f"sự kiện dòng {line}: {problem}", f"event line {line} does not match format 2")
        return event_id, code

    def _bad(self, why: str, english: str) -> CounterError:
        return _refused(self.name, why, english)


def _refused(name: str, why: str, english: str) -> CounterError:
    name = export_archive.shown(name)
    return CounterError(f"Tệp {name} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{name} rejected: {english}")


def _group(code: str, items: list[tuple[bytes, dict]]) -> tuple:
    """Format 1: a dossier's events stored as one group (code, first id, last id, count, records JSON)."""
    lines = b"[" + b",".join(raw for raw, _ in items) + b"]"
    return code, items[0][1]["id"], items[-1][1]["id"], len(items), lines.decode()


FOLD_AHEAD = 100_000  # dossiers of a format 2 file whose records a parser keeps to fold their events
SECOND_PROCESS_FROM = 8 << 20  # bytes of records in one command; below, starting a process costs more


def _parser(files: list[export_archive.Verified]) -> "_Parser | _InProcess":
    """Parser processes for a large command, one a core (parsing and checking cost the most CPU; the
    writes wait for them); a small one is parsed here."""
    size = sum(item.members[part].size for item in files for part in (export_archive.DOSSIERS, export_archive.EVENTS))
    if size < SECOND_PROCESS_FROM:
        return _InProcess(files)
    return _Parser(files, max(1, min(len(files), PARSERS or os.cpu_count() or 1)))


PARSERS = 0  # parser processes of a large command; 0: one a core


class _InProcess:
    """`_Parser`'s work in this process, for a command whose files are small."""

    def __init__(self, files: list[export_archive.Verified]):
        self.files = iter(files)
        self.referenced: set[str] = set()

    def __enter__(self) -> "_InProcess":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def batches(self) -> Iterator[tuple[str, Any]]:
        reader = _Reader(next(self.files))
        try:
            yield from reader.rows()
        except CounterError:
            raise
        except Exception as exc:  # the same refusal as from the parser process
            raise CounterError(f"Không đọc được tệp: {export_archive.shown(exc)}", repr(exc)[:200]) from None
        self.referenced = reader.referenced


class _Parser:
    """Processes running `_Reader` over the files, a few batches ahead of the writes: file i in
    process i mod n, so the files are parsed side by side and stored one after the other, in order."""

    def __init__(self, files: list[export_archive.Verified], processes: int):
        context = multiprocessing.get_context()
        self.channels = [context.Queue(maxsize=16) for _ in range(processes)]
        self.processes = [context.Process(target=_parse_files, args=(files[k::processes], channel), daemon=True,
                                          name=f"motcua-province-parser-{k + 1}")
                          for k, channel in enumerate(self.channels)]
        self.files = 0
        self.referenced: set[str] = set()

    def __enter__(self) -> "_Parser":
        for process in self.processes:
            process.start()
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()

    def batches(self) -> Iterator[tuple[str, Any]]:
        """The next file's batches; then `referenced` holds the scans its records name."""
        turn = self.files % len(self.channels)
        channel, process = self.channels[turn], self.processes[turn]
        self.files += 1
        while True:
            try:
                kind, rows = channel.get(timeout=1)
            except queue.Empty:
                if not process.is_alive():
                    raise CounterError("Tiến trình đọc tệp dừng bất thường; không nhập gì.",
                                       "the parsing process died") from None
                continue
            if kind == "end":
                self.referenced = rows
                return
            if kind == "error":
                raise CounterError(*rows)
            yield kind, rows


def _parse_files(files: list[export_archive.Verified], channel) -> None:
    """In a parser process: every file's batches, then "end"; a refusal ends everything. Without the cyclic
    garbage collector: the records make no cycles, and its passes over the records held for the fold
    cost a tenth of the parse; the process ends with the command."""
    gc.disable()
    try:
        for verified in files:
            reader = _Reader(verified)
            for batch in reader.rows():
                channel.put(batch)
            channel.put(("end", reader.referenced))
    except CounterError as exc:
        channel.put(("error", (exc.message, exc.english)))
    except Exception as exc:  # any other failure still reaches the officer as a refusal
        channel.put(("error", (f"Không đọc được tệp: {export_archive.shown(exc)}", repr(exc)[:200])))


def _conflict(before: tuple, unit: str, workstation: int, row: tuple) -> tuple[str | None, str]:
    """(kind, reason) when the stored dossier and the incoming one are not states of the same dossier."""
    stored_unit, stored_workstation, version, sha, received_at, ledger_year, ledger_number = before
    code = row[_CODE]
    fields = dict(zip(QUERIED_FIELDS, row[_CODE:-1], strict=False))
    if stored_unit != unit:
        return "other_unit", f"mã {code} đã có ở đơn vị {stored_unit}"
    if stored_workstation != workstation:
        return "other_workstation", f"mã {code} đã nhận từ quầy {stored_workstation}, nay lại đến từ quầy {workstation}"
    if (received_at, ledger_year, ledger_number) != (fields["received_at"], fields["ledger_year"],
                                                     fields["ledger_number"]):
        return "other_dossier", (
            f"mã {code} trùng với một hồ sơ khác đã nhận (tiếp nhận {received_at}, sổ số {ledger_number}/{ledger_year})"
        )
    if version == row[_VERSION] and sha != row[_SHA]:
        return "same_version_differs", f"hồ sơ {code} cùng phiên bản {version} nhưng nội dung khác"
    return None, ""
