"""Text as the counter stores it: NFC on the way in, folded for search.

Officers type names with or without diacritics; `fold` maps both to the
same key ("Nguyễn Văn Đức" and "nguyen van duc" -> "nguyen van duc").
Python's NFD decomposition does not split đ/Đ, so they are mapped by hand.

Everything an officer or a file types goes through `clean_text` once: it is
what lands on printed forms, in the export to the province and in the audit
trail, so a control character, a bidi override that makes a name read
backwards, a lone surrogate (invalid UTF-8 on the command line) or a
100,000-character address is refused there, before anything is written.
"""

import re
import unicodedata

from counter.errors import CounterError

_SPACES = re.compile(r"\s+")
# Invisible characters pasted from web pages and Word files: dropped, they carry nothing.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# Bounds for what officers type (counted after NFC, in characters).
NAME = 200
ADDRESS = 500
REASON = 1000
CODE = 64


def nfc(value: str | None) -> str:
    """Unicode NFC, trimmed, inner whitespace collapsed to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def clean_text(value: str | None, what: str, max_len: int) -> str:
    """`value` as NFC text of at most `max_len` characters, or a CounterError naming `what`.

    Refused: control characters (Cc; tabs and line breaks become one space), format
    characters (Cf: the bidi marks U+202A–202E, U+2066–2069, U+200E/200F, U+061C, zero-width
    joiners), lone surrogates (Cs: bytes that were not UTF-8) and NUL."""
    text = nfc(value).translate(_INVISIBLE)
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs"):
            name = "ký tự không phải UTF-8 hợp lệ" if category == "Cs" else "ký tự điều khiển hoặc ký tự ẩn"
            raise CounterError(
                f"{what} chứa {name} (U+{ord(ch):04X}); hãy gõ lại.",
                f"text contains the control or invisible character U+{ord(ch):04X}",
            )
    if len(text) > max_len:
        raise CounterError(
            f"{what} quá dài: {number(len(text))} ký tự, tối đa {number(max_len)}.",
            f"text longer than {max_len} characters",
        )
    return text


def number(value: int) -> str:
    """A whole number as Vietnamese writes it: 1.000.000."""
    return f"{value:,}".replace(",", ".")


def fold(value: str | None) -> str:
    """Lower case, no diacritics, đ→d: the search key of a text."""
    text = nfc(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def digits(value: str | None) -> str:
    """Only the ASCII digits of a text (phone numbers are typed with dots and spaces).

    `str.isdigit` also accepts "²", "٣" and full-width digits, which no CCCD or phone has."""
    return "".join(ch for ch in nfc(value) if "0" <= ch <= "9")
