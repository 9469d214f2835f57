"""Rendering a plan: printable text and Markdown that cannot be hijacked by data."""

from __future__ import annotations

import re

import pytest

from pathways.definition import load_pathway
from pathways.planner import make_plan
from pathways.render import describe_situation, reading_order, render_markdown, render_text
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


#: Situations with few and with many things to do today.
TYPICAL = [
    {"age": 7, "area": "York", "concern": "signs_only"},
    {"age": 2, "area": "York", "indicators": ["sti"]},
    {"age": 14, "area": "York", "concern": "disclosure", "days_since_last_abuse": 1, "immediate_danger": True,
     "suspect_relationship": "sibling", "suspect_age": 15, "suspect_lives_with_child": True,
     "mental_health_concern": True, "support_ended": True, "case_open_to_social_care": True},
    {"age": 12, "area": "Leeds", "concern": "risk_only", "suspect_registered_offender": True,
     "suspect_release_due": True, "suspect_relationship": "step_parent_or_partner"},
]


def _first_screen(text: str) -> list[str]:
    """The lines between the title and the full plan: the heading and one line a thing to do."""
    lines = text.splitlines()
    return lines[2 : lines.index("If the child is in immediate danger, call 999.")]


@pytest.mark.parametrize("situation", TYPICAL)
def test_the_plan_opens_with_a_first_screen_that_fits_a_screen(situation):
    """Readable under pressure: what to do today comes first, one line each with the number
    to call, and it fits one screen (at most 12 lines, none wider than a printed line); every
    step to do today is in it, in the full plan's order; the full plan follows unchanged."""
    d = load_directory()
    pathway = load_pathway()
    p = make_plan(situation, d)
    text = render_text(p, pathway)
    screen = _first_screen(text)
    assert screen[0].startswith("What to do today")
    assert 2 <= len(screen) <= 12 and all(len(line) <= 88 for line in screen)
    now = [step for _, steps in reading_order(p) for step in steps if step.when == "now"]
    assert [line.text for line in p.summary] == [step.summary for step in now]
    for item, line in zip(screen[1:], p.summary, strict=True):
        assert item.startswith("[ ] " + line.text)
        if line.phone:
            assert line.phone in item
    # the full plan follows: every step, numbered in the same order
    numbered = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]
    assert len(numbered) == len(p.steps)
    assert [n.split(". ", 1)[1][:20] for n in numbered[: len(now)]] == [s.title[:20] for s in now]


def test_a_typical_plan_opens_with_todays_steps_for_this_child():
    """The full plan still opens with the same-day steps for this child, and each service's
    contact details appear once."""
    d = load_directory()
    pathway = load_pathway()
    p = make_plan({"age": 2, "area": "York", "indicators": ["sti"]}, d)
    text = render_text(p, pathway)
    headings = [line for line in text.splitlines() if re.fullmatch(r"[A-Z][A-Z ,:]+", line)]
    assert headings[:3] == ["TODAY, FOR THIS CHILD", "TODAY", "NEXT"]
    first = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)][:2]
    assert first[0].startswith("1. Strategy discussion today") and first[1].startswith("2. Medical assessment today")
    assert _first_screen(text)[1].startswith("[ ] Strategy discussion today")
    steps_part = text.split("STRATEGY DISCUSSION: WHO MUST BE INVITED", 1)[0]
    for ps in {ps.service.id: ps for step in p.steps for ps in step.services}.values():
        assert steps_part.count(f"{ps.service.name}: ") <= 1, ps.service.name


def test_a_step_to_act_on_now_lists_its_own_services_and_no_name_dangles(tmp_path):
    """A practitioner reading the step for today finds the number there, not at the end; a
    service with no number and no page says how to reach it instead of ending in a colon."""
    root = write_data_dir(tmp_path / "data", {"york.yaml": [
        service("york-front-door", service_types=["social_care_front_door"], phones=[{"number": "01904 551900"}]),
        service("york-camhs", service_types=["camhs"], stages=["therapeutic_support", "later_support"],
                phones=[{"number": "01904 000001"}]),
        service("york-quiet", service_types=["adult_survivor_support"], stages=["later_support"]),
    ]})
    plan = make_plan({"age": 9, "area": "York", "concern": "disclosure", "investigation": "ongoing"},
                     load_directory(root))
    text = render_text(plan, load_pathway())
    therapy = next(s for s in plan.steps if s.stage == "therapeutic_support")
    assert therapy.when == "now" and "york-camhs" in {ps.service.id for ps in therapy.services}
    step_text = text.split(therapy.title.split(" — ")[0], 1)[1].split("\nNEXT\n", 1)[0]
    assert "01904 000001" in step_text
    assert "see WHO TO CONTACT LATER" not in step_text
    assert "York Quiet: no phone or page of its own listed: ask children's social care" in re.sub(r"\s+", " ", text)
    for line in text.splitlines():
        assert not re.match(r"^\s+- .+:\s*$", line), line  # a name with nothing after it
    markdown = render_markdown(plan, load_pathway())
    assert "**York Quiet**: no phone or page of its own listed" in markdown
    assert not re.search(r"\*\*: *$", markdown, re.M)
    from app.printable import plan_html

    assert re.search(r"<strong>York Quiet</strong>: [^<]*no phone or page of its own listed", plan_html(plan))
