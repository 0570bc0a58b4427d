"""Bulk writes for demo and benchmark data."""

from datetime import date

import sqlite_utils

from db.dossiers import DOSSIER_COLUMNS


def next_ids(db: sqlite_utils.Database) -> dict:
    return {
        "dossier": (db.execute("SELECT max(id) FROM dossiers").fetchone()[0] or 0) + 1,
        "applicant": (db.execute("SELECT max(id) FROM applicants").fetchone()[0] or 0) + 1,
    }


def known_id_numbers(db: sqlite_utils.Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT id_number FROM applicants WHERE id_number IS NOT NULL")}


def insert_applicants(db: sqlite_utils.Database, people: list[dict]) -> None:
    db.conn.executemany(
        "INSERT INTO applicants (id, id_number, name, phone, address, email, updated_at)"
        " VALUES (:id, :id_number, :name, :phone, :address, '', :updated_at)",
        people,
    )


def day_numbers(db: sqlite_utils.Database, workstation: int) -> dict:
    return {
        date.fromisoformat(day): number
        for day, number in db.execute(
            "SELECT day, max(number) FROM code_reservations WHERE workstation = ? GROUP BY day", [workstation]
        )
    }


def ledger_numbers(db: sqlite_utils.Database, workstation: int) -> dict:
    return dict(db.execute("SELECT ledger_year, max(ledger_number) FROM dossiers WHERE workstation = ?"
                           " GROUP BY ledger_year", [workstation]).fetchall())


def insert_many(db: sqlite_utils.Database, reservations: list, dossiers: list[dict], documents: list,
                events: list) -> None:
    conn = db.conn
    conn.executemany(
        "INSERT INTO code_reservations (code, day, workstation, number, reserved_at) VALUES (?, ?, ?, ?, ?)",
        reservations,
    )
    # The columns the demo fills; the others (the details of later versions) take their defaults.
    columns = [c for c in (*DOSSIER_COLUMNS, "name_folded", "code_rev", "origin", "receipt_seq")
               if not dossiers or c in dossiers[0]]
    conn.executemany(
        f"INSERT INTO dossiers ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", dossiers
    )
    conn.executemany(
        "INSERT INTO documents (dossier_id, position, name, copy_kind, quantity, file_sha256, not_required,"
        " reused_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        documents,
    )
    conn.executemany("INSERT INTO events (dossier_id, at, kind, officer, detail, origin, seq, lamport, receipt_origin,"
                     " receipt_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
