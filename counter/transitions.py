"""The dossier's state machine, declared once (the beancount way).

Every status, event kind and permission is named here, and one table says
for every event kind what it does: the statuses it may start from, the status
it leads to, the permission it needs, its label in a dossier's history and
what it does to the legal clock. The lifecycle's checks, the role sets
(counter/roles.py), the window's enabled actions (ui/access.py) and the
history labels (ui/dossier_view.py) are read from it, and `replay`
(counter/dossier.py) folds a dossier's events through it. The stored values
are the CHECK lists of db/migrations.py (tests/counter/test_transitions.py).
"""

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Trạng thái hồ sơ."""

    RECEIVED = "received"
    WAITING_SUPPLEMENT = "waiting_supplement"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    REJECTED = "rejected"
    STOPPED = "stopped"


STATUS_LABELS: dict[str, str] = {
    Status.RECEIVED: "Đang giải quyết",
    Status.WAITING_SUPPLEMENT: "Chờ bổ sung",
    Status.RESULT_READY: "Có kết quả",
    Status.RETURNED: "Đã trả kết quả",
    Status.REJECTED: "Từ chối",
    Status.STOPPED: "Dừng giải quyết",
}
# Still being processed: a supplement may be asked for, the dossier rejected or stopped.
OPEN = frozenset({Status.RECEIVED, Status.WAITING_SUPPLEMENT})
# Every status but "returned": few dossiers are in these at any one time.
FEW = frozenset(Status) - {Status.RETURNED}
ANY = frozenset(Status)


class EventKind(StrEnum):
    """A step in a dossier's history (quá trình xử lý)."""

    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    RESULT_RECORDED = "result_recorded"
    RETURNED = "returned"
    REJECTED = "rejected"
    STOPPED = "stopped"
    APOLOGIZED = "apologized"
    EDITED = "edited"
    DIGITIZED = "digitized"
    RESULT_DIGITIZED = "result_digitized"
    DUE_RECOMPUTED = "due_recomputed"
    COMPLAINED = "complained"


class Role(StrEnum):
    """Each role includes the one before it."""

    OFFICER = "officer"
    HEAD = "head"
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {Role.OFFICER: "Cán bộ một cửa", Role.HEAD: "Lãnh đạo đơn vị", Role.ADMIN: "Quản trị"}


class Permission(StrEnum):
    """Phân quyền: what an account may do."""

    RECEIVE = "receive"
    SUPPLEMENT = "supplement"
    SUPPLEMENT_REPEAT = "supplement_repeat"
    RESUME = "resume"
    RESULT = "result"
    RETURN = "return"
    DIGITIZE = "digitize"
    PRINT = "print"
    VIEW = "view"
    EXPORT = "export"
    BACKUP = "backup"
    APOLOGIZE = "apologize"
    COMPLAIN = "complain"
    EDIT = "edit"
    REJECT = "reject"
    STOP = "stop"
    REPORTS = "reports"
    SETTINGS = "settings"
    PROVINCE = "province"
    ACCOUNTS = "accounts"
    CATALOGUE = "catalogue"
    CALENDAR = "calendar"
    RESTORE = "restore"
    DEMO = "demo"
    KEYS = "keys"


@dataclass(frozen=True)
class Grant:
    least: Role  # the first role that has it
    label: str  # completes "không có quyền …"


# An officer (công chức một cửa) receives, returns and digitizes; the head of unit (lãnh đạo)
# also apologises, corrects, closes dossiers, sees reports and changes settings; the admin
# also manages accounts, the catalogue and the calendar.
GRANTS: dict[Permission, Grant] = {
    Permission.RECEIVE: Grant(Role.OFFICER, "tiếp nhận hồ sơ"),
    Permission.SUPPLEMENT: Grant(Role.OFFICER, "yêu cầu bổ sung"),
    Permission.RESUME: Grant(Role.OFFICER, "nhận hồ sơ bổ sung"),
    Permission.RESULT: Grant(Role.OFFICER, "ghi nhận kết quả"),
    Permission.RETURN: Grant(Role.OFFICER, "trả kết quả"),
    Permission.DIGITIZE: Grant(Role.OFFICER, "số hóa"),
    Permission.PRINT: Grant(Role.OFFICER, "in biểu mẫu"),
    Permission.VIEW: Grant(Role.OFFICER, "xem hồ sơ"),
    Permission.EXPORT: Grant(Role.OFFICER, "xuất dữ liệu"),
    Permission.BACKUP: Grant(Role.OFFICER, "sao lưu"),
    Permission.COMPLAIN: Grant(Role.OFFICER, "ghi nhận phản ánh, kiến nghị"),
    Permission.APOLOGIZE: Grant(Role.HEAD, "xin lỗi, hẹn lại"),
    # ND 61/2018 art. 19: everything missing is asked for at once; a second request is the head's call.
    Permission.SUPPLEMENT_REPEAT: Grant(Role.HEAD, "yêu cầu bổ sung lần thứ hai trở đi"),
    Permission.EDIT: Grant(Role.HEAD, "sửa hồ sơ"),
    Permission.REJECT: Grant(Role.HEAD, "từ chối hồ sơ"),
    Permission.STOP: Grant(Role.HEAD, "dừng giải quyết"),
    Permission.REPORTS: Grant(Role.HEAD, "xem báo cáo"),
    Permission.SETTINGS: Grant(Role.HEAD, "thay đổi thiết lập"),
    Permission.PROVINCE: Grant(Role.HEAD, "tổng hợp của tỉnh"),
    Permission.ACCOUNTS: Grant(Role.ADMIN, "quản lý tài khoản"),
    Permission.CATALOGUE: Grant(Role.ADMIN, "sửa danh mục thủ tục"),
    Permission.CALENDAR: Grant(Role.ADMIN, "sửa lịch làm việc"),
    Permission.RESTORE: Grant(Role.ADMIN, "khôi phục dữ liệu"),
    Permission.DEMO: Grant(Role.ADMIN, "tạo dữ liệu thử"),
    Permission.KEYS: Grant(Role.ADMIN, "quản lý khóa ký số"),
}


class Clock(StrEnum):
    """What a step does to the legal time limit (thời hạn giải quyết)."""

    NONE = "none"
    STARTS = "starts"  # receipt: the limit runs from the clock start
    STOPS = "stops"  # waiting for a supplement: paused
    RESTARTS = "restarts"  # ND 61/2018 art. 19.4: restarts in full from the complete dossier
    ENDS = "ends"  # a result or a decision: its time is judged against the due date
    MOVES = "moves"  # a calendar change: the same clock counted again over the new working days


@dataclass(frozen=True)
class Transition:
    kind: EventKind
    sources: frozenset[Status]  # statuses it may start from; empty: it starts the dossier
    target: Status | None  # the status it leads to; None: the status stays
    permission: Permission
    action: str  # completes "Không thể … hồ sơ X"
    label: str  # the history's column "Bước"
    clock: Clock
    step: bool  # a step of the processing, dated by the officer: none may precede the last


TABLE: dict[EventKind, Transition] = {t.kind: t for t in (
    Transition(EventKind.RECEIVED, frozenset(), Status.RECEIVED, Permission.RECEIVE,
               "tiếp nhận", "Tiếp nhận", Clock.STARTS, True),
    Transition(EventKind.SUPPLEMENT_REQUESTED, frozenset({Status.RECEIVED}), Status.WAITING_SUPPLEMENT,
               Permission.SUPPLEMENT, "yêu cầu bổ sung", "Yêu cầu bổ sung", Clock.STOPS, True),
    Transition(EventKind.SUPPLEMENT_RECEIVED, frozenset({Status.WAITING_SUPPLEMENT}), Status.RECEIVED,
               Permission.RESUME, "nhận hồ sơ bổ sung", "Nhận đủ bổ sung", Clock.RESTARTS, True),
    Transition(EventKind.RESULT_RECORDED, frozenset({Status.RECEIVED}), Status.RESULT_READY, Permission.RESULT,
               "ghi nhận kết quả", "Có kết quả", Clock.ENDS, True),
    Transition(EventKind.RETURNED, frozenset({Status.RESULT_READY}), Status.RETURNED, Permission.RETURN,
               "trả kết quả", "Trả kết quả", Clock.NONE, True),
    Transition(EventKind.REJECTED, OPEN, Status.REJECTED, Permission.REJECT,
               "từ chối", "Từ chối", Clock.ENDS, True),
    Transition(EventKind.STOPPED, OPEN, Status.STOPPED, Permission.STOP,
               "dừng giải quyết", "Dừng giải quyết", Clock.ENDS, True),
    # ND 61/2018 art. 19.9: only the appointment moves; the legal due date stays.
    Transition(EventKind.APOLOGIZED, frozenset({Status.RECEIVED}), None, Permission.APOLOGIZE,
               "xin lỗi và hẹn lại", "Xin lỗi, hẹn lại", Clock.NONE, True),
    Transition(EventKind.EDITED, ANY, None, Permission.EDIT,
               "sửa thông tin", "Sửa thông tin", Clock.NONE, False),
    Transition(EventKind.DIGITIZED, ANY, None, Permission.DIGITIZE,
               "số hóa giấy tờ của", "Số hóa giấy tờ", Clock.NONE, False),
    Transition(EventKind.RESULT_DIGITIZED, frozenset({Status.RESULT_READY, Status.RETURNED}), None,
               Permission.DIGITIZE, "số hóa kết quả của", "Số hóa kết quả", Clock.NONE, False),
    # Issue 11: a calendar change counts an open dossier's working days again; closed ones keep
    # their judgement. Recorded by the calendar change itself, not dated by an officer.
    Transition(EventKind.DUE_RECOMPUTED, OPEN, None, Permission.CALENDAR,
               "tính lại hạn giải quyết", "Tính lại hạn (lịch thay đổi)", Clock.MOVES, False),
    # Phản ánh, kiến nghị (QĐ 766/QĐ-TTg, satisfaction group): recorded against any dossier.
    Transition(EventKind.COMPLAINED, ANY, None, Permission.COMPLAIN,
               "ghi nhận phản ánh, kiến nghị về", "Phản ánh, kiến nghị", Clock.NONE, False),
)}

STEPS = tuple(kind for kind, t in TABLE.items() if t.step)
CLOCK_STARTS = tuple(kind for kind, t in TABLE.items() if t.clock in (Clock.STARTS, Clock.RESTARTS))
EVENT_LABELS: dict[str, str] = {kind: t.label for kind, t in TABLE.items()}


def allows(kind: EventKind, status: str) -> bool:
    """May a dossier in `status` take the step `kind`?"""
    return status in TABLE[kind].sources


def kinds_from(status: str) -> list[EventKind]:
    """The steps a dossier in `status` may take, in the table's order."""
    return [kind for kind, t in TABLE.items() if status in t.sources]
