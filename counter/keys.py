"""Khóa ký số của máy trạm: the Ed25519 key every export and sync file of this workstation is signed with.

Where the key lives, and why in two places (README.md, "Keys"):
- in the database (`station_keys`, with every earlier key and the rotation certificates), the
  authority: it commits with the audit trail and the export log, and every backup carries it,
  so a PC restored from a backup signs as the same workstation, with no new enrolment;
- beside the database, `PATH-station-key.pem` (PKCS#8, 0600: only the officer's account reads
  it), rewritten whenever the current key changes. A backup older than a rotation brings back
  the older key: the file still holds the newer one, and the next use adopts it again (with a
  certificate signed by the older key), so the province never sees the counter go back to a
  key it replaced.
The trade-off: whoever can read the database, a backup or that file can sign as this
workstation, as whoever can read them can read every CCCD number in them anyway. A key that
may have leaked is revoked at the province (`province revoke`) and the workstation enrols a
new one. The key never leaves in an export or a sync file, and the unit sync replicates no key.

`keys rotate` makes a new key and a certificate, signed by the old key, naming the new one and
the first export it signs; every later export carries the certificates, and the province takes
the new key from the first such file it imports.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import counter
from counter import audit, crypto, private
from counter.clock import iso, now
from counter.errors import CounterError
from counter.session import Session
from db import export as export_table
from db import keys as key_table
from db.connection import write

FILE_SUFFIX = "-station-key.pem"
ENROLMENT = "enrolment"
ROTATION = "rotation"
MAX_ROTATIONS = 100
_PEM_LIMIT = 4096


@dataclass(frozen=True)
class StationKey:
    key: crypto.SigningKey
    created_at: str
    rotations: tuple[dict, ...]  # certificates from the first key to this one, oldest first

    @property
    def fingerprint(self) -> str:
        return self.key.fingerprint

    def signer(self) -> dict:
        """Who signs, as an export's manifest or a sync file says it (docs/export-format.md)."""
        return {"key": crypto.b64(self.key.public), "fingerprint": self.fingerprint,
                "rotations": list(self.rotations)}

    def sign(self, purpose: str, data: bytes) -> bytes:
        return self.key.sign(purpose, data)


def key_file(session: Session) -> Path:
    return session.path.with_name(session.path.name + FILE_SUFFIX)


def current(session: Session) -> StationKey:
    """This workstation's key, made at its first use (or taken back from the file beside the
    database after a restore of an older backup); the file is written if it is missing."""
    keys = key_table.station_keys(session.db)
    found = _read_file(session)
    newest = _current_of(keys)
    if newest is None or (found is not None and crypto.b64(found.public) not in {k["public_key"] for k in keys}):
        with write(session.db):
            keys = key_table.station_keys(session.db)  # another process may have made it meanwhile
            newest = _current_of(keys)
            if newest is None:
                _add_first(session, found)
            elif found is not None and crypto.b64(found.public) not in {k["public_key"] for k in keys}:
                _adopt(session, newest, found)
        keys = key_table.station_keys(session.db)
        newest = _current_of(keys)
    assert newest is not None
    key = _station_key(keys, newest)
    if found is None or found.public != key.key.public:
        _write_file(session, key.key)
    return key


def _current_of(keys: list[dict]) -> dict | None:
    return next((k for k in keys if k["retired_at"] is None), None)


def _station_key(keys: list[dict], row: dict) -> StationKey:
    rotations = tuple(json.loads(k["rotation"]) for k in keys if k["rotation"] and k["id"] <= row["id"])
    return StationKey(crypto.SigningKey.of(bytes(row["private_key"])), row["created_at"], rotations)


def _add_first(session: Session, found: crypto.SigningKey | None) -> None:
    """The first key: the one in the file beside the database if there is one (a database
    recreated or restored from before keys existed keeps the enrolled identity), else new."""
    key = found or crypto.SigningKey.new()
    key_table.add_station_key(session.db, crypto.b64(key.public), key.fingerprint, key.private, iso(now()), None)
    audit.log(session, "station_key_adopted" if found else "station_key_created", key.fingerprint,
              {"file": str(key_file(session))} if found else {})


def _adopt(session: Session, newest: dict, found: crypto.SigningKey) -> None:
    """The file holds a key this database does not know: a backup older than a rotation was restored."""
    old = crypto.SigningKey.of(bytes(newest["private_key"]))
    certificate = _certificate(session, old, found)
    moment = iso(now())
    key_table.retire_station_key(session.db, newest["id"], moment)
    key_table.add_station_key(session.db, crypto.b64(found.public), found.fingerprint, found.private, moment,
                              json.dumps(certificate))
    audit.log(session, "station_key_adopted", found.fingerprint,
              {"file": str(key_file(session)), "previous": old.fingerprint})


def _certificate(session: Session, old: crypto.SigningKey, new: crypto.SigningKey) -> dict:
    settings = session.require_unit()
    body = json.dumps({
        "format": "motcua-rotation", "unit": settings.unit_code, "workstation": settings.workstation,
        "old_key": crypto.b64(old.public), "old_fingerprint": old.fingerprint,
        "new_key": crypto.b64(new.public), "new_fingerprint": new.fingerprint,
        "from_sequence": export_table.last_sequence(session.db, settings.workstation) + 1, "at": iso(now()),
    }, ensure_ascii=False)
    return {"certificate": body, "signature": crypto.b64(old.sign(ROTATION, body.encode("utf-8")))}


def rotate(session: Session) -> dict:
    """A new key, certified by the current one, which is retired; returns `show`."""
    session.require("keys")
    session.require_unit()
    old = current(session)
    new = crypto.SigningKey.new()
    with write(session.db):
        newest = _current_of(key_table.station_keys(session.db))
        if newest is None or bytes(newest["private_key"]) != old.key.private:
            raise CounterError("Khóa của máy vừa được đổi ở nơi khác; hãy thử lại.", "the key changed meanwhile")
        certificate = _certificate(session, old.key, new)
        moment = iso(now())
        key_table.retire_station_key(session.db, newest["id"], moment)
        key_table.add_station_key(session.db, crypto.b64(new.public), new.fingerprint, new.private, moment,
                                  json.dumps(certificate))
        audit.log(session, "station_key_rotated", new.fingerprint, {
            "previous": old.fingerprint, "from_sequence": json.loads(certificate["certificate"])["from_sequence"]})
    _write_file(session, new)
    return show(session)


def show(session: Session) -> dict:
    """What `keys show --json` prints."""
    session.require("view")
    settings = session.require_unit()
    key = current(session)
    return {"unit": settings.unit_code, "workstation": settings.workstation,
            "public_key": crypto.b64(key.key.public), "fingerprint": key.fingerprint, "created_at": key.created_at,
            "file": str(key_file(session)), "rotations": len(key.rotations)}


def enrolment(session: Session) -> dict:
    """The workstation's public enrolment (`keys export`): who it is and its key, self-signed."""
    settings = session.require_unit()
    key = current(session)
    return {"format": "motcua-enrolment", "format_version": 1,
            "unit": {"code": settings.unit_code, "name": settings.unit_name}, "workstation": settings.workstation,
            "key": crypto.b64(key.key.public), "fingerprint": key.fingerprint, "key_created_at": key.created_at,
            "exported_at": iso(now()), "software": {"name": "motcua", "version": counter.__version__}}


def export_enrolment(session: Session, path: str | Path) -> dict:
    """Write the enrolment file the province registers with `province enrol`."""
    session.require("export")
    from counter import signed_document

    body = enrolment(session)
    signed_document.write(path, ENROLMENT, body, current(session).key)
    with write(session.db):
        audit.log(session, "station_key_exported", body["fingerprint"], {"file": str(path)})
    return {"file": str(path), "fingerprint": body["fingerprint"], "unit": body["unit"]["code"],
            "workstation": body["workstation"]}


def _in_memory(session: Session) -> bool:
    return str(session.path) == ":memory:"


def _read_file(session: Session) -> crypto.SigningKey | None:
    """The key in the file beside the database, or None when there is none; a file that is not
    an Ed25519 key is set aside (renamed, never deleted) and rewritten from the database."""
    if _in_memory(session):
        return None
    path = key_file(session)
    try:
        data = path.read_bytes() if path.is_file() else None
    except OSError:
        data = None
    if data is None:
        return None
    key = crypto.signing_key_from_pem(data) if len(data) <= _PEM_LIMIT else None
    if key is None:
        aside = path.with_name(f"{path.name}.unreadable-{now():%Y%m%d-%H%M%S}")
        try:
            path.rename(aside)
        except OSError as exc:
            raise CounterError(f"Tệp khóa {path} hỏng và không đổi tên được: {exc.strerror or exc}.",
                               f"unreadable key file {path}") from None
    return key


def _write_file(session: Session, key: crypto.SigningKey) -> None:
    if _in_memory(session):
        return  # a database in memory has no folder to keep a file in
    try:
        private.write_file(key_file(session), key.pem())
    except CounterError as exc:
        raise CounterError(f"{exc.message} Khóa vẫn nằm trong cơ sở dữ liệu; hãy kiểm tra quyền ghi thư mục.",
                           exc.english) from None
