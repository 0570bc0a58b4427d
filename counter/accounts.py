"""Officer accounts: passwords hashed with argon2, lockout after failed logins.

Five failed logins lock an account for 15 minutes (issue 6); the failures
are written even though the login fails, so closing the app does not reset
the count.
"""

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter import audit
from counter.changes import Changes
from counter.clock import from_iso, iso, now
from counter.errors import CounterError
from counter.roles import ROLES
from counter.session import Session
from counter.text import nfc
from db import officers as officer_table
from db.connection import write

MAX_FAILURES = 5
LOCK = timedelta(minutes=15)
MIN_PASSWORD = 8
_USERNAME = re.compile(r"[a-z0-9._-]{3,32}")
_hasher = PasswordHasher()


def create(session: Session, username: str, full_name: str, role: str, password: str) -> dict:
    """A new account; the very first one must be an admin and needs no login."""
    if session.accounts_exist:
        session.require("accounts")
    elif role != "admin":
        raise CounterError("Tài khoản đầu tiên phải là tài khoản quản trị (admin).", "the first account must be admin")
    name = _username(username)
    person = nfc(full_name)
    if not person:
        raise CounterError("Họ tên cán bộ không được để trống.", "full name is empty")
    if role not in ROLES:
        raise CounterError(f"Vai trò «{role}» không hợp lệ; chọn: {', '.join(ROLES)}.", "unknown role")
    _check_password(password)
    if officer_table.by_username(session.db, name):
        raise CounterError(f"Tên đăng nhập «{name}» đã có.", "username taken")
    with write(session.db):
        officer_table.insert(session.db, {"username": name, "full_name": person, "role": role,
                                          "password_hash": _hasher.hash(password), "created_at": iso(now())})
        audit.log(session, "account_created", name, {"full_name": person, "role": role})
        session.note(Changes(accounts=True))
    session.forget_cached()
    return public(officer_table.by_username(session.db, name))


def login(session: Session, username: str, password: str, at: datetime | None = None) -> dict:
    moment = at or now()
    row = officer_table.by_username(session.db, nfc(username).lower())
    if row is None or not row["active"]:
        raise CounterError("Sai tên đăng nhập hoặc mật khẩu.", "wrong username or password")
    locked_until = from_iso(row["locked_until"])
    if locked_until and moment < locked_until:
        raise CounterError(
            f"Tài khoản {row['username']} đang bị khóa đến {locked_until:%H:%M %d/%m/%Y} "
            f"vì đăng nhập sai {MAX_FAILURES} lần.",
            "account locked",
        )
    if _verifies(row["password_hash"], password):
        with write(session.db):
            officer_table.update(session.db, row["id"], {"failed_logins": 0, "locked_until": None})
            session.user = public(row)
            audit.log(session, "login", row["username"])
            session.note(Changes(accounts=True))
        return session.user
    failures = row["failed_logins"] + 1
    changes = {"failed_logins": failures, "updated_at": iso(moment)}
    if failures >= MAX_FAILURES:
        changes.update(failed_logins=0, locked_until=iso(moment + LOCK))
    with write(session.db):
        officer_table.update(session.db, row["id"], changes)
        audit.log(session, "login_failed", row["username"], {"failures": failures})
        session.note(Changes(accounts=True))
    if failures >= MAX_FAILURES:
        raise CounterError(
            f"Sai mật khẩu {MAX_FAILURES} lần: tài khoản {row['username']} bị khóa trong 15 phút.", "account locked"
        )
    raise CounterError("Sai tên đăng nhập hoặc mật khẩu.", "wrong username or password")


def change_password(session: Session, username: str, password: str) -> None:
    """Officers change their own password; an admin may reset anyone's."""
    row = _account(session, username)
    if not session.user or session.user["username"] != row["username"]:
        session.require("accounts")
    _check_password(password)
    with write(session.db):
        officer_table.update(session.db, row["id"], {"password_hash": _hasher.hash(password), "updated_at": iso(now())})
        audit.log(session, "password_changed", row["username"])
        session.note(Changes(accounts=True))


def set_active(session: Session, username: str, active: bool) -> None:
    session.require("accounts")
    row = _account(session, username)
    with write(session.db):
        officer_table.update(session.db, row["id"], {"active": int(active), "updated_at": iso(now())})
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


def _account(session: Session, username: str) -> dict:
    row = officer_table.by_username(session.db, nfc(username).lower())
    if row is None:
        raise CounterError(f"Không có tài khoản «{nfc(username)}».", "no such account")
    return row


def _username(value: str) -> str:
    name = nfc(value).lower()
    if not _USERNAME.fullmatch(name):
        raise CounterError(
            "Tên đăng nhập phải dài 3–32 ký tự, chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.",
            "username must be 3-32 of a-z 0-9 . _ -",
        )
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise CounterError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", "password too short")


def _verifies(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
