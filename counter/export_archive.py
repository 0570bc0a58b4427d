"""The end-of-day export file (gói dữ liệu xuất): one ZIP archive, self-describing.

Members (docs/export-format.md gives the JSON Schemas and the limits):
- `dossiers.jsonl`: one changed dossier per line, its full current state;
- `events.jsonl`: one event per line, every event since the previous export;
- `audit.jsonl` (format 2): the id, previous hash and hash of every audit row since the
  previous export, ending at the head of the workstation's audit chain;
- `files/<sha256>`: the scanned files, only with `--with-files`;
- `manifest.json`: format, unit, workstation, sequence, time range, counts,
  software version, the signer and the audit anchors (format 2), and the SHA-256,
  size and line count of every part;
- `manifest.json.sha256`: the manifest's own SHA-256, in `sha256sum` format;
- `manifest.json.sig` (format 2): the workstation's Ed25519 signature of the manifest.

The ZIP comment is a seal: `motcua-seal-sha256:` and the SHA-256 of every byte
of the file before the last 64, so a truncated, damaged or edited file is
caught before anything else is read. The seal is the file's identity at the
province. It detects damage, not forgery: the signature proves which key wrote
the manifest, and the manifest holds every part's SHA-256. Whether that key may
speak for the unit is the province's question (counter/province/trust.py). A file
is read as if an attacker wrote it (with a stolen key, even): only the members
above, each once; the ZIP directory is read and bounded here before `zipfile`
sees it; nothing is inflated past the size it declares or past the limits below;
a member's name is never used as a path.
"""

import hashlib
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from counter import crypto
from counter.codes import MAX_WORKSTATION
from counter.errors import CounterError
from counter.signed_document import strict_json

FORMAT = "motcua-export"
# 2: signed (manifest.json.sig), the audit anchors (audit.jsonl), and each record's place in the
# unit's log (issue 12). Version 1 files are still read, and imported only when asked (--accept-unsigned).
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
DOSSIERS = "dossiers.jsonl"
EVENTS = "events.jsonl"
AUDIT = "audit.jsonl"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
MANIFEST_SIG = "manifest.json.sig"
SIGNATURE_PURPOSE = "export-manifest"
MAX_ROTATIONS = 100
MAX_CERTIFICATE = 4096
FILES = "files/"
SEAL_PREFIX = b"motcua-seal-sha256:"
_SEAL_LENGTH = 64

# Limits (docs/export-format.md, "Limits"). The unit never writes past them; the province refuses
# a file past any of them without inflating more than the limit.
MAX_LINE = 1 << 20  # bytes of one JSON line, its newline excluded
MAX_MANIFEST = 1 << 20
MAX_PART = 4 << 30  # dossiers.jsonl and events.jsonl, each, inflated
MAX_SCAN = 256 << 20  # one scanned file
MAX_SCANS = 200_000  # scanned files in one export
MAX_TOTAL = 64 << 30  # every member together, inflated
MAX_RATIO = 200  # inflated / compressed size of a member larger than RATIO_FROM
RATIO_FROM = 1 << 20
MAX_SEQUENCE = 1_000_000
MAX_INT = (1 << 63) - 1  # SQLite's INTEGER
FIRST_YEAR, LAST_YEAR = 2000, 2100  # times outside are typing or clock errors (issue 9)

# Reading in chunks no longer than a line keeps the line check to the lines that span chunks.
_CHUNK = MAX_LINE
_SCAN_NAME = re.compile(rb"files/[0-9a-f]{64}")
_NAMED = {MANIFEST.encode(): MAX_MANIFEST, MANIFEST_SUM.encode(): 1024, MANIFEST_SIG.encode(): 1024,
          DOSSIERS.encode(): MAX_PART, EVENTS.encode(): MAX_PART, AUDIT.encode(): MAX_PART}
_JSONL = (DOSSIERS, EVENTS, AUDIT)
_SIG_LINE = re.compile(r"[A-Za-z0-9+/]{86}==\n")
_SUM_LINE = re.compile(r"([0-9a-f]{64})  manifest\.json\n")
SHA256 = re.compile(r"[0-9a-f]{64}")
UNIT_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")
_ENCRYPTED = 0x0001 | 0x0040 | 0x2000  # traditional, strong, central directory encryption
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_FIXED_MEMBERS = 6  # the named members of format 2
_DIRECTORY_MAX = (MAX_SCANS + _FIXED_MEMBERS) * 256  # bytes of the central directory


class ArchiveError(CounterError):
    """A damaged, truncated, altered or hostile export file."""


def line(record: dict) -> bytes:
    """One JSON Lines record: compact, UTF-8, keys in a fixed order."""
    data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) > MAX_LINE:
        what = record.get("code") or record.get("dossier") or ""
        raise ArchiveError(f"Bản ghi {what} dài quá {MAX_LINE // 1024} KiB, vượt giới hạn của tệp xuất; hãy rút gọn "
                           "nội dung hồ sơ rồi xuất lại.", f"record {what} is over the {MAX_LINE} byte line limit")
    return data + b"\n"


class _Part:
    """A member being written, hashed and counted on the way; closed even on an error,
    so the archive can be closed and thrown away."""

    def __init__(self, archive: zipfile.ZipFile, name: str, stamp: tuple, limit: int, compress: bool = True):
        self.name, self.limit = name, limit
        self.stream = archive.open(_member(name, stamp, compress), "w", force_zip64=True)
        self.digest = hashlib.sha256()
        self.size = 0
        self.records = 0

    def __enter__(self) -> "_Part":
        return self

    def __exit__(self, *exc) -> None:
        self.stream.close()

    def write(self, data: bytes, records: int = 0) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise ArchiveError(
                f"Phần {self.name} vượt giới hạn {self.limit >> 20} MiB của một tệp xuất; hãy xuất thường xuyên hơn"
                " hoặc xuất không kèm tệp quét.", f"{self.name} is over the {self.limit} byte limit")
        self.stream.write(data)
        self.digest.update(data)
        self.records += records

    def info(self) -> dict:
        return {"name": self.name, "sha256": self.digest.hexdigest(), "bytes": self.size, "records": self.records}


def _member(name: str, stamp: tuple, compress: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def write(path: Path, manifest: dict, dossier_batches: Iterable[list[bytes]], event_lines: Iterable[bytes],
          files: list[tuple[str, Path]], audit_lines: Iterable[bytes] = (),
          sign: Callable[[bytes], bytes] | None = None, durable: bool = True) -> dict:
    """Write the archive at `path`, flushed to disk; returns the full manifest.

    `manifest` holds the describing fields; counts and part hashes are added here. Scans are
    stored as they are: they are compressed already, and a blank page deflated would look
    like a ZIP bomb to the province. A format 2 manifest also gets the `audit.jsonl` part
    from `audit_lines` and is signed with `sign` (the manifest's bytes -> the signature).
    Not `durable`: a plain archive about to be encrypted is not flushed to the disk itself;
    the encrypted file is.
    """
    signed = manifest["format_version"] >= 2
    if signed and sign is None:
        raise ValueError("a format 2 export is signed")
    if len(files) > MAX_SCANS:
        raise ArchiveError(f"Có {len(files)} tệp quét, quá {MAX_SCANS} tệp của một lần xuất; hãy xuất không kèm tệp"
                           " quét.", f"{len(files)} scans, over the {MAX_SCANS} limit")
    # Members carry the export's own time (ZIP times are local, to the even second).
    stamp = datetime.fromisoformat(manifest["created_at"]).timetuple()[:6]
    with open(path, "w+b") as raw:
        with zipfile.ZipFile(raw, "w") as archive:
            with _Part(archive, DOSSIERS, stamp, MAX_PART) as dossiers:
                for batch in dossier_batches:
                    dossiers.write(b"".join(batch), len(batch))
            with _Part(archive, EVENTS, stamp, MAX_PART) as events:
                buffer = []
                for item in event_lines:
                    buffer.append(item)
                    if len(buffer) >= 2000:
                        events.write(b"".join(buffer), len(buffer))
                        buffer = []
                events.write(b"".join(buffer), len(buffer))
            parts = [dossiers.info(), events.info()]
            total = dossiers.size + events.size
            if signed:
                with _Part(archive, AUDIT, stamp, MAX_PART) as chain:
                    buffer = []
                    for item in audit_lines:
                        buffer.append(item)
                        if len(buffer) >= 2000:
                            chain.write(b"".join(buffer), len(buffer))
                            buffer = []
                    chain.write(b"".join(buffer), len(buffer))
                parts.append(chain.info())
                total += chain.size
                manifest = dict(manifest, audit=dict(manifest["audit"], rows=chain.records))
            for sha, source in files:
                with _Part(archive, FILES + sha, stamp, MAX_SCAN, compress=False) as part, \
                        open(source, "rb") as handle:
                    for chunk in iter(lambda: handle.read(_CHUNK), b""):
                        part.write(chunk)
                total += part.size
                if total > MAX_TOTAL:
                    raise ArchiveError(f"Tệp xuất vượt giới hạn {MAX_TOTAL >> 30} GiB; hãy xuất không kèm tệp quét.",
                                       f"the export is over {MAX_TOTAL} bytes")
                parts.append(part.info())
            full = dict(manifest, counts={"dossiers": parts[0]["records"], "events": parts[1]["records"],
                                          "files": len(files)}, parts=parts)
            body = json.dumps(full, ensure_ascii=False, indent=2).encode()
            archive.writestr(_member(MANIFEST, stamp), body)
            archive.writestr(_member(MANIFEST_SUM, stamp), f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n")
            if sign is not None and signed:
                archive.writestr(_member(MANIFEST_SIG, stamp), crypto.b64(sign(body)) + "\n")
            archive.comment = SEAL_PREFIX + b"0" * _SEAL_LENGTH
        raw.flush()
        _seal(raw)
        if durable:
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
        # Not blocking on a named pipe, and only a regular file: a device never ends.
        handle = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)), "rb")
        with handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _damaged(name, "không phải một tệp thông thường", "not a regular file")
            end = handle.seek(0, os.SEEK_END)
            if end < len(SEAL_PREFIX) + _SEAL_LENGTH:
                raise _damaged(name, "tệp quá ngắn", "file too short")
            handle.seek(end - len(SEAL_PREFIX) - _SEAL_LENGTH)
            tail = handle.read()
            handle.seek(0)
            actual = _hash_prefix(handle, end - _SEAL_LENGTH)
    except OSError as exc:
        raise ArchiveError(f"Không đọc được tệp {shown(path)}: {exc.strerror}.", f"cannot read {path}") from None
    if not tail.startswith(SEAL_PREFIX):
        raise _damaged(name, "không có dấu niêm phong ở cuối tệp (tệp bị cắt cụt hoặc không phải tệp xuất của motcua)",
                       "no seal at the end: truncated, or not a motcua export")
    stored = tail[len(SEAL_PREFIX):].decode("ascii", "replace")
    if stored != actual:
        raise _damaged(name, "nội dung không khớp dấu niêm phong (tệp bị hỏng hoặc bị sửa)",
                       "content does not match the seal: damaged or altered")
    return actual


def shown(text) -> str:
    """A name as one printable line, however it was spelled."""
    text = str(text)
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text[:120])
    return cleaned + ("…" if len(text) > 120 else "")


def _damaged(name: str, why: str, english: str) -> ArchiveError:
    name = shown(name)
    return ArchiveError(f"Tệp {name} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{name} rejected: {english}")


@dataclass(frozen=True)
class Member:
    """One member of an export, as its ZIP directory entry and local header describe it."""

    name: str
    method: int
    crc: int
    compressed: int
    size: int
    offset: int  # of the local header
    data: int  # where the stored bytes start


@dataclass(frozen=True)
class Verified:
    """An export file whose seal, directory, manifest and scans were checked (and, unless the
    province asked otherwise, its records parts)."""

    path: Path
    seal: str
    manifest: dict
    members: dict[str, Member]
    signed: bool = False  # format 2: the manifest's signature checked against the key it names

    @property
    def version(self) -> int:
        return self.manifest["format_version"]


def verify(path: Path, seal: str | None = None, contents: bool = True) -> Verified:
    """Check the seal (unless `seal_of` just did), the ZIP directory, the manifest's checksum and
    fields, every part's size and, with `contents`, its SHA-256, line count and line length;
    raise ArchiveError naming the first problem.

    The province passes `contents=False`: `records` checks the same while the records are
    imported, in the import's one transaction, so each is inflated once. Scans are checked
    either way: nothing from a bad file may reach the file store, not even for a moment."""
    path = Path(path)
    name = path.name
    seal = seal or seal_of(path)
    try:
        with open(path, "rb") as raw:
            members = {member.name: member for member in _directory(raw, name)}
            for needed in (MANIFEST, MANIFEST_SUM, DOSSIERS, EVENTS):
                if needed not in members:
                    raise _damaged(name, f"thiếu phần {needed}", f"missing {needed}")
            manifest, body = _read_manifest(raw, members, name)
            signed = _check_signature(raw, members, manifest, body, name)
            listed = {part["name"]: part for part in manifest["parts"]}
            if set(members) - {MANIFEST, MANIFEST_SUM, MANIFEST_SIG} != set(listed):
                raise _damaged(name, "danh sách phần trong bản kê không khớp nội dung tệp",
                               "the manifest's parts do not match the archive's members")
            for part in manifest["parts"]:
                member = members[part["name"]]
                if member.size != part["bytes"]:
                    raise _damaged(name, f"kích thước phần {part['name']} không khớp bản kê",
                                   f"{part['name']}: size differs from the manifest")
                if contents or part["name"].startswith(FILES):
                    _check_part(raw, member, part, name)
    except ArchiveError:
        raise
    except OSError as exc:
        raise ArchiveError(f"Không đọc được tệp {shown(path)}: {exc.strerror or exc}.", f"cannot read {path}") \
            from None
    counts = manifest["counts"]
    named = 3 if signed else 2
    audit_rows = manifest["audit"]["rows"] if signed else 0
    if counts["dossiers"] != listed[DOSSIERS]["records"] or counts["events"] != listed[EVENTS]["records"] or \
            counts["files"] != len(listed) - named or (signed and audit_rows != listed[AUDIT]["records"]):
        raise _damaged(name, "số bản ghi trong bản kê không khớp nội dung", "manifest counts do not match the parts")
    return Verified(path, seal, manifest, members, signed)


def _check_signature(raw: BinaryIO, members: dict[str, Member], manifest: dict, body: bytes, name: str) -> bool:
    """Format 2: the signature member, checked against the key the manifest names (whether
    that key may speak for the unit is the province's question). Format 1 has none."""
    if manifest["format_version"] < 2:
        if MANIFEST_SIG in members:
            raise _damaged(name, f"tệp định dạng 1 không có phần {MANIFEST_SIG}", f"{MANIFEST_SIG} in a format 1 file")
        return False
    if MANIFEST_SIG not in members:
        raise _damaged(name, "tệp định dạng 2 không có chữ ký số (manifest.json.sig)", "unsigned format 2 file")
    text = _read_whole(raw, members[MANIFEST_SIG], name).decode("ascii", "replace")
    signature = crypto.from_b64(text[:-1], crypto.SIGNATURE_BYTES) if _SIG_LINE.fullmatch(text) else None
    key = crypto.from_b64(manifest["signer"]["key"], crypto.KEY_BYTES)
    if signature is None or key is None or not crypto.verify(key, SIGNATURE_PURPOSE, body, signature):
        raise _damaged(name, "chữ ký số không khớp bản kê (tệp đã bị sửa sau khi ký, hoặc chữ ký giả)",
                       "the signature does not match the manifest")
    return True


_END = struct.Struct("<4s4H2LH")
_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
_COMMENT = len(SEAL_PREFIX) + _SEAL_LENGTH


def _directory(raw: BinaryIO, name: str) -> list[Member]:
    """The central directory, checked entry by entry: only the members of the format, each
    once, plain files, not encrypted, stored or deflated, within the limits, one after the other."""
    end = raw.seek(0, os.SEEK_END)
    at = end - _COMMENT - _END.size
    if at < 0:
        raise _damaged(name, "tệp quá ngắn", "file too short")
    raw.seek(at)
    signature, disk, start_disk, on_disk, entries, size, offset, comment = _END.unpack(raw.read(_END.size))
    if signature != b"PK\x05\x06" or comment != _COMMENT or disk or start_disk or on_disk != entries:
        raise _damaged(name, "phần kết của tệp nén không hợp lệ", "bad end of central directory")
    directory_end = at
    if at >= _LOCATOR.size + _END64.size:
        raw.seek(at - _LOCATOR.size)
        if _LOCATOR.unpack(raw.read(_LOCATOR.size))[0] == b"PK\x06\x07":
            # As zipfile does: the ZIP64 end record is the one just before its locator.
            directory_end = at - _LOCATOR.size - _END64.size
            raw.seek(directory_end)
            signature, length, _, _, disk, start_disk, on_disk, entries, size, offset = _END64.unpack(
                raw.read(_END64.size))
            if signature != b"PK\x06\x06" or length != _END64.size - 12 or disk or start_disk or on_disk != entries:
                raise _damaged(name, "phần kết ZIP64 của tệp nén không hợp lệ", "bad ZIP64 end record")
    if entries > MAX_SCANS + _FIXED_MEMBERS or size > _DIRECTORY_MAX:
        raise _damaged(name, f"tệp nén có quá nhiều phần (giới hạn {MAX_SCANS} tệp quét)", "too many members")
    if offset + size != directory_end:
        raise _damaged(name, "thư mục của tệp nén không nằm đúng chỗ (có dữ liệu lạ chen vào)",
                       "the central directory is not where the end record says")
    raw.seek(offset)
    data = raw.read(size)
    found: list[tuple[str, int, int, int, int, int]] = []
    names: set[bytes] = set()
    position = 0
    while position < len(data):
        if len(found) >= entries or position + _CENTRAL.size > len(data):
            raise _damaged(name, "thư mục của tệp nén hỏng", "malformed central directory")
        (signature, _, _, flags, method, _, _, crc, compressed, inflated, name_length, extra_length, comment_length,
         disk, _, attributes, header) = _CENTRAL.unpack_from(data, position)
        if signature != b"PK\x01\x02":
            raise _damaged(name, "thư mục của tệp nén hỏng", "malformed central directory")
        position += _CENTRAL.size
        raw_name = data[position:position + name_length]
        extra = data[position + name_length:position + name_length + extra_length]
        position += name_length + extra_length + comment_length
        label = shown(raw_name.decode("utf-8", "replace"))
        if raw_name not in _NAMED and not _SCAN_NAME.fullmatch(raw_name):
            raise _damaged(name, f"có phần «{label}» không thuộc định dạng tệp xuất", f"unknown member {label!r}")
        if raw_name in names:
            raise _damaged(name, f"phần «{label}» xuất hiện hai lần", f"duplicate member {label!r}")
        names.add(raw_name)
        if disk:
            raise _damaged(name, "tệp nén nhiều phần (nhiều đĩa) không được hỗ trợ", "multi-disk archive")
        inflated, compressed, header = _zip64_values(extra, inflated, compressed, header, name)
        _check_entry(name, label, raw_name, flags, method, attributes, compressed, inflated)
        found.append((raw_name.decode("ascii"), method, crc, compressed, inflated, header))
    if len(found) != entries or position != len(data):
        raise _damaged(name, "thư mục của tệp nén hỏng", "central directory count differs")
    if sum(entry[4] for entry in found) > MAX_TOTAL:
        raise _damaged(name, f"tổng dung lượng giải nén vượt giới hạn {MAX_TOTAL >> 30} GiB",
                       f"inflates to over {MAX_TOTAL} bytes")
    return _laid_out(raw, found, offset, name)


def _zip64_values(extra: bytes, inflated: int, compressed: int, header: int, name: str) -> tuple[int, int, int]:
    """Sizes and offset from the ZIP64 extra field where the 32-bit ones are full (as zipfile reads them)."""
    wanted = [value == 0xFFFFFFFF for value in (inflated, compressed, header)]
    if not any(wanted):
        return inflated, compressed, header
    values = [inflated, compressed, header]
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, position)
        if kind == 1:
            field = extra[position + 4:position + 4 + length]
            cursor = 0
            for index, needed in enumerate(wanted):
                if needed:
                    if cursor + 8 > len(field):
                        raise _damaged(name, "trường ZIP64 hỏng", "malformed ZIP64 extra field")
                    values[index] = struct.unpack_from("<Q", field, cursor)[0]
                    cursor += 8
            return values[0], values[1], values[2]
        position += 4 + length
    raise _damaged(name, "thiếu trường ZIP64", "missing ZIP64 extra field")


def _check_entry(name: str, label: str, raw_name: bytes, flags: int, method: int, attributes: int,
                 compressed: int, inflated: int) -> None:
    if flags & _ENCRYPTED:
        raise _damaged(name, f"phần «{label}» bị mã hóa", f"{label} is encrypted")
    if flags & 0x08:
        raise _damaged(name, f"phần «{label}» ghi kích thước sau dữ liệu (không hỗ trợ)",
                       f"{label} uses a data descriptor")
    if method not in _METHODS:
        raise _damaged(name, f"phần «{label}» nén theo phương thức không hỗ trợ (số {method})",
                       f"{label}: unsupported compression method {method}")
    kind = (attributes >> 16) & 0o170000
    if kind not in (0, 0o100000) or attributes & 0x10:
        raise _damaged(name, f"phần «{label}» là thư mục hoặc liên kết, không phải tệp",
                       f"{label} is a directory or a link")
    limit = _NAMED.get(raw_name, MAX_SCAN)
    if inflated > limit:
        raise _damaged(name, f"phần «{label}» giải nén ra {inflated} byte, vượt giới hạn {limit} byte",
                       f"{label} inflates to {inflated} bytes, over {limit}")
    if method == zipfile.ZIP_STORED and compressed != inflated:
        raise _damaged(name, f"phần «{label}» lưu không nén nhưng kích thước lưu và kích thước thật khác nhau",
                       f"{label}: stored, but its two sizes differ")
    if inflated > RATIO_FROM and inflated > MAX_RATIO * compressed:
        raise _damaged(name, f"phần «{label}» có tỉ lệ nén bất thường (giới hạn {MAX_RATIO}:1)",
                       f"{label}: compression ratio over {MAX_RATIO}:1")


def _laid_out(raw: BinaryIO, found: list[tuple], directory: int, name: str) -> list[Member]:
    """The members, each local header checked against its directory entry; they must fill the
    file from its first byte to the directory, one after the other: no hidden bytes, none shared."""
    members = []
    position = 0
    for member_name, method, crc, compressed, size, offset in sorted(found, key=lambda entry: entry[5]):
        raw.seek(offset)
        header = raw.read(_LOCAL.size)
        if offset != position or len(header) != _LOCAL.size:
            raise _damaged(name, f"phần «{member_name}» không nằm liền sau phần trước (có dữ liệu lạ hoặc chồng lấn)",
                           f"{member_name}: gap or overlap before it")
        signature, _, flags, local_method, _, _, local_crc, local_compressed, local_size, name_length, extra_length = \
            _LOCAL.unpack(header)
        if signature != b"PK\x03\x04" or raw.read(name_length) != member_name.encode() \
                or local_method != method or flags & (_ENCRYPTED | 0x08) \
                or (local_crc, *_local_sizes(raw.read(extra_length), local_compressed, local_size)) \
                != (crc, compressed, size):
            raise _damaged(name, f"phần «{member_name}» không khớp thư mục của tệp nén",
                           f"{member_name}: local header differs from the central directory")
        data = offset + _LOCAL.size + name_length + extra_length
        position = data + compressed
        members.append(Member(member_name, method, crc, compressed, size, offset, data))
    if position != directory:
        raise _damaged(name, "có dữ liệu lạ trước thư mục của tệp nén", "unexplained bytes before the directory")
    order = {entry[0]: index for index, entry in enumerate(found)}
    return sorted(members, key=lambda member: order[member.name])


def _local_sizes(extra: bytes, compressed: int, size: int) -> tuple[int, int]:
    """(compressed, inflated) sizes a local header states, from its ZIP64 extra field when it has one."""
    if compressed != 0xFFFFFFFF and size != 0xFFFFFFFF:
        return compressed, size
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 1 and length >= 16:
            inflated, stored = struct.unpack_from("<QQ", extra, at + 4)
            return stored, inflated
        at += 4 + length
    return -1, -1


class _Inflating:
    """Reads one member: never past its stored bytes, never inflating past its declared size,
    and at the end checks it inflated to exactly that size, with its CRC-32 and nothing left over."""

    def __init__(self, raw: BinaryIO, member: Member, file_name: str):
        self.raw, self.member, self.file_name = raw, member, file_name
        self.stored_left, self.inflated, self.crc = member.compressed, 0, 0
        self.inflater = zlib.decompressobj(-15) if member.method == zipfile.ZIP_DEFLATED else None
        self.pending = b""
        raw.seek(member.data)

    def read(self, size: int = _CHUNK) -> bytes:
        size = _CHUNK if size is None or size <= 0 else min(size, _CHUNK)
        while True:
            if not self.pending and self.stored_left:
                self.pending = self.raw.read(min(_CHUNK, self.stored_left))
                if not self.pending:
                    raise self._bad("tệp bị cắt cụt giữa phần", "truncated inside the member")
                self.stored_left -= len(self.pending)
            if self.inflater is None:
                data, self.pending = self.pending[:size], self.pending[size:]
            else:
                try:
                    data = self.inflater.decompress(self.pending, size)
                except zlib.error:
                    raise self._bad("dữ liệu nén hỏng", "corrupt deflate data") from None
                self.pending = self.inflater.unconsumed_tail
                if self.inflater.eof and (self.pending or self.stored_left or self.inflater.unused_data):
                    raise self._bad("có dữ liệu thừa sau phần nén", "bytes after the end of the deflate stream")
            self.inflated += len(data)
            if self.inflated > self.member.size:
                raise self._bad("giải nén ra nhiều hơn kích thước đã khai", "inflates past its declared size")
            if data:
                self.crc = zlib.crc32(data, self.crc)
                return data
            if not self.pending and not self.stored_left:
                if (self.inflater is not None and not self.inflater.eof) or self.inflated != self.member.size \
                        or self.crc != self.member.crc:
                    raise self._bad("không khớp kích thước hoặc mã CRC-32 đã khai", "size or CRC-32 differs")
                return b""

    def _bad(self, why: str, english: str) -> ArchiveError:
        return _damaged(self.file_name, f"phần {self.member.name}: {why}", f"{self.member.name}: {english}")


def _read_manifest(raw: BinaryIO, members: dict[str, Member], name: str) -> tuple[dict, bytes]:
    body = _read_whole(raw, members[MANIFEST], name)
    stated = _SUM_LINE.fullmatch(_read_whole(raw, members[MANIFEST_SUM], name).decode("ascii", "replace"))
    if not stated or stated[1] != hashlib.sha256(body).hexdigest():
        raise _damaged(name, "bản kê (manifest.json) không khớp mã băm của nó (bản kê đã bị sửa)",
                       "manifest.json does not match its SHA-256: the manifest was edited")
    manifest = _parse_manifest(name, body)
    _check_manifest(name, manifest)
    return manifest, body


def _read_whole(raw: BinaryIO, member: Member, name: str) -> bytes:
    stream = _Inflating(raw, member, name)
    return b"".join(iter(stream.read, b""))


def _check_part(raw: BinaryIO, member: Member, part: dict, name: str) -> None:
    """Inflate one part, never past its declared size, hashing it and checking its lines."""
    digest = hashlib.sha256()
    lines = 0
    jsonl = part["name"] in _JSONL
    lines_checked = _Lines(name, part["name"])
    stream = _Inflating(raw, member, name)
    for chunk in iter(stream.read, b""):
        digest.update(chunk)
        if jsonl:
            lines += lines_checked.feed(chunk)
    if digest.hexdigest() != part["sha256"]:
        raise _part_differs(name, part["name"])
    if jsonl and lines != part["records"]:
        raise _damaged(name, f"số dòng của {part['name']} không khớp bản kê", f"{part['name']} line count differs")


def _part_differs(name: str, part: str) -> ArchiveError:
    return _damaged(name, f"phần {part} không khớp mã băm SHA-256 trong bản kê", f"{part} does not match its SHA-256")


class _Lines:
    """Counts lines chunk by chunk and refuses one longer than MAX_LINE as soon as it is."""

    def __init__(self, name: str, part: str):
        self.name, self.part, self.open = name, part, 0

    def feed(self, chunk: bytes) -> int:
        first = chunk.find(b"\n")
        if first < 0:
            self.open += len(chunk)
            if self.open > MAX_LINE:
                raise self.too_long()
            return 0
        if self.open + first > MAX_LINE:
            raise self.too_long()
        self.open = len(chunk) - 1 - chunk.rfind(b"\n")
        return chunk.count(b"\n")

    def too_long(self) -> ArchiveError:
        return _damaged(self.name, f"{self.part} có dòng dài quá {MAX_LINE} byte",
                        f"{self.part} has a line over {MAX_LINE} bytes")


def _parse_manifest(name: str, body: bytes) -> dict[str, Any]:
    try:
        manifest = strict_json(body)
    except ValueError:
        raise _damaged(name, "bản kê không phải JSON hợp lệ", "manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(name, "không phải tệp xuất dữ liệu của motcua", "not a motcua export")
    version = manifest.get("format_version")
    if type(version) is int and version > FORMAT_VERSION:
        raise ArchiveError(
            f"Tệp {shown(name)} theo định dạng phiên bản {version}, mới hơn phiên bản phần mềm này "
            f"đọc được ({FORMAT_VERSION}). Hãy cập nhật motcua.",
            f"{shown(name)}: format version {version} is newer than {FORMAT_VERSION}",
        )
    return manifest


def is_int(value, low: int = 0, high: int = MAX_INT) -> bool:
    """A JSON integer (not a boolean, not a float) within [low, high]."""
    return type(value) is int and low <= value <= high


def is_text(value, high: int, low: int = 0) -> bool:
    return type(value) is str and low <= len(value) <= high


def is_time(value) -> bool:
    """`YYYY-MM-DDTHH:MM:SS`, a real moment between FIRST_YEAR and LAST_YEAR (2026-02-30 is not)."""
    try:
        return type(value) is str and len(value) == 19 and _TIME.fullmatch(value) is not None \
            and _FIRST_MOMENT <= value <= _LAST_MOMENT and datetime.fromisoformat(value) is not None
    except ValueError:
        return False


def are_times(values: tuple) -> bool:
    """`is_time` for each of `values`, by C-level string operations: the province reads millions.

    Every value is 19 ASCII characters with the separators in their places; then the fields
    are a real date and time when `fromisoformat` reads them, and such strings sort in time order.
    """
    if not values:
        return True
    try:
        joined, count = "".join(values), len(values)
        return len(joined) == 19 * count and max(map(len, values)) == 19 and joined.isascii() \
            and joined[4::19] == joined[7::19] == "-" * count and joined[10::19] == "T" * count \
            and joined[13::19] == joined[16::19] == ":" * count \
            and len(tuple(map(datetime.fromisoformat, values))) == count \
            and min(values) >= _FIRST_MOMENT and max(values) <= _LAST_MOMENT
    except (TypeError, ValueError):
        return False


_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_FIRST_MOMENT, _LAST_MOMENT = f"{FIRST_YEAR}-01-01T00:00:00", f"{LAST_YEAR}-12-31T23:59:59"


def is_sha256(value) -> bool:
    return type(value) is str and len(value) == 64 and SHA256.fullmatch(value) is not None


def _check_manifest(name: str, manifest: dict) -> None:
    """The manifest against its schema (docs/export-format.md, "Manifest")."""
    def refuse(field: str) -> ArchiveError:
        return _damaged(name, f"bản kê thiếu hoặc sai trường «{field}»", f"manifest field {field!r} missing or wrong")

    def part_of(key: str, kind: type) -> Any:
        value = manifest.get(key)
        if type(value) is not kind:
            raise refuse(key)
        return value

    version = manifest.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise refuse("format_version")
    if version >= 2:
        _check_origins(manifest, refuse)
    software, unit, period = part_of("software", dict), part_of("unit", dict), part_of("period", dict)
    if software.get("name") != "motcua" or not is_text(software.get("version"), 64):
        raise refuse("software")
    code = unit.get("code")
    if not (type(code) is str and UNIT_CODE.fullmatch(code) and is_text(unit.get("name"), 1000, 1)):
        raise _damaged(name, "bản kê thiếu hoặc sai mã, tên đơn vị", "manifest lacks a valid unit code or name")
    if not is_int(manifest.get("workstation"), 1, MAX_WORKSTATION):
        raise _damaged(name, f"số quầy không hợp lệ (phải từ 1 đến {MAX_WORKSTATION})", "bad workstation")
    if not is_int(manifest.get("sequence"), 1, MAX_SEQUENCE):
        raise _damaged(name, f"số thứ tự lần xuất không hợp lệ (phải từ 1 đến {MAX_SEQUENCE})", "bad sequence")
    if not is_time(manifest.get("created_at")):
        raise refuse("created_at")
    if not ((period.get("from") is None and "from" in period) or is_time(period.get("from"))) \
            or not is_time(period.get("to")):
        raise refuse("period")
    events_range = part_of("events_range", dict)
    if not (is_int(events_range.get("after")) and is_int(events_range.get("through"))
            and events_range["after"] <= events_range["through"]):
        raise refuse("events_range")
    if type(manifest.get("with_files")) is not bool:
        raise refuse("with_files")
    counts = part_of("counts", dict)
    if not all(is_int(counts.get(key)) for key in ("dossiers", "events", "files")):
        raise refuse("counts")
    named = (DOSSIERS, EVENTS, AUDIT) if version >= 2 else (DOSSIERS, EVENTS)
    parts = part_of("parts", list)
    if len(parts) > MAX_SCANS + len(named):
        raise refuse("parts")
    names = set()
    for part in parts:
        if type(part) is not dict or not is_sha256(part.get("sha256")) or not is_int(part.get("bytes")) \
                or not is_int(part.get("records")) or type(part.get("name")) is not str or part["name"] in names:
            raise _damaged(name, "bản kê có phần mô tả sai", "malformed part in the manifest")
        names.add(part["name"])
        if part["name"] not in named and (
                part["name"] != FILES + part["sha256"] or part["records"] != 0 or not manifest["with_files"]):
            raise _damaged(name, "bản kê có phần mô tả sai (tệp quét phải mang tên là mã băm của nó)",
                           "malformed part in the manifest (a scan is named by its SHA-256)")
    if not set(named) <= names:
        raise refuse("parts")
    if version >= 2:
        _check_signer(manifest, refuse)
        _check_anchors(manifest, refuse)


def _check_signer(manifest: dict, refuse) -> None:
    """`signer`: the key (base64 of 32 bytes), its fingerprint, and at most MAX_ROTATIONS rotation
    certificates (each a JSON text and a base64 signature; the province reads their contents)."""
    signer = manifest.get("signer")
    if type(signer) is not dict:
        raise refuse("signer")
    key = crypto.from_b64(signer.get("key"), crypto.KEY_BYTES)
    if key is None or not crypto.is_ed25519_public(key) or signer.get("fingerprint") != crypto.fingerprint(key):
        raise refuse("signer")
    rotations = signer.get("rotations")
    if type(rotations) is not list or len(rotations) > MAX_ROTATIONS:
        raise refuse("signer.rotations")
    for item in rotations:
        if type(item) is not dict or not is_text(item.get("certificate"), MAX_CERTIFICATE, 1) \
                or crypto.from_b64(item.get("signature"), crypto.SIGNATURE_BYTES) is None:
            raise refuse("signer.rotations")


def _check_anchors(manifest: dict, refuse) -> None:
    """`audit`: `after` (the last row the previous export ended at, null for the first anchored
    export), `head` (the newest row), each {"id", "hash"}, and `rows`, the rows between."""
    chain = manifest.get("audit")
    if type(chain) is not dict:
        raise refuse("audit")

    def anchor(value, empty_hash: bool) -> bool:
        return type(value) is dict and is_int(value.get("id")) and (
            is_sha256(value.get("hash")) or (empty_hash and value.get("hash") == ""))

    after, head, rows = chain.get("after"), chain.get("head"), chain.get("rows")
    if "after" not in chain or not (after is None or anchor(after, True)) or not anchor(head, False) \
            or not is_int(rows) or head is None:
        raise refuse("audit")
    if (after is None and rows != 0) or (after is not None and rows != max(0, head["id"] - after["id"])):
        raise refuse("audit.rows")


_WS_ID = re.compile(r"[0-9a-f]{16}")


def _check_origins(manifest: dict, refuse) -> None:
    """Format 2: the station, its former selves, and the range of each one's log the file covers."""
    ws_id, lineage, origins = manifest.get("ws_id"), manifest.get("lineage"), manifest.get("origins")
    if not (type(ws_id) is str and _WS_ID.fullmatch(ws_id)):
        raise refuse("ws_id")
    if not (type(lineage) is list and len(lineage) <= 1000
            and all(type(w) is str and _WS_ID.fullmatch(w) for w in lineage)):
        raise refuse("lineage")
    if not (type(origins) is dict and set(origins) <= {ws_id, *lineage} and all(
            type(span) is dict and set(span) == {"after", "through"} and is_int(span["after"])
            and is_int(span["through"]) and span["after"] <= span["through"] for span in origins.values())):
        raise refuse("origins")


def records(verified: Verified, part: str, batch: int = 2000) -> Iterator[list[tuple[bytes, dict]]]:
    """The records of a part of a verified file, in batches of (line without its newline,
    parsed record).

    Read in large chunks and parsed with orjson: the province reads millions of lines. The
    part's size, CRC-32, SHA-256, line count and line length are checked on the way; a mismatch
    raises ArchiveError, at the latest at the end, before the import commits anything from it.
    """
    member, file_name = verified.members[part], verified.path.name
    listed = next(item for item in verified.manifest["parts"] if item["name"] == part)
    digest = hashlib.sha256()
    try:
        with open(verified.path, "rb") as raw:
            stream = _Inflating(raw, member, file_name)
            pending: list[tuple[bytes, dict]] = []
            rest, number = b"", 0
            for data in iter(stream.read, b""):
                digest.update(data)
                lines = (rest + data).split(b"\n")
                rest = lines.pop()
                if len(rest) > MAX_LINE or (lines and max(map(len, lines)) > MAX_LINE):
                    raise _damaged(file_name, f"{part} có dòng dài quá {MAX_LINE} byte",
                                   f"{part} has a line over {MAX_LINE} bytes")
                for line_bytes in lines:
                    number += 1
                    try:
                        pending.append((line_bytes, orjson.loads(line_bytes)))
                    except orjson.JSONDecodeError:
                        raise _damaged(file_name, f"dòng {number} của {part} không phải JSON hợp lệ",
                                       f"line {number} of {part} is not valid JSON") from None
                if len(pending) >= batch:
                    yield pending
                    pending = []
    except OSError as exc:
        raise ArchiveError(f"Không đọc được tệp {shown(file_name)}: {exc.strerror or exc}.",
                           f"cannot read {file_name}") from None
    if rest:
        raise _damaged(file_name, f"{part} không kết thúc bằng dấu xuống dòng", f"{part} lacks its final newline")
    if digest.hexdigest() != listed["sha256"]:
        raise _part_differs(file_name, part)
    if number != listed["records"]:
        raise _damaged(file_name, f"số dòng của {part} không khớp bản kê", f"{part} line count differs")
    if pending:
        yield pending


@contextmanager
def scan(verified: Verified, name: str) -> Iterator[_Inflating]:
    """A stream of a scanned file of a verified export, to copy into a file store that checks
    its SHA-256 (db/files.py, `add_stream`); its size and CRC-32 are checked here."""
    try:
        raw = open(verified.path, "rb")
    except OSError as exc:
        raise ArchiveError(f"Không đọc được tệp {shown(verified.path)}: {exc.strerror or exc}.",
                           f"cannot read {verified.path}") from None
    with raw:
        yield _Inflating(raw, verified.members[name], verified.path.name)
