"""The unit's indicators as QĐ 766/QĐ-TTg and Kế hoạch 3/KH-UBND (2024) define them
(shared/domain/indicators.md; docs/rules.md, "Chỉ tiêu / Indicators"), over a small unit worked
out by hand. March 2025 has no public holiday."""

from datetime import datetime

import pytest

from counter import catalogue, intake, lifecycle
from counter.errors import CounterError
from counter.indicators import TARGETS, Period, figures, shortfalls
from tests.counter.helpers import table_dump

MARCH = Period.month(2025, 3)
CATALOGUE = """code,name,field,days,fee,online_level
9.000001,Cấp giấy chứng nhận quyền sử dụng đất,Đất đai,3,100000,partial
9.000002,Cấp giấy phép xây dựng nhà ở riêng lẻ,Xây dựng,3,0,Toàn trình
9.000003,Xác nhận thông tin hộ tịch,Hộ tịch,3,20000,full
9.000004,Chứng thực chữ ký,Chứng thực,0,10000,
"""


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, 0)


@pytest.fixture
def unit(session, tmp_path):
    path = tmp_path / "danh-muc.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    catalogue.import_catalogue(session, path)
    return session


def test_the_catalogue_carries_the_online_level_and_the_field_class(unit):
    land, building, civil, stamp = (catalogue.procedure(unit, f"9.00000{n}") for n in range(1, 5))
    assert (land.online_level, building.online_level, civil.online_level, stamp.online_level) == (
        "partial", "full", "full", "")
    assert land.lci and building.lci and not civil.lci and not stamp.lci


def test_a_bad_online_level_rejects_the_whole_catalogue(unit, tmp_path):
    path = tmp_path / "hong.csv"
    path.write_text("code,name,days,online_level\n9.1,A,1,full\n9.2,B,1,mức 9\n", encoding="utf-8")
    before = table_dump(unit)
    with pytest.raises(CounterError, match="Dòng 3: mức độ dịch vụ công trực tuyến"):
        catalogue.import_catalogue(unit, path)
    assert table_dump(unit) == before


def test_online_share_counts_the_procedures_offered_fully_online(unit):
    """Kế hoạch 3/KH-UBND annex 4.2: above 70% processed fully online; the base is the dossiers of
    procedures offered toàn trình (full)."""
    intake.receive(unit, "9.000003", "An", channel="online", at=at(3))
    intake.receive(unit, "9.000003", "Bình", at=at(3))
    intake.receive(unit, "9.000002", "Cúc", channel="online", at=at(3))
    intake.receive(unit, "9.000001", "Dũng", channel="online", at=at(3))  # partial: not in the base
    intake.receive(unit, "9.000004", "Én", at=at(3))
    month = figures(unit, MARCH)
    assert (month["eligible_received"], month["eligible_online"]) == (3, 2)
    assert month["online_eligible_rate"] == round(2 / 3, 4) and month["online_rate"] == 0.6
    assert "online_eligible_rate" in month["short"]


def test_online_payment_rate_is_over_the_dossiers_with_a_fee(unit):
    """Kế hoạch 3/KH-UBND annex 5.1: above 60% paid online."""
    intake.receive(unit, "9.000003", "An", at=at(3), payment="online", fee_receipt="BL-0001")
    intake.receive(unit, "9.000003", "Bình", at=at(3), payment="cash")
    intake.receive(unit, "9.000004", "Cúc", at=at(3))  # a fee, not recorded as paid
    intake.receive(unit, "9.000002", "Dũng", at=at(3))  # no fee: not in the base
    month = figures(unit, MARCH)
    assert (month["with_fee"], month["paid_online"], month["online_payment_rate"]) == (3, 1, round(1 / 3, 4))


def test_data_re_use_is_over_the_returning_applicants(unit, tmp_path):
    """Kế hoạch 3/KH-UBND annex 1.3: above 50% of citizens need not hand in again what was accepted."""
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    first = intake.receive(unit, "9.000003", "Nguyễn Văn An", id_number="001085012345", phone="0912345678",
                           address="Thôn Đông", birth_date="1985-02-14", sex="nam", at=at(3),
                           documents=[intake.DocumentInput("Tờ khai", file=scan)])
    assert not first.returning_applicant and not first.data_reused
    again = intake.receive(unit, "9.000004", "Nguyễn Văn An", id_number="001085012345", at=at(4),
                           reuse_applicant=True)
    assert again.returning_applicant and again.data_reused
    assert (again.phone, again.address, again.birth_date, again.sex) == ("0912345678", "Thôn Đông", "1985-02-14", "nam")
    documents = intake.receive(unit, "9.000003", "Nguyễn Văn An", id_number="001085012345", at=at(5),
                               documents=[intake.DocumentInput("Tờ khai")], reuse=True)
    assert documents.returning_applicant and documents.reused and not documents.data_reused
    plain = intake.receive(unit, "9.000003", "Nguyễn Văn An", id_number="001085012345", at=at(6))
    assert plain.returning_applicant and not plain.reused
    month = figures(unit, MARCH)
    assert (month["returning"], month["reused_returning"], month["reuse_rate"]) == (3, 2, round(2 / 3, 4))
    before = table_dump(unit)
    with pytest.raises(CounterError, match="Không có thông tin cũ"):
        intake.receive(unit, "9.000003", "Trần Thị Mới", id_number="024190000111", reuse_applicant=True, at=at(7))
    assert table_dump(unit) == before


def test_land_construction_and_investment_are_reported_apart(unit):
    """Kế hoạch 3/KH-UBND II.6: satisfaction at least 90%, at least 85% for land, construction and investment."""
    for code, rating in (("9.000001", "satisfied"), ("9.000001", "unsatisfied"), ("9.000002", "very-satisfied"),
                         ("9.000003", "satisfied")):
        dossier = intake.receive(unit, code, "An", at=at(3))
        lifecycle.record_result(unit, dossier.code, at(4))
        lifecycle.return_result(unit, dossier.code, at(4, 10), rating=rating)
    month = figures(unit, MARCH)
    assert (month["lci_rated"], month["lci_satisfied"], month["lci_satisfaction_rate"]) == (3, 2, round(2 / 3, 4))
    assert month["satisfaction_rate"] == 0.75
    assert month["lci_satisfaction_index"] == round(2 / 3, 4) and month["satisfaction_index"] == 0.75
    assert TARGETS["lci_satisfaction_rate"].value == 0.85 and TARGETS["satisfaction_rate"].value == 0.90
    assert {"lci_satisfaction_rate", "satisfaction_rate"} <= set(month["short"])


def test_citizen_and_officer_ratings_are_reported_apart(unit):
    """Issue 15: a rating keyed by the officer being rated is recorded as such and reported apart."""
    for rating, by in (("satisfied", "citizen"), ("unsatisfied", "citizen"), ("very-satisfied", None)):
        dossier = intake.receive(unit, "9.000003", "An", at=at(3))
        lifecycle.record_result(unit, dossier.code, at(4))
        returned = lifecycle.return_result(unit, dossier.code, at(4, 10), rating=rating, rating_by=by)
        assert returned.rating_by == (by or "officer")
    month = figures(unit, MARCH)
    assert (month["rated_citizen"], month["satisfied_citizen"], month["citizen_satisfaction_rate"]) == (2, 1, 0.5)
    assert (month["rated_officer"], month["officer_satisfaction_rate"]) == (1, 1.0)
    dossier = intake.receive(unit, "9.000003", "Bình", at=at(5))
    lifecycle.record_result(unit, dossier.code, at(6))
    before = table_dump(unit)
    with pytest.raises(CounterError, match="Chưa có mức đánh giá"):
        lifecycle.return_result(unit, dossier.code, at(6, 10), rating_by="citizen")
    with pytest.raises(CounterError, match="citizen"):
        lifecycle.return_result(unit, dossier.code, at(6, 10), rating="satisfied", rating_by="robot")
    assert table_dump(unit) == before


def test_rejections_and_stops_stand_beside_early_on_time_and_late(unit):
    """Issue 11 §3: a test unit showed 4 of 6 early where 2 were rejections; now they are apart, and
    the QĐ 766 progress counts every end status."""
    for day in (4, 4, 5, 10):  # two early, one on time... and one late (due 6/3)
        dossier = intake.receive(unit, "9.000003", "An", at=at(3))
        lifecycle.record_result(unit, dossier.code, at(day) if day != 5 else at(6, 8))
    for close in (lifecycle.reject, lifecycle.stop):
        dossier = intake.receive(unit, "9.000003", "Bình", at=at(3))
        close(unit, dossier.code, "Lý do", at(3, 10))
    month = figures(unit, MARCH)
    assert (month["resolved"], month["results"], month["rejected"], month["stopped"]) == (6, 4, 1, 1)
    assert (month["early"], month["on_time"], month["late"]) == (2, 1, 1)
    assert month["early_rate"] == 0.5 and month["on_time_rate"] == 0.75
    assert month["progress_on_time"] == 5 and month["progress_rate"] == round(5 / 6, 4)


def test_the_targets_and_their_marks():
    assert TARGETS["on_time_rate"].met(0.9) is False and TARGETS["on_time_rate"].met(0.9001) is True  # "trên 90%"
    assert TARGETS["satisfaction_rate"].met(0.9) is True  # "tối thiểu 90%"
    assert TARGETS["postal_rate"].text == "≥ 20%" and TARGETS["digitized_rate"].text == "100%"
    assert TARGETS["early_rate"].met(None) is None
    assert shortfalls({"on_time_rate": 0.5, "early_rate": None, "postal_rate": 0.2}) == ["on_time_rate"]
