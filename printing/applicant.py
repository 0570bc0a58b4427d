"""The lines about the citizen that every slip repeats: name, address, phone, e-mail.

Each slip that prints them takes WORDING into its own, so a unit corrects them form by form.
"""

from counter.dossier import Dossier
from printing import frame

WORDING = {
    "address": "Địa chỉ:",
    "phone": "Số điện thoại:",
    "email": "Email:",
}


def contact_lines(sheet: frame.Sheet, dossier: Dossier, w: dict) -> list:
    """'Địa chỉ: …' then 'Số điện thoại: …   Email: …' on one line, in the form's wording `w`."""
    return [
        sheet.field(w["address"], dossier.address),
        sheet.text([(w["phone"] + " ", frame.REGULAR), (dossier.phone + "\u00a0" * 6, frame.BOLD),
                    (w["email"] + " ", frame.REGULAR), (dossier.email, frame.BOLD)]),
    ]
