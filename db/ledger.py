"""The ledger (Sổ theo dõi hồ sơ): dossiers received in a period, in ledger order."""

import sqlite_utils

from db.dossiers import _SELECT, DOSSIER_COLUMNS, _dicts


def received_between(db: sqlite_utils.Database, start: str, end: str) -> list[dict]:
    """Dossiers with `start` <= received_at < `end` (ISO times), by ledger year and number."""
    return _dicts(
        db.execute(
            _SELECT + " WHERE received_at >= ? AND received_at < ? ORDER BY ledger_year, ledger_number",
            [start, end],
        ),
        DOSSIER_COLUMNS,
    )
