import pytest


@pytest.fixture
def staffed(cli, monkeypatch):
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-admin")
    assert cli("user", "add", "admin", "--name", "Quản Trị Viên", "--role", "admin")[0] == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-admin")
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "mat-khau-lan1")
    assert cli("--user", "admin", "user", "add", "lan", "--name", "Trần Thị Lan", "--role", "officer")[0] == 0
    return cli


def test_login_is_required_once_accounts_exist(staffed):
    code, _, err = staffed("search", "nguyen")
    assert code == 1 and "Cần đăng nhập" in err


def test_an_officer_works_and_is_refused_what_her_role_does_not_allow(staffed, monkeypatch):
    monkeypatch.setenv("MOTCUA_PASSWORD", "mat-khau-lan1")
    dossier = staffed.json("--user", "lan", "receive", "--procedure", "2.001035", "--name", "Lê An",
                           "--at", "2025-03-03 09:00")
    assert dossier["officer"] == "Trần Thị Lan"
    code, _, err = staffed("--user", "lan", "edit", dossier["code"], "--field", "name", "--value", "Lê Văn An",
                           "--reason", "Sai")
    assert code == 1 and "không có quyền sửa hồ sơ" in err
    code, _, err = staffed("--user", "lan", "user", "list")
    assert code == 1 and "không có quyền quản lý tài khoản" in err


def test_a_wrong_password_is_refused_in_one_line(staffed, monkeypatch):
    monkeypatch.setenv("MOTCUA_PASSWORD", "sai-mat-khau")
    code, _, err = staffed("--user", "lan", "search", "le")
    assert code == 1 and err.strip() == "Lỗi: Sai tên đăng nhập hoặc mật khẩu. (wrong username or password)"


def test_audit_and_check_commands(staffed):
    rows = staffed.json("--user", "admin", "audit", "--limit", "5")
    assert rows[0]["action"] == "login" and rows[0]["officer"] == "admin"
    assert ("account_created", "lan") in [(row["action"], row["target"]) for row in rows]
    assert staffed.json("--user", "admin", "check") == {"ok": True, "problems": [], "partial": []}
