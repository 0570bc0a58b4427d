"""Every kind of write says what it changed, exactly; a refused or rolled-back write says nothing."""

import sqlite3
from dataclasses import fields
from datetime import date

import pytest

from counter import accounts, backups, catalogue, corrections, digitization, dossiers, export, intake, lifecycle, unit
from counter.changes import KINDS, Changes
from counter.errors import CounterError
from counter.indicators import Period, figures
from db.connection import after_commit, write
from tests.counter.helpers import at, receive, table_dump

PASSWORD = "mat-khau-manh-1"


@pytest.fixture
def fresh(session):
    """The unit database with what its set-up wrote already taken."""
    session.take_changes()
    return session


def dossier_changed(code: str) -> Changes:
    return Changes(dossiers=frozenset({code}))


# The description itself ------------------------------------------------------------------
def test_no_change_is_false_and_merging_keeps_everything_of_both():
    assert not Changes.none() and Changes.none() == Changes()
    merged = Changes.of_dossier("A") | Changes(settings=True) | Changes.of_dossier("B")
    assert merged == Changes(dossiers=frozenset({"A", "B"}), settings=True) and merged
    assert Changes.merged([]) == Changes.none()
    assert Changes.merged([Changes(accounts=True)] * 3 + [Changes(sync=True)]) == Changes(accounts=True, sync=True)


def test_touches_names_a_kind_and_a_restore_touches_them_all():
    change = Changes.of_dossier("A") | Changes(calendar=True)
    assert change.touches("dossiers") and change.touches("settings", "calendar")
    assert not change.touches("settings", "catalogue", "accounts", "exports", "backups", "sync")
    assert change.touches_dossier("A") and not change.touches_dossier("B")
    restore = Changes(everything=True)
    assert all(restore.touches(kind) for kind in KINDS) and restore.touches_dossier("any")
    with pytest.raises(ValueError, match="dossier"):
        change.touches("dossier")  # a misspelt kind is a bug, not "nothing changed"


def test_every_field_is_a_kind_merged_by_or():
    assert {f.name for f in fields(Changes)} == set(KINDS) | {"everything"}
    every = Changes.merged([Changes(**{f.name: frozenset({"X"}) if f.name == "dossiers" else True})
                            for f in fields(Changes)])
    assert all(getattr(every, f.name) for f in fields(Changes))


# Each kind of write reports exactly its change -------------------------------------------
def test_a_receive_reports_its_dossier_and_a_read_reports_nothing(fresh):
    dossier = receive(fresh)
    assert fresh.take_changes() == dossier_changed(dossier.code)
    assert fresh.take_changes() == Changes.none()  # taken once
    dossiers.get(fresh, dossier.code)
    catalogue.all_procedures(fresh)
    figures(fresh, Period.day(date(2025, 3, 3)))
    lifecycle.due_soon(fresh, at("2025-03-04 09:00"))
    assert fresh.take_changes() == Changes.none()


def test_one_call_with_two_writes_reports_both_dossiers(fresh):
    first, second = receive(fresh), receive(fresh, name="Lê Thị Hoa")
    assert fresh.take_changes() == Changes(dossiers=frozenset({first.code, second.code}))


@pytest.mark.parametrize("step", [
    lambda s, code: lifecycle.request_supplement(s, code, "Thiếu bản sao", at("2025-03-03 10:00")),
    lambda s, code: lifecycle.record_result(s, code, at("2025-03-04 10:00")),
    lambda s, code: lifecycle.return_result(
        s, lifecycle.record_result(s, code, at("2025-03-04 10:00")).code, at("2025-03-04 11:00")),
    lambda s, code: lifecycle.reject(s, code, "Không thuộc thẩm quyền", at("2025-03-03 10:00")),
    lambda s, code: lifecycle.stop(s, code, "Người nộp rút hồ sơ", at("2025-03-03 10:00")),
    lambda s, code: lifecycle.apologize(s, code, at("2025-03-10 09:00"), "Chờ xác minh", at("2025-03-04 09:00")),
    lambda s, code: corrections.edit(s, code, "name", "Nguyễn Văn Đạt", "Sai tên"),
    lambda s, code: digitization.attach(s, code, document=1, not_required=True),
], ids=["supplement", "result", "return", "reject", "stop", "apology", "correction", "digitization"])
def test_each_step_of_a_dossier_reports_that_dossier_only(fresh, step):
    dossier = receive(fresh)
    fresh.take_changes()
    step(fresh, dossier.code)
    assert fresh.take_changes() == dossier_changed(dossier.code)


def test_a_resumed_dossier_is_reported(fresh):
    dossier = receive(fresh)
    lifecycle.request_supplement(fresh, dossier.code, "Thiếu bản sao", at("2025-03-03 10:00"))
    fresh.take_changes()
    lifecycle.resume(fresh, dossier.code, at("2025-03-05 10:00"))
    assert fresh.take_changes() == dossier_changed(dossier.code)


def test_settings_catalogue_and_calendar_each_report_their_kind(fresh, tmp_path):
    unit.configure(fresh, office_close="17:30")
    assert fresh.take_changes() == Changes(settings=True)
    catalogue.import_catalogue(fresh, catalogue.STARTER)
    assert fresh.take_changes() == Changes(catalogue=True)
    unit.set_day(fresh, date(2026, 3, 2), False, "Nghỉ bù")
    assert fresh.take_changes() == Changes(calendar=True)
    unit.unset_day(fresh, date(2026, 3, 2))
    assert fresh.take_changes() == Changes(calendar=True)
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n", encoding="utf-8")
    unit.import_calendar(fresh, source)
    assert fresh.take_changes() == Changes(calendar=True)
    unit.export_calendar(fresh, tmp_path / "xa.csv")  # writes a file, not the database
    assert fresh.take_changes() == Changes.none()


def test_account_writes_report_accounts(fresh):
    accounts.create(fresh, "admin", "Quản Trị Viên", "admin", PASSWORD)
    assert fresh.take_changes() == Changes(accounts=True)
    accounts.login(fresh, "admin", PASSWORD)
    assert fresh.take_changes() == Changes(accounts=True)
    accounts.create(fresh, "lan", "Trần Thị Lan", "officer", PASSWORD)
    accounts.change_password(fresh, "lan", "mat-khau-moi-22")
    accounts.set_active(fresh, "lan", False)
    accounts.set_active(fresh, "lan", True)
    accounts.unlock(fresh, "lan")
    assert fresh.take_changes() == Changes(accounts=True)
    accounts.all_accounts(fresh)
    assert fresh.take_changes() == Changes.none()


def test_a_failed_login_is_written_and_reported_since_it_counts_towards_the_lockout(fresh):
    accounts.create(fresh, "admin", "Quản Trị Viên", "admin", PASSWORD)
    fresh.take_changes()
    with pytest.raises(CounterError, match="Sai tên đăng nhập"):
        accounts.login(fresh, "admin", "sai-mat-khau")
    assert fresh.take_changes() == Changes(accounts=True)
    with pytest.raises(CounterError):
        accounts.login(fresh, "khong-co", PASSWORD)  # no such account: nothing written
    assert fresh.take_changes() == Changes.none()


def test_export_backup_and_restore_report_theirs(fresh, tmp_path):
    receive(fresh)
    fresh.take_changes()
    export.export_changes(fresh, out_dir=tmp_path / "xuat")
    assert fresh.take_changes() == Changes(exports=True)
    made = backups.make(fresh)
    assert fresh.take_changes() == Changes(backups=True)
    assert backups.automatic(fresh, "startup") is None  # nothing changed since: no backup, nothing to report
    assert fresh.take_changes() == Changes.none()
    backups.restore(fresh, made)
    assert fresh.take_changes() == Changes(backups=True, everything=True)  # the safety copy, then another file


# Refused and rolled-back writes report nothing -------------------------------------------
@pytest.mark.parametrize("refused", [
    lambda s, code: intake.receive(s, "9.999999", "Nguyễn Văn Đức"),
    lambda s, code: lifecycle.return_result(s, code),  # no result yet
    lambda s, code: lifecycle.resume(s, code),  # no supplement asked
    lambda s, code: corrections.edit(s, code, "name", "Nguyễn Văn Đức", "Không đổi gì"),
    lambda s, code: unit.configure(s, office_close="25:00"),
    lambda s, code: unit.unset_day(s, date(2026, 3, 3)),  # not in the calendar
    lambda s, code: accounts.create(s, "lan", "Trần Thị Lan", "officer", PASSWORD),  # the first must be admin
    lambda s, code: backups.restore(s, s.path.parent / "khong-co.sqlite3"),
], ids=["receive", "return", "resume", "correction", "settings", "calendar", "account", "restore"])
def test_a_refused_write_reports_nothing(fresh, refused):
    dossier = receive(fresh)
    fresh.take_changes()
    with pytest.raises(CounterError):
        refused(fresh, dossier.code)
    assert fresh.take_changes() == Changes.none()


def test_a_note_inside_a_transaction_that_rolls_back_is_dropped(fresh):
    dossier = receive(fresh)
    fresh.take_changes()
    before = table_dump(fresh)
    with pytest.raises(CounterError), write(fresh.db):
        dossiers.record(fresh, dossier, at("2025-03-03 10:00"), "edited", {"field": "fee"}, fee=1)
        raise CounterError("Từ chối giữa chừng.", "refused half-way")
    assert fresh.take_changes() == Changes.none()
    assert table_dump(fresh) == before


class FailingCommit:
    """The session's connection, except that COMMIT fails as on a disk that just filled up."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("disk I/O error at commit")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.conn, name)


def test_a_receive_whose_commit_fails_reports_nothing(fresh):
    real = fresh.db.conn
    fresh.db.conn = FailingCommit(real)
    try:
        with pytest.raises(sqlite3.OperationalError):
            receive(fresh)
    finally:
        fresh.db.conn = real
    assert fresh.take_changes() == Changes.none()
    assert fresh.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_after_commit_runs_once_committed_never_after_a_rollback(fresh):
    ran = []
    after_commit(fresh.db, lambda: ran.append("outside"))
    assert ran == ["outside"]
    with write(fresh.db):
        after_commit(fresh.db, lambda: ran.append(("committed", fresh.db.conn.in_transaction)))
        assert ran == ["outside"]
    assert ran == ["outside", ("committed", False)]
    with pytest.raises(RuntimeError), write(fresh.db):
        after_commit(fresh.db, lambda: ran.append("rolled back"))
        raise RuntimeError("refused half-way")
    with write(fresh.db):
        pass
    assert ran == ["outside", ("committed", False)]
