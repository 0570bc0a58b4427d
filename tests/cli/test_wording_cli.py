"""wording list FORM [--json], wording set FORM KEY TEXT, wording reset FORM [KEY]."""

import pytest

from tests.printing import reading


@pytest.fixture
def code(cli):
    return cli.json("receive", "--procedure", "2.001019", "--name", "Nguyễn Văn Đức", "--at",
                    "2025-03-03 09:00")["code"]


def printed(cli, tmp_path, form: str, code: str) -> bytes:
    out = tmp_path / f"{form}.pdf"
    status, _, err = cli("print", form, code, "-o", str(out))
    assert status == 0, err
    return out.read_bytes()


def test_list_json(cli):
    listed = cli.json("wording", "list", "receipt")
    assert listed["form"] == "receipt"
    number = next(line for line in listed["lines"] if line["key"] == "number")
    assert number == {"key": "number", "default": "Số: {number}/TNHS", "override": None,
                      "effective": "Số: {number}/TNHS", "fields": ["{number}"]}
    assert listed["lines"][0]["key"] == "title"


def test_set_prints_and_reset_restores(cli, code, tmp_path):
    before = printed(cli, tmp_path, "receipt", code)
    status, out, err = cli("wording", "set", "receipt", "title", "GIẤY BIÊN NHẬN HỒ SƠ")
    assert status == 0, err
    assert out == "Đã lưu receipt title = «GIẤY BIÊN NHẬN HỒ SƠ».\n"
    assert cli("wording", "set", "receipt", "header", "{unit} | BỘ PHẬN MỘT CỬA | XÃ TÂN TIẾN")[0] == 0
    assert cli("wording", "set", "receipt", "sets_value", "01 bộ hồ sơ")[0] == 0
    text = reading.flat(reading.text(printed(cli, tmp_path, "receipt", code)))
    assert "GIẤY BIÊN NHẬN HỒ SƠ" in text and "GIẤY TIẾP NHẬN" not in text
    assert "UBND XÃ TÂN TIẾN BỘ PHẬN MỘT CỬA XÃ TÂN TIẾN" in text
    assert "2. Số lượng hồ sơ: 01 bộ hồ sơ" in text

    status, out, _ = cli("wording", "list", "receipt")
    assert "* title = GIẤY BIÊN NHẬN HỒ SƠ\n    (mặc định: GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ)" in out
    assert "  number = Số: {number}/TNHS\n" in out

    status, out, _ = cli("wording", "reset", "receipt", "title")
    assert status == 0 and out == "Đã trả về câu chữ mặc định của receipt: title.\n"
    assert cli("wording", "reset", "receipt")[0] == 0
    assert printed(cli, tmp_path, "receipt", code) == before
    status, out, _ = cli("wording", "reset", "receipt")
    assert status == 0 and "không có dòng nào đã sửa" in out


def test_stop_notice_wording(cli, code, tmp_path):
    assert cli("stop", code, "--reason", "Rút hồ sơ", "--at", "2025-03-04 10:00")[0] == 0
    assert cli("wording", "set", "stop", "decision", "{unit} dừng giải quyết hồ sơ theo đề nghị của Ông/Bà.")[0] == 0
    text = reading.flat(reading.text(printed(cli, tmp_path, "stop", code)))
    assert "UBND xã Tân Tiến dừng giải quyết hồ sơ theo đề nghị của Ông/Bà." in text


@pytest.mark.parametrize("argv, message", [
    (("set", "recibo", "title", "X"), "Không có biểu mẫu «recibo»"),
    (("set", "receipt", "footer", "X"), "không có dòng «footer»"),
    (("set", "receipt", "number", "Số: {so}/TNHS"), "không có chỗ điền {so}"),
    (("set", "receipt", "number", "Số: /TNHS"), "phải giữ chỗ điền {number}"),
    (("set", "receipt", "copies", "(Liên 1)"), "có 2 phần"),
    (("set", "receipt", "title", ""), "không được để trống"),
    (("reset", "receipt", "footer"), "không có dòng «footer»"),
    (("list", "recibo"), "Không có biểu mẫu «recibo»"),
])
def test_refusals(cli, argv, message):
    assert cli("wording", "set", "receipt", "fee", "Lệ phí:")[0] == 0
    before = cli.json("wording", "list", "receipt")
    status, out, err = cli("wording", *argv)
    assert status == 1 and out == ""
    assert err.startswith("Lỗi: ") and message in err
    assert cli.json("wording", "list", "receipt") == before


def test_settings_show_and_set(cli):
    assert cli("wording", "set", "apology", "title", "VĂN BẢN XIN LỖI")[0] == 0
    assert cli.json("settings", "show")["form_wording"] == {"apology": {"title": "VĂN BẢN XIN LỖI"}}
    _, out, _ = cli("settings", "show")
    assert 'form_wording = {"apology": {"title": "VĂN BẢN XIN LỖI"}}\n' in out
    status, _, err = cli("settings", "set", "form_wording", "{}")
    assert status == 1 and "wording set" in err
    assert cli.json("settings", "show")["form_wording"] == {"apology": {"title": "VĂN BẢN XIN LỖI"}}
