"""The export log written at schema v2 survives every later upgrade."""

import shutil
from pathlib import Path

from counter import export, intake
from counter.session import Session

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v2.sqlite3"


def test_the_export_log_survives_and_the_next_export_continues_it(tmp_path):
    path = tmp_path / "unit.sqlite3"
    shutil.copy(FIXTURE, path)
    with Session(path, "Trần Thị Lan") as session:
        assert export.last_export_at(session) is not None
        # The first file of format 2 (issue 12) carries every event the station originated, with its place
        # in the unit's log, so the province can fold the dossiers it already had from format 1 files.
        first = export.export_changes(session, tmp_path / "out")
        assert (first.sequence, first.dossiers, first.events) == (2, 3, 7)
        assert export.export_changes(session, tmp_path / "out").dossiers == 0
        intake.receive(session, "1.004873", "Nguyễn Văn Đức")
        result = export.export_changes(session, tmp_path / "out")
        assert (result.sequence, result.dossiers, result.events) == (4, 1, 1)
