"""Mẫu 02 (supplement), 03 (rejection), 04 (apology), 05 (stop notice) read back."""

import unicodedata
from datetime import datetime

from counter import lifecycle
from printing import forms
from tests.printing import reading

NUMBERS = {"tt03-2025": ("03/2025", {"supplement": "02", "rejection": "03", "apology": "04"}),
           "tt01-2018": ("01/2018", {"supplement": "02", "rejection": "03", "apology": "04"})}


def read(session, form: str, code: str) -> str:
    pdf = forms.form_pdf(session, form, code)
    assert reading.page_count(pdf) == 1
    text = reading.flat(reading.text(pdf))
    assert unicodedata.is_normalized("NFC", text)
    return text


def test_supplement_lists_everything_missing(session, receive, form_set):
    dossier = receive()
    lifecycle.request_supplement(session, dossier.code, "Bản sao Giấy khai sinh; Ảnh chân dung 4x6 cm",
                                 datetime(2025, 3, 3, 9, 20))
    text = read(session, "supplement", dossier.code)
    year, numbers = NUMBERS[form_set]
    for expected in (
        f"Mẫu số {numbers['supplement']} - Thông tư số {year}/TT-VPCP",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 1/HDHS", "Tân Tiến, ngày 03 tháng 3 năm 2025",
        "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà: Nguyễn Văn Đức",
        "Nội dung yêu cầu giải quyết: Chứng thực di chúc",
        "Địa chỉ: Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh", "Số điện thoại: 0912345678",
        "Email: duc.nguyen@example.vn", f"Mã hồ sơ: {dossier.code}",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau: 1. Bản sao Giấy khai sinh "
        "2. Ảnh chân dung 4x6 cm",
        "liên hệ với Trần Thị Lan", "NGƯỜI HƯỚNG DẪN",
    ):
        assert expected in text, expected


def test_second_supplement_request_gets_its_own_number(session, receive):
    dossier = receive()
    lifecycle.request_supplement(session, dossier.code, "Thiếu tờ khai", datetime(2025, 3, 3, 9, 20))
    lifecycle.resume(session, dossier.code, datetime(2025, 3, 4, 8, 0))
    lifecycle.request_supplement(session, dossier.code, "Thiếu ảnh", datetime(2025, 3, 4, 9, 0),
                                 repeat_reason="Ảnh nộp lần trước bị mờ")
    text = read(session, "supplement", dossier.code)
    assert "Số: 1-2/HDHS" in text and "1. Thiếu ảnh" in text and "Thiếu tờ khai" not in text
    assert "ngày 04 tháng 3 năm 2025" in text


def test_rejection_gives_the_reason(session, receive, form_set):
    dossier = receive()
    lifecycle.reject(session, dossier.code, "Văn bản có nội dung trái pháp luật", datetime(2025, 3, 3, 10, 0))
    text = read(session, "rejection", dossier.code)
    year, numbers = NUMBERS[form_set]
    for expected in (
        f"Mẫu số {numbers['rejection']} - Thông tư số {year}/TT-VPCP",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Tiếp nhận hồ sơ của: Nguyễn Văn Đức",
        "Nội dung yêu cầu giải quyết: Chứng thực di chúc", f"Mã hồ sơ: {dossier.code}",
        "Qua xem xét, UBND xã Tân Tiến thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như "
        "sau: Văn bản có nội dung trái pháp luật",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Lan",
    ):
        assert expected in text, expected


def test_apology_gives_reason_and_new_appointment(session, receive, form_set):
    dossier = receive(procedure="1.001776", at=datetime(2025, 3, 4, 8, 30))
    lifecycle.apologize(session, dossier.code, datetime(2025, 3, 24, 16, 0), "Cần xác minh thêm tại thôn",
                        datetime(2025, 3, 14, 10, 0))
    text = read(session, "apology", dossier.code)
    year, numbers = NUMBERS[form_set]
    for expected in (
        f"Mẫu số {numbers['apology']} - Thông tư số {year}/TT-VPCP",
        "UBND TỈNH BẮC NINH", "UBND XÃ TÂN TIẾN", "Số: 1/PXL", "Tân Tiến, ngày 14 tháng 3 năm 2025",
        "Kính gửi: Ông/Bà Nguyễn Văn Đức",
        "Ngày 04/3/2025, UBND xã Tân Tiến tiếp nhận giải quyết hồ sơ Trợ cấp xã hội hằng tháng của Ông/Bà.",
        f"Mã hồ sơ: {dossier.code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 08 giờ 30 phút, ngày 18 tháng 3 năm 2025",
        "Lý do: Cần xác minh thêm tại thôn",
        "sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào 16 giờ 00 phút, ngày 24 tháng 3 năm 2025.",
        "Mong nhận được sự thông cảm của Ông/Bà.", "Nơi nhận:", "THỦ TRƯỞNG CƠ QUAN",
    ):
        assert expected in text, expected
    # The title of each set is checked in test_form_sets.py.


def test_stop_notice_under_the_2025_set(session, receive):
    dossier = receive(procedure="1.001022", at=datetime(2025, 3, 4, 9, 45))
    lifecycle.stop(session, dossier.code, "Ông Đức đề nghị rút hồ sơ", datetime(2025, 3, 5, 8, 0))
    text = read(session, "stop", dossier.code)
    for expected in (
        "Mẫu số 05 - Thông tư số 03/2025/TT-VPCP", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Tân Tiến, ngày 05 tháng 3 năm 2025", "Tiếp nhận hồ sơ của: Nguyễn Văn Đức",
        "Nội dung yêu cầu giải quyết: Đăng ký nhận cha, mẹ, con", f"Mã hồ sơ: {dossier.code}",
        "Thời gian nhận hồ sơ: 09 giờ 45 phút, ngày 04 tháng 3 năm 2025",
        "Ngày 05/3/2025, Ông/Bà đề nghị dừng giải quyết hồ sơ nêu trên.",
        "UBND xã Tân Tiến thông báo dừng giải quyết hồ sơ của Ông/Bà.", "Lý do: Ông Đức đề nghị rút hồ sơ",
        "Trần Thị Lan",
    ):
        assert expected in text, expected


def test_slips_fit_one_page_with_a_long_name_and_reason(session, receive, form_set):
    name = "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Hoàng Văn Đức"
    reason = "; ".join(f"Bản sao có chứng thực giấy tờ số {i} về quyền sử dụng đất" for i in range(1, 11))
    dossier = receive(name=name)
    lifecycle.request_supplement(session, dossier.code, reason, datetime(2025, 3, 3, 9, 20))
    pdf = forms.form_pdf(session, "supplement", dossier.code)
    assert reading.page_count(pdf) == 1
    text = reading.flat(reading.text(pdf))
    assert name in text and "10. Bản sao có chứng thực giấy tờ số 10 về quyền sử dụng đất" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
