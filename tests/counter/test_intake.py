import unicodedata
from datetime import date

import pytest

from counter import applicants, codes, dossiers, intake, unit
from counter.errors import CounterError
from counter.intake import DocumentInput
from db import dossiers as dossier_table
from tests.counter.helpers import at, receive, table_dump


def test_receive_computes_due_date_ledger_and_code(session):
    dossier = receive(session, "2025-03-03 09:00", "2.001035", id_number="024123456789", phone="0912 345 678")
    assert dossier.code == "000.00.53.H48-250303-0001"
    assert dossier.status == "received"
    assert dossier.due_at == at("2025-03-05 09:00") == dossier.appointment_at
    assert (dossier.ledger_year, dossier.ledger_number) == (2025, 1)
    assert dossier.fee == 50000 and dossier.phone == "0912345678"
    assert [d.name for d in dossier.documents] == [
        "Dự thảo hợp đồng, giao dịch", "Giấy tờ tùy thân", "Giấy chứng nhận quyền sở hữu, quyền sử dụng"]
    assert dossiers.events(session, dossier)[0]["officer"] == "Trần Thị Lan"


def test_daily_sequence_restarts_each_day_and_ledger_runs_through_the_year(session):
    codes = [receive(session, when).code for when in
             ("2025-12-31 08:00", "2025-12-31 09:00", "2026-01-02 08:00", "2026-01-02 08:30")]
    assert [c[-11:] for c in codes] == ["251231-0001", "251231-0002", "260102-0001", "260102-0002"]
    ledger = [dossiers.get(session, c).ledger_number for c in codes]
    assert ledger == [1, 2, 1, 2]


def test_workstations_own_separate_number_blocks(session):
    unit.configure(session, workstation=3)
    assert receive(session).code.endswith("250303-2001")
    assert receive(session).code.endswith("250303-2002")


def test_counters_11_to_20_number_in_six_digits_no_other_counter_reaches(session):
    unit.configure(session, workstation=12)
    assert receive(session).code.endswith("250303-210001")
    assert receive(session).code.endswith("250303-210002")
    unit.configure(session, workstation=20)
    assert receive(session).code.endswith("250303-290001")
    with pytest.raises(CounterError, match="từ 1 đến 20"):
        unit.configure(session, workstation=21)


def test_every_number_of_every_counter_is_its_own_and_tells_its_counter():
    """Each counter's numbers of a day, all 9,999 of them: no two counters share one, and `nth_of` gives back
    the counter and the dossier of the day (a synced code's reservation, counter/sync_apply.py)."""
    owners: dict[int, tuple[int, int]] = {}
    for workstation in range(1, codes.MAX_WORKSTATION + 1):
        for nth in range(1, codes.OVERFLOW):
            number = codes.sequence_number(workstation, nth)
            assert number not in owners and 1 <= number <= 999_999, (workstation, nth, owners.get(number))
            owners[number] = (workstation, nth)
    for number, (workstation, nth) in owners.items():
        assert codes.nth_of(workstation, number) == nth
        assert all(codes.nth_of(other, number) is None for other in (workstation - 1, workstation + 1)
                   if 1 <= other <= codes.MAX_WORKSTATION)
    assert codes.format_code("X", date(2025, 3, 3), codes.sequence_number(1, 1)) == "X-250303-0001"
    with pytest.raises(CounterError, match="hết số thứ tự"):
        codes.sequence_number(15, codes.OVERFLOW)


def test_a_failed_save_never_hands_its_code_out_again(session, monkeypatch):
    original = dossier_table.insert

    def power_cut(db, row):
        original(db, row)
        raise OSError("disk full")

    monkeypatch.setattr(dossier_table, "insert", power_cut)
    with pytest.raises(OSError):
        receive(session)
    monkeypatch.setattr(dossier_table, "insert", original)
    assert session.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    assert receive(session).code.endswith("-0002")


def test_text_is_stored_in_nfc(session):
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị   Đào ")
    dossier = receive(session, name=decomposed, address=unicodedata.normalize("NFD", "Thôn Đông"))
    assert dossier.applicant_name == "Nguyễn Thị Đào"
    assert unicodedata.is_normalized("NFC", dossier.address)


def test_shown_only_and_online_documents_need_no_scan(session):
    shown = receive(session, procedure="2.000884")
    assert [d.not_required for d in shown.documents] == [False, True]
    online = receive(session, procedure="2.000884", channel="online")
    assert all(d.not_required for d in online.documents) and online.digitized


def test_returning_applicant_is_found_and_earlier_scans_reused(session, tmp_path):
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(b"%PDF scan of the ID card")
    first = receive(session, id_number="024123456789", phone="0912345678", address="Thôn Đông",
                    documents=[DocumentInput("Giấy tờ tùy thân", file=scan), DocumentInput("Dự thảo hợp đồng")])
    found = applicants.find(session, "0912345678")
    assert [(a.name, a.id_number, a.address) for a in found] == [("Nguyễn Văn Đức", "024123456789", "Thôn Đông")]
    assert applicants.find(session, "024123456789")[0].id == found[0].id
    offered = applicants.earlier_documents(session, found[0].id)
    assert [(d["name"], d["code"]) for d in offered] == [("Giấy tờ tùy thân", first.code)]
    second = receive(session, "2025-03-10 09:00", id_number="024123456789", reuse=True,
                     documents=[DocumentInput("Giấy tờ tùy thân"), DocumentInput("Dự thảo hợp đồng")])
    assert second.reused and second.documents[0].file_sha256 == first.documents[0].file_sha256
    assert second.documents[0].reused_from == first.documents[0].id
    assert second.applicant_id == first.applicant_id


@pytest.mark.parametrize("kwargs, message", [
    ({"procedure": "9.999999"}, "Không có thủ tục"),
    ({"name": "  "}, "Họ tên"),
    ({"id_number": "12345"}, "CCCD"),
    ({"id_number": "02412345678a"}, "CCCD"),
    ({"phone": "12"}, "điện thoại"),
    ({"channel": "fax"}, "Kênh"),
    ({"fee": -1}, "âm"),
    ({"email": "khong-co-a-cong"}, "email"),
    ({"documents": [DocumentInput("")]}, "không có tên"),
])
def test_bad_input_is_refused_and_changes_nothing(session, kwargs, message):
    before = table_dump(session)
    with pytest.raises(CounterError, match=message):
        receive(session, **kwargs)
    assert table_dump(session) == before


def test_an_uninitialised_database_refuses_to_receive(tmp_path):
    from counter.session import Session

    with Session(tmp_path / "new.sqlite3") as fresh, pytest.raises(CounterError, match="chưa được khởi tạo"):
        intake.receive(fresh, "2.001035", "Lê An")
