"""Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over, from the history."""

from datetime import datetime

from counter import corrections, lifecycle
from printing import forms
from tests.printing import reading


def test_every_hand_over_is_a_row(session, receive, form_set):
    dossier = receive()
    lifecycle.request_supplement(session, dossier.code, "Thiếu dự thảo di chúc", datetime(2025, 3, 3, 9, 20))
    lifecycle.resume(session, dossier.code, datetime(2025, 3, 3, 14, 0))
    corrections.edit(session, dossier.code, "phone", "0912 000 111", "gõ nhầm")
    lifecycle.record_result(session, dossier.code, datetime(2025, 3, 6, 10, 0))
    lifecycle.return_result(session, dossier.code, datetime(2025, 3, 6, 15, 0), to="Nguyễn Thị Mai")
    pdf = forms.form_pdf(session, "control", dossier.code)
    text = reading.flat(reading.text(pdf))
    number = "06 - Thông tư số 03/2025" if form_set == "tt03-2025" else "05 - Thông tư số 01/2018"
    for expected in (
        f"Mẫu số {number}/TT-VPCP", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Mã hồ sơ: {dossier.code}",
        "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 1/TNHS)",
        "Cơ quan (bộ phận) giải quyết hồ sơ: UBND xã Tân Tiến", "Người nộp hồ sơ: Nguyễn Văn Đức",
        "Tiếp nhận hồ sơ; hẹn trả 09 giờ 00 phút, ngày 05/3/2025",
        "Yêu cầu bổ sung: Thiếu dự thảo di chúc",
        "Nhận hồ sơ đã bổ sung; hẹn trả 14 giờ 00 phút, ngày 05/3/2025",
        "Có kết quả giải quyết", "Quá hạn", "Trả kết quả (Tại Bộ phận Một cửa)", "2. Nhận: Ông/Bà Nguyễn Thị Mai",
        "15 giờ 00 phút", "ngày 06/3/2025",
    ):
        assert expected in text, expected
    assert "gõ nhầm" not in text  # a correction hands nothing over
    # Five hand-overs from the history, then the four it cannot know (test_form_sets.py); the
    # agency's return to the counter is known from the result.
    assert text.count("1. Giao:") == 5 + 4 and text.count("…… giờ …… phút") == 4


def test_long_history_runs_over_to_a_second_page(session, receive, form_set):
    dossier = receive()
    for day in range(3, 13):
        lifecycle.request_supplement(session, dossier.code, f"Lần {day}", datetime(2025, 3, day, 9, 0),
                                     repeat_reason="Cơ quan chuyên môn yêu cầu thêm")
        lifecycle.resume(session, dossier.code, datetime(2025, 3, day, 10, 0))
    pdf = forms.form_pdf(session, "control", dossier.code)
    assert reading.page_count(pdf) >= 2
    first, *rest = reading.pages(pdf)
    heading = "Tên đơn vị" if form_set == "tt03-2025" else "TÊN CƠ QUAN"
    assert all(heading in page for page in rest)  # the table header repeats
    # 21 from the history, then the counter → agency → … → counter rows left blank.
    assert reading.flat(" ".join(reading.pages(pdf))).count("1. Giao:") == 21 + 5
