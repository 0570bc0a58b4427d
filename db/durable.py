"""Writes that survive a power cut: a rename made durable, and a rename Windows lets through.

Shared by the backups, the clean-close mark, the export and the sync folder: each writes a
temporary file, flushes it, renames it over the target and syncs the folder.
"""

import os
import time
from pathlib import Path


def replace(partial: str | Path, target: Path) -> None:
    """os.replace; on Windows (a share too) a reader holding the file open for a moment makes it
    fail, so try again for about a second."""
    for attempt in range(20):
        try:
            os.replace(partial, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 19:
                raise
            time.sleep(0.05)


def fsync_folder(folder: Path, best_effort: bool = False) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles to sync).
    `best_effort`: a network share that cannot sync a folder is no error (the sync folder)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        if best_effort:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not best_effort:
            raise
    finally:
        os.close(fd)
