"""Is the unit's only record sound? Database integrity and the audit chain."""

from counter import audit
from counter.session import Session
from db import backup as backup_db


def check(session: Session) -> list[str]:
    """Problems found in the database and its audit trail; empty when sound."""
    problems = backup_db.check(session.db)
    broken = audit.verify(session)
    if broken:
        problems.append(broken)
    return problems
