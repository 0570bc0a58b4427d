import sqlite3

import pytest

from counter import audit, digitization, lifecycle, maintenance, unit
from tests.counter.helpers import at, receive


def actions(session) -> list[str]:
    return [row["action"] for row in reversed(audit.recent(session, 1000))]


def test_every_change_appends_an_audit_row(session, tmp_path):
    before = len(actions(session))
    dossier = receive(session)
    lifecycle.request_supplement(session, dossier.code, "Thiếu", at("2025-03-03 10:00"))
    lifecycle.resume(session, dossier.code, at("2025-03-04 10:00"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF")
    digitization.attach(session, dossier.code, document=1, file=scan)
    lifecycle.record_result(session, dossier.code, at("2025-03-05 10:00"))
    lifecycle.return_result(session, dossier.code, at("2025-03-05 11:00"), rating="satisfied")
    unit.set_day(session, at("2025-03-10 00:00").date(), False, "Nghỉ")
    unit.configure(session, place="Bắc Ninh")
    assert actions(session)[before:] == [
        "code_reserved", "received", "supplement_requested", "supplement_received", "digitized",
        "result_recorded", "returned", "calendar_day_set", "settings_changed"]
    last = audit.recent(session, 1)[0]
    assert last["officer"] == "Trần Thị Lan"


def test_the_chain_holds_and_audit_rows_cannot_be_changed(session):
    receive(session)
    assert audit.verify(session) is None
    for statement in ("UPDATE audit SET officer = 'x' WHERE id = 1", "DELETE FROM audit WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            session.db.conn.execute(statement)


@pytest.mark.parametrize("tamper, row, why", [
    ("UPDATE audit SET detail = '{\"fee\": 0}' WHERE id = 3", 3, "nội dung đã bị sửa"),
    ("DELETE FROM audit WHERE id = 2", 2, "thiếu dòng"),
    ("UPDATE audit SET prev_hash = hash WHERE id = 4", 4, "không khớp với dòng trước"),
])
def test_check_names_the_first_broken_row(session, tamper, row, why):
    for _ in range(3):
        receive(session)
    conn = session.db.conn
    conn.execute("DROP TRIGGER audit_append_only_update")
    conn.execute("DROP TRIGGER audit_append_only_delete")
    conn.execute(tamper)
    problem = audit.verify(session)
    assert problem == f"Nhật ký kiểm tra bị phá vỡ từ dòng {row}: {why}."
    assert problem in maintenance.check(session)
