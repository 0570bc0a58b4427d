"""Several counters of one unit in one test: each its own database, one sync folder between them."""

import json
from datetime import datetime
from pathlib import Path

from counter import catalogue, dossiers, indicators, keys, lifecycle, peers, staff_figures, sync, unit
from counter.dossier import Dossier
from counter.session import Session

UNIT = {"unit_code": "000.00.53.H48", "unit_name": "UBND xã Tân Tiến", "authority": "UBND TỈNH BẮC NINH",
        "place": "Tân Tiến"}
AS_OF = datetime(2025, 3, 20, 12, 0)
PERIOD = indicators.Period(datetime(2025, 1, 1), datetime(2026, 1, 1))


def station(folder: Path, number: int, catalogue_too: bool = True, name: str = "") -> Session:
    """A counter's database in `folder`/wsN.sqlite3, set up as workstation `number` of the unit."""
    session = Session(folder / f"ws{number}.sqlite3", f"Cán bộ quầy {number}")
    unit.configure(session, **UNIT, workstation=number, station_name=name or f"Quầy {number}")
    if catalogue_too:
        catalogue.import_catalogue(session, catalogue.STARTER)
    return session


def approve_each_other(stations: list[Session]) -> None:
    """The unit admin's one-time step at every counter: approve the other counters' key fingerprints
    (`keys approve`), read off each one's `keys show`."""
    prints = {id(s): keys.current(s).fingerprint for s in stations}
    for s in stations:
        for other in stations:
            if other is not s:
                peers.approve(s, prints[id(other)], other.settings.station_name)


def unit_of(folder: Path, numbers: tuple[int, ...] = (1, 2, 3), catalogue_too: bool = True) -> list[Session]:
    """Counters `numbers` of one unit, each approving the others."""
    stations = [station(folder, k, catalogue_too) for k in numbers]
    approve_each_other(stations)
    return stations


def data_dump(session: Session) -> list:
    """Every row of every table but the sync's own bookkeeping (when it last looked at the folder, the
    counters it found there and the audit heads their sound station.json files showed): what a skipped file
    must leave exactly as it was."""
    from tests.counter.helpers import table_dump

    return [(table, [row for row in rows if table != "settings" or row[0] != "sync_status"])
            for table, rows in table_dump(session) if table not in ("sync_peers", "station_chain_heads")]


def sync_all(stations: list[Session], share: Path, rounds: int = 2) -> list[dict]:
    """Everyone syncs, `rounds` times over (two rounds bring every record to everyone)."""
    return [sync.sync(s, share) for _ in range(rounds) for s in stations]


def picture(session: Session) -> dict:
    """Everything the unit shares, as this counter sees it: every dossier as `show --json` gives it (less
    the local row ids of its events), every event, the figures, the conflicts and the unit-wide tables."""
    db = session.db
    codes = [row[0] for row in db.execute("SELECT code FROM dossiers ORDER BY code")]
    shown = {}
    for code in codes:
        dossier = dossiers.get(session, code)
        history = [{k: v for k, v in e.items() if k != "id"} for e in dossiers.events(session, dossier)]
        shown[code] = dict(dossier.as_dict(AS_OF), events=history)
    return {
        **unit_tables(session),
        "dossiers": shown,
        "events": sorted(db.execute("SELECT origin, seq, lamport, at, kind, officer, detail, receipt_origin,"
                                    " receipt_seq FROM events").fetchall()),
        "late": [d.as_dict(AS_OF, with_documents=False) for d in lifecycle.late(session, AS_OF)],
        "indicators": indicators.figures(session, PERIOD),
        "officers": staff_figures.figures(session, PERIOD),
        "conflicts": [{k: v for k, v in c.items() if k != "found_at"} for c in sync.conflicts(session)],
        "reservations": sorted(db.execute("SELECT code, day, workstation, number FROM code_reservations").fetchall()),
    }


def unit_tables(session: Session) -> dict:
    """The unit-wide settings, catalogue, calendar and accounts as this counter holds them."""
    db = session.db
    session.forget_cached()
    return {
        "settings": {k: v for k, v in json.loads(json.dumps(session.settings.__dict__)).items()
                     if k not in ("workstation", "sync_folder", "sync_interval", "station_name", "slip_page_size")},
        "procedures": db.execute("SELECT code, name, days, fee, documents FROM procedures ORDER BY code").fetchall(),
        "calendar": db.execute("SELECT day, working, reason FROM calendar_days ORDER BY day").fetchall(),
        "accounts": db.execute("SELECT username, full_name, role, password_hash, active FROM officers"
                               " ORDER BY username").fetchall(),
    }


def dossier(session: Session, code: str) -> Dossier:
    return dossiers.get(session, code)
