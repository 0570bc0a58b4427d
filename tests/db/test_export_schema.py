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
        assert export.export_changes(session, tmp_path / "out")["dossiers"] == 0
        intake.receive(session, "1.004873", "Nguyễn Văn Đức")
        result = export.export_changes(session, tmp_path / "out")
        assert (result["sequence"], result["dossiers"], result["events"]) == (3, 1, 1)
