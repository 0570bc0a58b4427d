import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter import dossier_list
from counter.dossier_list import ListFilter
from counter.errors import CounterError
from counter.search import search
from counter.text import fold, nfc
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


# --- one reading of a typed text: search and the dossier list find the same dossiers ----------------

PEOPLE = [("Nguyễn Văn Đức", "024123456789", "0912345678"), ("Đào Thị Đông", "", "0987654321"),
          ("Lê Văn An", "123456789", ""), ("Trần Đức Anh", "001085012345", "0912000111"),
          ("Phạm Thu Hà", "", "")]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    from counter import catalogue, unit
    from counter.session import Session
    from tests.conftest import UNIT

    with Session(tmp_path_factory.mktemp("search") / "unit.sqlite3", "Trần Thị Lan") as session:
        unit.configure(session, **UNIT)
        catalogue.import_catalogue(session, catalogue.STARTER)
        made = [receive(session, f"2025-03-0{3 + n % 3} {9 + n % 7:02d}:00", name=name, id_number=id_number,
                        phone=phone) for n, (name, id_number, phone) in enumerate(PEOPLE * 3)]
        yield session, made


def _texts(made):
    codes = [d.code for d in made]
    words = [w for name, _, _ in PEOPLE for w in name.split()]
    numbers = [n for _, id_number, phone in PEOPLE for n in (id_number, phone) if n]
    return st.one_of(
        st.sampled_from(codes).flatmap(lambda c: st.integers(1, len(c)).map(lambda k: c[-k:])),
        st.sampled_from(numbers).flatmap(lambda n: st.sampled_from([n, n[:4] + " " + n[4:], n.replace("0", "+84", 1),
                                                                     ".".join([n[:3], n[3:]]), f"({n[:3]}) {n[3:]}"])),
        st.lists(st.sampled_from(words), min_size=1, max_size=3).map(" ".join).flatmap(
            lambda t: st.sampled_from([t, t.upper(), fold(t), fold(t)[:3]])),
        st.text(alphabet="0123456789 abcdđĐ-.+()", min_size=1, max_size=12),
    )


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_search_and_the_dossier_list_read_a_text_alike(many, data):
    session, made = many
    text = data.draw(_texts(made))
    if not nfc(text):
        return
    found = {d.code for d in search(session, text, limit=1000)}
    listed = dossier_list.rows(session, list(dossier_list.ids(session, ListFilter(text=text))))
    assert found == {row.code for row in listed.values()}, text
