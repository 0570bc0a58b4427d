"""Issue 12: the counters of one unit, each with its own database, through one sync folder."""

import pytest

from counter import lifecycle, maintenance, sync
from counter.errors import CounterError
from tests.counter.helpers import at, receive
from tests.counter.sync_helpers import approve_each_other, picture, station, sync_all, unit_of, unit_tables


@pytest.fixture
def unit(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    counters = unit_of(tmp_path)
    yield share, counters
    for s in counters:
        s.close()


def test_received_at_one_returned_at_three_apologised_at_two_everyone_sees_the_same(unit):
    share, (one, two, three) = unit
    first = receive(one, "2025-03-03 09:00", name="Nguyễn Văn Đức")
    late = receive(one, "2025-03-03 10:00", procedure="2.000815", name="Trần Thị Bình")
    sync_all([one, two, three], share)
    lifecycle.record_result(three, first.code, at("2025-03-04 09:00"))
    lifecycle.return_result(three, first.code, at("2025-03-04 10:00"), rating="satisfied")
    lifecycle.apologize(two, late.code, at("2025-03-12 10:00"), "Chờ xác minh", at("2025-03-04 08:00"))
    own = receive(two, "2025-03-05 09:00", name="Lê Văn Cường")
    sync_all([one, two, three], share)
    pictures = [picture(s) for s in (one, two, three)]
    assert pictures[0] == pictures[1] == pictures[2]
    shown = pictures[0]["dossiers"]
    assert shown[first.code]["status"] == "returned" and shown[first.code]["rating"] == "satisfied"
    assert shown[late.code]["apology_at"] == "2025-03-04T08:00:00"
    assert shown[own.code]["workstation"] == 2 and own.code.endswith("-1001")
    assert pictures[0]["conflicts"] == []
    for s in (one, two, three):
        assert maintenance.check(s) == []


def test_two_counters_acting_on_one_dossier_before_seeing_each_other_give_one_winner_everywhere(unit):
    share, (one, two, three) = unit
    code = receive(one, "2025-03-03 09:00").code
    sync_all([one, two, three], share)
    lifecycle.record_result(three, code, at("2025-03-04 10:00"))
    lifecycle.return_result(three, code, at("2025-03-04 11:00"))
    lifecycle.request_supplement(two, code, "Thiếu giấy tờ", at("2025-03-04 09:00"))
    sync_all([one, two, three], share)
    pictures = [picture(s) for s in (one, two, three)]
    assert pictures[0] == pictures[1] == pictures[2]
    assert pictures[0]["dossiers"][code]["status"] == "waiting_supplement"
    listed = pictures[0]["conflicts"]
    assert [(c["event"], c["workstation"], c["resolved"]) for c in listed] == [
        ("result_recorded", 3, False), ("returned", 3, False)]
    assert "Chờ bổ sung" in listed[0]["reason"]
    # Nothing is dropped: the set-aside events stay in every database.
    assert sum(1 for e in pictures[0]["events"] if e[4] == "returned") == 1
    done = sync.resolve(one, listed[1]["id"], "Đã gọi công dân, trả lại sau khi bổ sung")
    assert done["resolved"]
    sync_all([one, two, three], share)
    assert [c["resolved"] for c in sync.conflicts(three)] == [False, True]
    assert sync.conflicts(two) == sync.conflicts(three)
    for s in (one, two, three):
        assert maintenance.check(s) == []


def test_the_same_number_on_two_counters_is_refused_until_one_is_renumbered(unit, tmp_path):
    share, (one, two, three) = unit
    sync.sync(one, share)
    twin = station(tmp_path / "twin", 1) if (tmp_path / "twin").mkdir() is None else None
    report = sync.sync(twin, share)
    assert not report["ok"] and "Trùng số quầy" in report["problem"] and "quầy 1" in report["problem"]
    with pytest.raises(CounterError, match="Trùng số quầy"):
        receive(twin, "2025-03-03 09:00")
    assert not (share / "motcua-sync" / "000.00.53.H48" / sync.sync_log.ws_id(twin)).joinpath(
        "seg-000000001-000000020.jsonl.gz").exists()
    assert "Trùng số quầy" in sync.sync(one, share)["problem"]
    from counter import unit as unit_service
    unit_service.configure(twin, workstation=4)
    assert sync.sync(twin, share)["ok"]
    assert receive(twin, "2025-03-03 09:00").code.endswith("-3001")
    assert sync.sync(one, share)["ok"]
    twin.close()


def test_a_missing_folder_is_one_line_and_the_counter_goes_on(unit, tmp_path):
    share, (one, _two, _three) = unit
    report = sync.sync(one, tmp_path / "usb-stick")
    assert not report["ok"] and report["problem"].startswith("Không thấy thư mục đồng bộ")
    assert "usb-stick" in report["problem"] and " từ " in report["problem"]
    receive(one, "2025-03-03 09:00")
    again = sync.sync(one, tmp_path / "usb-stick")
    assert again["problem"] == report["problem"]  # the time it went missing stays
    assert sync.status(one)["problem"] == report["problem"]
    assert sync.sync(one, share)["ok"] and sync.status(one)["problem"] is None


def test_unit_settings_catalogue_calendar_and_accounts_reach_every_counter(unit):
    from datetime import date

    from counter import accounts, catalogue
    from counter import unit as unit_service

    share, (one, two, three) = unit
    unit_service.configure(one, office_close="16:30", place="Xã Tân Tiến")
    unit_service.set_day(two, date(2025, 3, 14), False, "Nghỉ bù theo quyết định của tỉnh")
    accounts.create(three, "admin", "Quản Trị Viên", "admin", "mat-khau-dai-du")
    unit_service.configure(two, slip_page_size="A4")  # this counter's printer only
    sync_all([one, two, three], share)
    pictures = [unit_tables(s) for s in (one, two, three)]
    assert pictures[0] == pictures[1] == pictures[2]
    assert pictures[0]["calendar"] == pictures[2]["calendar"] and pictures[0]["accounts"] == pictures[1]["accounts"]
    for s in (one, two, three):
        assert s.settings.office_close == "16:30" and not s.calendar.is_working(date(2025, 3, 14))
    assert (one.settings.slip_page_size, two.settings.slip_page_size) == ("A5", "A4")
    # The account made at counter 3 logs in at counter 1; disabled there, it is disabled everywhere.
    accounts.login(one, "admin", "mat-khau-dai-du")
    accounts.create(one, "lan", "Trần Thị Lan", "officer", "mat-khau-cua-lan")
    accounts.set_active(one, "lan", False)
    sync_all([one, two, three], share)
    with pytest.raises(CounterError, match="Sai tên đăng nhập"):
        accounts.login(two, "lan", "mat-khau-cua-lan")
    # A procedure added at one counter is receivable at another.
    catalogue_file = share.parent / "extra.csv"
    catalogue_file.write_text("code,name,days\n9.999999,Thủ tục thử,5\n", encoding="utf-8")
    catalogue.import_catalogue(one, catalogue_file)
    sync_all([one, two, three], share)
    accounts.login(three, "admin", "mat-khau-dai-du")
    assert receive(three, "2025-03-05 09:00", procedure="9.999999").days == 5


def test_scans_follow_the_records_and_never_hold_them_up(unit, tmp_path):
    from counter import digitization

    share, (one, two, _three) = unit
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of a CCCD " * 1000)
    code = receive(one, "2025-03-03 09:00").code
    digitization.attach(one, code, document=1, file=scan)
    sync.sync(one, share)
    sha = picture(one)["dossiers"][code]["documents"][0]["file"]
    report = sync.sync(two, share, scans=False)
    assert report["received"] > 0
    assert picture(two)["dossiers"][code]["documents"][0]["file"] == sha
    assert not two.files.path_of(sha).exists()  # the dossier is there; its scan follows
    assert sync.fetch_scans(two, share) == 1
    assert two.files.path_of(sha).read_bytes() == scan.read_bytes()


def test_a_station_of_another_unit_in_the_folder_is_skipped_and_reported(unit, tmp_path):
    from counter import unit as unit_service

    share, (one, _two, _three) = unit
    stranger = station(tmp_path / "other", 2) if (tmp_path / "other").mkdir() is None else None
    unit_service.configure(stranger, unit_code="000.00.99.H99")
    receive(stranger, "2025-03-03 09:00")
    sync.sync(stranger, share)
    # Its folder copied by hand into this unit's folder: its station.json names another unit.
    import shutil
    theirs = share / "motcua-sync" / "000.00.99.H99" / sync.sync_log.ws_id(stranger)
    shutil.copytree(theirs, share / "motcua-sync" / "000.00.53.H48" / theirs.name)
    report = sync.sync(one, share)
    assert report["ok"] and report["received"] == 0
    assert [s["reason"] for s in report["skipped"]] == [
        "máy của đơn vị khác (000.00.99.H99) ghi vào thư mục của đơn vị này; bỏ qua"]
    stranger.close()


def test_the_ledger_runs_per_counter_and_prints_per_counter_or_for_the_unit(unit):
    from printing import forms

    share, (one, two, _three) = unit
    a = receive(one, "2025-03-03 09:00")
    b = receive(two, "2025-03-03 09:05")
    c = receive(one, "2025-03-03 09:10")
    assert (a.ledger_number, b.ledger_number, c.ledger_number) == (1, 1, 2)
    sync_all([one, two], share)
    d = receive(two, "2025-03-03 10:00")
    assert d.ledger_number == 2
    whole = forms.ledger_pdf(one, at("2025-03-01 00:00").date(), at("2025-03-31 00:00").date())
    only = forms.ledger_pdf(one, at("2025-03-01 00:00").date(), at("2025-03-31 00:00").date(), workstation=2)
    assert whole.startswith(b"%PDF") and only.startswith(b"%PDF") and len(only) < len(whole)


def test_two_counters_numbered_alike_before_their_first_sync_keep_every_dossier_and_list_the_clashes(tmp_path):
    """Both set up as counter 1 and used a morning before the first sync: the same codes went to different
    citizens. After one is renumbered, the first receipt of each code keeps it everywhere; the other is
    listed with its full record for re-entry, and so are the steps taken on it."""
    from counter import unit as unit_service

    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "b").mkdir()
    a, b = station(tmp_path, 1), station(tmp_path / "b", 1)
    approve_each_other([a, b])
    first = receive(a, "2025-03-03 09:00", name="Nguyễn Văn An")
    same = receive(b, "2025-03-03 09:30", name="Phạm Thị Bình")
    assert first.code == same.code
    lifecycle.record_result(b, same.code, at("2025-03-03 10:00"))
    extra = receive(b, "2025-03-03 11:00", name="Lê Văn Chung")  # number 2 in counter 1's ledger
    second = receive(a, "2025-03-04 08:00", name="Hoàng Văn Dũng")  # another code, the same ledger number
    assert (extra.ledger_number, second.ledger_number) == (2, 2) and extra.code != second.code
    sync.sync(a, share)
    assert not sync.sync(b, share)["ok"]
    unit_service.configure(b, workstation=2)
    sync_all([a, b], share, rounds=3)
    pa, pb = picture(a), picture(b)
    assert pa == pb
    assert pa["dossiers"][first.code]["applicant_name"] == "Nguyễn Văn An"
    assert pa["dossiers"][first.code]["status"] == "received"
    kinds = sorted((c["code"], c["kind"], c["event"], c["workstation"]) for c in pa["conflicts"])
    assert kinds == sorted([(first.code, "code", "received", 2), (first.code, "code", "result_recorded", 2),
                            (second.code, "ledger", "received", 1)])
    assert pa["dossiers"][extra.code]["applicant_name"] == "Lê Văn Chung"
    assert pa["dossiers"][second.code]["applicant_name"] == "Hoàng Văn Dũng"
    for s in (a, b):
        assert maintenance.check(s) == []
    b.close()


def test_a_restored_counter_gets_back_its_own_later_work_from_the_folder(unit):
    from counter import backups

    share, (one, two, _three) = unit
    before = receive(one, "2025-03-03 09:00")
    sync.sync(one, share)
    saved = backups.make(one)
    later = receive(one, "2025-03-03 10:00")
    lifecycle.record_result(one, before.code, at("2025-03-03 11:00"))
    sync.sync(one, share)
    old_identity = sync.sync_log.ws_id(one)
    backups.restore(one, saved)
    assert sync.sync_log.ws_id(one) != old_identity
    assert sync.status(one)["lineage"] == [old_identity]
    with pytest.raises(CounterError):
        lifecycle.record_result(one, later.code, at("2025-03-03 12:00"))  # not back yet
    report = sync.sync(one, share)
    assert report["ok"] and report["received"] >= 2
    assert lifecycle.record_result(one, later.code, at("2025-03-03 12:00")).status == "result_ready"
    assert picture(one)["dossiers"][before.code]["status"] == "result_ready"
    # The restored counter never hands out its former self's codes again.
    assert receive(one, "2025-03-03 13:00").code.endswith("-0003")
    sync.sync(one, share)
    sync.sync(two, share)
    assert picture(one)["dossiers"] == picture(two)["dossiers"]
    assert maintenance.check(one) == []


def test_a_folder_emptied_or_a_new_usb_stick_gets_this_counters_records_again(unit, tmp_path):
    share, (one, two, _three) = unit
    receive(one, "2025-03-03 09:00")
    sync.sync(one, share)
    stick = tmp_path / "new-stick"
    stick.mkdir()
    report = sync.sync(one, stick)
    assert report["sent"] > 0
    assert sync.sync(two, stick)["received"] == report["sent"]
    own = share / "motcua-sync" / "000.00.53.H48" / sync.sync_log.ws_id(one)
    for path in own.glob("seg-*"):
        path.unlink()
    receive(one, "2025-03-03 10:00")
    again = sync.sync(one, share)
    assert again["sent"] == sync.status(one)["stations"][0]["last_seq"]


def test_many_small_segments_are_merged_and_readers_still_get_everything(unit):
    share, (one, two, _three) = unit
    for n in range(sync.COMPACT_ABOVE + 5):
        receive(one, f"2025-03-03 {7 + n // 60:02d}:{n % 60:02d}", name=f"Người nộp {n}")
        sync.sync(one, share)
    own = share / "motcua-sync" / "000.00.53.H48" / sync.sync_log.ws_id(one)
    assert len(list(own.glob("seg-*.jsonl.gz"))) < 10  # not 55: merged once past COMPACT_ABOVE
    assert not list(own.glob(".*partial"))
    sync.sync(two, share)
    assert picture(two)["dossiers"] == picture(one)["dossiers"]


def test_the_sync_command_keeps_the_contract(unit, capsys, tmp_path):
    import json

    from counter.cli import parse, run

    share, (one, two, _three) = unit
    receive(one, "2025-03-03 09:00")
    sync.sync(one, share)

    def cli(*argv):
        capsys.readouterr()
        try:
            code = run(parse(["--db", str(two.path), *argv]))
        except SystemExit as exc:
            code = exc.code
        return code, capsys.readouterr()

    code, (out, _err) = cli("sync", "--folder", str(share), "--json")
    summary = json.loads(out)
    assert code == 0 and {"sent", "received", "workstations", "conflicts", "skipped"} <= summary.keys()
    assert summary["workstations"][0].keys() >= {"workstation", "last_seen", "events"}
    assert summary["workstations"][0]["workstation"] == 1 and summary["workstations"][0]["events"] > 0
    code, (out, _err) = cli("settings", "set", "sync_folder", str(share))
    assert code == 0
    code, (out, _err) = cli("sync", "status", "--json")
    found = json.loads(out)
    assert code == 0 and found["folder"] == str(share) and found["known"] == 2 and found["complete"] == 2
    assert found["freshness"].startswith("đồng bộ lúc") and found["freshness"].endswith("2/2 quầy")
    code, (out, _err) = cli("sync", "conflicts", "--json")
    assert code == 0 and json.loads(out) == []
    code, (out, err) = cli("sync", "--folder", str(tmp_path / "gone"))
    assert code == 1 and "Không thấy thư mục đồng bộ" in out
    code, (out, err) = cli("sync", "resolve", "nothing-1", "--reason", "x")
    assert code == 1 and "Không có xung đột" in err
    code, (out, err) = cli("settings", "set", "sync_interval", "2")
    assert code == 1 and "Chu kỳ đồng bộ" in err


def test_a_database_file_copied_to_another_pc_is_refused_before_it_mixes_two_counters_records(unit, tmp_path):
    import shutil

    from counter.session import Session

    share, (one, _two, _three) = unit
    receive(one, "2025-03-03 09:00")
    sync.sync(one, share)
    one.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (tmp_path / "copy").mkdir()
    shutil.copy(one.path, tmp_path / "copy" / "ws1.sqlite3")
    receive(one, "2025-03-03 10:00", name="Trần Văn Bảo")
    sync.sync(one, share)
    with Session(tmp_path / "copy" / "ws1.sqlite3") as copy:
        receive(copy, "2025-03-03 10:30", name="Lê Thị Cúc")
        receive(copy, "2025-03-03 10:40", name="Lê Thị Cúc")
        sync._verified.clear()  # the copy runs in another process on its PC: it has checked nothing yet
        with pytest.raises(CounterError, match="khác với cơ sở dữ liệu của máy|mới hơn cơ sở dữ liệu"):
            sync.sync(copy, share)


def test_a_calendar_change_at_one_counter_moves_the_due_dates_of_the_open_dossiers_another_holds(unit):
    from datetime import date

    from counter import unit as unit_service

    share, (one, two, _three) = unit
    sync_all([one, two], share)
    waiting = receive(two, "2025-03-03 09:00", procedure="1.004873")  # counter 1 has not seen it yet
    before = waiting.due_at
    assert before.date() > date(2025, 3, 3)
    unit_service.set_day(one, before.date(), False, "Nghỉ đột xuất theo quyết định của tỉnh")
    sync_all([one, two], share)
    moved = picture(two)["dossiers"][waiting.code]
    assert moved["due_at"] > before.isoformat()
    assert picture(one)["dossiers"] == picture(two)["dossiers"]
    assert [e["kind"] for e in moved["events"]].count("due_recomputed") == 1
    for s in (one, two):
        assert maintenance.check(s) == []
