"""Text as the counter stores it: NFC on the way in, folded for search.

Officers type names with or without diacritics; `fold` maps both to the
same key ("Nguyễn Văn Đức" and "nguyen van duc" -> "nguyen van duc").
Python's NFD decomposition does not split đ/Đ, so they are mapped by hand.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Unicode NFC, trimmed, inner whitespace collapsed to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower case, no diacritics, đ→d: the search key of a text."""
    text = nfc(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def digits(value: str | None) -> str:
    """Only the digits of a text (phone numbers are typed with dots and spaces)."""
    return "".join(ch for ch in nfc(value) if ch.isdigit())
