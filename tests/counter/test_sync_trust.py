"""Issue 13 in the unit sync: a counter applies another's sync files only once the unit admin approved that
counter's key fingerprint; until then they are skipped with the reason, change nothing, and are read again at
every sync. The head of each counter's audit trail travels in its station.json, and a trail cut there is
reported by the others."""

import json

import pytest

from counter import audit, keys, sync
from counter.cli import parse, run
from tests.counter.helpers import receive
from tests.counter.sync_helpers import approve_each_other, data_dump, picture, station


@pytest.fixture
def pair(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    one, two = station(tmp_path, 1, name="Quầy 1 – Một cửa"), station(tmp_path, 2, name="Quầy 2 – Đất đai")
    yield share, one, two
    one.close()
    two.close()


def _cli(capsys, session, *argv):
    capsys.readouterr()
    try:
        code = run(parse(["--db", str(session.path), *argv]))
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_a_counter_not_yet_approved_is_listed_with_its_fingerprint_and_applied_once_approved(pair, capsys):
    share, one, two = pair
    sync.sync(two, share)  # its own first sync: its key made, its records out
    code = receive(one, "2025-03-03 09:00", name="Nguyễn Văn Đức").code
    sync.sync(one, share)
    fingerprint = keys.current(one).fingerprint
    before = data_dump(two)
    report = sync.sync(two, share)
    assert report["ok"] and report["received"] == 0
    [skipped] = report["skipped"]
    assert skipped["file"].endswith(".jsonl.gz") and "chưa được quản trị viên duyệt" in skipped["reason"]
    assert f"keys approve {fingerprint}" in skipped["reason"]
    [found] = report["workstations"]
    assert (found["workstation"], found["fingerprint"], found["approved"]) == (1, fingerprint, False)
    assert found["waiting"] == f"quầy 1 chưa được duyệt khóa {fingerprint}"
    assert data_dump(two) == before  # nothing of the file, nor of anything else but the sync's own notes
    # Skipped again at the next sync, still changing nothing.
    assert sync.sync(two, share)["received"] == 0 and data_dump(two) == before

    status, out = _cli(capsys, two, "sync", "status", "--json")
    shown = json.loads(out)
    assert status == 0 and shown["fingerprint"] == keys.current(two).fingerprint
    [other] = [s for s in shown["stations"] if not s["self"]]
    assert (other["fingerprint"], other["approved"]) == (fingerprint, False)
    assert [s["workstation"] for s in shown["unapproved"]] == [1]
    status, out = _cli(capsys, two, "sync", "status")
    assert f"mã khóa {fingerprint} (CHƯA DUYỆT)" in out and f"keys approve {fingerprint}" in out

    status, out = _cli(capsys, two, "keys", "approve", fingerprint.lower().replace("-", ""), "--name", "Quầy 1")
    assert status == 0 and f"Đã duyệt khóa {fingerprint}" in out
    assert [r["action"] for r in audit.recent(two, 5)][0] == "station_approved"
    status, out = _cli(capsys, two, "sync", "status", "--json")
    assert json.loads(out)["unapproved"] == []
    report = sync.sync(two, share)
    assert report["received"] > 0 and report["skipped"] == [] and report["workstations"][0]["approved"]
    assert picture(two)["dossiers"][code]["applicant_name"] == "Nguyễn Văn Đức"
    # Approval is per counter: counter 1 still takes nothing of counter 2 until its own admin approves it.
    receive(two, "2025-03-03 10:00", name="Lê Thị Hoa")
    sync.sync(two, share)
    assert sync.sync(one, share)["received"] == 0
    approve_each_other([one, two])
    assert sync.sync(one, share)["received"] > 0
    sync.sync(two, share)
    assert picture(one)["dossiers"] == picture(two)["dossiers"]


def test_a_counter_that_rotated_its_key_stays_trusted(pair):
    share, one, two = pair
    approve_each_other([one, two])
    receive(one, "2025-03-03 09:00")
    sync.sync(one, share)
    sync.sync(two, share)
    keys.rotate(one)
    later = receive(one, "2025-03-03 10:00", name="Trần Văn Bình").code
    sync.sync(one, share)
    report = sync.sync(two, share)
    assert report["received"] > 0 and report["skipped"] == []
    assert report["workstations"][0]["fingerprint"] == keys.current(one).fingerprint
    assert report["workstations"][0]["approved"] and later in picture(two)["dossiers"]


def test_a_signed_station_json_edited_by_hand_is_not_trusted(pair):
    share, one, two = pair
    approve_each_other([one, two])
    receive(one, "2025-03-03 09:00")
    sync.sync(one, share)
    path = share / "motcua-sync" / "000.00.53.H48" / sync.sync_log.ws_id(one) / "station.json"
    value = json.loads(path.read_text())
    value["name"] = "Quầy giả"
    path.write_text(json.dumps(value))
    report = sync.sync(two, share)
    assert report["workstations"][0]["fingerprint"] is None and not report["workstations"][0]["approved"]
    assert sync.discover(share, "000.00.53.H48", two)[0]["problem"] == "tệp station.json không có chữ ký số hợp lệ"
    assert report["warnings"] == []  # its audit anchor is not read either


def _cut_audit(session, keep: int) -> None:
    """What someone with the database file does to hide what they did: the append-only triggers dropped, the
    tail of the audit deleted."""
    session.db.conn.execute("DROP TRIGGER audit_append_only_delete")
    session.db.conn.execute("DROP TRIGGER audit_append_only_update")
    session.db.conn.execute("DELETE FROM audit WHERE id > ?", [keep])
    session.db.conn.commit()


def test_a_peer_whose_audit_tail_was_cut_is_reported_by_the_other_counter(pair, capsys):
    share, one, two = pair
    approve_each_other([one, two])
    receive(one, "2025-03-03 09:00")
    for _ in range(2):
        sync.sync(one, share)
        assert sync.sync(two, share)["warnings"] == []
    receive(one, "2025-03-03 10:00", name="Lê Thị Hoa")
    sync.sync(one, share)
    assert sync.sync(two, share)["warnings"] == []  # the trail grew: it extends the head seen before
    seen = one.db.execute("SELECT max(id) FROM audit").fetchone()[0]
    _cut_audit(one, seen - 4)
    later = receive(one, "2025-03-03 11:00", name="Trần Văn Bình").code
    sync.sync(one, share)
    report = sync.sync(two, share)
    [warning] = report["warnings"]
    assert warning["workstation"] == 1 and warning["fingerprint"] == keys.current(one).fingerprint
    assert "nhật ký kiểm tra" in warning["reason"] and ("đã khác lần trước" in warning["reason"]
                                                          or "ngắn hơn" in warning["reason"])
    assert later in picture(two)["dossiers"]  # its records are still the unit's: the cut is reported, not hidden
    logged = [r for r in audit.recent(two, 50) if r["action"] == "sync_peer_audit_broken"]
    assert len(logged) == 1 and logged[0]["target"] == sync.sync_log.ws_id(one)
    assert [w["reason"] for w in sync.status(two)["warnings"]] == [warning["reason"]]
    status, out = _cli(capsys, two, "sync", "status")
    assert "CẢNH BÁO" in out and warning["reason"] in out
    # Reported once; the trail from the new head on is checked as before.
    sync.sync(one, share)
    assert sync.sync(two, share)["warnings"] == [] and len(sync.status(two)["warnings"]) == 1
