"""init, settings, catalog, calendar, due-date."""

import json
from dataclasses import asdict

from counter import catalogue, keys, unit
from counter.cli.arguments import whole
from counter.cli.output import emit_json, line, when
from counter.clock import FIRST_YEAR, LAST_YEAR, from_iso, iso, parse_date, parse_time
from counter.codes import MAX_WORKSTATION
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.settings import FORM_SETS, LEVELS
from counter.working_calendar import WEEKDAY_NAMES


def register(commands) -> None:
    p = commands.add_parser("init", help="khởi tạo đơn vị")
    p.add_argument("--unit-code", required=True)
    p.add_argument("--unit-name", required=True)
    p.add_argument("--level", choices=list(LEVELS), default=None)
    p.add_argument("--authority", default=None, help="cơ quan cấp trên, ví dụ UBND TỈNH BẮC NINH")
    p.add_argument("--place", default=None, help="địa danh ghi trên biểu mẫu")
    p.add_argument("--workstation", type=whole(1, MAX_WORKSTATION), default=None, help=f"số quầy (1-{MAX_WORKSTATION})")
    p.add_argument("--form-set", choices=list(FORM_SETS), default=None)
    p.add_argument("--starter-catalogue", action="store_true", help="nạp danh mục thủ tục mẫu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=init)

    p = commands.add_parser("settings", help="xem hoặc sửa thiết lập đơn vị")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("show")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=settings_show)
    s = sub.add_parser("set")
    s.add_argument("key")
    s.add_argument("value")
    s.set_defaults(handler=settings_set)

    p = commands.add_parser("catalog", help="danh mục thủ tục hành chính")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("import")
    s.add_argument("file", nargs="?")
    s.add_argument("--starter", action="store_true", help="danh mục thủ tục cấp xã kèm theo phần mềm")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=catalog_import)
    s = sub.add_parser("list")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=catalog_list)

    p = commands.add_parser("calendar", help="lịch làm việc")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("show")
    s.add_argument("year", type=whole(FIRST_YEAR, LAST_YEAR))
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=calendar_show)
    s = sub.add_parser("import")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=calendar_import)
    s = sub.add_parser("export")
    s.add_argument("file")
    s.set_defaults(handler=calendar_export)
    s = sub.add_parser("set", help="đặt một ngày nghỉ (off) hoặc làm việc (work) riêng của đơn vị")
    s.add_argument("date")
    s.add_argument("type", choices=["off", "work"])
    s.add_argument("--reason", default="")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=calendar_set)
    s = sub.add_parser("unset", help="bỏ một ngày riêng của đơn vị")
    s.add_argument("date")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=calendar_unset)

    p = commands.add_parser("due-date", help="tính hạn giải quyết")
    p.add_argument("--from", dest="start", required=True, help="thời điểm tiếp nhận YYYY-MM-DD HH:MM")
    p.add_argument("--days", type=whole(0, catalogue.MAX_DAYS), required=True)
    p.add_argument("--procedure", help="áp dụng giờ chốt riêng của thủ tục")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=due_date_command)


def init(session, args) -> None:
    changes = {"unit_code": args.unit_code, "unit_name": args.unit_name}
    for key in ("level", "authority", "place", "workstation", "form_set"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    settings = unit.configure(session, **changes)
    imported = catalogue.import_catalogue(session, catalogue.STARTER) if args.starter_catalogue else None
    station = keys.current(session)
    if args.json:
        emit_json({"settings": asdict(settings), "catalogue": imported, "key": station.fingerprint})
        return
    line(f"Đã khởi tạo đơn vị {settings.unit_name} ({settings.unit_code}), quầy số {settings.workstation}.")
    line(f"Khóa ký số của máy: {station.fingerprint} (keys export để đăng ký với tỉnh).")
    if imported:
        line(f"Đã nạp {imported['procedures']} thủ tục của danh mục mẫu.")


def settings_show(session, args) -> None:
    session.require("view")
    values = asdict(session.settings)
    if args.json:
        emit_json(values)
        return
    for key, value in values.items():
        line(f"{key} = {json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value}")


def settings_set(session, args) -> None:
    session.require_unit()
    unit.configure(session, **{args.key.replace("-", "_"): args.value})
    line(f"Đã lưu {args.key} = {getattr(session.settings, args.key.replace('-', '_'))}.")


def catalog_import(session, args) -> None:
    if bool(args.file) == bool(args.starter):
        raise CounterError("Chỉ định một tệp danh mục hoặc --starter.", "give a FILE or --starter")
    summary = catalogue.import_catalogue(session, catalogue.STARTER if args.starter else args.file)
    if args.json:
        emit_json(summary)
        return
    line(f"Đã nhập {summary['procedures']} thủ tục: {summary['added']} thêm mới, {summary['updated']} cập nhật.")


def catalog_list(session, args) -> None:
    session.require("view")
    procedures = catalogue.all_procedures(session)
    if args.json:
        emit_json([p.as_dict() for p in procedures])
        return
    for p in procedures:
        fee = "—" if p.fee is None else f"{p.fee:,} đ".replace(",", ".")
        line(f"{p.code:<12} {p.days:>3} ngày  {fee:>10}  {p.name}")
    line(f"Tổng cộng {len(procedures)} thủ tục.")


def calendar_show(session, args) -> None:
    session.require("view")
    calendar = session.calendar
    off, worked = calendar.exceptions(args.year)
    provisional, decisions = calendar.is_provisional(args.year), calendar.decisions(args.year)
    if args.json:
        emit_json({"year": args.year, "provisional": provisional, "decisions": decisions,
                   "non_working_weekdays": [_day(i) for i in off],
                   "working_weekend_days": [_day(i) for i in worked]})
        return
    if provisional:
        line(f"Lịch năm {args.year}: DỰ KIẾN — chưa có văn bản chính thức về ngày nghỉ năm {args.year}; "
             "các ngày dưới đây tính theo Bộ luật Lao động và có thể thay đổi.")
    else:
        line(f"Lịch năm {args.year}: chính thức, theo {'; '.join(decisions)}.")
    line(f"Ngày thường được nghỉ năm {args.year}:")
    for info in off:
        line(f"  {info.day:%d/%m/%Y} ({_weekday(info.day)}): {info.reason}")
    line(f"Ngày cuối tuần phải làm việc năm {args.year}:")
    for info in worked:
        line(f"  {info.day:%d/%m/%Y} ({_weekday(info.day)}): {info.reason}")


def calendar_import(session, args) -> None:
    before = session.calendar
    change = unit.import_calendar(session, args.file)
    after = session.calendar
    official = [year for year in sorted({day.year for day in after.overrides})
                if before.is_provisional(year) and not after.is_provisional(year)]
    if args.json:
        emit_json({"days": change.days, "official_years": official, "changed": _changed(change)})
        return
    line(f"Đã nhập {change.days} ngày vào lịch riêng của đơn vị.")
    for year in official:
        line(f"Năm {year} từ nay tính theo lịch chính thức ({'; '.join(after.decisions(year))}).")
    _recomputed(change)


def calendar_export(session, args) -> None:
    count = unit.export_calendar(session, args.file)
    line(f"Đã xuất {count} ngày của lịch riêng ra {args.file}.")


def calendar_set(session, args) -> None:
    change = unit.set_day(session, parse_date(args.date), args.type == "work", args.reason)
    override = change.override
    assert override is not None  # set_day always gives the day it set
    if args.json:
        emit_json({"date": override.day.isoformat(), "working": override.working, "reason": override.reason,
                   "changed": _changed(change)})
        return
    kind = "làm việc" if override.working else "nghỉ"
    line(f"Ngày {override.day:%d/%m/%Y}: {kind} ({override.reason}).")
    _recomputed(change)


def calendar_unset(session, args) -> None:
    day = parse_date(args.date)
    change = unit.unset_day(session, day)
    if args.json:
        emit_json({"date": day.isoformat(), "changed": _changed(change)})
        return
    line(f"Đã bỏ ngày {day:%d/%m/%Y} khỏi lịch riêng của đơn vị.")
    _recomputed(change)


def _changed(change) -> list[dict]:
    return [{"code": c["code"], "old_due_at": c["old_due_at"], "new_due_at": c["new_due_at"],
             "old_appointment_at": c["old_appointment_at"], "new_appointment_at": c["new_appointment_at"],
             "provisional": c["provisional"]} for c in change.changed]


def _recomputed(change) -> None:
    """The open dossiers whose due date the change moved: their citizens need a new appointment."""
    if not change.changed:
        return
    line(f"Đã tính lại hạn giải quyết của {len(change.changed)} hồ sơ đang giải quyết (in lại giấy hẹn):")
    for c in change.changed:
        moved = "" if c["new_appointment_at"] == c["new_due_at"] else " (giữ ngày hẹn đã xin lỗi)"
        line(f"  {c['code']}: hạn {when(from_iso(c['old_due_at']))} → {when(from_iso(c['new_due_at']))}"
             f"{' (dự kiến)' if c['provisional'] else ''}{moved}")


def due_date_command(session, args) -> None:
    start = parse_time(args.start, "thời điểm tiếp nhận")
    cutoff = catalogue.procedure(session, args.procedure).cutoff if args.procedure else None
    due = due_date(start, args.days, session.calendar, TimeRules.of(session.settings, cutoff))
    if args.json:
        emit_json({"received_at": iso(due.received_at), "clock_start_at": iso(due.clock_start),
                   "due_at": iso(due.due_at), "days": due.days, "provisional": due.provisional,
                   "explain": due.explain()})
        return
    line(f"Hạn giải quyết: {when(due.due_at)}{' (dự kiến)' if due.provisional else ''}")
    for step in due.steps:
        line("  " + step.text())


def _weekday(day) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def _day(info) -> dict:
    return {"date": info.day.isoformat(), "reason": info.reason, "source": info.source, "official": info.official}
