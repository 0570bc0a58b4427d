"""The direction of imports between the layers (issue 10, "No package cycle").

The domain (`counter/`, less its command line) and the SQL layer (`db/`) never import the
presentation layers (`printing/`, `ui/`, Qt); `db/` never imports the domain; `ui/` never
touches `db/` or the command line; `printing/` never imports `ui/`. The command line
(`counter/cli/`) is a presentation layer like the GUI: it may print forms.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "counter": ("printing", "ui", "PySide6", "counter.cli"),
    "db": ("counter", "printing", "ui", "PySide6"),
    "printing": ("ui", "PySide6", "counter.cli"),
    "ui": ("db", "counter.cli"),
}


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_files(layer: str) -> list[Path]:
    files = sorted((ROOT / layer).rglob("*.py"))
    if layer == "counter":
        files = [f for f in files if "cli" not in f.relative_to(ROOT / layer).parts]
    return files


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_import_against_the_direction_of_the_layers(layer):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in layer_files(layer)
        for module in sorted(imports(path))
        if any(_under(module, banned) for banned in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from printing import forms\n    import ui.app\n")
    assert {"printing", "printing.forms", "ui.app"} <= imports(sample)
