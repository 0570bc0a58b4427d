"""Scans dropped onto each document and onto the result; the list of dossiers lacking scans."""

from datetime import timedelta

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from counter import dossiers, intake, lifecycle
from counter.clock import now


def drop_file(widget, path) -> None:
    """A file dragged in from the file manager and dropped (Qt only routes real drags, so the
    widget's handlers get the events directly)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    where, copy = QPointF(5, 5), Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where.toPoint(), copy, data, buttons, keys)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    widget.dropEvent(QDropEvent(where, copy, data, buttons, keys))


def test_drop_scans_on_documents_and_result_until_complete(app, session, tmp_path):
    dossier = intake.receive(session, "1.001193", "Ngô Thị Yến", at=now() - timedelta(hours=5))
    lifecycle.record_result(session, dossier.code, at=now() - timedelta(hours=1))
    scans = []
    for n in range(2):
        scans.append(tmp_path / f"scan-{n}.pdf")
        scans[-1].write_bytes(b"%PDF-1.4 page " + bytes([48 + n]))
    screen = app.window.digitization
    app.screen(screen)
    app.qtbot.waitUntil(lambda: screen.missing.complete)
    app.idle()
    assert list(screen.missing.model.ids) == [dossier.id]
    screen.missing.view.setCurrentIndex(screen.missing.model.index(0, 0))
    screen.missing.view.activated.emit(screen.missing.model.index(0, 0))
    app.idle()
    assert screen.dossier.code == dossier.code
    assert set(screen.drops) == {1, 2, "result"}
    drop_file(screen.drops[1], scans[0])
    app.idle()
    assert "còn thiếu: giấy tờ 2, kết quả" in screen.message.text()
    # The second document was only shown: no scan needed.
    screen.grid.itemAtPosition(1, 3).widget().click()
    app.idle()
    drop_file(screen.drops["result"], scans[1])
    app.idle()
    assert screen.message.text() == f"Hồ sơ {dossier.code} đã số hóa đầy đủ."
    done = dossiers.get(session, dossier.code)
    assert done.digitized and done.result_digitized
    assert done.documents[0].file_sha256 and done.documents[1].not_required
    app.qtbot.waitUntil(lambda: screen.missing.complete)
    app.idle()
    assert len(screen.missing.model.ids) == 0


def test_open_by_code_and_refuse_unknown(app, session):
    dossier = intake.receive(session, "1.000894", "Lý Văn Phong")
    screen = app.window.digitization
    app.screen(screen)
    screen.open_code(dossier.code)
    app.idle()
    assert screen.dossier.code == dossier.code and "result" not in screen.drops
    screen.open_code("không-có")
    app.idle()
    assert screen.message.kind == "error"
