"""What an install needs is declared: every package of the code is in pyproject.toml, every
third-party module the code imports comes from a declared distribution, and the shipped data
is found from an installed package as well as from a checkout."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = ("services", "pathways", "app", "streamlit_app.py")
OWN = {"services", "pathways", "app", "databuild", "benchmarks", "tests", "waymark_data", "__future__"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports(place: str) -> set[str]:
    path = ROOT / place
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    found: set[str] = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in OWN}


def _declared(*extras: str) -> set[str]:
    project = PYPROJECT["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in project["optional-dependencies"][extra]}
    return names


def test_every_package_of_the_code_is_installed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("services", "pathways", "app")
             for p in (ROOT / top).rglob("__init__.py")}
    assert found | {"waymark_data"} == listed
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["waymark_data"] == "data"


@pytest.mark.parametrize("places, extras", [
    (RUNTIME, ()),
    (("tests", "benchmarks"), ("test",)),
])
def test_every_imported_third_party_module_is_declared(places, extras):
    distributions = packages_distributions()
    declared = _declared(*extras)
    for place in places:
        for module in sorted(_imports(place)):
            provided_by = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
            assert provided_by & declared, f"{place} imports {module} ({provided_by}) but pyproject.toml does not declare it"


def test_the_shipped_data_is_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["waymark_data"]
    suffixes = {p.split("*")[-1] for p in patterns}
    for f in (ROOT / "data").rglob("*"):
        if f.is_file():
            assert any(f.name.endswith(s) for s in suffixes), f"{f.relative_to(ROOT)} would not be installed"


def test_the_data_is_found_from_an_installed_package(tmp_path, monkeypatch):
    """Without data/ beside the code (a wheel), the data comes from the waymark_data package."""
    import importlib

    import services.datadir as datadir

    monkeypatch.setattr(datadir, "__file__", str(tmp_path / "site-packages" / "services" / "datadir.py"))
    found = datadir._shipped_data()
    assert (found / "taxonomy.yaml").is_file() and (found / "geography" / "authorities.csv").is_file()
    importlib.reload(datadir)
