"""print FORM CODE -o OUT.pdf and print ledger --from --to -o OUT.pdf."""

import pytest

from tests.printing import reading


@pytest.fixture
def code(cli):
    return cli.json("receive", "--procedure", "2.001019", "--name", "Nguyễn Văn Đức", "--fee", "50.000",
                    "--at", "2025-03-03 09:00")["code"]


def test_print_receipt_to_a_file(cli, code, tmp_path):
    out = tmp_path / "bien-nhan.pdf"
    status, stdout, err = cli("print", "receipt", code, "-o", str(out))
    assert status == 0, err
    assert str(out) in stdout
    text = reading.flat(reading.text(out.read_bytes()))
    assert code in text and "Nguyễn Văn Đức" in text and "50.000 đồng" in text


def test_print_every_form_that_fits(cli, code, tmp_path):
    assert cli("apologize", code, "--new-due", "2025-03-10 09:00", "--reason", "Chờ xác minh",
               "--at", "2025-03-04 09:00")[0] == 0
    assert cli("stop", code, "--reason", "Rút hồ sơ", "--at", "2025-03-04 10:00")[0] == 0
    for form in ("receipt", "apology", "stop", "control"):
        out = tmp_path / f"{form}.pdf"
        status, _, err = cli("print", form, code, "--out", str(out))
        assert status == 0, err
        assert out.read_bytes().startswith(b"%PDF")


def test_a_form_that_does_not_fit_is_refused_and_nothing_is_written(cli, code, tmp_path):
    out = tmp_path / "xin-loi.pdf"
    status, _, err = cli("print", "apology", code, "-o", str(out))
    assert status == 1
    assert err.startswith("Lỗi: Không in được Phiếu xin lỗi") and code in err
    assert not out.exists()


def test_print_ledger(cli, code, tmp_path):
    cli("receive", "--procedure", "1.001193", "--name", "Lê Thị Hoa", "--at", "2025-03-04 08:00")
    out = tmp_path / "so.pdf"
    status, _, err = cli("print", "ledger", "--from", "2025-03-01", "--to", "2025-03-31", "-o", str(out))
    assert status == 0, err
    rows = [line for line in reading.lines(out.read_bytes()) if line.startswith(("1 000", "2 000"))]
    assert [row.split()[1] for row in rows][0] == code and len(rows) == 2


def test_bad_dates_and_unknown_form(cli, code, tmp_path):
    out = tmp_path / "so.pdf"
    status, _, err = cli("print", "ledger", "--from", "03/2025", "--to", "2025-03-31", "-o", str(out))
    assert status == 1 and "Sai định dạng ngày đầu" in err
    status, _, err = cli("print", "ledger", "--from", "2025-03-31", "--to", "2025-03-01", "-o", str(out))
    assert status == 1 and "trước ngày bắt đầu" in err
    assert not out.exists()
    status, _, err = cli("print", "invoice", code, "-o", str(out))
    assert status == 2 and "Lỗi cú pháp lệnh" in err


def test_unwritable_output(cli, code, tmp_path):
    status, _, err = cli("print", "receipt", code, "-o", str(tmp_path / "missing" / "x.pdf"))
    assert status == 1 and "Không ghi được tệp" in err
