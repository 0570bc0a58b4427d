"""History and audit trail in sentences (issue 15): no `key: value`, no ISO time on screen,
and a sentence for every event kind and every audit action motcua writes."""

import re
from datetime import timedelta
from pathlib import Path

from counter import corrections, intake, lifecycle
from counter.clock import now
from counter.transitions import TABLE
from ui.sentences import AUDIT, EVENTS, audit_sentence, event_sentence

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\w+: (?:\d{4}-\d\d-\d\d|None|True|False)|\d{4}-\d\d-\d\dT|[{}\[\]]")


def written_actions() -> set[str]:
    """Every audit action counter/ writes by name (the event kinds come from the state table)."""
    found = set()
    for path in (ROOT / "counter").rglob("*.py"):
        found |= set(re.findall(r"audit\.log\(\s*[\w.]+,\s*\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
        found |= set(re.findall(r"\"(account_enabled|account_disabled)\"", path.read_text(encoding="utf-8")))
    return found


def test_every_event_kind_and_audit_action_has_a_sentence():
    assert set(TABLE) <= set(EVENTS)
    assert written_actions() and written_actions() <= set(AUDIT) | set(EVENTS)


def test_sentences_read_as_sentences():
    assert event_sentence("received", {"due_at": "2026-12-16T07:30:00", "channel": "counter", "fee": 20000}) == \
        "Tiếp nhận trực tiếp; hạn giải quyết 07:30 ngày 16/12/2026; phí, lệ phí 20.000 đồng."
    assert event_sentence("result_recorded", {"timeliness": "on_time", "file": None}) == \
        "Có kết quả giải quyết, đúng hạn."
    assert event_sentence("result_recorded", {"timeliness": "early", "file": "ab12"}) == \
        "Có kết quả giải quyết, trước hạn; có tệp kết quả."
    assert event_sentence("returned", {"to": "Lê Văn Tám", "channel": "postal", "rating": "satisfied",
                                       "rating_by": "citizen"}) == \
        "Trả kết quả cho Lê Văn Tám, qua bưu chính công ích; người dân tự đánh giá: Hài lòng."
    assert audit_sentence("settings_changed", "settings", {"office_open": "07:00", "cutoff_enabled": False}) == \
        "Sửa thiết lập: giờ mở cửa 07:00, áp dụng giờ chốt không."


def test_a_dossier_history_on_screen_is_sentences(app, session):
    dossier = intake.receive(session, "1.001193", "Đặng Thị Thu", fee=0, at=now() - timedelta(hours=5))
    lifecycle.request_supplement(session, dossier.code, "Thiếu giấy chứng sinh", at=now() - timedelta(hours=4))
    lifecycle.resume(session, dossier.code, at=now() - timedelta(hours=3))
    corrections.edit(session, dossier.code, "phone", "0912345678", "Người nộp đọc nhầm số")
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=2))
    lifecycle.return_result(session, dossier.code, rating="very-satisfied", at=now() - timedelta(hours=1))
    app.window.open_dossier(dossier.code)
    app.idle()
    dialog = app.window.dialogs[0]
    table = dialog.events
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert len(rows) == 6
    for row in rows:
        assert not INTERNAL.search(" ".join(row)), row
    sentences = [row[3] for row in rows]
    assert sentences[0].startswith("Tiếp nhận trực tiếp; hạn giải quyết ")
    assert sentences[1] == "Yêu cầu bổ sung: Thiếu giấy chứng sinh."
    # The history is in the unit's one order, by time (issue 12): the edit, made now, comes last.
    assert sentences[4].endswith("cán bộ ghi đánh giá của người dân: Rất hài lòng.")
    assert sentences[5] == "Sửa điện thoại: «(trống)» thành «0912345678»; lý do: Người nộp đọc nhầm số."
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[0][0])
    dialog.close()


def test_the_audit_trail_on_screen_is_sentences(app, session):
    dossier = intake.receive(session, "1.001193", "Đặng Thị Thu")
    lifecycle.record_result(session, dossier.code)
    page = app.window.settings.audit
    app.screen(app.window.settings)
    app.window.settings.show_page(page)
    page.start()
    app.idle()
    table = page.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert rows
    for row in rows:
        assert not INTERNAL.search(" ".join(row[1:4] + row[5:])), row
    details = [row[5] for row in rows]
    assert any(d.startswith("Có kết quả giải quyết") for d in details)
    assert any(d.startswith("Nhập danh mục từ tệp") for d in details)
