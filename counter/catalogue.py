"""The unit's catalogue of administrative procedures (danh mục thủ tục hành chính).

Imported from CSV or XLSX with English or Vietnamese headers; a bad row
rejects the whole file, so a half-imported catalogue never reaches the desk.
"""

import csv
import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path

from counter import audit, fees, sync_log
from counter.changes import Changes
from counter.clock import iso, now
from counter.errors import CounterError
from counter.session import Session
from counter.text import CODE, NAME, clean_text, fold, nfc
from counter.text import number as written
from db import catalogue as catalogue_table
from db.connection import write

STARTER = Path(__file__).with_name("data") / "catalogue-starter.csv"
# The longest time limit a procedure may have, in working days. The longest in the law are
# a few months (land, construction: 30-90 days); a year of working days bounds every
# due-date computation.
MAX_DAYS = 365
MAX_PROCEDURES = 10_000
_LONG = 5000  # a procedure's name, a document name, a note (legal basis) may be long


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    days: int
    field: str = ""
    fee: int | None = None
    level: str = ""
    documents: list[str] = dataclasses.field(default_factory=list)
    cutoff: bool | None = None  # None: the unit's cut-off rule applies
    note: str = ""
    online_level: str = ""  # "full" (toàn trình), "partial" (một phần) or "" (no online service)

    @property
    def lci(self) -> bool:
        """Land, construction or investment (đất đai, xây dựng, đầu tư): its own satisfaction target."""
        return land_construction_investment(self.field)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "field": self.field, "days": self.days,
            "fee": self.fee, "level": self.level, "documents": list(self.documents),
            "cutoff": self.cutoff, "note": self.note, "online_level": self.online_level,
        }


# Kế hoạch 3/KH-UBND (2024), section II.6 and annex 1.2: satisfaction at least 90%, "trong đó, mức
# độ hài lòng về giải quyết các TTHC lĩnh vực đất đai, xây dựng, đầu tư đạt tối thiểu 85%". A
# procedure is in that class when its catalogue field (lĩnh vực) names one of the three: the field
# is how the national catalogue groups procedures (docs/rules.md, "Chỉ tiêu", I7).
LCI_FIELDS = ("dat dai", "xay dung", "dau tu")


def land_construction_investment(field: str) -> bool:
    folded = fold(field)
    return any(re.search(rf"\b{re.escape(name)}\b", folded) for name in LCI_FIELDS)


_HEADERS = {
    "code": "code", "ma thu tuc": "code", "ma tthc": "code", "ma": "code",
    "name": "name", "ten thu tuc": "name", "ten tthc": "name", "ten thu tuc hanh chinh": "name",
    "field": "field", "linh vuc": "field",
    "days": "days", "thoi han giai quyet": "days", "thoi han": "days",
    "fee": "fee", "phi/le phi": "fee", "phi, le phi": "fee", "phi le phi": "fee", "le phi": "fee",
    "phi": "fee",
    "level": "level", "cap thuc hien": "level",
    "documents": "documents", "thanh phan ho so": "documents",
    "note": "note", "ghi chu": "note", "can cu phap ly": "note",
    "cutoff": "cutoff", "gio chot": "cutoff", "ap dung gio chot": "cutoff",
    "online_level": "online_level", "online": "online_level", "muc do dvc": "online_level",
    "muc do dich vu cong": "online_level", "dich vu cong truc tuyen": "online_level", "dvctt": "online_level",
}
# Online level as catalogues write it: the national portal's "toàn trình" / "một phần", or the
# older levels 4 (full) and 3 (partial) of ND 43/2011; 1-2 and blanks offer no online filing.
_ONLINE_LEVELS = {
    "full": "full", "toan trinh": "full", "dvc toan trinh": "full", "4": "full", "muc 4": "full", "muc do 4": "full",
    "partial": "partial", "mot phan": "partial", "dvc mot phan": "partial", "3": "partial", "muc 3": "partial",
    "muc do 3": "partial",
    "": "", "khong": "", "none": "", "1": "", "2": "", "muc 1": "", "muc 2": "", "muc do 1": "", "muc do 2": "",
}
_SAME_DAY = {"trong ngay", "ngay", "tra trong ngay", "giai quyet ngay"}
_FREE = {"", "khong", "mien phi", "khong thu", "0"}


def read_catalogue(path: str | Path) -> list[Procedure]:
    """Parse a catalogue file; raises CounterError naming the first bad row."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CounterError(
            f"Không đọc được tệp danh mục {path}: {exc.strerror}.", f"cannot read {path}"
        ) from None
    rows = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    return parse_rows(rows)


def parse_rows(rows: list[list[str]]) -> list[Procedure]:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CounterError("Tệp danh mục trống.", "catalogue file is empty")
    header = [_HEADERS.get(fold(cell).strip(" :*")) for cell in rows[0]]
    missing = [name for name in ("code", "name", "days") if name not in header]
    if missing:
        raise CounterError(
            "Tệp danh mục thiếu cột bắt buộc: " + ", ".join(missing)
            + " (Mã thủ tục, Tên thủ tục, Thời hạn giải quyết).",
            "catalogue needs columns code,name,days",
        )
    if len(rows) > MAX_PROCEDURES + 1:
        raise CounterError(f"Tệp danh mục có quá {written(MAX_PROCEDURES)} thủ tục.",
                           f"more than {MAX_PROCEDURES} procedures")
    procedures: list[Procedure] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: row[i] if i < len(row) else "" for i, name in enumerate(header) if name}
        try:
            procedure = _procedure(cells)
        except CounterError as exc:
            raise CounterError(f"Dòng {number}: {exc.message}", f"row {number}: {exc.english}") from None
        if procedure.code in seen:
            raise CounterError(
                f"Dòng {number}: mã thủ tục {procedure.code} trùng với dòng {seen[procedure.code]}.",
                f"row {number}: duplicate code",
            )
        seen[procedure.code] = number
        procedures.append(procedure)
    if not procedures:
        raise CounterError("Tệp danh mục chỉ có dòng tiêu đề, không có thủ tục nào.", "catalogue has no procedures")
    return procedures


def _procedure(cells: dict) -> Procedure:
    code = clean_text(cells["code"], "mã thủ tục", CODE)
    if not code or any(ch.isspace() for ch in code):
        raise CounterError(f"mã thủ tục «{code}» trống hoặc có khoảng trắng.", "bad code")
    name = clean_text(cells["name"], "tên thủ tục", _LONG)
    if not name:
        raise CounterError("tên thủ tục trống.", "empty name")
    lines = [clean_text(line, "tên giấy tờ", _LONG) for line in str(cells.get("documents", "")).splitlines()]
    return Procedure(
        code=code,
        name=name,
        days=parse_days(cells["days"]),
        field=clean_text(cells.get("field"), "lĩnh vực", NAME),
        fee=parse_fee(cells.get("fee", "")),
        level=clean_text(cells.get("level"), "cấp thực hiện", NAME),
        documents=[d.lstrip("-•+ ").strip() for d in lines if d.lstrip("-•+ ").strip()],
        cutoff=_cutoff(cells.get("cutoff", "")),
        note=clean_text(cells.get("note"), "ghi chú", _LONG),
        online_level=parse_online_level(cells.get("online_level", "")),
    )


def parse_online_level(value: str) -> str:
    """'full', 'partial' or '' from the catalogue's wording."""
    text = fold(value).strip(" .")
    if text not in _ONLINE_LEVELS:
        raise CounterError(
            f"mức độ dịch vụ công trực tuyến «{nfc(value)[:40]}» phải là toàn trình (full), một phần (partial) "
            "hoặc để trống.",
            "online_level must be full, partial or empty",
        )
    return _ONLINE_LEVELS[text]


def parse_days(value: str) -> int:
    """'3', '03 ngày làm việc' or 'Trong ngày' (0); at most MAX_DAYS."""
    text = fold(value)
    if text in _SAME_DAY:
        return 0
    match = re.fullmatch(r"(-?[0-9]{1,9})(?:[.,]0+)?(?:\s*ngay(?: lam viec)?)?", text)
    if not match:
        raise CounterError(
            f"thời hạn giải quyết «{nfc(value)}» không phải số ngày làm việc nguyên.",
            "days must be a whole number of working days",
        )
    days = int(match[1])
    if days < 0:
        raise CounterError(f"thời hạn giải quyết «{days}» âm.", "negative days")
    if days > MAX_DAYS:
        raise CounterError(f"thời hạn giải quyết {days} ngày vượt mức tối đa {MAX_DAYS} ngày làm việc.",
                           f"days above {MAX_DAYS}")
    return days


def parse_fee(value: str) -> int | None:
    """'20000', '20.000', '20.000 đồng'; blank means not set."""
    text = fold(value)
    if text == "":
        return None
    if text in _FREE:
        return 0
    match = re.fullmatch(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,20})(?:\s*(?:d|dong|vnd))?", text)
    if not match:
        raise CounterError(f"phí/lệ phí «{nfc(value)[:40]}» không phải số tiền.", "fee is not an amount")
    return fees.checked(int(match[1].replace(".", "")))


def _cutoff(value: str) -> bool | None:
    text = fold(value)
    if text == "":
        return None
    if text in ("1", "yes", "co", "x", "true"):
        return True
    if text in ("0", "no", "khong", "false"):
        return False
    raise CounterError(f"cột giờ chốt «{nfc(value)}» phải là có/không.", "cutoff must be yes/no")


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CounterError(
            "Tệp danh mục không phải văn bản UTF-8 (hãy lưu CSV dạng UTF-8).",
            "catalogue file is not UTF-8",
        ) from None
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise CounterError(f"Tệp CSV hỏng: {exc}.", "malformed CSV") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise CounterError(f"Tệp Excel hỏng hoặc không đọc được: {exc}.", "unreadable XLSX") from None


def _cell(value) -> str:
    """Excel turns 1.001193 into a number; national procedure codes have 6 decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}" if value < 10 else str(value)
    return str(value)


def import_catalogue(session: Session, path: str | Path) -> dict:
    """Import a catalogue file into the unit's database; updates procedures by code."""
    session.require("catalogue")
    procedures = read_catalogue(path)
    rows = [dict(p.as_dict(), name_folded=fold(p.name), cutoff=_stored_cutoff(p.cutoff)) for p in procedures]
    known = {p.code: p.as_dict() for p in all_procedures(session)}
    with write(session.db):
        added, changed = catalogue_table.upsert(session.db, rows, iso(now()))
        for p in procedures:
            if known.get(p.code) != p.as_dict():  # every counter of the unit gets it (issue 12)
                sync_log.unit_change(session, sync_log.PROCEDURE, p.code, p.as_dict())
        audit.log(session, "catalogue_imported", str(path), {"codes": [p.code for p in procedures]})
        session.note(Changes(catalogue=True))
    return {"file": str(path), "procedures": len(procedures), "added": added, "updated": changed}


def procedure(session: Session, code: str) -> Procedure:
    wanted = clean_text(code, "Mã thủ tục", CODE)
    row = catalogue_table.get(session.db, wanted)
    if row is None:
        raise CounterError(
            f"Không có thủ tục mã «{wanted}» trong danh mục của đơn vị.", f"unknown procedure {code!r}"
        )
    return Procedure(**row)


MISSING_ITEMS = 50  # documents one supplement request or guidance lists
MISSING_ITEM = 500


def checklist_items(chosen: Procedure, given: list[str]) -> list[str]:
    """The documents an officer asks for (ND 61/2018 art. 17 and 19: all at once): each a number
    of the procedure's checklist (1, 2, …), which becomes its name, or free text; a typed name that
    matches a checklist entry takes its spelling; blanks and repeats are dropped."""
    if len(given) > MISSING_ITEMS:
        raise CounterError(f"Một lần ghi tối đa {MISSING_ITEMS} giấy tờ còn thiếu.",
                           f"at most {MISSING_ITEMS} missing documents")
    by_name = {fold(name): name for name in chosen.documents}
    items: list[str] = []
    for raw in given:
        text = clean_text(raw, "Giấy tờ còn thiếu", MISSING_ITEM)
        if not text:
            continue
        if text.isdigit():
            number = int(text)
            if not 1 <= number <= len(chosen.documents):
                raise CounterError(
                    f"Thủ tục {chosen.code} có {len(chosen.documents)} giấy tờ trong thành phần hồ sơ; "
                    f"không có giấy tờ số {number}.",
                    f"no checklist document {number}",
                )
            text = chosen.documents[number - 1]
        text = by_name.get(fold(text), text)
        if text not in items:
            items.append(text)
    return items


def all_procedures(session: Session) -> list[Procedure]:
    return [Procedure(**row) for row in catalogue_table.all_procedures(session.db)]


def _stored_cutoff(value: bool | None) -> int | None:
    return None if value is None else int(value)


_UNSET = object()


def update_procedure(session: Session, code: str, days: int | None = None, fee: object = _UNSET,
                     documents: list[str] | None = None, online_level: str | None = None) -> Procedure:
    """Change one procedure of the unit's catalogue (an admin, in the window; issue 15): its time
    limit in working days, its fee (None: not set), its checklist of documents, one per item, and
    its online service (`online_level`: "full", "partial" or "").
    Only what is given changes; the change is audited with the new values. A dossier already
    received keeps the procedure's name, days and due date it was received with."""
    session.require("catalogue")
    current = procedure(session, code)
    changed: dict = {}
    if days is not None:
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
            raise CounterError(f"Thời hạn giải quyết phải từ 0 đến {MAX_DAYS} ngày làm việc.",
                               f"days must be 0-{MAX_DAYS}")
        changed["days"] = days
    if fee is not _UNSET:
        changed["fee"] = None if fee is None else fees.checked(int(fee))  # type: ignore[call-overload]
    if documents is not None:
        items = [clean_text(item, "tên giấy tờ", _LONG) for item in documents]
        changed["documents"] = [item for item in items if item]
    if online_level is not None:
        changed["online_level"] = parse_online_level(online_level)
    changed = {key: value for key, value in changed.items() if getattr(current, key) != value}
    if not changed:
        raise CounterError(f"Thủ tục {current.code} không có gì thay đổi.", "nothing to change")
    updated = dataclasses.replace(current, **changed)
    with write(session.db):
        catalogue_table.upsert(session.db, [dict(updated.as_dict(), name_folded=fold(updated.name),
                                                 cutoff=_stored_cutoff(updated.cutoff))], iso(now()))
        audit.log(session, "procedure_updated", updated.code, changed)
        session.note(Changes(catalogue=True))
    return updated
