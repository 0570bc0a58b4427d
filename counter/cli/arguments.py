"""Option types shared by the commands: whole numbers within bounds.

A count typed as 1e20 or with a hundred digits is refused by the parser,
before any database is opened.
"""

import argparse
from collections.abc import Callable


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        value = text.strip()
        if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 12:
            raise argparse.ArgumentTypeError(f"«{text[:40]}» không phải số nguyên từ {low} đến {high}")
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} nằm ngoài khoảng {low}–{high}")
        return number

    return parse
