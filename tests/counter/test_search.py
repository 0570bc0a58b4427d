import pytest

from counter.errors import CounterError
from counter.search import search
from tests.counter.helpers import receive


@pytest.fixture
def filled(session):
    made = {
        "duc": receive(session, "2025-03-03 09:00", name="Nguyễn Văn Đức", id_number="024123456789",
                       phone="0912345678"),
        "dao": receive(session, "2025-03-03 10:00", name="Đào Thị Đông", phone="0987654321"),
        "an": receive(session, "2025-03-04 09:00", name="Lê Văn An", id_number="123456789"),
    }
    return session, made


def codes(session, text):
    return [d.code for d in search(session, text)]


def test_names_match_ignoring_case_diacritics_and_d_stroke(filled):
    session, made = filled
    assert codes(session, "nguyen van duc") == [made["duc"].code]
    assert codes(session, "NGUYỄN VĂN ĐỨC") == [made["duc"].code]
    assert codes(session, "dao dong") == [made["dao"].code]
    assert codes(session, "đông") == [made["dao"].code]
    assert codes(session, "van") == [made["an"].code, made["duc"].code]
    assert codes(session, "ngu d") == [made["duc"].code]
    assert codes(session, "tran") == []


def test_codes_match_in_full_or_by_their_tail(filled):
    session, made = filled
    assert codes(session, made["dao"].code) == [made["dao"].code]
    assert codes(session, made["dao"].code.lower()) == [made["dao"].code]
    assert codes(session, "250303-0002") == [made["dao"].code]
    assert codes(session, "0001") == [made["an"].code, made["duc"].code]


def test_id_number_and_phone(filled):
    session, made = filled
    assert codes(session, "024123456789") == [made["duc"].code]
    assert codes(session, "123 456 789") == [made["an"].code]
    assert codes(session, "0987.654.321") == [made["dao"].code]
    assert codes(session, "+84912345678") == [made["duc"].code]


def test_empty_search_is_refused(session):
    with pytest.raises(CounterError):
        search(session, "   ")
