"""Form numbers and titles of the two sets a unit can print with (shared/domain/forms.md).

TT 03/2025/TT-VPCP (default) numbers the forms 01-07 and adds the stop notice
as Mẫu 05; TT 01/2018/TT-VPCP numbers them 01-06 and has no stop notice.
"""

from dataclasses import dataclass

from counter.errors import CounterError

CIRCULARS = {"tt03-2025": "Thông tư số 03/2025/TT-VPCP", "tt01-2018": "Thông tư số 01/2018/TT-VPCP"}

TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "rejection": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    # The 2025 title is reported as "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    # unconfirmed (forms.md): both sets keep the confirmed one; a unit that needs the other
    # sets it with «wording set apology title …» (printing/wording.py).
    "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "ledger": "SỔ THEO DÕI HỒ SƠ",
}

NUMBERS = {
    "tt03-2025": {"receipt": "01", "supplement": "02", "rejection": "03", "apology": "04", "stop": "05",
                  "control": "06", "ledger": "07"},
    "tt01-2018": {"receipt": "01", "supplement": "02", "rejection": "03", "apology": "04",
                  "control": "05", "ledger": "06"},
}


@dataclass(frozen=True)
class FormName:
    number: str
    title: str
    circular: str

    @property
    def label(self) -> str:
        """'Mẫu số 06 - Thông tư số 03/2025/TT-VPCP', printed small above the header."""
        return f"Mẫu số {self.number} - {self.circular}"


def form_name(form_set: str, form: str, title: str = "") -> FormName:
    """`title` is the unit's own for the form (printing/wording.py), else the one in TITLES."""
    numbers = NUMBERS.get(form_set)
    if numbers is None:
        raise CounterError(f"Bộ biểu mẫu «{form_set}» không hợp lệ.", f"unknown form set {form_set!r}")
    if form not in numbers:
        raise CounterError(
            f"{CIRCULARS[form_set]} không có mẫu «{TITLES.get(form, form)}».",
            f"form set {form_set} has no {form} form",
        )
    return FormName(numbers[form], title or TITLES[form], CIRCULARS[form_set])
