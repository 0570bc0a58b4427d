"""sync, sync status, sync conflicts, sync resolve: the unit's counters through a shared folder (issue 12), each
trusted once the unit admin approved its key fingerprint (`keys approve`, issue 13)."""

from counter import sync
from counter.cli.output import emit_json, line


def register(commands) -> None:
    p = commands.add_parser("sync", help="đồng bộ với các quầy khác của đơn vị qua thư mục đồng bộ")
    p.add_argument("--folder", help="thư mục đồng bộ (mặc định: thiết lập sync_folder)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=sync_now)
    sub = p.add_subparsers(dest="action")
    s = sub.add_parser("status", help="lần đồng bộ gần nhất và dữ liệu của từng quầy")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=sync_status)
    s = sub.add_parser("conflicts", help="các xung đột giữa các quầy, cho lãnh đạo đơn vị xử lý")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=sync_conflicts)
    s = sub.add_parser("resolve", help="đánh dấu một xung đột đã xử lý, ghi rõ lý do")
    s.add_argument("id")
    s.add_argument("--reason", required=True)
    s.set_defaults(handler=sync_resolve)


def sync_now(session, args) -> None:
    summary = sync.sync(session, args.folder)
    if args.json:
        emit_json(summary)
    else:
        if summary["problem"]:
            line(summary["problem"])
        else:
            line(f"Đã đồng bộ: gửi {summary['sent']} bản ghi, nhận {summary['received']} bản ghi.")
        for station in summary["workstations"]:
            name = f" ({station['name']})" if station["name"] else ""
            state = station["waiting"] or ("đủ" if station["applied"] >= station["last_seq"] else "chưa đủ")
            line(f"  Quầy {station['workstation']}{name}: nhận {station['events']}, "
                 f"đã có {station['applied']}/{station['last_seq']} ({state}); lần cuối {_when(station['last_seen'])}")
        if summary["conflicts"]:
            line(f"Có {summary['conflicts']} xung đột chờ lãnh đạo đơn vị xử lý (sync conflicts).")
        for item in summary["skipped"]:
            line(f"Bỏ qua {item['file']}: {item['reason']}")
        _unapproved(summary["workstations"])
        _warnings(summary.get("warnings", []))
    if summary["problem"]:
        raise SystemExit(1)


def sync_status(session, args) -> None:
    found = sync.status(session)
    if args.json:
        emit_json(found)
        return
    line(f"Thư mục đồng bộ: {found['folder'] or '(chưa chọn)'}")
    line(f"Quầy {found['workstation']} (mã máy {found['ws_id']}, mã khóa {found['fingerprint'] or '—'}): "
         f"{found['freshness']}.")
    if found["problem"]:
        line(found["problem"])
    for station in found["stations"]:
        if station["self"]:
            continue
        former = "" if station["current"] else " (máy cũ)"
        trust = "đã duyệt" if station["approved"] else "CHƯA DUYỆT"
        line(f"  Quầy {station['workstation']}{former} {station['name']}: đã có {station['applied']}/"
             f"{station['last_seq']}, lần cuối {_when(station['last_seen'])}; mã khóa "
             f"{station['fingerprint'] or '(không có chữ ký hợp lệ)'} ({trust})")
    _unapproved(found["unapproved"])
    _warnings(found["warnings"])
    if found["conflicts"]:
        line(f"Có {found['conflicts']} xung đột chờ xử lý.")


def sync_conflicts(session, args) -> None:
    listed = sync.conflicts(session)
    if args.json:
        emit_json(listed)
        return
    open_ones = [c for c in listed if not c["resolved"]]
    for c in open_ones:
        line(f"{c['id']}  {c['code']}  quầy {c['workstation'] or '?'}  {_when(c['at'])}  {c['reason']}")
    line(f"{len(open_ones)} xung đột chờ xử lý, {len(listed) - len(open_ones)} đã xử lý.")


def sync_resolve(session, args) -> None:
    done = sync.resolve(session, args.id, args.reason)
    line(f"Đã ghi nhận xử lý xung đột {done['id']} của hồ sơ {done['code']}.")


def _unapproved(stations: list[dict]) -> None:
    """The step the unit admin takes once per counter: compare its fingerprint with that counter's `keys show`."""
    waiting = [s for s in stations if not s["approved"] and s["fingerprint"]]
    if not waiting:
        return
    line("Dữ liệu của các quầy sau chưa được nhận vì khóa của quầy chưa được duyệt. Đối chiếu mã khóa với màn hình "
         "«keys show» của quầy đó rồi chạy:")
    for s in waiting:
        line(f"  keys approve {s['fingerprint']} --name \"{s['name'] or 'Quầy ' + str(s['workstation'])}\"")


def _warnings(warnings: list[dict]) -> None:
    for w in warnings:
        line(f"CẢNH BÁO {_when(w['at'])}: quầy {w['workstation']} ({w['name']}): {w['reason']}.")


def _when(value) -> str:
    return value.replace("T", " ")[:16] if value else "—"
