"""A second motcua process at the same database, receiving on command (test_restore_while_open.py).

`receive N` receives N dossiers and prints each code; `quit` closes the session."""

import sys

from counter import intake
from counter.session import Session

with Session(sys.argv[1], "Quầy hai") as session:
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[0] == "quit":
            break
        for _ in range(int(words[1])):
            print(intake.receive(session, "2.001035", "Người Quầy Hai").code, flush=True)
        print("done", flush=True)
