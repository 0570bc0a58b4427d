"""Các quầy cùng đơn vị tin nhau thế nào: signed sync files, and the admin's approval of each counter's key.

Every file a counter writes into the unit's sync folder (issue 12) is signed by its
workstation key (counter/keys.py), with the purpose "sync" so the signature is no export's.
A counter applies another's files only once the unit admin approved that counter's key
fingerprint here, once (`keys approve FINGERPRINT`, audited): a stranger's PC writing into
the share, or a counter's files forged by someone with write access to it, are skipped with
a reason. A counter that rotated its key stays trusted: its files carry the rotation
certificates, and a chain from an approved key to the signing key is accepted.

The audit chain travels too: `anchor` gives the head of this counter's audit trail and the
rows since a given row, and `extends` checks, for a peer, that the head it sends now
continues the one seen before (a cut or rewritten trail at a peer is reported by the
others), storing the new head.
"""

from dataclasses import dataclass

from counter import audit, crypto
from counter.clock import iso, now
from counter.export_archive import MAX_CERTIFICATE, MAX_ROTATIONS, is_int, is_sha256, is_text, is_time
from counter.keys import ROTATION, StationKey, current
from counter.session import Session
from counter.signed_document import strict_json
from counter.text import NAME, clean_text
from db import chain as chain_table
from db import keys as key_table
from db.connection import write

SYNC = "sync"
MAX_ROWS = 1_000_000


def signed(session: Session, data: bytes, key: StationKey | None = None) -> dict:
    """The signature block a sync file carries for `data` (its header's bytes, which hold the
    body's SHA-256): {"signer": {"key", "fingerprint", "rotations"}, "signature"}. `key`: the
    workstation's key read once for a whole sync."""
    key = key or current(session)
    return {"signer": key.signer(), "signature": crypto.b64(key.sign(SYNC, data))}


@dataclass(frozen=True)
class Verdict:
    fingerprint: str | None  # the approved key the signer is, or descends from
    reason: str | None  # why the file is skipped (Vietnamese); None when it may be applied


def check(session: Session, data: bytes, block) -> Verdict:
    """Whether a sync file's signature block is a good signature of `data` by an approved
    counter of this unit (directly or through rotations); never raises for a bad block."""
    unit = session.settings.unit_code
    signer = block.get("signer") if isinstance(block, dict) else None
    key = crypto.from_b64(signer.get("key"), crypto.KEY_BYTES) if isinstance(signer, dict) else None
    signature = crypto.from_b64(block.get("signature"), crypto.SIGNATURE_BYTES) if isinstance(block, dict) else None
    if key is None or signature is None or not isinstance(signer, dict):
        return Verdict(None, "tệp không có chữ ký số của quầy gửi")
    fingerprint = crypto.fingerprint(key)
    if not crypto.verify(key, SYNC, data, signature):
        return Verdict(None, f"chữ ký số không khớp nội dung (tệp của khóa {fingerprint} đã bị sửa hoặc giả mạo)")
    if key_table.is_approved(session.db, fingerprint):
        return Verdict(fingerprint, None)
    reached = _rotated_from_approved(session, unit, signer.get("rotations"))
    if fingerprint in reached:
        return Verdict(reached[fingerprint], None)
    return Verdict(None, f"quầy có khóa {fingerprint} chưa được quản trị viên duyệt: đối chiếu mã khóa với quầy đó "
                         f"(keys show) rồi chạy «keys approve {fingerprint}»")


def _rotated_from_approved(session: Session, unit: str, rotations) -> dict[str, str]:
    """new fingerprint -> the approved fingerprint it descends from, along valid certificates."""
    reached: dict[str, str] = {}
    if type(rotations) is not list or len(rotations) > MAX_ROTATIONS:
        return reached
    for item in rotations:
        if not isinstance(item, dict) or not is_text(item.get("certificate"), MAX_CERTIFICATE, 1):
            return reached
        try:
            certificate = strict_json(item["certificate"])
        except ValueError:
            return reached
        if not isinstance(certificate, dict) or certificate.get("format") != "motcua-rotation" \
                or certificate.get("unit") != unit or not is_time(certificate.get("at")):
            return reached
        old = crypto.from_b64(certificate.get("old_key"), crypto.KEY_BYTES)
        new = crypto.from_b64(certificate.get("new_key"), crypto.KEY_BYTES)
        signature = crypto.from_b64(item.get("signature"), crypto.SIGNATURE_BYTES)
        if old is None or new is None or signature is None \
                or not crypto.verify(old, ROTATION, item["certificate"].encode("utf-8"), signature):
            return reached
        origin = crypto.fingerprint(old)
        if key_table.is_approved(session.db, origin):
            reached[crypto.fingerprint(new)] = origin
        elif origin in reached:
            reached[crypto.fingerprint(new)] = reached[origin]
    return reached


def approve(session: Session, fingerprint: str, label: str = "") -> dict:
    """The unit admin approves a counter's key once, having read its fingerprint there; audited."""
    session.require("keys")
    session.require_unit()
    wanted = crypto.typed_fingerprint(fingerprint)
    name = clean_text(label, "Tên quầy", NAME)
    with write(session.db):
        new = key_table.approve_station(session.db, wanted, name, iso(now()), session.username)
        if new:
            audit.log(session, "station_approved", wanted, {"label": name})
    return {"fingerprint": wanted, "label": name, "new": new}


def approved(session: Session) -> list[dict]:
    session.require("view")
    return key_table.approved_stations(session.db)


# ---- the audit chain between counters -----------------------------------------------------------

def anchor(session: Session, since: int = 0) -> dict:
    """This counter's audit head and the rows after row `since`: {"head": {"id", "hash"},
    "after": {"id", "hash"} (the row `since` as it is now, "" if gone), "rows": [[id, prev_hash, hash], …]}."""
    head_id, head_hash = chain_table.audit_head(session.db)
    rows = [list(row) for row in chain_table.audit_rows(session.db, since, head_id)]
    return {"after": {"id": since, "hash": chain_table.audit_hash(session.db, since) or ""},
            "head": {"id": head_id, "hash": head_hash}, "rows": rows}


def extends(session: Session, station: str, sent) -> str | None:
    """Check a peer's anchor against the head seen from it before and store the new head;
    the reason (Vietnamese) when it does not extend. Call in the write transaction that applies
    the peer's file, so a refusal stores nothing."""
    if not _well_formed(sent):
        return "mốc nhật ký kiểm tra trong tệp không đúng định dạng"
    after, head, rows = sent["after"], sent["head"], sent["rows"]
    seen = key_table.peer_head(session.db, station)
    previous_id, previous_hash = after["id"], after["hash"]
    for row_id, prev_hash, digest in rows:
        if row_id != previous_id + 1 or prev_hash != previous_hash:
            return f"nhật ký kiểm tra của quầy gửi không liền mạch ở dòng {row_id}"
        previous_id, previous_hash = row_id, digest
    if (previous_id, previous_hash) != (head["id"], head["hash"]):
        return "nhật ký kiểm tra của quầy gửi không kết thúc ở dòng mà tệp ghi"
    if seen is not None:
        seen_id, seen_hash = seen
        if head["id"] < seen_id:
            return (f"nhật ký kiểm tra của quầy gửi chỉ còn đến dòng {head['id']}, ngắn hơn dòng {seen_id} đã thấy "
                    "trước đây: nhật ký đã bị cắt bớt")
        known = {after["id"]: after["hash"], **{row[0]: row[2] for row in rows}}
        if seen_id not in known:
            return f"tệp không mang dòng {seen_id} của nhật ký kiểm tra để đối chiếu với lần trước"
        if known[seen_id] != seen_hash:
            return (f"dòng {seen_id} của nhật ký kiểm tra ở quầy gửi đã khác lần trước: nhật ký đã bị cắt bớt hoặc "
                    "viết lại")
    key_table.set_peer_head(session.db, station, head["id"], head["hash"], iso(now()))
    return None


def _well_formed(sent) -> bool:
    if not isinstance(sent, dict) or not isinstance(sent.get("rows"), list) or len(sent["rows"]) > MAX_ROWS:
        return False
    for anchor_ in (sent.get("after"), sent.get("head")):
        if not isinstance(anchor_, dict) or not is_int(anchor_.get("id")) or not (
                is_sha256(anchor_.get("hash")) or anchor_.get("hash") == ""):
            return False
    return all(isinstance(row, list) and len(row) == 3 and is_int(row[0]) and is_sha256(row[1]) and is_sha256(row[2])
               for row in sent["rows"])

