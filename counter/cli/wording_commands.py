"""wording list FORM [--json], wording set FORM KEY TEXT, wording reset FORM [KEY]."""

from counter.cli.output import emit_json, line
from printing import unit_wording as wording
from printing.forms import FORM_LABELS


def register(commands) -> None:
    p = commands.add_parser("wording", help="sửa câu chữ trên biểu mẫu của đơn vị")
    sub = p.add_subparsers(dest="action", required=True)
    forms = ", ".join(wording.FORMS)
    s = sub.add_parser("list", help="xem câu chữ của một biểu mẫu")
    s.add_argument("form", help=forms)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=wording_list)
    s = sub.add_parser("set", help="sửa một dòng; dòng nhiều phần ngăn cách bằng « | »")
    s.add_argument("form", help=forms)
    s.add_argument("key")
    s.add_argument("text")
    s.set_defaults(handler=wording_set)
    s = sub.add_parser("reset", help="trả một dòng (hoặc cả biểu mẫu) về câu chữ mặc định")
    s.add_argument("form", help=forms)
    s.add_argument("key", nargs="?")
    s.set_defaults(handler=wording_reset)


def wording_list(session, args) -> None:
    lines = wording.lines(session, args.form)
    if args.json:
        emit_json({"form": args.form, "lines": [
            {"key": item.key, "default": item.default, "override": item.override, "effective": item.effective,
             "fields": item.fields} for item in lines]})
        return
    line(f"{FORM_LABELS[args.form]} (* = đơn vị đã sửa):")
    for item in lines:
        line(f"{'*' if item.override is not None else ' '} {item.key} = {item.effective}")
        if item.override is not None:
            line(f"    (mặc định: {item.default})")


def wording_set(session, args) -> None:
    item = wording.set_line(session, args.form, args.key, args.text)
    default = " (câu chữ mặc định)" if item.override is None else ""
    line(f"Đã lưu {args.form} {item.key} = «{item.effective}»{default}.")


def wording_reset(session, args) -> None:
    keys = wording.reset(session, args.form, args.key)
    if keys:
        line(f"Đã trả về câu chữ mặc định của {args.form}: {', '.join(keys)}.")
    else:
        line(f"{FORM_LABELS[args.form]} không có dòng nào đã sửa cần trả về mặc định.")
