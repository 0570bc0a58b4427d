"""Shared fixtures: a fresh unit database with the starter catalogue, and a CLI runner."""

import contextlib
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The throwaway PostgreSQL cluster and Chromium of the province server's tests.
pytest_plugins = ["tests.postgres"]

from argon2 import PasswordHasher  # noqa: E402

from counter import accounts, catalogue, unit  # noqa: E402
from counter.cli import parse, run  # noqa: E402
from counter.session import Session  # noqa: E402

# Cheap argon2 parameters keep the suite fast; production keeps argon2-cffi's defaults and
# remakes any hash with other parameters at its next login (counter/accounts.py).
accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

UNIT = {"unit_code": "000.00.53.H48", "unit_name": "UBND xã Tân Tiến", "authority": "UBND TỈNH BẮC NINH",
        "place": "Tân Tiến"}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "unit.sqlite3"


_TEMPLATES: dict[str, Path] = {}


def copy_of_template(name: str, make: Callable[[Path], None], target: Path, tmp_path_factory) -> None:
    """Put at `target` a copy of a database `make` built once per test process: a new database
    runs every migration, a tenth of a second that hundreds of tests would each pay (issue 10).
    The database's own files go with it (station key, clean-close mark), renamed after it."""
    source = _TEMPLATES.get(name)
    if source is None:
        source = tmp_path_factory.mktemp(f"template-{name}") / "unit.sqlite3"
        make(source)
        _TEMPLATES[name] = source
    for file in source.parent.iterdir():
        if file.is_file() and file.name.startswith(source.name) and not file.name.endswith(".lock"):
            shutil.copy2(file, target.with_name(target.name + file.name.removeprefix(source.name)))


def _configured(path: Path) -> None:
    with Session(path, "Trần Thị Lan") as opened:
        unit.configure(opened, **UNIT)
        catalogue.import_catalogue(opened, catalogue.STARTER)


@pytest.fixture
def session(db_path, tmp_path_factory):
    copy_of_template("session", _configured, db_path, tmp_path_factory)
    with Session(db_path, "Trần Thị Lan") as opened:
        yield opened


class CLI:
    """Runs `main.py --db PATH …` in-process; returns (exit code, stdout, stderr)."""

    def __init__(self, path, capsys):
        self.path, self.capsys = path, capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = run(parse(["--db", str(self.path), "--officer", "Trần Thị Lan", *argv]))
        except SystemExit as exc:
            code = exc.code
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str):
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        return json.loads(out)


def _initialised(path: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = run(parse(["--db", str(path), "--officer", "Trần Thị Lan", "init", "--unit-code", UNIT["unit_code"],
                          "--unit-name", UNIT["unit_name"], "--authority", UNIT["authority"], "--place",
                          UNIT["place"], "--starter-catalogue"]))
    assert code == 0


@pytest.fixture
def cli(db_path, capsys, tmp_path_factory):
    """The runner on a unit made by `init` (a copy of one made once per test process, unless the
    test's `session` opened the database already: then `init` runs on it)."""
    if db_path.exists():
        _initialised(db_path)
    else:
        copy_of_template("cli", _initialised, db_path, tmp_path_factory)
    return CLI(db_path, capsys)


# Test databases live in memory when the machine has room (/dev/shm): a commit's fsync there
# returns at once instead of waiting for the disk, and a worker waiting for the disk leaves its
# core idle (the suite on 2 cores, issue 10). Only a power cut tells the two apart, and no test
# makes one; a SIGKILL leaves the same files on both. MOTCUA_TEST_TMP=disk keeps pytest's default.
_MEMORY = Path("/dev/shm")
_LEFT_FOR = 6 * 3600  # a failed run's folders stay this long for a look, then the next run removes them


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config) -> None:
    if config.option.basetemp or hasattr(config, "workerinput") or os.environ.get("MOTCUA_TEST_TMP") == "disk":
        return  # given on the command line, or an xdist worker (its folder comes from the controller)
    try:
        if not _MEMORY.is_dir() or shutil.disk_usage(_MEMORY).free < 8 << 30:
            return
        for old in _MEMORY.glob(f"motcua-tests-{os.getuid()}-*"):
            if time.time() - old.stat().st_mtime > _LEFT_FOR:
                shutil.rmtree(old, ignore_errors=True)
        config.option.basetemp = tempfile.mkdtemp(prefix=f"motcua-tests-{os.getuid()}-", dir=_MEMORY)
        config._motcua_memory_tmp = True
    except OSError:
        return


def pytest_sessionfinish(session, exitstatus) -> None:
    """A passing run gives its memory back; a failing one leaves its folders for a look."""
    config = session.config
    if getattr(config, "_motcua_memory_tmp", False) and exitstatus == 0:
        shutil.rmtree(config.option.basetemp, ignore_errors=True)


def pytest_collection_modifyitems(config, items) -> None:
    """The long runs (marked slow) first: started last, one of them would keep a worker busy alone
    while the others have finished (the whole suite's time on 2 cores, issue 10)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
