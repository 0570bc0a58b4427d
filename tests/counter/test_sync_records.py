"""The checks of a sync record's detail: every wrong field of a receipt is refused, whichever way it is told."""

import copy

import pytest

from counter import dossiers, sync_records
from counter.sync_records import BadRecord, check_detail
from tests.counter.helpers import receive

BAD = {"code": "khác", "unit_code": 7, "procedure_code": "", "procedure_name": 1, "applicant_name": "",
       "id_number": "x" * 256, "phone": None, "address": "a\x00b", "email": ["e"],
       "clock_start_at": "2025-02-30T07:00:00",
       "due_at": "2025-03-03 07:00:00", "appointment_at": None, "workstation": 21, "days": True, "fee": -1,
       "ledger_year": 1999, "ledger_number": 0, "reused": 2, "channel": "fax", "documents": {}}
BAD_DOCUMENT = {"position": 0, "name": "", "copy_kind": "scan", "quantity": 0, "file": "ABC", "not_required": "có",
                "reused": None}


@pytest.fixture
def receipt(session):
    code = receive(session).code
    event = dossiers.events(session, dossiers.get(session, code))[0]
    assert event["kind"] == "received" and event["detail"]["documents"]
    return code, event["detail"]


def test_a_sound_receipt_passes_both_ways(receipt):
    code, detail = receipt
    assert sync_records._receipt_sound(detail, code)
    check_detail("received", detail, None, code)


@pytest.mark.parametrize("key", sorted(BAD))
def test_each_wrong_field_of_a_receipt_is_refused(receipt, key):
    code, detail = receipt
    wrong = dict(detail, **{key: BAD[key]})
    assert not sync_records._receipt_sound(wrong, code)
    with pytest.raises(BadRecord):
        check_detail("received", wrong, None, code)
    missing = {k: v for k, v in detail.items() if k != key}
    with pytest.raises(BadRecord):
        check_detail("received", missing, None, code)


@pytest.mark.parametrize("key", sorted(BAD_DOCUMENT))
def test_each_wrong_field_of_a_received_document_is_refused(receipt, key):
    code, detail = receipt
    wrong = copy.deepcopy(detail)
    wrong["documents"][0][key] = BAD_DOCUMENT[key]
    assert not sync_records._receipt_sound(wrong, code)
    with pytest.raises(BadRecord):
        check_detail("received", wrong, None, code)


def test_two_documents_in_one_place_are_refused(receipt):
    code, detail = receipt
    wrong = copy.deepcopy(detail)
    wrong["documents"].append(dict(wrong["documents"][0]))
    assert not sync_records._receipt_sound(wrong, code)
    with pytest.raises(BadRecord):
        check_detail("received", wrong, None, code)
