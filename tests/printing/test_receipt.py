"""Mẫu 01 read back as a citizen and a scanner would."""

import unicodedata
from datetime import datetime

import zxingcpp

from counter import intake, unit
from printing import forms
from tests.printing import reading

LONG_NAME = "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Hoàng Văn Đức"  # 60 characters


def codes_on(pdf: bytes, page: int) -> list[str]:
    image = reading.render(pdf, page, dpi=200)
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.Code128]


def test_every_field_of_the_receipt_is_filled_from_the_dossier(session, receive):
    dossier = receive(fee=50000)
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    text = reading.flat(reading.text(pdf))
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "Mẫu số 01 - Thông tư số 03/2025/TT-VPCP",
        "UBND XÃ TÂN TIẾN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Tân Tiến, ngày 03 tháng 3 năm 2025", "Số: 1/TNHS",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        "Trung tâm Phục vụ hành chính công: UBND xã Tân Tiến",
        "Tiếp nhận hồ sơ của: Nguyễn Văn Đức",
        "Số định danh cá nhân/tổ chức: 001088012345",
        "Địa chỉ: Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh",
        "Số điện thoại: 0912345678", "Email: duc.nguyen@example.vn",
        "Nội dung yêu cầu giải quyết: Chứng thực di chúc",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 2 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 03 tháng 3 năm 2025",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 05 tháng 3 năm 2025",
        "6. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công",
        "Phí, lệ phí: 50.000 đồng",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Lan",
    ):
        assert expected in text, expected
    rows = reading.lines(pdf)
    assert "1 Dự thảo di chúc Bản chính 01" in rows
    assert "2 Giấy tờ tùy thân của người lập di chúc Bản chính 01" in rows


def test_two_copies_one_page_each(session, receive):
    pdf = forms.form_pdf(session, "receipt", receive().code)
    kept, given = reading.pages(pdf)
    assert reading.page_count(pdf) == 2
    assert "(Liên 1: Lưu)" in kept and "Liên 2" not in kept
    assert "(Liên 2: Giao khách hàng)" in given and "Liên 1" not in given
    assert reading.page_size(pdf) == (419.528, 595.276)  # A5


def test_barcode_decodes_to_exactly_the_code_on_both_copies(session, receive, form_set):
    dossier = receive()
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    assert codes_on(pdf, 1) == [dossier.code]
    assert codes_on(pdf, 2) == [dossier.code]


def test_a_six_digit_code_of_counter_20_is_printed_and_scanned_whole(session, receive, form_set):
    unit.configure(session, workstation=20)
    dossier = receive()
    assert dossier.code.endswith("-290001")
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    assert f"Mã hồ sơ: {dossier.code}" in reading.flat(reading.text(pdf))
    assert codes_on(pdf, 1) == codes_on(pdf, 2) == [dossier.code]


def test_sixty_character_name_and_ten_documents_fit_the_page(session, receive, form_set):
    assert len(LONG_NAME) == 60
    documents = [f"Bản sao có chứng thực giấy tờ số {i} về quyền sử dụng đất và tài sản gắn liền với đất"
                 for i in range(1, 11)]
    dossier = receive(name=LONG_NAME, documents=documents,
                      address="Số 123, đường Nguyễn Thị Minh Khai, thôn Đông Hòa, xã Tân Tiến, tỉnh Bắc Ninh")
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    assert reading.page_count(pdf) == 2
    for page in reading.pages(pdf):
        text = reading.flat(page)
        assert LONG_NAME in text
        assert all(name in text for name in documents)
        assert text.rstrip().endswith("qua dịch vụ bưu chính.")  # the last line of the notes
    for page, width, height, (x0, y0, x1, y1), word in reading.words(pdf):
        assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (page, word)
    assert codes_on(pdf, 2) == [dossier.code]


def test_copy_kind_and_postal_return(session, receive):
    dossier = receive(channel="postal", documents=[intake.DocumentInput("Bản sao Sổ hộ khẩu", copy_kind="copy",
                                                                        quantity=2)])
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    text = reading.flat(reading.text(pdf))
    assert "1 Bản sao Sổ hộ khẩu Bản sao 02" in reading.lines(pdf)
    assert "6. Đăng ký nhận kết quả tại: Tại nhà qua dịch vụ bưu chính" in text


def test_same_day_procedure_and_no_fee(session, receive):
    dossier = receive(procedure="1.001193", at=datetime(2025, 3, 3, 9, 0))
    text = reading.flat(reading.text(forms.form_pdf(session, "receipt", dossier.code)))
    assert "theo quy định là: trong ngày làm việc" in text
    assert "Phí, lệ phí: không thu" in text


def test_old_form_set_and_a4_slips(session, receive):
    unit.configure(session, form_set="tt01-2018", slip_page_size="A4")
    dossier = receive()
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    assert "Mẫu số 01 - Thông tư số 01/2018/TT-VPCP" in reading.flat(reading.text(pdf))
    assert reading.page_size(pdf) == (595.276, 841.89)
    assert codes_on(pdf, 1) == [dossier.code]


def test_only_the_bundled_font_is_used_and_embedded(session, receive):
    pdf = forms.form_pdf(session, "receipt", receive().code)
    used = reading.fonts(pdf)
    assert used and all(name.startswith("LiberationSerif") and embedded for name, embedded in used)


def test_same_dossier_gives_the_same_bytes(session, receive):
    dossier = receive()
    assert forms.form_pdf(session, "receipt", dossier.code) == forms.form_pdf(session, "receipt", dossier.code)


def test_an_appointment_in_a_year_without_an_official_calendar_is_marked_provisional(session, receive):
    # Issue 11: no decision fixes the days off of 2027 yet, so the appointment is a forecast.
    dossier = receive(at=datetime(2027, 3, 1, 9, 0))
    pdf = forms.form_pdf(session, "receipt", dossier.code)
    for page in reading.pages(pdf):
        assert "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 03 tháng 3 năm 2027 (dự kiến)" in \
            reading.flat(page)
    assert reading.page_count(pdf) == 2
    # An official year (2025, the other tests) prints no mark.
    official = reading.flat(reading.text(forms.form_pdf(session, "receipt", receive().code)))
    assert "dự kiến" not in official
