"""receive, show, edit, supplement, resume, reject, stop, result, return, digitize,
apologize, late, search."""

from counter import corrections, digitization, dossiers, fees, intake, lifecycle
from counter.cli.arguments import whole
from counter.cli.output import dossier_summary, dossier_text, emit_json, line, when
from counter.clock import now, parse_time
from counter.dossier import CHANNELS, RATINGS, RETURN_CHANNELS
from counter.search import search
from counter.text import clean_text

SEARCH_TEXT = 200
MAX_RESULTS = 10_000


def register(commands) -> None:
    p = commands.add_parser("receive", help="tiếp nhận hồ sơ")
    p.add_argument("--procedure", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--id-number", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--address", default="")
    p.add_argument("--email", default="")
    p.add_argument("--channel", choices=list(CHANNELS), default="counter")
    p.add_argument("--fee", default=None, help="phí, lệ phí (đồng); mặc định theo danh mục")
    p.add_argument("--document", action="append", help="giấy tờ nộp (lặp lại); mặc định theo danh mục")
    p.add_argument("--reuse", action="store_true", help="dùng lại bản số hóa giấy tờ của hồ sơ trước")
    _at(p)
    _json(p)
    p.set_defaults(handler=receive)

    p = commands.add_parser("show", help="xem hồ sơ")
    p.add_argument("code")
    _json(p)
    p.set_defaults(handler=show)

    p = commands.add_parser("edit", help="sửa thông tin hồ sơ")
    p.add_argument("code")
    p.add_argument("--field", required=True, choices=list(corrections.EDITABLE) + ["id-number"])
    p.add_argument("--value", required=True)
    p.add_argument("--reason", required=True)
    _json(p)
    p.set_defaults(handler=edit)

    for name, text, handler in (
        ("supplement", "yêu cầu bổ sung hồ sơ", supplement),
        ("reject", "từ chối giải quyết hồ sơ", reject),
        ("stop", "dừng giải quyết theo đề nghị của người nộp", stop),
    ):
        p = commands.add_parser(name, help=text)
        p.add_argument("code")
        p.add_argument("--reason", required=True)
        _at(p)
        _json(p)
        p.set_defaults(handler=handler)

    p = commands.add_parser("resume", help="nhận hồ sơ đã bổ sung (tính lại thời hạn từ đầu)")
    p.add_argument("code")
    _at(p)
    _json(p)
    p.set_defaults(handler=resume)

    p = commands.add_parser("result", help="ghi nhận kết quả giải quyết")
    p.add_argument("code")
    p.add_argument("--file", help="bản điện tử của kết quả")
    _at(p)
    _json(p)
    p.set_defaults(handler=result)

    p = commands.add_parser("return", help="trả kết quả")
    p.add_argument("code")
    p.add_argument("--to", default="", help="người nhận kết quả")
    p.add_argument("--channel", choices=list(RETURN_CHANNELS), default="counter")
    p.add_argument("--rating", choices=list(RATINGS))
    _at(p)
    _json(p)
    p.set_defaults(handler=return_command)

    p = commands.add_parser("digitize", help="số hóa giấy tờ hoặc kết quả")
    p.add_argument("code")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--document", type=whole(1, intake.MAX_DOCUMENTS))
    which.add_argument("--result", action="store_true")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--file")
    how.add_argument("--not-required", action="store_true")
    _json(p)
    p.set_defaults(handler=digitize)

    p = commands.add_parser("apologize", help="xin lỗi và hẹn lại ngày trả kết quả")
    p.add_argument("code")
    p.add_argument("--new-due", required=True)
    p.add_argument("--reason", required=True)
    _at(p)
    _json(p)
    p.set_defaults(handler=apologize)

    p = commands.add_parser("late", help="hồ sơ trễ hạn hoặc quá hạn")
    p.add_argument("--as-of")
    _json(p)
    p.set_defaults(handler=late)

    p = commands.add_parser("search", help="tìm hồ sơ")
    p.add_argument("text")
    p.add_argument("--limit", type=whole(1, MAX_RESULTS), default=50)
    _json(p)
    p.set_defaults(handler=search_command)


def receive(session, args) -> None:
    documents = [intake.DocumentInput(name) for name in args.document] if args.document else None
    dossier = intake.receive(
        session, args.procedure, args.name, id_number=args.id_number, phone=args.phone,
        address=args.address, email=args.email, channel=args.channel,
        fee=None if args.fee is None else fees.parse_amount(args.fee),
        at=_time(args.at), documents=documents, reuse=args.reuse,
    )
    if args.json:
        emit_json(dossier.as_dict(now()))
        return
    line(f"Đã tiếp nhận hồ sơ {dossier.code} (sổ số {dossier.ledger_number}/{dossier.ledger_year}).")
    line(f"Hẹn trả kết quả: {when(dossier.appointment_at)}")


def show(session, args) -> None:
    session.require("view")
    dossier = dossiers.get(session, args.code)
    if args.json:
        emit_json(dict(dossier.as_dict(now()), events=dossiers.events(session, dossier)))
        return
    line(dossier_text(dossier, now()))
    line("Diễn biến:")
    for event in dossiers.events(session, dossier):
        line(f"  {event['at'].replace('T', ' ')}  {event['kind']}  {event['officer']}")


def edit(session, args) -> None:
    _done(args, corrections.edit(session, args.code, args.field, args.value, args.reason), "Đã sửa hồ sơ")


def supplement(session, args) -> None:
    dossier = lifecycle.request_supplement(session, args.code, args.reason, _time(args.at))
    _done(args, dossier, "Đã yêu cầu bổ sung hồ sơ")


def resume(session, args) -> None:
    dossier = lifecycle.resume(session, args.code, _time(args.at))
    _done(args, dossier, f"Đã nhận hồ sơ bổ sung; hạn mới {when(dossier.due_at)} cho hồ sơ")


def reject(session, args) -> None:
    _done(args, lifecycle.reject(session, args.code, args.reason, _time(args.at)), "Đã từ chối hồ sơ")


def stop(session, args) -> None:
    _done(args, lifecycle.stop(session, args.code, args.reason, _time(args.at)), "Đã dừng giải quyết hồ sơ")


def result(session, args) -> None:
    dossier = lifecycle.record_result(session, args.code, _time(args.at), args.file)
    judged = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}[dossier.timeliness]
    _done(args, dossier, f"Đã ghi nhận kết quả ({judged}) của hồ sơ")


def return_command(session, args) -> None:
    dossier = lifecycle.return_result(session, args.code, _time(args.at), args.to, args.channel, args.rating)
    _done(args, dossier, "Đã trả kết quả hồ sơ")


def digitize(session, args) -> None:
    dossier = digitization.attach(
        session, args.code, document=args.document, result=args.result, file=args.file,
        not_required=args.not_required,
    )
    _done(args, dossier, "Đã cập nhật số hóa hồ sơ")


def apologize(session, args) -> None:
    new_due = parse_time(args.new_due, "ngày hẹn mới")
    dossier = lifecycle.apologize(session, args.code, new_due, args.reason, _time(args.at))
    _done(args, dossier, f"Đã hẹn lại {when(dossier.appointment_at)} cho hồ sơ")


def late(session, args) -> None:
    as_of = _time(args.as_of) or now()
    found = lifecycle.late(session, as_of)
    if args.json:
        emit_json([d.as_dict(as_of, with_documents=False) for d in found])
        return
    for dossier in found:
        line(dossier_summary(dossier) + f"  hạn {when(dossier.due_at)}")
    line(f"Có {len(found)} hồ sơ trễ hạn hoặc quá hạn tại {when(as_of)}.")


def search_command(session, args) -> None:
    found = search(session, clean_text(args.text, "Nội dung tìm kiếm", SEARCH_TEXT), args.limit)
    if args.json:
        emit_json([d.as_dict(now(), with_documents=False) for d in found])
        return
    for dossier in found:
        line(dossier_summary(dossier))
    line(f"Tìm thấy {len(found)} hồ sơ.")


def _done(args, dossier, message: str) -> None:
    if args.json:
        emit_json(dossier.as_dict(now()))
    else:
        line(f"{message} {dossier.code}.")


def _at(parser) -> None:
    parser.add_argument("--at", help="thời điểm YYYY-MM-DD HH:MM (mặc định: bây giờ)")


def _json(parser) -> None:
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _time(text):
    return parse_time(text) if text else None


