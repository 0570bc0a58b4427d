"""The sync folder on disk (issue 12; docs/sync.md gives the formats).

    FOLDER/motcua-sync/<unit code>/<ws_id>/station.json
                                           seg-<first>-<last>.jsonl.gz
                                           files/<sha256>

Each station writes only its own folder, every file under a temporary name in the same folder, flushed
and renamed, so a reader sees a whole file or none. Everything read from another station's folder is
hostile input: sizes and line lengths are capped, the gzip stream is inflated in chunks against the caps,
the header's signature (counter/sync_trust.py) and the body's SHA-256 are checked, and every record is
checked against its schema (counter/sync_records.py) before anything is applied. No name read from a file
is ever joined to a path, except a scan's `files/<64 hex digits>`, checked as such.
"""

import gzip
import hashlib
import os
import re
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

import counter
from counter import sync_records
from counter.codes import MAX_WORKSTATION
from counter.export_archive import MAX_INT, is_sha256, is_time
from db import durable

ROOT = "motcua-sync"
STATION = "station.json"
FILES = "files"
FORMAT, STATION_FORMAT = "motcua-sync", "motcua-sync-station"
VERSION = 2  # 2: every file signed by its workstation (issue 13); a version 1 file is unsigned, so skipped
SEGMENT = re.compile(r"seg-([0-9]{9})-([0-9]{9})\.jsonl\.gz")
MAX_RECORDS = 20_000  # records of one segment
MAX_CAUSAL = 2_000  # steps of a segment's causal history
MAX_FILE = 256 << 20  # bytes of one segment file as stored
MAX_BODY = 1 << 30  # bytes of one segment once inflated
MAX_LINE = 1 << 20  # bytes of one record
MAX_HEADER = 4 << 20  # bytes of a segment's first line
MAX_STATION = 64 << 20  # bytes of station.json (its audit anchor lists the rows the slowest peer has not seen)
MAX_PEERS = 1_000  # stations named in one `seen`
_CHUNK = 1 << 20


class SyncFileError(Exception):
    """A file in the sync folder that is skipped; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Segment:
    path: Path
    first: int
    last: int
    header: dict
    records: list[dict]


def unit_folder(base: Path, unit_code: str) -> Path:
    return Path(base) / ROOT / unit_code


def station_folder(base: Path, unit_code: str, ws_id: str) -> Path:
    if not sync_records.WS_ID.fullmatch(ws_id):
        raise ValueError(f"not a station id: {ws_id!r}")
    return unit_folder(base, unit_code) / ws_id


def segment_name(first: int, last: int) -> str:
    return f"seg-{first:09d}-{last:09d}.jsonl.gz"


# --- writing ----------------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """`data` as `path`: a temporary name in the same folder, flushed, fsynced and renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        durable.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    durable.fsync_folder(path.parent, best_effort=True)


def write_segment(folder: Path, header: dict, lines: list[bytes], sign: Callable[[dict], dict]) -> Path:
    """One segment of records `header["first"]`..`header["last"]` (`lines`: one JSON record each), its header
    (which holds the body's SHA-256) signed by `sign`."""
    body = b"".join(lines)
    full = sign(dict(header, format=FORMAT, version=VERSION, count=len(lines),
                     body_sha256=hashlib.sha256(body).hexdigest(), software=f"motcua {counter.__version__}"))
    path = folder / segment_name(header["first"], header["last"])
    write_atomic(path, gzip.compress(orjson.dumps(full) + b"\n" + body, compresslevel=6, mtime=0))
    return path


def record_line(record: dict) -> bytes:
    return orjson.dumps(record) + b"\n"


def write_station(folder: Path, value: dict, sign: Callable[[dict], dict]) -> None:
    write_atomic(folder / STATION, orjson.dumps(sign(dict(value, format=STATION_FORMAT, version=VERSION)),
                                               option=orjson.OPT_INDENT_2))


def publish_scan(source: Path, folder: Path, sha: str, size: int) -> bool:
    """Copy a stored scan to `folder/files/<sha>` unless it is there; False if the store lacks it."""
    target = folder / FILES / sha
    try:
        if target.stat().st_size == size:
            return True
    except OSError:
        pass
    try:
        data_size = source.stat().st_size
    except OSError:
        return False
    if data_size != size:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{sha}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        durable.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return True


def fetch_scan(folder: Path, sha: str, target: Path) -> bool:
    """Copy `folder/files/<sha>` to `target` (the file store's place for it), checking its SHA-256 while
    copying into a temporary file beside `target`; False if it is absent, too big or not that scan."""
    if not is_sha256(sha):
        return False
    source = folder / FILES / sha
    try:
        if not source.is_file() or source.is_symlink() or source.stat().st_size > sync_records.MAX_SCAN:
            return False
    except OSError:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                size += len(chunk)
                if size > sync_records.MAX_SCAN:
                    raise OSError("scan over the size limit")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha:
            Path(partial).unlink(missing_ok=True)
            return False
        os.replace(partial, target)
    except OSError:
        Path(partial).unlink(missing_ok=True)
        return False
    return True


def clean_partials(folder: Path) -> None:
    """Temporary files a killed sync of this station left in its own folder (only it writes there)."""
    for place in (folder, folder / FILES):
        try:
            leftovers = [e.path for e in os.scandir(place) if e.name.startswith(".") and e.name.endswith(".partial")]
        except OSError:
            continue
        for path in leftovers:
            remove(Path(path))


def remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# --- reading ----------------------------------------------------------------------------------------

def stations(unit: Path) -> list[str]:
    """The station folders of a unit: names that are station ids, nothing else."""
    try:
        entries = list(os.scandir(unit))
    except OSError:
        return []
    return sorted(e.name for e in entries if sync_records.WS_ID.fullmatch(e.name) and e.is_dir(follow_symlinks=False))


def other_units(base: Path, unit_code: str) -> list[str]:
    """Names of the other units' folders found beside this unit's."""
    try:
        entries = list(os.scandir(Path(base) / ROOT))
    except OSError:
        return []
    return sorted(e.name for e in entries if e.name != unit_code and e.is_dir(follow_symlinks=False))[:50]


def segments(folder: Path) -> list[tuple[int, int, Path]]:
    """(first, last, path) of the segment files in a station's folder, by first then last."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        match = SEGMENT.fullmatch(entry.name)
        if match and entry.is_file(follow_symlinks=False):
            first, last = int(match[1]), int(match[2])
            if 1 <= first <= last and last - first < MAX_RECORDS:
                found.append((first, last, Path(entry.path)))
    return sorted(found)


def read_station(path: Path, ws_id: str, unit_code: str) -> dict:
    """A station's station.json, checked; SyncFileError says what is wrong (another unit's, damaged…)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_STATION + 1)
    except FileNotFoundError:
        raise SyncFileError("chưa có station.json (máy đó chưa đồng bộ xong lần nào)") from None
    except OSError as exc:
        raise SyncFileError(f"không đọc được ({exc.strerror or exc})") from None
    if len(data) > MAX_STATION:
        raise SyncFileError("station.json quá lớn")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise SyncFileError("station.json hỏng (không phải JSON)") from None
    if not isinstance(value, dict) or value.get("format") != STATION_FORMAT:
        raise SyncFileError("không phải tệp station.json của motcua")
    if _newer(value.get("version")):
        raise SyncFileError(f"định dạng phiên bản {value['version']} mới hơn phần mềm này; hãy cập nhật motcua")
    unit = value.get("unit")
    if not isinstance(unit, dict) or not isinstance(unit.get("code"), str):
        raise SyncFileError("station.json thiếu mã đơn vị")
    if unit["code"] != unit_code:
        raise SyncFileError(f"máy của đơn vị khác ({unit['code'][:40]}) ghi vào thư mục của đơn vị này; bỏ qua")
    lineage, seen = value.get("lineage"), value.get("seen")
    if not (value.get("ws_id") == ws_id and _int(value.get("workstation"), 1, MAX_WORKSTATION)
            and _text(value.get("name"))
            and _text(unit.get("name")) and isinstance(lineage, list) and len(lineage) <= MAX_PEERS
            and all(isinstance(w, str) and sync_records.WS_ID.fullmatch(w) for w in lineage)
            and _int(value.get("last_seq"), 0, MAX_INT) and _seen(seen) and is_time(value.get("updated_at"))
            and _text(value.get("software")) and _audit_seen(value.get("audit_seen", {}))
            and _int(value.get("writes", 0), 0, MAX_INT)):
        raise SyncFileError("station.json thiếu trường hoặc có giá trị sai")
    return value


def read_segment(path: Path, unit_code: str, ws_id: str, codes: re.Pattern,
                 trust: Callable[[dict], str | None] | None = None) -> Segment:
    """A segment, every byte of it checked: SyncFileError names the first problem. `trust` says why a header
    (its signature) is not to be trusted, checked before the body is read further."""
    match = SEGMENT.fullmatch(path.name)
    if not match:
        raise SyncFileError("tên tệp không phải tên đoạn dữ liệu")
    first, last = int(match[1]), int(match[2])
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise SyncFileError(f"tệp lớn quá {MAX_FILE >> 20} MiB")
        with open(path, "rb") as handle:
            lines = _inflated_lines(handle)
    except OSError as exc:
        raise SyncFileError(f"không đọc được ({exc.strerror or exc})") from None
    header = _header(lines[0] if lines else b"", unit_code, ws_id, first, last)
    refusal = trust(header) if trust is not None else None
    if refusal:
        raise SyncFileError(refusal)
    body = lines[1:]
    if len(body) != header["count"] or header["count"] != last - first + 1:
        raise SyncFileError("số bản ghi không khớp phần đầu tệp (tệp bị cắt cụt?)")
    digest = hashlib.sha256()
    records = []
    for number, raw in enumerate(body, start=first):
        digest.update(raw)
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise SyncFileError(f"bản ghi {number} không phải JSON hợp lệ") from None
        try:
            sync_records.check(record, ws_id, number, codes)
        except sync_records.BadRecord as exc:
            raise SyncFileError(str(exc)) from None
        records.append(record)
    if digest.hexdigest() != header["body_sha256"]:
        raise SyncFileError("nội dung không khớp mã băm SHA-256 ở phần đầu (tệp bị hỏng hoặc bị sửa)")
    return Segment(path, first, last, header, records)


def _inflated_lines(handle) -> list[bytes]:
    """The gzip stream's lines (each with its newline), inflated in chunks against the caps."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    lines: list[bytes] = []
    rest, total = b"", 0
    while True:
        data = handle.read(_CHUNK)
        if not data:
            break
        while data:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                raise SyncFileError("tệp nén bị hỏng (giải nén lỗi hoặc sai mã kiểm tra CRC)") from None
            data = inflater.unconsumed_tail
            total += len(out)
            if total > MAX_BODY:
                raise SyncFileError(f"giải nén vượt {MAX_BODY >> 20} MiB")
            pieces = (rest + out).split(b"\n")
            rest = pieces.pop()
            limit = MAX_HEADER if not lines else MAX_LINE
            if len(rest) > limit:
                raise SyncFileError("có dòng dài quá giới hạn")
            lines.extend(piece + b"\n" for piece in pieces)
            if len(lines) > MAX_RECORDS + 1:  # a bomb of short lines, refused before it fills the memory
                raise SyncFileError(f"có hơn {MAX_RECORDS:,} bản ghi".replace(",", "."))
            if inflater.eof:
                if data or inflater.unused_data or handle.read(1):
                    raise SyncFileError("có dữ liệu lạ sau phần nén")
                break
    try:
        tail = inflater.flush()
    except zlib.error:
        tail = b""
    if not inflater.eof or tail:
        raise SyncFileError("tệp nén không trọn vẹn (đang được ghi dở hoặc bị cắt cụt)")
    if rest:
        raise SyncFileError("bản ghi cuối không kết thúc bằng dấu xuống dòng")
    return lines


def _header(raw: bytes, unit_code: str, ws_id: str, first: int, last: int) -> dict:
    try:
        header = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise SyncFileError("phần đầu tệp không phải JSON hợp lệ") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SyncFileError("không phải đoạn dữ liệu đồng bộ của motcua")
    if _newer(header.get("version")):
        raise SyncFileError(f"định dạng phiên bản {header['version']} mới hơn phần mềm này; hãy cập nhật motcua")
    if header.get("unit") != unit_code:
        raise SyncFileError(f"đoạn dữ liệu của đơn vị khác ({str(header.get('unit'))[:40]})")
    if header.get("ws_id") != ws_id:
        raise SyncFileError("đoạn dữ liệu của một máy khác nằm trong thư mục của máy này")
    causal = header.get("causal")
    if not (header.get("first") == first and header.get("last") == last and _int(header.get("count"), 0, MAX_RECORDS)
            and is_sha256(header.get("body_sha256")) and _seen(header.get("seen")) and isinstance(causal, list)
            and 1 <= len(causal) <= MAX_CAUSAL):
        raise SyncFileError("phần đầu tệp thiếu trường hoặc sai")
    previous = 0
    for step in causal:
        if not (isinstance(step, list) and len(step) == 2 and _int(step[0], first, last) and step[0] > previous
                and _seen(step[1])):
            raise SyncFileError("lịch sử nhân quả ở phần đầu tệp sai")
        previous = step[0]
    if causal[0][0] != first:
        raise SyncFileError("lịch sử nhân quả ở phần đầu tệp sai")
    return header


def _seen(value) -> bool:
    return isinstance(value, dict) and len(value) <= MAX_PEERS and all(
        isinstance(k, str) and sync_records.WS_ID.fullmatch(k) and _int(v, 0, MAX_INT) for k, v in value.items())


def _audit_seen(value) -> bool:
    """station.json's `audit_seen`: the audit row this station has checked of each other one."""
    return isinstance(value, dict) and len(value) <= MAX_PEERS and all(
        isinstance(k, str) and sync_records.WS_ID.fullmatch(k) and _int(v, 0, MAX_INT) for k, v in value.items())


def _newer(version) -> bool:
    return type(version) is int and version > VERSION


def _int(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _text(value) -> bool:
    return type(value) is str and len(value) <= sync_records.NAME
