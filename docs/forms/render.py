"""Render every official form of a sample unit to PNG, for docs/forms/.

    python docs/forms/render.py

Each PNG is page N of a form as the counter prints it (`pdftoppm`, 100 dpi, grey): `receipt-1.png`
under the default form set (TT 03/2025), `tt01-2018-receipt-1.png` under TT 01/2018.
tests/printing/test_renderings.py renders the same sample again and fails when the
pictures here no longer match the output: run this script and commit the PNGs when
a form changes on purpose.
"""

import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
ROOT = FOLDER.parents[1]
DPI = 100

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from counter import catalogue, intake, lifecycle, unit  # noqa: E402
from counter.session import Session  # noqa: E402
from printing import forms  # noqa: E402

UNIT = {"unit_code": "000.00.53.H48", "unit_name": "UBND xã Tân Tiến", "authority": "UBND TỈNH BẮC NINH",
        "place": "Tân Tiến"}


SETS = {"tt03-2025": "", "tt01-2018": "tt01-2018-"}


def sample_pdfs(workdir: Path) -> dict[str, bytes]:
    """The sample unit's forms under each form set, by file name prefix and form."""
    found = {}
    for form_set, prefix in SETS.items():
        found.update({prefix + name: pdf for name, pdf in _sample(workdir, form_set).items()})
    return found


def _sample(workdir: Path, form_set: str) -> dict[str, bytes]:
    """One dossier in each state a form needs; TT 01/2018 has no stop notice."""
    with Session(workdir / f"sample-{form_set}.sqlite3", "Trần Thị Lan") as session:
        unit.configure(session, **UNIT, form_set=form_set)
        catalogue.import_catalogue(session, catalogue.STARTER)
        will = intake.receive(session, "2.001019", "Nguyễn Văn Đức", id_number="001088012345",
                              phone="0912 345 678", address="Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh",
                              email="duc.nguyen@example.vn", at=datetime(2025, 3, 3, 9, 0))
        lifecycle.record_result(session, will.code, datetime(2025, 3, 4, 15, 30))
        lifecycle.return_result(session, will.code, datetime(2025, 3, 5, 8, 15), rating="satisfied")
        marriage = intake.receive(session, "1.004873", "Lê Thị Hoa", phone="0987 654 321",
                                  address="Xóm Bắc, xã Tân Tiến", at=datetime(2025, 3, 3, 10, 0))
        lifecycle.request_supplement(session, marriage.code, "Bản sao Giấy khai sinh; Ảnh chân dung 4x6 cm chụp "
                                     "trong 6 tháng gần nhất", datetime(2025, 3, 3, 10, 20))
        signature = intake.receive(session, "2.000884", "Phạm Minh Tuấn", address="Thôn Nam, xã Tân Tiến",
                                   at=datetime(2025, 3, 3, 14, 0))
        lifecycle.reject(session, signature.code, "Văn bản cần chứng thực chữ ký có nội dung trái pháp luật",
                         datetime(2025, 3, 3, 14, 10))
        allowance = intake.receive(session, "1.001776", "Hoàng Thu Trang", phone="0905 111 222",
                                   address="Thôn Tây, xã Tân Tiến", at=datetime(2025, 3, 4, 8, 30))
        lifecycle.apologize(session, allowance.code, datetime(2025, 3, 24, 16, 0),
                            "Cần xác minh thêm hoàn cảnh gia đình tại thôn", datetime(2025, 3, 14, 10, 0))
        parent = intake.receive(session, "1.001022", "Đỗ Văn Nam", address="Thôn Đông, xã Tân Tiến",
                                at=datetime(2025, 3, 4, 9, 45))
        lifecycle.stop(session, parent.code, "Ông Nam đề nghị rút hồ sơ để bổ sung chứng cứ",
                       datetime(2025, 3, 5, 8, 0))
        pdfs = {
            "receipt": forms.form_pdf(session, "receipt", will.code),
            "supplement": forms.form_pdf(session, "supplement", marriage.code),
            "rejection": forms.form_pdf(session, "rejection", signature.code),
            "apology": forms.form_pdf(session, "apology", allowance.code),
            "control": forms.form_pdf(session, "control", will.code),
            "ledger": forms.ledger_pdf(session, date(2025, 3, 3), date(2025, 3, 5)),
        }
        if form_set == "tt03-2025":
            pdfs["stop"] = forms.form_pdf(session, "stop", parent.code)
        return pdfs


def rasterize(pdf: bytes, prefix: Path) -> list[Path]:
    """`prefix`-1.png, `prefix`-2.png, … one per page."""
    source = prefix.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(source), str(prefix)], check=True)
    source.unlink()
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def main() -> None:
    for old in FOLDER.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as work:
        for name, pdf in sample_pdfs(Path(work)).items():
            for png in rasterize(pdf, FOLDER / name):
                print(png.relative_to(ROOT))


if __name__ == "__main__":
    main()
