"""Small signed files: a workstation's enrolment, the province's acknowledgements and packages.

One JSON object (docs/export-format.md, "Signed documents"):

    {"format": "motcua-signed", "kind": KIND, "key": "<signer's Ed25519 public key, base64>",
     "body": "<the document: a JSON object, as text>", "signature": "<base64>"}

`signature` is Ed25519 over `motcua-KIND-v1\\n` followed by `body` in UTF-8: the exact text is
signed, so no canonical form of JSON is needed to check it, by motcua or by a script. The
file is read as hostile: a regular file, size capped per kind, strict UTF-8 JSON without
repeated keys or NaN, the signature checked before the body is even parsed. The embedded key
only says who claims to have signed: every reader compares it with the key it trusts.
"""

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter import crypto, private
from counter.errors import CounterError

FORMAT = "motcua-signed"
LIMITS = {"enrolment": 64 << 10, "ack": 1 << 20, "package": 64 << 20}
_ENVELOPE_KEYS = {"format", "kind", "key", "body", "signature"}


@dataclass(frozen=True)
class Document:
    kind: str
    key: bytes  # the signer's public key, its signature checked
    body: dict
    sha256: str  # of the whole file


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


def make(kind: str, body: dict, key: crypto.SigningKey) -> bytes:
    text = dumps(body)
    signature = key.sign(kind, text.encode("utf-8"))
    envelope = {"format": FORMAT, "kind": kind, "key": crypto.b64(key.public), "body": text,
                "signature": crypto.b64(signature)}
    return (json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write(path: str | Path, kind: str, body: dict, key: crypto.SigningKey) -> Path:
    """Write a signed document as a new private file (atomic: a temporary name, then renamed)."""
    path = Path(path)
    private.write_file(path, make(kind, body, key))
    return path


def strict_json(data: bytes | str) -> Any:
    """JSON without repeated keys, NaN or Infinity; ValueError otherwise."""
    def unique(pairs: list) -> dict:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(pairs)

    def no_constant(value: str):
        raise ValueError(value)

    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=no_constant)
    except RecursionError:
        raise ValueError("nested too deep") from None


def read(path: str | Path, kind: str, what: str) -> Document:
    """A signed document of `kind`, its signature checked against the key it names; CounterError
    (Vietnamese, naming `what`) for anything else."""
    path = Path(path)
    data = read_capped(path, LIMITS[kind], what)
    try:
        envelope = strict_json(data)
    except (UnicodeDecodeError, ValueError):
        raise _bad(what, path, "không phải JSON hợp lệ") from None
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE_KEYS or envelope["format"] != FORMAT:
        raise _bad(what, path, "không phải tệp ký số của motcua")
    if envelope["kind"] != kind:
        shown = str(envelope["kind"])[:40] if isinstance(envelope["kind"], str) else "?"
        raise _bad(what, path, f"đây là tệp loại «{shown}», không phải {what}")
    key = crypto.from_b64(envelope["key"], crypto.KEY_BYTES)
    signature = crypto.from_b64(envelope["signature"], crypto.SIGNATURE_BYTES)
    body = envelope["body"]
    if key is None or signature is None or type(body) is not str:
        raise _bad(what, path, "thiếu khóa, chữ ký hoặc nội dung")
    if not crypto.verify(key, kind, body.encode("utf-8", "surrogatepass"), signature):
        raise _bad(what, path, "chữ ký số không khớp nội dung (tệp đã bị sửa hoặc bị giả mạo)")
    try:
        parsed = strict_json(body)
    except ValueError:
        raise _bad(what, path, "nội dung không phải JSON hợp lệ") from None
    if not isinstance(parsed, dict):
        raise _bad(what, path, "nội dung không phải một đối tượng JSON")
    return Document(kind, key, parsed, hashlib.sha256(data).hexdigest())


def read_capped(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file no larger than `limit`; a pipe or device is never read."""
    try:
        handle = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                           "rb")
        with handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _bad(what, path, "không phải một tệp thông thường")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise CounterError(f"Không đọc được {what} {_shown(path)}: {exc.strerror or exc}.",
                           f"cannot read {path}") from None
    if len(data) > limit:
        raise _bad(what, path, f"tệp lớn quá giới hạn {limit} byte")
    return data


def _shown(path) -> str:
    text = str(path)
    return "".join(ch if ch.isprintable() else "?" for ch in text[:160])


def _bad(what: str, path: Path, why: str) -> CounterError:
    return CounterError(f"{what.capitalize()} {_shown(path)} bị từ chối: {why}. Không thay đổi gì.",
                        f"{path.name} rejected")
