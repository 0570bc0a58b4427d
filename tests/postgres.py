"""A throwaway PostgreSQL cluster for the tests, and Chromium for the published page.

The cluster is made once per test session in a temporary folder (initdb, a
unix socket in that folder and a free port, nothing listening on the
network) and stopped at the end. PostgreSQL refuses to run as root, so as
root it runs as Debian's `postgres` user (runuser). Every test gets a new
database of its own (`pg_url`).

Where PostgreSQL or Chromium is missing the tests that need them skip with
the reason, except under MOTCUA_REQUIRE_SERVICES=1 (set by .ci/run): there a
missing service fails them, so CI never passes by skipping.
"""

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED = os.environ.get("MOTCUA_REQUIRE_SERVICES") == "1"


def unavailable(reason: str):
    """Fail under MOTCUA_REQUIRE_SERVICES=1, else skip with the reason."""
    if REQUIRED:
        pytest.fail(f"{reason} (MOTCUA_REQUIRE_SERVICES=1: the service is required)", pytrace=False)
    pytest.skip(reason)


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    bin: Path
    socket_dir: Path
    port: int
    superuser: str
    _databases = itertools.count(1)

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@/{database}?host={self.socket_dir}&port={self.port}"

    def psql(self, sql: str, database: str = "postgres", user: str | None = None) -> str:
        done = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql,
                               self.url(database, user)], capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"psql failed: {done.stderr}")
        return done.stdout

    def new_database(self, owner: str = "motcua") -> str:
        """A new, empty database owned by `owner` (a login role, made if missing); its name."""
        name = f"province_{next(self._databases)}"
        self.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN"
                  f" CREATE ROLE {owner} LOGIN; END IF; END $$")
        self.psql(f"CREATE DATABASE {name} OWNER {owner}")
        self.psql(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC; GRANT CONNECT ON DATABASE {name} TO PUBLIC")
        return name


def _as_owner(folder_owner: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", folder_owner, "--", *command] if folder_owner else command


class ClusterUnavailable(Exception):
    """PostgreSQL is missing or would not start: why."""


@contextmanager
def cluster(settings: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A new cluster in a temporary folder, listening only on a unix socket there, removed at the end.

    `settings` are server options (`-c name=value`); the tests' own make it fast and not durable."""
    binaries = _postgres_bin()
    if binaries is None or not (binaries / "initdb").exists():
        raise ClusterUnavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    runner = None
    if os.geteuid() == 0:  # PostgreSQL refuses root: run the cluster as Debian's postgres user
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterUnavailable("running as root and no 'postgres' user to run PostgreSQL as") from None
        runner = "postgres"
    base = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
    base.chmod(0o755)
    data, sockets = base / "data", base / "socket"
    sockets.mkdir()
    if runner:
        shutil.chown(base, runner)
        shutil.chown(sockets, runner)
    superuser = "postgres" if runner else pwd.getpwuid(os.geteuid()).pw_name
    port = _free_port()
    log = base / "server.log"
    options = f"-k {sockets} -p {port} -c listen_addresses=''"
    options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
    try:
        subprocess.run(_as_owner(runner, [str(binaries / "initdb"), "-D", str(data), "-U", superuser,
                                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        subprocess.run(_as_owner(runner, [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                                          "-w", "-t", "60", "start"]), check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace")[-400:]
        if log.exists():
            detail += log.read_text(errors="replace")[-400:]
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterUnavailable(f"could not start a PostgreSQL cluster: {detail}") from None
    try:
        yield Cluster(binaries, sockets, port, superuser)
    finally:
        # Thrown away: no shutdown checkpoint to write (a fast stop took 20 s at the end of a run).
        subprocess.run(_as_owner(runner, [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                          "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


TEST_SETTINGS = {"fsync": "off", "max_connections": "60"}


@pytest.fixture(scope="session")
def postgres():
    try:
        started = cluster(TEST_SETTINGS)
        found = started.__enter__()
    except ClusterUnavailable as exc:
        unavailable(str(exc))
    try:
        yield found
    finally:
        started.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _province_files(tmp_path, monkeypatch):
    """A server session's local folder (counter/province/server.py) inside the test's own."""
    monkeypatch.setenv("MOTCUA_PROVINCE_FILES", str(tmp_path / "province-files"))


@pytest.fixture
def pg_url(postgres) -> str:
    """A new database for one test, as its owner (who may import): the --db address."""
    return postgres.url(postgres.new_database(), "motcua")


def chromium() -> str:
    """Debian's Chromium, or the test skips (fails under MOTCUA_REQUIRE_SERVICES=1)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    unavailable("Chromium is not installed (Debian: apt-get install chromium)")
    raise AssertionError("unreachable")


def pg_dump(url: str) -> list:
    """Every row of every table (partitions included) and the list of tables, as text:
    equal dumps, equal databases."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1")]
        return [(table, sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"')))) for table in tables]
