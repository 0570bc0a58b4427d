"""The command line: `python main.py [--db PATH] COMMAND …`.

The same services as the desktop app, for scripts and province IT staff.
Command names, options and JSON keys are a contract (README.md): add, never
rename. Bad input prints one Vietnamese line on stderr, exits non-zero and
changes nothing.

Arguments that are not valid UTF-8 reach Python as lone surrogates
(PEP 383); they, and NUL (which no real command line carries), are refused
here, before a database is opened, whatever the command. Messages echo what
was typed with control characters escaped, so they stay one line and cannot
drive the terminal.
"""

import argparse
import functools
import os
import sys
from pathlib import Path

from counter import accounts, private
from counter.cli import (
    account_commands,
    dossier_commands,
    export_commands,
    key_commands,
    maintenance_commands,
    print_commands,
    province_commands,
    setup_commands,
    sync_commands,
    wording_commands,
)
from counter.cli.output import printable
from counter.cli.prompts import password
from counter.errors import CounterError
from counter.locations import default_database
from counter.province import server
from counter.session import Session
from counter.text import NAME, clean_text
from db.connection import DatabaseError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"Lỗi cú pháp lệnh: {printable(message)} (dùng --help để xem hướng dẫn)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="motcua", description="motcua — phần mềm Bộ phận Một cửa")
    parser.add_argument("--db", type=_database, help="tệp cơ sở dữ liệu (mặc định $MOTCUA_DB hoặc thư mục dữ liệu);"
                        " với các lệnh province cũng có thể là postgresql://USER@HOST/DB")
    parser.add_argument("--officer", help="tên cán bộ thực hiện (mặc định $MOTCUA_OFFICER)")
    parser.add_argument("--user", help="tên đăng nhập (mặc định $MOTCUA_USER); mật khẩu lấy từ $MOTCUA_PASSWORD"
                        " hoặc được hỏi")
    parser.add_argument("--demo", action="store_true", help="mở ứng dụng với cơ sở dữ liệu thử")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    for module in (setup_commands, dossier_commands, maintenance_commands, print_commands, wording_commands,
                   export_commands, province_commands, account_commands, key_commands, sync_commands):
        module.register(commands)
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """Built once per process: its ~80 sub-commands take 60 ms to build (argparse looks up its
    gettext catalogue for every one), more than a receipt takes to save."""
    return build_parser()


def parse(argv: list[str]) -> argparse.Namespace:
    """The parsed command; --officer and --user default to the environment as it is now."""
    args = _parser().parse_args(argv)
    if args.officer is None:
        args.officer = os.environ.get("MOTCUA_OFFICER")
    if args.user is None:
        args.user = os.environ.get("MOTCUA_USER")
    return args


def run(args: argparse.Namespace) -> int:
    """Run one parsed command; 0 on success, 1 with a Vietnamese line on stderr otherwise."""
    private.restrict_process()
    try:
        _refuse_undecodable(args)
        officer = clean_text(args.officer, "Tên cán bộ (--officer)", NAME) if args.officer else None
        if server.is_url(args.db):
            _check_server_command(args)
            with server.ServerSession(args.db, officer) as province:
                args.handler(province, args)
            return 0
        with Session(args.db or default_database(), officer) as session:
            if args.user:
                accounts.login(session, args.user, password("Mật khẩu: ", "MOTCUA_PASSWORD"))
            args.handler(session, args)
    except (CounterError, DatabaseError) as exc:
        print(f"Lỗi: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(printable(f"Lỗi: không đọc/ghi được tệp {exc.filename or ''}: {exc.strerror or exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    return 0


def _database(text: str) -> Path | str:
    """A SQLite file's path, or a PostgreSQL server's address kept as typed (a Path would fold its //)."""
    return text if server.is_url(text) else Path(text)


def _check_server_command(args: argparse.Namespace) -> None:
    """A PostgreSQL address serves the province commands, whose users the server authenticates."""
    if args.command != "province":
        raise CounterError("Địa chỉ PostgreSQL (--db postgresql://…) chỉ dùng cho các lệnh «province».",
                           "a PostgreSQL --db serves the province commands only")
    if args.user:
        raise CounterError("Với máy chủ PostgreSQL, người dùng là người dùng trong địa chỉ --db (mật khẩu trong"
                           " PGPASSWORD hoặc ~/.pgpass), không dùng --user/MOTCUA_USER.",
                           "on a PostgreSQL server the user is the one in the --db address; --user is not used")


def _refuse_undecodable(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, Path)) and _undecodable(str(item)):
                raise CounterError(
                    f"Tham số «{name}» không phải văn bản UTF-8 hợp lệ (kể cả tên tệp); hãy gõ lại hoặc đổi tên tệp.",
                    f"argument {name} is not valid UTF-8",
                )


def _undecodable(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" or ch == "\x00" for ch in text)

