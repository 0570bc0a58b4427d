"""Scanned files, stored once by SHA-256 in a folder beside the database.

A file is written to a temporary name inside the store, flushed to disk and
renamed to its SHA-256, so a power cut leaves either the whole file or none;
the same scan attached twice is stored once. The name always comes from the
content's own hash, never from where the content came from.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

import sqlite_utils

_CHUNK = 1 << 20


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def folder_for(database_path: str | Path) -> Path:
    path = Path(database_path)
    return path.with_name(path.name + "-files")


class FileStore:
    def __init__(self, folder: Path):
        self.folder = folder

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def add(self, source: Path) -> tuple[str, int]:
        """Copy `source` into the store; returns (sha256, size)."""
        with open(source, "rb") as handle:
            sha, size, _ = self.add_stream(handle)
        return sha, size

    def add_stream(self, stream: Readable, expected: str | None = None) -> tuple[str, int, list[Path]]:
        """Copy everything `stream` gives into the store; returns (sha256, size, what was created:
        the file and any new folder, newest first, for a caller that must undo it; empty when
        the file was there already).

        With `expected`, content whose SHA-256 differs is refused (ValueError); a refusal or a
        failure leaves the store as it was.
        """
        made = _missing_folders(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: stream.read(_CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                sha = digest.hexdigest()
                target = self.path_of(sha)
                keep = (expected is None or sha == expected) and not target.exists()
                if keep:
                    out.flush()
                    os.fsync(out.fileno())
            if not keep:  # closed first: Windows cannot remove an open file
                Path(temporary).unlink()
                if expected is not None and sha != expected:
                    raise ValueError(f"content has SHA-256 {sha}, not {expected}")
                remove(made)
                return sha, size, []
            made = _missing_folders(target.parent) + made
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
            return sha, size, [target, *made]
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            remove(made)
            raise


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def remove(paths: list[Path]) -> None:
    """Undo `add_stream`: its file, then the folders it made, if nothing else came into them."""
    for path in paths:
        try:
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        except OSError:
            pass


def record(db: sqlite_utils.Database, sha256: str, size: int, name: str, now: str) -> None:
    db.execute(
        "INSERT INTO files (sha256, size, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        [sha256, size, name, now],
    )


def info(db: sqlite_utils.Database, sha256: str) -> dict | None:
    row = db.execute("SELECT sha256, size, name, added_at FROM files WHERE sha256 = ?", [sha256]).fetchone()
    return dict(zip(("sha256", "size", "name", "added_at"), row, strict=False)) if row else None
