"""The import rules of docs/ARCHITECTURE.md that a change could quietly break.

Read from the source (every ``import`` statement, at any depth), so an import inside a
function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ["services", "pathways", "app", "streamlit_app.py"]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("top", RUNTIME)
def test_the_runtime_never_imports_the_build_code(top):
    target = ROOT / top
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    offenders = [str(f.relative_to(ROOT)) for f in files if "databuild" in _imported(f)]
    assert offenders == []


@pytest.mark.parametrize("top, forbidden", [
    ("services", {"pathways", "app", "streamlit", "benchmarks"}),
    ("pathways", {"app", "streamlit", "benchmarks"}),
    ("app", {"benchmarks"}),
])
def test_each_layer_imports_only_the_layers_below_it(top, forbidden):
    """services knows nothing of plans or pages; pathways nothing of pages: so the CLIs and
    the ORUK API answer exactly what the app does, without Streamlit."""
    files = sorted((ROOT / top).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(_imported(f) & forbidden) for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}
