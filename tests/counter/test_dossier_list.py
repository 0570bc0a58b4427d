"""The dossier list's filters against a plain reading of every dossier."""

from datetime import date, datetime

import pytest

from counter import catalogue, demo, dossier_list, dossiers, unit
from counter.dossier_list import ListFilter
from counter.errors import CounterError
from counter.session import Session
from counter.text import fold
from db import dossier_list as list_queries
from tests.conftest import UNIT

END = datetime(2025, 6, 20, 16, 0)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """3,000 demo dossiers, made once for the module: every test here only reads them."""
    with Session(tmp_path_factory.mktemp("list") / "unit.sqlite3", "Trần Thị Lan") as opened:
        unit.configure(opened, **UNIT)
        catalogue.import_catalogue(opened, catalogue.STARTER)
        demo.fill(opened, 3000, seed=7, end=END)
        yield opened, dossiers.many(opened, list(range(1, 3001)))


def ids_of(found) -> list[int]:
    """Newest id first: the order of the lists a text drives (as search)."""
    return sorted((d.id for d in found), reverse=True)


def newest(found) -> list[int]:
    """Latest received first, then the highest id: the order of every other list (issue 16)."""
    return [d.id for d in sorted(found, key=lambda d: (d.received_at, d.id), reverse=True)]


def test_no_filter_is_every_dossier_newest_first(filled):
    session, everything = filled
    assert list(dossier_list.ids(session, ListFilter(), END)) == newest(everything)


@pytest.mark.parametrize("status", ["received", "returned", "result_ready", "rejected"])
def test_status(filled, status):
    session, everything = filled
    found = dossier_list.ids(session, ListFilter(statuses=(status,)), END)
    assert list(found) == newest(d for d in everything if d.status == status)


def test_procedure_dates_and_digitized_combine(filled):
    session, everything = filled
    code = everything[0].procedure_code
    chosen = ListFilter(procedure_code=code, received_from=date(2025, 3, 1), received_to=date(2025, 4, 30),
                        digitized=False)
    wanted = [d for d in everything if d.procedure_code == code and not d.digitized
              and date(2025, 3, 1) <= d.received_at.date() <= date(2025, 4, 30)]
    assert list(dossier_list.ids(session, chosen, END)) == newest(wanted)


def test_overdue_and_due_soon(filled):
    session, everything = filled
    horizon = dossier_list.due_soon_horizon(session, END)
    assert horizon.date() == date(2025, 6, 23)  # Friday afternoon: next working day is Monday
    overdue = dossier_list.ids(session, ListFilter(due="overdue"), END)
    assert list(overdue) == newest(d for d in everything if d.status == "received" and d.due_at < END)
    soon = dossier_list.ids(session, ListFilter(due="due_soon"), END)
    assert list(soon) == newest(d for d in everything if d.status == "received" and d.due_at < horizon)
    assert set(overdue) <= set(soon)


def test_scans_missing(filled):
    session, everything = filled
    found = dossier_list.ids(session, ListFilter(scans_missing=True), END)
    assert list(found) == newest(
        d for d in everything
        if not d.digitized or (d.status in ("result_ready", "returned") and not d.result_digitized))


def test_text_reads_names_codes_ids_and_phones(filled):
    session, everything = filled
    someone = everything[1234]
    by_name = dossier_list.ids(session, ListFilter(text=someone.applicant_name.upper()), END)
    words = fold(someone.applicant_name).split()
    assert list(by_name) == ids_of(d for d in everything if all(w in fold(d.applicant_name).split() for w in words))
    assert list(dossier_list.ids(session, ListFilter(text=someone.code), END)) == [someone.id]
    assert someone.id in dossier_list.ids(session, ListFilter(text=someone.id_number), END)
    assert someone.id in dossier_list.ids(session, ListFilter(text=someone.phone), END)
    # A name and a status: the name index drives, the status filters.
    both = dossier_list.ids(session, ListFilter(text=fold(someone.applicant_name), statuses=(someone.status,)), END)
    assert someone.id in both and all(d.status == someone.status for d in dossiers.many(session, list(both)))


def test_limit_gives_the_newest_and_keep_going_can_stop_a_long_read(filled):
    session, everything = filled
    assert list(dossier_list.ids(session, ListFilter(), END, limit=10)) == newest(everything)[:10]
    assert dossier_list.ids(session, ListFilter(), END, keep_going=lambda: False) is None


def test_rows_by_id_and_due_state(filled):
    session, everything = filled
    wanted = [d.id for d in everything[:50]] + [999_999]
    rows = dossier_list.rows(session, wanted)
    assert set(rows) == {d.id for d in everything[:50]}  # a missing id is left out
    horizon = dossier_list.due_soon_horizon(session, END)
    for d in everything[:50]:
        row = rows[d.id]
        assert (row.code, row.applicant_name, row.due_at) == (d.code, d.applicant_name, d.due_at)
        state = row.due_state(END, horizon)
        if d.status in ("result_ready", "returned"):
            assert state == d.timeliness
        elif d.status == "received":
            assert state == ("overdue" if d.due_at < END else "due_soon" if d.due_at < horizon else "running")


def test_bad_filters_are_refused(session):
    with pytest.raises(CounterError, match="Trạng thái"):
        dossier_list.ids(session, ListFilter(statuses=("lost",)))
    with pytest.raises(CounterError, match="Ngày bắt đầu"):
        dossier_list.ids(session, ListFilter(received_from=date(2025, 2, 1), received_to=date(2025, 1, 1)))
    with pytest.raises(CounterError):
        dossier_list.ids(session, ListFilter(due="soon"))


def test_query_shape_follows_selectivity():
    """Most dossiers are returned: reading newest first beats the status index plus a sort."""
    broad, _ = list_queries._select(list_queries.Where(statuses=("returned",)), newest_only=True)
    narrow, _ = list_queries._select(list_queries.Where(statuses=("received",), few_statuses=True), newest_only=True)
    assert "+status" in broad and "+status" not in narrow
    whole, _ = list_queries._select(list_queries.Where(statuses=("returned",)))
    assert "+status" not in whole
    by_name, _ = list_queries._select(list_queries.Where(name_words=("nguyen",), digitized=True), newest_only=True)
    assert by_name.startswith("SELECT dossiers.id FROM dossier_names")
    everything, _ = list_queries._select(list_queries.Where())
    assert "INDEXED BY dossiers_received" in everything


def test_a_superseded_read_is_interrupted_even_inside_its_sort(filled, monkeypatch):
    """The sort by days late runs in SQL over every id before the first row comes out: a newer
    filter stops it there (the progress handler), not after it."""
    session, _ = filled
    counted = []
    real = dossier_list.DaysLate.stored
    monkeypatch.setattr(dossier_list.DaysLate, "stored", lambda self, *a: counted.append(1) or real(self, *a))
    order = dossier_list.ListOrder("days_late", descending=True)
    assert dossier_list.ids(session, ListFilter(), END, keep_going=lambda: len(counted) < 100, order=order) is None
    assert len(counted) < 3000  # stopped inside the sort, long before it had read every dossier
    assert len(dossier_list.ids(session, ListFilter(), END, order=order)) == 3000  # the connection works on


# Issue 16: every filter's first page walks an index, never the table; only filters that select
# few dossiers by nature (open ones due soon, statuses few dossiers are in) sort what they find.
FIRST_PAGES = {
    "everything": (ListFilter(), "dossiers_received", False),
    "returned": (ListFilter(statuses=("returned",)), "dossiers_received", False),
    "received": (ListFilter(statuses=("received",)), "dossiers_status", False),
    "waiting": (ListFilter(statuses=("waiting_supplement", "received")), "dossiers_status", True),
    "procedure": (ListFilter(procedure_code="1.001193"), "dossiers_procedure", False),
    "last 365 days": (ListFilter(received_from=date(2024, 6, 21)), "dossiers_received", False),
    "one month": (ListFilter(received_from=date(2025, 3, 1), received_to=date(2025, 3, 31)), "dossiers_received",
                  False),
    "digitized": (ListFilter(digitized=True), "dossiers_digitized", False),
    "not digitized": (ListFilter(digitized=False), "dossiers_digitized", False),
    "scans missing": (ListFilter(scans_missing=True), "dossiers_scans_missing", False),
    "overdue": (ListFilter(due="overdue"), "dossiers_due_open", True),
    "due soon": (ListFilter(due="due_soon"), "dossiers_due_open", True),
    "procedure, month, not digitized": (ListFilter(procedure_code="1.001193", received_from=date(2025, 3, 1),
                                                   received_to=date(2025, 3, 31), digitized=False),
                                        "dossiers_digitized", False),
    "returned, scans missing": (ListFilter(statuses=("returned",), scans_missing=True), "dossiers_scans_missing",
                                False),
}


@pytest.mark.parametrize("name", FIRST_PAGES)
def test_every_filter_s_first_page_walks_an_index(filled, name):
    session, everything = filled
    chosen, index, sorts = FIRST_PAGES[name]
    steps = dossier_list.plan(session, chosen, END, limit=50)
    assert not any(step.startswith("SCAN dossiers") and "INDEX" not in step for step in steps), steps
    assert any(f"INDEX {index}" in step for step in steps), steps
    assert any("TEMP B-TREE" in step for step in steps) == sorts, steps
    # And it is the filter's newest page.
    assert list(dossier_list.ids(session, chosen, END, limit=50)) == \
        list(dossier_list.ids(session, chosen, END))[:50]


def test_text_pages_go_through_the_search_indexes(filled):
    session, everything = filled
    someone = everything[1234]
    for text in (someone.applicant_name, someone.code[-4:], someone.id_number, someone.phone):
        steps = dossier_list.plan(session, ListFilter(text=text), END, limit=50)
        assert not any(step.startswith("SCAN dossiers") and "INDEX" not in step for step in steps), (text, steps)
