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
    assert header.default == "{unit} | TRUNG TÂM PHỤC VỤ | HÀNH CHÍNH CÔNG" and header.fields == ["{unit}"]
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
    """The 2025 apology title is reported by a legal site's listing of the annex (forms.md): a unit
    whose province prints the ministry decision's title sets it itself."""
    lifecycle.apologize(session, code, datetime(2025, 3, 10, 9, 0), "Chờ xác minh", datetime(2025, 3, 4, 9, 0))
    before = forms.form_pdf(session, "apology", code)
    wording.set_line(session, "apology", "title", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    wording.set_line(session, "apology", "late", "Đến nay, {unit} chưa trả kết quả đúng hẹn.")
    wording.set_line(session, "apology", "recipients", "Nơi nhận: | - Ông/Bà nêu trên; | - Bộ phận một cửa; | - Lưu.")
    printed = text(forms.form_pdf(session, "apology", code))
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in printed
    assert "VĂN BẢN XIN LỖI" not in printed
    assert "Đến nay, UBND xã Tân Tiến chưa trả kết quả đúng hẹn." in printed
    assert "- Ông/Bà nêu trên;" in printed and "Như trên" not in printed
    wording.reset(session, "apology")
    assert forms.form_pdf(session, "apology", code) == before


def test_control_slip_and_ledger_lines(session, code):
    wording.set_line(session, "control", "hand_over", "Bên giao: {giver} | Bên nhận: {taker}")
    wording.set_line(session, "ledger", "volume", "Quyển sổ số: {volume}")
    wording.set_line(session, "ledger", "title", "SỔ THEO DÕI HỒ SƠ MỘT CỬA")
    slip = text(forms.form_pdf(session, "control", code))
    assert "Bên giao: Ông/Bà" in slip and "Bên nhận: Trung tâm Phục vụ" in slip and "1. Giao:" not in slip
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


def test_wording_list_shows_the_defaults_of_the_units_form_set(cli):
    """`wording list FORM` lists the lines the unit's form set prints (docs/rules.md, Forms)."""
    def listed(form: str) -> dict:
        return {line["key"]: line["default"] for line in cli.json("wording", "list", form)["lines"]}

    receipt, apology, ledger = listed("receipt"), listed("apology"), listed("ledger")
    assert receipt["header"] == "{unit} | TRUNG TÂM PHỤC VỤ | HÀNH CHÍNH CÔNG"
    assert receipt["counter"] == "Trung tâm Phục vụ hành chính công:"
    assert receipt["id_number"] == "Số định danh cá nhân/tổ chức:"
    assert receipt["representative"] == "Người được ủy quyền (nếu có):"
    assert apology["title"] == "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
    assert apology["signer"] == "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ | (Ký, ghi rõ họ tên và đóng dấu)"
    assert len(ledger["columns"].split(" | ")) == 11 and "methods.postal" in ledger
    assert listed("stop")["signature"] == "TRUNG TÂM PHỤC VỤ\nHÀNH CHÍNH CÔNG | (Ký và ghi rõ họ tên)"

    assert cli("settings", "set", "form_set", "tt01-2018")[0] == 0
    receipt, apology, ledger = listed("receipt"), listed("apology"), listed("ledger")
    assert receipt["header"] == "{unit} | BỘ PHẬN TIẾP NHẬN | VÀ TRẢ KẾT QUẢ"
    assert receipt["id_number"] == "Số CCCD/CMND:" and "representative" not in receipt
    assert apology["title"] == "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    assert apology["signer"] == "THỦ TRƯỞNG CƠ QUAN | (Ký, ghi rõ họ tên và đóng dấu)"
    assert len(ledger["columns"].split(" | ")) == 13 and "methods.postal" not in ledger
    # The stop notice exists only in TT 03/2025: its lines are those of that set.
    assert listed("stop")["title"] == "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
    # ND 61/2018 art. 7.2: a province's counter is its Trung tâm Phục vụ hành chính công.
    assert cli("settings", "set", "level", "tinh")[0] == 0
    assert listed("receipt")["header"] == "{unit} | TRUNG TÂM PHỤC VỤ | HÀNH CHÍNH CÔNG"


def test_corrections_carry_over_to_the_other_set_only_where_they_fit(session, code):
    """A correction made under one set prints under the other when it fits that set's line (same
    parts, same fields); otherwise the other set prints its default, and the correction comes back
    with its set."""
    lifecycle.apologize(session, code, datetime(2025, 3, 10, 9, 0), "Chờ xác minh", datetime(2025, 3, 4, 9, 0))
    day = datetime(2025, 3, 3).date()

    def book() -> bytes:
        return forms.ledger_pdf(session, day, day)

    plain_2025 = {"receipt": forms.form_pdf(session, "receipt", code), "ledger": book()}
    unit.configure(session, form_set="tt01-2018")
    wording.set_line(session, "receipt", "header", "{unit} | BỘ PHẬN MỘT CỬA | XÃ TÂN TIẾN")
    wording.set_line(session, "ledger", "apology", "Hẹn lại ngày {date}")
    wording.set_line(session, "ledger", "columns", " | ".join(f"Cột {n}" for n in range(1, 14)))
    assert "Hẹn lại ngày 10/3/2025" in text(book()) and "Cột 13" in text(book())

    unit.configure(session, form_set="tt03-2025")
    # Three parts filled with {unit}: fits the 2025 header too.
    assert "UBND XÃ TÂN TIẾN BỘ PHẬN MỘT CỬA XÃ TÂN TIẾN" in text(forms.form_pdf(session, "receipt", code))
    # 13 columns do not fit the 11 of 2025, and the 2025 apology note has no {date}: passed over.
    assert book() == plain_2025["ledger"]
    listed = {line.key: line for line in wording.lines(session, "ledger")}
    assert listed["columns"].override is None and listed["apology"].override is None
    assert listed["apology"].effective == "(đã xin lỗi, hẹn lại)"

    wording.set_line(session, "receipt", "representative", "Người đại diện theo ủy quyền:")
    assert "Người đại diện theo ủy quyền: ……………………" in text(forms.form_pdf(session, "receipt", code))
    unit.configure(session, form_set="tt01-2018")
    assert "ủy quyền" not in text(forms.form_pdf(session, "receipt", code))  # no such line in 2018
    assert "Hẹn lại ngày 10/3/2025" in text(book())  # its own set prints it again
    assert wording.reset(session, "receipt", "representative") == ["representative"]
    assert wording.reset(session, "receipt") == ["header"]
    wording.reset(session, "ledger")
    unit.configure(session, form_set="tt03-2025")
    assert forms.form_pdf(session, "receipt", code) == plain_2025["receipt"]
    assert session.settings.form_wording == {}
