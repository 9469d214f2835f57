"""Rendering a plan: printable text and Markdown that cannot be hijacked by data."""

from __future__ import annotations

import re

import pytest

from pathways.definition import load_pathway
from pathways.planner import make_plan
from pathways.render import describe_situation, render_markdown, render_text
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
    # each source is listed once, at the end, and every reminder points to its sources
    sources = {src for p in plan.prompts for src in p["source"].split("; ")}
    listed = text.split("\nSOURCES\n", 1)[1]
    for src in sources:
        assert src[:50] in listed.replace("\n    ", " ")
        assert text.count(src[:50]) == 1
    reminders = text.split("PRACTICE REMINDERS", 1)[1].split("WHO TO CONTACT LATER", 1)[0]
    assert reminders.count("\n- ") == len(plan.prompts)
    assert re.findall(r"\[\d+(?:, \d+)*\]", reminders.replace("\n  ", " "))
    assert "01904 000000" in text and "https://example.org/therapy" in text
    # the steps with no local service are named once, not under every step
    assert text.count("No local service in the directory") == 1
    assert re.sub(r"\s+", " ", text).count("[no local service]") == len(plan.gaps) >= 2
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


def test_a_typical_plan_stays_short_and_opens_with_todays_steps_for_this_child():
    """Readable under pressure: the printed plan for a common situation stays short, each
    service's contact details appear once, and the same-day steps for this child come first."""
    d = load_directory()
    pathway = load_pathway()
    signs = render_text(make_plan({"age": 7, "area": "York", "concern": "signs_only"}, d), pathway)
    assert len(signs.splitlines()) <= 175
    p = make_plan({"age": 2, "area": "York", "indicators": ["sti"]}, d)
    text = render_text(p, pathway)
    assert len(text.splitlines()) <= 200
    headings = [line for line in text.splitlines() if re.fullmatch(r"[A-Z][A-Z ,:]+", line)]
    assert headings[:3] == ["TODAY, FOR THIS CHILD", "TODAY", "NEXT"]
    first = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)][:2]
    assert first[0].startswith("1. Strategy discussion today") and first[1].startswith("2. Medical assessment today")
    steps_part = text.split("STRATEGY DISCUSSION: WHO MUST BE INVITED", 1)[0]
    for ps in {ps.service.id: ps for step in p.steps for ps in step.services}.values():
        assert steps_part.count(f"{ps.service.name}: ") <= 1, ps.service.name
