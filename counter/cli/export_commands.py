"""export: the end-of-day file for the province."""

import sys
from pathlib import Path

from counter import backups
from counter.cli.arguments import whole
from counter.cli.output import emit_json, line
from counter.export import export_changes
from counter.export_archive import MAX_SEQUENCE


def register(commands) -> None:
    p = commands.add_parser("export", help="xuất dữ liệu thay đổi từ lần xuất trước, gửi cấp tỉnh")
    p.add_argument("--out", type=Path, help="thư mục ghi tệp (mặc định: exports/ cạnh cơ sở dữ liệu)")
    p.add_argument("--with-files", action="store_true", help="kèm các tệp quét (mặc định chỉ ghi mã băm)")
    p.add_argument("--resend", type=whole(1, MAX_SEQUENCE), metavar="SEQ",
                   help="ghi lại lần xuất số SEQ (tỉnh báo thiếu), cùng số thứ tự")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=export_command)


def export_command(session, args) -> None:
    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} hồ sơ", end="", file=sys.stderr, flush=True)

    result = export_changes(session, args.out, with_files=args.with_files, progress=None if args.json else progress,
                            resend=args.resend)
    # The end-of-day export is one of the moments a verified backup is taken (issue 6).
    backup = None if args.resend else backups.automatic(session, label="export")
    if args.json:
        emit_json(result)
        return
    print(file=sys.stderr)
    again = "Đã ghi lại" if result.resent else "Đã xuất"
    line(f"{again} lần số {result.sequence}: {result.dossiers} hồ sơ, {result.events} sự kiện.")
    line(f"Tệp: {result.file}")
    line(f"Ký bằng khóa {result.signed_by}"
         + ("; đã mã hóa cho tỉnh: mất USB cũng không lộ dữ liệu." if result.encrypted else
            "; chưa mã hóa (đơn vị chưa nhập gói của tỉnh): hãy giữ kín tệp này."))
    if backup:
        line(f"Đã sao lưu: {backup}")
