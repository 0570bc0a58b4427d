"""Sorting the dossier list by a column: in SQL, over the ids, checked against a plain sort of
every dossier's row (counter/dossier_list.py, db/dossier_list.py; issue 15)."""

from datetime import datetime

import pytest

from counter import demo, dossier_list, dossiers
from counter.dossier_list import ListFilter, ListOrder
from counter.errors import CounterError
from counter.text import fold
from counter.transitions import Status

END = datetime(2025, 6, 20, 16, 0)
KEYS = {
    "code": lambda r: r.code, "applicant_name": lambda r: fold(r.applicant_name),
    "procedure_name": lambda r: r.procedure_name, "received_at": lambda r: r.received_at,
    "appointment_at": lambda r: r.appointment_at, "due": lambda r: r.due_at, "channel": lambda r: r.channel,
    "digitized": lambda r: r.digitized, "status": lambda r: list(Status).index(r.status),
    "days_late": lambda r: r.days_late,
}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    from counter.session import Session

    path = tmp_path_factory.mktemp("sort") / "unit.sqlite3"
    with Session(path, "Demo") as opened:
        demo.fill(opened, 1500, seed=11, end=END)
        yield opened


def plain(session, chosen: ListFilter, column: str, descending: bool) -> list[int]:
    """Every row read, then sorted in Python: what the SQL sort must give."""
    wanted = list(dossier_list.ids(session, chosen, END))
    rows = dossier_list.rows(session, wanted, END)
    by_id = sorted(rows.values(), key=lambda r: r.id, reverse=True)  # ties: newest first
    return [r.id for r in sorted(by_id, key=KEYS[column], reverse=descending)]


@pytest.mark.parametrize("column", sorted(KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_as_a_plain_sort_of_the_rows(filled, column, descending):
    chosen = ListFilter()
    found = dossier_list.ids(filled, chosen, END, order=ListOrder(column, descending))
    assert list(found) == plain(filled, chosen, column, descending)


def test_a_filtered_list_sorts_within_the_filter(filled):
    chosen = ListFilter(text="nguyen", statuses=(Status.RECEIVED, Status.RESULT_READY))
    found = dossier_list.ids(filled, chosen, END, order=ListOrder("days_late", True))
    assert set(found) == set(dossier_list.ids(filled, chosen, END)) and len(found) > 10
    assert list(found) == plain(filled, chosen, "days_late", True)
    assert dossier_list.rows(filled, [found[0]], END)[found[0]].days_late > 0


def test_the_sort_reads_only_ids(filled):
    statements = []
    filled.db.conn.set_trace_callback(statements.append)
    try:
        dossier_list.ids(filled, ListFilter(), END, order=ListOrder("applicant_name"))
    finally:
        filled.db.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects and all(s.startswith("SELECT id FROM dossiers") for s in selects), selects


def test_days_late_counts_working_days_as_the_public_late_list(filled):
    found = dossier_list.ids(filled, ListFilter(), END, order=ListOrder("days_late", True))
    rows = dossier_list.rows(filled, list(found[:200]), END)
    for row in rows.values():
        dossier = dossiers.get(filled, row.code, with_documents=False)
        assert (row.days_late > 0) == dossier.late(END)
    assert rows[found[0]].days_late > 1  # the demo has dossiers late by days, not hours


def test_an_unknown_column_is_refused(filled):
    with pytest.raises(CounterError):
        dossier_list.ids(filled, ListFilter(), END, order=ListOrder("secret"))
