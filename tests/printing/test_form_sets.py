"""Each form set prints its own circular's forms (issue 11, section 4; docs/rules.md, "Biểu mẫu /
Forms"): TT 03/2025/TT-VPCP with the 2025 titles, the one-stop unit as ND 118/2025 art. 1 names it,
"Số định danh cá nhân/tổ chức", the authorised representative, the 2025 control-slip and ledger
columns and signers; TT 01/2018/TT-VPCP as before. Every form is read back with pdftotext."""

from datetime import date, datetime

import pytest

from counter import lifecycle, unit
from printing import control, forms, frame, ledger, receipt, rejection, supplement
from printing.applicant import Applicant, Representative
from tests.printing import reading

CENTRE = "Trung tâm Phục vụ hành chính công"
COUNTER_2018 = "Bộ phận tiếp nhận và trả kết quả"
BLANK = "……………………"


def text(pdf: bytes) -> str:
    return reading.flat(reading.text(pdf))


def edges(sheet: frame.Sheet, widths: list[float]) -> list[float]:
    """The x of a table's column rules, from the fractions of the text width its module gives."""
    found = [sheet.left]
    for width in widths:
        found.append(found[-1] + width * sheet.width)
    return found


@pytest.fixture
def states(session, receive):
    """One dossier in each state a form needs, as the sample unit of docs/forms/render.py."""
    will = receive()
    lifecycle.record_result(session, will.code, datetime(2025, 3, 4, 15, 30))
    lifecycle.return_result(session, will.code, datetime(2025, 3, 5, 8, 15))
    missing = receive(name="Lê Thị Hoa", at=datetime(2025, 3, 3, 10, 0))
    lifecycle.request_supplement(session, missing.code, "Bản sao Giấy khai sinh", datetime(2025, 3, 3, 10, 20))
    refused = receive(name="Phạm Minh Tuấn", at=datetime(2025, 3, 3, 14, 0))
    lifecycle.reject(session, refused.code, "Trái pháp luật", datetime(2025, 3, 3, 14, 10))
    late = receive(name="Hoàng Thu Trang", procedure="1.001776", at=datetime(2025, 3, 4, 8, 30))
    lifecycle.apologize(session, late.code, datetime(2025, 3, 24, 16, 0), "Cần xác minh thêm",
                        datetime(2025, 3, 14, 10, 0))
    stopped = receive(name="Đỗ Văn Nam", procedure="1.001022", at=datetime(2025, 3, 4, 9, 45))
    lifecycle.stop(session, stopped.code, "Ông Nam đề nghị rút hồ sơ", datetime(2025, 3, 5, 8, 0))
    return {"receipt": will.code, "control": will.code, "supplement": missing.code, "rejection": refused.code,
            "apology": late.code, "stop": stopped.code}


def printed(session, states) -> dict[str, str]:
    """The text of every form the unit's set has, the ledger included."""
    found = {form: text(forms.form_pdf(session, form, code)) for form, code in states.items()
             if form != "stop" or session.settings.form_set == "tt03-2025"}
    found["ledger"] = text(forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 5)))
    return found


TITLES = {
    "tt03-2025": {
        "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        "rejection": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        "apology": ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
        "stop": ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        "control": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        "ledger": ("07", "SỔ THEO DÕI HỒ SƠ"),
    },
    "tt01-2018": {
        "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        "rejection": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        "apology": ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        "control": ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        "ledger": ("06", "SỔ THEO DÕI HỒ SƠ"),
    },
}


def test_every_form_has_the_number_and_title_of_its_set(session, states, form_set):
    circular = {"tt03-2025": "03/2025", "tt01-2018": "01/2018"}[form_set]
    texts = printed(session, states)
    assert set(texts) == set(TITLES[form_set])
    for form, (number, title) in TITLES[form_set].items():
        assert f"Mẫu số {number} - Thông tư số {circular}/TT-VPCP" in texts[form], form
        assert title in texts[form], form
    apology = texts["apology"]
    if form_set == "tt03-2025":
        assert "PHIẾU XIN LỖI" not in apology and "HẸN LẠI NGÀY TRẢ KẾT QUẢ" not in apology
    else:
        assert "VĂN BẢN XIN LỖI" not in apology and "GIA HẠN" not in apology


def test_the_counter_is_named_as_its_set_names_it(session, states, form_set):
    """ND 118/2025 art. 1: the commune's counter is its Trung tâm Phục vụ hành chính công; TT 01/2018
    (ND 61/2018 art. 7): the Bộ phận tiếp nhận và trả kết quả."""
    texts = printed(session, states)
    name, header = ((CENTRE, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG") if form_set == "tt03-2025"
                    else (COUNTER_2018, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"))
    other = "Bộ phận tiếp nhận" if form_set == "tt03-2025" else "Trung tâm Phục vụ"
    for form in ("receipt", "supplement", "rejection", "control", *(("stop",) if "stop" in texts else ())):
        assert f"UBND XÃ TÂN TIẾN {header}" in texts[form], form
        assert f"{name}: UBND xã Tân Tiến" in texts[form] or form == "control", form
        assert other.casefold() not in texts[form].casefold(), form
    receipt_text = texts["receipt"]
    assert f"6. Đăng ký nhận kết quả tại: {name}" in receipt_text
    assert f"được lưu tại {name};" in receipt_text and f"nhận kết quả tại {name} hoặc tại nhà" in receipt_text
    assert f"liên hệ với Trần Thị Lan, {name} UBND xã Tân Tiến" in texts["supplement"]
    assert f"- {name};" in texts["apology"]
    assert f"2. Nhận: {name} (Trần Thị Lan)" in texts["control"]


@pytest.mark.parametrize("form_set, level, header, name", [
    ("tt03-2025", "xa", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", CENTRE),
    ("tt03-2025", "tinh", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", CENTRE),
    # No district level since 1/7/2025; ND 118 names no district unit: the ND 61 name stays.
    ("tt03-2025", "huyen", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Bộ phận Tiếp nhận và Trả kết quả"),
    ("tt01-2018", "xa", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", COUNTER_2018),
    ("tt01-2018", "huyen", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", COUNTER_2018),
    ("tt01-2018", "tinh", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", CENTRE),  # ND 61/2018 art. 7.2
])
def test_the_counter_name_follows_the_level(session, receive, form_set, level, header, name):
    unit.configure(session, form_set=form_set, level=level)
    code = receive().code
    for form in ("receipt", "control"):
        assert f"UBND XÃ TÂN TIẾN {header}" in text(forms.form_pdf(session, form, code)), form
    assert f"{name}: UBND xã Tân Tiến" in text(forms.form_pdf(session, "receipt", code))
    if form_set == "tt03-2025":
        lifecycle.stop(session, code, "Rút hồ sơ", datetime(2025, 3, 3, 10, 0))
        assert f"{header} (Ký và ghi rõ họ tên) Trần Thị Lan" in text(forms.form_pdf(session, "stop", code))


def test_the_2025_receipt_asks_the_personal_number_and_an_authorised_representative(session, receive):
    """A 2025 ministry decision applying TT 03/2025 (forms.md): "Số định danh cá nhân/tổ chức", the
    representative's details, digital signatures on an electronic form."""
    pdf = forms.form_pdf(session, "receipt", receive().code)
    for page in reading.pages(pdf):
        page = reading.flat(page)
        assert "Số định danh cá nhân/tổ chức: 001088012345" in page and "CCCD" not in page
        assert f"Người được ủy quyền (nếu có): {BLANK} Số định danh cá nhân: {BLANK} Số điện thoại: {BLANK}" in page
        assert page.count("(Ký, ghi rõ họ tên hoặc chữ ký số nếu là biểu mẫu") == 2
    assert reading.page_count(pdf) == 2


def test_the_2018_receipt_keeps_cccd_and_has_no_representative(session, receive, tt01):
    page = text(forms.form_pdf(session, "receipt", receive().code))
    assert "Số CCCD/CMND: 001088012345" in page
    assert "định danh" not in page and "ủy quyền" not in page and "chữ ký số" not in page
    assert page.count("(Ký và ghi rõ họ tên)") == 4


@pytest.mark.parametrize("form_set", ["tt03-2025", "tt01-2018"])
def test_a_representative_given_to_the_receipt_is_printed(session, receive, form_set):
    """The hook for the day the dossier records one: printing.forms passes it to receipt.render."""
    unit.configure(session, form_set=form_set)
    dossier = receive()
    person = Representative("Trần Văn Bình", "001099000111", "0988 000 111")
    page = text(receipt.render(dossier, session.settings, "Trần Thị Lan", representative=person))
    line = "Người được ủy quyền (nếu có): Trần Văn Bình Số định danh cá nhân: 001099000111 Số điện thoại: 0988 000 111"
    if form_set == "tt03-2025":
        assert line in page and BLANK not in page
    else:
        assert "Trần Văn Bình" not in page  # TT 01/2018 has no such line


def test_control_slip_columns_and_blank_hand_over_rows(session, receive, form_set):
    """The paper slip has a row for each hand-over; motcua knows the counter's, the rest are left
    blank after them: counter → deciding agency, its head → the officer handling it, two more
    inside the agency, and the agency → counter until the result is recorded."""
    dossier = receive()
    pdf = forms.form_pdf(session, "control", dossier.code)
    page = text(pdf)
    name = CENTRE if form_set == "tt03-2025" else COUNTER_2018
    columns = (["Tên đơn vị", "Thời gian giao nhận hồ sơ", "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
                "Ghi chú"] if form_set == "tt03-2025" else
               ["TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)",
                "GHI CHÚ"])
    sheet = frame.slip_sheet(session.settings)
    top = reading.places(pdf, "Cơ quan phối hợp")[0][2] + sheet.size
    bottom = min(reading.places(pdf, "1. Giao:")[0][2], reading.places(pdf, "09 giờ 00 phút")[0][2]) - 1
    assert reading.columns(pdf, edges(sheet, control.WIDTHS), top, bottom) == columns
    assert ("TÊN CƠ QUAN" in page) == (form_set == "tt01-2018") and ("Tên đơn vị" in page) == (form_set == "tt03-2025")
    blank_rows = [
        f"1. Giao: {name} ({BLANK}) 2. Nhận: UBND xã Tân Tiến (cơ quan giải quyết)",
        "1. Giao: Lãnh đạo UBND xã Tân Tiến 2. Nhận: Công chức xử lý hồ sơ",
        f"1. Giao: {BLANK} 2. Nhận: {BLANK}",
        f"1. Giao: UBND xã Tân Tiến (cơ quan giải quyết) 2. Nhận: {name} ({BLANK})",
    ]
    for row in blank_rows:
        assert row in page, row
    assert page.count(f"1. Giao: {BLANK} 2. Nhận: {BLANK}") == 2
    assert page.count("1. Giao:") == 1 + 5 and page.count("…… giờ …… phút ngày ……/……/……") == 5
    known = reading.places(pdf, "Giao: Ông/Bà")[0]
    first_blank = reading.places(pdf, "Giao: " + " ".join(name.split()[:2]))[0]
    assert (known[0], known[2]) < (first_blank[0], first_blank[2])  # the known row comes first

    lifecycle.record_result(session, dossier.code, datetime(2025, 3, 4, 15, 30))
    after = text(forms.form_pdf(session, "control", dossier.code))
    assert blank_rows[3] not in after and blank_rows[0] in after  # the result's row is now known
    assert after.count("1. Giao:") == 2 + 4


LEDGER_COLUMNS = {
    "tt03-2025": ["STT", "Mã hồ sơ", "Tên TTHC", "Tên tổ chức, cá nhân", "Địa chỉ/SĐT", "Cơ quan chủ trì",
                  "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Phương thức nhận kết quả", "Ký nhận"],
    "tt01-2018": ["TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                  "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
                  "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
                  "Trả kết quả cho cá nhân, tổ chức", "Ghi chú"],
}


def test_ledger_columns_of_each_set(session, states, form_set):
    """Each heading printed in its column, left to right in the order of the set."""
    empty = forms.ledger_pdf(session, date(2025, 4, 1), date(2025, 4, 30))
    sheet = frame.ledger_sheet()
    top = reading.places(empty, "Từ ngày")[0][2] + sheet.size
    group = reading.places(empty, "Ngày, tháng, năm")[0]
    bottom = reading.places(empty, "Không có hồ sơ nào")[0][2] - 1
    widths = [width for _, width in ledger.COLUMNS[form_set]]
    assert reading.columns(empty, edges(sheet, widths), top, bottom, skip=group[2]) == LEDGER_COLUMNS[form_set]
    # "Ngày, tháng, năm" over the columns from "Nhận hồ sơ" to the return.
    rules, keys = edges(sheet, widths), [key for key, _ in ledger.COLUMNS[form_set]]
    assert rules[keys.index("received")] < group[1] < rules[keys.index("returned") + 1]
    pdf = forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 5))
    page = text(pdf)
    rows = reading.lines(pdf)
    if form_set == "tt03-2025":
        # No notes column: a rejection or stop is written where the return would be; the method of
        # return is the one the receipt registered.
        assert any(line.endswith("Từ chối Trực tiếp") for line in rows)
        assert any(line.endswith("Dừng giải quyết Trực tiếp") for line in rows)
        assert "(đã xin lỗi, hẹn lại)" in page
    else:
        assert "Từ chối" in page and "Hẹn lại 24/3/2025" in page


def test_apology_and_stop_notice_signers(session, states, form_set):
    texts = printed(session, states)
    if form_set == "tt03-2025":
        assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ (Ký, ghi rõ họ tên và đóng dấu)" in texts["apology"]
        # TT 03/2025 art. 7: the one-stop unit that received the dossier issues the notice.
        assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG (Ký và ghi rõ họ tên) Trần Thị Lan" in texts["stop"]
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in texts["stop"]
    else:
        assert "THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu)" in texts["apology"]
        assert "ĐƠN VỊ" not in texts["apology"]


@pytest.mark.parametrize("form_set", ["tt03-2025", "tt01-2018"])
def test_supplement_and_refusal_slips_print_without_a_code(session, form_set):
    """ND 61/2018 art. 17: at the counter, before anything is received, the guidance (Mẫu 02) and the
    refusal (Mẫu 03) carry no code and no ledger number; the renderers take the fields they print."""
    unit.configure(session, form_set=form_set)
    person = Applicant("Lê Thị Hoa", "001188012345", "Xóm Bắc, xã Tân Tiến", "0987 654 321")
    at = datetime(2025, 3, 3, 10, 20)
    guide = supplement.render(session.settings, person, "Cấp Giấy xác nhận tình trạng hôn nhân",
                              ["Bản sao Giấy khai sinh", "Ảnh chân dung 4x6 cm"], at, "Trần Thị Lan")
    refusal = rejection.render(session.settings, person, "Cấp Giấy xác nhận tình trạng hôn nhân",
                               "Không thuộc thẩm quyền giải quyết của xã", at, "Trần Thị Lan")
    for pdf, expected in ((guide, ["Số: ………/HDHS", "1. Bản sao Giấy khai sinh 2. Ảnh chân dung 4x6 cm",
                                   "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "NGƯỜI HƯỚNG DẪN"]),
                          (refusal, ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                                     "với lý do cụ thể như sau: Không thuộc thẩm quyền giải quyết của xã"])):
        page = text(pdf)
        assert reading.page_count(pdf) == 1
        assert "Mã hồ sơ" not in page and "000.00.53.H48" not in page
        assert "Ông/Bà: Lê Thị Hoa" in page or "Tiếp nhận hồ sơ của: Lê Thị Hoa" in page
        assert "Địa chỉ: Xóm Bắc, xã Tân Tiến" in page and "Tân Tiến, ngày 03 tháng 3 năm 2025" in page
        for line in expected:
            assert line in page, line
    # The same renderers, given a code and a number, print them (the received dossier's slip).
    coded = text(supplement.render(session.settings, person, "Cấp Giấy xác nhận tình trạng hôn nhân",
                                   ["Bản sao Giấy khai sinh"], at, "Trần Thị Lan", "000.00.53.H48-250303-0002", "2"))
    assert "Mã hồ sơ: 000.00.53.H48-250303-0002" in coded and "Số: 2/HDHS" in coded
