"""motcua: with no command the desktop app opens; with one, the command line runs."""

import sys

from counter.cli import parse, run


def main(argv: list[str]) -> int:
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
