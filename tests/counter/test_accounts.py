import threading
import time
from datetime import datetime, timedelta

import pytest

from counter import accounts, catalogue, corrections, lifecycle, unit
from counter.errors import CounterError
from counter.indicators import Period
from counter.session import Session
from counter.staff_figures import figures
from tests.counter.helpers import at, receive, table_dump

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
    assert accounts.login(staffed, "lan", PASSWORD, at=start + timedelta(minutes=20)).username == "lan"


def test_failed_logins_survive_closing_the_app(staffed, db_path):
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
    assert accounts.login(staffed, "lan", "mat-khau-moi-2").role == "officer"
    with pytest.raises(CounterError, match="Sai tên đăng nhập"):
        accounts.login(staffed, "hung", PASSWORD)
    with pytest.raises(CounterError, match="ít nhất 10"):
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


@pytest.mark.parametrize("weak", [
    "ngan-qua", "aaaaaaaaaaaa", "ĐĐĐĐĐĐĐĐĐĐ", "1234567890", "0987654321", "12345678901234", "abcdefghijkl",
    "ZYXWVUTSRQPO", "qwertyuiop", "QWERTYuiopas", "poiuytrewq", "1qaz2wsx3edc", "12345678910", "9899100101102",
    "ababababab", "abcabcabcabc",
])
def test_a_weak_new_password_is_refused_in_vietnamese(session, weak):
    with pytest.raises(CounterError, match="Mật khẩu") as refused:
        accounts.create(session, "admin", "Quản Trị Viên", "admin", weak)
    assert refused.value.message.startswith("Mật khẩu ")
    assert not accounts.all_accounts(session)


@pytest.mark.parametrize("good", ["mat-khau-manh-1", "Tân Tiến 2025!", "correct horse battery", "1234567890x"])
def test_a_reasonable_password_is_accepted(session, good):
    assert accounts.create(session, "admin", "Quản Trị Viên", "admin", good)["role"] == "admin"


class CountingHasher:
    """The suite's cheap hasher, counting verifications and taking a while like the real one."""

    def __init__(self, inner, delay: float = 0.0):
        self.inner, self.delay, self.verified = inner, delay, 0
        self.lock = threading.Lock()

    def verify(self, stored, password):
        with self.lock:
            self.verified += 1
        time.sleep(self.delay)
        return self.inner.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def counting(monkeypatch):
    def install(delay: float = 0.0) -> CountingHasher:
        hasher = CountingHasher(accounts.hasher, delay)
        monkeypatch.setattr(accounts, "hasher", hasher)
        return hasher
    return install


def test_twenty_guesses_at_once_get_at_most_five_verifications(staffed, db_path, counting):
    hasher = counting(delay=0.05)
    start = threading.Barrier(20)
    outcomes = []

    def guess(n: int) -> None:
        with Session(db_path) as mine:
            start.wait()
            try:
                accounts.login(mine, "lan", f"doan-mat-khau-{n}")
                outcomes.append("in")
            except CounterError as exc:
                outcomes.append(exc.english)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 20 and "in" not in outcomes
    assert hasher.verified <= accounts.MAX_FAILURES
    assert outcomes.count("account locked") >= 20 - accounts.MAX_FAILURES
    with pytest.raises(CounterError, match="đang bị khóa"):
        accounts.login(staffed, "lan", PASSWORD)
    assert hasher.verified <= accounts.MAX_FAILURES


def test_the_right_password_among_the_five_counted_attempts_still_logs_in(staffed, counting):
    hasher = counting()
    for _ in range(4):
        with pytest.raises(CounterError, match="Sai tên đăng nhập"):
            accounts.login(staffed, "lan", "sai-mat-khau")
    assert accounts.login(staffed, "lan", PASSWORD).username == "lan"
    row = staffed.db.execute("SELECT failed_logins, locked_until FROM officers WHERE username = 'lan'").fetchone()
    assert row == (0, None) and hasher.verified == 5


def test_an_unknown_or_disabled_name_costs_one_verification_like_a_real_one(staffed, counting):
    accounts.login(staffed, "admin", PASSWORD)
    accounts.set_active(staffed, "hung", False)
    before = table_dump(staffed)
    hasher = counting()
    for name in ("khong-co-ai", "hung", "../x", "\x00", "a" * 500):
        with pytest.raises(CounterError) as refused:
            accounts.login(staffed, name, PASSWORD)
        assert refused.value.message == "Sai tên đăng nhập hoặc mật khẩu."
    assert hasher.verified == 5
    assert table_dump(staffed) == before  # nobody's count moved, no audit row
    with pytest.raises(CounterError) as refused:
        accounts.login(staffed, "lan", "sai-mat-khau")
    assert refused.value.message == "Sai tên đăng nhập hoặc mật khẩu." and hasher.verified == 6


def test_the_dummy_hash_has_the_production_parameters():
    from argon2 import PasswordHasher, extract_parameters

    production = PasswordHasher()
    dummy = extract_parameters(accounts._DUMMY)
    assert (dummy.time_cost, dummy.memory_cost, dummy.parallelism, dummy.hash_len, dummy.salt_len) == (
        production.time_cost, production.memory_cost, production.parallelism, production.hash_len,
        production.salt_len)


def test_deleting_every_account_does_not_reopen_set_up_mode(staffed, db_path):
    staffed.db.execute("DELETE FROM officers")
    with Session(db_path) as after:
        assert after.accounts_exist
        with pytest.raises(CounterError, match="Cần đăng nhập"):
            receive(after)
        with pytest.raises(CounterError, match="Cần đăng nhập"):
            accounts.create(after, "ke-gian", "Kẻ Gian", "admin", "mat-khau-ke-gian")


def test_a_database_with_accounts_from_before_the_marker_gets_it_at_the_next_login(staffed, db_path):
    staffed.db.execute("DELETE FROM settings WHERE key = 'accounts_created'")
    accounts.login(staffed, "lan", PASSWORD)
    staffed.db.execute("DELETE FROM officers")
    with Session(db_path) as after:
        assert after.accounts_exist


def test_a_database_that_never_had_an_account_is_in_set_up_mode(session):
    assert not session.accounts_exist
    receive(session)


def test_changing_ones_own_password_asks_the_current_one(staffed):
    accounts.login(staffed, "lan", PASSWORD)
    with pytest.raises(CounterError, match="mật khẩu hiện tại"):
        accounts.change_password(staffed, "lan", "mat-khau-moi-2")
    with pytest.raises(CounterError, match="Mật khẩu hiện tại không đúng"):
        accounts.change_password(staffed, "lan", "mat-khau-moi-2", "doan-bua-di")
    assert staffed.db.execute("SELECT failed_logins FROM officers WHERE username = 'lan'").fetchone()[0] == 1
    with pytest.raises(CounterError, match="dãy liên tiếp"):
        accounts.change_password(staffed, "lan", "1234567890", PASSWORD)
    accounts.change_password(staffed, "lan", "mat-khau-moi-2", PASSWORD)
    assert accounts.login(staffed, "lan", "mat-khau-moi-2").username == "lan"
    # An admin resets another officer's password without knowing it.
    accounts.login(staffed, "admin", PASSWORD)
    accounts.change_password(staffed, "lan", "mat-khau-moi-3")
    assert accounts.login(staffed, "lan", "mat-khau-moi-3").username == "lan"


def test_a_hash_made_with_other_parameters_is_remade_at_login(staffed, monkeypatch):
    from argon2 import PasswordHasher, extract_parameters

    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts, "hasher", stronger)
    accounts.login(staffed, "lan", PASSWORD)
    stored = staffed.db.execute("SELECT password_hash FROM officers WHERE username = 'lan'").fetchone()[0]
    assert extract_parameters(stored).time_cost == 2
    assert accounts.login(staffed, "lan", PASSWORD).username == "lan"
