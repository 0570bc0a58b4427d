"""Receives dossiers through the command line in a loop, printing each code once committed.

`python -u -m tests.robustness.crash_driver DB` serves the crash test: for each line on stdin it
forks a child that runs `receive` in a loop (`run(parse([...]))`, each opening the database as a
fresh command does) and says the child's pid on stderr; the test kills the child with SIGKILL. Once
the child is gone the server writes END on stdout, so the test knows it has read all the child
printed. Forking an already started interpreter spends the kills' time inside the receipts, not
in Python's start-up (issue 10: the whole suite under 5 minutes).
"""

import os
import sys

from counter.cli import parse, run

END = "--END--"


def receipt(database: str, name: str) -> list[str]:
    return ["--db", database, "--officer", "Trần Thị Lan", "receive", "--procedure", "2.001035",
            "--name", name, "--phone", "0912345678"]


def serve(database: str) -> None:
    parse(receipt(database, "x"))  # the parser is built once, before the forks
    for _ in sys.stdin:
        child = os.fork()
        if child == 0:
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # stderr carries only the pids
                for i in range(100_000):
                    run(parse(receipt(database, f"Nguyễn Văn Thử {os.getpid()} {i}")))
            finally:
                os._exit(0)
        print(child, file=sys.stderr, flush=True)
        os.waitpid(child, 0)
        print(END, flush=True)


if __name__ == "__main__":
    serve(sys.argv[1])
