"""Small builders shared by the counter tests."""

from datetime import datetime

from counter import intake


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def receive(session, when: str = "2025-03-03 09:00", procedure: str = "2.001035", name: str = "Nguyễn Văn Đức",
            **kwargs):
    return intake.receive(session, procedure, name, at=at(when), **kwargs)


def table_dump(session) -> list:
    """Every row of every table, to prove a refused action changed nothing."""
    db = session.db
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'dossier_names%'"
        " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return [(t, sorted(db.execute(f"SELECT * FROM [{t}]"), key=repr)) for t in tables]
