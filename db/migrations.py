"""Numbered schema upgrades, one function per version (the calibre way).

`PRAGMA user_version` holds the schema version. Each `upgrade_version_N`
runs inside one exclusive transaction together with the version bump, so a
failed upgrade leaves the database exactly as it was. Never edit a released
step: add the next one, and keep a fixture database of every released
version under `tests/db/fixtures/`.
"""

import re
import secrets
import sqlite3

import sqlite_utils


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: `executescript` would commit the open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def upgrade_version_1(db: sqlite_utils.Database) -> None:
    """Settings, catalogue, calendar overrides, applicants, dossiers, documents, files, events."""
    _run(
        db,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE procedures (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_folded TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            days INTEGER NOT NULL CHECK (days >= 0),
            fee INTEGER CHECK (fee >= 0),
            level TEXT NOT NULL DEFAULT '',
            documents TEXT NOT NULL DEFAULT '[]',
            cutoff INTEGER CHECK (cutoff IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE TABLE calendar_days (
            day TEXT PRIMARY KEY,
            working INTEGER NOT NULL CHECK (working IN (0, 1)),
            reason TEXT NOT NULL
        );
        CREATE TABLE applicants (
            id INTEGER PRIMARY KEY,
            id_number TEXT UNIQUE,
            name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX applicants_phone ON applicants (phone) WHERE phone <> '';
        CREATE TABLE files (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            name TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE code_reservations (
            code TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            workstation INTEGER NOT NULL,
            number INTEGER NOT NULL,
            reserved_at TEXT NOT NULL,
            UNIQUE (day, workstation, number)
        );
        CREATE TABLE dossiers (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE REFERENCES code_reservations (code),
            code_rev TEXT NOT NULL,
            unit_code TEXT NOT NULL,
            workstation INTEGER NOT NULL,
            procedure_code TEXT NOT NULL REFERENCES procedures (code),
            procedure_name TEXT NOT NULL,
            days INTEGER NOT NULL CHECK (days >= 0),
            applicant_id INTEGER REFERENCES applicants (id),
            applicant_name TEXT NOT NULL CHECK (applicant_name <> ''),
            name_folded TEXT NOT NULL,
            id_number TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL CHECK (channel IN ('counter', 'postal', 'online')),
            fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
            received_at TEXT NOT NULL,
            clock_start_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            appointment_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('received', 'waiting_supplement',
                'result_ready', 'returned', 'rejected', 'stopped')),
            result_at TEXT,
            result_file TEXT REFERENCES files (sha256),
            returned_at TEXT,
            returned_to TEXT NOT NULL DEFAULT '',
            return_channel TEXT CHECK (return_channel IN ('counter', 'postal')),
            rating TEXT CHECK (rating IN ('very-satisfied', 'satisfied', 'unsatisfied')),
            apology_at TEXT,
            apology_reason TEXT NOT NULL DEFAULT '',
            decision_reason TEXT NOT NULL DEFAULT '',
            supplements INTEGER NOT NULL DEFAULT 0,
            ledger_year INTEGER NOT NULL,
            ledger_number INTEGER NOT NULL,
            digitized INTEGER NOT NULL DEFAULT 0,
            result_digitized INTEGER NOT NULL DEFAULT 0,
            reused INTEGER NOT NULL DEFAULT 0,
            officer TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            UNIQUE (ledger_year, ledger_number)
        );
        CREATE INDEX dossiers_code_rev ON dossiers (code_rev);
        CREATE INDEX dossiers_received ON dossiers (received_at);
        CREATE INDEX dossiers_due_open ON dossiers (due_at) WHERE status = 'received';
        CREATE INDEX dossiers_result ON dossiers (result_at) WHERE result_at IS NOT NULL;
        CREATE INDEX dossiers_returned ON dossiers (returned_at) WHERE returned_at IS NOT NULL;
        CREATE INDEX dossiers_status ON dossiers (status, received_at);
        CREATE INDEX dossiers_procedure ON dossiers (procedure_code, received_at);
        CREATE INDEX dossiers_id_number ON dossiers (id_number) WHERE id_number <> '';
        CREATE INDEX dossiers_phone ON dossiers (phone) WHERE phone <> '';
        CREATE INDEX dossiers_applicant ON dossiers (applicant_id);
        CREATE INDEX dossiers_late ON dossiers (result_at) WHERE result_at > due_at;
        CREATE VIRTUAL TABLE dossier_names USING fts5 (
            name_folded, content='dossiers', content_rowid='id', prefix='1 2 3'
        );
        CREATE TRIGGER dossier_names_insert AFTER INSERT ON dossiers BEGIN
            INSERT INTO dossier_names (rowid, name_folded) VALUES (new.id, new.name_folded);
        END;
        CREATE TRIGGER dossier_names_update AFTER UPDATE OF name_folded ON dossiers BEGIN
            INSERT INTO dossier_names (dossier_names, rowid, name_folded)
                VALUES ('delete', old.id, old.name_folded);
            INSERT INTO dossier_names (rowid, name_folded) VALUES (new.id, new.name_folded);
        END;
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL CHECK (name <> ''),
            copy_kind TEXT NOT NULL DEFAULT 'original' CHECK (copy_kind IN ('original', 'copy')),
            quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
            file_sha256 TEXT REFERENCES files (sha256),
            not_required INTEGER NOT NULL DEFAULT 0 CHECK (not_required IN (0, 1)),
            reused_from INTEGER REFERENCES documents (id),
            UNIQUE (dossier_id, position)
        );
        CREATE INDEX documents_file ON documents (file_sha256) WHERE file_sha256 IS NOT NULL;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            officer TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_dossier ON events (dossier_id, id);
        """
    )


def upgrade_version_2(db: sqlite_utils.Database) -> None:
    """Export log (sequence and last exported event per workstation) and the province's tables."""
    _run(
        db,
        """
        CREATE TABLE exports (
            id INTEGER PRIMARY KEY,
            workstation INTEGER NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence > 0),
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            after_event INTEGER NOT NULL,
            through_event INTEGER NOT NULL CHECK (through_event >= after_event),
            dossiers INTEGER NOT NULL,
            events INTEGER NOT NULL,
            files INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            officer TEXT NOT NULL DEFAULT '',
            UNIQUE (workstation, sequence)
        );
        CREATE INDEX dossiers_unresolved ON dossiers (received_at) WHERE result_at IS NULL;
        CREATE TABLE province_units (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE province_files (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            workstation INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            software TEXT NOT NULL,
            dossiers INTEGER NOT NULL,
            events INTEGER NOT NULL,
            files INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE INDEX province_files_source ON province_files (unit_id, workstation, sequence);
        CREATE TABLE province_dossiers (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            source_workstation INTEGER NOT NULL,
            version INTEGER NOT NULL,
            record_sha256 BLOB NOT NULL,
            file_id INTEGER NOT NULL REFERENCES province_files (id),
            code TEXT NOT NULL UNIQUE,
            procedure_code TEXT NOT NULL,
            channel TEXT NOT NULL,
            return_channel TEXT,
            status TEXT NOT NULL,
            received_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            result_at TEXT,
            returned_at TEXT,
            apology_at TEXT,
            rating TEXT,
            digitized INTEGER NOT NULL,
            result_digitized INTEGER NOT NULL,
            reused INTEGER NOT NULL,
            ledger_year INTEGER NOT NULL,
            ledger_number INTEGER NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX province_dossiers_received ON province_dossiers (received_at);
        CREATE INDEX province_dossiers_result ON province_dossiers (result_at) WHERE result_at IS NOT NULL;
        CREATE INDEX province_dossiers_returned ON province_dossiers (returned_at) WHERE returned_at IS NOT NULL;
        CREATE INDEX province_dossiers_unresolved ON province_dossiers (received_at) WHERE result_at IS NULL;
        CREATE INDEX province_dossiers_late ON province_dossiers (result_at) WHERE result_at > due_at;
        CREATE TABLE province_events (
            code TEXT NOT NULL,
            first_id INTEGER NOT NULL,
            last_id INTEGER NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            workstation INTEGER NOT NULL,
            events INTEGER NOT NULL,
            records TEXT NOT NULL,
            PRIMARY KEY (code, first_id)
        ) WITHOUT ROWID;
        CREATE TABLE province_conflicts (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES province_files (id),
            code TEXT NOT NULL,
            reason TEXT NOT NULL,
            record TEXT NOT NULL,
            found_at TEXT NOT NULL,
            UNIQUE (file_id, code)
        );
        """,
    )


def upgrade_version_3(db: sqlite_utils.Database) -> None:
    """Officer accounts and the hash-chained, append-only audit trail."""
    _run(
        db,
        """
        CREATE TABLE officers (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            full_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('officer', 'head', 'admin')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            officer TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
            SELECT RAISE(ABORT, 'audit rows are append-only');
        END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN
            SELECT RAISE(ABORT, 'audit rows are append-only');
        END;
        CREATE INDEX events_at ON events (at, kind);
        """,
    )


APPLICATION_ID = 0x6D637561  # "mcua": `PRAGMA application_id` of every motcua database (SQLite header offset 68)


def upgrade_version_4(db: sqlite_utils.Database) -> None:
    """motcua's application_id in the file header, so a restore can tell a motcua database from any other;
    the set-up-mode marker (db/officers.py) for a database that already had accounts."""
    db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _run(
        db,
        """
        INSERT INTO settings (key, value)
            SELECT 'accounts_created', json_quote(min(at)) FROM audit WHERE action = 'account_created'
            HAVING count(*) > 0
        ON CONFLICT (key) DO NOTHING;
        """,
    )


def upgrade_version_5(db: sqlite_utils.Database) -> None:
    """Issue 11/15 data: applicant, representative, payment, rating source, procedure class, lifecycle flags,
    complaints on dossiers (and their province copy); catalogue online level; the guidance register."""
    _run(
        db,
        """
        ALTER TABLE procedures ADD COLUMN online_level TEXT NOT NULL DEFAULT ''
            CHECK (online_level IN ('', 'partial', 'full'));
        ALTER TABLE dossiers ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'nam', 'nu'));
        ALTER TABLE dossiers ADD COLUMN representative_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN representative_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN representative_phone TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN payment TEXT CHECK (payment IN ('cash', 'transfer', 'online', 'postal'));
        ALTER TABLE dossiers ADD COLUMN fee_receipt TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN rating_by TEXT CHECK (rating_by IN ('citizen', 'officer'));
        ALTER TABLE dossiers ADD COLUMN procedure_field TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN online_level TEXT NOT NULL DEFAULT ''
            CHECK (online_level IN ('', 'partial', 'full'));
        ALTER TABLE dossiers ADD COLUMN lci INTEGER NOT NULL DEFAULT 0 CHECK (lci IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN returning_applicant INTEGER NOT NULL DEFAULT 0
            CHECK (returning_applicant IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN data_reused INTEGER NOT NULL DEFAULT 0 CHECK (data_reused IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN late_at_supplement INTEGER NOT NULL DEFAULT 0
            CHECK (late_at_supplement IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN supplement_late INTEGER NOT NULL DEFAULT 0 CHECK (supplement_late IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN apology_late INTEGER NOT NULL DEFAULT 0 CHECK (apology_late IN (0, 1));
        ALTER TABLE dossiers ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0 CHECK (complaints >= 0);
        CREATE INDEX dossiers_late_at_supplement ON dossiers (received_at) WHERE late_at_supplement = 1;
        ALTER TABLE province_dossiers ADD COLUMN fee INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN payment TEXT;
        ALTER TABLE province_dossiers ADD COLUMN rating_by TEXT;
        ALTER TABLE province_dossiers ADD COLUMN online_level TEXT NOT NULL DEFAULT '';
        ALTER TABLE province_dossiers ADD COLUMN lci INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN returning_applicant INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN data_reused INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN supplements INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN late_at_supplement INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN apology_late INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE province_dossiers ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;
        UPDATE province_dossiers SET fee = coalesce(record ->> '$.fee', 0),
            supplements = coalesce(record ->> '$.supplements', 0);
        CREATE TABLE guidance (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            procedure_code TEXT NOT NULL REFERENCES procedures (code),
            procedure_name TEXT NOT NULL,
            applicant_name TEXT NOT NULL CHECK (applicant_name <> ''),
            id_number TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            missing TEXT NOT NULL DEFAULT '[]',
            refusal TEXT NOT NULL DEFAULT '',
            officer TEXT NOT NULL DEFAULT '',
            CHECK (missing <> '[]' OR refusal <> '')
        );
        CREATE INDEX guidance_at ON guidance (at);
        """,
    )


# Settings every counter of a unit shares (issue 12); the others (workstation number, print page size,
# sync folder and interval, station name, the unit's code itself) belong to one workstation.
_UNIT_SETTINGS = ("unit_name", "authority", "level", "place", "office_open", "office_close", "cutoff",
                  "cutoff_enabled", "receipt_day_counts", "form_set", "ledger_volume", "form_wording")


def upgrade_version_6(db: sqlite_utils.Database) -> None:
    """Unit sync (issue 12): the station's identity; origin, sequence, Lamport time and receipt on every event;
    the unit-wide changes log seeded from today's settings, catalogue, calendar and accounts; peers, conflicts,
    causal history and scans to fetch; dossiers rebuilt with ledger numbers unique per workstation and station;
    export format 2 (each station's own records, per origin) and the province's copy of every unit's events."""
    conn = db.conn
    station = secrets.token_hex(8)
    now = conn.execute("SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')").fetchone()[0]
    _run(
        db,
        """
        ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT '';
        ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE events ADD COLUMN lamport INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE events ADD COLUMN receipt_origin TEXT;
        ALTER TABLE events ADD COLUMN receipt_seq INTEGER;
        CREATE TEMP TABLE _numbered (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
        INSERT INTO _numbered (id, seq) SELECT id, row_number() OVER (ORDER BY id) FROM events;
        """,
    )
    conn.execute("UPDATE events SET origin = ?, seq = n.seq, lamport = n.seq FROM _numbered n WHERE n.id = events.id",
                 [station])
    conn.execute("DROP TABLE _numbered")
    # Every later step of a dossier names the receipt it was taken on (a code received twice keeps them apart).
    conn.execute(
        "UPDATE events SET receipt_origin = r.origin, receipt_seq = r.seq FROM (SELECT dossier_id, origin,"
        " min(seq) AS seq FROM events WHERE kind = 'received' GROUP BY dossier_id) r"
        " WHERE r.dossier_id = events.dossier_id AND events.kind <> 'received'"
    )
    _run(
        db,
        """
        CREATE UNIQUE INDEX events_origin_seq ON events (origin, seq);
        CREATE TABLE unit_changes (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq > 0),
            lamport INTEGER NOT NULL CHECK (lamport > 0),
            at TEXT NOT NULL,
            officer TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;
        CREATE INDEX unit_changes_register ON unit_changes (kind, key, lamport, origin, seq);
        CREATE TABLE sync_peers (
            ws_id TEXT PRIMARY KEY,
            unit_code TEXT NOT NULL,
            workstation INTEGER NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            lineage TEXT NOT NULL DEFAULT '[]',
            software TEXT NOT NULL DEFAULT '',
            last_seq INTEGER NOT NULL DEFAULT 0,
            seen TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT,
            checked_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE sync_conflicts (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            code TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('step', 'code', 'ledger')),
            reason TEXT NOT NULL,
            found_at TEXT NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;
        CREATE INDEX sync_conflicts_code ON sync_conflicts (code);
        CREATE TABLE sync_causal (
            origin TEXT NOT NULL,
            from_seq INTEGER NOT NULL,
            seen TEXT NOT NULL,
            PRIMARY KEY (origin, from_seq)
        ) WITHOUT ROWID;
        CREATE TABLE sync_missing_files (
            sha256 TEXT PRIMARY KEY REFERENCES files (sha256)
        ) WITHOUT ROWID;
        ALTER TABLE exports ADD COLUMN format_version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE exports ADD COLUMN origins TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE province_unit_events (
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            lamport INTEGER NOT NULL,
            code TEXT NOT NULL,
            event_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            officer TEXT NOT NULL,
            detail TEXT NOT NULL,
            receipt_origin TEXT,
            receipt_seq INTEGER,
            file_id INTEGER NOT NULL REFERENCES province_files (id),
            PRIMARY KEY (unit_id, origin, seq)
        ) WITHOUT ROWID;
        CREATE INDEX province_unit_events_code ON province_unit_events (unit_id, code);
        CREATE TABLE province_unit_ranges (
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            origin TEXT NOT NULL,
            after INTEGER NOT NULL,
            through INTEGER NOT NULL CHECK (through >= after),
            file_id INTEGER NOT NULL REFERENCES province_files (id),
            PRIMARY KEY (unit_id, origin, after, through)
        ) WITHOUT ROWID;
        """,
    )
    _seed_unit_changes(conn, station, now)
    total = conn.execute("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM unit_changes)").fetchone()[0]
    conn.execute("INSERT INTO settings (key, value) VALUES ('sync_station', json_object('ws_id', ?, 'lineage',"
                 " json('[]'), 'seq', ?, 'lamport', ?)) ON CONFLICT (key) DO NOTHING", [station, total, total])
    conn.execute("INSERT INTO sync_causal (origin, from_seq, seen) VALUES (?, 1, '{}')", [station])
    _rebuild_dossiers(conn, station)


def _seed_unit_changes(conn: sqlite3.Connection, station: str, now: str) -> None:
    """Today's unit-wide state as this station's first unit changes, numbered after its events."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(procedures)")
               if row[1] not in ("name_folded", "updated_at")]
    parts = []
    for column in columns:
        if column == "documents":
            parts.append("'documents', json(documents)")
        elif column == "cutoff":
            parts.append("'cutoff', CASE WHEN cutoff IS NULL THEN NULL ELSE json(iif(cutoff, 'true', 'false')) END")
        else:
            parts.append(f"'{column}', {column}")
    procedure = "json_object(" + ", ".join(parts) + ")"
    marks = ",".join("?" * len(_UNIT_SETTINGS))
    conn.execute(
        "CREATE TEMP TABLE _seed (n INTEGER PRIMARY KEY, at TEXT, kind TEXT, key TEXT, value TEXT)"
    )
    conn.execute(f"INSERT INTO _seed (at, kind, key, value) SELECT ?, 'setting', key, value FROM settings"
                 f" WHERE key IN ({marks}) ORDER BY key", [now, *_UNIT_SETTINGS])
    conn.execute(f"INSERT INTO _seed (at, kind, key, value) SELECT updated_at, 'procedure', code, {procedure}"
                 " FROM procedures ORDER BY code")
    conn.execute("INSERT INTO _seed (at, kind, key, value) SELECT ?, 'calendar', day, json_object('working',"
                 " json(iif(working, 'true', 'false')), 'reason', reason) FROM calendar_days ORDER BY day", [now])
    conn.execute("INSERT INTO _seed (at, kind, key, value) SELECT updated_at, 'account', username,"
                 " json_object('full_name', full_name, 'role', role, 'password_hash', password_hash,"
                 " 'active', json(iif(active, 'true', 'false'))) FROM officers ORDER BY username")
    first = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.execute("INSERT INTO unit_changes (origin, seq, lamport, at, officer, kind, key, value)"
                 " SELECT ?, ? + n, ? + n, at, '', kind, key, value FROM _seed ORDER BY n", [station, first, first])
    conn.execute("DROP TABLE _seed")


def _rebuild_dossiers(conn: sqlite3.Connection, station: str) -> None:
    """The ledger's uniqueness per workstation and origin; each dossier's origin and receipt sequence from
    its receipt event (`_rebuild`: the ids, and so every reference from documents and events, stay)."""
    columns = ", ".join(row[1] for row in conn.execute("PRAGMA table_info(dossiers)"))
    _rebuild(conn, "dossiers", "UNIQUE (ledger_year, ledger_number)",
             "origin TEXT NOT NULL DEFAULT '',"
             "\n            receipt_seq INTEGER NOT NULL DEFAULT 0,"
             "\n            UNIQUE (workstation, ledger_year, ledger_number, origin)",
             f"INSERT INTO dossiers_new ({columns}, origin, receipt_seq)"
             f" SELECT {', '.join('d.' + c for c in columns.split(', '))},"
             " coalesce(r.origin, ?), coalesce(r.seq, 0) FROM dossiers d"
             " LEFT JOIN (SELECT dossier_id, origin, min(seq) AS seq"
             " FROM events WHERE kind = 'received' GROUP BY dossier_id) r ON r.dossier_id = d.id ORDER BY d.id",
             [station])


def _rebuild(conn: sqlite3.Connection, table: str, old: str, new: str, copy: str, parameters: list) -> None:
    """SQLite's way to change a table constraint: a new table from the same definition (whatever columns
    earlier steps added) with `old` made `new`, filled by the `copy` statement with the rows and their ids,
    the old table dropped and the new one renamed; its indexes and triggers made again. Run with foreign
    keys off (`upgrade`); the ids, and so every reference, stay the same."""
    definition = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    if old not in definition:
        raise ValueError(f"{table} table without its constraint {old}")
    created = re.sub(rf'^CREATE TABLE "?{table}"?', f"CREATE TABLE {table}_new", definition, count=1)
    extras = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type, name", [table])]
    conn.execute(created.replace(old, new))
    conn.execute(copy, parameters)
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for sql in extras:
        conn.execute(sql)


def upgrade_version_7(db: sqlite_utils.Database) -> None:
    """Trust: workstation keys, approved peer stations, province acknowledgements, audit anchors of
    exports; at the province, enrolled keys, its own keys, chain anchors of files, packages."""
    _run(
        db,
        """
        CREATE TABLE station_keys (
            id INTEGER PRIMARY KEY,
            public_key TEXT NOT NULL UNIQUE,
            fingerprint TEXT NOT NULL UNIQUE,
            private_key BLOB NOT NULL CHECK (length(private_key) = 32),
            created_at TEXT NOT NULL,
            retired_at TEXT,
            rotation TEXT
        );
        CREATE UNIQUE INDEX station_keys_current ON station_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;
        CREATE TABLE approved_stations (
            fingerprint TEXT PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            approved_at TEXT NOT NULL,
            approved_by TEXT NOT NULL
        );
        CREATE TABLE station_chain_heads (
            station TEXT PRIMARY KEY,
            audit_id INTEGER NOT NULL,
            audit_hash TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        CREATE TABLE province_acks (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            workstation INTEGER NOT NULL,
            last_sequence INTEGER NOT NULL,
            missing TEXT NOT NULL,
            created_at TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL
        );
        ALTER TABLE exports ADD COLUMN audit_after_id INTEGER;
        ALTER TABLE exports ADD COLUMN audit_after_hash TEXT;
        ALTER TABLE exports ADD COLUMN audit_head_id INTEGER;
        ALTER TABLE exports ADD COLUMN audit_head_hash TEXT;
        ALTER TABLE exports ADD COLUMN signer TEXT;
        ALTER TABLE exports ADD COLUMN encrypted_to TEXT;
        CREATE TABLE province_keys (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL,
            workstation INTEGER NOT NULL CHECK (workstation BETWEEN 1 AND 10),
            public_key TEXT NOT NULL UNIQUE,
            fingerprint TEXT NOT NULL UNIQUE,
            enrolled_at TEXT NOT NULL,
            enrolled_by TEXT NOT NULL,
            rotated_from INTEGER REFERENCES province_keys (id),
            replaced_from_sequence INTEGER,
            revoked_at TEXT,
            revoked_by TEXT NOT NULL DEFAULT '',
            revoked_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX province_keys_source ON province_keys (unit_code, workstation);
        CREATE TABLE province_own_keys (
            kind TEXT PRIMARY KEY CHECK (kind IN ('signing', 'encryption')),
            private_key BLOB NOT NULL CHECK (length(private_key) = 32),
            public_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE province_chain (
            file_id INTEGER PRIMARY KEY REFERENCES province_files (id),
            unit_id INTEGER NOT NULL REFERENCES province_units (id),
            workstation INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            events_after INTEGER NOT NULL,
            events_through INTEGER NOT NULL,
            audit_after_id INTEGER,
            audit_after_hash TEXT,
            audit_head_id INTEGER NOT NULL,
            audit_head_hash TEXT NOT NULL,
            signer TEXT NOT NULL
        );
        CREATE INDEX province_chain_source ON province_chain (unit_id, workstation, sequence);
        CREATE TABLE province_packages (
            sequence INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            file TEXT NOT NULL,
            catalogue_sha256 TEXT,
            calendar_sha256 TEXT,
            made_at TEXT NOT NULL,
            made_by TEXT NOT NULL
        );
        """,
    )


# The day's figures, as db/indicators.py defined them then (frozen here: a change of
# definition is a new step that rebuilds the table). A row's share of each sum; NULL counts 0, as sum() does.
_DAY_RECEIVED = {
    "received": "1", "digitized": "{r}.digitized", "online": "{r}.channel = 'online'",
    "postal": "{r}.channel = 'postal' OR {r}.return_channel = 'postal'",
    "reused": "{r}.reused OR {r}.data_reused", "returning": "{r}.returning_applicant",
    "reused_returning": "({r}.reused OR {r}.data_reused) AND {r}.returning_applicant",
    "eligible_received": "{r}.online_level = 'full'",
    "eligible_online": "{r}.online_level = 'full' AND {r}.channel = 'online'",
    "with_fee": "{r}.fee > 0", "paid_online": "{r}.fee > 0 AND {r}.payment = 'online'",
}
_DAY_RESULT = "{r}.status NOT IN ('rejected', 'stopped')"
_DAY_LATE = "({r}.result_at > {r}.due_at OR {r}.late_at_supplement = 1)"
_DAY_EARLY = ("{r}.result_at <= {r}.due_at AND {r}.late_at_supplement = 0"
             " AND substr({r}.result_at, 1, 10) < substr({r}.due_at, 1, 10)")
_DAY_ON_TIME = ("{r}.result_at <= {r}.due_at AND {r}.late_at_supplement = 0"
               " AND substr({r}.result_at, 1, 10) = substr({r}.due_at, 1, 10)")
_DAY_FAILED = f"({_DAY_LATE} OR {{r}}.rating = 'unsatisfied' OR {{r}}.complaints > 0)"
_DAY_SATISFIED = "{r}.rating IN ('very-satisfied', 'satisfied')"
_DAY_RESOLVED = {
    "resolved": "1", "results": _DAY_RESULT, "rejected": "{r}.status = 'rejected'",
    "stopped": "{r}.status = 'stopped'",
    "early": f"{_DAY_RESULT} AND {_DAY_EARLY}", "on_time": f"{_DAY_RESULT} AND {_DAY_ON_TIME}",
    "late": f"{_DAY_RESULT} AND {_DAY_LATE}",
    "late_apologized": f"{_DAY_RESULT} AND {_DAY_LATE} AND {{r}}.apology_at IS NOT NULL",
    "late_apologized_on_time": f"{_DAY_RESULT} AND {_DAY_LATE} AND {{r}}.apology_at IS NOT NULL"
                               " AND {r}.apology_late = 0",
    "result_digitized": f"{_DAY_RESULT} AND {{r}}.result_digitized",
    "progress_on_time": "{r}.result_at <= {r}.due_at AND {r}.late_at_supplement = 0 AND {r}.supplements <= 1",
    "complained": "{r}.complaints > 0", "satisfaction_failed": _DAY_FAILED, "lci_resolved": "{r}.lci",
    "lci_failed": f"{{r}}.lci AND {_DAY_FAILED}",
}
_DAY_RETURNED = {
    "returned": "1", "very_satisfied": "{r}.rating = 'very-satisfied'", "satisfied": "{r}.rating = 'satisfied'",
    "unsatisfied": "{r}.rating = 'unsatisfied'",
    "rated_citizen": "{r}.rating IS NOT NULL AND {r}.rating_by = 'citizen'",
    "satisfied_citizen": f"{_DAY_SATISFIED} AND {{r}}.rating_by = 'citizen'",
    "rated_officer": "{r}.rating IS NOT NULL AND coalesce({r}.rating_by, '') <> 'citizen'",
    "satisfied_officer": f"{_DAY_SATISFIED} AND coalesce({{r}}.rating_by, '') <> 'citizen'",
    "lci_rated": "{r}.lci AND {r}.rating IS NOT NULL", "lci_satisfied": f"{{r}}.lci AND {_DAY_SATISFIED}",
}
# The statuses that end a dossier without a result, as the figures above count them.
DAY_ENDED = ("rejected", "stopped")
# Each part of a day's figures and the time that puts a dossier in that day.
DAY_PARTS = (("received_at", _DAY_RECEIVED), ("result_at", _DAY_RESOLVED), ("returned_at", _DAY_RETURNED))
# The dossier columns the figures read: an update of any other column leaves them as they are.
_DAY_FIGURE_COLUMNS = (
    "received_at", "digitized", "channel", "return_channel", "reused", "data_reused", "returning_applicant",
    "online_level", "fee", "payment", "status", "result_at", "due_at", "late_at_supplement", "apology_at",
    "apology_late", "result_digitized", "supplements", "complaints", "rating", "lci", "returned_at", "rating_by",
)


# The scans-missing list's condition (db/dossier_list.py repeats it: a partial index serves only a query
# that states its condition, literals included).
SCANS_MISSING = "(digitized = 0 OR (result_digitized = 0 AND status IN ('result_ready', 'returned')))"
SCANS_MISSING_STATUSES = ("result_ready", "returned")


def day_share(columns: dict[str, str], row: str) -> list[str]:
    """Each figure's SQL for one dossier `row` (`new`, `old` or a table name): 0 or 1, never NULL."""
    return [f"ifnull(({expression.format(r=row)}), 0)" for expression in columns.values()]


def _day_upserts(row: str, sign: str) -> str:
    statements = ""
    for column, figures in DAY_PARTS:
        names = ", ".join(f'"{name}"' for name in figures)
        shares = ", ".join(f"{sign}{share}" for share in day_share(figures, row))
        sets = ", ".join(f'"{name}" = "{name}" + excluded."{name}"' for name in figures)
        statements += (f"INSERT INTO daily_figures (day, {names}) SELECT substr({row}.{column}, 1, 10), {shares}"
                       f" WHERE {row}.{column} IS NOT NULL ON CONFLICT (day) DO UPDATE SET {sets};\n")
    return statements


def upgrade_version_8(db: sqlite_utils.Database) -> None:
    """Indexes every list filter walks newest first; the open dossiers' figures from an index; the day's figures
    kept by triggers in `daily_figures` (issue 16)."""
    counters = ", ".join(f'"{name}" INTEGER NOT NULL DEFAULT 0' for _, figures in DAY_PARTS for name in figures)
    changed = ", ".join(_DAY_FIGURE_COLUMNS)
    _run(
        db,
        f"""
        CREATE INDEX dossiers_digitized ON dossiers (digitized, received_at);
        CREATE INDEX dossiers_scans_missing ON dossiers (received_at)
            WHERE {SCANS_MISSING};
        DROP INDEX dossiers_unresolved;
        CREATE INDEX dossiers_unresolved ON dossiers (received_at, due_at, status, late_at_supplement)
            WHERE result_at IS NULL;
        CREATE TABLE daily_figures (
            day TEXT PRIMARY KEY,
            {counters}
        ) WITHOUT ROWID;
        CREATE TRIGGER daily_figures_insert AFTER INSERT ON dossiers BEGIN
            {_day_upserts("new", "")}
        END;
        CREATE TRIGGER daily_figures_update AFTER UPDATE OF {changed} ON dossiers BEGIN
            {_day_upserts("old", "-")}
            {_day_upserts("new", "")}
        END;
        CREATE TRIGGER daily_figures_delete AFTER DELETE ON dossiers BEGIN
            {_day_upserts("old", "-")}
        END;
        """,
    )
    for column, figures in DAY_PARTS:
        names = ", ".join(f'"{name}"' for name in figures)
        sums = ", ".join(f"sum({share})" for share in day_share(figures, "dossiers"))
        sets = ", ".join(f'"{name}" = excluded."{name}"' for name in figures)
        db.conn.execute(
            f"INSERT INTO daily_figures (day, {names}) SELECT substr({column}, 1, 10), {sums} FROM dossiers"
            f" WHERE {column} IS NOT NULL GROUP BY 1 ON CONFLICT (day) DO UPDATE SET {sets}"
        )


def upgrade_version_9(db: sqlite_utils.Database) -> None:
    """A unit of up to twenty counters (counter/codes.py: MAX_WORKSTATION): the province's enrolled keys
    accept workstations 11-20 (`_rebuild`: the rows keep their ids, and so the keys' own references)."""
    columns = ", ".join(row[1] for row in db.conn.execute("PRAGMA table_info(province_keys)"))
    _rebuild(db.conn, "province_keys", "CHECK (workstation BETWEEN 1 AND 10)", "CHECK (workstation BETWEEN 1 AND 20)",
             f"INSERT INTO province_keys_new ({columns}) SELECT {columns} FROM province_keys ORDER BY id", [])


STEPS = [upgrade_version_1, upgrade_version_2, upgrade_version_3, upgrade_version_4, upgrade_version_5,
         upgrade_version_6, upgrade_version_7, upgrade_version_8, upgrade_version_9]
LATEST = len(STEPS)


def upgrade(db: sqlite_utils.Database) -> None:
    """Bring the database to LATEST, one step per transaction. Foreign keys are off while a step runs, as
    SQLite's own procedure for rebuilding a table asks (it cannot be switched inside a transaction);
    a step that rebuilds keeps every row id, and so every reference."""
    conn = db.conn
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            conn.execute("BEGIN EXCLUSIVE")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= LATEST:
                    conn.execute("ROLLBACK")
                    return
                STEPS[version](db)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
