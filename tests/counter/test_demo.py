from datetime import datetime

from counter import demo, indicators, lifecycle, maintenance
from counter.indicators import Period
from counter.search import search
from counter.session import Session


def test_demo_fills_a_fresh_database_with_realistic_dossiers(tmp_path):
    with Session(tmp_path / "demo.sqlite3") as session:
        end = datetime(2026, 11, 27, 16, 0)
        summary = demo.fill(session, 3000, seed=7, end=end, batch=1000)
        assert summary["dossiers"] == 3000
        assert session.settings.initialised
        assert maintenance.check(session) == []
        figures = indicators.figures(session, Period(datetime(2020, 1, 1), end))
        assert figures["received"] == 3000
        assert 0 < figures["late"] < figures["resolved"] * 0.2
        assert 0 < figures["late_apologized"] < figures["late"]
        assert 0.7 < figures["digitized_rate"] < 1
        assert figures["online"] > 0 and figures["postal"] > 0 and figures["in_progress"] > 0
        assert lifecycle.late(session, end)
        assert search(session, "nguyen", limit=5)
        codes = [row[0] for row in session.db.execute("SELECT code FROM dossiers")]
        assert len(set(codes)) == 3000
        again = demo.fill(session, 10, seed=8, end=end)
        assert again["dossiers"] == 10 and maintenance.check(session) == []
