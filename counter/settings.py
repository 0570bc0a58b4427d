"""Unit settings (thông tin đơn vị): who the counter is and how it counts time.

Rules that no text confirms for every province are settings, not constants
(shared/domain/README.md): the 15:00 cut-off, whether the receipt day counts
as day 1, and the form set.
"""

import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import time

from counter.clock import parse_clock
from counter.codes import MAX_WORKSTATION
from counter.errors import CounterError
from counter.text import NAME, clean_text, nfc

LEVELS = {"xa": "Cấp xã", "huyen": "Cấp huyện", "tinh": "Cấp tỉnh"}
FORM_SETS = {"tt03-2025": "TT 03/2025/TT-VPCP", "tt01-2018": "TT 01/2018/TT-VPCP"}
PAGE_SIZES = ("A5", "A4")
# The unit's identifier (QCVN 102:2016/BTTTT, e.g. 000.00.53.H48) starts every dossier code
# and every export file name: ASCII letters and digits in parts joined by one dot or hyphen.
UNIT_CODE = re.compile(r"[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*")
UNIT_CODE_LENGTH = 40
_CLOCKS = {"office_open": "Giờ mở cửa", "office_close": "Giờ đóng cửa", "cutoff": "Giờ chốt tiếp nhận"}
_LABELS = {"unit_code": "Mã định danh đơn vị", "unit_name": "Tên đơn vị", "authority": "Cơ quan cấp trên",
           "place": "Địa danh", "ledger_volume": "Quyển sổ", "level": "Cấp đơn vị", "form_set": "Bộ biểu mẫu",
           "station_name": "Tên quầy"}
_WORDING = 2000  # one line of a printed form
# What belongs to one workstation and never replicates (issue 12): its number (the block of its codes and
# its ledger), its print page size, its sync folder, interval and label; and the unit's code itself, which
# names the unit's folder and is checked, not copied. Every other setting is the unit's, shared by its
# counters (counter/sync.py); db/migrations.py step 6 seeds the same list.
LOCAL = frozenset({"unit_code", "workstation", "slip_page_size", "sync_folder", "sync_interval", "station_name"})
SYNC_INTERVALS = (5, 3600)  # seconds between automatic syncs
_FOLDER = 1000


@dataclass(frozen=True)
class UnitSettings:
    unit_code: str = ""
    unit_name: str = ""
    authority: str = ""
    level: str = "xa"
    place: str = ""
    office_open: str = "07:30"
    office_close: str = "17:00"
    cutoff: str = "15:00"
    cutoff_enabled: bool = True
    receipt_day_counts: bool = False
    workstation: int = 1
    form_set: str = "tt03-2025"
    slip_page_size: str = "A5"
    ledger_volume: str = "01"
    # The unit's corrections to the printed forms, {form: {key: text}} (printing/unit_wording.py).
    form_wording: dict = field(default_factory=dict)
    # The unit sync (issue 12): the shared folder, how often to sync, and this counter's label there.
    sync_folder: str = ""
    sync_interval: int = 30
    station_name: str = ""

    @property
    def open_time(self) -> time:
        return parse_clock(self.office_open)

    @property
    def close_time(self) -> time:
        return parse_clock(self.office_close)

    @property
    def cutoff_time(self) -> time:
        return parse_clock(self.cutoff)

    @property
    def initialised(self) -> bool:
        return bool(self.unit_code and self.unit_name)


def from_stored(values: dict) -> UnitSettings:
    known = {f.name for f in fields(UnitSettings)}
    return UnitSettings(**{k: v for k, v in values.items() if k in known})


def to_stored(settings: UnitSettings) -> dict:
    return asdict(settings)


def updated(settings: UnitSettings, **changes) -> UnitSettings:
    """A validated copy with `changes` applied; raises CounterError on bad values."""
    known = {f.name: f for f in fields(UnitSettings)}
    clean = {}
    for key, value in changes.items():
        if key not in known:
            raise CounterError(f"Không có thiết lập «{key}».", f"unknown setting {key!r}")
        default = known[key].default
        if known[key].default_factory is dict:
            value = _form_wording(value)
        elif isinstance(default, bool):
            value = _boolean(key, value)
        elif key == "sync_interval":
            value = _interval(value)
        elif isinstance(default, int):
            value = _workstation(value)
        elif key == "sync_folder":
            value = clean_text(value, "Thư mục đồng bộ", _FOLDER)
        elif key in _CLOCKS:
            value = parse_clock(clean_text(value, _CLOCKS[key], 10), _CLOCKS[key].lower()).strftime("%H:%M")
        else:
            value = clean_text(value, _LABELS.get(key, key), NAME)
        clean[key] = value
    result = replace(settings, **clean)
    validate(result)
    return result


def validate(settings: UnitSettings) -> None:
    if not settings.unit_code:
        raise CounterError("Mã định danh đơn vị không được để trống.", "unit code is empty")
    if len(settings.unit_code) > UNIT_CODE_LENGTH or not UNIT_CODE.fullmatch(settings.unit_code):
        raise CounterError(
            f"Mã định danh đơn vị «{settings.unit_code[:60]}» không hợp lệ: chỉ gồm chữ cái không dấu và chữ số, "
            f"các phần ngăn cách bằng một dấu chấm hoặc gạch ngang (ví dụ 000.00.53.H48), "
            f"tối đa {UNIT_CODE_LENGTH} ký tự.",
            "unit code must be ASCII letters and digits joined by single dots or hyphens (e.g. 000.00.53.H48)",
        )
    if not settings.unit_name:
        raise CounterError("Tên đơn vị không được để trống.", "unit name is empty")
    if settings.level not in LEVELS:
        raise CounterError(
            f"Cấp đơn vị «{settings.level}» không hợp lệ; chọn một trong: {', '.join(LEVELS)}.",
            "unknown level",
        )
    if settings.form_set not in FORM_SETS:
        raise CounterError(
            f"Bộ biểu mẫu «{settings.form_set}» không hợp lệ; chọn một trong: {', '.join(FORM_SETS)}.",
            "unknown form set",
        )
    if settings.slip_page_size not in PAGE_SIZES:
        raise CounterError("Khổ giấy phải là A5 hoặc A4.", "page size must be A5 or A4")
    opening, closing, cutoff = settings.open_time, settings.close_time, settings.cutoff_time
    if not opening < closing:
        raise CounterError("Giờ mở cửa phải trước giờ đóng cửa.", "opening must be before closing")
    if not opening < cutoff <= closing:
        raise CounterError(
            "Giờ chốt tiếp nhận phải nằm trong giờ làm việc.", "cut-off must lie within office hours"
        )


def _boolean(key: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = nfc(str(value)).lower()
    if text in ("1", "true", "yes", "on", "có", "co"):
        return True
    if text in ("0", "false", "no", "off", "không", "khong"):
        return False
    raise CounterError(f"Giá trị «{value}» của «{key}» phải là có/không.", "expected yes/no")


def _form_wording(value) -> dict:
    """Only the wording service passes a mapping here: it checks each line against the form;
    here each text is checked like any other typed text."""
    if not isinstance(value, dict):
        raise CounterError(
            "Câu chữ trên biểu mẫu được sửa bằng lệnh «wording set FORM KEY TEXT».",
            "use the wording commands to change form wording",
        )
    for lines in value.values():
        for text in lines.values():
            for part in text if isinstance(text, (list, tuple)) else [text]:
                clean_text(part, "Câu chữ trên biểu mẫu", _WORDING)
    return {form: dict(lines) for form, lines in value.items() if lines}


def unit_wide(key: str) -> bool:
    """A setting every counter of the unit shares (replicated by the unit sync)."""
    return key not in LOCAL


def _interval(value) -> int:
    low, high = SYNC_INTERVALS
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if not low <= number <= high:
        raise CounterError(f"Chu kỳ đồng bộ «{value}» không hợp lệ: phải từ {low} đến {high} giây.",
                           f"sync_interval must be {low}-{high} seconds")
    return number


def _workstation(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if not 1 <= number <= MAX_WORKSTATION:
        raise CounterError(
            f"Số quầy «{value}» không hợp lệ: phải từ 1 đến {MAX_WORKSTATION}.",
            f"workstation must be 1-{MAX_WORKSTATION}",
        )
    return number
