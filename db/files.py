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
from typing import BinaryIO

import sqlite_utils

_CHUNK = 1 << 20


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

    def add_stream(self, stream: BinaryIO, expected: str | None = None) -> tuple[str, int, bool]:
        """Copy everything `stream` gives into the store; returns (sha256, size, whether it is new).

        With `expected`, content whose SHA-256 differs is refused (ValueError) and nothing is kept.
        """
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
                if expected is not None and sha != expected:
                    raise ValueError(f"content has SHA-256 {sha}, not {expected}")
                target = self.path_of(sha)
                if target.exists():
                    return sha, size, False
                out.flush()
                os.fsync(out.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
            return sha, size, True
        finally:
            Path(temporary).unlink(missing_ok=True)


def record(db: sqlite_utils.Database, sha256: str, size: int, name: str, now: str) -> None:
    db.execute(
        "INSERT INTO files (sha256, size, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        [sha256, size, name, now],
    )


def info(db: sqlite_utils.Database, sha256: str) -> dict | None:
    row = db.execute("SELECT sha256, size, name, added_at FROM files WHERE sha256 = ?", [sha256]).fetchone()
    return dict(zip(("sha256", "size", "name", "added_at"), row)) if row else None
