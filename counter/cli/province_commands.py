"""province import, show, report, late, publish: the province's side.

The province reads files from every unit, so anything may reach it: every
failure of these commands ends as one line for the officer, never a
traceback, and an import that fails commits nothing.
"""

import functools
import sys
from pathlib import Path

from counter import package
from counter.cli.output import dossier_text, emit_json, line
from counter.clock import now
from counter.dossier import APOLOGY_STATES
from counter.errors import CounterError
from counter.indicators import RATE_LABELS, TARGETS
from counter.province import dossiers, enrolment, figures, importing, late, publish, workbook
from counter.text import NAME, clean_text
from db.connection import DatabaseError

IMPORT_KEYS = ("files", "dossiers", "events", "gaps", "conflicts", "acks")


def register(commands) -> None:
    p = commands.add_parser("province", help="cấp tỉnh: nhập tệp của các đơn vị, báo cáo, hồ sơ trễ hạn")
    sub = p.add_subparsers(dest="action", required=True)

    s = sub.add_parser("import", help="nhập tệp xuất dữ liệu của các đơn vị")
    s.add_argument("files", nargs="+", type=Path)
    s.add_argument("--accept-unsigned", action="store_true",
                   help="nhận cả tệp định dạng 1 (không có chữ ký số), khi đã xác minh nguồn tệp; có ghi nhật ký")
    s.add_argument("--acks", type=Path, help="thư mục ghi tệp xác nhận gửi đơn vị (mặc định cạnh cơ sở dữ liệu)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(import_command))

    s = sub.add_parser("init-key", help="tạo khóa của tỉnh (một lần)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(init_key_command))

    s = sub.add_parser("enrol", help="đăng ký khóa của một máy trạm (tệp của «keys export»)")
    s.add_argument("file", type=Path)
    s.add_argument("--fingerprint", help="mã khóa đơn vị đọc qua điện thoại, để đối chiếu")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(enrol_command))

    s = sub.add_parser("keys", help="các khóa máy trạm đã đăng ký")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(keys_command))

    s = sub.add_parser("revoke", help="thu hồi khóa của một máy trạm")
    s.add_argument("fingerprint")
    s.add_argument("--reason", default="")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(revoke_command))

    s = sub.add_parser("package", help="gói danh mục, lịch và khóa của tỉnh gửi các đơn vị")
    s.add_argument("--catalogue", type=Path, help="tệp danh mục thủ tục (CSV hoặc XLSX)")
    s.add_argument("--calendar", type=Path, help="tệp lịch chính thức (CSV)")
    s.add_argument("-o", "--out", type=Path, required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(package_command))

    s = sub.add_parser("show", help="xem một hồ sơ cấp tỉnh đã nhận")
    s.add_argument("code")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(show_command))

    s = sub.add_parser("report", help="báo cáo theo đơn vị và toàn tỉnh")
    period = s.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", help="YYYY-MM")
    period.add_argument("--quarter", help="YYYY-Qn")
    s.add_argument("--json", action="store_true")
    s.add_argument("--xlsx", type=Path, help="ghi thêm tệp Excel")
    s.set_defaults(handler=_one_line(report_command))

    s = sub.add_parser("late", help="danh sách công khai hồ sơ trễ hạn của tháng")
    s.add_argument("--month", required=True, help="YYYY-MM")
    s.add_argument("--json", action="store_true")
    s.add_argument("--xlsx", type=Path, help="ghi thêm tệp Excel")
    s.set_defaults(handler=_one_line(late_command))

    s = sub.add_parser("publish", help="trang công khai của tháng (HTML tĩnh): số liệu, biểu đồ, hồ sơ trễ hạn")
    s.add_argument("--month", required=True, help="YYYY-MM")
    s.add_argument("-o", "--out", required=True, type=Path, help="thư mục ghi trang")
    s.add_argument("--authority", default="", help="cơ quan công bố, in ở đầu trang")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_one_line(publish_command))


def _one_line(handler):
    """Run a province command; an unexpected failure becomes a refusal (CounterError). An import
    commits only at its very end (counter/province/importing.py), so running it again is safe."""
    @functools.wraps(handler)
    def run(session, args) -> None:
        try:
            handler(session, args)
        except (CounterError, DatabaseError, OSError):
            raise
        except Exception as exc:
            text = " ".join(str(exc).split())[:300]
            raise CounterError(f"Lệnh dừng vì lỗi không lường trước ({type(exc).__name__}: {text}). Lệnh nhập chỉ lưu"
                               " khi đã nhập xong mọi tệp, và chạy lại không nhập trùng.",
                               f"unexpected {type(exc).__name__}") from None
    return run


def show_command(session, args) -> None:
    dossier, source = dossiers.get(session, args.code)
    history = dossiers.events(session, dossier.code)
    if args.json:
        emit_json(dict(dossier.as_dict(now()), source=source, events=history))
        return
    line(f"Đơn vị {source['unit']}, quầy {source['workstation']}, phiên bản {source['version']}")
    line(dossier_text(dossier, now()))
    line("Diễn biến:")
    for event in history:
        line(f"  {event['at'].replace('T', ' ')}  {event['kind']}  {event['officer']}")


def import_command(session, args) -> None:
    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} tệp", end="", file=sys.stderr, flush=True)

    result = importing.import_files(session, args.files, progress=None if args.json else progress,
                                    accept_unsigned=args.accept_unsigned, acks_folder=args.acks)
    if args.json:
        emit_json({key: result[key] for key in IMPORT_KEYS})
        return
    if result["files"]:
        print(file=sys.stderr)
    line(f"Đã nhập {result['files']} tệp: {result['dossiers']} hồ sơ mới hoặc cập nhật, {result['events']} sự kiện.")
    for path in result["skipped"]:
        line(f"Bỏ qua (đã nhập trước đây): {path}")
    for path in result["acks"]:
        line(f"Xác nhận gửi đơn vị: {path}")
    if not result["acks"] and enrolment.optional_own_keys(session) is None:
        line("Chưa ghi tệp xác nhận cho đơn vị: tỉnh chưa có khóa (province init-key).")
    for gap in result["gaps"]:
        missing = _runs(gap["missing"])
        line(f"Thiếu tệp: đơn vị {gap['unit']}, quầy {gap['workstation']}, lần xuất số {missing}")
    for conflict in result["conflicts"]:
        line(f"Xung đột, không nhập: {conflict['reason']} (tệp {conflict['file']})")


def init_key_command(session, args) -> None:
    result = enrolment.init_key(session)
    if args.json:
        emit_json(result)
        return
    line(f"Đã tạo khóa của tỉnh. Mã khóa ký: {result['signing_fingerprint']} (các đơn vị đối chiếu mã này khi nhập gói "
         "đầu tiên).")
    line(f"Khóa mã hóa: {result['encryption_fingerprint']}.")
    for path in result["files"]:
        line(f"Tệp khóa (giữ kín, chỉ tài khoản này đọc được): {path}")


def enrol_command(session, args) -> None:
    result = enrolment.enrol(session, args.file, args.fingerprint)
    if args.json:
        emit_json(result)
        return
    state = "đã đăng ký từ trước" if result["already"] else "đã đăng ký"
    line(f"Khóa {result['fingerprint']} của đơn vị {result['unit']}, quầy {result['workstation']}: {state}.")


def keys_command(session, args) -> None:
    rows = enrolment.keys(session)
    if args.json:
        emit_json(rows)
        return
    labels = {"active": "đang dùng", "rotated": "đã đổi khóa", "revoked": "đã thu hồi"}
    for row in rows:
        extra = f" từ lần xuất số {row['replaced_from_sequence']}" if row["status"] == "rotated" else ""
        extra += f" ngày {row['revoked_at'][:10]}" if row["revoked_at"] else ""
        line(f"{row['unit']} | quầy {row['workstation']} | {row['fingerprint']} | {labels[row['status']]}{extra}")
    line(f"Tổng cộng {len(rows)} khóa.")


def revoke_command(session, args) -> None:
    result = enrolment.revoke(session, args.fingerprint, args.reason)
    if args.json:
        emit_json(result)
        return
    line(f"Đã thu hồi khóa {result['fingerprint']} của đơn vị {result['unit']}, quầy {result['workstation']}: từ nay "
         "không nhận tệp nào ký bằng khóa này.")


def package_command(session, args) -> None:
    result = package.make(session, args.out, args.catalogue, args.calendar)
    if args.json:
        emit_json(result)
        return
    line(f"Đã ghi gói số {result['sequence']}: {result['file']} ({result['procedures']} thủ tục, "
         f"{result['calendar_days']} ngày trong lịch), ký bằng khóa {result['fingerprint']}.")


def report_command(session, args) -> None:
    result = figures.report(session, figures.period_of(args.month, args.quarter))
    if args.xlsx:
        workbook.report_workbook(result, args.xlsx)
    if args.json:
        emit_json(result)
        return
    line(f"Từ {result['from'][:10]} đến trước {result['to'][:10]}")
    line("Đơn vị | tiếp nhận | giải quyết (kết quả trước/đúng/trễ hạn; từ chối; dừng) | đã trả"
         " | đang giải quyết (quá hạn) | đúng hạn | tiến độ QĐ 766")
    for row in result["units"] + [dict(result["total"], unit="Toàn tỉnh", name="")]:
        line(f"{row['unit']} {row['name']} | {row['received']} | {row['resolved']} ({row['early']}/{row['on_time']}/"
             f"{row['late']}; {row['rejected']}; {row['stopped']}) | {row['returned']} | {row['in_progress']}"
             f" ({row['overdue']}) | {_percent(row['on_time_rate'])} | {_percent(row['progress_rate'])}")
        line("    " + " · ".join(_rate(row, key) for key in RATE_LABELS))
    line("Chỉ tiêu theo Kế hoạch 3/KH-UBND (2024): " + ", ".join(
        f"{RATE_LABELS[key].strip()} {target.text}" for key, target in TARGETS.items()) + "; (!) là chưa đạt.")
    if args.xlsx:
        line(f"Đã ghi {args.xlsx}")


def late_command(session, args) -> None:
    rows = late.late_list(session, figures.period_of(month=args.month))
    if args.xlsx:
        workbook.late_workbook(rows, args.month, args.xlsx)
    if args.json:
        emit_json(rows)
        return
    for row in rows:
        apology = APOLOGY_STATES[row["apology_state"]].lower()
        reason = f" | lý do: {row['reason']}" if row["reason"] else ""
        line(f"{row['unit_name']} | {row['code']} | {row['procedure_name']} | trễ {row['days_late']} ngày làm việc"
             f" | {apology}{reason}")
    line(f"Tổng cộng {len(rows)} hồ sơ trễ hạn.")
    if args.xlsx:
        line(f"Đã ghi {args.xlsx}")


def publish_command(session, args) -> None:
    authority = clean_text(args.authority, "Cơ quan công bố (--authority)", NAME) if args.authority else ""
    result = publish.publish(session, args.month, args.out, authority)
    if args.json:
        emit_json(result)
        return
    line(f"Đã ghi {result['file']}: {result['units']} đơn vị, {result['late']} hồ sơ trễ hạn.")


def _runs(numbers: list[int]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1–3, 5, 7–8": a long gap stays one short line."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _rate(row: dict, key: str) -> str:
    """"Label 87,5% (!)": the rate, marked where the unit falls short of the plan's target."""
    mark = " (!)" if key in row["short"] else ""
    return f"{RATE_LABELS[key].strip()} {_percent(row[key])}{mark}"


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"
