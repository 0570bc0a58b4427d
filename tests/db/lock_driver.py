"""One process holding a lock file as db/lock.py does, driven line by line (tests/db/test_lock.py)."""

import sys
from pathlib import Path

from db import lock

kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "windows":
    from tests.db import fake_msvcrt

    held = lock._WindowsFile(path, fake_msvcrt)
else:
    held = lock._PosixFile(path)
print("ready", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "close":
        held.close()
        print("closed", flush=True)
        break
    print(getattr(held, command)(), flush=True)
