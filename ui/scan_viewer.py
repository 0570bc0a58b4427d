"""Xem bản số hóa: a scan attached to a dossier, shown inside motcua.

A PDF is drawn by QtPdf, page by page (PgUp/PgDn); a picture is shown whole, to the width of
the window. The bytes were read and checked on the worker (counter/scans.py). Esc closes.
"""

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from counter.scans import Scan


class ScanViewer(QDialog):
    def __init__(self, scan: Scan, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.scan = scan
        self.setWindowTitle(f"Bản số hóa — {title}")
        self.info = QLabel(scan.name)
        close = QPushButton("Đóng (Esc)")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.pdf: QPdfView | None = None
        self.picture: QLabel | None = None
        if scan.kind == "pdf":
            self._buffer = QBuffer()
            self._buffer.setData(QByteArray(scan.data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self._buffer)
            self.pdf = QPdfView()
            self.pdf.setDocument(self.document)
            self.pdf.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            layout.addWidget(self.pdf, 1)
            navigator = self.pdf.pageNavigator()
            QShortcut(QKeySequence("PgDown"), self, lambda: navigator.jump(
                min(self.document.pageCount() - 1, navigator.currentPage() + 1), navigator.currentLocation()))
            QShortcut(QKeySequence("PgUp"), self, lambda: navigator.jump(
                max(0, navigator.currentPage() - 1), navigator.currentLocation()))
            self.info.setText(f"{scan.name} · {self.document.pageCount()} trang")
        else:
            image = QImage.fromData(scan.data)
            self.picture = QLabel()
            self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            if image.isNull():
                self.picture.setText("Không xem được tệp này trong motcua (không phải PDF hay ảnh).")
            else:
                self.picture.setPixmap(QPixmap.fromImage(image).scaledToWidth(
                    min(image.width(), 860), Qt.TransformationMode.SmoothTransformation))
                self.info.setText(f"{scan.name} · ảnh {image.width()}×{image.height()}")
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setWidget(self.picture)
            layout.addWidget(area, 1)
        self.resize(900, 660)
