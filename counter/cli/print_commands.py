"""print FORM CODE -o OUT.pdf, print guide ID -o OUT.pdf, print ledger --from DATE --to DATE -o OUT.pdf."""

from pathlib import Path

from counter import private
from counter.cli.arguments import whole
from counter.cli.output import line
from counter.clock import parse_date
from counter.codes import MAX_WORKSTATION
from printing import forms


def register(commands) -> None:
    p = commands.add_parser("print", help="in biểu mẫu ra tệp PDF")
    sub = p.add_subparsers(dest="form", required=True, metavar="FORM")
    for form in forms.FORMS:
        s = sub.add_parser(form, help=forms.FORM_LABELS[form])
        s.add_argument("code")
        _out(s)
        s.set_defaults(handler=print_form)
    s = sub.add_parser("guide", help="phiếu hướng dẫn (Mẫu 02) hoặc từ chối (Mẫu 03) của một lượt trong sổ hướng dẫn")
    s.add_argument("id", type=whole(1, 10**12), help="số lượt trong sổ hướng dẫn (lệnh guides)")
    _out(s)
    s.set_defaults(handler=print_guide)
    s = sub.add_parser("ledger", help="Sổ theo dõi hồ sơ")
    s.add_argument("--from", dest="start", required=True, help="ngày đầu YYYY-MM-DD")
    s.add_argument("--to", dest="end", required=True, help="ngày cuối YYYY-MM-DD (tính cả ngày này)")
    s.add_argument("--workstation", type=whole(1, MAX_WORKSTATION), default=None,
                   help="chỉ sổ của một quầy (mặc định cả đơn vị)")
    _out(s)
    s.set_defaults(handler=print_ledger)


def print_form(session, args) -> None:
    _write(args.out, forms.form_pdf(session, args.form, args.code))


def print_guide(session, args) -> None:
    _write(args.out, forms.guidance_pdf(session, args.id))


def print_ledger(session, args) -> None:
    start, end = parse_date(args.start, "ngày đầu"), parse_date(args.end, "ngày cuối")
    _write(args.out, forms.ledger_pdf(session, start, end, args.workstation))


def _out(parser) -> None:
    parser.add_argument("-o", "--out", required=True, type=Path, help="tệp PDF ghi ra")


def _write(path: Path, pdf: bytes) -> None:
    """Written only once the PDF is made, so a refused form leaves no file behind; private,
    since a form carries the applicant's CCCD, phone and address."""
    private.write_file(path, pdf)
    line(f"Đã ghi {path}.")
