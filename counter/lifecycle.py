"""What happens to a dossier after receipt.

receive -> (supplement requested <-> supplement received) -> result ready ->
returned; or rejected; or stopped at the citizen's request. Each step is
one transaction with its event, so the history always explains the state.
"""

from datetime import datetime
from pathlib import Path

from counter import dossiers
from counter.catalogue import procedure
from counter.clock import iso, now
from counter.dossier import RATINGS, RETURN_CHANNELS, STATUS_LABELS, Dossier, judge
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import NAME, REASON, clean_text
from counter.transitions import STEPS, TABLE, EventKind, Permission, Status
from db import dossiers as dossier_table
from db import files as file_table
from db.connection import write


def request_supplement(session: Session, code: str, reason: str, at: datetime | None = None) -> Dossier:
    """Phiếu yêu cầu bổ sung (Mẫu 02): the dossier waits and its clock stops."""
    dossier, at = _step(session, code, at, EventKind.SUPPLEMENT_REQUESTED)
    why = _reason(reason)
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.SUPPLEMENT_REQUESTED, {"reason": why})
    return dossiers.get(session, dossier.code)


def resume(session: Session, code: str, at: datetime | None = None) -> Dossier:
    """The complete dossier is back: ND 61/2018 art. 19.4, "thời hạn giải quyết được
    tính lại từ đầu sau khi nhận đủ hồ sơ" - the time limit restarts in full."""
    dossier, at = _step(session, code, at, EventKind.SUPPLEMENT_RECEIVED)
    due = _due(session, dossier.procedure_code, dossier.days, at)
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.SUPPLEMENT_RECEIVED,
                        {"clock_start_at": iso(due.clock_start), "due_at": iso(due.due_at)})
    return dossiers.get(session, dossier.code)


def record_result(session: Session, code: str, at: datetime | None = None, file: str | Path | None = None) -> Dossier:
    """The result came back from the deciding agency; its time judges early / on time / late."""
    dossier, at = _step(session, code, at, EventKind.RESULT_RECORDED)
    stored = _store(session, file)
    with write(session.db):
        if stored and file:
            file_table.record(session.db, stored[0], stored[1], Path(file).name, iso(now()))
        dossiers.record(session, dossier, at, EventKind.RESULT_RECORDED,
                        {"file": stored[0] if stored else None, "timeliness": judge(at, dossier.due_at)})
    return dossiers.get(session, dossier.code)


def return_result(session: Session, code: str, at: datetime | None = None, to: str = "",
                  channel: str = "counter", rating: str | None = None) -> Dossier:
    """Trả kết quả: handed over at the counter or sent by post, with the citizen's rating."""
    if channel not in RETURN_CHANNELS:
        raise CounterError("Kênh trả kết quả phải là counter hoặc postal.", "return channel must be counter or postal")
    if rating is not None and rating not in RATINGS:
        raise CounterError(
            "Mức đánh giá phải là very-satisfied, satisfied hoặc unsatisfied.", "unknown rating"
        )
    given = clean_text(to, "Người nhận kết quả", NAME)
    dossier, at = _step(session, code, at, EventKind.RETURNED)
    receiver = given or dossier.applicant_name
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.RETURNED,
                        {"to": receiver, "channel": channel, "rating": rating})
    return dossiers.get(session, dossier.code)


def reject(session: Session, code: str, reason: str, at: datetime | None = None) -> Dossier:
    """Phiếu từ chối (Mẫu 03): the decision time counts as the result time."""
    return _close(session, code, reason, at, EventKind.REJECTED)


def stop(session: Session, code: str, reason: str, at: datetime | None = None) -> Dossier:
    """Dừng giải quyết at the citizen's request, before any decision (TT 03/2025 art. 7)."""
    return _close(session, code, reason, at, EventKind.STOPPED)


def apologize(session: Session, code: str, new_due: datetime, reason: str, at: datetime | None = None) -> Dossier:
    """Phiếu xin lỗi và hẹn lại (ND 61/2018 art. 19.9): once per dossier, to a later
    appointment. The legal due date does not move, so the dossier still counts as late."""
    why = _reason(reason)
    session.require(TABLE[EventKind.APOLOGIZED].permission)
    dossier = dossiers.get(session, code, with_documents=False)
    if dossier.apology_at is not None:
        raise CounterError(
            f"Hồ sơ {dossier.code} đã có văn bản xin lỗi và hẹn lại ngày {dossier.apology_at:%d/%m/%Y}; "
            "chỉ được hẹn lại một lần.",
            "the appointment may be moved only once",
        )
    dossier, at = _step(session, code, at, EventKind.APOLOGIZED)
    if new_due <= dossier.appointment_at:
        raise CounterError(
            f"Ngày hẹn mới phải sau ngày hẹn hiện tại ({dossier.appointment_at:%H:%M %d/%m/%Y}).",
            "the new appointment must be after the current one",
        )
    if new_due <= at:
        raise CounterError("Ngày hẹn mới phải sau thời điểm xin lỗi.", "the new appointment must be in the future")
    info = session.calendar.info(new_due.date())
    if not info.working:
        raise CounterError(
            f"Ngày hẹn mới {new_due:%d/%m/%Y} là ngày không làm việc ({info.reason}).",
            "the new appointment falls on a non-working day",
        )
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.APOLOGIZED, {
            "reason": why, "old_appointment": iso(dossier.appointment_at), "new_appointment": iso(new_due),
        })
    return dossiers.get(session, dossier.code)


def late(session: Session, as_of: datetime | None = None) -> list[Dossier]:
    """Every dossier late or overdue at `as_of`: result after due_at, or none yet and past it."""
    session.require(Permission.VIEW)
    moment = as_of or now()
    return dossiers.many(session, dossier_table.late_ids(session.db, iso(moment), Status.RECEIVED))


def due_soon(session: Session, as_of: datetime | None = None) -> list[Dossier]:
    """Open dossiers overdue or due within one working day (the late-work panel)."""
    session.require(Permission.VIEW)
    moment = as_of or now()
    horizon = datetime.combine(session.calendar.next_working_day(moment.date()), session.settings.close_time)
    return dossiers.many(session, dossier_table.due_before(session.db, iso(horizon), Status.RECEIVED))


def _close(session: Session, code: str, reason: str, at: datetime | None, kind: EventKind) -> Dossier:
    why = _reason(reason)
    dossier, at = _step(session, code, at, kind)
    with write(session.db):
        dossiers.record(session, dossier, at, kind, {"reason": why, "timeliness": judge(at, dossier.due_at)})
    return dossiers.get(session, dossier.code)


def _step(session: Session, code: str, at: datetime | None, kind: EventKind) -> tuple[Dossier, datetime]:
    """The dossier, if this officer may take this step now (counter/transitions.py: its
    permission and the statuses it starts from); the time must follow the last step."""
    rule = TABLE[kind]
    session.require(rule.permission)
    dossier = dossiers.get(session, code, with_documents=False)
    if dossier.status not in rule.sources:
        raise CounterError(
            f"Không thể {rule.action} hồ sơ {dossier.code}: hồ sơ đang ở trạng thái «{STATUS_LABELS[dossier.status]}».",
            f"cannot {rule.action} a dossier in status {dossier.status}",
        )
    at = at or now()
    if at < dossier.received_at:
        raise CounterError(
            f"Thời điểm {at:%H:%M %d/%m/%Y} trước thời điểm tiếp nhận hồ sơ ({dossier.received_at:%H:%M %d/%m/%Y}).",
            "time before receipt",
        )
    last = dossier_table.last_event_at(session.db, dossier.id, STEPS)
    if last and iso(at) < last:
        raise CounterError(
            f"Thời điểm {at:%H:%M %d/%m/%Y} trước bước xử lý gần nhất của hồ sơ ({last.replace('T', ' ')}).",
            "time before the dossier's last step",
        )
    return dossier, at


def _reason(reason: str) -> str:
    why = clean_text(reason, "Lý do", REASON)
    if not why:
        raise CounterError("Phải ghi rõ lý do.", "a reason is required")
    return why


def _due(session: Session, procedure_code: str, days: int, at: datetime):
    chosen = procedure(session, procedure_code)
    return due_date(at, days, session.calendar, TimeRules.of(session.settings, chosen.cutoff))


def _store(session: Session, file: str | Path | None) -> tuple[str, int] | None:
    if not file:
        return None
    path = Path(file)
    if not path.is_file():
        raise CounterError(f"Không tìm thấy tệp «{file}».", f"no such file {file}")
    return session.files.add(path)
