"""Chép ra USB: the end-of-day export copied onto a removable drive, and the copy checked.

Officers carry the day's export to the province on a USB stick (issue 4; issue 15 asked
for it from the window). Only removable drives are offered, so the file never lands on
another fixed disk by mistake; the copy is written beside its final name, flushed, renamed,
then read back from the drive and compared with the export by SHA-256: only a copy that
matches counts, a bad one is removed.
"""

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from counter.errors import CounterError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str  # what the officer recognises: the volume's name, else its mount point or letter
    free: int  # bytes

    def describe(self) -> str:
        return f"{self.label} ({_size(self.free)} trống)"


def removable_drives(mounts: Path = Path("/proc/self/mounts"), sys_block: Path = Path("/sys/block")) -> list[Drive]:
    """The removable drives mounted now and writable (USB sticks, memory cards)."""
    if sys.platform == "win32":
        return _windows_drives()
    found = []
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or not parts[0].startswith("/dev/"):
            continue
        device, point, options = parts[0], Path(parts[1].replace("\\040", " ")), parts[3].split(",")
        if "ro" in options or not _removable(device, sys_block):
            continue
        try:
            free = shutil.disk_usage(point).free
        except OSError:
            continue
        found.append(Drive(point, point.name or str(point), free))
    return found


def _removable(device: str, sys_block: Path) -> bool:
    """Is the disk holding partition `device` removable, or on USB (USB hard disks say 0)?"""
    name = Path(device).name
    for disk in sorted((p.name for p in sys_block.glob("*")), key=len, reverse=True):
        if name.startswith(disk):
            entry = sys_block / disk
            try:
                flag = (entry / "removable").read_text().strip()
            except OSError:
                flag = "0"
            return flag == "1" or "/usb" in str(entry.resolve())
    return False


def _windows_drives() -> list[Drive]:  # pragma: no cover - Windows only
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    found = []
    mask = kernel.GetLogicalDrives()
    for index in range(26):
        if not mask & (1 << index):
            continue
        root = f"{chr(65 + index)}:\\"
        if kernel.GetDriveTypeW(root) != 2:  # DRIVE_REMOVABLE
            continue
        name = ctypes.create_unicode_buffer(261)
        if not kernel.GetVolumeInformationW(root, name, 261, None, None, None, None, 0):
            continue  # no medium in the reader
        try:
            free = shutil.disk_usage(root).free
        except OSError:
            continue
        found.append(Drive(Path(root), f"{name.value or 'USB'} ({root[:2]})", free))
    return found


def copy_verified(source: str | Path, drive: str | Path) -> Path:
    """Copy `source` into the folder `drive`; the copy read back must have the source's SHA-256."""
    source, folder = Path(source), Path(drive)
    if not source.is_file():
        raise CounterError(f"Không tìm thấy tệp «{source}».", f"no such file {source}")
    if not folder.is_dir():
        raise CounterError(f"Ổ «{folder}» không còn (đã rút USB?).", f"{folder} is gone")
    size = source.stat().st_size
    if shutil.disk_usage(folder).free < size:
        raise CounterError(f"USB không đủ chỗ: cần {_size(size)}.", "not enough room on the drive")
    expected = _sha256(source)
    target = folder / source.name
    partial = folder / (source.name + ".partial")
    try:
        with open(source, "rb") as reader, open(partial, "wb") as writer:
            shutil.copyfileobj(reader, writer, _CHUNK)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(partial, target)
        copied = _sha256(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CounterError(f"Không chép được sang USB: {exc.strerror or exc}.", "the copy failed") from None
    if copied != expected:
        target.unlink(missing_ok=True)
        raise CounterError("Bản chép trên USB không khớp với tệp xuất (SHA-256 khác); đã xóa bản chép. "
                           "Hãy thử lại hoặc dùng USB khác.", "the copy does not match its source")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size(count: int) -> str:
    if count >= 1 << 30:
        return f"{count / (1 << 30):.1f} GB".replace(".", ",")
    return f"{count / (1 << 20):.1f} MB".replace(".", ",")
