"""Docs that cannot drift: the CLI reference is the real ``--help``, and the contracts page
lists exactly the identifiers the code knows (as Datasette checks its docs against its code).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from services import vocabulary

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_cli_reference_matches_every_commands_real_help():
    proc = subprocess.run([sys.executable, "-m", "cogapp", "--check", "docs/cli.md"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (
        "docs/cli.md no longer matches the commands' --help; regenerate it with `make docs`\n"
        + proc.stdout + proc.stderr
    )


def _section(text: str, heading: str) -> str:
    """The paragraph of docs/contracts.md that starts with ``**heading**``."""
    start = text.index(f"**{heading}**")
    end = text.find("\n\n", start)
    return text[start:end]


@pytest.mark.parametrize("heading, known", [
    ("Pathway stages", vocabulary.STAGES),
    ("Service types", vocabulary.SERVICE_TYPES),
    ("Agencies", vocabulary.AGENCIES),
    ("Prompts", vocabulary.PROMPTS),
    ("Gap cohorts", vocabulary.COHORTS),
])
def test_contracts_list_exactly_the_identifiers_the_code_knows(heading, known):
    text = (DOCS / "contracts.md").read_text(encoding="utf-8")
    section = _section(text, heading)
    documented = set(re.findall(r"`([a-z0-9_]+)`", section)) - {"stage", "service_type"}
    assert documented == set(known), (
        f"{heading}: only in the docs {sorted(documented - set(known))}, "
        f"only in the code {sorted(set(known) - documented)}"
    )


def test_every_situation_field_is_documented():
    from pathways.situation import Situation

    text = (DOCS / "contracts.md").read_text(encoding="utf-8")
    section = _section(text, "Situation")
    for field in Situation.model_fields:
        assert f"`{field}`" in section, f"situation field {field} is not in docs/contracts.md"


def _plan_and_search_json() -> list[dict]:
    import json

    from pathways.cli import main as pathways_main
    from services.cli import main as services_main

    out = []
    for main, argv in ((pathways_main, ["plan", "--age", "9", "--area", "York", "--json"]),
                       (services_main, ["search", "--area", "Leeds", "--json"])):
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(argv) == 0
        out.append(json.loads(buffer.getvalue()))
    return out


def test_every_key_the_commands_print_is_documented():
    text = (DOCS / "contracts.md").read_text(encoding="utf-8")
    # Only the JSON contracts count (not the vocabulary, whose ids are words too).
    contracts = text[text.index("## Contracts"):text.index("## Data")]
    documented = set(re.findall(r'[`"]([a-z_0-9]+)[`"]', contracts))
    plan, search = _plan_and_search_json()
    services = [s for step in plan["steps"] for s in step["services"]] + plan["later_contacts"] + search["services"]
    keys = set(plan) | set(plan["area"]) | {k for step in plan["steps"] for k in step} | set(search) \
        | set(search["place"]) | set(search["place"]["area"]) | {k for s in services for k in s}
    assert keys - documented == set(), f"undocumented keys in the JSON: {sorted(keys - documented)}"


def test_every_path_the_architecture_page_names_exists():
    """docs/ARCHITECTURE.md is where a newcomer starts: a module it names must be there."""
    text = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:app|services|pathways|databuild|benchmarks|data|docs|tests)/[\w./<>*-]+)`", text))
    concrete = {p.rstrip("/") for p in named if not re.search(r"[<>*]", p)}
    assert len(concrete) > 20  # the page names its modules
    missing = sorted(p for p in concrete if not (ROOT / p).exists())
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"
