"""The layout engine: wrapping with mixed fonts, hard breaks, tables split over pages."""

from printing import frame
from printing.layout import Grid, paginate

SHEET = frame.Sheet((400, 600), 20, 20, 20, 20, 10)


def test_label_and_bold_value_wrap_as_one_paragraph():
    text = SHEET.field("Tiếp nhận hồ sơ của:", "Nguyễn Văn Đức " * 8, width=200)
    assert len(text.lines) > 1
    first = text.lines[0][0]
    assert first[0] == ("Tiếp nhận hồ sơ của: ", frame.REGULAR, 0.0)
    assert first[1][1] == frame.BOLD
    assert all(width <= 200 + 0.01 for _, width in text.lines)


def test_a_word_longer_than_the_line_is_cut_and_newlines_break():
    text = SHEET.text("x" * 200, width=100)
    assert len(text.lines) >= 3 and all(width <= 100 + 0.01 for _, width in text.lines)
    assert len(SHEET.text("một\nhai\n\nbốn", width=300).lines) == 4


def test_text_is_normalised_to_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert SHEET.text(decomposed).lines[0][0][0][0] == "Nguyễn"


def test_a_grid_splits_between_rows_and_repeats_its_header():
    grid = frame.grid(SHEET, [0.2, 0.8], ["TT", "Tên"], [[(str(i), "cell"), ("dòng", "cell")] for i in range(80)])
    pages = paginate([SHEET.space(10), grid], SHEET.height)
    assert len(pages) > 1
    parts = [block for page in pages for block in page if isinstance(block, Grid)]
    assert sum(len(part.rows) for part in parts) == 80
    assert all(part.header == grid.header for part in parts)
    assert all(sum(block.height for block in page) <= SHEET.height + 0.01 for page in pages)
