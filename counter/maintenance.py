"""Is the unit's only record sound? Database integrity, the audit chain, and every dossier
against its own history.

A dossier's row must be the replay of its events (counter/dossier.py): a row
edited directly in the file (a status, a due date) differs from them and is
named. The day's figures (`daily_figures`) must sum what the dossiers count.
Each event also left an audit row naming the dossier's code, so events
deleted from the file while the audit trail keeps them are named too. Events
written before the receipt carried the dossier's first state (databases of
earlier versions, demo data of earlier versions) cannot give every column: the
columns they do give are still compared, and the report lists each such
dossier with what could not be compared (`partial`), which is a note, not a
problem. The dossiers, documents and events are read in three ordered scans
inside one read snapshot, so a million dossiers take one pass and no
per-dossier query.
"""

from dataclasses import dataclass, field

import orjson

from counter import audit
from counter.dossier import DOCUMENTS, ReplayError, fold
from counter.session import Session
from counter.transitions import STATUS_LABELS, EventKind
from db import backup as backup_db
from db import dossiers as dossier_table
from db import indicators as indicator_table
from db import sync as sync_table
from db.export import snapshot

# The columns as an officer names them, for the report.
FIELD_LABELS = {
    "code": "mã hồ sơ", "unit_code": "mã đơn vị", "workstation": "số quầy", "procedure_code": "mã thủ tục",
    "procedure_name": "tên thủ tục", "days": "thời hạn (ngày)", "applicant_name": "họ tên người nộp",
    "id_number": "số CCCD/CMND", "phone": "điện thoại", "address": "địa chỉ", "email": "email",
    "channel": "kênh nộp", "fee": "phí, lệ phí", "received_at": "thời điểm tiếp nhận",
    "clock_start_at": "thời điểm bắt đầu tính hạn", "due_at": "hạn giải quyết", "appointment_at": "ngày hẹn trả",
    "status": "trạng thái", "result_at": "thời điểm có kết quả", "result_file": "tệp kết quả",
    "returned_at": "thời điểm trả kết quả", "returned_to": "người nhận kết quả", "return_channel": "hình thức trả",
    "rating": "đánh giá", "apology_at": "thời điểm xin lỗi", "apology_reason": "lý do xin lỗi",
    "decision_reason": "lý do từ chối/dừng", "supplements": "số lần bổ sung", "ledger_year": "năm sổ theo dõi",
    "ledger_number": "số sổ theo dõi", "digitized": "đã số hóa hồ sơ", "result_digitized": "đã số hóa kết quả",
    "reused": "dùng lại giấy tờ", "officer": "cán bộ tiếp nhận", DOCUMENTS: "thành phần hồ sơ",
    "birth_date": "ngày sinh", "sex": "giới tính", "representative_name": "người được ủy quyền",
    "representative_id": "số định danh người được ủy quyền", "representative_phone": "điện thoại người được ủy quyền",
    "payment": "hình thức thanh toán", "fee_receipt": "số biên lai", "rating_by": "người đánh giá",
    "procedure_field": "lĩnh vực", "online_level": "mức độ dịch vụ công trực tuyến",
    "lci": "thuộc đất đai, xây dựng, đầu tư", "returning_applicant": "người nộp đã có hồ sơ trước",
    "data_reused": "dùng lại thông tin người nộp", "late_at_supplement": "yêu cầu bổ sung khi đã quá hạn",
    "supplement_late": "yêu cầu bổ sung muộn", "apology_late": "xin lỗi muộn", "complaints": "số phản ánh, kiến nghị",
}
_SHOWN = 3  # differing columns shown with their values


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    partial: list[dict] = field(default_factory=list)  # {"code", "fields"}: not every column could be compared

    def notes(self) -> list[str]:
        """What the officer should know besides the problems."""
        if not self.partial:
            return []
        codes = ", ".join(item["code"] for item in self.partial[:5])
        more = f" và {len(self.partial) - 5} hồ sơ khác" if len(self.partial) > 5 else ""
        return [
            f"{len(self.partial)} hồ sơ ghi bằng phiên bản cũ ({codes}{more}) có sự kiện không mang đủ dữ liệu "
            "để dựng lại toàn bộ hồ sơ; đã đối chiếu phần sự kiện có ghi (trạng thái, các thời điểm, hạn)."
        ]


def check(session: Session) -> list[str]:
    """Problems found in the database, its audit trail and its dossiers; empty when sound."""
    return report(session).problems


def report(session: Session) -> Report:
    """`check` with the dossiers that old events let compare only in part."""
    result = Report(backup_db.check(session.db))
    broken = audit.verify(session)
    if broken:
        result.problems.append(broken)
    _dossiers(session, result)
    _daily_figures(session, result)
    return result


def _daily_figures(session: Session, result: Report) -> None:
    """The day's figures (the Today screen sums them) must be what the dossiers themselves count."""
    by_day: dict[str, list[str]] = {}
    for day, name, kept, counted in indicator_table.daily_differences(session.db):
        by_day.setdefault(day, []).append(f"{name}: ghi {kept}, theo hồ sơ {counted}")
    for day, differing in by_day.items():
        more = len(differing) - _SHOWN
        shown = "; ".join(differing[:_SHOWN]) + (f" và {more} số khác" if more > 0 else "")
        result.problems.append(f"Số liệu tổng hợp ngày {day} khác với các hồ sơ ({shown}); có thể đã bị sửa trực "
                               "tiếp trong tệp dữ liệu.")


def _dossiers(session: Session, result: Report) -> None:
    db = session.db
    with snapshot(db):
        deleted = set()
        for code, recorded, kept, present in dossier_table.fewer_events_than_audited(db, tuple(EventKind)):
            deleted.add(code)
            if present:
                result.problems.append(
                    f"Hồ sơ {code}: nhật ký kiểm tra ghi {recorded} bước xử lý nhưng chỉ còn {kept} "
                    "sự kiện: sự kiện đã bị xóa khỏi tệp dữ liệu."
                )
            else:
                result.problems.append(
                    f"Hồ sơ {code}: nhật ký kiểm tra ghi {recorded} bước xử lý nhưng hồ sơ và các sự kiện không "
                    "còn trong tệp dữ liệu."
                )
        # Events the fold sets aside are conflicts between counters (issue 12), listed for the head of unit;
        # one set aside and not listed means the history itself was changed.
        listed = {(c["origin"], c["seq"]) for c in sync_table.conflicts(db)}
        for row, documents, events in dossier_table.histories(db):
            code = row["code"]
            if code in deleted:
                continue
            if not events:
                result.problems.append(f"Hồ sơ {code}: không có sự kiện nào (kể cả tiếp nhận).")
                continue
            try:
                for event in events:
                    event["detail"] = orjson.loads(event["detail"])
                state, skipped = fold(events)
                unlisted = [s for s in skipped if (s.event["origin"], s.event["seq"]) not in listed]
                if state is None or unlisted:
                    raise ReplayError(unlisted[0].reason if unlisted else "không có sự kiện tiếp nhận")
            except (ReplayError, orjson.JSONDecodeError) as exc:
                result.problems.append(f"Hồ sơ {code}: quá trình xử lý không dựng lại được hồ sơ ({exc}).")
                continue
            differing = state.differences(row, documents)
            if differing:
                result.problems.append(
                    f"Hồ sơ {code}: dữ liệu khác với quá trình xử lý ({_describe(differing, row, state.row)}); "
                    "có thể đã bị sửa trực tiếp trong tệp dữ liệu."
                )
            if state.unknown:
                result.partial.append({"code": code, "fields": sorted(state.unknown)})


def _describe(columns: list[str], stored: dict, replayed: dict) -> str:
    parts = []
    for column in columns[:_SHOWN]:
        label = FIELD_LABELS.get(column, column)
        if column == DOCUMENTS:
            parts.append(label)
        else:
            parts.append(f"{label}: trong tệp «{_value(column, stored[column])}», "
                         f"theo sự kiện «{_value(column, replayed[column])}»")
    if len(columns) > _SHOWN:
        parts.append(f"và {len(columns) - _SHOWN} trường khác")
    return "; ".join(parts)


def _value(column: str, value: object) -> str:
    if value is None:
        return "trống"
    if column == "status":
        return STATUS_LABELS.get(str(value), str(value))
    return str(value).replace("T", " ") if column.endswith("_at") else str(value)
