"""user, officers, audit, backups, restore."""

from counter import accounts, audit, backups
from counter.cli.arguments import whole
from counter.cli.output import emit_json, line
from counter.cli.prompts import password
from counter.clock import parse_month
from counter.indicators import Period
from counter.roles import ROLES
from counter.staff_figures import figures


def register(commands) -> None:
    p = commands.add_parser("user", help="tài khoản cán bộ")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("add", help="tạo tài khoản (mật khẩu từ $MOTCUA_NEW_PASSWORD hoặc được hỏi)")
    s.add_argument("username")
    s.add_argument("--name", required=True, help="họ tên cán bộ")
    s.add_argument("--role", choices=list(ROLES), required=True)
    s.set_defaults(handler=user_add)
    s = sub.add_parser("list")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=user_list)
    s = sub.add_parser("passwd", help="đổi mật khẩu (mật khẩu mới từ $MOTCUA_NEW_PASSWORD hoặc được hỏi; "
                                      "đổi mật khẩu của chính mình cần mật khẩu hiện tại, từ $MOTCUA_OLD_PASSWORD "
                                      "hoặc được hỏi)")
    s.add_argument("username")
    s.set_defaults(handler=user_passwd)
    for name, handler in (("unlock", user_unlock), ("disable", user_disable), ("enable", user_enable)):
        s = sub.add_parser(name)
        s.add_argument("username")
        s.set_defaults(handler=handler)

    p = commands.add_parser("officers", help="số liệu theo cán bộ")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=officer_figures)

    p = commands.add_parser("audit", help="nhật ký kiểm tra")
    p.add_argument("--limit", type=whole(1, 10_000), default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=audit_list)

    p = commands.add_parser("backups", help="các bản sao lưu tự động")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=backup_list)

    p = commands.add_parser("restore", help="khôi phục từ một bản sao lưu")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=restore)


def user_add(session, args) -> None:
    account = accounts.create(session, args.username, args.name, args.role,
                              password("Mật khẩu mới: ", "MOTCUA_NEW_PASSWORD"))
    line(f"Đã tạo tài khoản {account['username']} ({ROLES[account['role']]}).")


def user_list(session, args) -> None:
    session.require("accounts")
    found = accounts.all_accounts(session)
    if args.json:
        emit_json(found)
        return
    for account in found:
        state = "hoạt động" if account["active"] else "đã khóa"
        line(f"{account['username']:<16} {ROLES[account['role']]:<16} {account['full_name']} ({state})")


def user_passwd(session, args) -> None:
    """One's own password needs the current one first; an admin resets another's without it."""
    current = password("Mật khẩu hiện tại: ", "MOTCUA_OLD_PASSWORD") if accounts.is_own(session,
                                                                                        args.username) else None
    accounts.change_password(session, args.username, password("Mật khẩu mới: ", "MOTCUA_NEW_PASSWORD"), current)
    line(f"Đã đổi mật khẩu của {args.username}.")


def user_unlock(session, args) -> None:
    accounts.unlock(session, args.username)
    line(f"Đã mở khóa tài khoản {args.username}.")


def user_disable(session, args) -> None:
    accounts.set_active(session, args.username, False)
    line(f"Đã vô hiệu hóa tài khoản {args.username}.")


def user_enable(session, args) -> None:
    accounts.set_active(session, args.username, True)
    line(f"Đã kích hoạt lại tài khoản {args.username}.")


def officer_figures(session, args) -> None:
    rows = figures(session, Period.month(*parse_month(args.month)))
    if args.json:
        emit_json(rows)
        return
    for row in rows:
        rate = "—" if row["satisfaction_rate"] is None else f"{row['satisfaction_rate']:.0%}"
        line(f"{row['officer']}: tiếp nhận {row['received']}, trả {row['returned']}, trễ hạn {row['late']}, "
             f"hài lòng {rate} ({row['rated_citizen']} đánh giá do công dân tự chọn, "
             f"{row['rated_officer']} do cán bộ nhập)")


def audit_list(session, args) -> None:
    session.require("reports")
    rows = audit.recent(session, args.limit)
    if args.json:
        emit_json(rows)
        return
    for row in rows:
        line(f"{row['id']:>8}  {row['at'].replace('T', ' ')}  {row['officer']:<16} {row['action']:<22} {row['target']}")


def backup_list(session, args) -> None:
    session.require("backup")
    found = backups.listed(session)
    if args.json:
        emit_json([{"file": str(b["path"]), "at": b["at"].isoformat(), "label": b["label"],
                    "recorded": b["recorded"]} for b in found])
        return
    for backup in found:
        note = "" if backup["recorded"] else "  (không có trong sổ sao lưu của motcua)"
        line(f"{backup['at']:%d/%m/%Y %H:%M:%S}  {backup['path']}{note}")


def restore(session, args) -> None:
    result = backups.restore(session, args.file)
    if args.json:
        emit_json(result)
        return
    for text in backups.restore_summary(result):
        line(text)
