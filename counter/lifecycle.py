"""What happens to a dossier after receipt.

receive -> (supplement requested <-> supplement received) -> result ready ->
returned; or rejected; or stopped at the citizen's request. Each step is
one transaction with its event, so the history always explains the state.

The guards of ND 61/2018 art. 19 (issue 11 §2) never refuse a step the citizen needs; they record
what the step did wrong, as facts its event carries (so replay needs no calendar): a supplement
asked for after the due date (`late_at_supplement`: the dossier stays late), later than 3 working
days after receipt (`supplement_late`), or a second time (`supplement_repeat`: the head of unit
asks for it, with a reason); an apology later than one working day before the due date
(`apology_late`). `flagged` lists them for the head of unit.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

from counter import dossiers
from counter.catalogue import checklist_items, procedure
from counter.clock import iso, now
from counter.dossier import RATED_BY, RATINGS, RETURN_CHANNELS, STATUS_LABELS, Dossier, judge
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import NAME, REASON, clean_text
from counter.transitions import STEPS, TABLE, EventKind, Permission, Status
from db import dossiers as dossier_table
from db import files as file_table
from db.connection import write

# ND 61/2018 art. 19 (shared/domain/README.md, "Supplement after appraisal"): the deciding agency
# asks for a supplement within 3 working days of receipt, listing everything at once.
SUPPLEMENT_DAYS = 3


def request_supplement(session: Session, code: str, reason: str, at: datetime | None = None,
                       missing: list[str] | None = None, repeat_reason: str = "") -> Dossier:
    """Phiếu yêu cầu bổ sung (Mẫu 02): the dossier waits and its clock stops. `missing`: the
    documents asked for, each a number of the procedure's checklist (1, 2, …) or free text; the
    slip lists them. A second request needs the head of unit and `repeat_reason`."""
    dossier, at = _step(session, code, at, EventKind.SUPPLEMENT_REQUESTED)
    why = _reason(reason)
    chosen = procedure(session, dossier.procedure_code)
    items = checklist_items(chosen, missing or [])
    repeat = dossier.supplements >= 1
    detail: dict = {"reason": why, "missing": items}
    if repeat:
        session.require(Permission.SUPPLEMENT_REPEAT)
        detail["repeat_reason"] = _reason(repeat_reason, "Lý do phải yêu cầu bổ sung lần nữa")
    limit = due_date(dossier.received_at, SUPPLEMENT_DAYS, session.calendar,
                     TimeRules.of(session.settings, chosen.cutoff)).due_at
    detail.update({
        # Asked for after the due date: the dossier was late and stays so whatever follows (issue 11 §2).
        "late_at_supplement": at > dossier.due_at,
        "supplement_due_at": iso(limit),
        "supplement_late": at > limit,
        "supplement_repeat": repeat,
    })
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.SUPPLEMENT_REQUESTED, detail)
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
    verdict = judge(at, dossier.due_at, dossier.late_at_supplement)
    with write(session.db):
        if stored and file:
            file_table.record(session.db, stored[0], stored[1], Path(file).name, iso(now()))
        dossiers.record(session, dossier, at, EventKind.RESULT_RECORDED,
                        {"file": stored[0] if stored else None, "timeliness": verdict})
    return dossiers.get(session, dossier.code)


def return_result(session: Session, code: str, at: datetime | None = None, to: str = "",
                  channel: str = "counter", rating: str | None = None, rating_by: str | None = None) -> Dossier:
    """Trả kết quả: handed over at the counter or sent by post, with the citizen's rating and who
    gave it (`rating_by`: the citizen on their own screen, or the officer keying it, the default)."""
    if channel not in RETURN_CHANNELS:
        raise CounterError("Kênh trả kết quả phải là counter hoặc postal.", "return channel must be counter or postal")
    if rating is not None and rating not in RATINGS:
        raise CounterError(
            "Mức đánh giá phải là very-satisfied, satisfied hoặc unsatisfied.", "unknown rating"
        )
    if rating_by is not None and rating_by not in RATED_BY:
        raise CounterError("Người đánh giá phải là citizen (công dân) hoặc officer (cán bộ).", "unknown rating_by")
    if rating is None and rating_by is not None:
        raise CounterError("Chưa có mức đánh giá thì không ghi người đánh giá.", "rating_by without a rating")
    given = clean_text(to, "Người nhận kết quả", NAME)
    dossier, at = _step(session, code, at, EventKind.RETURNED)
    receiver = given or dossier.applicant_name
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.RETURNED, {
            "to": receiver, "channel": channel, "rating": rating,
            "rating_by": (rating_by or "officer") if rating else None,
        })
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
    deadline = apology_deadline(session, dossier.due_at)
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.APOLOGIZED, {
            "reason": why, "old_appointment": iso(dossier.appointment_at), "new_appointment": iso(new_due),
            # Still recorded when late: the citizen must get it (issue 11 §2).
            "apology_due": deadline.isoformat(), "apology_late": at.date() > deadline,
        })
    return dossiers.get(session, dossier.code)


def apology_deadline(session: Session, due_at: datetime) -> date:
    """ND 61/2018 art. 19 (shared/domain/README.md, "Late dossiers"): the apology is written at the
    latest one working day before the due date, i.e. on the last working day before the due day."""
    day = due_at.date() - timedelta(days=1)
    while not session.calendar.is_working(day):
        day -= timedelta(days=1)
    return day


def complain(session: Session, code: str, reason: str, at: datetime | None = None) -> Dossier:
    """Phản ánh, kiến nghị of the citizen about the dossier (its receipt, processing or lateness):
    recorded against it and counted by the QĐ 766 satisfaction index (docs/rules.md, "Chỉ tiêu")."""
    rule = TABLE[EventKind.COMPLAINED]
    session.require(rule.permission)
    why = _reason(reason, "Nội dung phản ánh, kiến nghị")
    dossier = dossiers.get(session, code, with_documents=False)
    at = at or now()
    if at < dossier.received_at:
        raise CounterError(
            f"Thời điểm {at:%H:%M %d/%m/%Y} trước thời điểm tiếp nhận hồ sơ ({dossier.received_at:%H:%M %d/%m/%Y}).",
            "time before receipt",
        )
    with write(session.db):
        dossiers.record(session, dossier, at, EventKind.COMPLAINED, {"reason": why})
    return dossiers.get(session, dossier.code)


def flagged(session: Session, start: datetime, end: datetime) -> list[dict]:
    """The supplement requests and apologies of [start, end) that broke a guard, for the head of
    unit: {"code", "kind", "at", "officer", "reason", "flags": [...], "repeat_reason"}."""
    session.require(Permission.REPORTS)
    return dossier_table.flagged_events(session.db, iso(start), iso(end), EventKind.SUPPLEMENT_REQUESTED,
                                        EventKind.APOLOGIZED)


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
    verdict = judge(at, dossier.due_at, dossier.late_at_supplement)
    with write(session.db):
        dossiers.record(session, dossier, at, kind, {"reason": why, "timeliness": verdict})
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


def _reason(reason: str, label: str = "Lý do") -> str:
    why = clean_text(reason, label, REASON)
    if not why:
        raise CounterError(f"Phải ghi rõ {label[0].lower() + label[1:]}.", "a reason is required")
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
