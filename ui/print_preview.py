"""Printing a form: the same PDF bytes on screen, in a file and on paper.

`printing/` makes the PDF; QtPdf's QPdfDocument draws its pages onto the
preview and onto the printer, so what the officer sees is what comes out
(issue 3, scope 5). The officer may skip the preview and print straight to
the default printer (a setting of this workstation).

The preview is driven from the keyboard (issue 15): Enter or Ctrl+P opens
the print dialog, whose own Enter prints; Esc closes. The form's paper (A5
slips, A4 landscape ledger) is put back on the printer after the print
dialog: Windows printer drivers hand back their default paper (A4) and Qt
adopts it, so a slip would print on A4 (a known trap of Qt apps).
"""

import io
import threading

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

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


def form_layout(pages: PdfPages) -> QPageLayout:
    """The form's own paper: its first page's size and orientation, no margins (the PDF has its own).
    A landscape page is the portrait paper turned (A4 landscape is A4), as drivers know paper."""
    size = pages.points(0)
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                   else QPageLayout.Orientation.Portrait)
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def keep_form_paper(printer: QPrinter, layout: QPageLayout) -> None:
    """Put the form's paper back on `printer`, whatever a print dialog or its driver chose."""
    printer.setFullPage(True)
    printer.setPageLayout(layout)


def printer_for(pages: PdfPages) -> QPrinter:
    """A printer set to the form's own page size, without margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    keep_form_paper(printer, form_layout(pages))
    return printer


class PreviewDialog(QDialog):
    """The form as it will print, and the keys to print it; it keeps the PDF and its printer
    alive while open (Qt does not own the printer it is given)."""

    def __init__(self, pages: PdfPages, title: str, parent: QWidget | None = None, printer: QPrinter | None = None):
        super().__init__(parent)
        self.pages = pages
        self.layout_of_form = form_layout(pages)
        self.printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        keep_form_paper(self.printer, self.layout_of_form)
        self.sent = 0
        self.print_dialog: QPrintDialog | None = None
        self.setWindowTitle(f"Xem trước khi in — {title}")
        self.view = QPrintPreviewWidget(self.printer, self)
        self.view.paintRequested.connect(lambda target: paint(self.pages, target))
        self.view.previewChanged.connect(self._show_page)
        self.print_button = QPushButton("In… (Enter, Ctrl+P)")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.ask_print)
        close = QPushButton("Đóng (Esc)")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.page_label = QLabel()
        bar = QHBoxLayout()
        for text, tip, action in (
            ("−", "Thu nhỏ (Ctrl+-)", lambda: self.view.zoomOut()),
            ("+", "Phóng to (Ctrl++)", lambda: self.view.zoomIn()),
            ("Vừa trang", "Xem cả trang", self.view.fitInView),
            ("Vừa chiều rộng", "Vừa chiều rộng cửa sổ", self.view.fitToWidth),
            ("◀", "Trang trước (PgUp)", lambda: self._turn(-1)),
            ("▶", "Trang sau (PgDn)", lambda: self._turn(1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(action)
            bar.addWidget(button)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        bar.addWidget(close)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        for keys, action in (("Ctrl+P", self.ask_print), ("Ctrl++", self.view.zoomIn), ("Ctrl+=", self.view.zoomIn),
                             ("Ctrl+-", self.view.zoomOut), ("PgUp", lambda: self._turn(-1)),
                             ("PgDown", lambda: self._turn(1))):
            QShortcut(QKeySequence(keys), self, action)
        self.print_button.setFocus()
        # As tall as the screen allows (a 1366×768 screen keeps its taskbar and the title bar).
        room = QGuiApplication.primaryScreen().availableGeometry()
        height = max(480, min(1000, room.height() - 80))
        self.resize(min(room.width() - 40, height * 9 // 8), height)

    def _turn(self, step: int) -> None:
        self.view.setCurrentPage(max(1, min(self.view.pageCount(), self.view.currentPage() + step)))

    def _show_page(self) -> None:
        self.page_label.setText(f"Trang {self.view.currentPage()}/{self.view.pageCount()}")

    def ask_print(self) -> None:
        """The system's print dialog (which printer, how many copies); its Enter prints."""
        if self.print_dialog is not None and self.print_dialog.isVisible():
            return
        self.print_dialog = QPrintDialog(self.printer, self)
        self.print_dialog.setWindowTitle("In")
        self.print_dialog.finished.connect(self._chosen)
        QDialog.open(self.print_dialog)  # QPrintDialog.open wants a receiver; the plain one shows it

    def _chosen(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            return
        keep_form_paper(self.printer, self.layout_of_form)
        self.sent = paint(self.pages, self.printer)
        if self.sent:
            self.accept()


_warming: list[threading.Thread] = []


def warm_up() -> threading.Thread:
    """Load QtPdf's PDF engine (PDFium), draw a page once and ask the system for its printers
    (CUPS may take seconds to list network printers), on a thread of its own while the officer
    starts typing: the first preview then opens as fast as the next ones (issue 15). Once per
    process; `warmed()` waits for it before the first printer is made."""
    if _warming:
        return _warming[0]

    def run() -> None:
        from reportlab.pdfgen import canvas

        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=(148 * 72 / 25.4, 210 * 72 / 25.4))
        page.drawString(72, 72, "motcua")
        page.save()
        PdfPages(out.getvalue()).image(0, 36)
        QPrinterInfo.defaultPrinterName()

    thread = threading.Thread(target=run, name="motcua-warm-up", daemon=True)
    _warming.append(thread)
    thread.start()
    return thread


def warmed() -> None:
    """Wait for the warm-up, if one runs: Qt's printer plugin is loaded once, by one thread."""
    for thread in _warming:
        thread.join()
