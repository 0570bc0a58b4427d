"""README's "install and start" command installs every X11/xcb library Qt's window links (issue 15).

On this machine (Debian or Ubuntu), `ldd` on Qt's xcb platform plugin and the libraries it
loads names each shared library; `dpkg -S` names its package. Every package of the X11, xcb,
xkbcommon, GL, font and D-Bus families must be in the README's apt-get line: a minimal Debian
has none of them.
"""

import re
import shutil
import subprocess
from pathlib import Path

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
QT = Path(PySide6.__file__).parent / "Qt"
# The Qt libraries motcua's window loads (ui/ imports QtCore, QtGui, QtWidgets, QtPrintSupport, QtPdf,
# QtPdfWidgets; the xcb plugin brings XcbQpa, OpenGL and DBus).
USED = ("Core", "Gui", "Widgets", "PrintSupport", "Pdf", "PdfWidgets", "DBus", "XcbQpa", "OpenGL")
FAMILIES = re.compile(r"^(libx11|libxcb|libxkbcommon|libgl|libegl|libopengl|libfontconfig|libfreetype|libdbus|"
                      r"libglib|libcups)")


def readme_packages() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "apt-get install" in line and "main.py" in line)
    return set(line.split("apt-get install -y", 1)[1].split("&&", 1)[0].split())


def installed_by(packages: set[str]) -> set[str]:
    """`packages` and everything apt installs with them (their dependencies, recursively)."""
    output = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                             "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(packages)],
                            capture_output=True, text=True).stdout
    found = set(packages)
    for line in output.splitlines():
        line = line.strip()
        if line.startswith(("Depends:", "PreDepends:")):
            found.add(line.split(":", 1)[1].strip().strip("<>").split(":")[0])
        elif line and not line.startswith(("|", "<")):
            found.add(line.split(":")[0])
    return found


def linked_packages() -> set[str]:
    files = [QT / "plugins" / "platforms" / "libqxcb.so", *sorted((QT / "plugins" / "xcbglintegrations").glob("*.so")),
             QT / "plugins" / "printsupport" / "libcupsprintersupport.so",
             *[QT / "lib" / f"libQt6{name}.so.6" for name in USED]]
    libraries = set()
    for path in files:
        output = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        libraries |= {Path(m).resolve() for m in re.findall(r"=> (/\S+)", output) if str(QT) not in m}
    # One `dpkg -S` for every library (each call reads dpkg's whole file list), then the ones
    # found only under /lib (merged /usr) once more.
    packages, found = _owners(sorted(libraries))
    missing = [str(library).replace("/usr/lib/", "/lib/") for library in libraries if str(library) not in found]
    if missing:
        packages |= _owners(missing)[0]
    return packages


def _owners(paths: list) -> tuple[set[str], set[str]]:
    """The packages owning `paths`, and the paths dpkg knew."""
    output = subprocess.run(["dpkg", "-S", *map(str, paths)], capture_output=True, text=True).stdout
    packages, found = set(), set()
    for line in output.splitlines():
        if ": " in line:
            owner, path = line.split(": ", 1)
            packages.add(owner.split(":")[0])
            found.add(path)
    return packages, found


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("ldd", "dpkg", "apt-cache")),
                    reason="needs ldd, dpkg and apt-cache (Debian/Ubuntu)")
def test_the_readme_installs_every_library_the_window_links():
    wanted = {package for package in linked_packages() if FAMILIES.match(package)}
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1"} <= wanted
    assert wanted - installed_by(readme_packages()) == set()
    assert {"python3-venv", "fonts-dejavu-core"} <= readme_packages()
