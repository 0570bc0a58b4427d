"""motcua: with no command the desktop app opens; with one, the command line runs."""

import sys

from counter.cli import parse, run
from counter.private import restrict_process


def main(argv: list[str]) -> int:
    # Before any file is opened: what motcua writes is for this user only (counter/private.py).
    restrict_process()
    args = parse(argv)
    if args.command:
        return run(args)
    from ui.app import start

    return start(args)


def entry() -> None:
    """The installed `motcua` command."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry()
