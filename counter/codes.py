"""Dossier codes (mã hồ sơ): UNITCODE-YYMMDD-XXXX.

The format is TT 01/2018/TT-VPCP art. 19 (shared/domain/README.md, "Dossier
code"): the unit's identifier, the receipt date, and the sequence of the day,
at least 4 digits.

Workstations of one unit have no network between them, so each owns a block
of numbers and can never hand out another's code:

- workstation k (1-10) numbers its n-th dossier of the day (k-1)*1000 + n
  for n = 1..999 (quầy 1: 0001-0999, quầy 2: 1001-1999, ... quầy 10: 9001-9999);
- past 999 dossiers in a day it continues with k*10000 + n for
  n = 1000..9999 (quầy 1: 11000-19999, quầy 2: 21000-29999, ...), which no
  block above can reach;
- workstation k (11-20: a centre of up to twenty counters, brief: 4-12) numbers
  its n-th dossier 200000 + (k-11)*10000 + n for n = 1..9999 (quầy 11:
  200001-209999, ... quầy 20: 290001-299999): six digits, which the code's
  "at least 4 digits" allows and no number of counters 1-10 reaches (at most
  109999). Codes given by counters 1-10 stay what they were.

A number is reserved in its own committed transaction before the dossier is
written, so a failed save burns the number and it is never handed out again.
"""

from datetime import date

from counter.errors import CounterError

BLOCK = 1000
OVERFLOW = 10000
MAX_WORKSTATION = 20  # the counters of one unit
_FIRST_WIDE = 11  # from this counter on, every number has six digits
_WIDE = 200000


def sequence_number(workstation: int, nth: int) -> int:
    if not 1 <= workstation <= MAX_WORKSTATION:
        raise CounterError(f"Số quầy phải từ 1 đến {MAX_WORKSTATION}.", f"workstation must be 1-{MAX_WORKSTATION}")
    if workstation >= _FIRST_WIDE and nth < OVERFLOW:
        return _WIDE + (workstation - _FIRST_WIDE) * OVERFLOW + nth
    if nth < BLOCK:
        return (workstation - 1) * BLOCK + nth
    if nth < OVERFLOW:
        return workstation * OVERFLOW + nth
    raise CounterError(
        "Quầy đã dùng hết số thứ tự hồ sơ của ngày (9.999 hồ sơ).",
        "this workstation ran out of dossier numbers for the day",
    )


def format_code(unit_code: str, day: date, number: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def nth_of(workstation: int, number: int) -> int | None:
    """Which dossier of its day `number` is in workstation's block (the inverse of `sequence_number`), None
    when the number is not in that block: a remote dossier's code is reserved with it (issue 12), so the
    counter of that number never hands it out again, even after a restore."""
    if not 1 <= workstation <= MAX_WORKSTATION:
        return None
    if workstation >= _FIRST_WIDE:
        base = _WIDE + (workstation - _FIRST_WIDE) * OVERFLOW
        return number - base if base < number < base + OVERFLOW else None
    if (workstation - 1) * BLOCK < number < workstation * BLOCK:
        return number - (workstation - 1) * BLOCK
    if workstation * OVERFLOW + BLOCK <= number < (workstation + 1) * OVERFLOW:
        return number - workstation * OVERFLOW
    return None
