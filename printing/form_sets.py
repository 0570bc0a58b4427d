"""Form numbers, titles and the one-stop unit's name in the two sets a unit can print with
(shared/domain/forms.md; docs/rules.md, "Biểu mẫu / Forms").

TT 03/2025/TT-VPCP (default) numbers the forms 01-07 and adds the stop notice
as Mẫu 05; TT 01/2018/TT-VPCP numbers them 01-06 and has no stop notice.
"""

from dataclasses import dataclass

from counter.errors import CounterError

DEFAULT_SET = "tt03-2025"
CIRCULARS = {"tt03-2025": "Thông tư số 03/2025/TT-VPCP", "tt01-2018": "Thông tư số 01/2018/TT-VPCP"}

_SHARED_TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "rejection": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "ledger": "SỔ THEO DÕI HỒ SƠ",
}
TITLES = {
    # Phụ lục I of TT 03/2025 as a legal site lists it (forms.md, "What changed in 2025"; the annex
    # itself was not read): the apology became "Văn bản xin lỗi và đề nghị gia hạn thời gian giải
    # quyết", and the stop notice is new. A unit whose province prints another title sets it with
    # «wording set apology title …».
    "tt03-2025": {**_SHARED_TITLES, "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                  "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"},
    "tt01-2018": {**_SHARED_TITLES, "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"},
}
# The names of the forms in menus and messages, the same whatever the set: the apology keeps the
# name every officer knows (ui/late_work.py calls it so too).
MENU_TITLES = {**TITLES["tt01-2018"], "stop": TITLES["tt03-2025"]["stop"]}

NUMBERS = {
    "tt03-2025": {"receipt": "01", "supplement": "02", "rejection": "03", "apology": "04", "stop": "05",
                  "control": "06", "ledger": "07"},
    "tt01-2018": {"receipt": "01", "supplement": "02", "rejection": "03", "apology": "04",
                  "control": "05", "ledger": "06"},
}


@dataclass(frozen=True)
class Counter:
    """How the forms name the one-stop unit: `name` in a sentence, `header` in capitals over the
    two lines under the unit's name in the header."""

    name: str
    header: tuple[str, str]


# TT 01/2018 annex, as the production systems copy it (forms.md, Mẫu 01): lower case in sentences.
_COUNTER_2018 = Counter("Bộ phận tiếp nhận và trả kết quả", ("BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"))
# ND 118/2025 art. 1 spells it with capitals; kept for a district unit, which ND 118 no longer names.
_COUNTER_2025 = Counter("Bộ phận Tiếp nhận và Trả kết quả", ("BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"))
_CENTRE = Counter("Trung tâm Phục vụ hành chính công", ("TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"))
COUNTERS = {
    # ND 61/2018 art. 7: Trung tâm Phục vụ hành chính công at the province, Bộ phận Tiếp nhận và
    # Trả kết quả at the district and the commune.
    "tt01-2018": {"xa": _COUNTER_2018, "huyen": _COUNTER_2018, "tinh": _CENTRE},
    # ND 118/2025 art. 1: "Trung tâm Phục vụ hành chính công cấp tỉnh, Trung tâm Phục vụ hành chính
    # công cấp xã"; the district level is gone (Luật Tổ chức chính quyền địa phương 72/2025/QH15).
    "tt03-2025": {"xa": _CENTRE, "huyen": _COUNTER_2025, "tinh": _CENTRE},
}


def counter(form_set: str, level: str) -> Counter:
    """The one-stop unit of a unit at `level` ("xa", "huyen", "tinh") as `form_set` names it."""
    return COUNTERS[_known(form_set)][level]


def wording_set(form_set: str, form: str) -> str:
    """The set whose wording `form` prints with: the unit's own, or TT 03/2025 for the stop notice,
    which only that set has (so a unit under TT 01/2018 can still prepare its wording)."""
    return form_set if form in NUMBERS[_known(form_set)] else DEFAULT_SET


def title(form_set: str, form: str) -> str:
    return TITLES[wording_set(form_set, form)][form]


@dataclass(frozen=True)
class FormName:
    number: str
    title: str
    circular: str

    @property
    def label(self) -> str:
        """'Mẫu số 06 - Thông tư số 03/2025/TT-VPCP', printed small above the header."""
        return f"Mẫu số {self.number} - {self.circular}"


def form_name(form_set: str, form: str, title_text: str = "") -> FormName:
    """`title_text` is the unit's own for the form (printing/wording.py), else the set's title."""
    numbers = NUMBERS[_known(form_set)]
    if form not in numbers:
        raise CounterError(
            f"{CIRCULARS[form_set]} không có mẫu «{MENU_TITLES.get(form, form)}».",
            f"form set {form_set} has no {form} form",
        )
    return FormName(numbers[form], title_text or TITLES[form_set][form], CIRCULARS[form_set])


def _known(form_set: str) -> str:
    if form_set not in NUMBERS:
        raise CounterError(f"Bộ biểu mẫu «{form_set}» không hợp lệ.", f"unknown form set {form_set!r}")
    return form_set
