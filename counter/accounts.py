"""Officer accounts: passwords hashed with argon2, lockout after failed logins.

Five failed logins lock an account for 15 minutes (issue 6). Each attempt is
counted as a failure in one write transaction before its password is checked,
and the count is cleared only when the check succeeds: twenty guesses sent at
once still get at most five argon2 verifications, and closing the app does not
reset the count. A name that is no account gets the same verification against
a dummy hash, so the time taken does not tell which accounts exist.

Set-up mode (anyone may work) lasts until the first account is created; the
settings marker written with it (or at the first login into an account made
before the marker existed) keeps the database out of set-up mode even if
every row of `officers` is deleted (db/officers.py).
"""

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from counter import audit, sync_log
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.errors import CounterError
from counter.roles import ROLES, Account
from counter.session import Session
from counter.text import NAME, clean_text, nfc
from db import officers as officer_table
from db.connection import write

MAX_FAILURES = 5
LOCK = timedelta(minutes=15)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"[a-z0-9._-]{3,32}")
# Runs of keys or symbols that make a password anyone tries first (abcdefghij, 0987654321,
# qwertyuiop, 1qaz2wsx…), read forwards or backwards and cycled.
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
         "1234567890qwertyuiop", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
# argon2-cffi's defaults (RFC 9106, low memory). Tests swap in cheap parameters
# (tests/conftest.py); a hash made with other parameters is remade at its next login.
hasher = PasswordHasher()
# A hash of a random secret with the default parameters: verifying against it costs what a
# real account's verification costs, without paying for a hash at the first unknown name.
_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$90BGEk+mWZBZqoTkf2Ng2A$YAP6dvrU6P55tL30qDfICVoQiwZOtj6vtrN8nejDOWw"
_dummies: dict[tuple, str] = {}
_WRONG = ("Sai tên đăng nhập hoặc mật khẩu.", "wrong username or password")


def create(session: Session, username: str, full_name: str, role: str, password: str) -> dict:
    """A new account; the very first one must be an admin and needs no login."""
    if session.accounts_exist:
        session.require("accounts")
    elif role != "admin":
        raise CounterError("Tài khoản đầu tiên phải là tài khoản quản trị (admin).", "the first account must be admin")
    name = _username(username)
    person = clean_text(full_name, "Họ tên cán bộ", NAME)
    if not person:
        raise CounterError("Họ tên cán bộ không được để trống.", "full name is empty")
    if role not in ROLES:
        raise CounterError(f"Vai trò «{role}» không hợp lệ; chọn: {', '.join(ROLES)}.", "unknown role")
    check_password(password)
    if officer_table.by_username(session.db, name):
        raise CounterError(f"Tên đăng nhập «{name}» đã có.", "username taken")
    stamp = iso(now())
    with write(session.db):
        officer_table.insert(session.db, {"username": name, "full_name": person, "role": role,
                                          "password_hash": hasher.hash(password), "created_at": stamp})
        officer_table.mark_accounts_created(session.db, stamp)
        _replicate(session, name)
        audit.log(session, "account_created", name, {"full_name": person, "role": role})
        session.note(Changes(accounts=True))
    session.forget_cached()
    return public(_account(session, name))


def login(session: Session, username: str, password: str, at: datetime | None = None) -> Account:
    row = _checked_password(session, username, password, at or now())
    with write(session.db):
        _after_success(session, row, password)
        session.user = Account.of(row)
        audit.log(session, "login", row["username"])
        session.note(Changes(accounts=True))
    return session.user


def change_password(session: Session, username: str, password: str, current: str | None = None) -> None:
    """Officers change their own password, giving the current one first; an admin may reset
    anyone else's without it."""
    row = _account(session, username)
    own = is_own(session, row["username"])
    if not own:
        session.require("accounts")
    check_password(password)
    if own:
        if not current:
            raise CounterError("Hãy nhập mật khẩu hiện tại trước khi đổi mật khẩu.", "the current password is needed")
        try:
            row = _checked_password(session, row["username"], current, now())
        except CounterError as exc:
            if exc.english != _WRONG[1]:
                raise
            raise CounterError("Mật khẩu hiện tại không đúng.", "the current password is wrong") from None
    with write(session.db):
        if own:
            _after_success(session, row, None)
        officer_table.update(session.db, row["id"], {"password_hash": hasher.hash(password), "updated_at": iso(now())})
        _replicate(session, row["username"])
        audit.log(session, "password_changed", row["username"])
        session.note(Changes(accounts=True))


def is_own(session: Session, username: str) -> bool:
    """Whether `username` is the logged-in officer's own account."""
    return session.user is not None and session.user.username == nfc(username).lower()


def set_active(session: Session, username: str, active: bool) -> None:
    session.require("accounts")
    row = _account(session, username)
    with write(session.db):
        officer_table.update(session.db, row["id"], {"active": int(active), "updated_at": iso(now())})
        _replicate(session, row["username"])
        audit.log(session, "account_enabled" if active else "account_disabled", row["username"])
        session.note(Changes(accounts=True))


def unlock(session: Session, username: str) -> None:
    session.require("accounts")
    row = _account(session, username)
    with write(session.db):
        officer_table.update(session.db, row["id"], {"failed_logins": 0, "locked_until": None})
        audit.log(session, "account_unlocked", row["username"])
        session.note(Changes(accounts=True))


def all_accounts(session: Session) -> list[dict]:
    return [public(row) for row in officer_table.all_officers(session.db)]


def public(row: dict) -> dict:
    """An account without its password hash."""
    return {k: row[k] for k in ("username", "full_name", "role", "active", "locked_until")}


def check_password(password: str) -> None:
    """A new password: at least MIN_PASSWORD characters, not one character or a short block
    repeated, not a run of the keyboard or the alphabet, not counting 1, 2, 3…"""
    text = password or ""
    if len(text) < MIN_PASSWORD:
        raise CounterError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", "password too short")
    if len(text) > MAX_PASSWORD:
        raise CounterError(f"Mật khẩu dài quá {MAX_PASSWORD} ký tự.", "password too long")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise CounterError("Mật khẩu chứa ký tự không phải UTF-8 hợp lệ.", "password is not valid text")
    lowered = text.lower()
    if len(set(lowered)) == 1:
        raise CounterError("Mật khẩu không được chỉ gồm một ký tự lặp lại.", "password is one repeated character")
    if any(lowered == (lowered[:size] * len(lowered))[:len(lowered)] for size in (2, 3)):
        raise CounterError("Mật khẩu không được là một nhóm ký tự ngắn lặp lại.", "password is a short block repeated")
    if _plain_sequence(lowered):
        raise CounterError(
            "Mật khẩu không được là một dãy liên tiếp (như 1234567890, abcdefghij, qwertyuiop); "
            "hãy chọn mật khẩu khó đoán hơn.",
            "password is a plain sequence",
        )


def _plain_sequence(text: str) -> bool:
    for run in _RUNS:
        for line in (run, run[::-1]):
            if text in line * (len(text) // len(line) + 2):
                return True
    if text.isdigit():  # 12345678910, 9899100101…
        for width in range(1, 5):
            start = int(text[:width])
            counted, step = "", 0
            while len(counted) < len(text):
                counted += str(start + step)
                step += 1
            if counted[:len(text)] == text:
                return True
    return False


def _checked_password(session: Session, username: str, password: str, moment: datetime) -> dict:
    """The account whose password this is. The attempt is counted as a failure first, in one
    write transaction, so parallel guesses cannot all be verified before one is counted."""
    name = nfc(username).lower() if isinstance(username, str) else ""
    row, failures = None, 0
    with write(session.db):
        if _USERNAME.fullmatch(name):
            row = officer_table.by_username(session.db, name)
        if row is not None and row["active"]:
            locked_until = from_iso(row["locked_until"])
            if locked_until and moment < locked_until:
                raise _locked(row["username"], locked_until)
            failures = row["failed_logins"] + 1
            changes = {"failed_logins": failures, "locked_until": None, "updated_at": iso(moment)}
            if failures >= MAX_FAILURES:
                changes.update(failed_logins=0, locked_until=iso(moment + LOCK))
            officer_table.update(session.db, row["id"], changes)
            session.note(Changes(accounts=True))  # the attempt counts towards the lock-out the page shows
    if row is None or not row["active"]:
        _verifies(_dummy_hash(), password)
        raise CounterError(*_WRONG)
    if _verifies(row["password_hash"], password):
        return row
    with write(session.db):
        audit.log(session, "login_failed", row["username"], {"failures": failures})
    if failures >= MAX_FAILURES:
        raise CounterError(
            f"Sai mật khẩu {MAX_FAILURES} lần: tài khoản {row['username']} bị khóa trong 15 phút.", "account locked"
        )
    raise CounterError(*_WRONG)


def _after_success(session: Session, row: dict, password: str | None) -> None:
    """Inside the write of a successful check: clear the count; remake a hash whose parameters
    are not the current ones; mark a database that had accounts before the marker existed."""
    changes: dict = {"failed_logins": 0, "locked_until": None}
    if password is not None and hasher.check_needs_rehash(row["password_hash"]):
        changes["password_hash"] = hasher.hash(password)
    officer_table.update(session.db, row["id"], changes)
    officer_table.mark_accounts_created(session.db, row["created_at"])
    if "password_hash" in changes:
        _replicate(session, row["username"])


def replicated(row: dict) -> dict:
    """What every counter of the unit holds of an account (issue 12); failed logins and lock-outs stay
    with the counter where they happened."""
    return {"full_name": row["full_name"], "role": row["role"], "password_hash": row["password_hash"],
            "active": bool(row["active"])}


def _replicate(session: Session, username: str) -> None:
    sync_log.unit_change(session, sync_log.ACCOUNT, username, replicated(_account(session, username)))


def _locked(username: str, until: datetime) -> CounterError:
    return CounterError(
        f"Tài khoản {username} đang bị khóa đến {until:%H:%M %d/%m/%Y} vì đăng nhập sai {MAX_FAILURES} lần.",
        "account locked",
    )


def _dummy_hash() -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len, hasher.type)
    if key not in _dummies:
        default = extract_parameters(_DUMMY)
        same = (default.time_cost, default.memory_cost, default.parallelism, default.hash_len, default.salt_len,
                default.type) == key
        _dummies[key] = _DUMMY if same else hasher.hash("motcua: no such account")
    return _dummies[key]


def _account(session: Session, username: str) -> dict:
    name = nfc(username).lower()
    row = officer_table.by_username(session.db, name) if _USERNAME.fullmatch(name) else None
    if row is None:
        raise CounterError(f"Không có tài khoản «{name[:40]}».", "no such account")
    return row


def _username(value: str) -> str:
    name = nfc(value).lower()
    if not _USERNAME.fullmatch(name):
        raise CounterError(
            "Tên đăng nhập phải dài 3–32 ký tự, chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.",
            "username must be 3-32 of a-z 0-9 . _ -",
        )
    return name


def _verifies(stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError, UnicodeError, TypeError):
        return False
