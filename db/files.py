"""Scanned files, stored once by SHA-256 in a folder beside the database.

A file is written to a temporary name, flushed to disk and renamed, so a
power cut leaves either the whole file or none; the same scan attached
twice is stored once.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import sqlite_utils


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
        digest = hashlib.sha256()
        size = 0
        with open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        sha = digest.hexdigest()
        target = self.path_of(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
                    shutil.copyfileobj(handle, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return sha, size


def record(db: sqlite_utils.Database, sha256: str, size: int, name: str, now: str) -> None:
    db.execute(
        "INSERT INTO files (sha256, size, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        [sha256, size, name, now],
    )


def info(db: sqlite_utils.Database, sha256: str) -> dict | None:
    row = db.execute("SELECT sha256, size, name, added_at FROM files WHERE sha256 = ?", [sha256]).fetchone()
    return dict(zip(("sha256", "size", "name", "added_at"), row)) if row else None
