"""An attached scan opens inside motcua from the dossier (issue 15): PDF by QtPdf, images whole."""

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from reportlab.pdfgen import canvas

from counter import intake, lifecycle
from tests.ui.helpers import press


def pdf_file(path, pages: int = 2):
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number in range(pages):
        page.drawString(72, 720, f"To khai trang {number + 1}")
        page.showPage()
    page.save()
    path.write_bytes(out.getvalue())
    return path


def png_file(path):
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a62c9"))
    image.save(str(path), "PNG")
    return path


def opened(app, code):
    app.window.open_dossier(code)
    app.idle()
    return app.window.dialogs[-1]


def test_enter_on_a_document_opens_its_pdf_or_picture(app, session, tmp_path):
    dossier = intake.receive(session, "1.001193", "Lê Thị Hạnh", documents=[
        intake.DocumentInput("Tờ khai đăng ký khai sinh", file=pdf_file(tmp_path / "to-khai.pdf")),
        intake.DocumentInput("Giấy chứng sinh", file=png_file(tmp_path / "chung-sinh.png")),
        intake.DocumentInput("Giấy tờ tùy thân"),
    ])
    dialog = opened(app, dossier.code)
    table = dialog.documents
    table.setFocus()
    table.setCurrentCell(0, 0)
    assert dialog.view_button.isEnabled()
    press(table, Qt.Key.Key_Return)
    app.idle()
    viewer = dialog.viewer
    assert viewer.isVisible() and viewer.pdf is not None and viewer.document.pageCount() == 2
    assert "to-khai.pdf · 2 trang" == viewer.info.text()
    viewer.reject()
    table.setCurrentCell(1, 0)
    dialog.view_scan()
    app.idle()
    assert dialog.viewer.picture is not None and not dialog.viewer.picture.pixmap().isNull()
    dialog.viewer.reject()
    table.setCurrentCell(2, 0)
    assert not dialog.view_button.isEnabled()  # nothing scanned to show
    dialog.close()


def test_a_scan_changed_on_disk_is_refused(app, session, tmp_path):
    dossier = intake.receive(session, "1.001193", "Lê Thị Hạnh", documents=[
        intake.DocumentInput("Tờ khai đăng ký khai sinh", file=pdf_file(tmp_path / "to-khai.pdf"))])
    stored = session.files.path_of(dossier.documents[0].file_sha256)
    stored.write_bytes(b"%PDF-1.4 something else")
    dialog = opened(app, dossier.code)
    dialog.documents.setCurrentCell(0, 0)
    dialog.view_scan()
    app.idle()
    assert dialog.viewer is None and dialog.message.kind == "error" and "bị thay đổi" in dialog.message.text()
    dialog.close()


def test_the_result_file_opens_too(app, session, tmp_path):
    dossier = intake.receive(session, "1.001193", "Lê Thị Hạnh")
    lifecycle.record_result(session, dossier.code, file=pdf_file(tmp_path / "trich-luc.pdf", pages=1))
    dialog = opened(app, dossier.code)
    assert dialog.result_button.isEnabled()
    dialog.result_button.click()
    app.idle()
    assert dialog.viewer.document.pageCount() == 1 and "kết quả" in dialog.viewer.windowTitle()
    dialog.viewer.reject()
    dialog.close()
