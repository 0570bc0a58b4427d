"""The page every form shares: fonts, page sizes, the two-column header, title, signatures.

Official documents use Times New Roman (forms.md); Liberation Serif 2 has the same
metrics and covers Vietnamese (1.x does not). It is bundled under printing/fonts/
(OFL, license beside it) so a form looks the same on every machine.
"""

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from counter.settings import UnitSettings
from printing.layout import Columns, Grid, Rule, Run, Space, Stack, Text, TextStyle, paginate

FONT_FOLDER = Path(__file__).with_name("fonts")
REGULAR, BOLD, ITALIC, BOLD_ITALIC = (
    "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic")
FONT_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _register_fonts() -> None:
    """Once per process: parsing the TrueType files is the slow part of the first form."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FOLDER / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)


_register_fonts()
# Binary streams: every PDF reader takes them, and ASCII85 text encoding cost a quarter of a
# receipt's time. reportlab only reads this setting globally; only printing/ uses reportlab.
rl_config.useA85 = 0

# name: font, size and leading (times the base size), alignment, space before and after
# (times the base size), hanging indent (times the base size), underlined
_STYLES = {
    "body": (REGULAR, 1.0, 1.18, "left", 0, 0.1, 0, False),
    "item": (REGULAR, 1.0, 1.18, "left", 0, 0.1, 1.2, False),
    "center": (REGULAR, 1.0, 1.22, "center", 0, 0, 0, False),
    "head": (REGULAR, 0.85, 1.05, "center", 0, 0, 0, False),
    "head-bold": (BOLD, 0.85, 1.05, "center", 0, 0, 0, False),
    "motto": (BOLD, 0.85, 1.05, "center", 0, 0, 0, True),
    "head-date": (ITALIC, 0.85, 1.05, "center", 0.45, 0, 0, False),
    "label": (ITALIC, 0.75, 0.9, "right", 0, 0.3, 0, False),
    "title": (BOLD, 1.2, 1.4, "center", 0.8, 0.1, 0, False),
    "subtitle": (ITALIC, 1.0, 1.22, "center", 0, 0.2, 0, False),
    "sign": (BOLD, 1.0, 1.22, "center", 0, 0, 0, False),
    "sign-note": (ITALIC, 0.85, 1.0, "center", 0, 0, 0, False),
    "note": (REGULAR, 0.85, 1.0, "left", 0, 0.1, 0, False),
    "cell": (REGULAR, 0.85, 1.0, "left", 0, 0, 0, False),
    "cell-center": (REGULAR, 0.85, 1.0, "center", 0, 0, 0, False),
    "cell-head": (BOLD, 0.85, 1.0, "center", 0, 0, 0, False),
}


@lru_cache(maxsize=256)
def _style(name: str, size: float) -> TextStyle:
    font, scale, leading, align, before, after, indent, underline = _STYLES[name]
    return TextStyle(font, size * scale, size * leading, align, size * before, size * after, size * indent,
                     underline)


@dataclass(frozen=True)
class Sheet:
    """A page size with its margins and the base type size that fits it."""

    pagesize: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    size: float

    @property
    def width(self) -> float:
        return self.pagesize[0] - self.left - self.right

    @property
    def height(self) -> float:
        return self.pagesize[1] - self.top - self.bottom

    def scaled(self, factor: float) -> "Sheet":
        return replace(self, size=self.size * factor)

    def text(self, runs: str | list[Run], style: str = "body", width: float | None = None) -> Text:
        """A paragraph; a plain string is set in the style's own font."""
        chosen = _style(style, self.size)
        if isinstance(runs, str):
            runs = [(runs, chosen.font)]
        return Text(runs, self.width if width is None else width, chosen)

    def field(self, label: str, value: str, style: str = "body", width: float | None = None) -> Text:
        """'Label: value', the value filled from the dossier in bold."""
        return self.text([(label + " ", REGULAR), (value, BOLD)], style, width)

    def space(self, lines: float) -> Space:
        return Space(self.size * lines)


def slip_sheet(settings: UnitSettings) -> Sheet:
    """A5 portrait for slips (TT 01/2018 art. 9.2), A4 when the unit prints slips on A4."""
    if settings.slip_page_size == "A4":
        return Sheet(A4, 25 * mm, 15 * mm, 15 * mm, 15 * mm, 13)
    return Sheet(A5, 12 * mm, 10 * mm, 8 * mm, 8 * mm, 10.5)


def ledger_sheet() -> Sheet:
    """The ledger is A4 landscape: thirteen columns need the width."""
    return Sheet(landscape(A4), 12 * mm, 10 * mm, 12 * mm, 14 * mm, 9)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def form_label(sheet: Sheet, text: str) -> Text:
    """'Mẫu số 01 - Thông tư số …', small in the top right corner."""
    return sheet.text(text, "label")


def header(sheet: Sheet, left: list[str], number: str, date_line: str, bold_from: int = 1) -> Columns:
    """Left: the authority and the unit (from line `bold_from` on in bold), a short rule and
    'Số: …'; right: the national name, the motto (bold, underlined) and the place and date."""
    left_width, right_width = sheet.width * 0.44, sheet.width * 0.56
    left_blocks: list = [sheet.text(line, "head-bold" if i >= bold_from else "head", left_width - 4)
                         for i, line in enumerate(left)]
    left_blocks.append(Rule(left_width - 4, left_width * 0.35))
    if number:
        left_blocks.append(sheet.text(number, "head", left_width - 4))
    right_blocks = [sheet.text(NATION, "head-bold", right_width), sheet.text(MOTTO, "motto", right_width)]
    if date_line:
        right_blocks.append(sheet.text(date_line, "head-date", right_width))
    return Columns([(left_width, Stack(left_blocks)), (right_width, Stack(right_blocks))])


def top(sheet: Sheet, label: str, left: list[str], number: str, date_line: str, title_text: str,
        bold_from: int = 1) -> list:
    """The form number, the header and the title: how every form begins."""
    return [form_label(sheet, label), header(sheet, left, number, date_line, bold_from), title(sheet, title_text)]


def title(sheet: Sheet, text: str) -> Text:
    """The title, centred; a title over several lines is wrapped as narrow as it can be in as
    many lines, so the lines are balanced rather than one word left alone on the last."""
    full = sheet.text(text, "title")
    count = len(full.lines)
    if count < 2:
        return full
    narrow, wide = sheet.width / count, sheet.width
    for _ in range(10):
        middle = (narrow + wide) / 2
        if len(sheet.text(text, "title", middle).lines) == count:
            wide = middle
        else:
            narrow = middle
    return Text([], sheet.width, full.style, sheet.text(text, "title", wide).lines)


def signatures(sheet: Sheet, blocks: list[tuple[str, str, str]], space: float = 11 * mm) -> Columns:
    """Signature blocks side by side: (heading in capitals, '(Ký và ghi rõ họ tên)', printed name)."""
    width = sheet.width / len(blocks)
    columns = []
    for heading, note, name in blocks:
        stack: list = [sheet.text(heading, "sign", width - 4)]
        if note:
            stack.append(sheet.text(note, "sign-note", width - 4))
        stack.append(Space(space * sheet.size / 10.5))
        if name:
            stack.append(sheet.text(name, "sign", width - 4))
        columns.append((width, Stack(stack)))
    return Columns(columns, space_before=sheet.size * 0.5)


def recipients_and_signer(sheet: Sheet, recipients: list[str], heading: str, note: str,
                          space: float = 18 * mm) -> Columns:
    """The foot of a letter: 'Nơi nhận:' and its list on the left, the head's signature on the right."""
    left, right = sheet.width * 0.45, sheet.width * 0.55
    listed = [sheet.text([(recipients[0], BOLD)], "note", left)]
    listed += [sheet.text(line, "note", left) for line in recipients[1:]]
    signer = [sheet.text(heading, "sign", right), sheet.text(note, "sign-note", right),
              Space(space * sheet.size / 10.5)]
    return Columns([(left, Stack(listed)), (right, Stack(signer))], space_before=sheet.size * 0.6)


def grid(sheet: Sheet, widths: list[float], header: list[str], rows: list[list[tuple[str | list[Run], str]]],
         groups: list[tuple[str, int, int]] | None = None) -> Grid:
    """A ruled table; `widths` are fractions of the text width, cells are (text or runs, style)."""
    padding = sheet.size * 0.25
    columns = [sheet.width * w for w in widths]
    cell = [w - 2 * padding for w in columns]
    head = [sheet.text(text, "cell-head", cell[c]) for c, text in enumerate(header)]
    body = [[sheet.text(text, style, cell[c]) for c, (text, style) in enumerate(row)] for row in rows]
    spans = [(sheet.text(text, "cell-head", sum(columns[first:last + 1]) - 2 * padding), first, last)
             for text, first, last in groups or []]
    return Grid(columns, head, body, padding, spans)


def fit(sheet: Sheet, compose: Callable[[Sheet], list], height: float, smallest: float = 0.55) -> list:
    """The blocks `compose` makes, in a smaller type if needed, so they fit in `height`:
    a 60-character name and ten documents still give one page per copy.

    Every block scales with the type size and smaller type wraps into fewer lines, so at
    `height / natural height` the body surely fits; a short search then takes the largest
    size that still does.
    """
    blocks = compose(sheet)
    natural = heights(blocks)
    if natural <= height:
        return blocks
    low = max(smallest, height / natural)
    best = compose(sheet.scaled(low))
    high = 1.0
    for _ in range(3):
        middle = (low + high) / 2
        candidate = compose(sheet.scaled(middle))
        if heights(candidate) <= height:
            low, best = middle, candidate
        else:
            high = middle
    return best


def slip(sheet: Sheet, top: list, compose: Callable[[Sheet], list]) -> list[list]:
    """One page: `top` (header, title, code, barcode) as it is, then the body fitted below it."""
    return paginate(top + fit(sheet, compose, sheet.height - heights(top)), sheet.height)


def heights(blocks: list) -> float:
    return sum(block.height for block in blocks)


def render(sheet: Sheet, pages: list[list], title_text: str, subject: str, author: str,
           page_numbers: bool = False, compress: bool = False) -> bytes:
    """PDF bytes of the laid-out pages.

    `invariant` keeps the bytes the same for the same dossier, so a reprint, the preview
    and the committed renderings (docs/forms/) agree. Slips are left uncompressed: zlib
    took a third of a receipt's time to save some 50 KB nobody stores; the ledger, many
    pages long, is compressed.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=sheet.pagesize, invariant=1, pageCompression=int(compress), lang="vi",
                    initialFontName=REGULAR, initialFontSize=sheet.size)
    canvas.setTitle(nfc(title_text))
    canvas.setSubject(nfc(subject))
    canvas.setAuthor(nfc(author))
    canvas.setCreator("motcua")
    for number, page in enumerate(pages, start=1):
        top = sheet.pagesize[1] - sheet.top
        for block in page:
            block.draw(canvas, sheet.left, top)
            top -= block.height
        if page_numbers:
            canvas.setFont(REGULAR, sheet.size)
            canvas.drawCentredString(sheet.pagesize[0] / 2, sheet.bottom / 2, f"Trang {number}/{len(pages)}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
