"""One dossier as the province holds it: the unit's latest state and its events."""

import orjson

from counter.dossier import Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.text import nfc
from db.dossiers import DOSSIER_COLUMNS


def get(session: Session, code: str) -> tuple[Dossier, dict]:
    """(the dossier, its source {"unit", "workstation", "version"})."""
    session.require("reports")
    found = session.province.dossier(nfc(code))
    if found is None:
        raise CounterError(f"Cấp tỉnh chưa nhận hồ sơ có mã «{nfc(code)}».", f"no dossier with code {code!r}")
    row_id, unit, workstation, version, text = found
    record = orjson.loads(text)
    row = {key: record[key] for key in DOSSIER_COLUMNS if key in record}
    # Local ids of the unit's database stay there; the province has its own row id.
    row.update(id=row_id, applicant_id=None)
    dossier = Dossier.from_row(row, [dict(document, id=None) for document in record["documents"]])
    return dossier, {"unit": unit, "workstation": workstation, "version": version}


def events(session: Session, code: str) -> list[dict]:
    """The dossier's events as the unit recorded them, oldest first, each once; from every counter of the
    unit, in the unit's one order, once its files are in format 2 (issue 12)."""
    session.require("reports")
    merged = session.province.unit_events_of_code(nfc(code))
    if merged:
        return [{"id": event_id, "dossier": nfc(code), "at": at, "kind": kind, "officer": officer,
                 "detail": orjson.loads(detail), "origin": origin, "seq": seq, "lamport": lamport,
                 "receipt": None if receipt_origin is None else [receipt_origin, receipt_seq]}
                for origin, seq, lamport, event_id, at, kind, officer, detail, receipt_origin, receipt_seq in merged]
    found = {}
    for group in session.province.events_of(nfc(code)):
        for event in orjson.loads(group):
            found[event["id"]] = event
    return [found[key] for key in sorted(found)]
