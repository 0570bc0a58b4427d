"""The SQLite province store's reads seek their index (a province holds millions of events)."""

import sqlite_utils

from db import migrations
from db.province import SqliteProvince


def test_a_dossier_s_unit_events_are_found_by_seeking_the_code_index_not_by_a_scan(tmp_path):
    db = sqlite_utils.Database(memory=True)
    migrations.upgrade(db)
    plans: list[str] = []

    def explain(statement: str) -> None:
        if "province_unit_events" in statement and statement.lstrip().startswith("SELECT"):
            plans.extend(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + statement))

    db.conn.set_trace_callback(explain)
    assert SqliteProvince(db, None).unit_events_of_code("000.00.53.H48-250303-0001") == []  # type: ignore[arg-type]
    db.conn.set_trace_callback(None)
    assert any("SEARCH province_unit_events USING INDEX province_unit_events_code (unit_id=? AND code=?)" in p
               for p in plans), plans
    assert not any(p.startswith("SCAN province_unit_events") for p in plans), plans
