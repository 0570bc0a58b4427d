"""Passwords for the command line: from the environment for scripts, else asked."""

import getpass
import os
import sys

from counter.errors import CounterError


def password(prompt: str, variable: str) -> str:
    """From the environment (scripts), else asked on the terminal without echo."""
    if os.environ.get(variable):
        return os.environ[variable]
    if not sys.stdin.isatty():
        raise CounterError(f"Cần mật khẩu: đặt biến môi trường {variable}.", f"password needed in ${variable}")
    return getpass.getpass(prompt)
