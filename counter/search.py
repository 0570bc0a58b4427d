"""Search (tra cứu): by code (full or its tail), CCCD/ID, phone, or name.

Names match whatever the case and diacritics, đ→d included: "nguyen van duc"
finds "Nguyễn Văn Đức".
"""

import re

from counter import dossiers
from counter.applicants import clean_phone
from counter.dossier import Dossier
from counter.errors import CounterError
from counter.session import Session
from counter.text import digits, fold, nfc
from db import search as search_index

_NUMBER = re.compile(r"\+?[\d\s.\-()]+")


def search(session: Session, text: str, limit: int = 50) -> list[Dossier]:
    session.require("view")
    query = nfc(text)
    if not query:
        raise CounterError("Hãy nhập mã hồ sơ, số CCCD, số điện thoại hoặc họ tên để tìm.", "empty search")
    if limit < 1:
        raise CounterError("Số kết quả tối đa phải từ 1 trở lên.", "limit must be at least 1")
    db = session.db
    ids: set[int] = set()
    has_digits = any(ch.isdigit() for ch in query)
    if has_digits:
        ids.update(search_index.by_code_tail(db, query.upper().replace(" ", ""), limit))
    if _NUMBER.fullmatch(query):
        number = digits(query)
        if len(number) in (9, 12):
            ids.update(search_index.by_id_number(db, number, limit))
        try:
            phone = clean_phone(query)
        except CounterError:
            phone = ""
        if phone:
            ids.update(search_index.by_phone(db, phone, limit))
    elif not has_digits or " " in query:
        ids.update(search_index.by_name(db, fold(query), limit))
    return dossiers.many(session, sorted(ids, reverse=True)[:limit])
