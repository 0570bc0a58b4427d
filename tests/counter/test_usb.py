"""Copying the export onto a USB drive, checked by SHA-256 (counter/usb.py; issue 15)."""

from collections import namedtuple
from pathlib import Path

import pytest

from counter import usb
from counter.errors import CounterError


def fake_system(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A /proc/self/mounts and a /sys/block with one USB stick, one fixed disk, a read-only card."""
    stick, disk, card = tmp_path / "media" / "KHO BAC", tmp_path / "data", tmp_path / "media" / "CARD"
    for folder in (stick, disk, card):
        folder.mkdir(parents=True)
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/sda2 {disk} ext4 rw,relatime 0 0\n"
        f"/dev/sdb1 {str(stick).replace(' ', chr(92) + '040')} vfat rw,nosuid 0 0\n"
        f"/dev/mmcblk0p1 {card} vfat ro,nosuid 0 0\n"
        "proc /proc proc rw 0 0\n")
    block = tmp_path / "block"
    for name, flag in (("sda", "0"), ("sdb", "1"), ("mmcblk0", "1")):
        (block / name).mkdir(parents=True)
        (block / name / "removable").write_text(flag + "\n")
    return mounts, block, stick


def test_only_writable_removable_drives_are_offered(tmp_path):
    mounts, block, stick = fake_system(tmp_path)
    drives = usb.removable_drives(mounts, block)
    assert [d.path for d in drives] == [stick]
    assert drives[0].label == "KHO BAC" and drives[0].describe().startswith("KHO BAC (")


def test_the_copy_is_read_back_and_matches(tmp_path):
    _, _, stick = fake_system(tmp_path)
    export = tmp_path / "000.00.53.H48-1-0003.motcua"
    export.write_bytes(b"export " * 10000)
    copied = usb.copy_verified(export, stick)
    assert copied == stick / export.name and copied.read_bytes() == export.read_bytes()
    assert not (stick / (export.name + ".partial")).exists()


def test_a_copy_that_does_not_match_is_removed(tmp_path, monkeypatch):
    _, _, stick = fake_system(tmp_path)
    export = tmp_path / "x.motcua"
    export.write_bytes(b"export")
    hashes = iter(["a" * 64, "b" * 64])  # the drive gave back other bytes
    monkeypatch.setattr(usb, "_sha256", lambda path: next(hashes))
    with pytest.raises(CounterError) as refused:
        usb.copy_verified(export, stick)
    assert "không khớp" in refused.value.message and not (stick / export.name).exists()


def test_a_drive_pulled_out_or_full_is_refused(tmp_path, monkeypatch):
    export = tmp_path / "x.motcua"
    export.write_bytes(b"export")
    with pytest.raises(CounterError, match="đã rút USB"):
        usb.copy_verified(export, tmp_path / "gone")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(usb.shutil, "disk_usage", lambda path: usage(10, 10, 0))
    with pytest.raises(CounterError, match="không đủ chỗ"):
        usb.copy_verified(export, tmp_path)
