"""keys, package, ack: the workstation's key, the province package, the province's acknowledgements."""

from pathlib import Path

from counter import acks, keys, package, peers
from counter.cli.output import emit_json, line


def register(commands) -> None:
    p = commands.add_parser("keys", help="khóa ký số của máy trạm")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("show", help="mã khóa (đọc qua điện thoại cho tỉnh hoặc quầy khác đối chiếu)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=keys_show)
    s = sub.add_parser("export", help="ghi tệp đăng ký khóa gửi tỉnh")
    s.add_argument("-o", "--out", type=Path, required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=keys_export)
    s = sub.add_parser("rotate", help="tạo khóa mới, được khóa cũ chứng nhận")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=keys_rotate)
    s = sub.add_parser("approve", help="duyệt khóa của một quầy khác cùng đơn vị (đồng bộ)")
    s.add_argument("fingerprint")
    s.add_argument("--name", default="", help="tên quầy, ví dụ «Quầy 2 – Đất đai»")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=keys_approve)

    p = commands.add_parser("package", help="gói dữ liệu của tỉnh (danh mục, lịch, khóa)")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("import", help="nhập gói dữ liệu của tỉnh")
    s.add_argument("file", type=Path)
    s.add_argument("--confirm", metavar="FINGERPRINT", help="mã khóa của tỉnh đã đối chiếu (lần nhập đầu tiên)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=package_import)

    p = commands.add_parser("ack", help="xác nhận của tỉnh về các lần xuất đã nhận")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("import", help="ghi nhận tệp xác nhận của tỉnh")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=ack_import)
    s = sub.add_parser("show", help="tỉnh đã nhận đến lần xuất nào")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=ack_show)


def keys_show(session, args) -> None:
    shown = keys.show(session)
    if args.json:
        emit_json(shown)
        return
    line(f"Khóa ký số của đơn vị {shown['unit']}, quầy {shown['workstation']}:")
    line(f"  Mã khóa: {shown['fingerprint']}")
    line(f"  Khóa công khai: {shown['public_key']}")
    line(f"  Tạo lúc: {shown['created_at'].replace('T', ' ')}; đã đổi khóa {shown['rotations']} lần")
    line(f"  Tệp khóa: {shown['file']} (chỉ tài khoản này đọc được; có trong mọi bản sao lưu)")


def keys_export(session, args) -> None:
    result = keys.export_enrolment(session, args.out)
    if args.json:
        emit_json(result)
        return
    line(f"Đã ghi tệp đăng ký khóa {result['file']} (đơn vị {result['unit']}, quầy {result['workstation']}).")
    line(f"Gửi tệp này cho tỉnh và đọc mã khóa {result['fingerprint']} qua điện thoại để tỉnh đối chiếu.")


def keys_rotate(session, args) -> None:
    shown = keys.rotate(session)
    if args.json:
        emit_json(shown)
        return
    line(f"Đã tạo khóa mới, mã khóa {shown['fingerprint']}. Lần xuất tới mang chứng nhận đổi khóa; tỉnh nhận khóa mới "
         "từ tệp đó.")


def keys_approve(session, args) -> None:
    result = peers.approve(session, args.fingerprint, args.name)
    if args.json:
        emit_json(result)
        return
    if result["new"]:
        line(f"Đã duyệt khóa {result['fingerprint']}: từ nay nhận dữ liệu đồng bộ của quầy này.")
    else:
        line(f"Khóa {result['fingerprint']} đã được duyệt từ trước.")


def package_import(session, args) -> None:
    result = package.import_package(session, args.file, args.confirm)
    if args.json:
        emit_json(result)
        return
    if result["pinned_now"]:
        line(f"Đã ghi nhận khóa của tỉnh {result['province_fingerprint']}: từ nay chỉ nhận gói và xác nhận ký bằng "
             "khóa này.")
    line(f"Đã áp dụng gói số {result['sequence']} của tỉnh.")
    line(f"Thủ tục thêm mới: {len(result['procedures_added'])}"
         + (f" ({', '.join(result['procedures_added'][:20])}{'…' if len(result['procedures_added']) > 20 else ''})"
            if result["procedures_added"] else ""))
    line(f"Thủ tục thay đổi: {len(result['procedures_changed'])}"
         + (f" ({', '.join(result['procedures_changed'][:20])}{'…' if len(result['procedures_changed']) > 20 else ''})"
            if result["procedures_changed"] else ""))
    line(f"Ngày trong lịch: {result['calendar_days']}")
    for moved in result["due_dates_moved"]:
        line(f"  Hồ sơ {moved['code']}: hạn giải quyết {moved['old_due_at'].replace('T', ' ')} → "
             f"{moved['new_due_at'].replace('T', ' ')}")
    line(f"Từ nay các tệp xuất được mã hóa cho tỉnh (khóa {result['encryption_fingerprint']}).")


def ack_import(session, args) -> None:
    result = acks.import_ack(session, args.file)
    if args.json:
        emit_json(result)
        return
    if not result["new"]:
        line("Tệp xác nhận này đã được ghi nhận trước đây.")
    line(acks.line(result))


def ack_show(session, args) -> None:
    session.require("view")
    session.require_unit()
    result = acks.status(session)
    if args.json:
        emit_json(result)
        return
    line(acks.line(result))
