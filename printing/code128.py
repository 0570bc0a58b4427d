"""The dossier code as a Code 128 barcode, drawn as vector bars.

python-barcode does the encoding (start code, code sets, check symbol); the bars are
reportlab rectangles, so they stay crisp at any printer resolution. The code is
always printed in words too: a barcode may sit beside it, never instead of it
(ND 61/2018 art. 26, shared/domain/README.md).
"""

import hashlib

from barcode.codex import Code128
from reportlab.lib.units import mm

QUIET_MODULES = 10  # the light margin each side that scanners need


def modules(code: str) -> str:
    """The bar pattern of `code`: '1' a dark module, '0' a light one."""
    return Code128(code).build()[0]


class Barcode:
    """A Code 128 symbol centred in `width`, `module` wide per module and `height` tall."""

    def __init__(self, code: str, width: float, module: float = 0.3 * mm, height: float = 10 * mm,
                 space_before: float = 1.5 * mm, space_after: float = 1 * mm):
        self.pattern = modules(code)
        self.width = width
        self.module = min(module, width / (len(self.pattern) + 2 * QUIET_MODULES))
        self.bar_height = height
        self.space_before = space_before
        self.height = space_before + height + space_after

    def draw(self, canvas, x: float, top: float) -> None:
        """The bars go into a form XObject drawn once per PDF: both receipt copies reuse it."""
        name = "barcode" + hashlib.sha1(f"{self.pattern}{self.module}{self.bar_height}".encode()).hexdigest()[:16]
        if not canvas.hasForm(name):
            canvas.beginForm(name, 0, 0, len(self.pattern) * self.module, self.bar_height)
            canvas.setFillColorRGB(0, 0, 0)
            start = None
            for index, bit in enumerate(self.pattern + "0"):
                if bit == "1" and start is None:
                    start = index
                elif bit == "0" and start is not None:
                    canvas.rect(start * self.module, 0, (index - start) * self.module, self.bar_height,
                                stroke=0, fill=1)
                    start = None
            canvas.endForm()
        canvas.saveState()
        canvas.translate(x + (self.width - len(self.pattern) * self.module) / 2,
                         top - self.space_before - self.bar_height)
        canvas.doForm(name)
        canvas.restoreState()
