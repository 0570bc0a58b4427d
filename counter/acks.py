"""Xác nhận của tỉnh: what the province holds of each workstation's exports, signed by it.

After each import the province writes, for every workstation the command touched, one
signed document (counter/signed_document.py) with the last sequence stored and the runs of
sequences missing below it. The unit imports it (`ack import`), checked against the
province key it pinned from the province package, and the Today screen shows
"Tỉnh đã nhận đến số 57 · thiếu số 52": the officer resends 52 (`export --resend 52`).
Nothing the unit has is deleted, acknowledged or not: an acknowledgement only shows what
is safe at the province.
"""

from pathlib import Path

from counter import audit, crypto, export_archive, package, signed_document
from counter.clock import iso, now
from counter.errors import CounterError
from counter.export_archive import is_int, is_time
from counter.province import enrolment, server
from counter.session import Session
from db import export as export_table
from db import keys as key_table
from db.connection import write

KIND = "ack"
FORMAT = "motcua-ack"
MAX_RUNS = 10_000
_WHAT = "tệp xác nhận của tỉnh"


def default_folder(session: Session) -> Path:
    """`PATH-acks/` beside the province database."""
    return server.beside(session, "-acks")


# ---- the province writes ------------------------------------------------------------------------

def write_acks(session: Session, sources: set[tuple[str, int]], folder: Path | None = None) -> list[str]:
    """One signed acknowledgement per (unit, workstation); none when the province has no key yet."""
    keys = enrolment.optional_own_keys(session)
    if keys is None or not sources:
        return []
    signing, _ = keys
    folder = Path(folder) if folder else default_folder(session)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CounterError(f"Đã nhập xong nhưng không tạo được thư mục xác nhận {folder}: {exc.strerror}.",
                           f"cannot create {folder}") from None
    written = []
    for unit, workstation in sorted(sources):
        received = session.province.received(unit, workstation)
        if not received:
            continue
        last = received[-1]
        body = {"format": FORMAT, "format_version": 1, "unit": unit, "workstation": workstation,
                "last_sequence": last, "missing": runs(_missing(received)), "received": len(received),
                "created_at": iso(now()), "province": signing.fingerprint}
        path = folder / f"motcua-ack-{unit}-q{workstation}-{last:06d}.json"
        signed_document.write(path, KIND, body, signing)
        written.append(str(path))
    return written


def _missing(received: list[int]) -> list[int]:
    present = set(received)
    return [n for n in range(1, min(received[-1], export_archive.MAX_SEQUENCE) + 1) if n not in present]


def runs(numbers: list[int]) -> list[list[int]]:
    """1, 2, 3, 5 -> [[1, 3], [5, 5]] (at most MAX_RUNS)."""
    found: list[list[int]] = []
    for number in numbers:
        if found and number == found[-1][1] + 1:
            found[-1][1] = number
        else:
            found.append([number, number])
    return found[:MAX_RUNS]


# ---- the unit records ---------------------------------------------------------------------------

def import_ack(session: Session, path: str | Path) -> dict:
    """Record a province acknowledgement for this workstation; returns `status`."""
    session.require("export")
    settings = session.require_unit()
    document = signed_document.read(path, KIND, _WHAT)
    pin = package.pinned(session)
    if pin is None:
        raise CounterError("Đơn vị chưa nhập gói dữ liệu nào của tỉnh nên chưa có khóa của tỉnh để kiểm tra xác nhận;"
                           " hãy nhập gói của tỉnh trước (package import). Chưa thay đổi gì.",
                           "no province key pinned yet")
    if document.key != pin.signing:
        raise _bad(path, f"được ký bằng khóa {crypto.fingerprint(document.key)}, không phải khóa của tỉnh "
                         f"({pin.signing_fingerprint})")
    body = document.body
    missing = body.get("missing")
    if body.get("format") != FORMAT or body.get("format_version") != 1 \
            or not is_int(body.get("last_sequence"), 1, export_archive.MAX_SEQUENCE) \
            or not is_time(body.get("created_at")) or not _valid_runs(missing, body.get("last_sequence")):
        raise _bad(path, "nội dung không đúng định dạng")
    if body.get("unit") != settings.unit_code or body.get("workstation") != settings.workstation:
        raise _bad(path, f"đây là xác nhận cho đơn vị {str(body.get('unit'))[:40]}, quầy "
                         f"{str(body.get('workstation'))[:4]}, không phải quầy này")
    with write(session.db):
        new = key_table.add_ack(session.db, {
            "sha256": document.sha256, "workstation": settings.workstation, "last_sequence": body["last_sequence"],
            "missing": missing, "created_at": body["created_at"], "imported_at": iso(now()),
            "imported_by": session.username})
        if new:
            audit.log(session, "province_ack_imported", str(path), {
                "last_sequence": body["last_sequence"], "missing": missing, "created_at": body["created_at"]})
    return dict(status(session), new=new)


def _valid_runs(value, last) -> bool:
    if type(value) is not list or len(value) > MAX_RUNS or not is_int(last, 1):
        return False
    previous = 0
    for item in value:
        if type(item) is not list or len(item) != 2 or not all(is_int(n, 1, last) for n in item) \
                or not previous < item[0] <= item[1] < last:
            return False
        previous = item[1] + 1
    return True


def status(session: Session) -> dict:
    """{"last_sequence", "missing", "acknowledged_at", "exported", "waiting"}: what the province
    confirmed (None before any acknowledgement), what this workstation exported, and the exports
    after the acknowledged one, not confirmed yet."""
    workstation = session.settings.workstation
    ack = key_table.latest_ack(session.db, workstation)
    exported = export_table.last_sequence(session.db, workstation)
    last = ack["last_sequence"] if ack else 0
    return {"last_sequence": ack["last_sequence"] if ack else None,
            "missing": ack["missing"] if ack else [], "acknowledged_at": ack["created_at"] if ack else None,
            "exported": exported, "waiting": runs(list(range(last + 1, exported + 1))) if exported > last else []}


def line(state: dict) -> str:
    """The Today screen's line: "Tỉnh đã nhận đến số 57 · thiếu số 52"."""
    if state["last_sequence"] is None:
        return "Chưa có xác nhận nào của tỉnh." + (f" Đã xuất đến số {state['exported']}." if state["exported"] else "")
    text = f"Tỉnh đã nhận đến số {state['last_sequence']}"
    if state["missing"]:
        text += f" · thiếu số {written_runs(state['missing'])}"
    if state["waiting"]:
        text += f" · chờ xác nhận số {written_runs(state['waiting'])}"
    return text


def written_runs(value: list[list[int]]) -> str:
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in value)


def _bad(path, why: str) -> CounterError:
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(path)[:160])
    return CounterError(f"Tệp xác nhận của tỉnh {shown} bị từ chối: {why}. Không thay đổi gì.",
                        "acknowledgement refused")
