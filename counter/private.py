"""Private files: what motcua writes holds CCCD numbers, phones, addresses and password
hashes, so only the officer's own user account may read it.

On POSIX each entry point (main.py, which starts the app or a command, and the
command line's run) sets the umask to 077 before anything is opened: the database
and its -wal/-shm (SQLite gives them the database's mode), backups, exports,
printed PDFs, calendar files and the file store are created 0600, their folders
0700. The files written here are private even without that umask, and a database
that others could read is made private as soon as it is opened. Windows has no
umask: a file inherits the access list of its folder (README.md, "Who can read
the files").
"""

import os
import stat
import tempfile
from pathlib import Path

from counter.errors import CounterError

FILE_MODE, FOLDER_MODE = 0o600, 0o700
_POSIX = os.name == "posix"


def restrict_process() -> None:
    """Everything this process creates from now on is private (POSIX)."""
    if _POSIX:
        os.umask(0o077)


def make_folder(folder: Path) -> None:
    """Create `folder` (and its missing parents) readable by its owner only."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def write_file(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` as a new 0600 file: under a temporary name beside it, then renamed,
    so no reader sees half a file. An existing regular file is replaced; anything else there
    (a device such as /dev/full, a folder, a pipe) is refused, never written through."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise CounterError(f"Không ghi vào {path}: đó không phải là một tệp thông thường.",
                           f"{path} is not a regular file")
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise CounterError(f"Không ghi được tệp {path}: {exc.strerror or exc}.", f"cannot write {path}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(name, path)
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        raise CounterError(f"Không ghi được tệp {path}: {exc.strerror or exc}.", f"cannot write {path}") from None


def new_folder(path: Path) -> bool:
    """Whether the database at `path` will be the first thing in a folder created for it."""
    return not path.parent.exists()


def restrict_database(path: Path, created_folder: bool) -> None:
    """Right after SQLite opened `path`, before any dossier is written: the database, its -wal
    and -shm (later ones take the database's mode) are made 0600 if others could read them,
    and a folder created for it 0700."""
    if not _POSIX or str(path) == ":memory:":
        return
    if created_folder:
        os.chmod(path.parent, FOLDER_MODE)
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = companion.stat()
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077:
                os.chmod(companion, FILE_MODE)
        except OSError:
            continue
