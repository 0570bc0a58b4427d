from datetime import datetime, timedelta

import pytest

from counter import accounts, catalogue, corrections, lifecycle, unit
from counter.errors import CounterError
from counter.indicators import Period
from counter.staff_figures import figures
from tests.counter.helpers import at, receive

PASSWORD = "mat-khau-manh-1"


@pytest.fixture
def staffed(session):
    accounts.create(session, "admin", "Quản Trị Viên", "admin", PASSWORD)
    accounts.login(session, "admin", PASSWORD)
    accounts.create(session, "lan", "Trần Thị Lan", "officer", PASSWORD)
    accounts.create(session, "hung", "Phạm Văn Hùng", "head", PASSWORD)
    session.user = None
    return session


def test_the_first_account_must_be_an_admin(session):
    with pytest.raises(CounterError, match="quản trị"):
        accounts.create(session, "lan", "Trần Thị Lan", "officer", PASSWORD)
    accounts.create(session, "admin", "Quản Trị Viên", "admin", PASSWORD)
    row = session.db.execute("SELECT password_hash FROM officers").fetchone()[0]
    assert row.startswith("$argon2") and PASSWORD not in row


def test_once_accounts_exist_work_needs_a_login(staffed):
    with pytest.raises(CounterError, match="Cần đăng nhập"):
        receive(staffed)


def test_roles_allow_and_refuse(staffed, tmp_path):
    accounts.login(staffed, "lan", PASSWORD)
    dossier = receive(staffed)
    assert dossier.officer == "Trần Thị Lan"
    for refused in (
        lambda: lifecycle.apologize(staffed, dossier.code, at("2025-03-10 09:00"), "Chậm", at("2025-03-04 09:00")),
        lambda: corrections.edit(staffed, dossier.code, "name", "Lê An", "Sai"),
        lambda: unit.configure(staffed, place="Bắc Ninh"),
        lambda: catalogue.import_catalogue(staffed, catalogue.STARTER),
        lambda: accounts.create(staffed, "mai", "Lê Thị Mai", "officer", PASSWORD),
    ):
        with pytest.raises(CounterError, match="không có quyền"):
            refused()
    accounts.login(staffed, "hung", PASSWORD)
    assert lifecycle.apologize(staffed, dossier.code, at("2025-03-10 09:00"), "Chậm", at("2025-03-04 09:00")).apology_at
    with pytest.raises(CounterError, match="không có quyền quản lý tài khoản"):
        accounts.create(staffed, "mai", "Lê Thị Mai", "officer", PASSWORD)
    with pytest.raises(CounterError, match="không có quyền sửa danh mục"):
        catalogue.import_catalogue(staffed, catalogue.STARTER)
    accounts.login(staffed, "admin", PASSWORD)
    accounts.create(staffed, "mai", "Lê Thị Mai", "officer", PASSWORD)


def test_five_failed_logins_lock_the_account_for_15_minutes(staffed):
    start = datetime(2026, 11, 27, 9, 0)
    for attempt in range(4):
        with pytest.raises(CounterError, match="Sai tên đăng nhập hoặc mật khẩu"):
            accounts.login(staffed, "lan", "sai-mat-khau", at=start + timedelta(minutes=attempt))
    with pytest.raises(CounterError, match="bị khóa trong 15 phút"):
        accounts.login(staffed, "lan", "sai-mat-khau", at=start + timedelta(minutes=4))
    with pytest.raises(CounterError, match="đang bị khóa đến 09:19"):
        accounts.login(staffed, "lan", PASSWORD, at=start + timedelta(minutes=10))
    assert accounts.login(staffed, "lan", PASSWORD, at=start + timedelta(minutes=20))["username"] == "lan"


def test_failed_logins_survive_closing_the_app(staffed, db_path):
    from counter.session import Session

    for _ in range(2):
        with pytest.raises(CounterError):
            accounts.login(staffed, "lan", "sai-mat-khau")
    with Session(db_path) as other:
        for _ in range(3):
            with pytest.raises(CounterError):
                accounts.login(other, "lan", "sai-mat-khau")
        with pytest.raises(CounterError, match="đang bị khóa"):
            accounts.login(other, "lan", PASSWORD)


def test_an_admin_unlocks_disables_and_resets(staffed):
    for _ in range(5):
        with pytest.raises(CounterError):
            accounts.login(staffed, "lan", "sai-mat-khau")
    accounts.login(staffed, "admin", PASSWORD)
    accounts.unlock(staffed, "lan")
    accounts.change_password(staffed, "lan", "mat-khau-moi-2")
    accounts.set_active(staffed, "hung", False)
    assert accounts.login(staffed, "lan", "mat-khau-moi-2")["role"] == "officer"
    with pytest.raises(CounterError, match="Sai tên đăng nhập"):
        accounts.login(staffed, "hung", PASSWORD)
    with pytest.raises(CounterError, match="ít nhất 8"):
        accounts.change_password(staffed, "lan", "ngan")


def test_per_officer_figures(staffed):
    accounts.login(staffed, "lan", PASSWORD)
    first = receive(staffed, "2025-03-03 09:00")
    late = receive(staffed, "2025-03-03 09:00")
    lifecycle.record_result(staffed, first.code, at("2025-03-04 09:00"))
    lifecycle.record_result(staffed, late.code, at("2025-03-06 09:00"))
    accounts.login(staffed, "hung", PASSWORD)
    lifecycle.return_result(staffed, first.code, at("2025-03-04 10:00"), rating="satisfied")
    lifecycle.return_result(staffed, late.code, at("2025-03-06 10:00"), rating="unsatisfied")
    rows = {r["officer"]: r for r in figures(staffed, Period.month(2025, 3))}
    assert rows["Trần Thị Lan"]["received"] == 2 and rows["Trần Thị Lan"]["late"] == 1
    assert rows["Phạm Văn Hùng"]["returned"] == 2 and rows["Phạm Văn Hùng"]["satisfaction_rate"] == 0.5


def test_per_officer_figures_count_zero_before_any_result(staffed):
    accounts.login(staffed, "lan", PASSWORD)
    receive(staffed, "2025-03-03 09:00")
    accounts.login(staffed, "hung", PASSWORD)
    [row] = figures(staffed, Period.month(2025, 3))
    assert (row["received"], row["late"], row["satisfaction_rate"]) == (1, 0, None)
