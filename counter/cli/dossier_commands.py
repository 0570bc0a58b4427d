"""receive, show, edit, supplement, resume, reject, stop, result, return, digitize,
apologize, complain, late, flags, guide, guides, search."""

from pathlib import Path

from counter import applicant_details, corrections, digitization, dossiers, fees, guidance, intake, lifecycle, private
from counter.cli.arguments import whole
from counter.cli.output import JUDGED, dossier_summary, dossier_text, emit_json, line, when
from counter.clock import now, parse_month, parse_time
from counter.dossier import APOLOGY_STATES, CHANNELS, PAYMENTS, RATED_BY, RATINGS, RETURN_CHANNELS, SEXES
from counter.indicators import Period
from counter.search import search
from counter.text import clean_text
from printing import forms

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
    p.add_argument("--reuse-applicant", action="store_true",
                   help="lấy thông tin người nộp từ hồ sơ trước (theo CCCD hoặc số điện thoại)")
    p.add_argument("--birth-date", default="", help="ngày sinh YYYY-MM-DD (từ mã QR của CCCD)")
    p.add_argument("--sex", choices=list(SEXES), default="", help="giới tính: nam hoặc nu")
    p.add_argument("--representative-name", default="", help="người được ủy quyền (nếu có)")
    p.add_argument("--representative-id", default="", help="số định danh của người được ủy quyền")
    p.add_argument("--representative-phone", default="", help="số điện thoại của người được ủy quyền")
    p.add_argument("--payment", choices=list(PAYMENTS), help="hình thức nộp phí, lệ phí")
    p.add_argument("--fee-receipt", default="", help="số biên lai thu phí, lệ phí")
    _at(p)
    _json(p)
    p.set_defaults(handler=receive)

    p = commands.add_parser("show", help="xem hồ sơ")
    p.add_argument("code")
    _json(p)
    p.set_defaults(handler=show)

    p = commands.add_parser("edit", help="sửa thông tin hồ sơ")
    p.add_argument("code")
    p.add_argument("--field", required=True,
                   choices=list(corrections.EDITABLE) + [f.replace("_", "-") for f in corrections.EDITABLE if "_" in f])
    p.add_argument("--value", required=True)
    p.add_argument("--reason", required=True)
    _json(p)
    p.set_defaults(handler=edit)

    p = commands.add_parser("supplement", help="yêu cầu bổ sung hồ sơ")
    p.add_argument("code")
    p.add_argument("--reason", required=True)
    p.add_argument("--missing", action="append", default=[],
                   help="giấy tờ cần bổ sung: số thứ tự trong thành phần hồ sơ của thủ tục, hoặc tên (lặp lại)")
    p.add_argument("--repeat-reason", default="",
                   help="lý do phải yêu cầu bổ sung lần nữa (lần thứ hai trở đi; lãnh đạo đơn vị)")
    _at(p)
    _json(p)
    p.set_defaults(handler=supplement)

    for name, text, handler in (
        ("reject", "từ chối giải quyết hồ sơ", reject),
        ("stop", "dừng giải quyết theo đề nghị của người nộp", stop),
        ("complain", "ghi nhận phản ánh, kiến nghị của người dân về hồ sơ", complain),
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
    p.add_argument("--rating-by", choices=list(RATED_BY),
                   help="ai đánh giá: citizen (công dân tự chọn) hoặc officer (cán bộ nhập; mặc định)")
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

    p = commands.add_parser("flags", help="bước xử lý vi phạm thời hạn, số lần (cho lãnh đạo đơn vị)")
    p.add_argument("--month", required=True, help="YYYY-MM")
    _json(p)
    p.set_defaults(handler=flags)

    p = commands.add_parser("guide", help="hướng dẫn hồ sơ chưa đủ (không tiếp nhận): ghi sổ hướng dẫn")
    p.add_argument("--procedure", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--id-number", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--address", default="")
    p.add_argument("--missing", nargs="+", action="extend", default=[],
                   help="giấy tờ còn thiếu: số thứ tự trong thành phần hồ sơ, hoặc tên")
    p.add_argument("--refuse", default="", help="lý do từ chối tiếp nhận (in Mẫu 03 thay cho Mẫu 02)")
    p.add_argument("-o", "--out", type=Path, help="in ngay phiếu ra tệp PDF")
    _at(p)
    _json(p)
    p.set_defaults(handler=guide)

    p = commands.add_parser("guides", help="sổ hướng dẫn của một tháng")
    p.add_argument("--month", required=True, help="YYYY-MM")
    _json(p)
    p.set_defaults(handler=guides)

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
        birth_date=args.birth_date, sex=args.sex,
        representative=applicant_details.Representative(args.representative_name, args.representative_id,
                                                        args.representative_phone),
        payment=args.payment, fee_receipt=args.fee_receipt, reuse_applicant=args.reuse_applicant,
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
    dossier = lifecycle.request_supplement(session, args.code, args.reason, _time(args.at), missing=args.missing,
                                           repeat_reason=args.repeat_reason)
    if args.json:
        emit_json(dossier.as_dict(now()))
        return
    line(f"Đã yêu cầu bổ sung hồ sơ {dossier.code}.")
    for warning in _supplement_warnings(dossier):
        line(f"Lưu ý: {warning}")


def _supplement_warnings(dossier) -> list[str]:
    found = []
    if dossier.late_at_supplement:
        found.append("yêu cầu bổ sung sau khi đã quá hạn giải quyết: hồ sơ vẫn tính là trễ hạn.")
    if dossier.supplement_late:
        found.append("yêu cầu bổ sung quá 3 ngày làm việc kể từ khi tiếp nhận; đã ghi để lãnh đạo đơn vị xem.")
    if dossier.supplement_repeat:
        found.append(f"đây là lần yêu cầu bổ sung thứ {dossier.supplements}; đã ghi để lãnh đạo đơn vị xem.")
    return found


def resume(session, args) -> None:
    dossier = lifecycle.resume(session, args.code, _time(args.at))
    _done(args, dossier, f"Đã nhận hồ sơ bổ sung; hạn mới {when(dossier.due_at)} cho hồ sơ")


def reject(session, args) -> None:
    _done(args, lifecycle.reject(session, args.code, args.reason, _time(args.at)), "Đã từ chối hồ sơ")


def stop(session, args) -> None:
    _done(args, lifecycle.stop(session, args.code, args.reason, _time(args.at)), "Đã dừng giải quyết hồ sơ")


def complain(session, args) -> None:
    dossier = lifecycle.complain(session, args.code, args.reason, _time(args.at))
    _done(args, dossier, f"Đã ghi nhận phản ánh, kiến nghị thứ {dossier.complaints} về hồ sơ")


def result(session, args) -> None:
    dossier = lifecycle.record_result(session, args.code, _time(args.at), args.file)
    assert dossier.timeliness is not None, "a recorded result is always judged"
    judged = JUDGED[dossier.timeliness]
    _done(args, dossier, f"Đã ghi nhận kết quả ({judged}) của hồ sơ")


def return_command(session, args) -> None:
    dossier = lifecycle.return_result(session, args.code, _time(args.at), args.to, args.channel, args.rating,
                                      args.rating_by)
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
    if dossier.apology_late and not args.json:
        line("Lưu ý: văn bản xin lỗi muộn hơn 1 ngày làm việc trước hạn giải quyết; đã ghi để lãnh đạo đơn vị xem.")


def late(session, args) -> None:
    as_of = _time(args.as_of) or now()
    found = lifecycle.late(session, as_of)
    if args.json:
        emit_json([d.as_dict(as_of, with_documents=False) for d in found])
        return
    for dossier in found:
        apology = APOLOGY_STATES[dossier.apology_state].lower()
        line(dossier_summary(dossier) + f"  hạn {when(dossier.due_at)}  {apology}")
    line(f"Có {len(found)} hồ sơ trễ hạn hoặc quá hạn tại {when(as_of)}.")


FLAG_LABELS = {
    "late_at_supplement": "yêu cầu bổ sung sau khi đã quá hạn",
    "supplement_late": "yêu cầu bổ sung quá 3 ngày làm việc",
    "supplement_repeat": "yêu cầu bổ sung lần thứ hai trở đi", "apology_late": "xin lỗi muộn",
}


def flags(session, args) -> None:
    year, month = parse_month(args.month)
    period = Period.month(year, month)
    found = lifecycle.flagged(session, period.start, period.end)
    if args.json:
        emit_json(found)
        return
    for item in found:
        what = ", ".join(FLAG_LABELS[flag] for flag in item["flags"])
        line(f"{item['at'].replace('T', ' ')}  {item['code']}  {item['officer']}: {what} — {item['reason']}"
             + (f" (lý do: {item['repeat_reason']})" if item["repeat_reason"] else ""))
    line(f"Có {len(found)} bước xử lý cần lãnh đạo đơn vị xem trong tháng {month:02d}/{year}.")


def guide(session, args) -> None:
    def slip(entry_id: int) -> None:
        # Private, like every printed form: the slip carries the citizen's CCCD and phone.
        private.write_file(args.out, forms.guidance_pdf(session, entry_id))

    entry = guidance.guide(session, args.procedure, args.name, args.missing, args.refuse, args.id_number,
                           args.phone, args.address, _time(args.at), then=slip if args.out else None)
    if args.json:
        emit_json(dict(entry.as_dict(), file=str(args.out) if args.out else None))
        return
    what = "từ chối tiếp nhận" if entry.refusal else "hướng dẫn bổ sung, hoàn thiện hồ sơ"
    line(f"Đã ghi sổ hướng dẫn lượt số {entry.id} ({what}); hồ sơ không được tiếp nhận, không có mã hồ sơ.")
    line(f"Đã ghi {args.out}." if args.out else f"In phiếu: print guide {entry.id} -o TỆP.pdf")


def guides(session, args) -> None:
    year, month = parse_month(args.month)
    found = guidance.between(session, Period.month(year, month))
    if args.json:
        emit_json([entry.as_dict() for entry in found])
        return
    for entry in found:
        what = f"từ chối: {entry.refusal}" if entry.refusal else "thiếu: " + "; ".join(entry.missing)
        line(f"{entry.id:>5}  {when(entry.at)}  {entry.applicant_name}  {entry.procedure_name}  {what}")
    line(f"Tháng {month:02d}/{year}: {len(found)} lượt hướng dẫn, không tính là hồ sơ tiếp nhận.")


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


