"""How long a receipt (both copies, barcode included) takes to render: target under 30 ms.

    python bench/bench_receipt.py [--runs N]

Times `printing.forms.form_pdf(session, "receipt", code)` — the dossier read from the
database and the PDF made — for a typical dossier and for a crowded one (a 60-character
name, ten documents). Prints the median and the 95th percentile in milliseconds.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from counter import catalogue, intake, unit  # noqa: E402
from counter.session import Session  # noqa: E402
from printing import forms  # noqa: E402


def measure(session: Session, code: str, runs: int) -> tuple[float, float]:
    forms.form_pdf(session, "receipt", code)  # the first one registers the fonts
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        forms.form_pdf(session, "receipt", code)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Session(Path(folder) / "bench.sqlite3", "Trần Thị Lan") as session:
        unit.configure(session, unit_code="000.00.53.H48", unit_name="UBND xã Tân Tiến",
                       authority="UBND TỈNH BẮC NINH", place="Tân Tiến")
        catalogue.import_catalogue(session, catalogue.STARTER)
        typical = intake.receive(session, "2.001019", "Nguyễn Văn Đức", id_number="001088012345",
                                 phone="0912345678", address="Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh",
                                 email="duc@example.vn", at=datetime(2025, 3, 3, 9, 0))
        crowded = intake.receive(
            session, "2.001019", "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Hoàng Văn Đức",
            phone="0912345678", address="Số 123, đường Nguyễn Thị Minh Khai, thôn Đông Hòa, xã Tân Tiến",
            documents=[intake.DocumentInput(f"Bản sao có chứng thực giấy tờ số {i} về quyền sử dụng đất")
                       for i in range(1, 11)],
            at=datetime(2025, 3, 3, 9, 5),
        )
        for label, dossier in (("typical receipt", typical), ("60-char name, 10 documents", crowded)):
            median, p95 = measure(session, dossier.code, args.runs)
            print(f"{label:28} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({args.runs} runs)")


if __name__ == "__main__":
    main()
