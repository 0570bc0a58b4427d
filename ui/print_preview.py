"""Printing a form: the same PDF bytes on screen, in a file and on paper.

`printing/` makes the PDF; QtPdf's QPdfDocument draws its pages onto the
preview and onto the printer, so what the officer sees is what comes out
(issue 3, scope 5). The officer may skip the preview and print straight to
the default printer (a setting of this workstation).
"""

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

# Pages are rasterised at this resolution for the printer: sharp text, scannable barcodes.
PRINT_DPI = 300


class PdfPages:
    """A PDF held in memory, readable by Qt."""

    def __init__(self, data: bytes):
        self.data = data
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise ValueError("not a readable PDF")

    @property
    def count(self) -> int:
        return self.document.pageCount()

    def points(self, page: int):
        return self.document.pagePointSize(page)

    def image(self, page: int, dpi: int):
        size = self.points(page)
        pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        return self.document.render(page, pixels)


def paint(pages: PdfPages, printer: QPrinter) -> int:
    """Draw every page onto `printer` (a printer or the preview); returns the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for page in range(pages.count):
            if page:
                printer.newPage()
            image = pages.image(page, PRINT_DPI)
            target = painter.viewport()
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(QPoint(target.x(), target.y()), scaled))
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            painter.setWindow(target)
    finally:
        painter.end()
    return pages.count


def printer_for(pages: PdfPages) -> QPrinter:
    """A printer set to the form's own page size, without margins (the PDF has its own)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    size = pages.points(0)
    page_size = QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                   else QPageLayout.Orientation.Portrait)
    printer.setPageLayout(QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)
    return printer


class PreviewDialog(QPrintPreviewDialog):
    """The print dialog with preview; it keeps the PDF and its printer alive while open
    (Qt does not own the printer it is given)."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None):
        self.pages = PdfPages(data)
        self.printer = printer_for(self.pages)
        super().__init__(self.printer, parent)
        self.setWindowTitle(f"Xem trước khi in — {title}")
        self.paintRequested.connect(lambda target: paint(self.pages, target))
        self.resize(900, 1000)
