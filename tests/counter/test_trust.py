"""Issue 13: signed and encrypted files, enrolment and rotation, the province package, the
acknowledgements and resends, and the audit chain anchored at the province.

Every refusal leaves the province (or the unit) database exactly as it was: table dumps equal.
"""

import dataclasses
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from counter import (
    acks,
    backups,
    catalogue,
    crypto,
    export_archive,
    intake,
    keys,
    lifecycle,
    package,
    peers,
    signed_document,
)
from counter import export as export_module
from counter.errors import CounterError
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.province import enrolment
from counter.province.importing import import_files
from counter.session import Session
from db import audit as audit_table
from tests.counter.export_helpers import (
    DOCS,
    Entry,
    build_zip,
    dump,
    enrol,
    export_file,
    manifest_body,
    members_of,
    province_state,
    reseal,
    signature_member,
    unit_session,
    unit_state,
)
from tests.counter.helpers import table_dump

DAY = datetime(2025, 3, 3, 9, 0)
CALENDAR = "date,type,reason,decision\n2027-01-01,off,Tết Dương lịch,Thông báo 1234/TB-BNV ngày 20/10/2026\n"


@pytest.fixture
def unit(tmp_path):
    with unit_session(tmp_path / "unit" / "unit.sqlite3") as session:
        yield session


@pytest.fixture
def province(tmp_path, unit):
    """A province with its keys, the unit's key enrolled, and one file of another unit imported
    (an empty province database changes its page size on its first import)."""
    with Session(tmp_path / "province" / "province.sqlite3", "Sở Nội vụ") as session:
        with_a_neighbour(session, unit, tmp_path)
        yield session


def with_a_neighbour(session, unit, tmp_path) -> None:
    """The province's keys made, the unit's key enrolled, a neighbour's file imported."""
    enrolment.init_key(session)
    enrol(session, unit)
    with unit_session(tmp_path / "neighbour.sqlite3", code="000.00.53.H50", name="UBND xã Bên Cạnh") as other:
        enrol(session, other)
        intake.receive(other, "1.004873", "Hàng Xóm", at=DAY)
        import_files(session, [export_file(other, tmp_path / "neighbour")])


def _receive(unit, name: str = "Nguyễn Văn An", day: int = 3, **extra):
    return intake.receive(unit, "1.004873", name, id_number="024099887766", at=DAY.replace(day=day), **extra)


def _pin(unit, province, tmp_path, **files) -> dict:
    """The unit imports the province's package, confirming its key: exports are encrypted from then on."""
    path = tmp_path / f"package-{len(list(tmp_path.glob('package-*')))}.json"
    package.make(province, path, **files)
    return package.import_package(unit, path, confirm=enrolment.describe(province)["signing_fingerprint"])


def _rebuilt(path: Path, tmp_path: Path, name: str, edit=None, key: crypto.SigningKey | None = None,
             signature: bytes | None = None) -> Path:
    """The export with its manifest edited (part hashes, checksum and seal made right again) and
    signed with `key`, or given `signature` as it is."""
    members = members_of(path)
    manifest = json.loads(members["manifest.json"])
    if edit:
        edit(manifest)
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    if signature is not None:
        members["manifest.json.sig"] = signature
    elif key is not None:
        members["manifest.json.sig"] = signature_member(members["manifest.json"], key)
    target = tmp_path / name
    target.write_bytes(build_zip([Entry(member.encode(), data, method=zipfile.ZIP_STORED if member.startswith(
        "files/") else zipfile.ZIP_DEFLATED) for member, data in members.items()]))
    return target


def _refused_unchanged(province, files: list[Path], match: str) -> None:
    before, rows = dump(province.path), table_dump(province)
    with pytest.raises(CounterError, match=match):
        import_files(province, files)
    assert dump(province.path) == before and table_dump(province) == rows


# ---- keys ---------------------------------------------------------------------------------------

def test_a_workstation_key_is_made_once_kept_private_beside_the_database_and_in_it(unit):
    key = keys.current(unit)
    path = keys.key_file(unit)
    assert path.stat().st_mode & 0o777 == 0o600
    assert crypto.signing_key_from_pem(path.read_bytes()) == key.key
    assert keys.current(unit).key == key.key
    [row] = unit.db.execute("SELECT private_key, fingerprint FROM station_keys").fetchall()
    assert bytes(row[0]) == key.key.private and row[1] == key.fingerprint
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", key.fingerprint)
    assert crypto.typed_fingerprint(key.fingerprint.lower().replace("-", " ")) == key.fingerprint
    shown = keys.show(unit)
    assert shown["fingerprint"] == key.fingerprint and crypto.from_b64(shown["public_key"]) == key.key.public


def test_every_backup_carries_the_key_and_a_restore_of_an_older_one_keeps_the_newer_key(unit, province, tmp_path):
    first = keys.current(unit)
    backup = backups.make(unit, tmp_path / "before-rotation.sqlite3")
    copy = sqlite3.connect(backup)
    assert bytes(copy.execute("SELECT private_key FROM station_keys").fetchone()[0]) == first.key.private
    copy.close()
    _receive(unit)
    import_files(province, [export_file(unit, tmp_path / "out")])
    keys.rotate(unit)
    newer = keys.current(unit)
    import_files(province, [export_file(unit, tmp_path / "out")])
    backups.restore(unit, backup)
    # The backup knew only the first key; the file beside the database holds the newer one.
    again = keys.current(unit)
    assert again.key == newer.key and again.rotations[-1]["certificate"]
    assert [row[0] for row in unit.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 3")][0] == \
        "station_key_adopted"


# ---- refusals at the province ------------------------------------------------------------------

def test_an_unknown_key_is_refused_whoever_it_says_it_is(unit, province, tmp_path):
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    stranger = crypto.SigningKey.new()

    def claim(manifest):
        manifest["signer"] = {"key": crypto.b64(stranger.public), "fingerprint": stranger.fingerprint,
                              "rotations": []}

    forged = _rebuilt(genuine, tmp_path, "forged.zip", claim, stranger)
    _refused_unchanged(province, [forged], "khóa ký .* chưa được đăng ký")


def test_a_re_sealed_file_keeps_a_signature_that_no_longer_matches(unit, province, tmp_path):
    """Exactly what issue 13 found: every hash recomputed as the format says; only the signature stops it."""
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    members = members_of(genuine)
    record = json.loads(members["dossiers.jsonl"])
    record["status"] = "returned"
    members["dossiers.jsonl"] = export_archive.line(record)
    manifest = json.loads(members["manifest.json"])
    manifest["unit"]["name"] = "UBND xã Đổi Tên"
    manifest["parts"][0].update(sha256=hashlib.sha256(members["dossiers.jsonl"]).hexdigest(),
                                bytes=len(members["dossiers.jsonl"]))
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    resealed = tmp_path / "resealed.zip"
    resealed.write_bytes(build_zip([Entry(name.encode(), data) for name, data in members.items()]))
    assert export_archive.seal_of(resealed)  # the seal holds
    _refused_unchanged(province, [resealed], "chữ ký số không khớp bản kê")


def test_a_file_edited_after_signing_or_truncated_is_refused(unit, province, tmp_path):
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    data = genuine.read_bytes()
    tampered = tmp_path / "tampered.zip"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    tampered.write_bytes(reseal(bytes(flipped)))
    _refused_unchanged(province, [tampered], "bị từ chối")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) - 200])
    _refused_unchanged(province, [truncated], "bị từ chối")
    edited = _rebuilt(genuine, tmp_path, "edited.zip", lambda m: m.update(sequence=9), signature=members_of(
        genuine)["manifest.json.sig"])
    _refused_unchanged(province, [edited], "chữ ký số không khớp bản kê")


def test_an_unsigned_format_2_file_is_refused(unit, province, tmp_path):
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    members = members_of(genuine)
    del members["manifest.json.sig"]
    unsigned = tmp_path / "unsigned.zip"
    unsigned.write_bytes(build_zip([Entry(name.encode(), data) for name, data in members.items()]))
    _refused_unchanged(province, [unsigned], "không có chữ ký số")


def test_a_revoked_key_and_another_unit_s_key_are_refused(unit, province, tmp_path):
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    with unit_session(tmp_path / "other.sqlite3", code="000.00.53.H49", name="UBND xã Tân Lập") as other:
        enrol(province, other)
        theirs = keys.current(other).key

    def claim(manifest):
        manifest["signer"] = {"key": crypto.b64(theirs.public), "fingerprint": theirs.fingerprint, "rotations": []}

    # The other unit's own, enrolled key, signing a file that says it comes from this unit.
    posing = _rebuilt(genuine, tmp_path, "posing.zip", claim, theirs)
    _refused_unchanged(province, [posing], "là của đơn vị 000.00.53.H49, quầy 1, không phải của đơn vị 000.00.53.H48")
    enrolment.revoke(province, keys.current(unit).fingerprint, "Máy bị mất")
    _refused_unchanged(province, [genuine], "đã bị thu hồi")
    assert [row["status"] for row in enrolment.keys(province) if row["unit"] == "000.00.53.H48"] == ["revoked"]


def test_a_replayed_file_changes_nothing_and_an_old_key_cannot_sign_new_files(unit, province, tmp_path):
    _receive(unit)
    first = export_file(unit, tmp_path / "out")
    assert import_files(province, [first])["files"] == 1
    before = dump(province.path)
    again = import_files(province, [first])
    assert (again["files"], again["skipped"]) == (0, [str(first)]) and dump(province.path) == before
    old = keys.current(unit).key
    keys.rotate(unit)
    _receive(unit, "Lê Thị Hoa", 4)
    second = export_file(unit, tmp_path / "out")
    # The old key, stolen, signs what claims to be export 2 or later: refused once the rotation is known.
    import_files(province, [second])
    late = _rebuilt(second, tmp_path, "old-key.zip", lambda m: m.update(
        signer={"key": crypto.b64(old.public), "fingerprint": old.fingerprint, "rotations": []}, sequence=3), old)
    _refused_unchanged(province, [late], "đã được thay bằng khóa mới từ lần xuất số 2")


def test_a_rotated_key_is_taken_from_the_first_file_that_carries_its_certificate(unit, province, tmp_path):
    _receive(unit)
    assert import_files(province, [export_file(unit, tmp_path / "out")])["files"] == 1
    old = keys.current(unit).fingerprint
    new = keys.rotate(unit)["fingerprint"]
    _receive(unit, "Lê Thị Hoa", 4)
    second = export_file(unit, tmp_path / "out")
    assert json.loads(members_of(second)["manifest.json"])["signer"]["fingerprint"] == new
    assert import_files(province, [second])["files"] == 1
    states = {row["fingerprint"]: (row["status"], row["replaced_from_sequence"]) for row in enrolment.keys(province)
              if row["unit"] == "000.00.53.H48"}
    assert states == {old: ("rotated", 2), new: ("active", None)}
    _receive(unit, "Trần Văn Bình", 5)
    assert import_files(province, [export_file(unit, tmp_path / "out")])["files"] == 1


def test_a_certificate_from_a_revoked_key_vouches_for_nothing(unit, province, tmp_path):
    _receive(unit)
    enrolment.revoke(province, keys.current(unit).fingerprint)
    keys.rotate(unit)
    _refused_unchanged(province, [export_file(unit, tmp_path / "out")], "chứng nhận bởi khóa .* đã bị thu hồi")
    assert [row["status"] for row in enrolment.keys(province) if row["unit"] == "000.00.53.H48"] == ["revoked"]


def test_format_1_files_import_only_when_asked_and_each_is_audited(unit, province, tmp_path):
    _receive(unit)
    genuine = export_file(unit, tmp_path / "out")
    members = members_of(genuine)
    manifest = json.loads(members.pop("manifest.json"))
    del members["manifest.json.sig"], members["audit.jsonl"], manifest["signer"], manifest["audit"]
    manifest["format_version"] = 1
    manifest["parts"] = [part for part in manifest["parts"] if part["name"] != "audit.jsonl"]
    members["manifest.json"], members["manifest.json.sha256"] = manifest_body(manifest)
    old = tmp_path / "version-1.zip"
    old.write_bytes(build_zip([Entry(name.encode(), data) for name, data in members.items()]))
    _refused_unchanged(province, [old], "--accept-unsigned")
    assert import_files(province, [old], accept_unsigned=True)["files"] == 1
    [row] = province.db.execute("SELECT target, detail FROM audit WHERE action = 'province_unsigned_accepted'")
    assert row[0] == old.name and json.loads(row[1])["sha256"] == export_archive.seal_of(old)


# ---- the audit chain, anchored ------------------------------------------------------------------

def _without_triggers(unit):
    unit.db.conn.execute("DROP TRIGGER audit_append_only_delete")
    unit.db.conn.execute("DROP TRIGGER audit_append_only_update")


def test_a_tail_cut_of_the_audit_is_reported_at_the_next_import(unit, province, tmp_path):
    _receive(unit)
    first = export_file(unit, tmp_path / "out")
    import_files(province, [first])
    head = json.loads(members_of(first)["manifest.json"])["audit"]["head"]["id"]
    _receive(unit, "Lê Thị Hoa", 4)
    # Someone with the database file deletes the last rows of the trail: `check` at the unit cannot see it.
    _without_triggers(unit)
    unit.db.conn.execute("DELETE FROM audit WHERE id > ?", [head - 2])
    unit.db.conn.commit()
    assert audit_table.first_broken(unit.db) is None
    _receive(unit, "Trần Văn Bình", 5)
    _refused_unchanged(province, [export_file(unit, tmp_path / "out")],
                       r"không còn dòng \d+, nơi lần xuất trước kết thúc|không nối tiếp nhật ký tỉnh đã thấy ở lần "
                       r"xuất số 1")


def test_history_rewritten_before_the_last_export_is_reported_even_with_every_hash_recomputed(unit, province, tmp_path):
    _receive(unit)
    import_files(province, [export_file(unit, tmp_path / "out")])
    _without_triggers(unit)
    rows = unit.db.execute("SELECT id, at, officer, action, target, detail FROM audit ORDER BY id").fetchall()
    previous = audit_table.GENESIS
    for row_id, at, officer, action, target, detail in rows:
        if row_id == 2:
            target = "sửa lại"
        digest = audit_table.seal(previous, audit_table.content(row_id, at, officer, action, target, detail))
        unit.db.conn.execute("UPDATE audit SET target = ?, prev_hash = ?, hash = ? WHERE id = ?",
                             [target, previous, digest, row_id])
        previous = digest
    unit.db.conn.commit()
    assert audit_table.first_broken(unit.db) is None
    _receive(unit, "Lê Thị Hoa", 4)
    _refused_unchanged(province, [export_file(unit, tmp_path / "out")],
                       "không nối tiếp nhật ký tỉnh đã thấy ở lần xuất số 1")


def test_files_arriving_out_of_order_still_meet_in_the_chain(unit, province, tmp_path):
    files = []
    for day in (3, 4, 5):
        _receive(unit, f"Người {day}", day)
        files.append(export_file(unit, tmp_path / "out"))
    assert import_files(province, [files[2]])["files"] == 1
    assert import_files(province, [files[0]])["files"] == 1
    assert import_files(province, [files[1]])["files"] == 1


# ---- encryption ---------------------------------------------------------------------------------

def test_an_encrypted_export_reveals_nothing_and_opens_only_with_the_province_key(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    dossier = _receive(unit, "Nguyễn Thị Bí Mật")
    result = export_changes(unit, tmp_path / "usb")
    path = Path(result.file)
    assert result.encrypted and path.name.endswith(".zip.enc")
    data = path.read_bytes()
    assert data.startswith(crypto.MAGIC)
    for secret in ("Nguyễn Thị Bí Mật".encode(), b"024099887766", dossier.code.encode(), b"PK\x03\x04"):
        assert secret not in data
    # Nothing in clear was ever left in the export folder (the plain archive stays beside the database).
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == [path.name]
    with Session(tmp_path / "elsewhere.sqlite3") as stranger:
        enrol(stranger, unit)
        _refused_unchanged(stranger, [path], "chưa có khóa giải mã")
        enrolment.init_key(stranger)
        _refused_unchanged(stranger, [path], "mã hóa cho một khóa khác")
    assert import_files(province, [path])["files"] == 1
    assert province_state(province, dossier.code) == unit_state(unit, dossier.code)
    assert not province.path.with_name(province.path.name + "-incoming").exists()


def test_an_encrypted_file_cut_or_altered_is_refused(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    _receive(unit)
    path = Path(export_changes(unit, tmp_path / "out").file)
    data = path.read_bytes()
    for name, bad in (("cut.enc", data[:-1]), ("header.enc", data[:90]),
                      ("flipped.enc", data[:100] + bytes([data[100] ^ 1]) + data[101:]),
                      ("appended.enc", data + b"\x00")):
        (tmp_path / name).write_bytes(bad)
        _refused_unchanged(province, [tmp_path / name], "bị từ chối")


def test_the_documented_script_reads_an_encrypted_export_with_cryptography_alone(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    _receive(unit)
    path = Path(export_changes(unit, tmp_path / "out").file)
    [block] = re.findall(r"## Reading a file without motcua.*?```python\n(.*?)```", DOCS.read_text(encoding="utf-8"),
                         re.S)
    script = tmp_path / "read_export.py"
    script.write_text(block, encoding="utf-8")
    key_file = enrolment.key_files(province)[1]
    # Run from an empty folder: the script imports nothing of motcua.
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-I", str(script), str(path), str(key_file)], capture_output=True,
                          text=True, cwd=empty, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (shown["unit"], shown["workstation"], shown["sequence"]) == ("000.00.53.H48", 1, 1)
    assert shown["signer"] == keys.current(unit).fingerprint and shown["counts"]["dossiers"] == 1
    broken = tmp_path / "broken.enc"
    data = path.read_bytes()
    broken.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
    done = subprocess.run([sys.executable, "-I", str(script), str(broken), str(key_file)], capture_output=True,
                          text=True, cwd=empty, timeout=120)
    assert done.returncode != 0 and "InvalidTag" in done.stderr


# ---- the province package -----------------------------------------------------------------------

def test_the_first_package_pins_the_province_key_once_confirmed(unit, province, tmp_path):
    (tmp_path / "cal.csv").write_text(CALENDAR, encoding="utf-8")
    path = tmp_path / "package.json"
    package.make(province, path, calendar_file=tmp_path / "cal.csv")
    fingerprint = enrolment.describe(province)["signing_fingerprint"]
    before = table_dump(unit)
    with pytest.raises(CounterError, match=f"--confirm {fingerprint}"):
        package.import_package(unit, path)
    with pytest.raises(CounterError, match="không khớp mã đã đối chiếu"):
        package.import_package(unit, path, confirm="AAAA-AAAA-AAAA-AAAA-AAAA")
    assert table_dump(unit) == before
    result = package.import_package(unit, path, confirm=fingerprint.lower())
    assert result["pinned_now"] and result["calendar_days"] == 1
    assert package.pinned(unit).signing_fingerprint == fingerprint
    assert not unit.calendar.is_provisional(2027)


def test_a_package_with_a_bad_signature_another_key_or_an_older_sequence_changes_nothing(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    (tmp_path / "cal.csv").write_text(CALENDAR, encoding="utf-8")
    good = tmp_path / "good.json"
    package.make(province, good, calendar_file=tmp_path / "cal.csv")
    envelope = json.loads(good.read_bytes())
    body = json.loads(envelope["body"])
    body["calendar"]["csv"] = body["calendar"]["csv"].replace("off", "work")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(dict(envelope, body=signed_document.dumps(body))), encoding="utf-8")
    impostor = tmp_path / "impostor.json"
    signed_document.write(impostor, "package", body, crypto.SigningKey.new())
    older = tmp_path / "package-0.json"
    before = table_dump(unit)
    for path, why in ((forged, "chữ ký số không khớp"), (impostor, "không phải khóa của tỉnh"),
                      (older, "cũ hơn hoặc bằng gói số")):
        with pytest.raises(CounterError, match=why):
            package.import_package(unit, path)
        assert table_dump(unit) == before
    assert package.import_package(unit, good)["calendar_days"] == 1


def test_a_package_reports_the_procedures_it_adds_and_changes(unit, province, tmp_path):
    starter = catalogue.read_catalogue(catalogue.STARTER)
    renamed = dataclasses.replace(starter[0], name="Đăng ký khai sinh (tên mới)")
    added = dataclasses.replace(starter[1], code="9.999999")
    catalogue_file = tmp_path / "catalogue.csv"
    catalogue_file.write_text(package._catalogue_csv([renamed, added, *starter[2:]]), encoding="utf-8")
    result = _pin(unit, province, tmp_path, catalogue_file=catalogue_file)
    assert (result["procedures_added"], result["procedures_changed"]) == (["9.999999"], [starter[0].code])
    assert catalogue.procedure(unit, starter[0].code).name == "Đăng ký khai sinh (tên mới)"


def test_a_package_day_against_the_official_schedule_refuses_the_whole_package(unit, province, tmp_path):
    (tmp_path / "cal.csv").write_text("date,type,reason\n2027-03-01,off,Nghỉ riêng\n2025-01-01,work,Làm\n",
                                      encoding="utf-8")
    before = table_dump(unit)
    with pytest.raises(CounterError, match="trái với lịch chính thức"):
        _pin(unit, province, tmp_path, calendar_file=tmp_path / "cal.csv")
    assert table_dump(unit) == before


# ---- acknowledgements and resends ---------------------------------------------------------------

def test_acknowledgements_show_the_gap_and_a_resend_fills_it(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    files = []
    first = _receive(unit, "Người một", 3)
    files.append(export_file(unit, tmp_path / "out"))
    lifecycle.record_result(unit, first.code, at=DAY.replace(day=4))
    files.append(export_file(unit, tmp_path / "out"))
    _receive(unit, "Người ba", 5)
    files.append(export_file(unit, tmp_path / "out"))
    # File 2 is lost on the way, and the dossier changes again before the province says so.
    lifecycle.return_result(unit, first.code, at=DAY.replace(day=6), channel="counter", rating="satisfied")
    result = import_files(province, [files[0], files[2]], acks_folder=tmp_path / "acks")
    [ack] = result["acks"]
    assert Path(ack).parent == tmp_path / "acks"
    state = acks.import_ack(unit, ack)
    assert (state["last_sequence"], state["missing"]) == (3, [[2, 2]])
    assert acks.line(state) == "Tỉnh đã nhận đến số 3 · thiếu số 2"
    Path(files[1]).unlink()
    resent = export_changes(unit, tmp_path / "again", resend=2)
    assert resent.resent and resent.sequence == 2 and resent.dossiers == 1
    assert import_files(province, [Path(resent.file)])["files"] == 1
    # The dossier as it was at export 2 (replayed from its events: it was returned since).
    stored, _ = province_dossiers.get(province, first.code)
    assert stored.status == "result_ready" and stored.returned_at is None
    [record] = [json.loads(line) for line in members_plain(Path(resent.file), province)["dossiers.jsonl"].splitlines()]
    assert record["status"] == "result_ready" and record["version"] < max(
        row[0] for row in unit.db.execute("SELECT id FROM events"))
    latest = import_files(province, [Path(export_changes(unit, tmp_path / "again", resend=2).file)])
    assert latest["files"] == 0 and len(latest["skipped"]) == 1  # the same export again: skipped
    state = acks.import_ack(unit, latest["acks"][0])
    assert (state["last_sequence"], state["missing"], state["waiting"]) == (3, [], [])
    assert acks.line(state) == "Tỉnh đã nhận đến số 3"
    assert export_changes(unit, tmp_path / "out").sequence == 4  # a resend takes no number
    assert acks.line(acks.status(unit)) == "Tỉnh đã nhận đến số 3 · chờ xác nhận số 4"


def members_plain(path: Path, province) -> dict[str, bytes]:
    """The members of an export, decrypted with the province's key when it is encrypted."""
    plain = path.with_name(path.name + ".plain.zip")
    with open(path, "rb") as source, open(plain, "wb") as out:
        crypto.decrypt(source, out, enrolment.own_keys(province)[1], path.name, 1 << 30)
    try:
        return members_of(plain)
    finally:
        plain.unlink()


def test_an_acknowledgement_from_another_key_or_for_another_counter_is_refused(unit, province, tmp_path):
    _receive(unit)
    [ack] = import_files(province, [export_file(unit, tmp_path / "out")])["acks"]
    with pytest.raises(CounterError, match="chưa nhập gói dữ liệu nào của tỉnh"):
        acks.import_ack(unit, ack)
    _pin(unit, province, tmp_path)
    body = signed_document.read(ack, "ack", "x").body
    forged = tmp_path / "forged-ack.json"
    signed_document.write(forged, "ack", dict(body, missing=[]), crypto.SigningKey.new())
    signing, _ = enrolment.own_keys(province)
    other = tmp_path / "other-ack.json"
    signed_document.write(other, "ack", dict(body, workstation=2), signing)
    before = table_dump(unit)
    for path, why in ((forged, "không phải khóa của tỉnh"), (other, "không phải quầy này")):
        with pytest.raises(CounterError, match=why):
            acks.import_ack(unit, path)
        assert table_dump(unit) == before
    assert acks.import_ack(unit, ack)["last_sequence"] == 1


def test_a_resend_of_a_sequence_never_exported_is_refused(unit, tmp_path):
    with pytest.raises(CounterError, match="chưa có lần xuất số 5"):
        export_changes(unit, tmp_path / "out", resend=5)


# ---- counters of one unit -----------------------------------------------------------------------

def test_sync_files_are_trusted_only_once_the_admin_approved_the_counter(unit, tmp_path):
    with unit_session(tmp_path / "counter2.sqlite3", workstation=2) as other:
        data = b'{"format": "motcua-sync", "first": 1, "last": 9}'
        block = peers.signed(other, data)
        fingerprint = keys.current(other).fingerprint
        verdict = peers.check(unit, data, block)
        assert verdict.fingerprint is None and f"keys approve {fingerprint}" in verdict.reason
        assert peers.check(unit, data + b" ", block).reason.startswith("chữ ký số không khớp")
        before = table_dump(unit)
        peers.approve(unit, fingerprint.lower(), "Quầy 2 – Đất đai")
        assert table_dump(unit) != before
        assert peers.check(unit, data, block) == peers.Verdict(fingerprint, None)
        keys.rotate(other)
        rotated = peers.signed(other, data)
        assert peers.check(unit, data, rotated) == peers.Verdict(fingerprint, None)
        assert peers.check(unit, data, dict(rotated, signer=dict(rotated["signer"], rotations=[]))).reason


def test_a_counter_sees_a_peer_s_audit_cut(unit, tmp_path):
    with unit_session(tmp_path / "counter2.sqlite3", workstation=2) as other:
        _receive(other)
        first = peers.anchor(other)
        assert peers.extends(unit, "peer", first) is None
        _receive(other, "Lê Thị Hoa", 4)
        assert peers.extends(unit, "peer", peers.anchor(other, first["head"]["id"])) is None
        seen = peers.anchor(other)["head"]["id"]
        _without_triggers(other)
        other.db.conn.execute("DELETE FROM audit WHERE id > ?", [seen - 3])
        other.db.conn.commit()
        _receive(other, "Trần Văn Bình", 5)
        reason = peers.extends(unit, "peer", peers.anchor(other, seen - 3))
        assert reason and ("đã khác lần trước" in reason or "ngắn hơn" in reason)


def test_nothing_at_the_unit_is_deleted_whatever_the_province_acknowledges(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    _receive(unit)
    path = export_file(unit, tmp_path / "out")
    events = unit.db.execute("SELECT count(*) FROM events").fetchone()[0]
    acks.import_ack(unit, import_files(province, [path])["acks"][0])
    assert unit.db.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert os.path.exists(path)


def test_no_export_ever_carries_a_private_key(unit, province, tmp_path):
    _receive(unit)
    plain = export_file(unit, tmp_path / "plain")
    key = keys.current(unit).key
    secrets = (key.private, crypto.b64(key.private).encode(), key.private.hex().encode(), key.pem())
    for member in members_of(plain).values():
        assert not any(secret in member for secret in secrets)


def test_a_damaged_key_file_is_set_aside_and_written_again_from_the_database(unit):
    key = keys.current(unit)
    path = keys.key_file(unit)
    path.write_bytes("-----BEGIN PRIVATE KEY-----\nhỏng\n".encode())
    assert keys.current(unit).key == key.key
    assert crypto.signing_key_from_pem(path.read_bytes()) == key.key
    [aside] = path.parent.glob(path.name + ".unreadable-*")
    assert b"h\xe1\xbb\x8fng" in aside.read_bytes()


def test_the_schema_7_fixture_keeps_its_key_and_its_next_export_continues_the_chain(tmp_path):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(Path(__file__).resolve().parents[1] / "db" / "fixtures" / "schema-v7.sqlite3", path)
    with Session(path) as session:
        from counter import accounts

        accounts.login(session, "lan", "mat-khau-fixture")
        assert keys.current(session).fingerprint == "2NF2-TUUR-5VJU-KXS4-7XDF"
        manifest = json.loads(members_of(Path(export_changes(session, tmp_path / "out").file))["manifest.json"])
    assert manifest["sequence"] == 3 and manifest["audit"]["after"]["id"] == 23


def _hostile_documents(good: Path, key: crypto.SigningKey, tmp_path: Path) -> dict[str, Path]:
    """A signed document turned every way an attacker might: each must change nothing."""
    data = good.read_bytes()
    envelope = json.loads(data)
    other = "ack" if envelope["kind"] != "ack" else "package"
    variants = {
        "cut": data[: len(data) // 2], "empty": b"", "not json": b"\xff\xfe" + data,
        "repeated key": data.replace(b'"kind"', b'"kind": "package", "kind"', 1),
        "nan": data.replace(b'"format"', b'"x": NaN, "format"', 1),
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "extra field": json.dumps(dict(envelope, extra=1)).encode(),
        "other kind": json.dumps(dict(envelope, kind=other)).encode(),
        "signed as another kind": signed_document.make(other, json.loads(envelope["body"]), key),
        "body not an object": signed_document.make(envelope["kind"], {}, key).replace(b'"body": "{}"', b'"body": "[]"'),
        "signature cut": json.dumps(dict(envelope, signature=envelope["signature"][:-4])).encode(),
        "body edited": json.dumps(dict(envelope, body=envelope["body"].replace("1", "2", 1))).encode(),
        "too large": data + b" " * (65 << 20),
    }
    paths = {}
    for name, content in variants.items():
        path = tmp_path / f"{name.replace(' ', '-')}.json"
        path.write_bytes(content)
        paths[name] = path
    paths["a folder"] = tmp_path
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.json"
        os.mkfifo(fifo)
        paths["a named pipe"] = fifo
    return paths


def test_hostile_packages_and_acknowledgements_are_refused_and_change_nothing(unit, province, tmp_path):
    _pin(unit, province, tmp_path)
    signing, _ = enrolment.own_keys(province)
    good = tmp_path / "good-package.json"
    package.make(province, good)
    _receive(unit)
    [ack] = import_files(province, [export_file(unit, tmp_path / "out")])["acks"]
    before = table_dump(unit)
    for kind, source, apply in (("package", good, package.import_package), ("ack", Path(ack), acks.import_ack)):
        folder = tmp_path / f"hostile-{kind}"
        folder.mkdir()
        for name, path in _hostile_documents(source, signing, folder).items():
            with pytest.raises(CounterError) as refused:
                apply(unit, path)
            assert "\n" not in str(refused.value) and "Traceback" not in str(refused.value), name
            assert table_dump(unit) == before, (kind, name)
    assert package.import_package(unit, good)["sequence"] == 2


def test_the_same_export_from_a_key_revoked_since_is_refused_not_skipped(unit, province, tmp_path, monkeypatch):
    _receive(unit)
    path = export_file(unit, tmp_path / "out")
    import_files(province, [path])
    # A resend made later is another file (another seal) with the same changes and anchors.
    monkeypatch.setattr(export_module, "now", lambda: datetime(2025, 3, 20, 9, 0))
    resent = Path(export_changes(unit, tmp_path / "again", resend=1).file)
    assert export_archive.seal_of(resent) != export_archive.seal_of(path)
    assert import_files(province, [resent])["skipped"] == [str(resent)]
    enrolment.revoke(province, keys.current(unit).fingerprint)
    _refused_unchanged(province, [resent], "đã bị thu hồi")


def test_only_an_admin_rotates_the_key_approves_a_counter_or_applies_a_package(unit, province, tmp_path):
    from counter import accounts

    accounts.create(unit, "admin", "Quản Trị", "admin", "Quan-tri-don-vi-2025")
    accounts.login(unit, "admin", "Quan-tri-don-vi-2025")
    accounts.create(unit, "lan", "Trần Thị Lan", "officer", "Mot-cua-Tan-Tien-7")
    package.make(province, tmp_path / "package.json")
    accounts.login(unit, "lan", "Mot-cua-Tan-Tien-7")
    before = table_dump(unit)
    for action in (lambda: keys.rotate(unit), lambda: peers.approve(unit, "ABCD-EFGH-IJKL-MNOP-QRST"),
                   lambda: package.import_package(unit, tmp_path / "package.json", confirm="ABCD-EFGH-IJKL-MNOP-QRST")):
        with pytest.raises(CounterError, match="không có quyền"):
            action()
    assert table_dump(unit) == before
    assert keys.show(unit)["fingerprint"]  # an officer reads it, to give it over the phone


def test_a_package_calendar_moves_the_due_dates_of_open_dossiers_and_says_which(unit, province, tmp_path):
    """Issue 11's recomputation, through the package: one transaction, the moved dossiers reported."""
    from counter import dossiers

    dossier = intake.receive(unit, "1.001776", "Nguyễn Văn Hẹn", at=datetime(2027, 3, 1, 9, 0))
    (tmp_path / "cal.csv").write_text("date,type,reason,decision\n2027-03-05,off,Nghỉ theo quyết định của tỉnh,"
                                      "Quyết định 12/QĐ-UBND ngày 01/02/2027\n", encoding="utf-8")
    result = _pin(unit, province, tmp_path, calendar_file=tmp_path / "cal.csv")
    [moved] = result["due_dates_moved"]
    assert moved["code"] == dossier.code and moved["new_due_at"] > moved["old_due_at"]
    assert dossiers.get(unit, dossier.code).due_at.isoformat(timespec="seconds") == moved["new_due_at"]
