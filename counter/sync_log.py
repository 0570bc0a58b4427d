"""The replicated log's bookkeeping (issue 12): every record this station writes gets its origin, sequence
and Lamport time in the same transaction as the write; unit-wide changes are written as last-writer-wins
registers beside the tables they change, which every reader goes on reading.

The station's identity (`ws_id`, 16 random hex digits) is made with the database and never replicated. A
restored database gets a new one, with the old one kept in its lineage, so it never re-uses a sequence
number of its former self and fetches its former self's later work from the sync folder like a peer's.
"""

import secrets
from typing import Any

from counter.clock import iso, now
from counter.errors import CounterError
from db import sync as sync_table

# The kinds of unit change and what each key names.
SETTING, PROCEDURE, CALENDAR, ACCOUNT, RESOLUTION = "setting", "procedure", "calendar", "account", "resolution"
UNIT_KINDS = (SETTING, PROCEDURE, CALENDAR, ACCOUNT, RESOLUTION)


def _in_write(db) -> None:
    if not db.conn.in_transaction:
        raise RuntimeError("a replicated record must be written inside a write transaction")


def stamp(session) -> tuple[str, int, int]:
    """(origin, seq, lamport) for the next record; inside the write transaction that writes it."""
    _in_write(session.db)
    return sync_table.stamp(session.db)


def unit_change(session, kind: str, key: str, value: Any) -> None:
    """Record a unit-wide change the caller has just written to its own table (same transaction)."""
    origin, seq, lamport = stamp(session)
    sync_table.add_unit_change(session.db, {"origin": origin, "seq": seq, "lamport": lamport, "at": iso(now()),
                                            "officer": session.username, "kind": kind, "key": key, "value": value})


def ws_id(session) -> str:
    return sync_table.station(session.db)["ws_id"]


def seen(db) -> dict[str, int]:
    """{origin: greatest seq applied} of every other station whose records this database holds."""
    own = sync_table.station(db)["ws_id"]
    return {origin: sync_table.applied(db, origin) for origin in sync_table.origins(db) if origin != own}


def renew(db) -> str:
    """A new identity for a database put back from a backup (inside its write transaction): the old one
    joins the lineage, the sequence starts again, and the new records depend on all the old ones."""
    value = sync_table.station(db)
    old = value["ws_id"]
    lineage = [*value.get("lineage", []), old]
    new = secrets.token_hex(8)
    sync_table.save_station(db, {"ws_id": new, "lineage": lineage, "seq": 0, "lamport": value["lamport"]})
    sync_table.note_causal(db, new, 1, seen(db))
    return new


def take_over(db, former: str | None, version: int) -> str:
    """A backup was just put in place of a database whose identity was `former` (inside a write
    transaction). A backup made before the unit sync (schema `version` < 6) was numbered by its own
    upgrade: its events are the former station's first ones, in the same order, so they take back the
    former identity and the unit changes its upgrade seeded are dropped (the former station's own are in
    the sync folder). Then the database gets a new identity; returns it."""
    value = sync_table.station(db)
    if former and version < 6 and value["ws_id"] != former:
        sync_table.relabel(db, value["ws_id"], former)
        value = sync_table.station(db)
    if former and former != value["ws_id"] and former not in value.get("lineage", []):
        value["lineage"] = [*value.get("lineage", []), former]
        sync_table.save_station(db, value)
    return renew(db)


def refuse_if_clashing(session) -> None:
    """No new dossier code while another counter of the unit has this counter's number (codes would clash)."""
    clash = sync_table.status(session.db).get("clash")
    if clash and clash.get("workstation") == session.settings.workstation:
        raise CounterError(clash_message(clash), "another workstation of the unit has this number; renumber one")


def clash_message(clash: dict) -> str:
    name = f" «{clash['name']}»" if clash.get("name") else ""
    seen_at = clash.get("last_seen") or ""
    when = f", lần cuối thấy lúc {seen_at.replace('T', ' ')[:16]}" if seen_at else ""
    return (f"Trùng số quầy: một máy khác của đơn vị{name} cũng là quầy {clash['workstation']}{when}. "
            "Mã hồ sơ của hai máy sẽ trùng nhau, nên máy này tạm dừng cấp mã và đồng bộ. Hãy đổi số quầy "
            "của một trong hai máy (Thiết lập → Số quầy, hoặc «settings set workstation K»).")
