"""The command-line contract of issue 11 §2-3 and the data of issue 15: new commands and options,
their JSON keys, and their refusals (one Vietnamese line, nothing changed)."""

import pytest

from counter.session import Session
from tests.counter.helpers import table_dump
from tests.printing import reading

NEW_KEYS = {"birth_date", "sex", "representative_name", "representative_id", "representative_phone", "payment",
            "fee_receipt", "rating_by", "procedure_field", "online_level", "lci", "returning_applicant", "data_reused",
            "late_at_supplement", "supplement_late", "supplement_repeat", "apology_late", "apology_state", "complaints"}


def receive(cli, *extra):
    return cli.json("receive", "--procedure", "2.001035", "--name", "Nguyễn Văn Đức", "--id-number", "024123456789",
                    "--at", "2025-03-03 09:00", *extra)


def test_receive_records_the_cccd_details_the_representative_and_the_payment(cli, tmp_path):
    dossier = receive(cli, "--birth-date", "1985-02-14", "--sex", "nam", "--representative-name", "Lê Văn Tâm",
                      "--representative-id", "001090000123", "--representative-phone", "0987654321",
                      "--payment", "transfer", "--fee-receipt", "BL/2025-0042")
    assert NEW_KEYS <= dossier.keys()
    assert (dossier["birth_date"], dossier["sex"], dossier["payment"], dossier["fee_receipt"]) == (
        "1985-02-14", "nam", "transfer", "BL/2025-0042")
    assert (dossier["representative_name"], dossier["representative_id"], dossier["representative_phone"]) == (
        "Lê Văn Tâm", "001090000123", "0987654321")
    assert dossier["procedure_field"] == "Chứng thực" and dossier["lci"] is False
    receipt = tmp_path / "giay-hen.pdf"
    status, _, err = cli("print", "receipt", dossier["code"], "-o", str(receipt))
    assert status == 0, err
    text = reading.flat(reading.text(receipt.read_bytes()))
    assert "Người được ủy quyền (nếu có): Lê Văn Tâm" in text and "001090000123" in text and "0987654321" in text
    status, shown, _ = cli("show", dossier["code"])
    assert "Ngày sinh, giới tính: 14/02/1985, Nam" in shown and "chuyển khoản, biên lai số BL/2025-0042" in shown
    edited = cli.json("edit", dossier["code"], "--field", "birth-date", "--value", "14/02/1986", "--reason", "Sai năm")
    assert edited["birth_date"] == "1986-02-14"
    assert cli.json("edit", dossier["code"], "--field", "payment", "--value", "online", "--reason", "Sai")["payment"] \
        == "online"


def test_supplement_picks_the_checklist_and_a_second_one_is_flagged(cli):
    code = receive(cli)["code"]
    waiting = cli.json("supplement", code, "--reason", "Chưa đủ", "--missing", "1", "--missing", "Ảnh 4x6",
                       "--at", "2025-03-03 10:00")
    assert waiting["status"] == "waiting_supplement" and waiting["supplement_repeat"] is False
    detail = cli.json("show", code)["events"][-1]["detail"]
    assert detail["missing"][1] == "Ảnh 4x6" and detail["supplement_late"] is False
    cli.json("resume", code, "--at", "2025-03-04 09:00")
    status, _, err = cli("supplement", code, "--reason", "Thiếu thêm", "--at", "2025-03-04 10:00")
    assert status == 1 and "lý do phải yêu cầu bổ sung lần nữa" in err
    status, out, _ = cli("supplement", code, "--reason", "Thiếu thêm", "--repeat-reason", "Cơ quan thuế yêu cầu",
                         "--at", "2025-03-07 10:00")
    assert status == 0 and "lần yêu cầu bổ sung thứ 2" in out and "quá 3 ngày làm việc" in out
    flags = cli.json("flags", "--month", "2025-03")
    # Resumed Tue 4/3 09:00, due again Thu 6/3 09:00: asked for on Fri 7/3, late in every way.
    assert flags[-1]["code"] == code
    assert flags[-1]["flags"] == ["late_at_supplement", "supplement_late", "supplement_repeat"]
    status, out, _ = cli("flags", "--month", "2025-03")
    assert status == 0 and "yêu cầu bổ sung lần thứ hai trở đi" in out and "Cơ quan thuế yêu cầu" in out


def test_apology_state_complaints_and_who_rated(cli):
    code = receive(cli)["code"]  # due Wed 5/3 09:00
    late = cli.json("apologize", code, "--new-due", "2025-03-10 09:00", "--reason", "Chờ", "--at", "2025-03-05 08:00")
    assert late["apology_late"] is True and late["apology_state"] == "late"
    status, out, _ = cli("late", "--as-of", "2025-03-06 09:00")
    assert status == 0 and "xin lỗi muộn" in out
    cli.json("result", code, "--at", "2025-03-07 09:00")
    returned = cli.json("return", code, "--at", "2025-03-07 10:00", "--rating", "satisfied", "--rating-by", "citizen")
    assert returned["rating_by"] == "citizen"
    complained = cli.json("complain", code, "--reason", "Trả kết quả chậm", "--at", "2025-03-08 09:00")
    assert complained["complaints"] == 1 and complained["status"] == "returned"
    other = receive(cli)["code"]
    cli.json("result", other, "--at", "2025-03-04 09:00")
    assert cli.json("return", other, "--rating", "satisfied", "--at", "2025-03-04 10:00")["rating_by"] == "officer"


BAD = [
    ("receive", "--procedure", "2.001035", "--name", "A", "--payment", "bitcoin"),
    ("receive", "--procedure", "1.001193", "--name", "A", "--payment", "cash"),  # no fee
    ("receive", "--procedure", "2.001035", "--name", "A", "--fee-receipt", "BL-1"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--birth-date", "1985-02-30"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--birth-date", "2999-01-01"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--sex", "khac"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--representative-id", "001090000123"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--representative-name", "B", "--representative-id", "12"),
    ("receive", "--procedure", "2.001035", "--name", "A", "--id-number", "024190000999", "--reuse-applicant"),
    ("supplement", "000.00.53.H48-250303-0001", "--reason", "Thiếu", "--missing", "8"),
    ("complain", "000.00.53.H48-250303-0001", "--reason", " "),
    ("return", "000.00.53.H48-250303-0001", "--rating-by", "citizen"),
    ("guide", "--procedure", "2.001035", "--name", "A"),
    ("guide", "--procedure", "2.001035", "--name", "A", "--missing", "9"),
    ("guides", "--month", "2025-13"),
    ("flags", "--month", "tháng ba"),
    ("print", "guide", "5", "-o", "/tmp/khong-co.pdf"),
    ("calendar", "set", "2025-01-27", "work", "--json"),
    ("edit", "000.00.53.H48-250303-0001", "--field", "sex", "--value", "x", "--reason", "Sai"),
]


@pytest.mark.parametrize("argv", BAD, ids=lambda a: " ".join(a)[:70])
def test_bad_input_gives_one_vietnamese_line_and_changes_nothing(cli, db_path, argv):
    receive(cli)
    with Session(db_path) as session:
        before = table_dump(session)
    status, out, err = cli(*argv)
    assert status != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi") and "Traceback" not in err
    with Session(db_path) as session:
        assert table_dump(session) == before


def test_calendar_import_json_keeps_its_keys_and_adds_changed(cli, tmp_path):
    code = receive(cli)["code"]
    source = tmp_path / "tinh.csv"
    source.write_text("date,type,reason,decision\n2027-01-01,off,Tết Dương lịch,Thông báo 1/TB-BNV ngày 1/10/2026\n"
                      "2025-03-04,off,Nghỉ bù,\n", encoding="utf-8")
    imported = cli.json("calendar", "import", str(source))
    assert imported["days"] == 2 and imported["official_years"] == [2027]
    assert [(c["code"], c["old_due_at"], c["new_due_at"]) for c in imported["changed"]] == [
        (code, "2025-03-05T09:00:00", "2025-03-06T09:00:00")]
