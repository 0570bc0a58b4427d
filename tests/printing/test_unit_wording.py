"""A unit corrects the wording of its forms: the PDF read back shows the correction, reset brings
the default back byte for byte, and a refused correction changes nothing."""

import unicodedata
from datetime import datetime, timedelta

import pytest

from counter import lifecycle, unit
from counter.errors import CounterError
from counter.session import Session
from printing import forms
from printing import unit_wording as wording
from tests.counter.helpers import receive, table_dump
from tests.printing import reading

CONTACT = {"phone": "0912 345 678", "address": "Thôn Đông, xã Tân Tiến", "email": "duc.nguyen@example.vn"}


@pytest.fixture
def code(session):
    return receive(session, procedure="2.001019", **CONTACT).code


def text(pdf: bytes) -> str:
    return reading.flat(reading.text(pdf))


def effective(session, form: str) -> dict:
    return {line.key: line.effective for line in wording.lines(session, form)}


def test_every_line_is_listed_with_its_default_and_no_correction(session):
    listed = wording.lines(session, "receipt")
    keys = [line.key for line in listed]
    assert keys[0] == "title" and listed[0].default == "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    assert {"number", "header", "address", "email", "copy_kinds.copy", "collect_at.postal", "notes"} <= set(keys)
    assert all(line.override is None and line.effective == line.default for line in listed)
    header = next(line for line in listed if line.key == "header")
    assert header.default == "{unit} | BỘ PHẬN TIẾP NHẬN | VÀ TRẢ KẾT QUẢ" and header.fields == ["{unit}"]
    for form in wording.FORMS:
        assert wording.lines(session, form)[0].key == "title"


def test_receipt_prints_the_corrected_line_part_and_title(session, code):
    before = forms.form_pdf(session, "receipt", code)
    wording.set_line(session, "receipt", "number", "Số: {number}/TNHS-UBND")
    wording.set_line(session, "receipt", "copies", "(Liên 1: Lưu tại Bộ phận) | (Liên 2: Giao người nộp)")
    wording.set_line(session, "receipt", "title", "GIẤY BIÊN NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    wording.set_line(session, "receipt", "copy_kinds.original", "Bản gốc")
    wording.set_line(session, "receipt", "address", "Nơi cư trú:")
    pdf = forms.form_pdf(session, "receipt", code)
    kept, given = (reading.flat(page) for page in reading.pages(pdf))
    for page in (kept, given):
        assert "Số: 1/TNHS-UBND" in page
        assert "GIẤY BIÊN NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page and "GIẤY TIẾP NHẬN" not in page
        assert "Nơi cư trú: Thôn Đông, xã Tân Tiến" in page and "Địa chỉ:" not in page
    assert "(Liên 1: Lưu tại Bộ phận)" in kept and "(Liên 2: Giao người nộp)" in given
    assert "1 Dự thảo di chúc Bản gốc 01" in reading.lines(pdf)

    wording.reset(session, "receipt", "number")
    partly = text(forms.form_pdf(session, "receipt", code))
    assert "Số: 1/TNHS " in partly and "TNHS-UBND" not in partly and "GIẤY BIÊN NHẬN" in partly
    assert sorted(wording.reset(session, "receipt")) == ["address", "copies", "copy_kinds.original", "title"]
    assert forms.form_pdf(session, "receipt", code) == before
    assert session.settings.form_wording == {}


def test_apology_title_and_a_line_with_fields(session, code):
    """The 2025 apology title is unconfirmed (forms.md): a unit that needs it sets it itself."""
    lifecycle.apologize(session, code, datetime(2025, 3, 10, 9, 0), "Chờ xác minh", datetime(2025, 3, 4, 9, 0))
    before = forms.form_pdf(session, "apology", code)
    wording.set_line(session, "apology", "title", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    wording.set_line(session, "apology", "late", "Đến nay, {unit} chưa trả kết quả đúng hẹn.")
    wording.set_line(session, "apology", "recipients", "Nơi nhận: | - Ông/Bà nêu trên; | - Bộ phận một cửa; | - Lưu.")
    printed = text(forms.form_pdf(session, "apology", code))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in printed
    assert "PHIẾU XIN LỖI" not in printed
    assert "Đến nay, UBND xã Tân Tiến chưa trả kết quả đúng hẹn." in printed
    assert "- Ông/Bà nêu trên;" in printed and "Như trên" not in printed
    wording.reset(session, "apology")
    assert forms.form_pdf(session, "apology", code) == before


def test_control_slip_and_ledger_lines(session, code):
    wording.set_line(session, "control", "hand_over", "Bên giao: {giver} | Bên nhận: {taker}")
    wording.set_line(session, "ledger", "volume", "Quyển sổ số: {volume}")
    wording.set_line(session, "ledger", "title", "SỔ THEO DÕI HỒ SƠ MỘT CỬA")
    slip = text(forms.form_pdf(session, "control", code))
    assert "Bên giao: Ông/Bà" in slip and "Bên nhận: Bộ phận tiếp nhận" in slip and "1. Giao:" not in slip
    day = datetime(2025, 3, 3).date()
    book = text(forms.ledger_pdf(session, day, day + timedelta(days=1)))
    assert "SỔ THEO DÕI HỒ SƠ MỘT CỬA" in book and "Quyển sổ số: 01" in book


def test_contact_lines_are_corrected_form_by_form(session, code):
    lifecycle.reject(session, code, "Trái pháp luật", datetime(2025, 3, 3, 10, 0))
    wording.set_line(session, "receipt", "phone", "Điện thoại:")
    assert "Điện thoại: 0912345678" in text(forms.form_pdf(session, "receipt", code))
    assert "Số điện thoại: 0912345678" in text(forms.form_pdf(session, "rejection", code))


def test_text_is_stored_in_nfc_with_single_spaces_and_kept_across_sessions(session, db_path):
    decomposed = unicodedata.normalize("NFD", "Mã số hồ sơ:")
    line = wording.set_line(session, "receipt", "code", f"  {decomposed}\t ")
    assert line.override == "Mã số hồ sơ:" and unicodedata.is_normalized("NFC", line.override)
    wording.set_line(session, "receipt", "header", "{unit}  |  BỘ PHẬN   MỘT CỬA | XÃ TÂN TIẾN")
    with Session(db_path) as again:
        assert effective(again, "receipt")["code"] == "Mã số hồ sơ:"
        assert again.settings.form_wording["receipt"]["header"] == ["{unit}", "BỘ PHẬN MỘT CỬA", "XÃ TÂN TIẾN"]


def test_setting_the_default_text_keeps_no_correction(session):
    wording.set_line(session, "receipt", "fee", "Lệ phí:")
    line = wording.set_line(session, "receipt", "fee", "Phí, lệ phí:")
    assert line.override is None and session.settings.form_wording == {}
    assert wording.reset(session, "receipt", "fee") == []


@pytest.mark.parametrize("form, key, value, message", [
    ("biên nhận", "title", "X", "Không có biểu mẫu «biên nhận»"),
    ("receipt", "footer", "X", "không có dòng «footer»"),
    ("receipt", "number", "Số: {number}/{year}/TNHS", "không có chỗ điền {year}"),
    ("receipt", "number", "Số: …/TNHS", "phải giữ chỗ điền {number}"),
    ("receipt", "ledger", "Vào Sổ, Số thứ tự: {number}", "phải giữ chỗ điền {volume}"),
    ("receipt", "number", "Số: {number!r}/TNHS", "không có chỗ điền {number!r}"),
    ("receipt", "number", "Số: {0}/TNHS", "không có chỗ điền {0}"),
    ("receipt", "title", "GIẤY {TIẾP NHẬN", "dấu ngoặc nhọn không hợp lệ"),
    ("receipt", "title", "GIẤY {unit}", "không có chỗ điền {unit}; dùng được: không có chỗ điền nào"),
    ("receipt", "header", "{unit} | BỘ PHẬN MỘT CỬA", "có 3 phần, ngăn cách bằng « | »; câu chữ mới có 2 phần"),
    ("receipt", "header", "{unit}|BỘ PHẬN|MỘT CỬA", "có 3 phần"),
    ("receipt", "header", "BỘ PHẬN | {unit} | MỘT CỬA", "(phần 1) phải giữ chỗ điền {unit}"),
    ("receipt", "header", "{unit} |  | MỘT CỬA", "(phần 2) không được để trống"),
    ("receipt", "title", " \t ", "không được để trống"),
    ("control", "hand_over", "Giao: {giver} | Nhận", "(phần 2) phải giữ chỗ điền {taker}"),
])
def test_refusals_change_nothing(session, code, form, key, value, message):
    wording.set_line(session, "receipt", "fee", "Lệ phí:")
    before, pdf = table_dump(session), forms.form_pdf(session, "receipt", code)
    with pytest.raises(CounterError) as refused:
        wording.set_line(session, form, key, value)
    assert message in refused.value.message
    assert table_dump(session) == before
    assert forms.form_pdf(session, "receipt", code) == pdf


def test_reset_refuses_an_unknown_form_or_line(session):
    wording.set_line(session, "receipt", "fee", "Lệ phí:")
    before = table_dump(session)
    for form, key in (("sổ", None), ("receipt", "footer")):
        with pytest.raises(CounterError):
            wording.reset(session, form, key)
    assert table_dump(session) == before


def test_a_correction_that_no_longer_fits_prints_the_default(session, code):
    """A later release may change a line's fields: an old correction must not break printing."""
    before = forms.form_pdf(session, "receipt", code)
    unit.configure(session, form_wording={"receipt": {"number": "Số: {old}/TNHS", "gone": "X",
                                                      "header": ["{unit}", "MỘT CỬA"]}})
    assert forms.form_pdf(session, "receipt", code) == before
    assert all(line.override is None for line in wording.lines(session, "receipt"))
    assert sorted(wording.reset(session, "receipt")) == ["gone", "header", "number"]


def test_settings_refuse_wording_as_plain_text(session):
    before = table_dump(session)
    with pytest.raises(CounterError, match="wording set"):
        unit.configure(session, form_wording='{"receipt": {"title": "X"}}')
    assert table_dump(session) == before
