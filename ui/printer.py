"""Printing forms from the app: PDF bytes from printing.forms on the worker, then paper.

The officer chooses, per workstation, between a print dialog with preview
and straight printing to the default printer (Settings). Either way the
pages are drawn from the PDF that `printing/` made (ui/print_preview.py),
on a printer set to the form's own paper.
"""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from printing import forms
from ui import print_preview
from ui.operations import Runner, message_of
from ui.preferences import Preferences


class FormPrinter(QObject):
    ready = Signal(str, bytes)  # title, the PDF about to be previewed or printed
    printed = Signal(str, int)  # title, pages sent to the printer
    previewed = Signal(object)  # the preview dialog, once open
    failed = Signal(str)

    def __init__(self, runner: Runner, preferences: Preferences, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.preferences = preferences
        self.window = parent
        # Which printer: the default printer unless a test or a setting says otherwise.
        self.make_printer: Callable[[print_preview.PdfPages], QPrinter] = print_preview.printer_for
        self.dialog: print_preview.PreviewDialog | None = None

    def form(self, form: str, code: str) -> None:
        """Print form `form` of dossier `code`."""
        self._print(lambda session: forms.form_pdf(session, form, code), f"{forms.FORM_LABELS[form]} — {code}")

    def ledger(self, start: date, end: date) -> None:
        self._print(lambda session: forms.ledger_pdf(session, start, end),
                    f"{forms.FORM_LABELS['ledger']} {start:%d/%m/%Y}–{end:%d/%m/%Y}")

    def _print(self, make: Callable, title: str) -> None:
        self.runner.run(make, done=lambda data: self.output(data, title),
                        failed=lambda error: self.failed.emit(message_of(error)),
                        label="Đang tạo bản in…", parent=self.window)

    def output(self, data: bytes, title: str) -> None:
        self.ready.emit(title, data)
        print_preview.warmed()  # done long before, unless the officer prints within a second of start-up
        pages = print_preview.PdfPages(data)
        printer = self.make_printer(pages)
        if self.preferences.direct_print:
            sent = print_preview.paint(pages, printer)
            if sent:
                self.printed.emit(title, sent)
            else:
                self.failed.emit("Không in được: không tìm thấy máy in mặc định hoặc máy in không sẵn sàng.")
            return
        dialog = print_preview.PreviewDialog(pages, title, self.window, printer)
        dialog.accepted.connect(lambda: self.printed.emit(title, dialog.sent))
        self.dialog = dialog
        dialog.open()
        self.previewed.emit(dialog)
