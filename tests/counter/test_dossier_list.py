"""The dossier list's filters against a plain reading of every dossier."""

from datetime import date, datetime

import pytest

from counter import demo, dossier_list, dossiers
from counter.dossier_list import ListFilter
from counter.errors import CounterError
from counter.text import fold
from db import dossier_list as list_queries

END = datetime(2025, 6, 20, 16, 0)


@pytest.fixture
def filled(session):
    demo.fill(session, 3000, seed=7, end=END)
    everything = dossiers.many(session, list(range(1, 3001)))
    return session, everything


def ids_of(found) -> list[int]:
    return sorted((d.id for d in found), reverse=True)


def test_no_filter_is_every_dossier_newest_first(filled):
    session, everything = filled
    assert list(dossier_list.ids(session, ListFilter(), END)) == ids_of(everything)


@pytest.mark.parametrize("status", ["received", "returned", "result_ready", "rejected"])
def test_status(filled, status):
    session, everything = filled
    found = dossier_list.ids(session, ListFilter(statuses=(status,)), END)
    assert list(found) == ids_of(d for d in everything if d.status == status)


def test_procedure_dates_and_digitized_combine(filled):
    session, everything = filled
    code = everything[0].procedure_code
    chosen = ListFilter(procedure_code=code, received_from=date(2025, 3, 1), received_to=date(2025, 4, 30),
                        digitized=False)
    wanted = [d for d in everything if d.procedure_code == code and not d.digitized
              and date(2025, 3, 1) <= d.received_at.date() <= date(2025, 4, 30)]
    assert list(dossier_list.ids(session, chosen, END)) == ids_of(wanted)


def test_overdue_and_due_soon(filled):
    session, everything = filled
    horizon = dossier_list.due_soon_horizon(session, END)
    assert horizon.date() == date(2025, 6, 23)  # Friday afternoon: next working day is Monday
    overdue = dossier_list.ids(session, ListFilter(due="overdue"), END)
    assert list(overdue) == ids_of(d for d in everything if d.status == "received" and d.due_at < END)
    soon = dossier_list.ids(session, ListFilter(due="due_soon"), END)
    assert list(soon) == ids_of(d for d in everything if d.status == "received" and d.due_at < horizon)
    assert set(overdue) <= set(soon)


def test_scans_missing(filled):
    session, everything = filled
    found = dossier_list.ids(session, ListFilter(scans_missing=True), END)
    assert list(found) == ids_of(
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
    assert list(dossier_list.ids(session, ListFilter(), END, limit=10)) == ids_of(everything)[:10]
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
