"""The end-of-day export file (gói dữ liệu xuất): one ZIP archive, self-describing.

Members (docs/export-format.md gives the JSON Schemas):
- `dossiers.jsonl`: one changed dossier per line, its full current state;
- `events.jsonl`: one event per line, every event since the previous export;
- `files/<sha256>`: the scanned files, only with `--with-files`;
- `manifest.json`: format, unit, workstation, sequence, time range, counts,
  software version and the SHA-256, size and line count of every part;
- `manifest.json.sha256`: the manifest's own SHA-256, in `sha256sum` format.

The ZIP comment is a seal: `motcua-seal-sha256:` and the SHA-256 of every byte
of the file before the last 64, so a truncated, damaged or edited file is
caught before anything else is read. The seal is the file's identity at the
province. It detects damage and casual edits, not a deliberate forgery: there
is no key to sign with.
"""

import hashlib
import json
import os
import shutil
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from counter.errors import CounterError

FORMAT = "motcua-export"
FORMAT_VERSION = 1
DOSSIERS = "dossiers.jsonl"
EVENTS = "events.jsonl"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
FILES = "files/"
SEAL_PREFIX = b"motcua-seal-sha256:"
_SEAL_LENGTH = 64
_CHUNK = 1 << 20


class ArchiveError(CounterError):
    """A damaged, truncated or altered export file."""


def line(record: dict) -> bytes:
    """One JSON Lines record: compact, UTF-8, keys in a fixed order."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class _Part:
    """A member being written, hashed and counted on the way; closed even on an error,
    so the archive can be closed and thrown away."""

    def __init__(self, archive: zipfile.ZipFile, name: str, stamp: tuple):
        self.name = name
        self.stream = archive.open(_member(name, stamp), "w", force_zip64=True)
        self.digest = hashlib.sha256()
        self.size = 0
        self.records = 0

    def __enter__(self) -> "_Part":
        return self

    def __exit__(self, *exc) -> None:
        self.stream.close()

    def write(self, data: bytes, records: int = 0) -> None:
        self.stream.write(data)
        self.digest.update(data)
        self.size += len(data)
        self.records += records

    def info(self) -> dict:
        return {"name": self.name, "sha256": self.digest.hexdigest(), "bytes": self.size, "records": self.records}


def _member(name: str, stamp: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write(path: Path, manifest: dict, dossier_batches: Iterable[list[bytes]], event_lines: Iterable[bytes],
          files: list[tuple[str, Path]]) -> dict:
    """Write the archive at `path`, flushed to disk; returns the full manifest.

    `manifest` holds the describing fields; counts and part hashes are added here.
    """
    # Members carry the export's own time (ZIP times are local, to the even second).
    stamp = datetime.fromisoformat(manifest["created_at"]).timetuple()[:6]
    with open(path, "w+b") as raw:
        with zipfile.ZipFile(raw, "w") as archive:
            with _Part(archive, DOSSIERS, stamp) as dossiers:
                for batch in dossier_batches:
                    dossiers.write(b"".join(batch), len(batch))
            with _Part(archive, EVENTS, stamp) as events:
                buffer = []
                for item in event_lines:
                    buffer.append(item)
                    if len(buffer) >= 2000:
                        events.write(b"".join(buffer), len(buffer))
                        buffer = []
                events.write(b"".join(buffer), len(buffer))
            parts = [dossiers.info(), events.info()]
            for sha, source in files:
                with _Part(archive, FILES + sha, stamp) as part, open(source, "rb") as handle:
                    for chunk in iter(lambda: handle.read(_CHUNK), b""):
                        part.write(chunk)
                parts.append(part.info())
            full = dict(manifest, counts={"dossiers": parts[0]["records"], "events": parts[1]["records"],
                                          "files": len(files)}, parts=parts)
            body = json.dumps(full, ensure_ascii=False, indent=2).encode()
            archive.writestr(_member(MANIFEST, stamp), body)
            archive.writestr(_member(MANIFEST_SUM, stamp), f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n")
            archive.comment = SEAL_PREFIX + b"0" * _SEAL_LENGTH
        raw.flush()
        _seal(raw)
        os.fsync(raw.fileno())
    return full


def _seal(raw) -> None:
    """Write the SHA-256 of everything before the seal's 64 hex digits into them."""
    end = raw.seek(0, os.SEEK_END)
    raw.seek(0)
    digest = _hash_prefix(raw, end - _SEAL_LENGTH)
    raw.seek(end - _SEAL_LENGTH)
    raw.write(digest.encode())
    raw.flush()


def _hash_prefix(handle, length: int) -> str:
    digest = hashlib.sha256()
    left = length
    while left > 0:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            break
        digest.update(chunk)
        left -= len(chunk)
    return digest.hexdigest()


def seal_of(path: Path) -> str:
    """The file's seal, checked against its content: its identity at the province."""
    name = Path(path).name
    try:
        with open(path, "rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            if end < len(SEAL_PREFIX) + _SEAL_LENGTH:
                raise _damaged(name, "tệp quá ngắn", "file too short")
            handle.seek(end - len(SEAL_PREFIX) - _SEAL_LENGTH)
            tail = handle.read()
            handle.seek(0)
            actual = _hash_prefix(handle, end - _SEAL_LENGTH)
    except OSError as exc:
        raise ArchiveError(f"Không đọc được tệp {path}: {exc.strerror}.", f"cannot read {path}") from None
    if not tail.startswith(SEAL_PREFIX):
        raise _damaged(name, "không có dấu niêm phong ở cuối tệp (tệp bị cắt cụt hoặc không phải tệp xuất của motcua)",
                       "no seal at the end: truncated, or not a motcua export")
    stored = tail[len(SEAL_PREFIX):].decode("ascii", "replace")
    if stored != actual:
        raise _damaged(name, "nội dung không khớp dấu niêm phong (tệp bị hỏng hoặc bị sửa)",
                       "content does not match the seal: damaged or altered")
    return actual


def _damaged(name: str, why: str, english: str) -> ArchiveError:
    return ArchiveError(f"Tệp {name} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{name} rejected: {english}")


@dataclass(frozen=True)
class Verified:
    """An export file whose seal, manifest and every part were checked."""

    path: Path
    seal: str
    manifest: dict


def verify(path: Path, seal: str | None = None) -> Verified:
    """Check the seal (unless `seal_of` just did), the manifest's checksum and fields, and
    every part's SHA-256, size and line count; raise ArchiveError naming the first problem."""
    path = Path(path)
    name = path.name
    seal = seal or seal_of(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            for needed in (MANIFEST, MANIFEST_SUM, DOSSIERS, EVENTS):
                if needed not in members:
                    raise _damaged(name, f"thiếu phần {needed}", f"missing {needed}")
            body = archive.read(MANIFEST)
            expected = archive.read(MANIFEST_SUM).decode("ascii", "replace").split()[:1]
            if expected != [hashlib.sha256(body).hexdigest()]:
                raise _damaged(name, "bản kê (manifest.json) không khớp mã băm của nó (bản kê đã bị sửa)",
                               "manifest.json does not match its SHA-256: the manifest was edited")
            manifest = _manifest(name, body)
            listed = {part["name"]: part for part in manifest["parts"]}
            unlisted = set(members) - set(listed) - {MANIFEST, MANIFEST_SUM}
            if unlisted or set(listed) - set(members):
                raise _damaged(name, "danh sách phần trong bản kê không khớp nội dung tệp",
                               "the manifest's parts do not match the archive's members")
            for part in manifest["parts"]:
                _check_part(archive, name, part)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, KeyError) as exc:
        raise _damaged(name, f"cấu trúc tệp nén hỏng ({exc})", f"broken archive: {exc}") from None
    counts = manifest["counts"]
    if counts["dossiers"] != listed[DOSSIERS]["records"] or counts["events"] != listed[EVENTS]["records"] or \
            counts["files"] != sum(1 for n in listed if n.startswith(FILES)):
        raise _damaged(name, "số bản ghi trong bản kê không khớp nội dung", "manifest counts do not match the parts")
    return Verified(path, seal, manifest)


def _check_part(archive: zipfile.ZipFile, name: str, part: dict) -> None:
    digest = hashlib.sha256()
    size = lines = 0
    with archive.open(part["name"]) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    if digest.hexdigest() != part["sha256"] or size != part["bytes"]:
        raise _damaged(name, f"phần {part['name']} không khớp mã băm SHA-256 trong bản kê",
                       f"{part['name']} does not match its SHA-256")
    if part["name"] in (DOSSIERS, EVENTS) and lines != part["records"]:
        raise _damaged(name, f"số dòng của {part['name']} không khớp bản kê", f"{part['name']} line count differs")


_MANIFEST_FIELDS = {
    "format": str, "format_version": int, "software": dict, "unit": dict, "workstation": int, "sequence": int,
    "created_at": str, "period": dict, "events_range": dict, "with_files": bool, "counts": dict, "parts": list,
}


def _manifest(name: str, body: bytes) -> dict:
    try:
        manifest = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(name, "bản kê không phải JSON hợp lệ", "manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(name, "không phải tệp xuất dữ liệu của motcua", "not a motcua export")
    if isinstance(manifest.get("format_version"), int) and manifest["format_version"] > FORMAT_VERSION:
        raise ArchiveError(
            f"Tệp {name} theo định dạng phiên bản {manifest['format_version']}, mới hơn phiên bản phần mềm này "
            f"đọc được ({FORMAT_VERSION}). Hãy cập nhật motcua.",
            f"{name}: format version {manifest['format_version']} is newer than {FORMAT_VERSION}",
        )
    for key, kind in _MANIFEST_FIELDS.items():
        if not isinstance(manifest.get(key), kind) or (kind is int and isinstance(manifest[key], bool)):
            raise _damaged(name, f"bản kê thiếu hoặc sai trường «{key}»", f"manifest field {key!r} missing or wrong")
    unit = manifest["unit"]
    if not (isinstance(unit.get("code"), str) and unit["code"] and isinstance(unit.get("name"), str)):
        raise _damaged(name, "bản kê thiếu mã hoặc tên đơn vị", "manifest lacks the unit code or name")
    if manifest["sequence"] < 1 or not 1 <= manifest["workstation"] <= 10:
        raise _damaged(name, "số thứ tự lần xuất hoặc số quầy không hợp lệ", "bad sequence or workstation")
    for part in manifest["parts"]:
        if not (isinstance(part, dict) and isinstance(part.get("name"), str) and isinstance(part.get("sha256"), str)
                and isinstance(part.get("bytes"), int) and isinstance(part.get("records"), int)):
            raise _damaged(name, "bản kê có phần mô tả sai", "malformed part in the manifest")
    counts = manifest["counts"]
    if not all(isinstance(counts.get(k), int) for k in ("dossiers", "events", "files")):
        raise _damaged(name, "bản kê thiếu số lượng bản ghi", "manifest counts missing")
    return manifest


def records(path: Path, part: str, batch: int = 2000) -> Iterator[list[tuple[bytes, dict]]]:
    """The records of a verified part, in batches of (line without its newline, parsed record).

    Read in large chunks and parsed with orjson: the province reads millions of lines.
    """
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        pending: list[tuple[bytes, dict]] = []
        rest, number = b"", 0
        for data in iter(lambda: stream.read(_CHUNK), b""):
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for raw in lines:
                number += 1
                try:
                    pending.append((raw, orjson.loads(raw)))
                except orjson.JSONDecodeError:
                    raise _damaged(path.name, f"dòng {number} của {part} không phải JSON hợp lệ",
                                   f"line {number} of {part} is not valid JSON") from None
            if len(pending) >= batch:
                yield pending
                pending = []
        if rest:
            raise _damaged(path.name, f"{part} không kết thúc bằng dấu xuống dòng", f"{part} lacks its final newline")
        if pending:
            yield pending


def extract_file(path: Path, sha: str, target: Path) -> None:
    """Copy the scanned file `sha` of a verified archive to `target`."""
    with zipfile.ZipFile(path) as archive, archive.open(FILES + sha) as stream, open(target, "wb") as out:
        shutil.copyfileobj(stream, out, _CHUNK)
