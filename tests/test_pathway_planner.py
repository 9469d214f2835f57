"""The planner: one named situation per rule from the 2020 inspection, and invariants.

Most tests use a small fixture directory (York, Cornwall and national services with known
ages, disclosure and investigation rules) so they do not move when the shipped data does;
the last group checks the shipped directory for the six inspected areas.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathways.definition import load_pathway
from pathways.plan import Plan
from pathways.planner import UnknownPlace, adult_pointer, delivers, eligible, make_plan
from pathways.situation import ACTIVE_INVESTIGATION, FIELD_KINDS, Situation, parse_situation
from services.directory import load_directory
from services.errors import InvalidInput, PlaceNotFound
from services.models import Service

from .conftest import CORNWALL, PLAN_KEYS, YORK, service, write_data_dir

CORE = {"childrens_social_care", "police", "health_paediatrics"}
INVESTIGATIONS = FIELD_KINDS["investigation"][1]
YORK_CENTRE = {"latitude": 53.959, "longitude": -1.0815}
HAXBY = {"latitude": 54.0167, "longitude": -1.0766}
TRURO = {"latitude": 50.263, "longitude": -5.051}

ROOT = Path(__file__).resolve().parent.parent


def _fixture_services() -> dict[str, Any]:
    return {
        "york.yaml": [
            service("york-front-door", service_types=["social_care_front_door"], locations=[YORK_CENTRE]),
            service("york-police", service_types=["police"], locations=[YORK_CENTRE]),
            service(
                "york-csaac",
                service_types=["csaac"],
                requires_disclosure=True,
                available_during_investigation=True,
                locations=[YORK_CENTRE],
            ),
            service(
                "york-therapy-far",
                service_types=["therapeutic"],
                available_during_investigation=True,
                locations=[HAXBY],
            ),
            service(
                "york-therapy-paused",
                service_types=["therapeutic"],
                available_during_investigation=False,
                locations=[YORK_CENTRE],
            ),
            service(
                "york-teen-therapy",
                service_types=["therapeutic"],
                min_age=13,
                max_age=17,
                accepts_self_referral=True,
                locations=[YORK_CENTRE],
            ),
            service(
                "york-parents", service_types=["parent_support"], for_parents=True, locations=[YORK_CENTRE]
            ),
            service(
                "york-hsb", service_types=["hsb_service"], min_age=10, max_age=17, locations=[YORK_CENTRE]
            ),
        ],
        "cornwall.yaml": [
            service(
                "cornwall-therapy", service_types=["therapeutic"], service_areas=[CORNWALL], locations=[TRURO]
            ),
            service(
                "cornwall-front-door",
                service_types=["social_care_front_door"],
                service_areas=[CORNWALL],
                locations=[TRURO],
            ),
        ],
        "national.yaml": [
            service("national-999", service_types=["emergency"], service_areas=["national"], max_age=120),
            service(
                "national-helpline",
                service_types=["helpline"],
                service_areas=["national"],
                accepts_self_referral=True,
                available_during_investigation=True,
            ),
            service(
                "national-adults",
                service_types=["adult_survivor_support"],
                service_areas=["national"],
                min_age=18,
                max_age=120,
            ),
            service(
                "national-isva",
                service_types=["isva_chisva"],
                service_areas=["national"],
                requires_disclosure=True,
            ),
        ],
    }


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    root = write_data_dir(tmp_path_factory.mktemp("plan") / "data", _fixture_services())
    d = load_directory(root)
    assert not d.problems, d.problems
    return d


@pytest.fixture(scope="module")
def pathway():
    return load_pathway()


def plan(directory, **fields: Any) -> Plan:
    fields.setdefault("age", 9)
    if not {"area", "postcode", "place"} & set(fields):
        fields["area"] = "York"
    return make_plan(fields, directory)


def ids(services) -> list[str]:
    return [s.service.id for s in services]


def prompt_ids(p: Plan) -> list[str]:
    return [x["id"] for x in p.prompts]


# -- 999 first; no disclosure needed ----------------------------------------------------
def test_immediate_danger_puts_999_first(directory):
    p = plan(directory, immediate_danger=True, concern="signs_only")
    first = p.steps[0]
    assert first.stage == "immediate_safety" and first.when == "now"
    assert "999" in first.title
    assert ids(first.services)[0] == "national-999"


#: Situations unlike each other, for the rules every plan must keep.
VARIED = [
    {},
    {"concern": "signs_only"},
    {"concern": "disclosure", "investigation": "ongoing", "suspect_relationship": "parent"},
    {"age": 2, "indicators": ["sti"]},
    {"age": 15, "suspect_relationship": "sibling", "suspect_is_child": True, "suspect_age": 16},
    {"age": 9, "investigation": "no_further_action", "retracted": True},
    {"age": 17, "support_ended": True, "child_displays_hsb": True},
]


@pytest.mark.parametrize("extra", VARIED)
def test_every_plan_keeps_the_child_safe_now_and_says_999(directory, extra):
    steps = plan(directory, **extra).steps
    first = next(s for s in steps if s.stage == "immediate_safety")
    assert first.when == "now" and "call 999" in first.why


def test_signs_only_is_enough_to_act_on(directory):
    p = plan(directory, concern="signs_only")
    assert "no_disclosure_needed" in prompt_ids(p)
    for stage in ("refer_to_social_care", "strategy_discussion", "section_47_enquiry", "therapeutic_support"):
        assert p.step(stage), stage
    assert "Signs only" in p.step("recognise_and_record").why


def test_the_medical_is_reached_through_professionals_whatever_the_child_said(directory, pathway):
    """Signs only never removes the SARC route: the strategy discussion refers the child, so a
    service that a family could only self-refer to after a disclosure is still listed there."""
    assert pathway.stage("medical_assessment").professional_referral
    assert "york-csaac" in ids(plan(directory, concern="signs_only").step("medical_assessment").services)
    assert "york-csaac" in ids(plan(directory, concern="disclosure").step("medical_assessment").services)
    assert "york-csaac" in ids(
        plan(directory, concern="partial_disclosure").step("medical_assessment").services
    )


def test_full_disclosure_does_not_get_the_no_disclosure_prompt(directory):
    assert "no_disclosure_needed" not in prompt_ids(plan(directory, concern="disclosure"))


# -- strategy discussion ----------------------------------------------------------------
def test_strategy_invitees_core_agencies(directory):
    p = plan(directory, age=2)
    assert p.strategy_discussion_invitees[:3] == ["childrens_social_care", "police", "health_paediatrics"]
    assert "school" not in p.strategy_discussion_invitees  # too young for school
    assert "gp" in p.strategy_discussion_invitees  # no school: the GP holds the picture


@pytest.mark.parametrize(
    "fields, expected, absent",
    [
        ({"concern": "disclosure"}, {"sarc"}, set()),
        ({"concern": "signs_only", "days_since_last_abuse": 2}, {"sarc"}, set()),
        ({"concern": "signs_only"}, {"sarc"}, {"probation", "mappa", "youth_justice"}),
        ({}, set(), {"sarc", "probation", "mappa", "youth_justice"}),
        ({"age": 7}, {"school", "school_nursing"}, set()),
        ({"suspect_registered_offender": True}, {"probation", "mappa"}, set()),
        ({"suspect_release_due": True}, {"probation", "mappa"}, set()),
        ({"child_displays_hsb": True, "age": 12}, {"youth_justice", "camhs"}, set()),
        ({"child_displays_hsb": True, "age": 9}, {"camhs"}, {"youth_justice"}),
        ({"suspect_is_child": True}, {"youth_justice"}, {"probation"}),
        ({"suspect_age": 9}, set(), {"youth_justice", "probation"}),
        ({"indicators": ["sti"], "concern": "signs_only"}, {"sarc"}, set()),
        ({"mental_health_concern": True}, {"camhs"}, set()),
        ({"disabled_or_send": True}, {"gp"}, set()),
    ],
)
def test_strategy_invitees_follow_the_situation(directory, fields, expected, absent):
    invitees = set(plan(directory, **fields).strategy_discussion_invitees)
    assert CORE | expected <= invitees
    assert not invitees & absent


def test_strategy_step_lists_the_invitees_with_reasons(directory):
    p = plan(directory, concern="disclosure", suspect_registered_offender=True)
    assert list(p.step("strategy_discussion").agencies) == p.strategy_discussion_invitees
    assert all(i.why for i in p.invitees)


def test_disclosure_brings_the_strategy_discussion_forward(directory):
    assert plan(directory, concern="disclosure").step("strategy_discussion").when == "now"
    assert plan(directory, concern="signs_only").step("strategy_discussion").when == "next"


def test_joint_enquiry_health_and_recording_prompts_always_apply(directory):
    for p in (plan(directory), plan(directory, concern="disclosure", investigation="trial")):
        for prompt in (
            "challenge_single_agency_enquiry",
            "health_in_strategy",
            "record_as_sexual_abuse",
            "consider_all_children",
            "support_non_offending_parent",
            "later_point_of_contact",
        ):
            assert prompt in prompt_ids(p)


# -- every other child ------------------------------------------------------------------
def test_other_children_are_considered(directory):
    p = plan(directory, other_children=3, suspect_relationship="parent")
    assert "consider_all_children" in prompt_ids(p)
    text = next(x["text"] for x in p.prompts if x["id"] == "consider_all_children")
    assert "suspect's own children" in text and "brothers and sisters" in text
    assert "other children" in p.step("section_47_enquiry").why


# -- medical whatever the time since ----------------------------------------------------
@pytest.mark.parametrize("days", [0, 3, 7, 8, 30, 365, None])
def test_medical_assessment_is_offered_whatever_the_time_since(directory, days):
    p = plan(directory, concern="disclosure", days_since_last_abuse=days)
    assert p.step("medical_assessment") is not None


@pytest.mark.parametrize("days", [0, 7])
def test_within_the_forensic_window_the_medical_is_now_and_forensic(directory, days):
    step = plan(directory, concern="disclosure", days_since_last_abuse=days).step("medical_assessment")
    assert step.when == "now" and "forensic window" in step.title.lower()


@pytest.mark.parametrize("days", [8, 400 // 2])
def test_outside_the_forensic_window_the_medical_is_for_health_needs(directory, days):
    p = plan(directory, concern="disclosure", days_since_last_abuse=days)
    step = p.step("medical_assessment")
    assert "health needs" in step.title and "infections" in step.why
    assert "medical_outside_forensic_window" in prompt_ids(p)


def test_unknown_timing_after_disclosure_still_prompts_the_medical(directory):
    p = plan(directory, concern="disclosure")
    assert "medical_outside_forensic_window" in prompt_ids(p)
    assert "not known" in p.step("medical_assessment").why


# -- therapy now ------------------------------------------------------------------------
@pytest.mark.parametrize("investigation", [None, *INVESTIGATIONS])
def test_therapy_is_available_now_whatever_the_investigation(directory, investigation):
    step = plan(directory, concern="disclosure", investigation=investigation).step("therapeutic_support")
    assert step is not None and step.when == "now"
    assert step.services, "therapy must list services"


def test_therapy_prompt_during_investigation_and_trial(directory):
    for investigation in ("ongoing", "charged", "trial", "none"):
        assert "therapy_during_investigation" in prompt_ids(plan(directory, investigation=investigation))
    assert "therapy_during_investigation" not in prompt_ids(plan(directory, investigation="concluded"))


def test_services_that_stop_for_an_investigation_are_not_offered_during_one(directory):
    during = ids(
        plan(directory, concern="disclosure", investigation="ongoing").step("therapeutic_support").services
    )
    before = ids(
        plan(directory, concern="disclosure", investigation="none").step("therapeutic_support").services
    )
    assert "york-therapy-paused" not in during and "york-therapy-far" in during
    assert "york-therapy-paused" in before


def test_services_are_nearest_first(directory):
    therapy = plan(directory, investigation="none").step("therapeutic_support")
    distances = [s.distance_km for s in therapy.services if s.local]
    assert distances == sorted(distances)
    assert ids(therapy.services).index("york-therapy-paused") < ids(therapy.services).index(
        "york-therapy-far"
    )


# -- harmful sexual behaviour -----------------------------------------------------------
def test_child_with_hsb_is_assessed_as_a_potential_victim(directory):
    p = plan(directory, age=12, child_displays_hsb=True)
    assert p.step("hsb_assessment") and p.step("hsb_intervention")
    assert "potential victim" in p.step("hsb_assessment").title
    assert "hsb_child_is_potential_victim" in prompt_ids(p)
    assert p.step("therapeutic_support") is not None
    assert "york-hsb" in ids(p.step("hsb_assessment").services)


def test_suspect_who_is_a_child_gets_the_same_consideration(directory):
    p = plan(directory, suspect_is_child=True, suspect_relationship="sibling")
    assert "child suspected of harming" in p.step("hsb_assessment").title
    assert "hsb_child_is_potential_victim" in prompt_ids(p)


def test_no_hsb_steps_without_hsb(directory):
    p = plan(directory)
    assert p.step("hsb_assessment") is None and "hsb_child_is_potential_victim" not in prompt_ids(p)


# -- non-abusing parents; suspects ------------------------------------------------------
@pytest.mark.parametrize("relationship", ["parent", "step_parent_or_partner"])
def test_non_abusing_parent_is_supported_not_left_to_police_contact(directory, relationship):
    p = plan(directory, suspect_relationship=relationship)
    step = p.step("family_support")
    assert "in their own right" in step.title
    assert "written agreement is not a safety plan" in step.why
    assert "york-parents" in ids(step.services) and not step.gap
    assert {"avoid_reliance_on_non_abusing_parent", "support_non_offending_parent"} <= set(prompt_ids(p))


@pytest.mark.parametrize("extra", VARIED)
def test_family_support_is_in_every_plan(directory, extra):
    assert plan(directory, **extra).step("family_support") is not None


def test_bail_over_voluntary_attendance_while_children_are_at_risk(directory):
    p = plan(directory, concern="disclosure", investigation="ongoing", suspect_lives_with_child=True)
    assert "bail_and_suspect_management" in prompt_ids(p)
    assert "Voluntary attendance" in p.step("criminal_investigation").why
    assert "bail_and_suspect_management" not in prompt_ids(plan(directory, investigation="no_further_action"))


def test_release_of_a_registered_offender_needs_planning_first(directory):
    p = plan(directory, suspect_registered_offender=True, suspect_release_due=True, concern="signs_only")
    step = p.step("offender_risk_management")
    assert step.when == "now" and "released" in step.title
    assert {"pre_release_planning", "avoid_reliance_on_non_abusing_parent"} <= set(prompt_ids(p))
    assert {"probation", "mappa"} <= set(step.agencies)


def test_no_offender_step_without_a_known_offender(directory):
    assert plan(directory).step("offender_risk_management") is None


# -- NFA, recording, charge -------------------------------------------------------------
def test_no_further_action_does_not_end_protection(directory):
    p = plan(directory, concern="disclosure", investigation="no_further_action")
    assert "nfa_does_not_end_protection" in prompt_ids(p)
    assert p.step("section_47_enquiry") and p.step("child_protection_plan")
    assert "not the enquiry into the child's safety" in p.step("section_47_enquiry").why
    assert p.step("criminal_investigation") is None
    assert "nfa_does_not_end_protection" not in prompt_ids(plan(directory, investigation="ongoing"))


def test_plan_is_recorded_as_sexual_abuse(directory):
    p = plan(directory)
    assert "sexual abuse" in p.step("child_protection_plan").title
    assert "record_as_sexual_abuse" in prompt_ids(p)


def test_charged_case_supports_the_child_through_court(directory):
    p = plan(directory, concern="disclosure", investigation="charged")
    assert "court" in p.step("criminal_investigation").title
    assert p.step("achieving_best_evidence") is None  # the interview is behind them
    assert p.step("advocacy") is not None


def test_disclosure_with_no_investigation_yet_plans_the_abe_interview(directory):
    p = plan(directory, concern="disclosure", investigation="none")
    assert p.step("achieving_best_evidence") and p.step("criminal_investigation")
    assert p.step("achieving_best_evidence").when == "next"


# -- 16 and 17; disabled children -------------------------------------------------------
@pytest.mark.parametrize("age", [16, 17])
def test_older_teens_get_a_pathway_that_fits(directory, age):
    p = plan(directory, age=age, concern="disclosure")
    assert "older_teen_pathway" in prompt_ids(p)
    assert "16 or 17" in p.step("medical_assessment").why
    assert "york-teen-therapy" in ids(p.step("therapeutic_support").services)


def test_younger_children_do_not_see_teen_services(directory):
    p = plan(directory, age=9)
    assert "older_teen_pathway" not in prompt_ids(p)
    assert "york-teen-therapy" not in ids(p.step("therapeutic_support").services)


def test_disabled_child_gets_communication_support(directory):
    p = plan(directory, concern="disclosure", disabled_or_send=True)
    assert "disabled_child_communication" in prompt_ids(p)
    assert "registered intermediary" in p.step("achieving_best_evidence").why
    assert "intermediary" in p.step("advocacy").why
    # not screened out: the same steps as for any other child
    ordinary = plan(directory, concern="disclosure")
    assert [s.stage for s in p.steps] == [s.stage for s in ordinary.steps]


def test_interpreter_for_another_language(directory):
    assert "interpreter" in plan(directory, language="Polish").step("recognise_and_record").why
    assert "interpreter" not in plan(directory, language="English").step("recognise_and_record").why


# -- open cases, earlier concerns, later ------------------------------------------------
def test_open_case_still_needs_a_strategy_discussion(directory):
    p = plan(directory, case_open_to_social_care=True)
    assert "strategy discussion" in p.step("refer_to_social_care").title
    assert "open_case_still_needs_strategy" in prompt_ids(p)
    assert p.step("strategy_discussion") is not None


def test_earlier_concerns_prompt_escalation(directory):
    assert "escalate_unresolved_concerns" in prompt_ids(plan(directory, previous_concerns=3))
    assert "escalate_unresolved_concerns" not in prompt_ids(plan(directory, previous_concerns=0))


def test_support_ended_brings_later_support_to_now(directory):
    step = plan(directory, support_ended=True).step("later_support")
    assert step.when == "now"


@pytest.mark.parametrize("extra", VARIED)
def test_every_plan_ends_with_someone_to_contact_later(directory, extra):
    assert plan(directory, **extra).later_contacts


def test_the_later_contact_a_child_can_reach_comes_first(directory):
    p = plan(directory)
    assert ids(p.later_contacts)[0] == "national-helpline"  # self-referral first
    assert "national-adults" not in ids(p.later_contacts)  # 18+ only


def test_later_contact_falls_back_when_the_directory_has_none(tmp_path):
    d = load_directory(
        write_data_dir(tmp_path / "data", {"york.yaml": [service("york-police", service_types=["police"])]})
    )
    p = make_plan({"age": 9, "area": "York"}, d)
    assert [c.service.name for c in p.later_contacts][:1] == ["Childline"]
    assert all(c.to_dict()["contact"]["phones"] for c in p.later_contacts)


# -- gaps, areas, determinism, contract -------------------------------------------------
def test_gap_when_nothing_local_delivers_a_step(directory):
    p = plan(directory, concern="disclosure", investigation="ongoing")
    advocacy = p.step("advocacy")
    assert advocacy.gap and ids(advocacy.services) == ["national-isva"]
    assert not p.step("therapeutic_support").gap
    assert not p.step("immediate_safety").gap  # 999 is national by nature


def test_gap_with_nothing_at_all_lists_nothing(directory):
    step = plan(directory, area="Cornwall").step("medical_assessment")
    assert step.gap and step.services == ()


def test_services_outside_the_area_never_appear(directory):
    york = {s.service.id for step in plan(directory).steps for s in step.services}
    cornwall = {s.service.id for step in plan(directory, area="Cornwall").steps for s in step.services}
    assert not any(i.startswith("cornwall") for i in york)
    assert not any(i.startswith("york") for i in cornwall)
    assert "cornwall-therapy" in cornwall


def test_area_code_name_postcode_and_place_agree(directory):
    by_name = plan(directory, area="York").to_dict()
    by_code = plan(directory, area=YORK).to_dict()
    assert by_name["area"] == by_code["area"] == {"code": YORK, "name": "York", "coverage": "local"}
    assert plan(directory, postcode="YO10 5DD").area == by_name["area"]


def test_plans_are_deterministic_across_processes():
    """The same situation gives the same plan in two fresh processes with different hash
    seeds (no set or dict order leaks into what a practitioner reads)."""
    argv = [sys.executable, "-m", "pathways", "plan", "--age", "11", "--area", "York", "--concern",
            "partial_disclosure", "--investigation", "ongoing", "--other-children", "2", "--child-displays-hsb",
            "--json"]
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("WAYMARK_DATA", None)
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["steps"]


def test_json_follows_the_design_contract(directory):
    data = plan(directory, concern="disclosure").to_dict()
    assert list(data) == PLAN_KEYS
    assert all(list(line) == ["stage", "text", "phone", "service", "audience"] for line in data["summary"])
    for step in data["steps"]:
        assert list(step) == ["stage", "when", "title", "why", "agencies", "services", "gap", "gap_reason"]
        for item in step["services"]:
            assert {
                "id",
                "name",
                "service_type",
                "distance_km",
                "min_age",
                "max_age",
                "available_during_investigation",
                "contact",
            } <= set(item)
    assert all(set(p) == {"id", "text", "source"} for p in data["prompts"])
    assert data["situation"]["age"] == 9


def test_steps_run_now_then_next_then_later_in_pathway_order(directory, pathway):
    p = plan(directory, concern="disclosure", investigation="ongoing", child_displays_hsb=True)
    rank = {"now": 0, "next": 1, "later": 2}
    keys = [(rank[s.when], pathway.order[s.stage]) for s in p.steps]
    assert keys == sorted(keys)


# -- bad situations ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "fields, message",
    [
        ({"age": 19, "area": "York"}, "age: 19 is an adult's age"),
        ({"age": 9, "area": "York", "indicators": ["sti", "flu"]}, "indicators: 'flu' is not an indicator"),
        ({"age": 9, "area": "York", "indicators": "sti"}, None),
        ({"age": 9, "area": "York", "suspect_age": 12, "suspect_is_child": False}, "is a child's age, but"),
        ({"age": 9, "area": "York", "suspect_age": 9, "suspect_release_due": True}, "cannot be due for release"),
        ({"age": 9, "area": "York", "suspect_age": 8, "suspect_works_with_children": True}, "cannot be working"),
        ({"age": 9, "area": "York", "living_arrangement": "hotel"}, "living_arrangement: 'hotel' is not one of"),
        ({"age": -1, "area": "York"}, "age: -1 is not a child's age"),
        ({"age": True, "area": "York"}, "age: True is not a whole number"),
        ({"age": 9.5, "area": "York"}, "age: 9.5 is not a whole number"),
        ({"area": "York"}, "age: is required"),
        ({"age": 9}, "say where the child lives"),
        ({"age": 9, "area": "York", "postcode": "YO10 5DD"}, "give only one of area, postcode or place"),
        ({"age": 9, "area": "York", "other_children": -2}, "other_children: -2 cannot be below 0"),
        ({"age": 9, "area": "York", "previous_concerns": -1}, "previous_concerns: -1 cannot be below 0"),
        ({"age": 9, "area": "York", "concern": "rumour"}, "concern: 'rumour' is not one of"),
        ({"age": 9, "area": "York", "investigation": "paused"}, "investigation: 'paused' is not one of"),
        ({"age": 9, "area": "York", "suspect_relationship": "neighbour"}, "suspect_relationship"),
        ({"age": 2, "area": "York", "days_since_last_abuse": 5000}, "longer than a 2-year-old's life"),
        (
            {"age": 9, "area": "York", "days_since_last_abuse": -3},
            "days_since_last_abuse: -3 cannot be below 0",
        ),
        ({"age": 9, "area": "York", "language": "<script>"}, "is not the name of a language"),
        ({"age": 9, "area": "York", "favourite_colour": "red"}, "favourite_colour: is not a situation field"),
    ],
)
def test_impossible_situations_are_refused_clearly(fields, message):
    if message is None:  # a single indicator given as text is a list of one
        assert parse_situation(fields).indicators == ("sti",)
        return
    with pytest.raises(InvalidInput) as info:
        parse_situation(fields)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_days_are_accepted_as_unknown():
    assert (
        parse_situation({"age": 9, "area": "York", "days_since_last_abuse": "unknown"}).days_since_last_abuse
        is None
    )


@pytest.mark.parametrize("where", [{"area": "Narnia"}, {"area": "E99999999"}, {"place": "Atlantis"}])
def test_unknown_area_is_invalid_input(directory, where):
    with pytest.raises(UnknownPlace) as info:
        make_plan({"age": 9, **where}, directory)
    assert isinstance(info.value, InvalidInput) and isinstance(info.value, PlaceNotFound)


# -- invariants over all valid situations -----------------------------------------------
_BOOLS = [n for n, (k, _) in FIELD_KINDS.items() if k == "bool"]


@st.composite
def situations(draw) -> dict[str, Any]:
    age = draw(st.integers(0, 17))
    values: dict[str, Any] = {
        "age": age,
        "area": draw(st.sampled_from(["York", YORK, "Cornwall", "Islington"])),
    }
    for name, (kind, choices) in FIELD_KINDS.items():
        if name in ("age", "area", "postcode", "place", "language", "days_since_last_abuse"):
            continue
        if not draw(st.booleans()):
            continue
        if kind == "bool":
            values[name] = draw(st.booleans())
        elif kind == "enum":
            values[name] = draw(st.sampled_from(choices))
        elif name == "other_children":
            values[name] = draw(st.integers(0, 50))
        elif name == "previous_concerns":
            values[name] = draw(st.integers(0, 200))
        elif name == "suspect_age":
            values[name] = draw(st.integers(0, 80))
        elif kind == "list":
            values[name] = draw(st.lists(st.sampled_from(choices), unique=True, max_size=3))
    values["days_since_last_abuse"] = draw(st.none() | st.integers(0, (age + 1) * 366))
    values["language"] = draw(st.sampled_from([None, "English", "Polish", "British Sign Language"]))
    try:
        parse_situation(values)
    except InvalidInput:
        assume(False)  # contradictory answers are refused (tested on their own)
    return values


_STRONG = {"sti", "genital_injury"}


def _independently_eligible(
    svc, situation: Situation, code: str, ages: tuple | None = None, referral: bool = False
) -> bool:
    """Written from the rules, not the planner: ages (the step's people, default the child),
    area, a disclosure (or evidence standing in for one), investigation, and no helpline a
    child under 5 would have to use alone."""
    ages = tuple(a for a in (ages or (situation.age,)) if a is not None)
    evidence = (
        bool(_STRONG & set(situation.indicators))
        or "abuse_images" in situation.indicators
        or ("pregnancy" in situation.indicators and situation.age < 13)
        or situation.retracted
    )
    # at a stage professionals refer to (the medical), the child's words are not needed
    disclosed = situation.concern in ("disclosure", "partial_disclosure") or evidence or referral
    usable = [p for p in svc.phones if p.audience == "public" and p.type != "fax"]  # a family's numbers
    own_contact = (
        "helpline" in svc.service_types
        and not svc.for_parents
        and (svc.max_age <= 18 or bool(usable and all(p.type == "text" for p in usable)))
    )
    return (
        all(svc.min_age <= a <= svc.max_age for a in ages)
        and not (own_contact and bool(ages) and min(ages) < 5)
        and ("national" in svc.service_areas or code in svc.service_areas)
        and (disclosed or not svc.requires_disclosure)
        and not (
            situation.investigation in ACTIVE_INVESTIGATION and svc.available_during_investigation is False
        )
    )


def _step_ages(step, situation: Situation) -> tuple:
    """Whose ages a step's services must fit: the HSB steps about a child suspect fit theirs too."""
    if step.stage in ("hsb_assessment", "hsb_intervention") and situation.suspect_is_child:
        return (situation.age, situation.suspect_age)
    return (situation.age,)


_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(situations())
def test_invariants_hold_for_every_valid_situation(directory, pathway, values):
    p = make_plan(values, directory)
    code = p.area["code"]
    # every plan has a later contact, and immediate safety first
    assert p.later_contacts
    assert p.steps[0].stage == "immediate_safety"
    # invitees always include the three core agencies
    assert CORE <= set(p.strategy_discussion_invitees)
    # no ineligible service ever appears
    for step in p.steps:
        ages = _step_ages(step, p.situation)
        for s in step.services:
            referral = pathway.stage(step.stage).professional_referral
            assert _independently_eligible(s.service, p.situation, code, ages, referral), (step.stage, s.service.id)
            assert delivers(s.service, pathway.stage(step.stage), ["intermediary"]), (
                step.stage,
                s.service.id,
            )
        national_ok = pathway.stage(step.stage).national_covers
        assert step.gap == (not step.local_services) or national_ok
    for s in p.later_contacts:
        fallback = s.service.id.startswith("pathway-fallback-")
        assert fallback or _independently_eligible(s.service, p.situation, code)
    # therapy is present, now, and never gated on the investigation
    therapy = p.step("therapeutic_support")
    assert therapy is not None and therapy.when == "now"
    # the JSON is serialisable
    json.dumps(p.to_dict())


@_SETTINGS
@given(situations(), st.sampled_from([None, *INVESTIGATIONS]))
def test_changing_only_the_investigation_never_removes_or_delays_therapy(directory, values, investigation):
    values = {k: v for k, v in values.items() if k != "investigation"}
    base = make_plan(values, directory).step("therapeutic_support")
    other = make_plan({**values, "investigation": investigation}, directory).step("therapeutic_support")
    assert base is not None and other is not None
    assert (base.when, base.title) == (other.when, other.title)


def test_eligible_matches_search_semantics(directory):
    situation = parse_situation(
        {"age": 9, "area": "York", "concern": "signs_only", "investigation": "ongoing"}
    )
    place = directory.place_for_area("York")
    by_id = {s.id: s for s in directory.services}
    assert not eligible(by_id["york-csaac"], situation, place)  # needs a disclosure
    assert not eligible(by_id["york-therapy-paused"], situation, place)  # stops for investigations
    assert not eligible(by_id["cornwall-therapy"], situation, place)  # another area
    assert not eligible(by_id["york-teen-therapy"], situation, place)  # 13+
    assert eligible(by_id["york-therapy-far"], situation, place)


def test_a_text_only_helpline_with_a_professionals_line_is_not_offered_to_a_child_under_5(directory, pathway):
    """The planner asks the same rule as Find support (services.sections.too_young_alone),
    judged on the numbers a family may use."""
    line = Service.model_validate(service("text-line", service_types=["helpline"], service_areas=["national"],
                                          min_age=0, max_age=120, phones=[
        {"number": "85258", "type": "text"},
        {"number": "0300 123 4567", "audience": "professionals"},
        {"number": "0300 123 4568", "type": "fax"}]))
    place = directory.place_for_area("York")
    young = parse_situation({"age": 4, "area": "York", "concern": "signs_only"})
    older = parse_situation({"age": 9, "area": "York", "concern": "signs_only"})
    assert not eligible(line, young, place, pathway=pathway)
    assert eligible(line, older, place, pathway=pathway)


def test_the_adults_pointer_never_gives_a_professionals_line_or_a_fax(tmp_path, pathway):
    """Where an adult can turn: the first number a family may call, not the first listed."""
    sid = pathway.adults.services[0]
    root = write_data_dir(tmp_path / "data", {"national.yaml": [service(
        sid, service_areas=["national"], min_age=18, max_age=120, url="https://example.org/help", phones=[
            {"number": "0300 111 2222", "audience": "professionals"},
            {"number": "0300 111 3333", "type": "fax"},
            {"number": "0808 802 9999"}])]})
    text = adult_pointer(pathway, load_directory(root))
    assert "0808 802 9999" in text and "0300 111 2222" not in text and "0300 111 3333" not in text


# -- the shipped directory: the six inspected areas -------------------------------------
INSPECTED = ["Bracknell Forest", "Cornwall", "Derby", "Islington", "Shropshire", "York"]


@pytest.mark.parametrize("area", INSPECTED)
def test_inspected_areas_list_real_local_services_and_name_the_gaps(shipped, area):
    p = make_plan({"age": 10, "area": area, "concern": "disclosure", "investigation": "ongoing"}, shipped)
    assert p.area is not None
    for stage in ("refer_to_social_care", "strategy_discussion"):
        step = p.step(stage)
        assert not step.gap and step.local_services, (area, stage)
        assert all(s.service.verified or s.service.source for s in step.local_services)
    for step in p.steps:
        if step.gap:
            assert not step.local_services
        else:
            assert step.local_services or step.stage in (
                "immediate_safety",
                "recognise_and_record",
                "later_support",
            )
    assert p.later_contacts


_SHIPPED_WHERE = st.sampled_from(
    [{"area": a} for a in INSPECTED] + [{"postcode": "YO10 5DD"}, {"place": "Truro"}, {"area": "Leeds"}]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situations(), _SHIPPED_WHERE)
def test_invariants_hold_on_the_shipped_directory(shipped, pathway, values, where):
    values = {k: v for k, v in values.items() if k != "area"} | where
    p = make_plan(values, shipped)
    code = p.area["code"]
    assert p.later_contacts and CORE <= set(p.strategy_discussion_invitees)
    assert p.step("therapeutic_support").when == "now"
    for step in p.steps:
        ages = _step_ages(step, p.situation)
        for s in step.services:
            referral = pathway.stage(step.stage).professional_referral
            assert _independently_eligible(s.service, p.situation, code, ages, referral), (step.stage, s.service.id)
    for s in p.later_contacts:
        assert _independently_eligible(s.service, p.situation, code), s.service.id


def _everything(age: int, area: str) -> dict[str, Any]:
    """A situation under which every stage of the pathway applies."""
    return {
        "age": age,
        "area": area,
        "concern": "disclosure",
        "investigation": "ongoing",
        "child_displays_hsb": True,
        "suspect_registered_offender": True,
        "other_children": 1,
    }


@pytest.mark.parametrize("area", INSPECTED)
def test_plan_gaps_agree_with_the_commissioner_gap_table(shipped, area):
    """A stage the gap table calls uncovered is a gap in every child's plan there, and a stage
    with local services in some child's plan is covered in the table."""
    gaps = pytest.importorskip("pathways.gaps")
    table = gaps.analyse(shipped, areas=[area]).areas[0].to_dict()["stages"]
    plans = [make_plan(_everything(age, area), shipped) for age in (3, 9, 14, 16)]
    for stage, cell in table.items():
        local_somewhere = any((p.step(stage) is not None and p.step(stage).local_services) for p in plans)
        if not cell["covered"]:
            assert not local_somewhere, (area, stage)
        elif local_somewhere:
            assert cell["covered"], (area, stage)
