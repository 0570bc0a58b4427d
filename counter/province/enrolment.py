"""Đăng ký khóa: which workstation keys the province accepts files from, and its own keys.

`province enrol FILE` registers a workstation's self-signed enrolment (counter/keys.py) for
its unit and workstation; `province keys` lists them; `province revoke` ends one for good (a
revoked key signs no file the province will import, whatever its date). A workstation that
rotated its key has the new key registered from the first file carrying the certificate
(counter/province/trust.py). One active key per workstation: a replaced PC's key is revoked
before its successor is enrolled.

`province init-key` makes the province's two key pairs, once: Ed25519 to sign packages and
acknowledgements, X25519 for the units to encrypt their exports to. Like a workstation's,
they live in the province database (its backups carry them) and beside it as 0600 PEM files
(`PATH-province-signing-key.pem`, `PATH-province-encryption-key.pem`), which is what a
province script opens (docs/export-format.md). Whoever reads them reads every unit's exports.
"""

from pathlib import Path
from typing import cast

from counter import audit, crypto, private, signed_document
from counter.clock import iso, now
from counter.codes import MAX_WORKSTATION
from counter.errors import CounterError
from counter.export_archive import UNIT_CODE, is_int, is_time
from counter.province import server
from counter.session import Session
from counter.text import NAME, clean_text

ENROLMENT = "enrolment"
SIGNING_SUFFIX = "-province-signing-key.pem"
ENCRYPTION_SUFFIX = "-province-encryption-key.pem"
_WHAT = "tệp đăng ký khóa"


def key_files(session: Session) -> tuple[Path, Path]:
    return server.beside(session, SIGNING_SUFFIX), server.beside(session, ENCRYPTION_SUFFIX)


def init_key(session: Session) -> dict:
    """Make the province's key pairs; refused when they exist (every unit has pinned them)."""
    session.require("province")
    with session.province.writing():
        if session.province.own_key("signing") is not None:
            raise CounterError("Tỉnh đã có khóa; không tạo lại (các đơn vị đã ghi nhận khóa này).",
                               "the province already has its keys")
        signing, encryption = crypto.SigningKey.new(), crypto.EncryptionKey.new()
        moment = iso(now())
        session.province.add_own_key("signing", signing.private, crypto.b64(signing.public),
                              signing.fingerprint, moment)
        session.province.add_own_key("encryption", encryption.private, crypto.b64(encryption.public),
                              encryption.fingerprint, moment)
        audit.province_log(session, "province_keys_created", signing.fingerprint,
                           {"encryption": encryption.fingerprint})
    _write_files(session, signing, encryption)
    return describe(session)


def describe(session: Session) -> dict:
    signing, encryption = own_keys(session)
    files = key_files(session)
    return {"signing_fingerprint": signing.fingerprint, "signing_key": crypto.b64(signing.public),
            "encryption_fingerprint": encryption.fingerprint, "encryption_key": crypto.b64(encryption.public),
            "files": [str(path) for path in files]}


def own_keys(session: Session) -> tuple[crypto.SigningKey, crypto.EncryptionKey]:
    """The province's key pairs; their files beside the database are written if missing."""
    found = optional_own_keys(session)
    if found is None:
        raise CounterError("Cơ sở dữ liệu tỉnh chưa có khóa: hãy chạy «province init-key» trước.",
                           "run province init-key first")
    signing, encryption = found
    if not all(path.is_file() for path in key_files(session)):
        _write_files(session, signing, encryption)
    return signing, encryption


def optional_own_keys(session: Session) -> tuple[crypto.SigningKey, crypto.EncryptionKey] | None:
    signing, encryption = session.province.own_key("signing"), session.province.own_key("encryption")
    if signing is None or encryption is None:
        return None
    return (crypto.SigningKey.of(bytes(signing["private_key"])),
            crypto.EncryptionKey.of(bytes(encryption["private_key"])))


def _write_files(session: Session, signing: crypto.SigningKey, encryption: crypto.EncryptionKey) -> None:
    signing_file, encryption_file = key_files(session)
    private.write_file(signing_file, signing.pem())
    private.write_file(encryption_file, encryption.pem())


def enrol(session: Session, path: str | Path, expected: str | None = None) -> dict:
    """Register a workstation's enrolment file; audited. Returns the key's row as `keys` lists it."""
    session.require("province")
    document = signed_document.read(path, ENROLMENT, _WHAT)
    body = document.body
    unit, workstation = body.get("unit"), body.get("workstation")
    key = crypto.from_b64(body.get("key"), crypto.KEY_BYTES)
    if body.get("format") != "motcua-enrolment" or body.get("format_version") != 1 \
            or not isinstance(unit, dict) or type(unit.get("code")) is not str \
            or not UNIT_CODE.fullmatch(unit["code"]) \
            or not is_int(workstation, 1, MAX_WORKSTATION) or key != document.key or body.get("fingerprint") != \
            crypto.fingerprint(document.key) or not is_time(body.get("exported_at")):
        raise _bad(path, "nội dung không đúng định dạng (đơn vị, quầy, khóa)")
    name = clean_text(unit.get("name") if type(unit.get("name")) is str else "", "Tên đơn vị", NAME)
    code, number = str(unit["code"]), cast(int, workstation)  # checked above
    fingerprint = crypto.fingerprint(document.key)
    if expected is not None and crypto.typed_fingerprint(expected) != fingerprint:
        raise _bad(path, f"mã khóa trong tệp ({fingerprint}) không khớp mã đã đối chiếu "
                         f"({crypto.typed_fingerprint(expected)})")
    with session.province.writing():
        known = session.province.enrolled(fingerprint)
        if known is not None:
            if (known["unit_code"], known["workstation"]) != (code, number):
                raise _bad(path, f"khóa {fingerprint} đã đăng ký cho đơn vị {known['unit_code']}, quầy "
                                 f"{known['workstation']}")
            if known["revoked_at"]:
                raise _bad(path, f"khóa {fingerprint} đã bị thu hồi ngày {known['revoked_at'][:10]}; máy trạm cần "
                                 "tạo khóa mới (keys rotate) rồi đăng ký lại")
            return dict(_listed(known), already=True)
        for other in session.province.enrolled_for(code, number):
            if other["revoked_at"] is None and other["replaced_from_sequence"] is None:
                raise _bad(path, f"quầy {number} của đơn vị {code} đã có khóa {other['fingerprint']} "
                                 "đang dùng. Nếu máy đã thay, hãy thu hồi khóa cũ (province revoke "
                                 f"{other['fingerprint']}) rồi đăng ký lại")
        session.province.enrol(code, number, crypto.b64(document.key), fingerprint, iso(now()),
                        session.username)
        audit.province_log(session, "province_key_enrolled", fingerprint, {"unit": code, "unit_name": name,
                                                                   "workstation": number, "sha256": document.sha256})
    return dict(_listed(_known(session, fingerprint)), already=False)


def keys(session: Session) -> list[dict]:
    """Every enrolled key (`province keys --json`)."""
    session.require("province")
    return [_listed(row) for row in session.province.all_enrolled()]


def revoke(session: Session, fingerprint: str, reason: str = "") -> dict:
    session.require("province")
    wanted = crypto.typed_fingerprint(fingerprint)
    why = clean_text(reason, "Lý do", NAME)
    with session.province.writing():
        row = session.province.enrolled(wanted)
        if row is None:
            raise CounterError(f"Không có khóa {wanted} trong danh sách đã đăng ký.", "no such key")
        if row["revoked_at"]:
            raise CounterError(f"Khóa {wanted} đã bị thu hồi ngày {row['revoked_at'][:10]}.", "already revoked")
        session.province.revoke(row["id"], iso(now()), session.username, why)
        audit.province_log(session, "province_key_revoked", wanted, {"unit": row["unit_code"],
                                                             "workstation": row["workstation"], "reason": why})
    return _listed(_known(session, wanted))


def _known(session: Session, fingerprint: str) -> dict:
    row = session.province.enrolled(fingerprint)
    assert row is not None, "a key just written"
    return row


def status_of(row: dict) -> str:
    if row["revoked_at"]:
        return "revoked"
    return "rotated" if row["replaced_from_sequence"] is not None else "active"


def _listed(row: dict) -> dict:
    return {"unit": row["unit_code"], "workstation": row["workstation"], "fingerprint": row["fingerprint"],
            "public_key": row["public_key"], "enrolled_at": row["enrolled_at"], "enrolled_by": row["enrolled_by"],
            "status": status_of(row), "replaced_from_sequence": row["replaced_from_sequence"],
            "revoked_at": row["revoked_at"], "revoked_reason": row["revoked_reason"]}


def _bad(path, why: str) -> CounterError:
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(path)[:160])
    return CounterError(f"Tệp đăng ký khóa {shown} bị từ chối: {why}. Không thay đổi gì.", "enrolment refused")
