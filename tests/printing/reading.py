"""Reading a PDF back the way a citizen or a scanner would: poppler's text, a rendered page."""

import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>')


def _run(args: list[str], pdf: bytes, to_stdout: bool = True) -> str:
    """Run a poppler tool on `pdf` saved to a file; its standard output."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "form.pdf"
        source.write_bytes(pdf)
        command = [*args, str(source), *(["-"] if to_stdout else [])]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def text(pdf: bytes, layout: bool = False) -> str:
    return _run(["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])], pdf)


def pages(pdf: bytes, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed)."""
    return text(pdf, layout).split("\f")[:-1]


def flat(value: str) -> str:
    """Whitespace collapsed: a value wrapped over two lines still reads as one."""
    return " ".join(value.split())


def lines(pdf: bytes) -> list[str]:
    """Each printed line as pdftotext -layout sees it, spaces collapsed: a table row reads in order."""
    return [flat(row) for row in text(pdf, layout=True).splitlines() if row.strip()]


def words(pdf: bytes) -> list[tuple[int, float, float, tuple[float, float, float, float], str]]:
    """(page, page width, page height, (xMin, yMin, xMax, yMax), word) for every word."""
    found = []
    for number, match in enumerate(_PAGE.finditer(_run(["pdftotext", "-bbox"], pdf)), start=1):
        width, height = float(match.group(1)), float(match.group(2))
        for word in _WORD.finditer(match.group(3)):
            box = tuple(float(word.group(i)) for i in range(1, 5))
            found.append((number, width, height, box, word.group(5)))
    return found


def page_count(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run(["pdfinfo"], pdf, False), re.MULTILINE).group(1))


def page_size(pdf: bytes) -> tuple[float, float]:
    match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _run(["pdfinfo"], pdf, False), re.MULTILINE)
    return float(match.group(1)), float(match.group(2))


def render(pdf: bytes, page: int = 1, dpi: int = 200, gray: bool = False) -> Image.Image:
    """Page `page` as pdftoppm draws it."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "form.pdf"
        source.write_bytes(pdf)
        args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile"]
        subprocess.run([*args, *(["-gray"] if gray else []), str(source), str(Path(folder) / "page")], check=True)
        with Image.open(Path(folder) / "page.png") as image:
            return image.copy()


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without its subset tag, embedded?) for each font pdffonts lists."""
    listed = []
    for row in _run(["pdffonts"], pdf, False).splitlines()[2:]:
        columns = row.split()
        listed.append((columns[0].split("+")[-1], columns[-5] == "yes"))
    return listed


def places(pdf: bytes, phrase: str) -> list[tuple[int, float, float]]:
    """(page, x, y) of the first word of each place where `phrase` is printed, its words in reading
    order; a table's column headings read left to right have growing x."""
    found = words(pdf)
    wanted = phrase.split()
    return [(found[i][0], found[i][3][0], found[i][3][1]) for i in range(len(found) - len(wanted) + 1)
            if [word for *_, word in found[i:i + len(wanted)]] == wanted]


def columns(pdf: bytes, edges: list[float], top: float, bottom: float, page: int = 1,
            skip: float | None = None) -> list[str]:
    """The text printed in each column between x `edges` (points from the left) and from `top` to
    `bottom` (points from the top of `page`), words in reading order: a table's headings. `skip`
    leaves out the line at that y (a heading over several columns)."""
    found: list[list[tuple[float, float, str]]] = [[] for _ in edges[1:]]
    for number, _, _, (x0, y0, x1, y1), word in words(pdf):
        middle = (x0 + x1) / 2
        if number != page or y0 < top or y1 > bottom or skip is not None and abs(y0 - skip) < 1:
            continue
        for column, (left, right) in enumerate(zip(edges, edges[1:], strict=False)):
            if left <= middle < right:
                found[column].append((round(y0), x0, word))
    return [" ".join(word for *_, word in sorted(column)) for column in found]
