"""Keeping the unit's only record sound: backups and integrity checks."""

from pathlib import Path

from counter.errors import CounterError
from counter.session import Session
from db import backup as backup_db


def backup(session: Session, target: str | Path) -> Path:
    try:
        return backup_db.backup_to(session.db, target)
    except backup_db.BackupError as exc:
        raise CounterError(str(exc), "backup failed") from None


def check(session: Session) -> list[str]:
    """Problems found in the database; empty when it is sound."""
    return backup_db.check(session.db)
