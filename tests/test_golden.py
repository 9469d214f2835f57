"""While code moves, what users get does not change: plans, searches and the gap report for
the shipped data are byte-identical to the recorded ones.

``WAYMARK_UPDATE_GOLDEN=1`` re-records them (after a change that is meant to change them).
A mismatch writes the new output to ``test-artifacts/golden/`` so it can be diffed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from pathways.cli import main as pathways_cli
from services.cli import main as services_cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "shipped.json"
ARTIFACTS = ROOT / "test-artifacts" / "golden"

PLANS = {
    "york-disclosure-hsb": ["--age", "9", "--area", "York", "--concern", "disclosure", "--investigation", "ongoing",
                            "--child-displays-hsb", "--other-children", "2"],
    "truro-16": ["--age", "16", "--postcode", "TR1 1AA"],
    "york-sti-2": ["--age", "2", "--area", "York", "--indicators", "sti"],
    "cornwall-child-suspect": ["--age", "12", "--area", "Cornwall", "--concern", "disclosure", "--suspect-relationship",
                               "sibling", "--suspect-age", "9", "--suspect-lives-with-child"],
    "leeds-investigation": ["--age", "9", "--area", "Leeds", "--concern", "disclosure", "--investigation", "ongoing"],
    "surrey-self-harm": ["--age", "14", "--area", "Surrey", "--concern", "disclosure", "--mental-health-concern"],
    "kent-partner": ["--age", "9", "--area", "Kent", "--suspect-relationship", "step_parent_or_partner"],
    "derby-offender": ["--age", "7", "--area", "Derby", "--concern", "signs_only", "--suspect-registered-offender",
                       "--disabled-or-send"],
    "islington-trust": ["--age", "15", "--area", "Islington", "--concern", "partial_disclosure",
                        "--suspect-works-with-children", "--retracted"],
    "coventry-foster": ["--age", "13", "--area", "Coventry", "--living-arrangement", "foster_care", "--indicators",
                        "pregnancy", "--suspect-age", "35", "--suspect-relationship", "other_relative"],
}
SEARCHES = {
    "leeds": ["--postcode", "LS9 7TF", "--age", "9"],
    "york": ["--postcode", "YO10 5DD"],
    "truro-investigation": ["--place", "Truro", "--during-investigation"],
    "tr1-therapeutic": ["--postcode", "TR1", "--type", "therapeutic", "--age", "12"],
    "shropshire-self": ["--area", "Shropshire", "--self-referral", "--age", "15"],
    "camden-stage": ["--area", "Camden", "--stage", "advocacy"],
}


def _run(cli, argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli(argv)
    assert code == 0, argv
    return out.getvalue()


def _outputs() -> dict[str, str]:
    outputs: dict[str, str] = {}
    for name, argv in PLANS.items():
        outputs[f"plan-{name}.json"] = _run(pathways_cli, ["plan", *argv, "--json"])
        outputs[f"plan-{name}.txt"] = _run(pathways_cli, ["plan", *argv])
    for name, argv in SEARCHES.items():
        outputs[f"search-{name}.json"] = _run(services_cli, ["search", *argv, "--json"])
    outputs["gaps.json"] = _run(pathways_cli, ["gaps", "--json"])
    outputs["gaps-york.csv"] = _run(pathways_cli, ["gaps", "--csv", "--area", "York"])
    return outputs


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_outputs_are_byte_identical_to_the_recorded_ones(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    outputs = _outputs()
    digests = {name: _digest(text) for name, text in sorted(outputs.items())}
    if os.environ.get("WAYMARK_UPDATE_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
        pytest.skip("golden outputs recorded")
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(name for name in digests if recorded.get(name) != digests[name])
    if changed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in changed:
            (ARTIFACTS / name).write_text(outputs[name], encoding="utf-8")
    assert not changed, f"changed outputs (new ones in {ARTIFACTS}): {changed}"
