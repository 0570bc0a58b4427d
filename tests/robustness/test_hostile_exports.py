"""Hostile export files at the province (issues 9 and 13): names, types, sizes, duplicates,
encodings, signatures, audit anchors and encryption envelopes.

Each variant is made from one small genuine export, edited in memory the way an attacker
would, with its part hashes, manifest checksum and seal made valid again and, unless the
variant is about the signature, its manifest signed again with the workstation's own key: an
attacker who stole the key. So only the province's own checks stand between it and the
database. Every one must be refused with one clean line, leave the province database byte for
byte as it was, and write no file anywhere (a decrypted file included).
MOTCUA_FUZZ_EXPORTS sets how many distinct variants are tried (default 1000).
"""

import collections
import copy
import hashlib
import io
import json
import os
import random
import re
import tracemalloc
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from counter import crypto, digitization, export_archive, intake, keys, lifecycle
from counter.errors import CounterError
from counter.export import export_changes
from counter.province import enrolment, importing
from counter.province.importing import import_files
from counter.session import Session
from tests.conftest import CLI
from tests.counter.export_helpers import (
    SEALED,
    Entry,
    build_zip,
    dump,
    enrol,
    export_file,
    invalid_values,
    manifest_body,
    members_of,
    schemas,
    signature_member,
    unit_session,
)

COUNT = int(os.environ.get("MOTCUA_FUZZ_EXPORTS", "1000"))
UNIT = "000.00.53.H48"
HEX = "0123456789abcdef"
SCHEMAS = schemas()


class Base:
    """The genuine export the variants are made from, as parts in memory, with the key that
    signed it, the other keys an attacker might sign with, and the province's encryption key."""

    def __init__(self, path: Path, key: crypto.SigningKey, recipient: bytes, others: dict[str, crypto.SigningKey]):
        members = members_of(path)
        self.key, self.recipient, self.others = key, recipient, others
        self.manifest = json.loads(members["manifest.json"])
        self.dossiers = members["dossiers.jsonl"].splitlines(keepends=True)
        self.events = members["events.jsonl"].splitlines(keepends=True)
        self.audit = members["audit.jsonl"].splitlines(keepends=True)
        self.scans = {name[len("files/"):]: data for name, data in members.items() if name.startswith("files/")}
        assert self.scans and len(self.dossiers) >= 3 and len(self.audit) >= 3

    def parts(self, dossiers=None, events=None, scans=None, audit=None) -> tuple[list[Entry], dict, Entry]:
        """The members before the manifest, a manifest that describes them truly, and audit.jsonl
        (written last, after the manifest, so that the first five members keep their places)."""
        dossiers = b"".join(self.dossiers if dossiers is None else dossiers)
        events = b"".join(self.events if events is None else events)
        chain = Entry(b"audit.jsonl", b"".join(self.audit if audit is None else audit))
        scans = self.scans if scans is None else scans
        manifest = copy.deepcopy(self.manifest)
        entries = [Entry(b"dossiers.jsonl", dossiers), Entry(b"events.jsonl", events)]
        entries += [Entry(f"files/{sha}".encode(), data, method=zipfile.ZIP_STORED) for sha, data in scans.items()]
        manifest["parts"] = [_part(entry) for entry in entries] + [_part(chain)]
        for part in manifest["parts"][2:-1]:
            part["records"] = 0
        manifest["counts"] = {"dossiers": dossiers.count(b"\n"), "events": events.count(b"\n"), "files": len(scans)}
        return entries, manifest, chain

    def members(self) -> list[Entry]:
        """Every member of the genuine file, signed, in the variants' order."""
        entries, manifest, chain = self.parts()
        body, stated = manifest_body(manifest)
        return entries + [Entry(b"manifest.json", body), Entry(b"manifest.json.sha256", stated),
                          Entry(b"manifest.json.sig", signature_member(body, self.key)), chain]

    def build(self, dossiers=None, events=None, scans=None, audit=None, edit_manifest=None, body: bytes | None = None,
              checksum: bytes | None = None, edit_entries=None, signature=None,
              signed_by: crypto.SigningKey | None = None, **zip_options) -> bytes:
        entries, manifest, chain = self.parts(dossiers, events, scans, audit)
        if edit_manifest:
            edit_manifest(manifest)
        written, stated = manifest_body(manifest)
        if body is not None:
            written, stated = body, f"{hashlib.sha256(body).hexdigest()}  manifest.json\n".encode()
        if signature is None:
            signature = signature_member(written, signed_by or self.key)
        elif callable(signature):
            signature = signature(written)
        entries += [Entry(b"manifest.json", written), Entry(b"manifest.json.sha256",
                                                            stated if checksum is None else checksum),
                    Entry(b"manifest.json.sig", signature), chain]
        if edit_entries:
            entries = edit_entries(entries) or entries
        return build_zip(entries, **zip_options)

    def records(self, which: str) -> list[dict]:
        return [json.loads(line) for line in (self.dossiers if which == "dossiers" else self.events)]


def _part(entry: Entry) -> dict:
    return {"name": entry.name.decode("utf-8", "replace"), "sha256": hashlib.sha256(entry.data).hexdigest(),
            "bytes": len(entry.data), "records": entry.data.count(b"\n")}


def _line(record) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _sha(rng: random.Random) -> str:
    return "".join(rng.choice(HEX) for _ in range(64))


# ---- the kinds of variant; each returns (what was done, file bytes) ----

def hostile_names(outside: Path) -> list[bytes]:
    sha = "ab" * 32
    escape = str(outside / "pwned").lstrip("/")
    names = [
        "files/../../x", "files/../../../../../../../../" + escape, "files//" + escape, "/" + escape,
        "../x", "..\\x", "files\\..\\..\\x", "files\\" + sha, f"files/{sha.upper()}", f"files/{sha[:63]}",
        f"files/{sha}0", f"files/{sha}/", f"files/{sha}/x", f"files/./{sha}", f"files//{sha}", "./manifest.json",
        "manifest.json/", "Manifest.json", "MANIFEST.JSON", "dossiers.jsonl ", " dossiers.jsonl", "dossiers.jsonl.gz",
        "C:\\Windows\\x", "C:/x", "files/", "files", "", "x" * 300, "files/" + "０" * 64, f"files/{sha[:-1]}ａ",
        "événements.jsonl", "__MACOSX/._dossiers.jsonl", "mimetype", "events.jsonl.bak", "files/../manifest.json",
        "dossiers.jsonl/../events.jsonl", "~/x", "$HOME/x", "files/%2e%2e/x", "files/\u202e" + sha[:63],
    ]
    encoded = [name.encode() for name in names]
    encoded += [b"dossiers.jsonl\x00.txt", b"files/" + sha.encode() + b"\x00", b"manifest\xff.json", b"\x00",
                b"files/" + sha.encode()[:-2] + b"\r\n"]
    return encoded


def names(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    name = rng.choice(hostile_names(outside))
    mode = rng.choice(["extra, listed", "extra, unlisted", "renamed scan", "renamed part"])
    payload = rng.choice([b"%PDF-1.4 x", b"", b"{}\n", b"\x00" * 100])

    def listed(manifest):
        if mode == "extra, listed":
            manifest["parts"].append({"name": name.decode("utf-8", "replace"),
                                      "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload),
                                      "records": 0})
        elif mode.startswith("renamed"):
            index = 2 if mode == "renamed scan" else rng.randrange(2)
            manifest["parts"][index]["name"] = name.decode("utf-8", "replace")

    def entries(items):
        if mode.startswith("extra"):
            items.insert(rng.randrange(len(items) + 1), Entry(name, payload))
        else:
            items[2 if mode == "renamed scan" else rng.randrange(2)].name = name

    return f"member name {name!r}, {mode}", base.build(edit_manifest=listed, edit_entries=entries)


def duplicates(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    mode = rng.choice(["same content", "other content", "directory twice", "manifest lists twice"])
    if mode == "directory twice":
        entries = base.members()
        index = rng.randrange(len(entries))
        order = list(range(len(entries)))
        order.insert(rng.randrange(len(order) + 1), index)
        return f"central directory lists {entries[index].name!r} twice", build_zip(entries, central=order)
    if mode == "manifest lists twice":
        which = rng.randrange(3)
        return f"manifest lists part {which} twice", base.build(
            edit_manifest=lambda m: m["parts"].insert(rng.randrange(len(m["parts"]) + 1), dict(m["parts"][which])))
    target = rng.randrange(5)

    def twice(items):
        original = items[target]
        data = original.data if mode == "same content" else original.data + b"{}\n"
        items.insert(rng.randrange(len(items) + 1), Entry(original.name, data, method=original.method))

    return f"member {target} twice, {mode}", base.build(edit_entries=twice)


def structure(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    target = rng.randrange(5)
    mode = rng.choice(["encrypted", "method", "directory", "link", "special file", "local name", "junk before",
                       "end count", "comment", "zip64 locator", "overlap", "disk"])
    detail = ""

    def edit(items):
        nonlocal detail
        entry = items[target]
        if mode == "encrypted":
            entry.flags |= rng.choice([0x1, 0x40, 0x2000, 0x41])
        elif mode == "method":
            entry.method = rng.choice([1, 2, 3, 4, 5, 6, 9, 10, 12, 14, 18, 19, 93, 95, 96, 97, 98, 99, 0xFFFF])
            entry.stored = entry.data
            detail = str(entry.method)
        elif mode == "directory":
            entry.attributes = rng.choice([0o040755 << 16, 0x10, (0o040755 << 16) | 0x10])
        elif mode == "link":
            entry.attributes = 0o120777 << 16
            entry.data = entry.stored = b"../../../../etc/passwd"
            entry.method = zipfile.ZIP_STORED
        elif mode == "special file":
            entry.attributes = rng.choice([0o010644, 0o020644, 0o060644, 0o140644]) << 16
        elif mode == "local name":
            entry.local_name = rng.choice([b"../../x", entry.name + b"x", entry.name.upper(), b""])
        return items

    if mode in ("junk before", "end count", "comment", "zip64 locator", "overlap", "disk"):
        entries = base.members()
        if mode == "junk before":
            junk = rng.choice([b"junk", b"PK\x03\x04", b"\x00" * 512, b"MZ" * 40])
            return "data before the first member", build_zip(entries, before=junk)
        if mode == "end count":
            count = rng.choice([0, 1, len(entries) - 1, len(entries) + 1, 0xFFFF])
            return f"end record counts {count}", build_zip(entries, count=count)
        if mode == "comment":
            return "comment longer than the seal", build_zip(entries, comment=rng.choice([b"x", b"\x00",
                                                                                          b"PK"]) + SEALED)
        if mode == "zip64 locator":
            data = build_zip(entries)
            end = len(data) - 83 - 22
            locator = b"PK\x06\x07" + bytes(4) + (end).to_bytes(8, "little") + (1).to_bytes(4, "little")
            return "a ZIP64 locator without its record", _reseal(data[:end] + locator + data[end:])
        if mode == "disk":
            data = bytearray(build_zip(entries))
            end = len(data) - 83 - 22
            data[end + 4] = rng.choice([1, 2, 255])
            return "end record names another disk", _reseal(bytes(data))
        # overlap: a directory entry pointing at another member's local header and bytes
        victim = rng.randrange(len(entries))
        other = rng.choice([index for index in range(len(entries)) if index != victim])
        return f"member {victim} points at member {other}'s bytes", build_zip(entries, aliases={victim: other})
    return f"{mode} {detail}".strip(), base.build(edit_entries=edit)


def _reseal(data: bytes) -> bytes:
    return data[:-64] + hashlib.sha256(data[:-64]).hexdigest().encode()


_MANIFEST_PATHS = [
    ("format",), ("format_version",), ("software",), ("software", "name"), ("software", "version"), ("unit",),
    ("unit", "code"), ("unit", "name"), ("workstation",), ("sequence",), ("created_at",), ("period",),
    ("period", "from"), ("period", "to"), ("events_range",), ("events_range", "after"), ("events_range", "through"),
    ("with_files",), ("counts",), ("counts", "dossiers"), ("counts", "events"), ("counts", "files"), ("parts",),
    ("parts", 0), ("parts", 0, "name"), ("parts", 1, "sha256"), ("parts", 2, "bytes"), ("parts", 1, "records"),
    ("parts", 2, "name"), ("parts", 3, "name"), ("signer",), ("signer", "key"), ("signer", "fingerprint"),
    ("signer", "rotations"), ("audit",), ("audit", "after"), ("audit", "head"), ("audit", "head", "id"),
    ("audit", "head", "hash"), ("audit", "rows"),
]


def _schema_at(schema: dict, root: dict, path: tuple) -> dict:
    for step in path:
        while "$ref" in schema:
            schema = _resolve(schema, root)
        schema = schema["items"] if isinstance(step, int) else schema["properties"][step]
    return schema


def _resolve(schema: dict, root: dict) -> dict:
    target = root
    for step in schema["$ref"].removeprefix("#/").split("/"):
        target = target[step]
    merged = {key: value for key, value in schema.items() if key != "$ref"}
    return {**target, **merged}


def _set(document, path: tuple, value, delete: bool = False) -> None:
    for step in path[:-1]:
        document = document[step]
    if delete:
        del document[path[-1]]
    else:
        document[path[-1]] = value


def manifest_fields(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    root = SCHEMAS["manifest"]
    mode = rng.choice(["value", "value", "value", "missing", "semantic", "raw", "checksum"])
    if mode in ("value", "missing"):
        path = rng.choice(_MANIFEST_PATHS)
        if mode == "missing":
            if isinstance(path[-1], int):
                path = path + ("name",)
            return f"manifest lacks {path}", base.build(edit_manifest=lambda m: _set(m, path, None, delete=True))
        value = rng.choice(invalid_values(_schema_at(root, root, path), root))
        return f"manifest {path} = {value!r:.60}", base.build(edit_manifest=lambda m: _set(m, path, value))
    if mode == "semantic":
        change = rng.choice([
            ("sequence 10^9", lambda m: m.update(sequence=10 ** 9)),
            ("sequence 10^6 + 1", lambda m: m.update(sequence=10 ** 6 + 1)),
            ("after > through", lambda m: m["events_range"].update(after=m["events_range"]["through"] + 1)),
            ("with_files false with scans", lambda m: m.update(with_files=False)),
            ("counts one more dossier", lambda m: m["counts"].update(dossiers=m["counts"]["dossiers"] + 1)),
            ("counts one file less", lambda m: m["counts"].update(files=m["counts"]["files"] - 1)),
            ("part one byte longer", lambda m: m["parts"][0].update(bytes=m["parts"][0]["bytes"] + 1)),
            ("part one record more", lambda m: m["parts"][1].update(records=m["parts"][1]["records"] + 1)),
            ("part hash of another part", lambda m: m["parts"][0].update(sha256=m["parts"][1]["sha256"])),
            ("a part missing", lambda m: m["parts"].pop(rng.randrange(3))),
            ("another unit's code", lambda m: m["unit"].update(code="000.00.99.H99")),
            ("unit code ../../x", lambda m: m["unit"].update(code="../../x")),
            ("format version 1 with format 2 parts", lambda m: m.update(format_version=1)),
            ("format version 3", lambda m: m.update(format_version=3)),
            ("format version 10^20", lambda m: m.update(format_version=10 ** 20)),
            ("workstation 2^63", lambda m: m.update(workstation=2 ** 63)),
            ("sequence as text", lambda m: m.update(sequence="1")),
            ("created 2026-02-30", lambda m: m.update(created_at="2026-02-30T10:00:00")),
            ("period to 2025-02-29", lambda m: m["period"].update(to="2025-02-29T10:00:00")),
            ("scan renamed to its SHA-256 in uppercase", lambda m: m["parts"][2].update(
                name=m["parts"][2]["name"].upper().replace("FILES/", "files/"))),
        ])
        return f"manifest: {change[0]}", base.build(edit_manifest=change[1])
    if mode == "raw":
        _, manifest, _ = base.parts()
        good, _ = manifest_body(manifest)
        body = rng.choice([
            good.replace(b'"sequence": ', b'"sequence": 1, "sequence": ', 1),
            good.replace(b'"format": "motcua-export"', b'"format": "motcua-export", "format": "x"', 1),
            good.replace(b'"workstation": 1', b'"workstation": NaN', 1),
            good.replace(b'"workstation": 1', b'"workstation": Infinity', 1),
            good.replace(b'"workstation": 1', b'"workstation": 1e400', 1),
            good.replace(b'"workstation": 1', b'"workstation": ' + b"9" * 5000, 1),
            good + b"garbage", b"\xef\xbb\xbf" + good, good.replace(b"UBND", b"UBND\xff", 1),
            good.decode().encode("utf-16"), b"[" + good + b"]", b"", b"null", b"[" * 100000 + b"]" * 100000,
            good[: len(good) // 2],
        ])
        return f"manifest body {body[:30]!r}…", base.build(body=body)
    _, manifest, _ = base.parts()
    body, stated = manifest_body(manifest)
    digest = hashlib.sha256(body).hexdigest()
    checksum = rng.choice([
        digest.upper().encode() + b"  manifest.json\n", digest.encode() + b" manifest.json\n",
        digest.encode() + b"  manifest.json", digest.encode() + b"  manifest.json\r\n",
        digest.encode() + b"  manifest.json\n" + digest.encode() + b"  x\n", b"0" * 64 + b"  manifest.json\n",
        digest.encode() + b"  ../manifest.json\n", b"", b"\x00" * 80,
    ])
    return f"manifest.json.sha256 {checksum[:20]!r}…", base.build(checksum=checksum)


def _record_paths(schema: dict) -> list[tuple]:
    paths = [(key,) for key in schema["properties"]]
    documents = schema["properties"].get("documents")
    if documents:
        paths += [("documents", 0, key) for key in documents["items"]["properties"]]
        paths += [("documents", 0)]
    return paths


def record_fields(which: str):
    def make(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
        root = SCHEMAS["dossier" if which == "dossiers" else "event"]
        lines = list(base.dossiers if which == "dossiers" else base.events)
        index = rng.randrange(len(lines))
        record = json.loads(lines[index])
        paths = [p for p in _record_paths(root) if p[0] != "documents" or record["documents"]]
        path = rng.choice(paths)
        # Only a required field may be missing: those added since schema 5 are optional (a unit of an
        # earlier version sends none of them; docs/export-format.md).
        if rng.random() < 0.15 and (path[0] in root.get("required", []) or len(path) > 1):
            if isinstance(path[-1], int):
                path = path + ("name",)
            _set(record, path, None, delete=True)
            what = f"{which} line {index + 1} lacks {path}"
        else:
            value = rng.choice(invalid_values(_schema_at(root, root, path), root))
            _set(record, path, value)
            what = f"{which} line {index + 1} {path} = {value!r:.60}"
        lines[index] = _line(record)
        return what, base.build(**{which: lines})
    return make


def dossier_rules(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    lines = list(base.dossiers)
    index = rng.randrange(len(lines))
    record = json.loads(lines[index])
    events = list(base.events)
    rule = rng.choice(["other unit", "unit_code", "code form", "twice", "version range", "impossible date",
                       "unsent scan", "not an object", "date bounds"])
    if rule == "other unit":
        other = rng.choice(["000.00.99.H99", "000.00.53.H4", "000.00.53.H488", "H48"])
        code = other + record["code"][len(UNIT):]
        events = [line.replace(record["code"].encode(), code.encode()) for line in events]
        record["code"] = code
    elif rule == "unit_code":
        record["unit_code"] = rng.choice(["000.00.99.H99", UNIT.lower(), UNIT + " ", ""])
    elif rule == "code form":
        code = rng.choice([record["code"].lower() + "x", record["code"] + "-1", record["code"][:-1],
                           record["code"].replace("-", "_"), record["code"] + "1234567", UNIT + "--0001",
                           UNIT + "-2503030001", UNIT + "-250303-０００１"])
        events = [line.replace(record["code"].encode(), code.encode()) for line in events]
        record["code"] = code
    elif rule == "twice":
        lines.insert(rng.randrange(len(lines) + 1), lines[index])
    elif rule == "version range":
        record["version"] = rng.choice([base.manifest["events_range"]["through"] + 1,
                                        base.manifest["events_range"]["after"], 2 ** 62])
    elif rule in ("impossible date", "date bounds"):
        field = rng.choice(["received_at", "clock_start_at", "due_at", "appointment_at", "updated_at", "result_at"])
        record[field] = rng.choice(["2026-02-30T09:00:00", "2025-02-29T09:00:00", "2100-02-29T09:00:00",
                                    "2025-04-31T09:00:00", "2025-06-31T23:59:59"] if rule == "impossible date" else
                                   ["1999-12-31T23:59:59", "2101-01-01T00:00:00", "0001-01-01T00:00:00",
                                    "9999-12-31T23:59:59"])
    elif rule == "unsent scan":
        record["result_file"] = _sha(rng)
    else:
        lines[index] = rng.choice([b"[]\n", b"1\n", b'"x"\n', b"null\n", b"true\n"])
        return f"dossier line {index + 1} is not an object", base.build(dossiers=lines)
    if rule != "twice":
        lines[index] = _line(record)
    return f"dossier rule: {rule}", base.build(dossiers=lines, events=events)


def event_rules(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    events = list(base.events)
    records = [json.loads(line) for line in events]
    rule = rng.choice(["unknown dossier", "apart", "out of order", "id range", "last is not the version",
                       "dossier without events", "twice", "impossible date", "not an object"])
    index = rng.randrange(len(events))
    record = records[index]
    if rule == "unknown dossier":
        record["dossier"] = rng.choice([UNIT + "-250101-9999", "000.00.99.H99-250303-0001", "", "../x"])
    elif rule == "apart":
        groups = collections.defaultdict(list)
        for position, item in enumerate(records):
            groups[item["dossier"]].append(position)
        code = rng.choice([c for c, found in groups.items() if len(found) > 1])
        moved = events.pop(groups[code][0])
        events.append(moved)
        return f"events of {code} apart", base.build(events=events)
    elif rule == "out of order":
        groups = collections.defaultdict(list)
        for position, item in enumerate(records):
            groups[item["dossier"]].append(position)
        code = rng.choice([c for c, found in groups.items() if len(found) > 1])
        first, second = groups[code][:2]
        events[first], events[second] = events[second], events[first]
        return f"events of {code} out of order", base.build(events=events)
    elif rule == "id range":
        record["id"] = rng.choice([base.manifest["events_range"]["through"] + 1,
                                   base.manifest["events_range"]["after"]])
    elif rule == "last is not the version":
        last = {item["dossier"]: position for position, item in enumerate(records)}
        counts = collections.Counter(item["dossier"] for item in records)
        code = rng.choice([c for c in counts if counts[c] > 1])
        del events[last[code]]
        return f"last event of {code} dropped", base.build(events=events)
    elif rule == "dossier without events":
        code = rng.choice(sorted({item["dossier"] for item in records}))
        return f"no event of {code}", base.build(events=[e for e, r in zip(events, records,
                                                                           strict=False) if r["dossier"] != code])
    elif rule == "twice":
        events.insert(index + 1, events[index])
        return f"event line {index + 1} twice", base.build(events=events)
    elif rule == "impossible date":
        record["at"] = rng.choice(["2026-02-30T09:00:00", "2025-02-29T09:00:00", "2025-11-31T00:00:00"])
    else:
        events[index] = rng.choice([b"[]\n", b"0\n", b'"received"\n', b"null\n"])
        return f"event line {index + 1} is not an object", base.build(events=events)
    events[index] = _line(record)
    return f"event rule: {rule}", base.build(events=events)


def encodings(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    which = rng.choice(["dossiers", "events"])
    lines = list(base.dossiers if which == "dossiers" else base.events)
    index = rng.randrange(len(lines))
    line = lines[index]
    mode = rng.choice(["byte ff", "overlong", "lone surrogate", "nul", "bom", "utf-16", "latin-1", "blank line",
                       "spaces line", "no final newline", "cr endings", "cut line", "control in key",
                       "invalid escape"])
    position = rng.randrange(2, len(line) - 2)
    if mode == "byte ff":
        lines[index] = line[:position] + b"\xff" + line[position:]
    elif mode == "overlong":
        lines[index] = line.replace(b'"', b'"\xc0\xaf', 1)
    elif mode == "lone surrogate":
        lines[index] = line.replace(b'":"', b'":"\\ud800', 1)
    elif mode == "nul":
        lines[index] = line[:position] + b"\x00" + line[position:]
    elif mode == "bom":
        lines[0] = b"\xef\xbb\xbf" + lines[0]
    elif mode == "utf-16":
        lines[index] = line.decode().encode("utf-16-le")
    elif mode == "latin-1":
        changed = line.decode().encode("latin-1", "replace").replace(b"?", b"\xe0")
        lines[index] = changed if changed != line else line[:position] + b"\xe0" + line[position:]
    elif mode == "blank line":
        lines.insert(index, b"\n")
    elif mode == "spaces line":
        lines.insert(index, b"   \n")
    elif mode == "no final newline":
        lines[-1] = lines[-1].rstrip(b"\n")
    elif mode == "cr endings":
        lines = [item.replace(b"\n", b"\r") for item in lines]
    elif mode == "cut line":
        lines[index] = line[:position] + b"\n"
    elif mode == "control in key":
        lines[index] = line.replace(b'{"', b'{"\x01', 1)
    else:
        lines[index] = line.replace(b'":"', b'":"\\x41', 1)
    return f"{which} line {index + 1}: {mode}", base.build(**{which: lines})


class Bombs:
    """Large contents made once: inflating to megabytes from a few kilobytes, or a 2 MiB line."""

    def __init__(self):
        self.zeros = b"\x00" * (8 << 20)
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.zeros_deflated = packer.compress(self.zeros) + packer.flush()
        text = "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyzAĂÂĐÊÔƠƯ0123456789", k=2 << 20))
        self.long_line = _line({"code": f"{UNIT}-250303-0009", "address": text})


BOMBS: Bombs | None = None


def sizes(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    global BOMBS
    BOMBS = BOMBS or Bombs()
    mode = rng.choice(["scan over the limit", "manifest over the limit", "3 GiB declared", "ratio bomb",
                       "declared smaller", "declared larger", "long line", "many members", "scan ratio bomb"])
    if mode == "long line":
        which = rng.choice(["dossiers", "events"])
        lines = list(base.dossiers if which == "dossiers" else base.events)
        lines.insert(rng.randrange(len(lines) + 1), BOMBS.long_line)
        return f"a 2 MiB line in {which}", base.build(**{which: lines})
    if mode == "many members":
        count = rng.choice([export_archive.MAX_SCANS + 5, 10 ** 6, 0xFFFF])
        entries = base.members()
        return f"end record claims {count} members", build_zip(entries, count=count)
    target = rng.randrange(5)

    def edit(items):
        entry = items[target]
        if mode == "scan over the limit":
            scan = items[2]
            scan.declared = export_archive.MAX_SCAN + rng.choice([1, 1 << 20, 3 << 30])
        elif mode == "manifest over the limit":
            items[3].declared = export_archive.MAX_MANIFEST + rng.choice([1, 1 << 20])
        elif mode == "3 GiB declared":
            entry.declared = 3 << 30
        elif mode in ("ratio bomb", "scan ratio bomb"):
            entry = items[2] if mode == "scan ratio bomb" else entry
            entry.data, entry.stored, entry.method = BOMBS.zeros, BOMBS.zeros_deflated, zipfile.ZIP_DEFLATED
        elif mode == "declared smaller":
            entry.declared = max(0, len(entry.data) - rng.randint(1, 40))
        else:
            entry.declared = len(entry.data) + rng.choice([1, 100, 1 << 20])
        return items

    return f"{mode} (member {target})", base.build(edit_entries=edit)


def truncation(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    mode = rng.choice(["file cut and resealed", "stored bytes cut", "part cut"])
    if mode == "file cut and resealed":
        whole = base.build()
        cut = rng.randrange(1, len(whole) - 84)
        return f"file cut at {cut} and resealed", _reseal(whole[:cut] + SEALED)
    if mode == "stored bytes cut":
        target = rng.randrange(5)

        def edit(items):
            entry = items[target]
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            stored = packer.compress(entry.data) + packer.flush() if entry.method else entry.data
            entry.stored = stored[: max(0, len(stored) - rng.randint(1, 8))]
            return items

        return f"member {target}'s stored bytes cut", base.build(edit_entries=edit)
    which = rng.choice(["dossiers", "events"])
    data = b"".join(base.dossiers if which == "dossiers" else base.events)
    cut = rng.randrange(1, len(data) - 1)
    return f"{which} cut at {cut}", base.build(**{which: [data[:cut]]})


def bit_flips(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes] | None:
    """Bits flipped where they always matter: a member's stored bytes (CRC-32 and SHA-256 guard
    them) or a name in the directory. A flip in a ZIP time field, or in the padding after a
    deflate stream's last code, makes a harmless file: None, no variant."""
    whole = bytearray(base.build())
    with zipfile.ZipFile(io.BytesIO(bytes(whole))) as archive:
        infos, directory = archive.infolist(), archive.start_dir
        info = rng.choice(infos)
        content = archive.read(info)
    if rng.random() < 0.7 and info.compress_size:
        start, length, where = info.header_offset + 30 + len(info.filename), info.compress_size, "stored bytes"
    else:
        start = bytes(whole).index(info.filename.encode(), directory)
        length, where = len(info.filename), "directory name"
    for _ in range(rng.choice([1, 1, 2, 8])):
        whole[start + rng.randrange(length)] ^= 1 << rng.randrange(8)
    if where == "stored bytes" and _inflates_to(bytes(whole[start:start + length]), info.compress_type) == content:
        return None
    return f"bits flipped in {info.filename}'s {where}, resealed", _reseal(bytes(whole))


def _inflates_to(stored: bytes, method: int) -> bytes | None:
    if method == zipfile.ZIP_STORED:
        return stored
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(stored)
    except zlib.error:
        return None
    return data if inflater.eof and not inflater.unused_data else None


def scans(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    [(sha, data)] = list(base.scans.items())[:1]
    mode = rng.choice(["content is not its name", "unreferenced scan", "referenced scan missing", "another name"])
    if mode == "content is not its name":
        return mode, base.build(scans={sha: data + b"x"}, edit_manifest=lambda m: m["parts"][2].update(
            name=f"files/{sha}", sha256=sha))
    if mode == "unreferenced scan":
        extra = b"%PDF-1.4 " + os.urandom(16)
        return mode, base.build(scans={**base.scans, hashlib.sha256(extra).hexdigest(): extra})
    if mode == "referenced scan missing":
        return mode, base.build(scans={})
    other = _sha(rng)
    return mode, base.build(scans={other: data}, edit_manifest=lambda m: m["parts"][2].update(sha256=other))


# ---- issue 13: who signed, the audit anchors, the envelope ----

def _signer_of(key: crypto.SigningKey, rotations: list | None = None):
    def edit(manifest):
        manifest["signer"] = {"key": crypto.b64(key.public), "fingerprint": key.fingerprint,
                              "rotations": rotations or []}
    return edit


def _both(*edits):
    def edit(manifest):
        for change in edits:
            change(manifest)
    return edit


def _certificate(old: crypto.SigningKey, new: crypto.SigningKey, signer: crypto.SigningKey | None = None,
                 **fields) -> dict:
    body = {"format": "motcua-rotation", "unit": UNIT, "workstation": 1, "old_key": crypto.b64(old.public),
            "old_fingerprint": old.fingerprint, "new_key": crypto.b64(new.public), "new_fingerprint": new.fingerprint,
            "from_sequence": 2, "at": "2025-03-05T09:00:00"}
    body.update(fields)
    text = json.dumps(body, ensure_ascii=False)
    return {"certificate": text, "signature": crypto.b64((signer or old).sign("rotation", text.encode()))}


def signatures(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    unknown, other_unit = base.others["unknown"], base.others["other unit"]
    revoked, rotated = base.others["revoked"], base.others["rotated away"]
    _, manifest, _ = base.parts()
    genuine = signature_member(manifest_body(manifest)[0], base.key)
    mode = rng.choice(["unsigned", "signature text", "unknown key, named", "unknown key, genuine key named",
                       "genuine key, unknown key named", "another purpose", "no purpose", "tampered after signing",
                       "other unit's key", "revoked key", "key replaced by a rotation", "fingerprint of another key",
                       "forged rotation"])
    if mode == "unsigned":
        return mode, base.build(edit_entries=lambda items: [e for e in items if e.name != b"manifest.json.sig"])
    if mode == "signature text":
        text = genuine.rstrip(b"\n")
        choice = rng.choice([b"", b"\n", b"A" * 86 + b"==\n", crypto.b64(bytes(63)).encode() + b"\n",
                             crypto.b64(bytes(65)).encode() + b"\n", text, genuine + b"\n", text + b"\r\n",
                             genuine + genuine, text.replace(b"+", b"-").replace(b"/", b"_") + b"\n",
                             b" " + genuine, text.lower() + b"\n", text[:-2] + b"\n", genuine[::-1],
                             b"\x00" * 89])
        return f"signature member {choice[:20]!r}…", base.build(signature=choice)
    if mode == "unknown key, named":
        return mode, base.build(edit_manifest=_signer_of(unknown), signed_by=unknown)
    if mode == "unknown key, genuine key named":
        return mode, base.build(signed_by=unknown)
    if mode == "genuine key, unknown key named":
        return mode, base.build(edit_manifest=_signer_of(unknown))
    if mode == "another purpose":
        purpose = rng.choice(["sync", "rotation", "enrolment", "ack", "package"])
        return f"signed for {purpose}", base.build(
            signature=lambda body: crypto.b64(base.key.sign(purpose, body)).encode() + b"\n")
    if mode == "no purpose":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        raw = Ed25519PrivateKey.from_private_bytes(base.key.private)
        return mode, base.build(signature=lambda body: crypto.b64(raw.sign(body)).encode() + b"\n")
    if mode == "tampered after signing":
        change = rng.choice([
            ("sequence", lambda m: m.update(sequence=m["sequence"] + 1)),
            ("unit name", lambda m: m["unit"].update(name="UBND xã Giả Mạo")),
            ("period", lambda m: m["period"].update(to="2025-03-12T09:00:00")),
            ("part hash", lambda m: m["parts"][0].update(sha256=_sha(rng))),
            ("with_files", lambda m: m.update(with_files=False)),
        ])
        return f"{change[0]} edited after signing", base.build(edit_manifest=change[1], signature=genuine)
    if mode == "other unit's key":
        return mode, base.build(edit_manifest=_signer_of(other_unit), signed_by=other_unit)
    if mode == "revoked key":
        workstation = rng.choice([1, 3])
        return f"{mode} (quầy {workstation})", base.build(
            edit_manifest=_both(_signer_of(revoked), lambda m: m.update(workstation=workstation)), signed_by=revoked)
    if mode == "key replaced by a rotation":
        sequence = rng.choice([2, 3, 57])
        return f"{mode}, sequence {sequence}", base.build(edit_manifest=_both(
            _signer_of(rotated), lambda m: m.update(workstation=4, sequence=sequence)), signed_by=rotated)
    if mode == "fingerprint of another key":
        return mode, base.build(edit_manifest=lambda m: m["signer"].update(fingerprint=unknown.fingerprint))
    forged = rng.choice([
        ("garbage certificate", [{"certificate": rng.choice(["{", "[]", "null", '{"format": "x"}', "\u0000"]),
                                  "signature": crypto.b64(bytes(64))}]),
        ("certificate not signed by the old key", [_certificate(base.key, unknown, signer=unknown)]),
        ("certificate from a revoked key", [_certificate(revoked, unknown, workstation=3)]),
        ("certificate for another unit", [_certificate(base.key, unknown, unit="000.00.53.H49")]),
        ("two rotations from one key", [_certificate(base.key, base.others["unknown 2"]),
                                        _certificate(base.key, unknown)]),
        ("certificate from sequence 0", [_certificate(base.key, unknown, from_sequence=0)]),
        ("certificate at an impossible time", [_certificate(base.key, unknown, at="2025-02-30T09:00:00")]),
    ])
    name, rotations = forged
    workstation = 3 if "revoked" in name else 1
    return name, base.build(edit_manifest=_both(_signer_of(unknown, rotations), lambda m: m.update(
        workstation=workstation)), signed_by=unknown)


def anchors(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    rows = [json.loads(line) for line in base.audit]
    after = base.manifest["audit"]["after"]
    mode = rng.choice(["after hash", "after null", "after gone", "after id", "row edited", "row dropped",
                       "row twice", "rows swapped", "not an object", "head hash", "head before after",
                       "head further"])
    if mode == "after hash":
        other = _sha(rng)
        if rng.random() < 0.5:  # the rows made to link to it, as a careful forger would
            rows[0]["prev_hash"] = other
        return f"{mode} (rows relinked: {rows[0]['prev_hash'] == other})", base.build(
            audit=[_line(row) for row in rows], edit_manifest=lambda m: m["audit"]["after"].update(hash=other))
    if mode == "after null":
        return mode, base.build(audit=[], edit_manifest=lambda m: m["audit"].update(after=None, rows=0))
    if mode == "after gone":
        return mode, base.build(edit_manifest=lambda m: m["audit"]["after"].update(hash=""))
    if mode == "after id":
        shift = rng.choice([-1, 1, -after["id"]])
        return f"after id {shift:+d}", base.build(edit_manifest=lambda m: m["audit"].update(
            after=dict(after, id=after["id"] + shift), rows=m["audit"]["rows"] - shift))
    if mode in ("row edited", "row dropped", "row twice", "rows swapped", "not an object"):
        index = rng.randrange(len(rows))
        lines = [_line(row) for row in rows]
        if mode == "row edited":
            field = rng.choice(["id", "prev_hash", "hash"])
            rows[index][field] = rows[index]["id"] + rng.choice([1, 2, -1]) if field == "id" else _sha(rng)
            lines[index] = _line(rows[index])
        elif mode == "row dropped":
            del lines[index]
        elif mode == "row twice":
            lines.insert(index, lines[index])
        elif mode == "rows swapped":
            other = (index + 1) % len(lines)
            lines[index], lines[other] = lines[other], lines[index]
        else:
            lines[index] = rng.choice([b"[]\n", b"null\n", b'{"id": 1}\n', b'"x"\n'])
        return f"audit.jsonl: {mode} at line {index + 1}", base.build(audit=lines)
    if mode == "head hash":
        return mode, base.build(edit_manifest=lambda m: m["audit"]["head"].update(hash=_sha(rng)))
    if mode == "head before after":
        return mode, base.build(audit=[], edit_manifest=lambda m: m["audit"].update(
            head={"id": max(0, after["id"] - 1), "hash": _sha(rng)}, rows=0))
    return mode, base.build(edit_manifest=lambda m: m["audit"].update(
        head={"id": m["audit"]["head"]["id"] + 1, "hash": _sha(rng)}, rows=m["audit"]["rows"] + 1))


_CHUNK = 4096
_HEADER = crypto.HEADER.size


def _sealed(plain: bytes, recipient: bytes) -> bytes:
    out = io.BytesIO()
    crypto.encrypt(io.BytesIO(plain), out, recipient, chunk=_CHUNK)
    return out.getvalue()


def envelopes(base: Base, rng: random.Random, outside: Path) -> tuple[str, bytes]:
    mode = rng.choice(["bit flipped", "cut", "last chunk dropped", "bytes appended", "chunks swapped",
                       "chunk repeated", "chunk size", "another recipient", "header only", "hostile inside",
                       "magic"])
    if mode == "hostile inside":
        kind = rng.choice([names, duplicates, structure, manifest_fields, dossier_rules, signatures, anchors, sizes])
        what, plain = kind(base, rng, outside)
        return f"encrypted whole, holding: {what}", _sealed(plain, base.recipient)
    plain = base.build()
    assert len(plain) > 3 * _CHUNK, "the genuine file spans several chunks"
    if mode == "another recipient":
        return mode, _sealed(plain, rng.choice([base.others["x25519"], crypto.EncryptionKey.new().public]))
    sealed = bytearray(_sealed(plain, base.recipient))
    step = _CHUNK + crypto.TAG
    chunks = [bytes(sealed[i:i + step]) for i in range(_HEADER, len(sealed), step)]
    header = bytes(sealed[:_HEADER])
    if mode == "bit flipped":
        where = rng.randrange(8, len(sealed))
        sealed[where] ^= 1 << rng.randrange(8)
        return f"bit flipped at {where}", bytes(sealed)
    if mode == "cut":
        cut = rng.randrange(1, len(sealed))
        return f"cut at {cut}", bytes(sealed[:cut])
    if mode == "last chunk dropped":
        return mode, header + b"".join(chunks[:-1])
    if mode == "bytes appended":
        extra = rng.choice([os.urandom(rng.randint(1, 40)), chunks[-1], chunks[0]])
        return f"{len(extra)} bytes appended", bytes(sealed) + extra
    if mode == "chunks swapped":
        first, second = rng.sample(range(len(chunks) - 1), 2)
        chunks[first], chunks[second] = chunks[second], chunks[first]
        return f"chunks {first} and {second} swapped", header + b"".join(chunks)
    if mode == "chunk repeated":
        index = rng.randrange(len(chunks) - 1)
        chunks.insert(index, chunks[index])
        return f"chunk {index} twice", header + b"".join(chunks)
    if mode == "chunk size":
        size = rng.choice([_CHUNK * 2, _CHUNK - 1, 0, 1 << 31, _CHUNK + 16, 1 << 24])
        return f"chunk size {size}", header[:72] + size.to_bytes(4, "big") + b"".join(chunks)
    if mode == "header only":
        return mode, header
    return mode, b"MCUAENC\x02" + bytes(sealed[8:])


KINDS = {
    "member names": names, "duplicates": duplicates, "zip structure": structure, "manifest": manifest_fields,
    "dossier fields": record_fields("dossiers"), "dossier rules": dossier_rules,
    "event fields": record_fields("events"), "event rules": event_rules, "encodings": encodings, "sizes": sizes,
    "truncation": truncation, "bit flips": bit_flips, "scans": scans,
    "signatures": signatures, "audit anchors": anchors, "encryption envelope": envelopes,
}


# ---- the province under attack ----

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A province database holding one genuine file, and the next genuine file to make variants of."""
    root = tmp_path_factory.mktemp("hostile")
    home = root / "a" / "b" / "c"
    home.mkdir(parents=True)
    province = Session(home / "province.sqlite3", "Sở Nội vụ")
    enrolment.init_key(province)
    others = {"unknown": crypto.SigningKey.of(hashlib.sha256(b"unknown").digest()),
              "unknown 2": crypto.SigningKey.of(hashlib.sha256(b"unknown 2").digest()),
              "x25519": crypto.EncryptionKey.of(hashlib.sha256(b"other province").digest()).public}
    with unit_session(root / "other" / "unit.sqlite3", code="000.00.53.H49", name="UBND xã Tân Lập") as other:
        enrol(province, other)
        others["other unit"] = keys.current(other).key
    with unit_session(root / "revoked" / "unit.sqlite3", workstation=3) as revoked:
        enrol(province, revoked)
        others["revoked"] = keys.current(revoked).key
        enrolment.revoke(province, others["revoked"].fingerprint, "Máy bị mất")
    with unit_session(root / "rotated" / "unit.sqlite3", workstation=4) as rotated:
        enrol(province, rotated)
        intake.receive(rotated, "1.004873", "Đỗ Văn Xoay", at=datetime(2025, 3, 3, 8, 0))
        others["rotated away"] = keys.current(rotated).key
        import_files(province, [export_file(rotated, root / "rotated" / "out")])
        keys.rotate(rotated)
        import_files(province, [export_file(rotated, root / "rotated" / "out")])
    with unit_session(root / "unit" / "unit.sqlite3") as unit:
        scan = root / "scan.pdf"
        scan.write_bytes(b"%PDF-1.4 to khai " + bytes(range(256)) + random.Random(3).randbytes(16 << 10))
        first = intake.receive(unit, "1.004873", "Nguyễn Văn An", at=datetime(2025, 3, 3, 9, 0))
        first_file = Path(export_changes(unit, root / "unit" / "out").file)
        enrol(province, unit)
        intake.receive(unit, "1.004873", "Lê Thị Hoa", channel="online", phone="0912345678",
                       at=datetime(2025, 3, 4, 9, 0), documents=[intake.DocumentInput("Tờ khai", file=scan)])
        late = intake.receive(unit, "1.004873", "Trần Văn Bình", at=datetime(2025, 3, 4, 10, 0))
        lifecycle.request_supplement(unit, late.code, "Thiếu giấy xác nhận", at=datetime(2025, 3, 4, 11, 0))
        lifecycle.resume(unit, late.code, at=datetime(2025, 3, 5, 8, 0))
        lifecycle.record_result(unit, first.code, at=datetime(2025, 3, 10, 16, 0), file=scan)
        lifecycle.return_result(unit, first.code, at=datetime(2025, 3, 11, 9, 0), channel="postal",
                                rating="satisfied")
        digitization.attach(unit, late.code, document=1, not_required=True)
        second_file = Path(export_changes(unit, root / "unit" / "out", with_files=True).file)
        key = keys.current(unit).key
    assert import_files(province, [first_file])["files"] == 1
    (home / "sentinel.txt").write_text("không được chạm vào")
    yield root, home, province, Base(second_file, key, enrolment.own_keys(province)[1].public, others)
    province.close()


def _tree(root: Path, skip: Path) -> dict:
    """Every file and folder under `root`, with size and time, but the variants and SQLite's side files."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            if skip in path.parents or path == skip or name.endswith(("-wal", "-shm")):
                continue
            stat = path.lstat()
            # A folder's time changes when the private copy an encrypted file is decrypted into comes
            # and goes; what is in it is compared entry by entry.
            found[str(path)] = (stat.st_mode,) if path.is_dir() else (stat.st_size, stat.st_mtime_ns, stat.st_mode)
    return found


def _one_line(message: str) -> bool:
    return "\n" not in message and "Traceback" not in message and message.strip() != ""


@pytest.mark.slow(seconds=37)
def test_a_thousand_hostile_exports_are_refused_and_change_nothing(world, capsys, monkeypatch):
    root, home, province, base = world
    variants = root / "variants"
    variants.mkdir(exist_ok=True)
    database = home / "province.sqlite3"
    cli = CLI(database, capsys)
    before_dump, before_bytes = dump(database), database.read_bytes()
    before_tree, before_cwd = _tree(root, variants), sorted(os.listdir(Path.cwd()))
    rng = random.Random(9)
    seen = {hashlib.sha256(base.build()).hexdigest()}  # the genuine file is no variant
    tried: collections.Counter = collections.Counter()
    reasons: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    kinds = list(KINDS.items())
    attempts, usual = 0, importing.SECOND_PROCESS_FROM
    while len(seen) <= COUNT:
        attempts += 1
        assert attempts < COUNT * 20, "the kinds of variant cannot make enough distinct files"
        kind, make = kinds[attempts % len(kinds)]
        made = make(base, rng, root / "outside")
        if made is None:
            continue
        what, data = made
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        path = variants / f"motcua-{len(seen):05d}.zip"
        path.write_bytes(data)
        # One in ten parsed in a second process, as large imports are; one in twenty through the command line.
        monkeypatch.setattr(importing, "SECOND_PROCESS_FROM", 0 if len(seen) % 10 == 5 else usual)
        if len(seen) % 20 == 0:
            code, out, err = cli("province", "import", str(path))
            assert code == 1 and out == "" and _one_line(err.rstrip("\n")) and err.startswith("Lỗi: "), (kind, what,
                                                                                                         err)
            message = err
        else:
            try:
                import_files(province, [path])
            except CounterError as exc:
                message = str(exc)
            except Exception as exc:  # the point: nothing else may escape
                raise AssertionError(f"{kind}: {what}: {type(exc).__name__}: {exc}") from exc
            else:
                raise AssertionError(f"{kind}: {what}: was imported")
            assert _one_line(message), (kind, what, message)
        assert database.read_bytes() == before_bytes, (kind, what)
        assert dump(database) == before_dump, (kind, what)
        assert _tree(root, variants) == before_tree, (kind, what)
        path.unlink()
        tried[kind] += 1
        reasons[kind][_reason(message)] += 1
    assert sorted(os.listdir(Path.cwd())) == before_cwd
    assert (home / "sentinel.txt").read_text() == "không được chạm vào"
    report = [f"{sum(tried.values())} distinct hostile exports, all refused:"]
    for kind, count in tried.items():
        report.append(f"  {kind}: {count}")
        report += [f"      {n:4d} × {reason}" for reason, n in reasons[kind].most_common(5)]
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert sum(tried.values()) == COUNT and set(tried) == set(KINDS)


def _reason(message: str) -> str:
    """The gist of a refusal, for the counts: names, hashes and numbers left out."""
    found = re.search(r"bị từ chối: (.*?)\. Không nhập", message)
    gist = found[1] if found else message.removeprefix("Lỗi: ").split(" (")[0]
    gist = re.sub(r"«[^»]*»", "«…»", gist)
    gist = re.sub(r"files/[0-9a-f]{64}|[0-9a-f]{12}…", "files/…", gist)
    return re.sub(r"\d+", "N", gist)[:70]


def test_the_genuine_file_the_variants_come_from_imports_whole(world):
    root, home, province, base = world
    rebuilt = root / "rebuilt.zip"
    rebuilt.write_bytes(base.build())
    result = import_files(province, [rebuilt])
    assert (result["files"], result["dossiers"]) == (1, len(base.dossiers))
    [(sha, data)] = base.scans.items()
    assert province.files.path_of(sha).read_bytes() == data


@pytest.mark.parametrize("bomb", ["3 GiB declared", "ratio bomb", "long line", "scan over the limit"])
def test_bombs_are_refused_reading_a_bounded_amount(world, bomb, tmp_path):
    """No 3 GiB is inflated to find out: the refusal comes with little memory."""
    root, home, province, base = world
    global BOMBS
    BOMBS = BOMBS or Bombs()

    def edit(items):
        if bomb == "3 GiB declared":
            items[0].declared = 3 << 30
        elif bomb == "ratio bomb":
            items[1].data, items[1].stored = BOMBS.zeros, BOMBS.zeros_deflated
        elif bomb == "scan over the limit":
            items[2].declared = 3 << 30
        return items

    dossiers = base.dossiers + [BOMBS.long_line] if bomb == "long line" else None
    path = tmp_path / "bomb.zip"
    path.write_bytes(base.build(dossiers=dossiers, edit_entries=edit, audit=[], edit_manifest=_continuing(5)))
    tracemalloc.start()
    try:
        with pytest.raises(CounterError, match="bị từ chối"):
            import_files(province, [path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 24 << 20, peak


def _continuing(sequence: int):
    """A later export of the genuine file's workstation with no audit row in between: its chain
    continues the genuine file's, whether the province imported that one or not."""
    def edit(manifest):
        manifest.update(sequence=sequence)
        manifest["audit"].update(after=dict(manifest["audit"]["head"]), rows=0)
    return edit


def test_one_bad_file_in_a_command_stores_nothing_from_the_good_ones(world, tmp_path):
    root, home, province, base = world
    good = tmp_path / "good.zip"
    good.write_bytes(base.build(audit=[], edit_manifest=_continuing(3)))
    lines = list(base.dossiers)
    record = json.loads(lines[-1])
    record["fee"] = True
    lines[-1] = _line(record)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(base.build(dossiers=lines, audit=[], edit_manifest=_continuing(4)))
    before, files_before = dump(home / "province.sqlite3"), _tree(home, tmp_path)
    with pytest.raises(CounterError, match="bad.zip bị từ chối: hồ sơ dòng 3: trường «fee»"):
        import_files(province, [good, bad])
    assert dump(home / "province.sqlite3") == before and _tree(home, tmp_path) == files_before
