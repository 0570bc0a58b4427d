"""Opening a scan attached to a dossier: its bytes, read and checked on the worker.

The file store names every file by its SHA-256 (db/files.py), so what is read is checked
against its name: a file changed or damaged on disk is refused, never shown as the scan.
"""

import hashlib
from dataclasses import dataclass

from counter import dossiers
from counter.errors import CounterError
from counter.session import Session
from db import files as file_table

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


@dataclass(frozen=True)
class Scan:
    name: str  # the file's name when it was attached
    data: bytes

    @property
    def kind(self) -> str:
        """"pdf", "image" or "" (shown as neither)."""
        if self.data.startswith(b"%PDF"):
            return "pdf"
        if self.data.startswith(IMAGE_MAGIC):
            return "image"
        return ""


def document_scan(session: Session, code: str, position: int) -> Scan:
    """The scan of document number `position` (1-based) of dossier `code`."""
    session.require("view")
    dossier = dossiers.get(session, code)
    document = next((d for d in dossier.documents if d.position == position), None)
    if document is None:
        raise CounterError(f"Hồ sơ {dossier.code} không có giấy tờ số {position}.", "no such document")
    if not document.file_sha256:
        raise CounterError(f"Giấy tờ số {position} của hồ sơ {dossier.code} chưa có bản số hóa.", "no scan")
    return _read(session, document.file_sha256)


def result_scan(session: Session, code: str) -> Scan:
    """The scanned or electronic result of dossier `code`."""
    session.require("view")
    dossier = dossiers.get(session, code, with_documents=False)
    if not dossier.result_file:
        raise CounterError(f"Hồ sơ {dossier.code} chưa có tệp kết quả.", "no result file")
    return _read(session, dossier.result_file)


def _read(session: Session, sha256: str) -> Scan:
    path = session.files.path_of(sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CounterError("Tệp bản số hóa chưa có trên máy này (có thể chưa được chép về từ quầy khác).",
                           "the scan is not in this workstation's file store") from None
    except OSError as exc:
        raise CounterError(f"Không đọc được tệp bản số hóa: {exc.strerror}.", "cannot read the scan") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CounterError("Tệp bản số hóa trên máy đã bị thay đổi hoặc hỏng; không mở.", "the scan does not match")
    found = file_table.info(session.db, sha256)
    return Scan(name=found["name"] if found else sha256[:12], data=data)
