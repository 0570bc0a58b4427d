"""Gói dữ liệu của tỉnh: the catalogue, the official calendar and the province's keys, signed.

The province writes it (`province package`); every unit applies it (`package import`). The
file is a signed document (counter/signed_document.py) whose body carries the catalogue and
the calendar as CSV text in the formats `catalog import` and `calendar import` read (so a
package passes exactly their checks), and the province's two public keys: the Ed25519 key
that signs packages and acknowledgements, and the X25519 key exports are encrypted to.

Trust on first use, confirmed by a person: the first package a unit imports names the
province's signing key by its fingerprint, which the officer compares with the one the
province reads out over the phone and types (`--confirm`); the key is then pinned in the
unit's settings, and every later package or acknowledgement must be signed by it. A package
with a bad signature, another key, an older sequence or one bad row changes nothing: it is
checked whole, then applied in one transaction.
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import counter
from counter import audit, catalogue, crypto, signed_document, unit
from counter.changes import Changes
from counter.clock import iso, now
from counter.errors import CounterError
from counter.export_archive import is_int, is_text, is_time
from counter.province import enrolment
from counter.session import Session
from counter.text import NAME, clean_text, fold
from counter.working_calendar import overrides_csv, parse_overrides_csv
from db import calendar as calendar_table
from db import catalogue as catalogue_table
from db import settings as settings_table
from db.connection import write

KIND = "package"
FORMAT = "motcua-package"
PINNED = "province_trust"  # the unit's settings key holding the pinned province keys
_WHAT = "gói dữ liệu của tỉnh"
_CATALOGUE_HEADER = ["code", "name", "field", "days", "fee", "level", "documents", "note", "cutoff"]


@dataclass(frozen=True)
class Pinned:
    """The province's keys as the unit pinned them."""

    signing: bytes
    signing_fingerprint: str
    encryption: bytes | None
    encryption_fingerprint: str | None
    package_sequence: int


def pinned(session: Session) -> Pinned | None:
    value = settings_table.load(session.db).get(PINNED)
    if not isinstance(value, dict):
        return None
    signing = crypto.from_b64(value.get("signing_key"), crypto.KEY_BYTES)
    encryption = crypto.from_b64(value.get("encryption_key"), crypto.KEY_BYTES) if value.get("encryption_key") \
        else None
    if signing is None:
        return None
    return Pinned(signing, crypto.fingerprint(signing), encryption,
                  crypto.fingerprint(encryption) if encryption else None, int(value.get("package_sequence") or 0))


# ---- the province writes ------------------------------------------------------------------------

def make(session: Session, out: str | Path, catalogue_file: str | Path | None = None,
         calendar_file: str | Path | None = None) -> dict:
    """Write a signed package; returns {"file", "sequence", "procedures", "calendar_days", "fingerprint"}."""
    session.require("province")
    signing, encryption = enrolment.own_keys(session)
    body: dict = {"format": FORMAT, "format_version": 1, "created_at": iso(now()),
                  "software": {"name": "motcua", "version": counter.__version__},
                  "keys": {"signing": {"key": crypto.b64(signing.public), "fingerprint": signing.fingerprint},
                           "encryption": {"key": crypto.b64(encryption.public),
                                          "fingerprint": encryption.fingerprint}},
                  "catalogue": None, "calendar": None}
    procedures = days = 0
    if catalogue_file is not None:
        found = catalogue.read_catalogue(catalogue_file)
        procedures = len(found)
        body["catalogue"] = {"file": Path(catalogue_file).name[:255], "sha256": _sha256_of(catalogue_file),
                             "csv": _catalogue_csv(found)}
    if calendar_file is not None:
        try:
            data = Path(calendar_file).read_bytes()
        except OSError as exc:
            raise CounterError(f"Không đọc được tệp lịch {calendar_file}: {exc.strerror}.",
                               f"cannot read {calendar_file}") from None
        overrides = parse_overrides_csv(data)
        for override in overrides:
            clean_text(override.reason, f"Lý do của ngày {override.day:%d/%m/%Y}", NAME)
        days = len(overrides)
        body["calendar"] = {"file": Path(calendar_file).name[:255], "sha256": hashlib.sha256(data).hexdigest(),
                            "csv": overrides_csv(overrides).decode("utf-8")}
    with session.province.writing():
        body["sequence"] = session.province.next_package_sequence()
        data = signed_document.make(KIND, body, signing)
        out = Path(out)
        _write_new(out, data)
        session.province.add_package({
            "sequence": body["sequence"], "sha256": hashlib.sha256(data).hexdigest(), "file": str(out),
            "catalogue_sha256": body["catalogue"]["sha256"] if body["catalogue"] else None,
            "calendar_sha256": body["calendar"]["sha256"] if body["calendar"] else None,
            "made_at": body["created_at"], "made_by": session.username})
        audit.province_log(session, "province_package_made", str(out), {"sequence": body["sequence"],
                                                               "procedures": procedures, "calendar_days": days})
    return {"file": str(out), "sequence": body["sequence"], "procedures": procedures, "calendar_days": days,
            "fingerprint": signing.fingerprint}


def _write_new(path: Path, data: bytes) -> None:
    from counter import private

    private.write_file(path, data)


def _sha256_of(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise CounterError(f"Không đọc được tệp {path}: {exc.strerror}.", f"cannot read {path}") from None


def _catalogue_csv(procedures: list[catalogue.Procedure]) -> str:
    """The catalogue as `catalog import` reads it back to the same procedures."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CATALOGUE_HEADER)
    for p in procedures:
        writer.writerow([p.code, p.name, p.field, p.days, "" if p.fee is None else p.fee, p.level,
                         "\n".join(p.documents), p.note, "" if p.cutoff is None else ("yes" if p.cutoff else "no")])
    return out.getvalue()


# ---- the unit applies ---------------------------------------------------------------------------

def import_package(session: Session, path: str | Path, confirm: str | None = None) -> dict:
    """Check a package whole, then apply it in one transaction; returns what changed:
    {"sequence", "province_fingerprint", "encryption_fingerprint", "pinned_now", "procedures_added",
    "procedures_changed", "calendar_days", "due_dates_moved"}."""
    for permission in ("keys", "catalogue", "calendar"):
        session.require(permission)
    session.require_unit()
    document = signed_document.read(path, KIND, _WHAT)
    shown = crypto.fingerprint(document.key)
    pin = pinned(session)
    if pin is not None and document.key != pin.signing:
        raise _refused(path, f"gói được ký bằng khóa {shown}, không phải khóa của tỉnh mà đơn vị đã ghi nhận "
                             f"({pin.signing_fingerprint})")
    if pin is None:
        if confirm is None:
            raise CounterError(
                f"Đây là gói đầu tiên của tỉnh mà đơn vị nhập. Mã khóa của tỉnh trong gói là {shown}. Hãy gọi điện "
                f"cho tỉnh để đối chiếu mã này, rồi chạy lại với --confirm {shown}. Chưa thay đổi gì.",
                f"first package: confirm the province key {shown}")
        if crypto.typed_fingerprint(confirm) != shown:
            raise _refused(path, f"mã khóa trong gói ({shown}) không khớp mã đã đối chiếu "
                                 f"({crypto.typed_fingerprint(confirm)})")
    body = document.body
    encryption = _check_body(path, body, document.key)
    if pin is not None and body["sequence"] <= pin.package_sequence:
        raise _refused(path, f"đây là gói số {body['sequence']}, cũ hơn hoặc bằng gói số {pin.package_sequence} "
                             "đã áp dụng")
    procedures = _procedures(path, body["catalogue"])
    days = _days(session, path, body["calendar"])
    try:
        with write(session.db):
            added, changed = _apply_catalogue(session, procedures)
            moved: list[dict] = []
            if days:
                calendar_table.upsert(session.db, [(o.day.isoformat(), o.working, o.reason) for o in days])
                # Issue 11: a calendar change counts the open dossiers' days again, in this transaction.
                moved = unit._recompute(session, {o.day for o in days})
            settings_table.save(session.db, {PINNED: {
                "signing_key": crypto.b64(document.key), "signing_fingerprint": shown,
                "encryption_key": crypto.b64(encryption), "encryption_fingerprint": crypto.fingerprint(encryption),
                "package_sequence": body["sequence"], "package_created_at": body["created_at"],
                "pinned_at": iso(now()) if pin is None else _pinned_at(session),
            }})
            audit.log(session, "province_package_imported", str(path), {
                "sequence": body["sequence"], "sha256": document.sha256, "province": shown, "pinned_now": pin is None,
                "procedures_added": added, "procedures_changed": changed, "calendar_days": len(days),
                "recomputed": [item["code"] for item in moved]})
            session.note(Changes(catalogue=bool(procedures), calendar=bool(days), settings=True,
                                 dossiers=frozenset(item["code"] for item in moved)))
    finally:
        session.forget_cached()  # inside, the calendar was read with the change not yet committed
    return {"sequence": body["sequence"], "province_fingerprint": shown,
            "encryption_fingerprint": crypto.fingerprint(encryption), "pinned_now": pin is None,
            "procedures_added": added, "procedures_changed": changed, "calendar_days": len(days),
            "due_dates_moved": moved}


def _pinned_at(session: Session) -> str:
    value = settings_table.load(session.db).get(PINNED) or {}
    return value.get("pinned_at") or iso(now())


def _check_body(path, body: dict, key: bytes) -> bytes:
    """The body against its schema (docs/export-format.md, "Province package"); the encryption key."""
    if body.get("format") != FORMAT or body.get("format_version") != 1 or type(body.get("format_version")) is not int:
        raise _refused(path, "không phải gói dữ liệu của tỉnh (định dạng 1)")
    if not is_int(body.get("sequence"), 1, 1 << 40) or not is_time(body.get("created_at")):
        raise _refused(path, "số thứ tự hoặc thời điểm của gói không hợp lệ")
    keys = body.get("keys")
    signing = keys.get("signing") if isinstance(keys, dict) else None
    encryption = keys.get("encryption") if isinstance(keys, dict) else None
    if not isinstance(signing, dict) or crypto.from_b64(signing.get("key"), crypto.KEY_BYTES) != key \
            or signing.get("fingerprint") != crypto.fingerprint(key):
        raise _refused(path, "khóa ký ghi trong gói không phải khóa đã ký gói")
    if not isinstance(encryption, dict):
        raise _refused(path, "gói thiếu khóa mã hóa của tỉnh")
    public = crypto.from_b64(encryption.get("key"), crypto.KEY_BYTES)
    if public is None or not crypto.is_x25519_public(public) or encryption.get("fingerprint") != crypto.fingerprint(
            public):
        raise _refused(path, "khóa mã hóa của tỉnh trong gói không hợp lệ")
    for part in ("catalogue", "calendar"):
        value = body.get(part, ...)
        if value is ...:
            raise _refused(path, f"gói thiếu phần «{part}»")
        if value is not None and not (isinstance(value, dict) and is_text(value.get("file"), 255)
                                      and is_text(value.get("sha256"), 64, 64) and is_text(value.get("csv"), 48 << 20)):
            raise _refused(path, f"phần «{part}» của gói không hợp lệ")
    return public


def _procedures(path, part: dict | None) -> list[catalogue.Procedure]:
    if part is None:
        return []
    try:
        rows = list(csv.reader(io.StringIO(part["csv"], newline="")))
        return catalogue.parse_rows(rows)
    except csv.Error:
        raise _refused(path, "danh mục trong gói không phải CSV hợp lệ") from None
    except CounterError as exc:
        raise _refused(path, f"danh mục trong gói: {exc.message.rstrip('.')}") from None


def _days(session: Session, path, part: dict | None) -> list:
    if part is None:
        return []
    try:
        days = parse_overrides_csv(part["csv"].encode("utf-8"))
        for override in days:
            clean_text(override.reason, f"Lý do của ngày {override.day:%d/%m/%Y}", NAME)
    except CounterError as exc:
        raise _refused(path, f"lịch trong gói: {exc.message.rstrip('.')}") from None
    for override in days:
        official = session.calendar.official_conflict(override.day, override.working)
        if official:
            raise _refused(path, f"ngày {override.day:%d/%m/%Y} trong lịch của gói trái với lịch chính thức "
                                 f"({official.text})")
    return days


def _apply_catalogue(session: Session, procedures: list[catalogue.Procedure]) -> tuple[list[str], list[str]]:
    """Upsert by code; the codes added and those whose content changed."""
    if not procedures:
        return [], []
    added, changed = [], []
    for p in procedures:
        before = catalogue_table.get(session.db, p.code)
        if before is None:
            added.append(p.code)
        elif before != p.as_dict():
            changed.append(p.code)
    rows = [dict(p.as_dict(), name_folded=fold(p.name), cutoff=None if p.cutoff is None else int(p.cutoff))
            for p in procedures]
    catalogue_table.upsert(session.db, rows, iso(now()))
    return added, changed


def _refused(path, why: str) -> CounterError:
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(path)[:160])
    return CounterError(f"Gói dữ liệu của tỉnh {shown} bị từ chối: {why}. Không thay đổi gì.",
                        f"{Path(str(path)).name} rejected")
