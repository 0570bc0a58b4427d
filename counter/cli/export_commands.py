"""export: the end-of-day file for the province."""

import sys
from pathlib import Path

from counter import backups
from counter.cli.output import emit_json, line
from counter.export import export_changes


def register(commands) -> None:
    p = commands.add_parser("export", help="xuất dữ liệu thay đổi từ lần xuất trước, gửi cấp tỉnh")
    p.add_argument("--out", type=Path, help="thư mục ghi tệp (mặc định: exports/ cạnh cơ sở dữ liệu)")
    p.add_argument("--with-files", action="store_true", help="kèm các tệp quét (mặc định chỉ ghi mã băm)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=export_command)


def export_command(session, args) -> None:
    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} hồ sơ", end="", file=sys.stderr, flush=True)

    result = export_changes(session, args.out, with_files=args.with_files, progress=None if args.json else progress)
    # The end-of-day export is one of the moments a verified backup is taken (issue 6).
    backup = backups.automatic(session, label="export")
    if args.json:
        emit_json({key: result[key] for key in ("file", "sequence", "dossiers", "events")})
        return
    print(file=sys.stderr)
    line(f"Đã xuất lần số {result['sequence']}: {result['dossiers']} hồ sơ, {result['events']} sự kiện.")
    line(f"Tệp: {result['file']}")
    if backup:
        line(f"Đã sao lưu: {backup}")
