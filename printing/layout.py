"""Measure once, then draw: the small layout engine behind every form.

reportlab's platypus wraps a paragraph several times per page, which put a two-copy
receipt near 90 ms; a counter prints one for every citizen, so forms are laid out
here in a single pass. A block is measured for its width when it is made (`height`)
and drawn later at its place (`draw(canvas, x, top)`). Text is a list of runs, each
with its own font, so a label and its bold value wrap as one paragraph; every run
is normalised to NFC on the way in.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

ASCENT = 0.891  # Liberation Serif's ascender, as a fraction of the type size
_WORD = re.compile(r"[^ \t\n]+|[ \t\n]+")

Run = tuple[str, str]  # (text, font name)


@lru_cache(maxsize=8192)
def width_of(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    align: str = "left"  # left, center, right
    space_before: float = 0.0
    space_after: float = 0.0
    indent: float = 0.0  # where the lines after the first start (a hanging indent)
    underline: bool = False


Segment = tuple[str, str, float]  # (text, font, x offset in the line)


class Text:
    """A wrapped paragraph of runs."""

    def __init__(self, runs: list[Run], width: float, style: TextStyle, lines=None):
        self.width = width
        self.style = style
        self.lines: list[tuple[list[Segment], float]] = lines if lines is not None else _wrap(runs, width, style)
        self.height = style.space_before + len(self.lines) * style.leading + style.space_after

    def draw(self, canvas, x: float, top: float) -> None:
        style = self.style
        baseline = top - style.space_before - style.size * ASCENT
        for number, (segments, line_width) in enumerate(self.lines):
            indent = style.indent if number else 0.0
            if style.align == "center":
                start = x + indent + (self.width - indent - line_width) / 2
            elif style.align == "right":
                start = x + self.width - line_width
            else:
                start = x + indent
            for text, font, offset in segments:
                canvas.setFont(font, style.size)
                canvas.drawString(start + offset, baseline, text)
            if style.underline and line_width:
                canvas.setLineWidth(style.size * 0.05)
                under = baseline - style.size * 0.16
                canvas.line(start, under, start + line_width, under)
            baseline -= style.leading

    def split(self, height: float):
        """The lines that fit in `height`, and the rest, for a paragraph longer than a page."""
        style = self.style
        count = int((height - style.space_before) // style.leading)
        if count < 1 or count >= len(self.lines):
            return None
        first = Text([], self.width, replace(style, space_after=0), self.lines[:count])
        rest = Text([], self.width, replace(style, space_before=0), self.lines[count:])
        return first, rest


def _words(runs: list[Run]) -> list[list[tuple[str, str]] | None]:
    """Words as lists of (text, font) pieces: a run boundary without a space does not break.
    None stands for a line break (a newline in the text)."""
    words: list[list[tuple[str, str]] | None] = []
    current: list[tuple[str, str]] = []
    for text, font in runs:
        for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
            piece = match.group()
            if piece[0] in " \t\n":
                if current:
                    words.append(current)
                    current = []
                words.extend([None] * piece.count("\n"))
            else:
                current.append((piece, font))
    if current:
        words.append(current)
    return words


def _wrap(runs: list[Run], width: float, style: TextStyle) -> list[tuple[list[Segment], float]]:
    size = style.size
    lines: list[tuple[list[Segment], float]] = []
    line: list[Segment] = []
    used = 0.0
    for word in _words(runs):
        if word is None:
            lines.append((line, used))
            line, used = [], 0.0
            continue
        limit = width - (style.indent if lines else 0.0)
        word_width = sum(width_of(t, f, size) for t, f in word)
        space = width_of(" ", line[-1][1], size) if line else 0.0
        if line and used + space + word_width > limit + 0.01:
            lines.append((line, used))
            line, used, space = [], 0.0, 0.0
            limit = width - style.indent
        if not line and word_width > limit + 0.01:
            pieces = _break(word, limit, width - style.indent, size)
            for piece in pieces[:-1]:
                lines.append(_segments(piece, size))
            word = pieces[-1]
        if line:
            text, font, offset = line[-1]
            line[-1] = (text + " ", font, offset)
            used += space
        for text, font in word:
            if line and line[-1][1] == font and line[-1][0].endswith(" "):
                head, _, offset = line[-1]
                line[-1] = (head + text, font, offset)
            else:
                line.append((text, font, used))
            used += width_of(text, font, size)
    if line or not lines:
        lines.append((line, used))
    return lines


def _segments(word: list[tuple[str, str]], size: float) -> tuple[list[Segment], float]:
    segments, used = [], 0.0
    for text, font in word:
        segments.append((text, font, used))
        used += width_of(text, font, size)
    return segments, used


def _break(word: list[tuple[str, str]], first_limit: float, limit: float, size: float) -> list[list[tuple[str, str]]]:
    """A word wider than the line (a long e-mail address), cut between characters."""
    pieces: list[list[tuple[str, str]]] = [[]]
    used, room = 0.0, first_limit
    for text, font in word:
        for char in text:
            char_width = width_of(char, font, size)
            if used + char_width > room and pieces[-1]:
                pieces.append([])
                used, room = 0.0, limit
            if pieces[-1] and pieces[-1][-1][1] == font:
                pieces[-1][-1] = (pieces[-1][-1][0] + char, font)
            else:
                pieces[-1].append((char, font))
            used += char_width
    return pieces


class Space:
    def __init__(self, height: float):
        self.height = height

    def draw(self, canvas, x: float, top: float) -> None:
        return None


class Rule:
    """A short centred line, as under the unit's name in the header."""

    def __init__(self, width: float, length: float, thickness: float = 0.6, space_before: float = 1.5,
                 space_after: float = 3.0):
        self.width, self.length, self.thickness = width, length, thickness
        self.space_before = space_before
        self.height = space_before + space_after

    def draw(self, canvas, x: float, top: float) -> None:
        canvas.setLineWidth(self.thickness)
        start = x + (self.width - self.length) / 2
        y = top - self.space_before
        canvas.line(start, y, start + self.length, y)


class Stack:
    """Blocks one under the other, as one block (a header column, a signature)."""

    def __init__(self, blocks: list, space_before: float = 0.0, space_after: float = 0.0):
        self.blocks = blocks
        self.space_before = space_before
        self.height = space_before + sum(b.height for b in blocks) + space_after

    def draw(self, canvas, x: float, top: float) -> None:
        y = top - self.space_before
        for block in self.blocks:
            block.draw(canvas, x, y)
            y -= block.height


class Columns:
    """Stacks side by side, tops aligned: the header, the signature blocks."""

    def __init__(self, columns: list[tuple[float, Stack]], space_before: float = 0.0, space_after: float = 0.0):
        self.columns = columns
        self.space_before = space_before
        self.height = space_before + max(stack.height for _, stack in columns) + space_after

    def draw(self, canvas, x: float, top: float) -> None:
        left = x
        for width, stack in self.columns:
            stack.draw(canvas, left, top - self.space_before)
            left += width


class Grid:
    """A ruled table of Text cells; header rows repeat when it continues on the next page.

    `groups` puts a heading over a run of columns (the ledger's "Ngày, tháng, năm"):
    (Text, first column, last column); header cells outside a group span both rows.
    """

    def __init__(self, widths: list[float], header: list[Text], rows: list[list[Text]], padding: float,
                 groups: list[tuple[Text, int, int]] | None = None, line_width: float = 0.5):
        self.widths = widths
        self.header = header
        self.rows = rows
        self.padding = padding
        self.groups = groups or []
        self.line_width = line_width
        self.grouped = {c for _, first, last in self.groups for c in range(first, last + 1)}
        pad = 2 * padding
        self.group_height = max((t.height for t, _, _ in self.groups), default=0.0) + (pad if self.groups else 0.0)
        self.header_height = max(
            [t.height + pad for c, t in enumerate(header) if c in self.grouped]
            + [t.height + pad - self.group_height for c, t in enumerate(header) if c not in self.grouped]
        ) + self.group_height
        self.row_heights = [max(cell.height for cell in row) + pad for row in rows]
        self.height = self.header_height + sum(self.row_heights)

    def split(self, height: float):
        """The rows that fit under the header in `height`, and a grid of the rest."""
        room = height - self.header_height
        count = 0
        while count < len(self.rows) and self.row_heights[count] <= room + 0.01:
            room -= self.row_heights[count]
            count += 1
        if count == 0 or count == len(self.rows):
            return None
        first = Grid(self.widths, self.header, self.rows[:count], self.padding, self.groups, self.line_width)
        rest = Grid(self.widths, self.header, self.rows[count:], self.padding, self.groups, self.line_width)
        return first, rest

    def draw(self, canvas, x: float, top: float) -> None:
        canvas.setLineWidth(self.line_width)
        edges = [x]
        for width in self.widths:
            edges.append(edges[-1] + width)
        for text, first, last in self.groups:
            self._cell(canvas, text, edges[first], top, edges[last + 1] - edges[first], self.group_height)
        for column, text in enumerate(self.header):
            if column in self.grouped:
                self._cell(canvas, text, edges[column], top - self.group_height, self.widths[column],
                           self.header_height - self.group_height)
            else:
                self._cell(canvas, text, edges[column], top, self.widths[column], self.header_height)
        y = top - self.header_height
        for row, row_height in zip(self.rows, self.row_heights, strict=True):
            for column, text in enumerate(row):
                self._cell(canvas, text, edges[column], y, self.widths[column], row_height)
            y -= row_height

    def _cell(self, canvas, text: Text, left: float, top: float, width: float, height: float) -> None:
        canvas.rect(left, top - height, width, height, stroke=1, fill=0)
        text.draw(canvas, left + self.padding, top - (height - text.height) / 2)


def paginate(blocks: list, height: float) -> list[list]:
    """Blocks into pages of `height`; grids split between rows, long paragraphs between lines."""
    pages: list[list] = [[]]
    room = height
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        if block.height <= room + 0.01:
            pages[-1].append(block)
            room -= block.height
            continue
        parts = block.split(room) if hasattr(block, "split") else None
        if parts:
            pages[-1].append(parts[0])
            queue.insert(0, parts[1])
        elif pages[-1]:
            queue.insert(0, block)
        else:
            pages[-1].append(block)  # taller than a page and cannot split: it fills one alone
        pages.append([])
        room = height
    return [page for page in pages if page]
