"""What signing and encrypting cost an export (issue 13): a day's 300 changes, and a first export.

Target: signing and encryption together under 10% of the export's own time. The export runs
as the unit runs it, signed and encrypted to a province key pinned from a package; the time
spent in each part is measured inside it:
- signing: loading the key, signing the manifest, reading the audit rows since the previous
  export and writing them into `audit.jsonl`;
- encryption: encrypting the verified archive and decrypting it again to prove it reads back.
The ratio compares them with the rest of the export (reading, writing and verifying the
archive). The province's side is timed too: decrypting the file before the import checks it.

The demo databases are cached under bench/out/ (bench/demo_units.py); the 300-change rounds
run on a copy of one exported once (bench/export_changes.py).

    python bench/trust.py [--changes-size 10000] [--first-size 1000000] [--rounds 7]
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_units import END, OUT, demo_unit  # noqa: E402
from bench.export_changes import a_day_of_changes, exported_unit  # noqa: E402
from counter import crypto, export, keys, package  # noqa: E402
from counter.province import enrolment  # noqa: E402
from counter.session import Session  # noqa: E402


class Meter:
    """Seconds spent in the signing and the encryption parts of each export, and in flushing the
    encrypted file to disk: the one flush an encrypted export makes, as a plain one flushes its
    archive (the plain archive of an encrypted export is not flushed), so it is no cost of the
    encryption and is counted apart."""

    def __init__(self):
        self.sign = self.encrypt = self.flush = 0.0
        self.encrypting = False

    def install(self) -> None:
        fsync = os.fsync

        def flushed(handle):
            started = time.perf_counter()
            try:
                return fsync(handle)
            finally:
                if self.encrypting:
                    self.flush += time.perf_counter() - started

        def encrypting(function: Callable) -> Callable:
            def run(*args, **kwargs):
                self.encrypting = True
                try:
                    return function(*args, **kwargs)
                finally:
                    self.encrypting = False
            return run

        def timed(function: Callable, part: str) -> Callable:
            def run(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    setattr(self, part, getattr(self, part) + time.perf_counter() - started)
            return run

        def timed_lines(function: Callable) -> Callable:
            def run(*args, **kwargs):
                lines = function(*args, **kwargs)
                while True:
                    started = time.perf_counter()
                    try:
                        line = next(lines)
                    except StopIteration:
                        self.sign += time.perf_counter() - started
                        return
                    self.sign += time.perf_counter() - started
                    yield line
            return run

        os.fsync = flushed
        export._encrypted = encrypting(timed(export._encrypted, "encrypt"))
        export._audit_lines = timed_lines(export._audit_lines)
        keys.StationKey.sign = timed(keys.StationKey.sign, "sign")  # type: ignore[method-assign]
        keys.current = timed(keys.current, "sign")

    def take(self) -> tuple[float, float]:
        """(signing, encryption without the flush) since the last call."""
        found = (self.sign, self.encrypt - self.flush)
        self.sign = self.encrypt = self.flush = 0.0
        return found


def pinned_province(folder: Path, unit: Session) -> Session:
    """A province with its keys, whose package the unit imported: the unit's exports are encrypted."""
    province = Session(folder / "province.sqlite3", "Bench")
    enrolment.init_key(province)
    package.make(province, folder / "package.json")
    package.import_package(unit, folder / "package.json", confirm=enrolment.describe(province)["signing_fingerprint"])
    return province


def decrypt_time(province: Session, path: Path, folder: Path) -> float:
    started = time.perf_counter()
    with open(path, "rb") as source, open(folder / "plain.zip", "wb") as out:
        crypto.decrypt(source, out, enrolment.own_keys(province)[1], path.name, 1 << 40)
    elapsed = time.perf_counter() - started
    (folder / "plain.zip").unlink()
    return elapsed


def day_of_changes(size: int, rounds: int, meter: Meter) -> None:
    """Rounds of a day's changes, each exported signed and encrypted, then another day's exported
    signed only (the province's key hidden). The parts are timed inside the encrypted exports
    (Meter); the two medians are printed too, though on a shared machine their difference is
    mostly the disk's noise."""
    work = OUT / f"trust-{size}.sqlite3"
    for stale in OUT.glob(work.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    shutil.copy(exported_unit(size), work)
    times: dict[bool, list[float]] = {True: [], False: []}
    signs, encrypts, decrypts = [], [], []
    pinned = package.pinned
    with Session(work, "Bench") as session, tempfile.TemporaryDirectory(dir=OUT) as folder:
        province = pinned_province(Path(folder), session)
        rng = random.Random(size)
        for day in range(2 * rounds):
            encrypted = day % 2 == 0
            package.pinned = pinned if encrypted else (lambda session: None)
            a_day_of_changes(session, rng, datetime.combine(END.date() + timedelta(days=day + 1),
                                                            datetime.min.time()).replace(hour=7, minute=30), size)
            meter.take()
            started = time.perf_counter()
            result = export.export_changes(session, Path(folder) / "out")
            times[encrypted].append(time.perf_counter() - started)
            sign, encrypt = meter.take()
            signs.append(sign)
            assert result.dossiers == 300 and result.encrypted == encrypted, result
            if encrypted:
                encrypts.append(encrypt)
                decrypts.append(decrypt_time(province, Path(result.file), Path(folder)))
        package.pinned = pinned
        province.close()
    for stale in OUT.glob(work.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    plain, sealed = statistics.median(times[False]), statistics.median(times[True])
    sign, encrypt = statistics.median(signs), statistics.median(encrypts)
    print(f"300 changes in a {size:,}-dossier unit, medians of {rounds} rounds each:")
    print(f"  signed and encrypted {sealed * 1000:7.1f} ms: signing {sign * 1000:.1f} ms, encrypting and reading back"
          f" {encrypt * 1000:.1f} ms, the rest {(sealed - sign - encrypt) * 1000:.1f} ms")
    print(f"  signing + encryption: {(sign + encrypt) / (sealed - sign - encrypt):.1%} of the export's own work"
          f" (target < 10%); decryption at the province {statistics.median(decrypts) * 1000:.1f} ms")
    print(f"  for comparison, signed only (no province key): {plain * 1000:.1f} ms"
          f" ({(sealed - plain) * 1000:+.1f} ms)")


def first_export(size: int, meter: Meter) -> None:
    work = OUT / f"trust-first-{size}.sqlite3"
    for stale in OUT.glob(work.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    shutil.copy(demo_unit(size), work)
    with Session(work, "Bench") as session, tempfile.TemporaryDirectory(dir=OUT) as folder:
        province = pinned_province(Path(folder), session)
        meter.take()
        started = time.perf_counter()
        result = export.export_changes(session, Path(folder) / "out")
        total = time.perf_counter() - started
        sign, encrypt = meter.take()
        size_mb = Path(result.file).stat().st_size / 1e6
        decrypt = decrypt_time(province, Path(result.file), Path(folder))
        province.close()
    for stale in OUT.glob(work.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    _report(f"first export of a {size:,}-dossier unit ({result.dossiers:,} dossiers, {size_mb:.0f} MB encrypted)",
            total, sign, encrypt, decrypt, "one run")


def _report(what: str, total: float, sign: float, encrypt: float, decrypt: float, runs: str) -> None:
    rest = total - sign - encrypt
    print(f"{what}, {runs}:")
    print(f"  export {total * 1000:9.1f} ms = the export's own work {rest * 1000:9.1f} ms"
          f" + signing {sign * 1000:7.1f} ms + encryption {encrypt * 1000:8.1f} ms")
    print(f"  signing and encryption: {(sign + encrypt) / rest:.1%} of the export's own work (target < 10%);"
          f" decryption at the province {decrypt * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes-size", type=int, default=10_000)
    parser.add_argument("--first-size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    meter = Meter()
    meter.install()
    day_of_changes(args.changes_size, args.rounds, meter)
    first_export(args.first_size, meter)


if __name__ == "__main__":
    main()
