"""Issues 12 and 13: every file in the sync folder is hostile. A truncated, altered, oversized, foreign,
replayed, unsigned, re-sealed or stranger-signed file is skipped with its reason, nothing crashes, and
nothing of it reaches the database; the next sync with sound files brings everything."""

import gzip
import hashlib
import json
import shutil

import orjson
import pytest

from counter import digitization, sync, sync_folder, sync_log, sync_trust
from tests.counter.helpers import receive
from tests.counter.sync_helpers import approve_each_other, data_dump, picture, station

UNIT_FOLDER = ("motcua-sync", "000.00.53.H48")


@pytest.fixture
def pair(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    one, two = station(tmp_path, 1), station(tmp_path, 2)
    approve_each_other([one, two])
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan " * 500)
    for n in range(3):
        code = receive(one, f"2025-03-03 0{n + 7}:00", name=f"Nguyễn Văn {'ABC'[n]}").code
    digitization.attach(one, code, document=1, file=scan)
    sync.sync(one, share)
    yield share, one, two
    one.close()
    two.close()


def _folder(share, session):
    return share.joinpath(*UNIT_FOLDER, sync_log.ws_id(session))


def _segment(share, session):
    [(_a, _b, path)] = sync_folder.segments(_folder(share, session))
    return path


def _rewrite(path, change, signer=None):
    """Open a segment, let `change` edit its (header, records) and write it back validly compressed; with
    `signer` (a counter's session), signed again by its key, as that counter's software would have written it."""
    lines = gzip.decompress(path.read_bytes()).split(b"\n")[:-1]
    header, records = orjson.loads(lines[0]), [orjson.loads(line) for line in lines[1:]]
    header, records, rehash = change(header, records)
    body = b"".join(orjson.dumps(r) + b"\n" for r in records)
    if rehash:
        header["body_sha256"] = hashlib.sha256(body).hexdigest()
    if signer is not None:
        header = sync_trust.signing(signer)(header)
    path.write_bytes(gzip.compress(orjson.dumps(header) + b"\n" + body))


def _truncated(share, one, tmp_path):
    path = _segment(share, one)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return "không trọn vẹn"


def _flipped(share, one, tmp_path):
    path = _segment(share, one)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return "tệp nén"


def _altered(share, one, tmp_path):
    def change(header, records):
        records[-1]["detail"]["applicant_name"] = "Kẻ Mạo Danh"
        return header, records, False
    _rewrite(_segment(share, one), change)
    return "không khớp mã băm"


def _bad_record(share, one, tmp_path):
    def change(header, records):
        receipt = next(r for r in records if r["type"] == "event")
        receipt["detail"]["channel"] = "fax"
        return header, records, True
    _rewrite(_segment(share, one), change, one)
    return "kênh nộp sai"


def _wrong_kind(share, one, tmp_path):
    def change(header, records):
        event = next(r for r in records if r["type"] == "event")
        event["kind"] = "teleported"
        return header, records, True
    _rewrite(_segment(share, one), change, one)
    return "không có trong bảng trạng thái"


def _oversized(share, one, tmp_path):
    """Bigger than any segment may be as stored (a sparse file: no disk is filled)."""
    path = _segment(share, one)
    with open(path, "r+b") as handle:
        handle.truncate(sync_folder.MAX_FILE + 1)
    return "tệp lớn quá"


def _bomb(share, one, tmp_path):
    """Lines just under the line cap until the inflated size passes its cap."""
    path = _segment(share, one)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"format":"motcua-sync"}\n')
        block = b"x" * ((1 << 20) - 1) + b"\n"
        for _ in range(1100):
            out.write(block)
    return "giải nén vượt"


def _many_lines(share, one, tmp_path):
    path = _segment(share, one)
    path.write_bytes(gzip.compress(b'{"format":"motcua-sync"}\n' + b"\n" * (50 << 20)))
    return "bản ghi"


def _long_line(share, one, tmp_path):
    path = _segment(share, one)
    path.write_bytes(gzip.compress(b"{" + b" " * (sync_folder.MAX_HEADER + 10)))
    return "dòng dài"


def _foreign(share, one, tmp_path):
    def change(header, records):
        return dict(header, unit="000.00.99.H99"), records, True
    _rewrite(_segment(share, one), change)
    return "đơn vị khác"


def _replayed(share, one, tmp_path):
    """Another station's folder holding a copy of this one's segment under its own name."""
    path = _segment(share, one)
    other = share.joinpath(*UNIT_FOLDER, "0123456789abcdef")
    other.mkdir()
    shutil.copy(path, other / path.name)
    station = json.loads((path.parent / "station.json").read_text())
    station.update(ws_id="0123456789abcdef", workstation=5, lineage=[])
    (other / "station.json").write_text(json.dumps(station))
    shutil.rmtree(path.parent)  # only the replayed copy is left
    return "của một máy khác"


def _station_garbage(share, one, tmp_path):
    (_folder(share, one) / "station.json").write_bytes(b"\x00\xff not json")
    return None


def _re_sealed(share, one, tmp_path):
    """A record edited and the body's hash recomputed, exactly as the format says: the signature no longer holds."""
    def change(header, records):
        records[-1]["detail"]["applicant_name"] = "Kẻ Mạo Danh"
        return header, records, True
    _rewrite(_segment(share, one), change)
    return "chữ ký số không khớp nội dung"


def _unsigned(share, one, tmp_path):
    """The file as a counter without issue 13 wrote it: no signature at all."""
    def change(header, records):
        return dict(header, signature=None, version=1), records, False
    _rewrite(_segment(share, one), change)
    return "không có chữ ký số"


def _stranger(share, one, tmp_path):
    """Records written and signed by a PC the unit admin never approved (anyone with write access to the share)."""
    def change(header, records):
        records[-1]["detail"]["applicant_name"] = "Kẻ Mạo Danh"
        return header, records, True
    with station(tmp_path / "stranger" if (tmp_path / "stranger").mkdir() is None else None, 4,
                 catalogue_too=False) as stranger:
        _rewrite(_segment(share, one), change, stranger)
    return "chưa được quản trị viên duyệt"


CASES = [_truncated, _flipped, _altered, _bad_record, _wrong_kind, _oversized, _bomb, _many_lines, _long_line,
         _foreign, _replayed,
         _station_garbage, _re_sealed, _unsigned, _stranger]


@pytest.mark.parametrize("corrupt", CASES, ids=lambda f: f.__name__.strip("_"))
def test_a_hostile_file_is_skipped_with_its_reason_and_changes_nothing(pair, corrupt, tmp_path):
    share, one, two = pair
    broken = tmp_path / "broken"
    shutil.copytree(share, broken)
    expected = corrupt(broken, one, tmp_path)
    before = data_dump(two)
    report = sync.sync(two, broken)
    assert report["received"] == 0
    if expected is None:
        assert report["skipped"], report
    else:
        assert any(expected in s["reason"] for s in report["skipped"]), report["skipped"]
    assert data_dump(two) == before
    # Sound files afterwards: everything arrives.
    assert sync.sync(two, share)["received"] > 0
    assert picture(two)["dossiers"] == picture(one)["dossiers"]


def test_the_same_segment_delivered_twice_is_applied_once(pair, tmp_path):
    share, one, two = pair
    sync.sync(two, share)
    first = picture(two)
    path = _segment(share, one)
    shutil.copy(path, path.with_name(sync_folder.segment_name(1, 2)))  # a copy covering part of it
    report = sync.sync(two, share)
    assert report["received"] == 0 and report["skipped"] == [] and picture(two) == first

