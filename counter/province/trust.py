"""Whom a file comes from, and whether its audit chain extends the one the province saw.

Run inside the import's one transaction, before any record of the file is stored, so a
refusal stores nothing, not even a key taken from a rotation certificate:
- a format 2 file must be signed (counter/export_archive.py checked the signature against
  the key the manifest names); that key must be enrolled (counter/province/enrolment.py),
  not revoked, not replaced by a rotation for this sequence, and enrolled for the very unit
  and workstation the manifest claims. Rotation certificates in the manifest register the
  new key first, when the old one may vouch for it;
- a format 1 file has no signature: imported only with `accept_unsigned`, and audited;
- the audit anchors: the rows of `audit.jsonl` must link the `after` anchor to the `head`
  one, and the anchors must meet those of the files already stored for the workstation. A
  unit whose audit trail was cut or rewritten before its last export sends an `after` that
  is not the head the province saw, and its file is refused, naming the export and the row.
"""

from dataclasses import dataclass

from counter import audit, crypto, export_archive
from counter.clock import iso, now
from counter.errors import CounterError
from counter.export_archive import Verified, is_int, is_sha256, is_time
from counter.session import Session
from counter.signed_document import strict_json

ROTATION = "rotation"


@dataclass(frozen=True)
class Trusted:
    signer: str | None  # the enrolled key's fingerprint; None for an unsigned file accepted


def check(session: Session, verified: Verified, accept_unsigned: bool) -> Trusted:
    """Refuse a file whose sender the province cannot trust; call in the import's transaction."""
    manifest, name = verified.manifest, verified.path.name
    if not verified.signed:
        if not accept_unsigned:
            raise _refused(name, "tệp định dạng 1 không có chữ ký số, không biết chắc do ai gửi. Chỉ nhập khi "
                                 "đã xác minh nguồn tệp, bằng «province import --accept-unsigned»",
                           "unsigned format 1 file; --accept-unsigned imports it")
        audit.province_log(session, "province_unsigned_accepted", name, {
            "sha256": verified.seal, "unit": manifest["unit"]["code"], "workstation": manifest["workstation"],
            "sequence": manifest["sequence"]})
        return Trusted(None)
    unit, workstation, sequence = manifest["unit"]["code"], manifest["workstation"], manifest["sequence"]
    revoked_vouchers = _rotations(session, manifest, name)
    fingerprint = manifest["signer"]["fingerprint"]
    row = session.province.enrolled(fingerprint)
    if row is None:
        if fingerprint in revoked_vouchers:
            raise _refused(name, f"khóa ký {fingerprint} chỉ được chứng nhận bởi khóa {revoked_vouchers[fingerprint]} "
                                 "đã bị thu hồi", "signed by a key certified by a revoked key")
        raise _refused(name, f"khóa ký {fingerprint} chưa được đăng ký với tỉnh (đơn vị gửi tệp «keys export», tỉnh "
                             "chạy «province enrol»)", "signed by an unknown key")
    if row["revoked_at"]:
        raise _refused(name, f"khóa ký {fingerprint} đã bị thu hồi ngày {row['revoked_at'][:10]}",
                       "signed by a revoked key")
    if (row["unit_code"], row["workstation"]) != (unit, workstation):
        raise _refused(name, f"khóa ký {fingerprint} là của đơn vị {row['unit_code']}, quầy {row['workstation']}, "
                             f"không phải của đơn vị {unit}, quầy {workstation} mà tệp ghi",
                       "signed by another unit's or workstation's key")
    if row["replaced_from_sequence"] is not None and sequence >= row["replaced_from_sequence"]:
        raise _refused(name, f"khóa ký {fingerprint} đã được thay bằng khóa mới từ lần xuất số "
                             f"{row['replaced_from_sequence']}; tệp số {sequence} phải ký bằng khóa mới",
                       "signed by a key replaced by a rotation")
    return Trusted(fingerprint)


def _rotations(session: Session, manifest: dict, name: str) -> dict[str, str]:
    """Register the keys the manifest's rotation certificates vouch for; returns the new
    fingerprints whose voucher was revoked (for the refusal's message)."""
    store = session.province
    revoked: dict[str, str] = {}
    for item in manifest["signer"]["rotations"]:
        text = item["certificate"]
        try:
            certificate = strict_json(text)
        except (ValueError, UnicodeDecodeError):
            certificate = None
        old_key = crypto.from_b64(certificate.get("old_key"), crypto.KEY_BYTES) if isinstance(certificate, dict) \
            else None
        new_key = crypto.from_b64(certificate.get("new_key"), crypto.KEY_BYTES) if isinstance(certificate, dict) \
            else None
        if old_key is None or new_key is None or certificate.get("format") != "motcua-rotation" \
                or certificate.get("unit") != manifest["unit"]["code"] \
                or certificate.get("workstation") != manifest["workstation"] \
                or certificate.get("old_fingerprint") != crypto.fingerprint(old_key) \
                or certificate.get("new_fingerprint") != crypto.fingerprint(new_key) \
                or not is_int(certificate.get("from_sequence"), 1, export_archive.MAX_SEQUENCE) \
                or not is_time(certificate.get("at")):
            raise _refused(name, "chứng nhận đổi khóa trong bản kê không đúng định dạng", "malformed rotation")
        signature = crypto.from_b64(item["signature"], crypto.SIGNATURE_BYTES)
        if signature is None or not crypto.verify(old_key, ROTATION, text.encode("utf-8"), signature):
            raise _refused(name, "chữ ký của chứng nhận đổi khóa không hợp lệ", "bad rotation signature")
        old = store.enrolled(certificate["old_fingerprint"])
        if store.enrolled(certificate["new_fingerprint"]) is not None or old is None:
            continue  # known already, or a chain that began before this workstation enrolled
        if old["revoked_at"]:
            revoked[certificate["new_fingerprint"]] = old["fingerprint"]
            continue
        if (old["unit_code"], old["workstation"]) != (certificate["unit"], certificate["workstation"]):
            continue
        following = store.successor(old["id"])
        if following is not None:
            raise _refused(name, f"khóa {old['fingerprint']} đã được đổi sang khóa {following['fingerprint']}, nay "
                                 f"lại có chứng nhận đổi sang khóa {certificate['new_fingerprint']}",
                           "a second rotation from one key")
        store.enrol(old["unit_code"], old["workstation"], crypto.b64(new_key), certificate["new_fingerprint"],
                        iso(now()), session.username, rotated_from=old["id"])
        store.set_replaced(old["id"], certificate["from_sequence"])
        audit.province_log(session, "province_key_rotated", certificate["new_fingerprint"], {
            "previous": old["fingerprint"], "unit": old["unit_code"], "workstation": old["workstation"],
            "from_sequence": certificate["from_sequence"]})
    return revoked


def duplicate(session: Session, verified: Verified) -> bool:
    """A signed file whose sequence the province holds already with the same changes and audit
    anchors: the same export sent again (`export --resend`), to be skipped."""
    if not verified.signed:
        return False
    manifest = verified.manifest
    # Only a file its sender may sign is skipped; any other goes on to be refused by `check`.
    signer = session.province.enrolled(manifest["signer"]["fingerprint"])
    if signer is None or signer["revoked_at"] or (signer["unit_code"], signer["workstation"]) != (
            manifest["unit"]["code"], manifest["workstation"]):
        return False
    chain = manifest["audit"]
    for stored in session.province.same_export(manifest["unit"]["code"], manifest["workstation"],
                                          manifest["sequence"]):
        if (stored["events_after"], stored["events_through"]) == (manifest["events_range"]["after"],
                                                                 manifest["events_range"]["through"]) \
                and _pair(stored, "audit_after") == _of(chain["after"]) \
                and _pair(stored, "audit_head") == _of(chain["head"]):
            return True
    return False


def record_chain(session: Session, verified: Verified, unit_id: int, file_id: int, signer: str | None) -> None:
    """Check a signed file's audit anchors against its rows and the stored neighbours; store them."""
    if not verified.signed:
        return
    manifest, name = verified.manifest, verified.path.name
    unit, workstation, sequence = manifest["unit"]["code"], manifest["workstation"], manifest["sequence"]
    after, head = manifest["audit"]["after"], manifest["audit"]["head"]
    where = f"nhật ký kiểm tra của đơn vị {unit}, quầy {workstation}"
    _check_rows(verified, after, head, where)
    near = session.province.anchors_near(unit_id, workstation, sequence)
    for same in near["same"]:
        if (same["events_after"], _pair(same, "audit_after")) != (manifest["events_range"]["after"], _of(after)):
            raise _broken(name, f"tỉnh đã nhận một lần xuất số {sequence} khác của quầy này (bắt đầu từ chỗ khác)")
    before = near["before"]
    if before:
        earlier = before[0]["sequence"]
        if after is None:
            raise _broken(name, f"{where} đã được neo ở lần xuất số {earlier}, nhưng tệp này không nối tiếp mốc nào")
        if earlier == sequence - 1 and not any(_pair(b, "audit_head") == _of(after) for b in before):
            seen = before[-1]
            raise _broken(name, f"{where} không nối tiếp nhật ký tỉnh đã thấy ở lần xuất số {earlier} (dòng "
                                f"{seen['audit_head_id']}): nhật ký ở đơn vị đã bị cắt bớt hoặc viết lại từ trước "
                                "lần xuất đó")
        if after["id"] < max(b["audit_head_id"] for b in before):
            raise _broken(name, f"{where} ngắn hơn nhật ký tỉnh đã thấy ở lần xuất số {earlier}: nhật ký ở đơn vị đã "
                                "bị cắt bớt")
    later = near["after"]
    if later:
        following = later[0]["sequence"]
        heads = {_of(head)} | {_pair(s, "audit_head") for s in near["same"]}
        for item in later:
            if item["audit_after_id"] is None:
                raise _broken(name, f"lần xuất số {following} đã nhận không nối tiếp mốc nhật ký nào, nên không nối "
                                    "được với tệp này")
            if following == sequence + 1 and _pair(item, "audit_after") not in heads:
                raise _broken(name, f"{where} trong tệp này không khớp chỗ lần xuất số {following} (đã nhận) bắt đầu:"
                                    " nhật ký ở đơn vị đã bị viết lại")
            if head["id"] > item["audit_after_id"]:
                raise _broken(name, f"{where} trong tệp này dài hơn chỗ lần xuất số {following} (đã nhận) bắt đầu")
    session.province.add_anchor({
        "file_id": file_id, "unit_id": unit_id, "workstation": workstation, "sequence": sequence,
        "events_after": manifest["events_range"]["after"], "events_through": manifest["events_range"]["through"],
        "audit_after_id": after["id"] if after else None, "audit_after_hash": after["hash"] if after else None,
        "audit_head_id": head["id"], "audit_head_hash": head["hash"], "signer": signer or ""})


def _check_rows(verified: Verified, after: dict | None, head: dict, where: str) -> None:
    """The rows of audit.jsonl link `after` to `head`, one row after the other."""
    name = verified.path.name
    if after is not None and after["hash"] == "":
        raise _broken(name, f"{where} không còn dòng {after['id']}, nơi lần xuất trước kết thúc: nhật ký đã bị cắt bớt")
    if after is not None and head["id"] < after["id"]:
        raise _broken(name, f"{where} chỉ còn đến dòng {head['id']}, ngắn hơn chỗ lần xuất trước kết thúc (dòng "
                            f"{after['id']}): nhật ký đã bị cắt bớt")
    if after is not None and head["id"] == after["id"] and head["hash"] != after["hash"]:
        raise _broken(name, f"{where}: dòng {head['id']} đổi nội dung giữa hai lần xuất")
    expected = after["id"] if after else None
    previous = after["hash"] if after else None
    count = 0
    for batch in export_archive.records(verified, export_archive.AUDIT):
        for _, record in batch:
            count += 1
            if not (isinstance(record, dict) and is_int(record.get("id")) and is_sha256(record.get("prev_hash"))
                    and is_sha256(record.get("hash"))):
                raise _refused(name, f"dòng {count} của {export_archive.AUDIT} không đúng định dạng",
                               f"line {count} of {export_archive.AUDIT} does not match the format")
            if expected is None or record["id"] != expected + 1 or record["prev_hash"] != previous:
                raise _broken(name, f"{where}: dòng {record['id']} không nối tiếp dòng trước trong tệp")
            expected, previous = record["id"], record["hash"]
    if count and (expected, previous) != (head["id"], head["hash"]):
        raise _broken(name, f"{where}: các dòng trong tệp không kết thúc ở dòng {head['id']} như bản kê ghi")


def _pair(row: dict, prefix: str) -> tuple | None:
    return None if row[f"{prefix}_id"] is None else (row[f"{prefix}_id"], row[f"{prefix}_hash"])


def _of(anchor: dict | None) -> tuple | None:
    return None if anchor is None else (anchor["id"], anchor["hash"])


def _refused(name: str, why: str, english: str) -> CounterError:
    shown = export_archive.shown(name)
    return CounterError(f"Tệp {shown} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{shown} rejected: {english}")


def _broken(name: str, why: str) -> CounterError:
    return _refused(name, why, "the audit chain does not extend the one the province saw")
