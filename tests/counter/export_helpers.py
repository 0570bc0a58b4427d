"""Units, export files and province databases for the export and province tests."""

import hashlib
import json
import re
import sqlite3
import struct
import zipfile
import zlib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from counter import catalogue, crypto, dossiers, export_archive, keys, unit
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.province import enrolment
from counter.session import Session

SEAL = b"motcua-seal-sha256:"


def unit_session(path: Path, code: str = "000.00.53.H48", name: str = "UBND xã Tân Tiến",
                 workstation: int = 1) -> Session:
    session = Session(path, "Trần Thị Lan")
    unit.configure(session, unit_code=code, unit_name=name, authority="UBND TỈNH BẮC NINH", place="Tân Tiến",
                   workstation=workstation)
    catalogue.import_catalogue(session, catalogue.STARTER)
    return session


def enrol(province: Session, *units: Session) -> None:
    """Register each unit's workstation key at the province, as `keys export` + `province enrol` do."""
    enrol_files(province, [enrolment_file(session) for session in units])


def enrolment_file(session: Session) -> Path:
    """The workstation's `keys export`, beside its database."""
    path = session.path.with_name(session.path.name + "-enrolment.json")
    keys.export_enrolment(session, path)
    return path


def enrol_files(province, paths: list[Path]) -> None:
    """`province enrol` of each file (a SQLite or a server session)."""
    for path in paths:
        enrolment.enrol(province, path)


def key_of(database: Path) -> crypto.SigningKey:
    """The signing key of the workstation whose database is at `database`."""
    with Session(database) as session:
        return keys.current(session).key


def export_file(session: Session, folder: Path) -> Path:
    return Path(export_changes(session, folder).file)


def codes(session: Session) -> list[str]:
    return [row[0] for row in session.db.execute("SELECT code FROM dossiers ORDER BY code")]


def dump(path: Path | str) -> list:
    """Every row of a database, as SQL text: equal dumps, equal databases. A PostgreSQL
    address (the province server's tests) is dumped table by table (tests/postgres.py)."""
    if isinstance(path, str) and path.startswith("postgresql://"):
        from tests.postgres import pg_dump

        return pg_dump(path)
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def comparable(dossier) -> dict:
    """Every field of a dossier except the row ids local to one database."""
    values = {f.name: getattr(dossier, f.name) for f in fields(dossier) if f.name not in ("id", "applicant_id",
                                                                                          "documents")}
    values["documents"] = [replace(d, id=None) for d in dossier.documents]
    return values


def unit_state(session: Session, code: str) -> tuple[dict, list[dict]]:
    dossier = dossiers.get(session, code)
    return comparable(dossier), dossiers.events(session, dossier)


def province_state(session: Session, code: str) -> tuple[dict, list[dict]]:
    dossier, _ = province_dossiers.get(session, code)
    events = [{k: v for k, v in e.items() if k != "dossier"} for e in province_dossiers.events(session, code)]
    return comparable(dossier), events


def reseal(data: bytes) -> bytes:
    """What a careful forger would do after editing: write a new, matching seal."""
    return data[:-64] + hashlib.sha256(data[:-64]).hexdigest().encode()


def rewritten(path: Path, change_manifest, fix_checksum: bool) -> bytes:
    """The archive with its manifest edited; its checksum recomputed if `fix_checksum`; resealed."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    change_manifest(manifest)
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    members["manifest.json"] = body
    if fix_checksum:
        members["manifest.json.sha256"] = f"{hashlib.sha256(body).hexdigest()}  manifest.json\n".encode()
    target = path.with_name("edited.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = SEAL + b"0" * 64
    return reseal(target.read_bytes())


DOCS = Path(__file__).resolve().parents[2] / "docs" / "export-format.md"
_ANNOTATIONS = {"$schema", "title", "description", "$defs"}


def schemas() -> dict[str, dict]:
    """The JSON Schemas of docs/export-format.md, by what they describe: "manifest", "dossier",
    "event", "audit row"."""
    found = {}
    for block in re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        schema = json.loads(block)
        [what] = [word for word in ("manifest", "dossier", "event", "audit row") if word in schema["title"]]
        found[what] = schema
    return found


def conforms(value, schema: dict, root: dict | None = None) -> bool:
    """Whether `value` (as parsed JSON) is valid against `schema`, for the keywords the docs use.

    A second, independent reading of the schemas, to hold the province's hand-written checks
    to them. An integer is an int, not a bool and not 1.0 (the docs say so). A keyword it does
    not know fails loudly, so the docs cannot use one it would silently ignore.
    """
    root = root or schema
    for keyword, expected in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            target = root
            for step in expected.removeprefix("#/").split("/"):
                target = target[step]
            ok = conforms(value, target, root)
        elif keyword == "anyOf":
            ok = any(conforms(value, option, root) for option in expected)
        elif keyword == "const":
            ok = type(value) is type(expected) and value == expected
        elif keyword == "enum":
            ok = any(type(value) is type(option) and value == option for option in expected)
        elif keyword == "type":
            ok = _json_type(value) in ([expected] if isinstance(expected, str) else expected)
        elif keyword in ("required", "properties", "additionalProperties"):
            ok = not isinstance(value, dict) or _object_ok(value, keyword, expected, schema, root)
        elif keyword == "items":
            ok = not isinstance(value, list) or all(conforms(item, expected, root) for item in value)
        elif keyword == "maxItems":
            ok = not isinstance(value, list) or len(value) <= expected
        elif keyword in ("minimum", "maximum"):
            number = _json_type(value) in ("integer", "number")
            ok = not number or (value >= expected if keyword == "minimum" else value <= expected)
        elif keyword in ("minLength", "maxLength"):
            ok = not isinstance(value,
                                str) or (len(value) >= expected if keyword == "minLength" else len(value) <= expected)
        elif keyword == "pattern":
            ok = not isinstance(value, str) or re.search(expected, value) is not None
        else:
            raise AssertionError(f"schema keyword {keyword!r} is not understood by the test's reader")
        if not ok:
            return False
    return True


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _object_ok(value: dict, keyword: str, expected, schema: dict, root: dict) -> bool:
    if keyword == "required":
        return all(key in value for key in expected)
    if keyword == "properties":
        return all(conforms(value[key], sub, root) for key, sub in expected.items() if key in value)
    return expected or set(value) <= set(schema.get("properties", {}))


def invalid_values(schema: dict, root: dict) -> list:
    """Values the schema refuses, from a fixed list of the mistakes and attacks worth trying."""
    candidates = [
        None, True, False, 0, -1, 1, 1.0, 1.5, 1e3, 2 ** 63, -(2 ** 63) - 1, 10 ** 30, "", "x", "1", "x" * 256,
        "x" * 1001, "x" * 10001, "Nguyễn\u202eVăn", [], {}, [1], {"a": 1},
        "2025-03-03 09:00:00", "2025-03-03T09:00:00+07:00", "2025-03-03T09:00", "2025-03-03T09:00:00.5",
        "1999-12-31T23:59:59", "2101-01-01T00:00:00", "2025-13-01T00:00:00", "2025-03-03T24:00:00",
        "０２５-03-03T09:00:00", "A" * 64, "0" * 63, "g" * 64, "counter ", "COUNTER", "unknown-kind",
        "../../x", "000.00.99.H99-250303-0001", 10, 11, 1000, 1001, 3651, 2099, 2101, 1999, 1000001, 10 ** 9,
    ]
    return [value for value in candidates if not conforms(value, schema, root)]


SEALED = b"motcua-seal-sha256:" + b"0" * 64


@dataclass
class Entry:
    """One ZIP member as the test writes it, any field as hostile as wanted."""

    name: bytes
    data: bytes
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    attributes: int = 0o100644 << 16
    declared: int | None = None  # inflated size written in the headers, when it should lie
    stored: bytes | None = None  # the bytes stored, when not the compression of `data`
    local_name: bytes | None = None  # the name in the local header, when it differs


def build_zip(entries: list[Entry], comment: bytes = SEALED, before: bytes = b"", central: list | None = None,
              count: int | None = None, aliases: dict[int, int] | None = None) -> bytes:
    """A ZIP file written byte by byte, so that any field can lie; resealed.

    `central` lists the entries (indexes into `entries`) of the central directory, by default
    each once; `count` is the number of entries the end record claims; `aliases` maps an
    entry to another whose local header and bytes its directory entry points to."""
    out = bytearray(before)
    offsets = []
    stored_of = []
    for entry in entries:
        if entry.stored is not None:
            stored = entry.stored
        elif entry.method == zipfile.ZIP_DEFLATED:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            stored = packer.compress(entry.data) + packer.flush()
        else:
            stored = entry.data
        stored_of.append(stored)
        offsets.append(len(out))
        name = entry.local_name if entry.local_name is not None else entry.name
        size = len(entry.data) if entry.declared is None else entry.declared
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, entry.flags, entry.method, 0, 0x5A21,
                           zlib.crc32(entry.data), len(stored), size, len(name), 0)
        out += name + stored
    directory = len(out)
    chosen = range(len(entries)) if central is None else central
    for index in chosen:
        entry, source = entries[index], (aliases or {}).get(index, index)
        size = len(entry.data) if entry.declared is None else entry.declared
        out += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x0314, 20, entry.flags, entry.method, 0, 0x5A21,
                           zlib.crc32(entry.data), len(stored_of[source]), size, len(entry.name), 0, 0, 0, 0,
                           entry.attributes, offsets[source])
        out += entry.name
    listed = len(chosen) if count is None else count
    size = len(out) - directory
    if listed > 0xFFFF:  # only a ZIP64 end record can claim that many
        record = len(out)
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 0x0314, 45, 0, 0, listed, listed, size, directory)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, record, 1)
        listed = 0xFFFF
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, listed, listed, size, directory, len(comment))
    out += comment
    return reseal(bytes(out))


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_body(manifest: dict) -> tuple[bytes, bytes]:
    """manifest.json as the unit writes it, and its manifest.json.sha256."""
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return body, f"{hashlib.sha256(body).hexdigest()}  manifest.json\n".encode()


def valid_values(schema: dict, root: dict) -> list:
    """Values the schema accepts, at the edges of what it allows, for the other direction."""
    candidates = [
        None, True, False, 0, 1, 10, 1000, 3650, 2000, 2100, 2 ** 63 - 1, 1000000, "", "x", "x" * 255, "x" * 1000,
        "x" * 10000, "Nguyễn Văn Đức", "2000-01-01T00:00:00", "2100-12-31T23:59:59", "2024-02-29T12:00:00",
        "ab" * 32, {}, {"a": [1, {"b": None}]}, [], "1.0.0", "0",
    ]
    candidates += _listed_values(schema, root)
    return [value for value in candidates if conforms(value, schema, root)]


def _listed_values(schema: dict, root: dict) -> list:
    found = list(schema.get("enum", [])) + ([schema["const"]] if "const" in schema else [])
    for option in schema.get("anyOf", []):
        found += _listed_values(option, root)
    if "$ref" in schema:
        target = root
        for step in schema["$ref"].removeprefix("#/").split("/"):
            target = target[step]
        found += _listed_values(target, root)
    return found


def signature_member(body: bytes, key: crypto.SigningKey) -> bytes:
    """manifest.json.sig for a manifest's bytes, as the workstation writes it."""
    return crypto.b64(key.sign(export_archive.SIGNATURE_PURPOSE, body)).encode() + b"\n"


def with_dossier_lines(path: Path, lines: list[bytes], tmp_path: Path, key: crypto.SigningKey,
                       next_sequence: bool = False) -> Path:
    """The export at `path` with other dossier lines, every hash made to match again and the
    manifest signed again with `key`: a forger holding the workstation's key. With
    `next_sequence`, it claims the next sequence, its audit chain continuing this file's (a
    province that holds this file would skip it unread as the same export sent again)."""
    return _with_lines(path, "dossiers", lines, tmp_path, key, next_sequence)


def with_event_lines(path: Path, lines: list[bytes], tmp_path: Path, key: crypto.SigningKey) -> Path:
    """The export at `path` with other event lines, as `with_dossier_lines` does for dossiers."""
    return _with_lines(path, "events", lines, tmp_path, key)


def _with_lines(path: Path, part_name: str, lines: list[bytes], tmp_path: Path, key: crypto.SigningKey,
                next_sequence: bool = False) -> Path:
    members = members_of(path)
    members[f"{part_name}.jsonl"] = b"".join(lines)
    manifest = json.loads(members["manifest.json"])
    if next_sequence:
        manifest["sequence"] += 1
        manifest["audit"].update(after=dict(manifest["audit"]["head"]), rows=0)
        members["audit.jsonl"] = b""
    for part in manifest["parts"]:
        data = members[part["name"]]
        part.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), records=data.count(b"\n"))
    manifest["counts"][part_name] = len(lines)
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    members["manifest.json.sig"] = signature_member(members["manifest.json"], key)
    entries = [Entry(name.encode(), data) for name, data in members.items()]
    target = tmp_path / f"edited-{hashlib.sha256(members['manifest.json']).hexdigest()[:8]}.zip"
    target.write_bytes(build_zip(entries))
    return target


def as_format_1(path: Path, tmp_path: Path, dossier_lines: list[bytes] | None = None) -> Path:
    """The export at `path` as a format 1 file (no place in the unit's log, unsigned), as motcua wrote before
    the unit sync and the signatures; its dossier lines replaced by `dossier_lines` if given; every hash made
    to match again."""
    members = members_of(path)
    manifest = json.loads(members["manifest.json"])
    for key in ("ws_id", "lineage", "origins", "signer", "audit"):
        manifest.pop(key, None)
    manifest["format_version"] = 1
    members.pop("manifest.json.sig", None)
    members.pop("audit.jsonl", None)
    manifest["parts"] = [part for part in manifest["parts"] if part["name"] != "audit.jsonl"]

    def strip(data: bytes, keys: tuple) -> bytes:
        return b"".join(json.dumps({k: v for k, v in json.loads(line).items() if k not in keys},
                                   ensure_ascii=False).encode() + b"\n" for line in data.splitlines())

    members["dossiers.jsonl"] = strip(b"".join(dossier_lines) if dossier_lines is not None
                                      else members["dossiers.jsonl"], ("lamport",))
    members["events.jsonl"] = strip(members["events.jsonl"], ("origin", "seq", "lamport", "receipt"))
    for part in manifest["parts"]:
        data = members[part["name"]]
        part.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), records=data.count(b"\n")
                    if part["name"].endswith(".jsonl") else 0)
    manifest["counts"]["dossiers"] = members["dossiers.jsonl"].count(b"\n")
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    target = tmp_path / f"v1-{hashlib.sha256(members['manifest.json']).hexdigest()[:8]}-{path.name}"
    target.write_bytes(build_zip([Entry(name.encode(), data) for name, data in members.items()]))
    return target
