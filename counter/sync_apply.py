"""Applying another station's records (issue 12), inside the one write transaction of their segment.

A unit change is a last-writer-wins register: stored, and materialised into its table (settings,
procedures, calendar days, accounts) when it is the register's new winner. A dossier's events are stored
and the whole dossier folded again in the unit's one order (counter/dossier.py: fold); its row, documents
and conflicts become what the fold says, on every counter alike. A receipt's code is reserved with its
station's number; its applicant is found or added here by CCCD (else phone), so re-use works at any
counter. Scans are recorded by hash, size and name at once and fetched later (counter/sync.py).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from counter import applicants, catalogue, codes, sync_log, unit
from counter.changes import Changes
from counter.clock import iso, now
from counter.dossier import DocumentState, DossierState, Skipped, fold
from counter.dossiers import store
from counter.session import Session
from counter.text import fold as folded
from counter.transitions import EventKind
from db import calendar as calendar_table
from db import catalogue as catalogue_table
from db import dossiers as dossier_table
from db import files as file_table
from db import officers as officer_table
from db import settings as settings_table
from db import sync as sync_table


class Refused(ValueError):
    """Records that cannot be applied as they are (their segment is skipped with this reason)."""


@dataclass
class Applied:
    dossiers: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)  # calendar days changed by the records being applied
    settings: bool = False
    catalogue: bool = False
    calendar: bool = False
    accounts: bool = False
    resolutions: bool = False

    def changes(self) -> Changes:
        return Changes(dossiers=frozenset(self.dossiers), settings=self.settings, catalogue=self.catalogue,
                       calendar=self.calendar, accounts=self.accounts, sync=True)


def apply_records(session: Session, records: list[dict], applied: Applied) -> None:
    """Store and fold `records` (checked, in seq order, none held already); in the caller's write."""
    db = session.db
    by_code: dict[str, list[dict]] = defaultdict(list)
    greatest = 0
    for record in records:
        greatest = max(greatest, record["lamport"])
        if record["type"] == "unit":
            _unit_change(session, record, applied)
        else:
            by_code[record["code"]].append(record)
    if by_code:
        _events(session, by_code, applied)
    sync_table.observe(db, greatest)
    if applied.days:
        # The counter that changed the calendar counted again the dossiers it held; this one counts
        # again those it holds (counter/unit.py); the same dates result, whoever records them first.
        session.forget_cached()
        applied.dossiers.update(c["code"] for c in unit.recompute_due_dates(session, applied.days))
        applied.days = set()


# --- unit changes ---------------------------------------------------------------------------------

def _unit_change(session: Session, record: dict, applied: Applied) -> None:
    db = session.db
    before = sync_table.winner(db, record["kind"], record["key"])
    sync_table.add_unit_change(db, record)
    if before is not None and before > (record["lamport"], record["origin"], record["seq"]):
        return  # a later change of the same register already won
    kind, key, value = record["kind"], record["key"], record["value"]
    if kind == sync_log.SETTING:
        settings_table.save(db, {key: value})
        applied.settings = True
    elif kind == sync_log.PROCEDURE:
        known = {f for f in catalogue.Procedure.__dataclass_fields__}
        procedure = catalogue.Procedure(**{k: v for k, v in value.items() if k in known})
        catalogue_table.upsert(db, [dict(procedure.as_dict(), name_folded=folded(procedure.name),
                                         cutoff=None if procedure.cutoff is None else int(procedure.cutoff))],
                               record["at"])
        applied.catalogue = True
    elif kind == sync_log.CALENDAR:
        if value is None:
            calendar_table.remove(db, key)
        else:
            calendar_table.upsert(db, [(key, value["working"], value["reason"])])
        applied.calendar = True
        applied.days.add(date.fromisoformat(key))
    elif kind == sync_log.ACCOUNT:
        sync_table.upsert_account(db, key, value, record["at"])
        officer_table.mark_accounts_created(db, record["at"])
        applied.accounts = True
    else:
        applied.resolutions = True


# --- dossiers -------------------------------------------------------------------------------------

def _events(session: Session, by_code: dict[str, list[dict]], applied: Applied) -> None:
    db = session.db
    stamp = iso(now())
    known = sync_table.dossiers_by_code(db, list(by_code))
    stored = sync_table.fold_events(db, list(known.values()))
    _files(session, [item for records in by_code.values() for r in records for item in r["files"]], stamp)
    rows: list[tuple] = []
    ledgers: set[tuple] = set()
    for code, records in by_code.items():
        incoming = [_fold_event(r) for r in records]
        dossier_id = known.get(code)
        events = stored.get(dossier_id, []) if dossier_id is not None else []
        state, skipped = fold([*events, *incoming])
        if state is None:
            raise Refused(f"hồ sơ {code}: có bước xử lý nhưng chưa có sự kiện tiếp nhận")
        winner = _receipt(events, incoming, skipped)
        if dossier_id is None:
            dossier_id = _insert(session, state, winner, stamp)
            ledgers.add((state.row["workstation"], state.row["ledger_year"], state.row["ledger_number"]))
        else:
            old_key = sync_table.ledger_key(db, dossier_id)
            if _update(session, dossier_id, state, winner):
                ledgers.update({old_key, (state.row["workstation"], state.row["ledger_year"],
                                          state.row["ledger_number"])})
        rows.extend((dossier_id, e["at"], e["kind"], e["officer"], json.dumps(e["detail"], ensure_ascii=False),
                     e["origin"],
                     e["seq"], e["lamport"], *(e["receipt"] or (None, None))) for e in incoming)
        sync_table.replace_conflicts(db, [code], ("step", "code"), [_conflict(code, s, stamp) for s in skipped])
        applied.dossiers.add(code)
    sync_table.add_events(db, rows)
    if ledgers:
        _ledger_conflicts(session, ledgers, stamp)


def _fold_event(record: dict) -> dict:
    return {"at": record["at"], "kind": record["kind"], "officer": record["officer"], "detail": record["detail"],
            "origin": record["origin"], "seq": record["seq"], "lamport": record["lamport"],
            "receipt": None if record["receipt"] is None else tuple(record["receipt"])}


def _receipt(events: list[dict], incoming: list[dict], skipped: list[Skipped]) -> tuple[str, int]:
    """(origin, seq) of the receipt the fold kept."""
    lost = {(s.event["origin"], s.event["seq"]) for s in skipped}
    kept = [e for e in [*events, *incoming] if e["kind"] == EventKind.RECEIVED and (e["origin"], e["seq"]) not in lost]
    first = min(kept, key=lambda e: (e["at"], e["lamport"], e["origin"], e["seq"]))
    return first["origin"], first["seq"]


def _insert(session: Session, state: DossierState, winner: tuple[str, int], stamp: str) -> int:
    db = session.db
    row = state.row
    code = row["code"]
    sync_table.reserve(db, [_reservation(code, row["workstation"], row["received_at"])])
    applicant_id = _applicant(session, row, stamp)
    dossier_id = dossier_table.insert(db, dict(row, applicant_id=applicant_id,
                                              name_folded=folded(row["applicant_name"]), updated_at=stamp,
                                              origin=winner[0], receipt_seq=winner[1]))
    _documents(session, dossier_id, state.documents, [])
    return dossier_id


def _update(session: Session, dossier_id: int, state: DossierState, winner: tuple[str, int]) -> bool:
    """Write the dossier's new state; True if the receipt that makes it changed."""
    db = session.db
    row = dossier_table.by_ids(db, [dossier_id])[0]
    documents = dossier_table.documents_of(db, dossier_id)
    before = DossierState.of_row(row, documents)
    local = {}
    person = ("applicant_name", "id_number", "phone", "address", "email")
    if any(before.row[key] != state.row[key] for key in person):
        local["applicant_id"] = _applicant(session, state.row, iso(now()))
    if before.documents != state.documents:
        _documents(session, dossier_id, state.documents, documents)
        documents = dossier_table.documents_of(db, dossier_id)
    store(session, dossier_id, row, documents, state, **local)
    changed = sync_table.receipt_of(db, dossier_id) != winner
    if changed:
        sync_table.set_receipt(db, dossier_id, *winner)
    return changed


def _documents(session: Session, dossier_id: int, wanted: tuple[DocumentState, ...], stored: list[dict]) -> None:
    """The dossier's document rows made what the fold says, position by position."""
    db = session.db
    by_position = {d["position"]: d for d in stored}
    fresh = []
    for document in wanted:
        values = {"name": document.name, "copy_kind": document.copy_kind, "quantity": document.quantity,
                  "file_sha256": document.file_sha256, "not_required": int(document.not_required)}
        old = by_position.get(document.position)
        if old is None:
            fresh.append(dict(values, position=document.position, reused_from=None, reused=document.reused))
            continue
        changes = {k: v for k, v in values.items() if old[k] != v}
        if (old["reused_from"] is not None) != document.reused:
            changes["reused_from"] = _reused_from(db, document, dossier_id, old["id"])
        if changes:
            dossier_table.update_document(db, old["id"], changes)
    if fresh:
        dossier_table.insert_documents(db, dossier_id, fresh)
        for item in fresh:
            if item["reused"]:
                row = next(d for d in dossier_table.documents_of(db, dossier_id) if d["position"] == item["position"])
                reused_from = _reused_from(db, item, dossier_id, row["id"])
                dossier_table.update_document(db, row["id"], {"reused_from": reused_from})
    if len(stored) > len(wanted):
        sync_table.delete_documents_after(db, dossier_id, len(wanted))


def _reused_from(db, document, dossier_id: int, own_id: int) -> int | None:
    """A re-used scan points at an earlier document with it here, else at itself (the flag is what travels)."""
    reused = document["reused"] if isinstance(document, dict) else document.reused
    if not reused:
        return None
    sha = document["file_sha256"] if isinstance(document, dict) else document.file_sha256
    return (sync_table.other_document(db, sha, dossier_id) if sha else None) or own_id


def _applicant(session: Session, row: dict, stamp: str) -> int:
    person = applicants.Applicant(name=row["applicant_name"], id_number=row["id_number"], phone=row["phone"],
                                  address=row["address"], email=row["email"])
    return applicants.remember(session, person, stamp)


def _reservation(code: str, workstation: int, received_at: str) -> tuple:
    """The code's reservation with its station's number (codes.py: its block of the day), so a restored
    counter never hands it out again."""
    number = int(code.rsplit("-", 1)[1])
    day = code.rsplit("-", 2)[1]
    try:
        when = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:6])).isoformat()
    except ValueError:
        when = received_at[:10]
    nth = codes.nth_of(workstation, number)
    return (code, when, workstation if nth else 0, nth or number, received_at)


def _files(session: Session, items: list[dict], stamp: str) -> None:
    """Scans by hash, size and name; the ones this counter lacks are fetched after the records."""
    seen: dict[str, dict] = {}
    for item in items:
        seen.setdefault(item["sha256"], item)
    missing = []
    for sha, item in seen.items():
        file_table.record(session.db, sha, item["size"], item["name"], stamp)
        if not session.files.path_of(sha).is_file():
            missing.append(sha)
    sync_table.want_files(session.db, missing)


def _conflict(code: str, skipped: Skipped, stamp: str) -> tuple:
    return skipped.event["origin"], skipped.event["seq"], code, skipped.kind, skipped.reason, stamp


def _ledger_conflicts(session: Session, keys: set[tuple], stamp: str) -> None:
    """Two dossiers with one ledger number of one counter (two machines had the same number before they
    first synced): both stay and are served; every one but the first received is listed."""
    for key, holders in sync_table.ledger_holders(session.db, keys).items():
        ordered = sorted(holders, key=lambda h: h[1:])
        rows = [(origin, seq, code, "ledger", f"số {key[2]}/{key[1]} của sổ quầy {key[0]} đã cấp cho hồ sơ "
                 f"{ordered[0][0]}", stamp) for code, _at, _lamport, origin, seq in ordered[1:]]
        sync_table.replace_conflicts(session.db, [h[0] for h in holders], ("ledger",), rows)
