"""`python -m bench all`: every issue 16 measurement in one table (bench/all.py)."""

import sys

from bench import all as everything

if len(sys.argv) < 2 or sys.argv[1] != "all":
    sys.exit("usage: python -m bench all [--dossiers N] [--runs R] [--skip STEP]")
everything.main(sys.argv[2:])
