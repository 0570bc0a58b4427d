"""Receives dossiers through the command line in a loop, printing each code once committed.

`python -u -m tests.robustness.crash_driver DB N` — the crash test kills it at random moments.
"""

import sys

from counter.cli import parse, run


def main(database: str, count: int) -> None:
    for i in range(count):
        run(parse(["--db", database, "--officer", "Trần Thị Lan", "receive", "--procedure", "2.001035",
                   "--name", f"Nguyễn Văn Thử {i}", "--phone", "0912345678"]))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
