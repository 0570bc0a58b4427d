"""Tin cậy giữa các quầy khi đồng bộ (issue 13 in the unit sync of issue 12): every file a counter writes into
the sync folder is signed, and every file read is checked before anything of it is used.

A segment's header holds its body's SHA-256 and station.json the station's state and the head of its audit
trail; each is signed (counter/peers.py, purpose "sync") over its own JSON without the "signature" key, keys
sorted. The reader parses the file, sets the block aside and checks it over the same bytes, so a segment is
whole once its signature and its body's hash both hold. A file is used only when its signer is a counter the
unit admin approved (`keys approve`), a key rotated from one, or one of this counter's own keys (a restored
counter reads its former self's folder).
"""

from collections.abc import Callable

import orjson

from counter import crypto, keys, peers
from counter.session import Session
from db import keys as key_table

SIGNATURE = "signature"


def signed_bytes(value: dict) -> bytes:
    """What the signature of a sync file covers: the file's JSON object less its "signature", keys sorted."""
    return orjson.dumps({k: v for k, v in value.items() if k != SIGNATURE}, option=orjson.OPT_SORT_KEYS)


def signing(session: Session) -> Callable[[dict], dict]:
    """What signs the files of one sync: `value` -> `value` with this workstation's signature block (the key
    is read once)."""
    key = keys.current(session)

    def sign(value: dict) -> dict:
        return dict(value, signature=peers.signed(session, signed_bytes(value), key))

    return sign


def check(session: Session, value: dict, data: bytes | None = None) -> peers.Verdict:
    """Whether a sync file read from the folder may be used; the verdict's reason (Vietnamese) says why not.
    `data`: `signed_bytes(value)` when the caller has it already."""
    data = signed_bytes(value) if data is None else data
    own = signer(value, data)
    if own is not None and own in own_fingerprints(session):
        return peers.Verdict(own, None)
    return peers.check(session, data, value.get(SIGNATURE))


def signer(value: dict, data: bytes | None = None) -> str | None:
    """The fingerprint of the key that signed `value` when the signature holds, approved or not (what `sync
    status` shows of a counter the admin has still to approve)."""
    block = value.get(SIGNATURE)
    who = block.get("signer") if isinstance(block, dict) else None
    key = crypto.from_b64(who.get("key"), crypto.KEY_BYTES) if isinstance(who, dict) else None
    signature = crypto.from_b64(block.get("signature"), crypto.SIGNATURE_BYTES) if isinstance(block, dict) else None
    if key is None or signature is None:
        return None
    if not crypto.verify(key, peers.SYNC, signed_bytes(value) if data is None else data, signature):
        return None
    return crypto.fingerprint(key)


def own_fingerprints(session: Session) -> set[str]:
    return {k["fingerprint"] for k in key_table.station_keys(session.db)}


def current_fingerprint(session: Session) -> str | None:
    """This counter's key as it stands, without making one (a status read writes nothing)."""
    return next((k["fingerprint"] for k in key_table.station_keys(session.db) if k["retired_at"] is None), None)
