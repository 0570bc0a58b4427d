"""demo, backup, check."""

import sys

from counter import backups, demo, maintenance
from counter.cli.output import emit_json, line


def register(commands) -> None:
    p = commands.add_parser("demo", help="tạo dữ liệu thử")
    p.add_argument("--dossiers", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=demo_command)

    p = commands.add_parser("backup", help="sao lưu cơ sở dữ liệu (mặc định vào thư mục sao lưu tự động)")
    p.add_argument("--out", help="ghi vào một tệp MỚI (tệp có sẵn, thư mục, liên kết hay thiết bị bị từ chối)")
    p.set_defaults(handler=backup)

    p = commands.add_parser("check", help="kiểm tra toàn vẹn cơ sở dữ liệu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=check)


def demo_command(session, args) -> None:
    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} hồ sơ", end="", file=sys.stderr, flush=True)

    summary = demo.fill(session, args.dossiers, seed=args.seed, progress=None if args.json else progress)
    if args.json:
        emit_json(summary)
        return
    print(file=sys.stderr)
    line(f"Đã tạo {summary['dossiers']} hồ sơ thử từ {summary['from'][:10]} đến {summary['to'][:10]}.")


def backup(session, args) -> None:
    path = backups.make(session, args.out)
    line(f"Đã sao lưu và kiểm tra: {path}")


def check(session, args) -> None:
    """`partial`: dossiers whose old events let compare only some columns (counter/maintenance.py)."""
    session.require("view")
    found = maintenance.report(session)
    problems = found.problems
    if args.json:
        emit_json({"ok": not problems, "problems": problems, "partial": found.partial})
    else:
        for problem in problems:
            line(problem)
        if not problems:
            line("Cơ sở dữ liệu toàn vẹn.")
        for note in found.notes():
            line(f"Ghi chú: {note}")
    if problems:
        raise SystemExit(1)
