"""Phí, lệ phí: amounts in whole đồng, as officers and catalogue files write them.

"20000", "20.000" and "20 000" are the same amount. The largest accepted is
one trillion đồng (10^12): far above any fee a counter collects, far below
what the database's 64-bit integers hold.
"""

import re

from counter.errors import CounterError
from counter.text import number

MAX_FEE = 10**12
_AMOUNT = re.compile(r"[0-9]{1,3}(?:[. ][0-9]{3})+|[0-9]+")


def parse_amount(text: str) -> int:
    """A typed amount; CounterError if it is not a whole, non-negative number of đồng."""
    value = (text or "").strip()
    if value.startswith("-") and _AMOUNT.fullmatch(value[1:].strip()):
        raise CounterError("Phí, lệ phí không được âm.", "fee cannot be negative")
    if not _AMOUNT.fullmatch(value) or len(value) > 20:
        raise CounterError(f"Phí, lệ phí «{value[:40]}» không phải số tiền (đồng, số nguyên không âm).",
                           "fee is not a whole non-negative number")
    return checked(int(value.replace(".", "").replace(" ", "")))


def checked(fee: int) -> int:
    """`fee` if it lies in 0–MAX_FEE."""
    if fee < 0:
        raise CounterError("Phí, lệ phí không được âm.", "fee cannot be negative")
    if fee > MAX_FEE:
        raise CounterError(f"Phí, lệ phí {number(fee)} đồng vượt mức tối đa {number(MAX_FEE)} đồng.",
                           f"fee above {MAX_FEE}")
    return fee
