"""What the chip CCCD's QR code adds about the applicant (issue 15), and the authorised
representative (người được ủy quyền) the 2025 receipt asks for.

Date of birth and sex are kept on the dossier for the forms and the province's data; the public
late list never shows them (counter/province/late.py names no applicant).
"""

from dataclasses import dataclass
from datetime import date, datetime

from counter import applicants
from counter.dossier import SEXES
from counter.errors import CounterError
from counter.text import NAME, clean_text, fold, nfc

OLDEST = 1900  # no living applicant was born earlier


@dataclass(frozen=True)
class Representative:
    name: str = ""
    id_number: str = ""
    phone: str = ""


def clean_birth_date(value: str | None, today: date | None = None) -> str:
    """`YYYY-MM-DD` or `dd/mm/yyyy` (as the CCCD prints it) as ISO text; '' when not given."""
    text = nfc(value).strip()
    if not text:
        return ""
    for shape in ("%Y-%m-%d", "%d/%m/%Y", "%d%m%Y"):
        try:
            born = datetime.strptime(text, shape).date()
            break
        except ValueError:
            continue
    else:
        raise CounterError(f"Ngày sinh «{text[:40]}» không hợp lệ: hãy nhập YYYY-MM-DD hoặc dd/mm/yyyy.",
                           "birth date must be YYYY-MM-DD")
    if not OLDEST <= born.year or born > (today or date.today()):
        raise CounterError(f"Ngày sinh {born:%d/%m/%Y} không hợp lý.", "birth date out of range")
    return born.isoformat()


def clean_sex(value: str | None) -> str:
    """'nam', 'nu' ('Nữ' as the CCCD writes it) or ''."""
    text = fold(value or "").strip()
    if text in ("", *SEXES):
        return text
    raise CounterError(f"Giới tính «{nfc(value)[:20]}» phải là nam hoặc nu (nữ).", "sex must be nam or nu")


def clean_representative(name: str | None = "", id_number: str | None = "", phone: str | None = "") -> Representative:
    """The authorised representative; an ID number or phone needs the name beside it."""
    person = Representative(clean_text(name, "Họ tên người được ủy quyền", NAME),
                            applicants.clean_id_number(id_number), applicants.clean_phone(phone))
    if (person.id_number or person.phone) and not person.name:
        raise CounterError("Phải ghi họ tên người được ủy quyền kèm số định danh, số điện thoại của người đó.",
                           "the representative needs a name")
    return person
