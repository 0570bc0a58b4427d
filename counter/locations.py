"""Where the counter's database lives when no `--db` is given: the same for the CLI and the app."""

import os
from pathlib import Path


def default_database() -> Path:
    """`$MOTCUA_DB`, else `motcua.sqlite3` in the user's data folder."""
    if os.environ.get("MOTCUA_DB"):
        return Path(os.environ["MOTCUA_DB"])
    import platformdirs

    return Path(platformdirs.user_data_dir("motcua", appauthor=False)) / "motcua.sqlite3"
