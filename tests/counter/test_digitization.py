import pytest

from counter import lifecycle
from counter.digitization import attach, missing_scans
from counter.errors import CounterError
from tests.counter.helpers import at, receive, table_dump


@pytest.fixture
def scan(tmp_path):
    path = tmp_path / "trang-1.pdf"
    path.write_bytes(b"%PDF-1.4 scanned page")
    return path


def test_dossier_is_digitized_when_every_required_document_has_a_file(session, scan, tmp_path):
    dossier = receive(session, procedure="2.001035")  # three documents
    assert missing_scans(dossier) == [1, 2, 3] and not dossier.digitized
    dossier = attach(session, dossier.code, document=1, file=scan)
    dossier = attach(session, dossier.code, document=2, not_required=True)
    assert missing_scans(dossier) == [3] and not dossier.digitized
    other = tmp_path / "trang-2.pdf"
    other.write_bytes(b"another page")
    dossier = attach(session, dossier.code, document=3, file=other)
    assert dossier.digitized and missing_scans(dossier) == []


def test_files_are_stored_once_by_content(session, scan):
    first = attach(session, receive(session).code, document=1, file=scan)
    second = attach(session, receive(session).code, document=1, file=scan)
    sha = first.documents[0].file_sha256
    assert sha == second.documents[0].file_sha256
    stored = session.files.path_of(sha)
    assert stored.read_bytes() == scan.read_bytes()
    assert len(list(session.files.folder.rglob("*"))) == 2  # one folder, one file
    assert session.db.execute("SELECT count(*) FROM files").fetchone()[0] == 1


def test_result_digitization(session, scan):
    dossier = receive(session)
    with pytest.raises(CounterError, match="chưa có kết quả"):
        attach(session, dossier.code, result=True, file=scan)
    done = lifecycle.record_result(session, dossier.code, at("2025-03-04 10:00"))
    assert not done.result_digitized
    assert attach(session, dossier.code, result=True, file=scan).result_digitized
    other = receive(session)
    assert lifecycle.record_result(session, other.code, at("2025-03-04 10:00"), file=scan).result_digitized


@pytest.mark.parametrize("kwargs, message", [
    ({"document": 9, "file": "SCAN"}, "không có giấy tờ số 9"),
    ({"document": 1}, "Chọn tệp"),
    ({"file": "SCAN"}, "Chọn một giấy tờ"),
    ({"document": 1, "file": "/nonexistent.pdf"}, "Không tìm thấy tệp"),
    ({"result": True, "not_required": True}, "không thể đánh dấu"),
])
def test_bad_digitization_requests_change_nothing(session, scan, kwargs, message):
    dossier = receive(session)
    lifecycle.record_result(session, dossier.code, at("2025-03-04 10:00"))
    kwargs = {k: (scan if v == "SCAN" else v) for k, v in kwargs.items()}
    before = table_dump(session)
    with pytest.raises(CounterError, match=message):
        attach(session, dossier.code, **kwargs)
    assert table_dump(session) == before
