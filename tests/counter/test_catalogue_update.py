"""Editing one procedure of the catalogue (counter/catalogue.py: update_procedure; issue 15)."""

import json

import pytest

from counter import accounts, audit, catalogue, intake
from counter.errors import CounterError
from tests.counter.helpers import table_dump


def test_days_fee_and_documents_change_and_are_audited(session):
    before = catalogue.procedure(session, "2.001019")
    updated = catalogue.update_procedure(session, "2.001019", days=3, fee=60000,
                                         documents=["Phiếu yêu cầu chứng thực", " Dự thảo di chúc ", ""])
    assert (updated.days, updated.fee, updated.documents) == (3, 60000, ["Phiếu yêu cầu chứng thực", "Dự thảo di chúc"])
    assert catalogue.procedure(session, "2.001019") == updated and updated.name == before.name
    last = audit.recent(session, 1)[0]
    assert (last["action"], last["target"]) == ("procedure_updated", "2.001019")
    assert json.loads(last["detail"]) == {"days": 3, "fee": 60000,
                                          "documents": ["Phiếu yêu cầu chứng thực", "Dự thảo di chúc"]}
    assert intake.receive(session, "2.001019", "Lê Văn Tám").days == 3
    catalogue.update_procedure(session, "2.001019", fee=None)  # no fee set any more
    assert catalogue.procedure(session, "2.001019").fee is None
    catalogue.update_procedure(session, "2.001019", online_level="toàn trình")  # as a catalogue writes it
    assert catalogue.procedure(session, "2.001019").online_level == "full"


@pytest.mark.parametrize("change, why", [
    ({"days": 366}, "từ 0 đến 365"), ({"days": -1}, "từ 0 đến 365"), ({"fee": -5}, "không được âm"),
    ({"documents": ["Tờ khai\u202e"]}, "ký tự điều khiển"), ({"days": 2}, "không có gì thay đổi"),
    ({"online_level": "mức 9"}, "toàn trình"),
])
def test_a_bad_change_is_refused_and_changes_nothing(session, change, why):
    before = table_dump(session)
    with pytest.raises(CounterError) as refused:
        catalogue.update_procedure(session, "2.001019", **change)
    assert why in refused.value.message
    assert table_dump(session) == before


def test_only_an_admin_edits_the_catalogue(session):
    accounts.create(session, "quantri", "Nguyễn Văn Quản", "admin", "quantri-2025-x")
    session.user = accounts.login(session, "quantri", "quantri-2025-x")
    accounts.create(session, "hung.nv", "Nguyễn Văn Hùng", "head", "mat-khau-2025")
    session.user = accounts.login(session, "hung.nv", "mat-khau-2025")
    with pytest.raises(CounterError) as refused:
        catalogue.update_procedure(session, "2.001019", days=5)
    assert "không có quyền" in refused.value.message
    assert catalogue.procedure(session, "2.001019").days == 2
