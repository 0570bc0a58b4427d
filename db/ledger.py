"""The ledger (Sổ theo dõi hồ sơ): dossiers received in a period, in ledger order."""

import sqlite_utils

from db.dossiers import _SELECT, DOSSIER_COLUMNS, _dicts


def received_between(db: sqlite_utils.Database, start: str, end: str, workstation: int | None = None) -> list[dict]:
    """Dossiers with `start` <= received_at < `end` (ISO times), by counter, ledger year and number; one
    counter's volume with `workstation` (issue 12: each counter's ledger runs through the year)."""
    where = " WHERE received_at >= ? AND received_at < ?" + (" AND workstation = ?" if workstation else "")
    return _dicts(
        db.execute(_SELECT + where + " ORDER BY workstation, ledger_year, ledger_number",
                   [start, end, *([workstation] if workstation else [])]),
        DOSSIER_COLUMNS,
    )
