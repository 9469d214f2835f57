"""Rendering a plan: printable text and Markdown that cannot be hijacked by data."""

from __future__ import annotations

import pytest

from pathways.definition import load_pathway
from pathways.planner import make_plan
from pathways.render import GAP_TEXT, describe_situation, render_markdown, render_text
from services.directory import load_directory

from .conftest import service, write_data_dir

HOSTILE = "Help *now* <script>alert(1)</script> [click](javascript:alert(1)) # | `x`"


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    root = write_data_dir(
        tmp_path_factory.mktemp("render") / "data",
        {
            "york.yaml": [
                service("york-front-door", service_types=["social_care_front_door"], name=HOSTILE),
                service(
                    "york-therapy",
                    service_types=["therapeutic"],
                    phones=[{"number": "01904 000000"}],
                    url="https://example.org/therapy",
                ),
            ],
        },
    )
    situation = {
        "age": 15,
        "area": "York",
        "concern": "disclosure",
        "investigation": "ongoing",
        "disabled_or_send": True,
        "other_children": 1,
    }
    return make_plan(situation, load_directory(root))


def test_text_has_every_step_invitee_prompt_and_later_contact(plan):
    text = render_text(plan, load_pathway())
    for step in plan.steps:
        assert step.title.split(" — ")[0][:40] in text.replace("\n   ", " ")
    assert "Children's social care: convenes the discussion" in text
    assert text.count("Source: ") == len(plan.prompts)
    assert "01904 000000" in text and "https://example.org/therapy" in text
    assert GAP_TEXT in text
    assert all(len(line) <= 88 for line in text.splitlines())


def test_text_without_a_pathway_still_renders(plan):
    assert "WHO TO CONTACT LATER" in render_text(plan)


def test_markdown_escapes_what_the_data_says(plan):
    md = render_markdown(plan, load_pathway())
    assert "<script>" not in md and "[click](javascript" not in md and "\\[click\\]" in md
    assert "\\<script\\>" in md and "\\*now\\*" in md


def test_situation_summary_names_what_is_known(plan):
    summary = describe_situation(plan)
    assert summary.startswith("age 15") and "investigation: ongoing" in summary and "disabled" in summary
