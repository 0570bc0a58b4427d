"""printing.forms refuses a form that does not fit the dossier's state."""

from datetime import date, datetime

import pytest

from counter import intake, lifecycle, unit
from counter.errors import CounterError
from printing import forms


@pytest.fixture
def dossier(session):
    return intake.receive(session, "2.001019", "Nguyễn Văn Đức", at=datetime(2025, 3, 3, 9, 0))


@pytest.mark.parametrize("form, message", [
    ("apology", "chưa có văn bản xin lỗi"),
    ("stop", "không bị dừng giải quyết"),
    ("rejection", "không bị từ chối"),
    ("supplement", "chưa có yêu cầu bổ sung"),
])
def test_a_form_that_does_not_fit_the_state_is_refused(session, dossier, form, message):
    with pytest.raises(CounterError, match=message) as refused:
        forms.form_pdf(session, form, dossier.code)
    assert dossier.code in refused.value.message and "Không in được" in refused.value.message


def test_receipt_and_control_fit_every_dossier(session, dossier):
    lifecycle.stop(session, dossier.code, "Rút hồ sơ", datetime(2025, 3, 3, 10, 0))
    for form in ("receipt", "control", "stop"):
        assert forms.form_pdf(session, form, dossier.code).startswith(b"%PDF")
    with pytest.raises(CounterError, match="không bị từ chối"):
        forms.form_pdf(session, "rejection", dossier.code)


def test_stopped_dossier_has_no_stop_notice_under_tt01(session, dossier):
    lifecycle.stop(session, dossier.code, "Rút hồ sơ", datetime(2025, 3, 3, 10, 0))
    unit.configure(session, form_set="tt01-2018")
    with pytest.raises(CounterError, match="01/2018/TT-VPCP không có mẫu Thông báo dừng"):
        forms.form_pdf(session, "stop", dossier.code)


def test_a_supplement_slip_stays_printable_after_the_dossier_came_back(session, dossier):
    lifecycle.request_supplement(session, dossier.code, "Thiếu tờ khai", datetime(2025, 3, 3, 9, 30))
    lifecycle.resume(session, dossier.code, datetime(2025, 3, 3, 10, 0))
    assert forms.form_pdf(session, "supplement", dossier.code).startswith(b"%PDF")


def test_unknown_form_and_unknown_code(session, dossier):
    with pytest.raises(CounterError, match="Không có biểu mẫu «invoice»"):
        forms.form_pdf(session, "invoice", dossier.code)
    with pytest.raises(CounterError, match="Không tìm thấy hồ sơ"):
        forms.form_pdf(session, "receipt", "000.00.53.H48-250303-9999")


def test_contract(session, dossier):
    assert forms.FORMS == ("receipt", "supplement", "rejection", "apology", "stop", "control")
    assert forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 3)).startswith(b"%PDF")
