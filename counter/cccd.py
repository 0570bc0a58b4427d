"""The QR code on a chip-based CCCD (căn cước công dân gắn chip), as a 2D scanner types it.

Seven fields separated by "|" (docs/rules.md, "CCCD QR"; the layout is read from community
code that decodes the cards, no official specification was found, so it is unconfirmed):

    ID number | old ID number | full name | date of birth DDMMYYYY | sex | address | issue date DDMMYYYY

e.g. `001090123456|012345678|Nguyễn Văn An|01011990|Nam|Thôn Đông, xã Tân Tiến, Bắc Ninh|15042021`.
Parsed defensively: a scan that is cut short, has a field too many or too few, a date that is
no date, or an ID number that contradicts the birth year or sex (the 12-digit number carries
them, Thông tư 07/2016/TT-BCA art. 7) is refused whole, with one message, and fills nothing.
"""

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from counter.clock import now
from counter.errors import CounterError
from counter.text import ADDRESS, NAME, clean_text, fold

FIELDS = 7
LONGEST = 1000  # a whole scan, in characters: far more than any card holds
SEXES = {"nam": "Nam", "nu": "Nữ"}
# The ID number's fourth digit: century of birth and sex (Thông tư 07/2016/TT-BCA art. 7.2).
CENTURY_SEX = {0: (1900, "Nam"), 1: (1900, "Nữ"), 2: (2000, "Nam"), 3: (2000, "Nữ"), 4: (2100, "Nam"),
               5: (2100, "Nữ"), 6: (2200, "Nam"), 7: (2200, "Nữ"), 8: (1800, "Nam"), 9: (1800, "Nữ")}


@dataclass(frozen=True)
class Card:
    id_number: str
    old_id_number: str
    name: str
    birth_date: date
    sex: str  # "Nam" or "Nữ", as the card prints it
    address: str
    issued_on: date


def looks_like_card(text: str) -> bool:
    """Does `text` start as a card's code does: its 12-digit ID number, then the separator?"""
    head, separator, _rest = text.partition("|")
    return bool(separator) and head.isascii() and head.isdigit() and len(head) == 12


def parse(text: str) -> Card:
    """The card a scan holds; CounterError (one line in Vietnamese) for anything else."""
    if len(text) > LONGEST:
        _refuse("quá dài")
    fields = [field.strip() for field in text.strip().split("|")]
    if len(fields) == FIELDS + 1 and not fields[-1]:
        fields.pop()  # a scanner set to end the code with its separator
    if len(fields) != FIELDS:
        _refuse(f"có {len(fields)} phần thay vì {FIELDS}; có thể bị quét thiếu")
    id_number, old_id, name, born, sex, address, issued = fields
    if not (id_number.isascii() and id_number.isdigit() and len(id_number) == 12):
        _refuse(f"số CCCD «{id_number[:20]}» không phải 12 chữ số")
    if old_id and not (old_id.isascii() and old_id.isdigit() and len(old_id) in (9, 12)):
        _refuse(f"số CMND cũ «{old_id[:20]}» không phải 9 hoặc 12 chữ số")
    full_name = _text(name, "họ tên", NAME)
    if any(ch.isdigit() for ch in full_name):
        _refuse("họ tên có chữ số")
    birth_date = _date(born, "ngày sinh")
    card_sex = SEXES.get(fold(sex))
    if card_sex is None:
        _refuse(f"giới tính «{sex[:10]}» không phải Nam hoặc Nữ")
    issued_on = _date(issued, "ngày cấp")
    if issued_on < birth_date:
        _refuse("ngày cấp trước ngày sinh")
    century, number_sex = CENTURY_SEX[int(id_number[3])]
    if century + int(id_number[4:6]) != birth_date.year or number_sex != card_sex:
        _refuse("số CCCD không khớp năm sinh hoặc giới tính")
    return Card(id_number=id_number, old_id_number=old_id, name=full_name, birth_date=birth_date, sex=card_sex,
                address=_text(address, "địa chỉ", ADDRESS), issued_on=issued_on)


def _text(value: str, what: str, longest: int) -> str:
    try:
        text = clean_text(value, what, longest)
    except CounterError as exc:
        _refuse(exc.message[0].lower() + exc.message[1:].rstrip("."))
    if not text:
        _refuse(f"thiếu {what}")
    return text


def _date(value: str, what: str) -> date:
    if not (value.isascii() and value.isdigit() and len(value) == 8):
        _refuse(f"{what} «{value[:12]}» không phải dạng ngày tháng năm (8 chữ số)")
    try:
        day = date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        _refuse(f"{what} {value[:2]}/{value[2:4]}/{value[4:]} không có thật")
    if day.year < 1900 or day > now().date():
        _refuse(f"{what} {day:%d/%m/%Y} không hợp lệ")
    return day


def _refuse(why: str) -> NoReturn:
    raise CounterError(f"Mã QR trên CCCD không đọc được ({why}); hãy quét lại hoặc nhập tay. Chưa điền gì.",
                       f"unreadable CCCD QR code: {why}")
