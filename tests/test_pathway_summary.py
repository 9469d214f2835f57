"""The first screen of a plan: what to do today, one line a step, with the number to call.

A small York directory whose phones are known: a front door with a public line and a line
for professionals, a SARC with only a professionals' line, a police force, a CAMHS far from
the child and a children's helpline, so each rule of the summary is seen on its own.
"""

from __future__ import annotations

import html
import re

import pytest

from app.printable import plan_html
from pathways.definition import SHIPPED_PATHWAY, load_pathway
from pathways.planner import make_plan
from pathways.render import PROFESSIONALS_LABEL, SUMMARY_HEADING, render_markdown, render_text
from services.directory import load_directory
from services.errors import DataError

from .conftest import service, write_data_dir

YORK_CENTRE = {"latitude": 53.959, "longitude": -1.0815}
HAXBY = {"latitude": 54.0167, "longitude": -1.0766}


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    root = write_data_dir(
        tmp_path_factory.mktemp("summary") / "data",
        {
            "york.yaml": [
                service("york-front-door", name="York Front Door", service_types=["social_care_front_door"],
                        locations=[YORK_CENTRE],
                        phones=[{"number": "01904 000001", "audience": "professionals"},
                                {"number": "01904 000002"}]),
                service("york-sarc", name="York SARC", service_types=["sarc"], locations=[YORK_CENTRE],
                        phones=[{"number": "01904 000003", "audience": "professionals"}]),
                service("york-police", name="York Police", service_types=["police"], locations=[YORK_CENTRE],
                        phones=[{"number": "101"}]),
                service("york-therapy", name="York Therapy", service_types=["therapeutic"], locations=[YORK_CENTRE]),
                service("york-camhs", name="York CAMHS", service_types=["camhs"], stages=["later_support"],
                        locations=[HAXBY], phones=[{"number": "01904 000004"}]),
            ],
            "national.yaml": [
                service("national-999", name="Emergency services (999)", service_types=["emergency"],
                        service_areas=["national"], max_age=120, phones=[{"number": "999"}]),
                service("national-kids-line", name="Kids Line", service_types=["helpline"],
                        service_areas=["national"], max_age=18, phones=[{"number": "0800 000000"}]),
                service("national-parents-line", name="Parents Line", service_types=["helpline"],
                        service_areas=["national"], for_parents=True, phones=[{"number": "0800 111111"}]),
            ],
        },
    )
    d = load_directory(root)
    assert not d.problems, d.problems
    return d


def plan(directory, **fields):
    return make_plan({"age": 9, "area": "York", **fields}, directory)


def line(p, stage):
    return next(x for x in p.summary if x.stage == stage)


def test_every_step_to_do_today_has_one_line_in_reading_order(directory):
    p = plan(directory, indicators=["sti"])
    now = [s for s in p.steps if s.when == "now"]
    assert [x.stage for x in p.summary] == [s.stage for s in now if s.specific] + [
        s.stage for s in now if not s.specific
    ]
    assert [x.stage for x in p.summary][:2] == ["strategy_discussion", "medical_assessment"]
    assert all(x.text and len(x.text) <= 50 for x in p.summary)


def test_the_number_is_a_public_line_of_the_steps_own_service(directory):
    refer = line(plan(directory), "refer_to_social_care")
    assert (refer.phone, refer.service, refer.audience) == ("01904 000002", "York Front Door", "public")
    assert line(plan(directory), "immediate_safety").phone == "999"


def test_a_professionals_line_is_given_only_when_there_is_no_public_one_and_is_labelled(directory, tmp_path):
    p = plan(directory, indicators=["sti"])
    medical = line(p, "medical_assessment")
    assert (medical.phone, medical.audience) == ("01904 000003", "professionals")
    text = render_text(p, load_pathway())
    screen_line = next(x for x in text.splitlines() if x.startswith("[ ] " + medical.text))
    assert "01904 000003" in screen_line and PROFESSIONALS_LABEL in screen_line
    assert html.escape(PROFESSIONALS_LABEL) in plan_html(p)
    # and in the full plan too, wherever that number is shown
    assert f"01904 000001 ({PROFESSIONALS_LABEL})" in text


def test_a_step_names_who_to_call_only_from_the_types_it_says(directory):
    """The strategy discussion is asked for through the front door, not the police's 101;
    writing things down has no number at all."""
    p = plan(directory, concern="disclosure")
    assert line(p, "strategy_discussion").phone == "01904 000002"
    record = line(p, "recognise_and_record")
    assert record.phone is None and record.service is None


def test_no_number_listed_names_the_service(directory):
    therapy = line(plan(directory), "therapeutic_support")
    assert (therapy.phone, therapy.service) == (None, "York Therapy")


def test_self_harm_puts_the_areas_camhs_first_and_its_number_on_the_first_screen(directory):
    """Any CAMHS record in the area is listed (a lookup by type), before nearer therapy."""
    p = plan(directory, mental_health_concern=True)
    step = p.step("therapeutic_support")
    assert step.when == "now" and [s.service.id for s in step.services][:2] == ["york-camhs", "york-therapy"]
    assert line(p, "therapeutic_support").phone == "01904 000004"
    assert "york-camhs" not in [s.service.id for s in plan(directory).step("therapeutic_support").services]


@pytest.mark.parametrize("fields", [{"age": 3}, {"age": 12, "disabled_or_send": True}])
def test_a_child_who_cannot_phone_alone_gets_the_parents_line_instead(directory, fields):
    p = make_plan({"area": "York", **fields}, directory)
    listed = {s.service.id for step in p.steps for s in step.services} | {s.service.id for s in p.later_contacts}
    assert "national-kids-line" not in listed and "national-parents-line" in listed
    older = make_plan({"area": "York", "age": 12}, directory)
    assert "national-kids-line" in {s.service.id for step in older.steps for s in step.services}


def test_immediate_danger_heads_the_first_screen(directory):
    p = plan(directory, immediate_danger=True, suspect_relationship="sibling", suspect_age=14,
             suspect_lives_with_child=True)
    safety = line(p, "immediate_safety")
    assert safety.text.startswith("Call 999 now") and safety.phone == "999"


def test_every_rendering_opens_with_the_first_screen(directory):
    pathway = load_pathway()
    p = plan(directory, indicators=["sti"])
    text = render_text(p, pathway).splitlines()
    assert text[2].startswith(SUMMARY_HEADING) and text[3].startswith("[ ] Strategy discussion today")
    markdown = render_markdown(p, pathway)
    assert [x for x in markdown.splitlines() if x.startswith("## ")][0] == "## " + SUMMARY_HEADING
    assert "1. Strategy discussion today" in markdown
    page = plan_html(p, pathway)
    body = page.split("<body>", 1)[1]
    assert body.index(SUMMARY_HEADING) < body.index("Today, for this child")
    assert 'href="tel:999"' in body.split("</section>", 1)[0]


def _broken(tmp_path, old: str, new: str):
    text = SHIPPED_PATHWAY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "pathway.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_pathway(path)
    return str(info.value)


def test_a_stage_that_can_be_today_needs_a_summary_line(tmp_path):
    message = _broken(tmp_path, "    summary: Make sure the child is safe tonight\n", "")
    assert re.search(r"pathway\.yaml:\d+: stages\.immediate_safety\.summary: a stage that can be done today", message)


def test_a_summary_line_must_fit_beside_its_number(tmp_path):
    message = _broken(
        tmp_path,
        "    summary: Make sure the child is safe tonight\n",
        "    summary: Make sure the child is safe tonight, tomorrow night and every night after that\n",
    )
    assert "immediate_safety.summary" in message and "50" in message
