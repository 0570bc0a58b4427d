"""The citizen a slip is for, and the lines about them that every slip repeats.

A slip takes the fields it prints, not a received dossier: the guidance and refusal slips given at
the counter before anything is received (ND 61/2018 art. 17; issue 11) have no code, ledger number
or appointment. Each slip that prints the contact lines takes WORDING into its own, so a unit
corrects them form by form.
"""

from dataclasses import dataclass

from counter.dossier import Dossier
from printing import frame

WORDING = {
    "address": "Địa chỉ:",
    "phone": "Số điện thoại:",
    "email": "Email:",
}
# A field the slip asks for and nobody filled in: dots to write on by hand.
BLANK = "……………………"


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def of(cls, dossier: Dossier) -> "Applicant":
        return cls(dossier.applicant_name, dossier.id_number, dossier.address, dossier.phone, dossier.email)


@dataclass(frozen=True)
class Representative:
    """Người được ủy quyền: who files for the applicant under an authorisation. The 2025 receipt asks
    for one (forms.md, "What changed in 2025"); a field left empty prints as dots."""

    name: str = ""
    id_number: str = ""
    phone: str = ""


def contact_lines(sheet: frame.Sheet, person: Applicant, w: dict) -> list:
    """'Địa chỉ: …' then 'Số điện thoại: …   Email: …' on one line, in the form's wording `w`."""
    return [
        sheet.field(w["address"], person.address),
        sheet.text([(w["phone"] + " ", frame.REGULAR), (person.phone + "\u00a0" * 6, frame.BOLD),
                    (w["email"] + " ", frame.REGULAR), (person.email, frame.BOLD)]),
    ]
