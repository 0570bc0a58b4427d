"""Sổ theo dõi hồ sơ: A4 landscape, numbered continuously through the year."""

import re
from datetime import date, datetime, timedelta

import pytest

from counter import lifecycle
from counter.errors import CounterError
from printing import forms
from tests.printing import reading

ROW = re.compile(r"^(\d+) (000\.00\.53\.H48-\d{6}-\d{4}) ")


def numbered_rows(pdf: bytes) -> list[tuple[int, str]]:
    return [(int(m.group(1)), m.group(2)) for line in reading.lines(pdf) if (m := ROW.match(line))]


def test_ledger_rows_in_ledger_order_with_continuous_numbers(session, receive, form_set):
    received = []
    for day in range(3, 8):
        for hour in (8, 10, 14):
            received.append(receive(name=f"Người nộp {day}-{hour}", at=datetime(2025, 3, day, hour, 0)))
    lifecycle.reject(session, received[1].code, "Sai thẩm quyền", datetime(2025, 3, 3, 11, 0))
    pdf = forms.ledger_pdf(session, date(2025, 3, 4), date(2025, 3, 6))
    rows = numbered_rows(pdf)
    assert [number for number, _ in rows] == list(range(4, 13))  # from 4/3 to 6/3 inclusive
    assert [code for _, code in rows] == [d.code for d in received[3:12]]
    assert reading.page_size(pdf) == (841.89, 595.276)
    text = reading.flat(reading.text(pdf))
    number = "07 - Thông tư số 03/2025" if form_set == "tt03-2025" else "06 - Thông tư số 01/2018"
    for expected in (f"Mẫu số {number}/TT-VPCP", "SỔ THEO DÕI HỒ SƠ", "Quyển số: 01",
                     "Từ ngày 04 tháng 3 năm 2025 đến ngày 06 tháng 3 năm 2025", "Ngày, tháng, năm",
                     "Người nộp 4-8", "Chứng thực di chúc", "Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh, 0912345678"):
        assert expected in text, expected
    full = reading.flat(reading.text(forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 3))))
    assert "Từ chối" in full


def test_numbering_stays_continuous_across_pages(session, receive):
    start = datetime(2025, 3, 3, 7, 30)
    codes = [receive(name=f"Công dân số {i}", at=start + timedelta(minutes=10 * i)).code for i in range(45)]
    pdf = forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 3))
    assert reading.page_count(pdf) >= 2
    rows = numbered_rows(pdf)
    assert [number for number, _ in rows] == list(range(1, 46))
    assert [code for _, code in rows] == codes
    pages = reading.pages(pdf)
    assert all("Mã hồ sơ" in page for page in pages)
    assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]


def test_empty_period_and_reversed_dates(session, receive):
    receive()
    text = reading.flat(reading.text(forms.ledger_pdf(session, date(2025, 4, 1), date(2025, 4, 30))))
    assert "Không có hồ sơ nào được tiếp nhận trong thời gian này." in text
    with pytest.raises(CounterError, match="trước ngày bắt đầu"):
        forms.ledger_pdf(session, date(2025, 3, 5), date(2025, 3, 4))
