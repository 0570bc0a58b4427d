import pytest

from counter import dossiers, lifecycle
from counter.corrections import edit
from counter.errors import CounterError
from counter.search import search
from tests.counter.helpers import at, receive, table_dump


def test_name_correction_keeps_old_and_new_values_and_search_follows(session):
    dossier = receive(session, name="Nguyen Van Duc")
    fixed = edit(session, dossier.code, "name", "Nguyễn Văn Đức", "Gõ thiếu dấu")
    assert fixed.applicant_name == "Nguyễn Văn Đức"
    event = dossiers.events(session, fixed)[-1]
    assert event["kind"] == "edited" and event["officer"] == "Trần Thị Lan"
    assert event["detail"] == {"field": "name", "old": "Nguyen Van Duc", "new": "Nguyễn Văn Đức",
                               "reason": "Gõ thiếu dấu"}
    assert [d.code for d in search(session, "Đức")] == [dossier.code]


def test_id_phone_channel_and_fee_corrections(session):
    dossier = receive(session)
    assert edit(session, dossier.code, "id-number", "024123456789", "Bổ sung CCCD").id_number == "024123456789"
    assert edit(session, dossier.code, "phone", "0912.345.678", "Sai số").phone == "0912345678"
    assert edit(session, dossier.code, "channel", "postal", "Nộp qua bưu điện").channel == "postal"
    assert edit(session, dossier.code, "fee", "40.000", "Giảm phí").fee == 40000


def test_procedure_correction_recomputes_the_due_date(session):
    dossier = receive(session, "2025-03-03 09:00", procedure="2.001035")  # 2 days
    fixed = edit(session, dossier.code, "procedure", "1.001776", "Chọn nhầm thủ tục")  # 10 days
    assert (fixed.procedure_code, fixed.days) == ("1.001776", 10)
    assert fixed.due_at == at("2025-03-17 09:00") == fixed.appointment_at


@pytest.mark.parametrize("field, value, reason, message", [
    ("name", "Lê An", "", "lý do"),
    ("colour", "x", "r", "Không sửa được"),
    ("id_number", "12", "r", "CCCD"),
    ("fee", "-5", "r", "âm"),
    ("name", "Nguyễn Văn Đức", "r", "giống giá trị cũ"),
])
def test_bad_corrections_change_nothing(session, field, value, reason, message):
    dossier = receive(session)
    before = table_dump(session)
    with pytest.raises(CounterError, match=message):
        edit(session, dossier.code, field, value, reason)
    assert table_dump(session) == before


def test_procedure_cannot_change_after_the_result(session):
    dossier = receive(session)
    lifecycle.record_result(session, dossier.code, at("2025-03-04 09:00"))
    with pytest.raises(CounterError, match="đang giải quyết"):
        edit(session, dossier.code, "procedure", "1.001776", "Nhầm")
