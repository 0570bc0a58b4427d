"""What a dossier's history and the audit trail say, as sentences an officer reads.

One builder per event kind (counter/transitions.py: EventKind) and per audit action, each
from the event's own detail, so no key or ISO time reaches the screen (issue 15): not
`due_at: 2026-12-16T07:30:00, channel: counter` but "Tiếp nhận trực tiếp; hạn giải quyết
07:30 ngày 16/12/2026". A detail a builder does not know is left out, never shown raw. One
word for each idea: "Trước hạn", "Đúng hạn", "Trễ hạn" wherever timeliness shows.
"""

from collections.abc import Callable
from datetime import date, datetime

from counter.dossier import CHANNELS, ONLINE_LEVELS, PAYMENTS, RATINGS, RETURN_CHANNELS, SEXES
from counter.roles import ROLES
from counter.settings import FORM_SETS, LEVELS
from counter.transitions import EVENT_LABELS, EventKind

TIMELINESS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Trễ hạn"}
# The fields a correction changes (counter/corrections.py: EDITABLE), as the dossier names them.
FIELDS = {"name": "Họ tên", "id_number": "Số CCCD/CMND", "phone": "Điện thoại", "address": "Địa chỉ",
          "email": "Email", "channel": "Kênh nộp", "fee": "Phí, lệ phí", "procedure": "Thủ tục",
          "birth_date": "Ngày sinh", "sex": "Giới tính", "representative_name": "Người được ủy quyền",
          "representative_id": "Số định danh người được ủy quyền",
          "representative_phone": "Điện thoại người được ủy quyền", "payment": "Hình thức nộp phí",
          "fee_receipt": "Số biên lai"}
SETTINGS = {
    "unit_code": "Mã định danh", "unit_name": "Tên đơn vị", "authority": "Cơ quan chủ quản", "level": "Cấp",
    "place": "Địa danh", "office_open": "Giờ mở cửa", "office_close": "Giờ đóng cửa",
    "cutoff": "Giờ chốt tiếp nhận", "cutoff_enabled": "Áp dụng giờ chốt",
    "receipt_day_counts": "Tính ngày tiếp nhận là ngày thứ nhất", "workstation": "Số quầy",
    "form_set": "Bộ biểu mẫu", "slip_page_size": "Khổ giấy phiếu", "ledger_volume": "Quyển sổ theo dõi",
    "form_wording": "Lời văn biểu mẫu",
}
RATED_BY = {"citizen": "người dân tự đánh giá", "officer": "cán bộ ghi đánh giá của người dân"}


def when(text: str | None) -> str:
    """An ISO time as the counter reads it: 07:30 ngày 16/12/2026."""
    if not text:
        return "—"
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def moment(text: str | None) -> str:
    """An ISO time in a table's column: 16/12/2026 07:30."""
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    return f"{value:%d/%m/%Y %H:%M}"


def day(text: str | None) -> str:
    try:
        return f"{date.fromisoformat(str(text)[:10]):%d/%m/%Y}"
    except ValueError:
        return str(text or "—")


def money(amount) -> str:
    try:
        return f"{int(amount):,} đồng".replace(",", ".")
    except (TypeError, ValueError):
        return str(amount)


def _join(*parts: str) -> str:
    text = "; ".join(part for part in parts if part)
    return text + "." if text and not text.endswith(".") else text


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# Dossier events -----------------------------------------------------------------------------
def _received(d: dict) -> str:
    channel = CHANNELS.get(d.get("channel", ""), "")
    return _join(f"Tiếp nhận {_lower(channel)}" if channel else "Tiếp nhận",
                 f"hạn giải quyết {when(d['due_at'])}" if d.get("due_at") else "",
                 f"phí, lệ phí {money(d['fee'])}" if d.get("fee") else "",
                 f"người được ủy quyền: {d['representative_name']}" if d.get("representative_name") else "")


def _supplement(d: dict) -> str:
    missing = [item if isinstance(item, str) else str(item.get("name", "")) for item in d.get("missing") or []]
    return _join(f"Yêu cầu bổ sung: {d.get('reason', '')}".rstrip(": "),
                 "giấy tờ cần bổ sung: " + ", ".join(m for m in missing if m) if any(missing) else "",
                 f"yêu cầu lần nữa vì: {d['repeat_reason']}" if d.get("repeat_reason") else "",
                 "khi đã quá hạn giải quyết" if d.get("late_at_supplement") else "",
                 "quá 3 ngày làm việc kể từ khi tiếp nhận" if d.get("supplement_late") else "")


def _resumed(d: dict) -> str:
    return _join("Đã nhận đủ hồ sơ bổ sung; thời hạn giải quyết tính lại từ đầu",
                 f"hạn mới {when(d['due_at'])}" if d.get("due_at") else "")


def _result(d: dict) -> str:
    verdict = TIMELINESS.get(d.get("timeliness", ""), "")
    return _join(f"Có kết quả giải quyết, {_lower(verdict)}" if verdict else "Có kết quả giải quyết",
                 "có tệp kết quả" if d.get("file") else "")


def _returned(d: dict) -> str:
    channel = RETURN_CHANNELS.get(d.get("channel", ""), "")
    rating = RATINGS.get(d.get("rating") or "", "")
    by = RATED_BY.get(d.get("rating_by") or "officer", RATED_BY["officer"])
    return _join(f"Trả kết quả cho {d.get('to') or 'người nộp'}" + (f", {_lower(channel)}" if channel else ""),
                 f"{by}: {rating}" if rating else "")


def _closed(label: str) -> Callable[[dict], str]:
    def sentence(d: dict) -> str:
        verdict = TIMELINESS.get(d.get("timeliness", ""), "")
        return _join(f"{label}: {d.get('reason', '')}".rstrip(": "), _lower(verdict) if verdict else "")

    return sentence


def _apologized(d: dict) -> str:
    return _join(f"Xin lỗi và hẹn lại: từ {when(d.get('old_appointment'))} sang {when(d.get('new_appointment'))}",
                 f"lý do: {d['reason']}" if d.get("reason") else "",
                 "muộn hơn một ngày làm việc trước hạn" if d.get("apology_late") else "")


def _value(field: str, value) -> str:
    if field == "fee":
        return money(value)
    if field == "channel":
        return CHANNELS.get(value, str(value))
    if field == "birth_date" and value:
        return day(value)
    if field == "sex":
        return SEXES.get(value or "", "(trống)")
    if field == "payment":
        return PAYMENTS.get(value or "", "(trống)")
    return str(value if value not in (None, "") else "(trống)")


def _edited(d: dict) -> str:
    field = d.get("field", "")
    label = FIELDS.get(field, "thông tin")
    change = f"Sửa {_lower(label)}: «{_value(field, d.get('old'))}» thành «{_value(field, d.get('new'))}»"
    return _join(change, f"hạn mới {when(d['due_at'])}" if field == "procedure" and d.get("due_at") else "",
                 f"lý do: {d['reason']}" if d.get("reason") else "")


def _digitized(d: dict) -> str:
    number = d.get("document")
    if d.get("not_required"):
        return f"Giấy tờ số {number} không cần số hóa."
    return f"Số hóa giấy tờ số {number}." if number else "Số hóa giấy tờ."


def _recomputed(d: dict) -> str:
    return _join("Lịch làm việc thay đổi: tính lại hạn giải quyết",
                 f"hạn mới {when(d['due_at'])}" if d.get("due_at") else "")


def _complained(d: dict) -> str:
    return _join(f"Phản ánh, kiến nghị: {d.get('reason', '')}".rstrip(": "))


EVENTS: dict[str, Callable[[dict], str]] = {
    EventKind.RECEIVED: _received,
    EventKind.SUPPLEMENT_REQUESTED: _supplement,
    EventKind.SUPPLEMENT_RECEIVED: _resumed,
    EventKind.RESULT_RECORDED: _result,
    EventKind.RETURNED: _returned,
    EventKind.REJECTED: _closed("Từ chối giải quyết"),
    EventKind.STOPPED: _closed("Dừng giải quyết"),
    EventKind.APOLOGIZED: _apologized,
    EventKind.EDITED: _edited,
    EventKind.DIGITIZED: _digitized,
    EventKind.RESULT_DIGITIZED: lambda d: "Số hóa kết quả giải quyết.",
    "due_recomputed": _recomputed,
    "complained": _complained,
}


def event_sentence(kind: str, detail: dict | None) -> str:
    """One step of a dossier's history, in words."""
    build = EVENTS.get(kind)
    if build is None:
        return EVENT_LABELS.get(kind, "") + "."
    return build(detail or {})


# Audit actions ------------------------------------------------------------------------------
ACTIONS = dict(EVENT_LABELS, **{
    "login": "Đăng nhập", "login_failed": "Đăng nhập sai", "account_created": "Tạo tài khoản",
    "account_enabled": "Cho dùng lại tài khoản", "account_disabled": "Ngừng tài khoản",
    "account_unlocked": "Mở khóa tài khoản", "password_changed": "Đổi mật khẩu", "restored": "Khôi phục dữ liệu",
    "exported": "Xuất dữ liệu cho tỉnh", "file_stored": "Lưu tệp", "code_reserved": "Cấp mã hồ sơ",
    "catalogue_imported": "Nhập danh mục", "procedure_updated": "Sửa thủ tục", "settings_changed": "Sửa thiết lập",
    "calendar_imported": "Nhập lịch", "calendar_day_set": "Sửa lịch", "calendar_day_unset": "Bỏ ngày trong lịch",
    "demo_filled": "Tạo dữ liệu thử", "demo_applicants": "Tạo người nộp thử",
    "province_file_imported": "Nhập tệp của đơn vị (tỉnh)", "guidance_given": "Hướng dẫn hồ sơ (không tiếp nhận)",
    "sync_peer_audit_broken": "Nhật ký kiểm tra của quầy khác bị cắt hoặc sửa",
})


def _recomputed_count(d: dict) -> str:
    changed = d.get("recomputed") or []
    return f"tính lại hạn {len(changed)} hồ sơ đang giải quyết" if changed else ""


def _setting(key: str, value) -> str:
    if key == "level":
        value = LEVELS.get(value, value)
    elif key == "form_set":
        value = FORM_SETS.get(value, value)
    elif isinstance(value, bool):
        value = "có" if value else "không"
    elif key == "form_wording":
        return "lời văn biểu mẫu"
    return f"{_lower(SETTINGS.get(key, 'thiết lập'))} {value}"


def _count(n, what: str) -> str:
    return f"{n} {what}" if n not in (None, "") else ""


AUDIT: dict[str, Callable[[str, dict], str]] = {
    "login": lambda t, d: f"{t} đăng nhập.",
    "login_failed": lambda t, d: f"Đăng nhập sai vào tài khoản {t}" + (f" (lần {d['failures']})." if d.get(
        "failures") else "."),
    "account_created": lambda t, d: _join(f"Tạo tài khoản {t} cho {d.get('full_name', '')}".rstrip(),
                                          f"vai trò {_lower(ROLES.get(d.get('role', ''), ''))}" if d.get("role")
                                          else ""),
    "account_enabled": lambda t, d: f"Cho dùng lại tài khoản {t}.",
    "account_disabled": lambda t, d: f"Ngừng sử dụng tài khoản {t}.",
    "account_unlocked": lambda t, d: f"Mở khóa tài khoản {t}.",
    "password_changed": lambda t, d: f"Đổi mật khẩu tài khoản {t}.",
    "restored": lambda t, d: _join(f"Khôi phục dữ liệu từ {t}",
                                   f"dữ liệu trước đó lưu tại {d['safety_backup']}" if d.get("safety_backup") else "",
                                   _count(len(d.get("only_in_safety_copy") or []), "hồ sơ phải nhập lại")
                                   if d.get("only_in_safety_copy") else ""),
    "exported": lambda t, d: _join(f"Xuất tệp số {d.get('sequence', '')} ({t})",
                                   _count((d.get("counts") or {}).get("dossiers"), "hồ sơ"),
                                   _count((d.get("counts") or {}).get("events"), "sự kiện")),
    "file_stored": lambda t, d: "Lưu một tệp vào kho tệp.",
    "code_reserved": lambda t, d: f"Cấp mã hồ sơ {t}.",
    "catalogue_imported": lambda t, d: _join(f"Nhập danh mục từ tệp {t}",
                                             _count(len(d.get("codes") or []), "thủ tục")),
    "procedure_updated": lambda t, d: _procedure_updated(t, d),
    "settings_changed": lambda t, d: _join("Sửa thiết lập: " + ", ".join(_setting(k, v) for k, v in d.items())
                                           if d else "Sửa thiết lập"),
    "calendar_imported": lambda t, d: _join(f"Nhập lịch từ tệp {t}", _count(len(d.get("days") or []), "ngày"),
                                            _recomputed_count(d)),
    "calendar_day_set": lambda t, d: _join(f"Ngày {day(t)} là ngày {'làm việc' if d.get('working') else 'nghỉ'}",
                                           d.get("reason", ""), _recomputed_count(d)),
    "calendar_day_unset": lambda t, d: _join(f"Bỏ ngày {day(t)} khỏi lịch riêng của đơn vị", _recomputed_count(d)),
    "guidance_given": lambda t, d: _join(f"Hướng dẫn {d.get('applicant', 'người nộp')} hoàn thiện hồ sơ"
                                         + (f" thủ tục {d['procedure']}" if d.get("procedure") else ""),
                                         "còn thiếu: " + ", ".join(d["missing"]) if d.get("missing") else "",
                                         f"từ chối: {d['refusal']}" if d.get("refusal") else ""),
    "demo_filled": lambda t, d: _join("Tạo dữ liệu thử", _count(d.get("count"), "hồ sơ")),
    "demo_applicants": lambda t, d: _join("Tạo người nộp thử", _count(d.get("count"), "người")),
    "province_file_imported": lambda t, d: _join(f"Nhập tệp {t}", _count(d.get("dossiers"), "hồ sơ"),
                                                 _count(d.get("events"), "sự kiện")),
    # Trust between counters, units and the province (issue 13).
    "export_resent": lambda t, d: _join(f"Gửi lại tệp xuất số {d.get('sequence', '')} ({t})",
                                        _count((d.get("counts") or {}).get("dossiers"), "hồ sơ")),
    "station_key_created": lambda t, d: f"Tạo khóa ký của quầy, mã nhận dạng {t}.",
    "station_key_adopted": lambda t, d: f"Dùng lại khóa ký của quầy (tệp bên cạnh cơ sở dữ liệu), mã {t}.",
    "station_key_exported": lambda t, d: f"Xuất tệp đăng ký khóa {t} để gửi tỉnh.",
    "station_key_rotated": lambda t, d: _join(f"Đổi khóa ký của quầy sang {t}",
                                              f"khóa cũ {d['previous']}" if d.get("previous") else ""),
    "station_approved": lambda t, d: _join(f"Duyệt khóa của quầy {d.get('label') or ''}".rstrip(),
                                           f"mã nhận dạng {t}"),
    "province_ack_imported": lambda t, d: _join(f"Nhập xác nhận của tỉnh: đã nhận đến số {d.get('last_sequence', '')}",
                                                "còn thiếu số " + ", ".join(str(n) for n in d["missing"])
                                                if d.get("missing") else ""),
    "province_package_imported": lambda t, d: _join(f"Nhập gói của tỉnh số {d.get('sequence', '')}",
                                                    _count(len(d.get("procedures_added") or []), "thủ tục mới"),
                                                    _count(len(d.get("procedures_changed") or []), "thủ tục sửa"),
                                                    _count(len(d.get("recomputed") or []), "hồ sơ đổi hạn")
                                                    if d.get("recomputed") else ""),
    "province_package_made": lambda t, d: _join(f"Lập gói số {d.get('sequence', '')} cho các đơn vị ({t})",
                                                _count(d.get("procedures"), "thủ tục"),
                                                _count(d.get("calendar_days"), "ngày lịch")),
    "province_keys_created": lambda t, d: f"Tạo khóa của tỉnh, mã nhận dạng {t}.",
    "province_key_enrolled": lambda t, d: _join(f"Đăng ký khóa {t}",
                                                f"đơn vị {d.get('unit_name') or d.get('unit', '')}, quầy "
                                                f"{d.get('workstation', '')}"),
    "province_key_revoked": lambda t, d: _join(f"Thu hồi khóa {t}", f"lý do: {d['reason']}" if d.get("reason") else ""),
    "province_key_rotated": lambda t, d: _join(f"Nhận khóa mới {t} của đơn vị {d.get('unit', '')}, quầy "
                                               f"{d.get('workstation', '')}",
                                               f"thay khóa {d['previous']}" if d.get("previous") else ""),
    "province_unsigned_accepted": lambda t, d: _join(f"Nhập tệp không có chữ ký số {t}",
                                                     f"đơn vị {d.get('unit', '')}, quầy {d.get('workstation', '')}"),
    # The unit's counters in sync (issue 12).
    "sync_applied": lambda t, d: f"Nhận các thay đổi số {d.get('first', '')}–{d.get('last', '')} của một quầy khác.",
    "sync_conflict_resolved": lambda t, d: _join(f"Xử lý xung đột của hồ sơ {t}",
                                                 f"lý do: {d['reason']}" if d.get("reason") else ""),
    "sync_peer_audit_broken": lambda t, d: _join(
        f"Đồng bộ phát hiện nhật ký kiểm tra của quầy {d.get('workstation', '?')} bị cắt bớt hoặc sửa",
        d.get("reason", "")),
}
# What an edit of one procedure changes (counter/catalogue.py: update_procedure).
PROCEDURE_FIELDS = {"name": "Tên", "days": "Thời hạn (ngày làm việc)", "fee": "Phí, lệ phí",
                    "documents": "Thành phần hồ sơ", "online_level": "Dịch vụ công trực tuyến"}


def _procedure_updated(code: str, d: dict) -> str:
    parts = []
    for key, label in PROCEDURE_FIELDS.items():
        if key not in d:
            continue
        value = d[key]
        if key == "documents":
            parts.append(f"{_lower(label)}: {len(value or [])} giấy tờ")
        elif key == "fee":
            parts.append(f"{_lower(label)} {money(value) if value is not None else 'chưa quy định'}")
        elif key == "online_level":
            parts.append(f"{_lower(label)}: {_lower(ONLINE_LEVELS.get(value, str(value)))}")
        else:
            parts.append(f"{_lower(label)} {value}")
    return _join(f"Sửa thủ tục {code}", ", ".join(parts))


def audit_sentence(action: str, target: str, detail: dict | None) -> str:
    """One row of the audit trail, in words: a dossier's event as its history says it."""
    values = dict(detail or {})
    if action in EVENTS:
        values.pop("at", None)
        return event_sentence(action, values)
    build = AUDIT.get(action)
    if build is None:
        return ACTIONS.get(action, "") + "."
    return build(target, values)
