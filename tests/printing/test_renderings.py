"""The pictures in docs/forms/ are the forms motcua prints today, under both form sets.

The sample unit is rendered again and compared pixel by pixel with the committed
PNGs; a changed form fails here until `python docs/forms/render.py` is run again.
"""

import importlib.util
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.printing import reading

DOCS = Path(__file__).resolve().parents[2] / "docs" / "forms"
_spec = importlib.util.spec_from_file_location("render_forms", DOCS / "render.py")
render_forms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_forms)

TOLERANCE = 0.002  # share of pixels allowed to differ: anti-aliasing, not a moved line


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return render_forms.sample_pdfs(tmp_path_factory.mktemp("sample"))


def test_every_form_has_a_rendering(sample):
    expected = {f"{name}-{page}.png" for name, pdf in sample.items()
                for page in range(1, reading.page_count(pdf) + 1)}
    assert {png.name for png in DOCS.glob("*.png")} == expected


@pytest.mark.parametrize("name", ["receipt", "supplement", "rejection", "apology", "stop", "control", "ledger",
                                  *(f"tt01-2018-{form}" for form in ("receipt", "supplement", "rejection",
                                                                     "apology", "control", "ledger"))])
def test_rendering_matches_the_output(sample, name):
    pdf = sample[name]
    for page in range(1, reading.page_count(pdf) + 1):
        now = reading.render(pdf, page, dpi=render_forms.DPI, gray=True)
        with Image.open(DOCS / f"{name}-{page}.png") as committed:
            committed = committed.convert("L")
        assert now.size == committed.size, f"{name}-{page}.png has another page size"
        changed = ImageChops.difference(now.convert("L"), committed).point(lambda v: 255 if v > 64 else 0)
        share = sum(changed.histogram()[255:]) / (now.size[0] * now.size[1])
        assert share <= TOLERANCE, f"{name}-{page}.png differs from the output in {share:.2%} of its pixels"
