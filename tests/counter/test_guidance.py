"""The guidance register: an incomplete dossier at the counter is not received (ND 61/2018 art.
17, as shared/domain/README.md "Receipt" reports it): no code, no ledger number, no clock; the
guidance slip (Mẫu 02) or the refusal (Mẫu 03) prints without a code; counted as guidance
given, never as received (issue 11 §2)."""

import json
from datetime import datetime

import pytest

from counter import guidance
from counter.errors import CounterError
from counter.indicators import Period, figures
from printing import forms
from tests.counter.helpers import table_dump
from tests.printing import reading

AT = datetime(2025, 3, 3, 9, 0)


def test_guidance_is_registered_without_a_code_a_ledger_number_or_a_clock(session):
    entry = guidance.guide(session, "2.001035", "Nguyễn Văn Đức", missing=["1", "Bản sao sổ hộ khẩu"],
                           id_number="001085012345", at=AT)
    assert entry.id == 1 and entry.form == "supplement"
    checklist = session.db.execute("SELECT documents FROM procedures WHERE code = '2.001035'").fetchone()[0]
    assert entry.missing == [json.loads(checklist)[0], "Bản sao sổ hộ khẩu"]
    db = session.db
    assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM code_reservations").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    month = figures(session, Period.month(2025, 3))
    assert (month["guidance"], month["guidance_refused"], month["received"]) == (1, 0, 0)
    assert [e.id for e in guidance.between(session, Period.month(2025, 3))] == [1]
    assert guidance.between(session, Period.month(2025, 4)) == []


def test_the_guidance_slip_is_mau_02_without_a_code(session):
    entry = guidance.guide(session, "2.001035", "Nguyễn Văn Đức", missing=["Bản sao sổ hộ khẩu", "Ảnh 4x6"], at=AT)
    text = reading.flat(reading.text(forms.guidance_pdf(session, entry.id)))
    assert "Mẫu số 02" in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1. Bản sao sổ hộ khẩu" in text and "2. Ảnh 4x6" in text and "Mã hồ sơ" not in text
    assert f"Số: {entry.id}/HDHS" in text and "Nguyễn Văn Đức" in text


def test_a_refusal_is_mau_03_without_a_code(session):
    entry = guidance.guide(session, "2.001035", "Lê Thị Mai", refuse="Tài sản đang bị kê biên", at=AT)
    assert entry.form == "rejection"
    text = reading.flat(reading.text(forms.guidance_pdf(session, entry.id)))
    assert "Mẫu số 03" in text and "Tài sản đang bị kê biên" in text and "Mã hồ sơ" not in text
    month = figures(session, Period.month(2025, 3))
    assert (month["guidance"], month["guidance_refused"], month["received"]) == (1, 1, 0)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Phải ghi những giấy tờ còn thiếu"),
    ({"missing": ["  "]}, "Phải ghi những giấy tờ còn thiếu"),
    ({"missing": ["7"]}, "không có giấy tờ số 7"),
    ({"missing": ["Ảnh"], "id_number": "123"}, "CCCD/CMND"),
    ({"missing": ["Ảnh"], "procedure_code": "9.999999"}, "Không có thủ tục"),
])
def test_bad_guidance_is_refused_and_changes_nothing(session, kwargs, message):
    before = table_dump(session)
    values = {"procedure_code": "2.001035", "name": "Nguyễn Văn Đức", **kwargs}
    with pytest.raises(CounterError, match=message):
        guidance.guide(session, **values)
    assert table_dump(session) == before


def test_an_unknown_entry_cannot_be_printed(session):
    with pytest.raises(CounterError, match="không có lượt số 4"):
        forms.guidance_pdf(session, 4)


def test_the_cli_guides_lists_and_prints(cli, tmp_path):
    out = tmp_path / "huong-dan.pdf"
    entry = cli.json("guide", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--missing", "1", "Ảnh 4x6",
                     "--at", "2025-03-03 09:00", "-o", str(out))
    assert entry["id"] == 1 and entry["form"] == "supplement" and entry["file"] == str(out) and out.is_file()
    assert entry["missing"][1] == "Ảnh 4x6" and "code" not in entry
    refused = cli.json("guide", "--procedure", "2.001035", "--name", "Lê Thị Mai", "--refuse", "Ngoài thẩm quyền",
                       "--at", "2025-03-04 09:00")
    assert refused["form"] == "rejection"
    listed = cli.json("guides", "--month", "2025-03")
    assert [e["id"] for e in listed] == [1, 2]
    status, text, _ = cli("guides", "--month", "2025-03")
    assert status == 0 and "2 lượt hướng dẫn, không tính là hồ sơ tiếp nhận" in text
    pdf = tmp_path / "tu-choi.pdf"
    status, text, err = cli("print", "guide", "2", "-o", str(pdf))
    assert status == 0, err
    assert "Ngoài thẩm quyền" in reading.text(pdf.read_bytes())


def test_a_slip_that_cannot_be_written_records_nothing(cli, tmp_path, db_path):
    from counter.session import Session

    with Session(db_path) as session:
        before = table_dump(session)
    status, _, err = cli("guide", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--missing", "Ảnh",
                         "-o", str(tmp_path / "khong-co" / "phieu.pdf"))
    assert status == 1 and err.startswith("Lỗi:")
    with Session(db_path) as session:
        assert table_dump(session) == before
