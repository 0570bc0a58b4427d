"""Units, export files and province databases for the export and province tests."""

import hashlib
import json
import sqlite3
import zipfile
from dataclasses import fields, replace
from pathlib import Path

from counter import catalogue, dossiers, unit
from counter.export import export_changes
from counter.province import dossiers as province_dossiers
from counter.session import Session

SEAL = b"motcua-seal-sha256:"


def unit_session(path: Path, code: str = "000.00.53.H48", name: str = "UBND xã Tân Tiến",
                 workstation: int = 1) -> Session:
    session = Session(path, "Trần Thị Lan")
    unit.configure(session, unit_code=code, unit_name=name, authority="UBND TỈNH BẮC NINH", place="Tân Tiến",
                   workstation=workstation)
    catalogue.import_catalogue(session, catalogue.STARTER)
    return session


def export_file(session: Session, folder: Path) -> Path:
    return Path(export_changes(session, folder)["file"])


def codes(session: Session) -> list[str]:
    return [row[0] for row in session.db.execute("SELECT code FROM dossiers ORDER BY code")]


def dump(path: Path) -> list[str]:
    """Every row of a database, as SQL text: equal dumps, equal databases."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def comparable(dossier) -> dict:
    """Every field of a dossier except the row ids local to one database."""
    values = {f.name: getattr(dossier, f.name) for f in fields(dossier) if f.name not in ("id", "applicant_id", "documents")}
    values["documents"] = [replace(d, id=None) for d in dossier.documents]
    return values


def unit_state(session: Session, code: str) -> tuple[dict, list[dict]]:
    dossier = dossiers.get(session, code)
    return comparable(dossier), dossiers.events(session, dossier)


def province_state(session: Session, code: str) -> tuple[dict, list[dict]]:
    dossier, _ = province_dossiers.get(session, code)
    events = [{k: v for k, v in e.items() if k != "dossier"} for e in province_dossiers.events(session, code)]
    return comparable(dossier), events


def reseal(data: bytes) -> bytes:
    """What a careful forger would do after editing: write a new, matching seal."""
    return data[:-64] + hashlib.sha256(data[:-64]).hexdigest().encode()


def rewritten(path: Path, change_manifest, fix_checksum: bool) -> bytes:
    """The archive with its manifest edited; its checksum recomputed if `fix_checksum`; resealed."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    change_manifest(manifest)
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    members["manifest.json"] = body
    if fix_checksum:
        members["manifest.json.sha256"] = f"{hashlib.sha256(body).hexdigest()}  manifest.json\n".encode()
    target = path.with_name("edited.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = SEAL + b"0" * 64
    return reseal(target.read_bytes())
