"""The state table itself: complete, consistent, the schema's CHECK lists, and the only
place (with the migrations) that spells a status or an event kind."""

import ast
import re
from pathlib import Path

import pytest
import sqlite_utils

from counter import dossier as dossier_module
from counter import lifecycle, roles
from counter.dossier import CHANNELS, RATINGS, REPLAYED, RETURN_CHANNELS, STATUSES
from counter.errors import CounterError
from counter.transitions import (
    ANY,
    CLOCK_STARTS,
    EVENT_LABELS,
    GRANTS,
    OPEN,
    STATUS_LABELS,
    STEPS,
    TABLE,
    Clock,
    EventKind,
    Permission,
    Role,
    Status,
    allows,
    kinds_from,
)
from db import migrations
from db.dossiers import DOSSIER_COLUMNS
from tests.counter.helpers import at, receive

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def schema() -> dict[str, str]:
    db = sqlite_utils.Database(memory=True)
    migrations.upgrade(db)
    return {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}


def check_list(sql: str, column: str) -> set[str]:
    found = re.search(rf"CHECK \({column} IN \(([^)]*)\)\)", sql)
    assert found, column
    return set(re.findall(r"'([^']*)'", found[1]))


def test_the_enums_are_the_schemas_check_lists(schema):
    assert check_list(schema["dossiers"], "status") == {s.value for s in Status} == set(STATUSES)
    assert check_list(schema["officers"], "role") == {r.value for r in Role} == set(roles.ROLES)
    assert check_list(schema["dossiers"], "channel") == set(CHANNELS)
    assert check_list(schema["dossiers"], "return_channel") == set(RETURN_CHANNELS)
    assert check_list(schema["dossiers"], "rating") == set(RATINGS)


def test_the_stored_values_did_not_change():
    assert [s.value for s in Status] == ["received", "waiting_supplement", "result_ready", "returned", "rejected",
                                         "stopped"]
    assert [k.value for k in EventKind] == [
        "received", "supplement_requested", "supplement_received", "result_recorded", "returned", "rejected",
        "stopped", "apologized", "edited", "digitized", "result_digitized", "due_recomputed", "complained"]


def test_every_event_kind_has_one_complete_row():
    assert set(TABLE) == set(EventKind) == set(EVENT_LABELS)
    assert set(dossier_module._EFFECTS) == set(EventKind)
    for kind, rule in TABLE.items():
        assert rule.kind == kind and rule.permission in GRANTS and rule.label and rule.action
        assert rule.sources <= ANY and (rule.target is None or rule.target in Status)
    assert set(STATUS_LABELS) == set(Status) and set(GRANTS) == set(Permission)


def test_only_the_receipt_starts_a_dossier_and_every_status_is_reachable():
    assert [kind for kind, rule in TABLE.items() if not rule.sources] == [EventKind.RECEIVED]
    reached, frontier = {Status.RECEIVED}, [Status.RECEIVED]
    while frontier:
        for kind in kinds_from(frontier.pop()):
            target = TABLE[kind].target
            if target is not None and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status)


def test_the_clock_column():
    clocks = {kind: rule.clock for kind, rule in TABLE.items() if rule.clock != Clock.NONE}
    assert clocks == {
        EventKind.RECEIVED: Clock.STARTS, EventKind.SUPPLEMENT_REQUESTED: Clock.STOPS,
        EventKind.SUPPLEMENT_RECEIVED: Clock.RESTARTS, EventKind.RESULT_RECORDED: Clock.ENDS,
        EventKind.REJECTED: Clock.ENDS, EventKind.STOPPED: Clock.ENDS, EventKind.DUE_RECOMPUTED: Clock.MOVES,
    }
    assert CLOCK_STARTS == (EventKind.RECEIVED, EventKind.SUPPLEMENT_RECEIVED)
    # The clock stops only while waiting, and ends in a status that has a result.
    assert TABLE[EventKind.SUPPLEMENT_REQUESTED].target == Status.WAITING_SUPPLEMENT
    assert {TABLE[k].target for k, c in clocks.items() if c == Clock.ENDS} == {
        Status.RESULT_READY, Status.REJECTED, Status.STOPPED}


def test_closed_dossiers_take_only_corrections_scans_and_complaints():
    """Issue 11 §1: a calendar change recomputes open dossiers only; resolved ones keep their judgement."""
    for status in (Status.RETURNED, Status.REJECTED, Status.STOPPED):
        assert set(kinds_from(status)) <= {EventKind.EDITED, EventKind.DIGITIZED, EventKind.RESULT_DIGITIZED,
                                           EventKind.COMPLAINED}
    assert set(kinds_from(Status.WAITING_SUPPLEMENT)) == {
        EventKind.SUPPLEMENT_RECEIVED, EventKind.REJECTED, EventKind.STOPPED, EventKind.EDITED, EventKind.DIGITIZED,
        EventKind.DUE_RECOMPUTED, EventKind.COMPLAINED}
    assert TABLE[EventKind.DUE_RECOMPUTED].sources == OPEN == {Status.RECEIVED, Status.WAITING_SUPPLEMENT}
    assert set(STEPS) == set(EventKind) - {EventKind.EDITED, EventKind.DIGITIZED, EventKind.RESULT_DIGITIZED,
                                           EventKind.DUE_RECOMPUTED, EventKind.COMPLAINED}


def test_role_sets_are_read_from_the_grants_and_nest():
    assert roles.OFFICER < roles.HEAD < roles.ADMIN == set(Permission)
    officer_steps = {k for k, rule in TABLE.items() if rule.permission in roles.OFFICER}
    assert officer_steps == {EventKind.RECEIVED, EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED,
                             EventKind.RESULT_RECORDED, EventKind.RETURNED, EventKind.DIGITIZED,
                             EventKind.RESULT_DIGITIZED, EventKind.COMPLAINED}
    # ND 61/2018 art. 19: a second supplement request is the head's call; a calendar change the admin's.
    assert roles.allows("head", "supplement_repeat") and not roles.allows("officer", "supplement_repeat")
    assert TABLE[EventKind.DUE_RECOMPUTED].permission == Permission.CALENDAR
    assert roles.allows("head", "reject") and not roles.allows("officer", "apologize")
    assert not roles.allows("officer", "accounts") and roles.allows("admin", "demo") and not roles.allows("x", "view")
    assert roles.LABELS["reject"] == "từ chối hồ sơ"


def test_the_replayed_columns_are_every_stored_column_but_the_local_ones():
    assert set(REPLAYED) == set(DOSSIER_COLUMNS) - {"id", "applicant_id", "updated_at"}


@pytest.mark.parametrize("kind, call", [
    (EventKind.SUPPLEMENT_REQUESTED, lambda s, c: lifecycle.request_supplement(s, c, "Thiếu", at("2025-03-05 10:00"))),
    (EventKind.SUPPLEMENT_RECEIVED, lambda s, c: lifecycle.resume(s, c, at("2025-03-05 10:00"))),
    (EventKind.RESULT_RECORDED, lambda s, c: lifecycle.record_result(s, c, at("2025-03-05 10:00"))),
    (EventKind.RETURNED, lambda s, c: lifecycle.return_result(s, c, at("2025-03-05 10:00"))),
    (EventKind.REJECTED, lambda s, c: lifecycle.reject(s, c, "Lý do", at("2025-03-05 10:00"))),
    (EventKind.STOPPED, lambda s, c: lifecycle.stop(s, c, "Lý do", at("2025-03-05 10:00"))),
])
def test_the_services_allow_a_step_exactly_from_the_tables_statuses(session, kind, call):
    """A dossier brought to every status, then the step tried from each."""
    paths = {
        Status.RECEIVED: [],
        Status.WAITING_SUPPLEMENT: [lambda s, c: lifecycle.request_supplement(s, c, "Thiếu", at("2025-03-04 09:00"))],
        Status.RESULT_READY: [lambda s, c: lifecycle.record_result(s, c, at("2025-03-04 09:00"))],
        Status.RETURNED: [lambda s, c: lifecycle.record_result(s, c, at("2025-03-04 09:00")),
                          lambda s, c: lifecycle.return_result(s, c, at("2025-03-04 09:30"))],
        Status.REJECTED: [lambda s, c: lifecycle.reject(s, c, "Lý do", at("2025-03-04 09:00"))],
        Status.STOPPED: [lambda s, c: lifecycle.stop(s, c, "Lý do", at("2025-03-04 09:00"))],
    }
    for status, steps in paths.items():
        code = receive(session).code
        for step in steps:
            step(session, code)
        if allows(kind, status):
            assert call(session, code).status == (TABLE[kind].target or status)
        else:
            with pytest.raises(CounterError, match="Không thể"):
                call(session, code)


# --- no status or event kind spelled outside the table and the migrations --------------------------

VALUES = {s.value for s in Status} | {k.value for k in EventKind}
ALLOWED_FILES = {"counter/transitions.py", "db/migrations.py"}
# The same words naming something else: a figure, a column of the dossier list, a wording key.
OTHER_MEANINGS = {
    ("counter/dossier.py", "digitized"),  # the dossier's columns of the same names, set by replay
    ("counter/dossier.py", "result_digitized"),
    ("ui/list_model.py", "digitized"),  # the list's "Số hóa" column
    ("db/dossier_list.py", "digitized"),  # the same column, sorted
    ("printing/ledger.py", "received"),  # the ledger's "Nhận hồ sơ" and "Trả kết quả" columns
    ("printing/ledger.py", "returned"),
}


def _literals(tree: ast.AST):
    """String constants used as a status or an event kind: not dict keys, not subscripts, not
    dict.get keys, not in a tuple or list that holds other words too (a key and its label, a
    list of columns)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            skip.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            skip.add(id(node.slice))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "get", "pop", "setdefault") and node.args:
            skip.add(id(node.args[0]))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if any(word not in VALUES for word in words):
                skip.update(id(e) for e in node.elts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if node.value in VALUES:
                yield node.lineno, node.value
            for quoted in re.findall(r"'([a-z_]+)'", node.value):
                if quoted in VALUES:
                    yield node.lineno, f"'{quoted}' in SQL"


def test_no_status_or_event_kind_literal_outside_the_table_and_the_migrations():
    found = []
    for path in sorted(ROOT.glob("*.py")) + sorted(p for d in ("counter", "db", "ui", "printing", "bench")
                                                    for p in (ROOT / d).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED_FILES:
            continue
        for line, value in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if (name, value) not in OTHER_MEANINGS:
                found.append(f"{name}:{line}: {value}")
    assert found == []


def test_the_literal_scan_finds_what_it_must():
    code = (
        "if d.status == 'returned': pass\n"
        "x = ('received', 'waiting_supplement')\n"
        "record(s, d, at, 'edited', {})\n"
        "sql = \"SELECT id FROM dossiers WHERE status = 'stopped'\"\n"
        "ok = {'received': 'Tiếp nhận'}['received'], row.get('digitized'), ('digitized', 'reused')\n"
    )
    assert [value for _, value in sorted(_literals(ast.parse(code)))] == [
        "returned", "received", "waiting_supplement", "edited", "'stopped' in SQL"]


def test_every_permission_a_service_requires_is_declared():
    for path in sorted(p for d in ("counter", "ui") for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "require", "may", "guard", "refusal"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        assert arg.value in set(Permission), f"{path}:{node.lineno}: {arg.value}"
