"""Search (tra cứu): by code (full or its tail), CCCD/ID, phone, or name.

Names match whatever the case and diacritics, đ→d included: "nguyen van duc"
finds "Nguyễn Văn Đức". `read` is the one reading of a typed text, for this
search and for the dossier list's text filter (counter/dossier_list.py).
"""

import re
from dataclasses import dataclass

from counter import dossiers
from counter.applicants import clean_phone
from counter.dossier import Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.text import digits, fold, nfc
from counter.transitions import Permission
from db import search as search_index

_NUMBER = re.compile(r"\+?[\d\s.\-()]+")


@dataclass(frozen=True)
class Keys:
    """What a typed text may be; a dossier matching any of them is found."""

    code_tail: str = ""
    id_number: str = ""
    phone: str = ""
    name_words: tuple[str, ...] = ()  # folded words, each starting a word of the name

    def __bool__(self) -> bool:
        """False when the text can be nothing (".", "-"): it finds no dossier."""
        return bool(self.code_tail or self.id_number or self.phone or self.name_words)


def read(text: str) -> Keys:
    """A text with digits may be a code or its tail; one made of digits and separators
    also a CCCD/CMND number (9 or 12 digits) or a phone number; one without digits (or
    with a space among them, "Nguyen Van 2") a name."""
    query = nfc(text)
    if not query:
        return Keys()
    has_digits = any(ch.isdigit() for ch in query)
    code_tail = query.upper().replace(" ", "") if has_digits else ""
    if _NUMBER.fullmatch(query):
        number = digits(query)
        try:
            phone = clean_phone(query)
        except CounterError:
            phone = ""
        return Keys(code_tail, number if len(number) in (9, 12) else "", phone)
    if not has_digits or " " in query:
        return Keys(code_tail, name_words=tuple(re.findall(r"\w+", fold(query))))
    return Keys(code_tail)


def search(session: Session, text: str, limit: int = 50) -> list[Dossier]:
    session.require(Permission.VIEW)
    if not nfc(text):
        raise CounterError("Hãy nhập mã hồ sơ, số CCCD, số điện thoại hoặc họ tên để tìm.", "empty search")
    if limit < 1:
        raise CounterError("Số kết quả tối đa phải từ 1 trở lên.", "limit must be at least 1")
    db = session.db
    keys = read(text)
    ids: set[int] = set()
    if keys.code_tail:
        ids.update(search_index.by_code_tail(db, keys.code_tail, limit))
    if keys.id_number:
        ids.update(search_index.by_id_number(db, keys.id_number, limit))
    if keys.phone:
        ids.update(search_index.by_phone(db, keys.phone, limit))
    if keys.name_words:
        ids.update(search_index.by_name(db, keys.name_words, limit))
    return dossiers.many(session, sorted(ids, reverse=True)[:limit])
