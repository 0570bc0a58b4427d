import openpyxl
import pytest

from counter import catalogue
from counter.catalogue import import_catalogue, parse_days, parse_fee, procedure, read_catalogue
from counter.errors import CounterError


def write(tmp_path, text: str, name: str = "danh-muc.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_starter_catalogue_is_real_commune_procedures():
    procedures = read_catalogue(catalogue.STARTER)
    by_code = {p.code: p for p in procedures}
    assert by_code["1.001193"].name == "Đăng ký khai sinh" and by_code["1.001193"].days == 0
    assert by_code["2.001035"].days == 2 and by_code["2.001035"].fee == 50000
    assert len(by_code["2.001035"].documents) == 3


def test_vietnamese_headers_bom_semicolons_and_free_text_values(tmp_path):
    path = write(tmp_path, "\ufeffMã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết;Phí/lệ phí;Cấp thực hiện;"
                 "Thành phần hồ sơ\n1.000001;Cấp giấy xác nhận;Tư pháp;03 ngày làm việc;20.000 đồng;Cấp xã;"
                 "\"- Tờ khai\n- Bản sao CCCD\"\n1.000002;Chứng thực;Chứng thực;Trong ngày;Miễn phí;Cấp xã;\n")
    first, second = read_catalogue(path)
    assert (first.code, first.days, first.fee, first.level) == ("1.000001", 3, 20000, "Cấp xã")
    assert first.documents == ["Tờ khai", "Bản sao CCCD"]
    assert (second.days, second.fee, second.documents) == (0, 0, [])


def test_xlsx_with_numeric_codes(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "days", "fee", "documents"])
    sheet.append([2.00094, "Thủ tục A", 5, 15000, "Tờ khai\nGiấy tờ khác"])
    sheet.append(["1.004873", "Thủ tục B", "3", None, None])
    path = tmp_path / "danh-muc.xlsx"
    book.save(path)
    first, second = read_catalogue(path)
    assert (first.code, first.days, first.fee, first.documents) == ("2.000940", 5, 15000, ["Tờ khai", "Giấy tờ khác"])
    assert (second.code, second.fee) == ("1.004873", None)


def test_reimport_updates_by_code(session, tmp_path):
    path = write(tmp_path, "code,name,days\n2.001035,Chứng thực hợp đồng (sửa tên),3\n9.999999,Thủ tục mới,1\n")
    summary = import_catalogue(session, path)
    assert summary == {"file": str(path), "procedures": 2, "added": 1, "updated": 1}
    assert procedure(session, "2.001035").days == 3
    assert procedure(session, "9.999999").name == "Thủ tục mới"


@pytest.mark.parametrize("text, message", [
    ("code,name,days\n1.1,A,2\n1.2,,2\n", "Dòng 3: tên thủ tục trống"),
    ("code,name,days\n1.1,A,2\n1.2,B,hai\n", "Dòng 3: thời hạn"),
    ("code,name,days\n1.1,A,-1\n", "Dòng 2"),
    ("code,name,days,fee\n1.1,A,2,nhiều\n", "Dòng 2: phí"),
    ("code,name,days\n1.1,A,2\n1.1,B,2\n", "Dòng 3: mã thủ tục 1.1 trùng với dòng 2"),
    ("name,days\nA,2\n", "thiếu cột bắt buộc: code"),
    ("", "trống"),
])
def test_a_bad_row_rejects_the_whole_file(session, tmp_path, text, message):
    before = [p.as_dict() for p in catalogue.all_procedures(session)]
    path = write(tmp_path, text)
    with pytest.raises(CounterError, match=message):
        import_catalogue(session, path)
    assert [p.as_dict() for p in catalogue.all_procedures(session)] == before


def test_unreadable_files_are_refused(session, tmp_path):
    with pytest.raises(CounterError, match="UTF-8"):
        import_catalogue(session, write(tmp_path, "code,name,days\n1,Hộ tịch,2\n", encoding="utf-16"))
    with pytest.raises(CounterError, match="Excel"):
        import_catalogue(session, write(tmp_path, "PK\x03\x04broken", name="x.xlsx"))
    with pytest.raises(CounterError, match="Không đọc được"):
        import_catalogue(session, tmp_path / "missing.csv")


def test_days_and_fee_parsing():
    assert parse_days("5") == 5 and parse_days("05 ngày") == 5 and parse_days("trong ngày") == 0
    assert parse_fee("") is None and parse_fee("1.200.000 đ") == 1200000 and parse_fee("50000") == 50000
