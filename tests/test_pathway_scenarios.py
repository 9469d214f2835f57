"""Scenarios from the 2020 inspection report and the guidance it relies on, one row each.

Each row is a situation a practitioner could type and what the plan must (and must not)
say: which stages apply and when, who is invited to the strategy discussion, which
reminders fire, and advice that would be wrong for this child (arrest and bail for a
nine-year-old, a medical that "can reassure" a toddler with an STI, Childline for a baby).
They run on the shipped directory, so they check the pathway and the real records together;
the assertions are about the pathway's rules, never about one record's phone number.

The property tests at the end check the two rules that must hold for every situation: no
plan for a suspect under 10 mentions arrest, bail or youth justice anywhere (text, Markdown
or JSON), and no step lists a service whose age range leaves out the person it is for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathways.definition import load_pathway
from pathways.plan import Plan
from pathways.planner import make_plan
from pathways.render import render_markdown, render_text
from pathways.situation import FIELD_KINDS, INDICATORS, AdultAge, parse_situation
from services.errors import InvalidInput

#: Advice that is wrong when the person suspected is under the age of criminal responsibility.
CRIMINAL_WORDS = re.compile(r"(?i)\barrest|\bbail\b|youth justice|youth offending")
#: Helplines a child would have to phone, text or chat with alone.
OWN_CONTACT_IDS = {"national-childline", "national-shout"}


@dataclass(frozen=True)
class Scenario:
    name: str
    situation: dict[str, Any]
    now: tuple[str, ...] = ()  # stages that must be "now"
    not_now: tuple[str, ...] = ()  # stages that must be present but not "now"
    stages: tuple[str, ...] = ()  # stages that must be present
    absent_stages: tuple[str, ...] = ()
    invitees: tuple[str, ...] = ()
    not_invitees: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    absent_prompts: tuple[str, ...] = ()
    says: tuple[str, ...] = ()  # phrases the rendered plan must contain
    never_says: tuple[str, ...] = ()  # regexes the rendered plan (text, Markdown, JSON) must not match
    first_steps: tuple[str, ...] = field(default=())  # the text plan opens with these stages


SCENARIOS = [
    Scenario(
        "toddler with an STI and no words",
        {"age": 2, "area": "York", "indicators": ["sti"]},
        now=("strategy_discussion", "medical_assessment", "refer_to_social_care"),
        stages=("advocacy", "therapeutic_support", "section_47_enquiry", "criminal_investigation"),
        invitees=("health_paediatrics", "sarc", "gp"),
        prompts=("strong_physical_indicator", "no_disclosure_needed"),
        says=("evidence of possible sexual abuse", "paediatrician"),
        never_says=(r"reassure",),
        first_steps=("strategy_discussion", "medical_assessment"),
    ),
    Scenario(
        "the same toddler, signs only",
        {"age": 2, "area": "Islington", "concern": "signs_only", "indicators": ["sti"]},
        now=("strategy_discussion", "medical_assessment"),
        stages=("advocacy", "therapeutic_support"),
        invitees=("sarc",),
        prompts=("strong_physical_indicator",),
        never_says=(r"reassure",),
    ),
    Scenario(
        "a 9-year-old brother living at home",
        {
            "age": 12,
            "area": "Cornwall",
            "concern": "disclosure",
            "suspect_relationship": "sibling",
            "suspect_age": 9,
            "suspect_lives_with_child": True,
        },
        now=("immediate_safety", "hsb_assessment", "strategy_discussion"),
        stages=("section_47_enquiry", "hsb_intervention", "family_support"),
        absent_stages=("criminal_investigation", "achieving_best_evidence", "offender_risk_management"),
        not_invitees=("youth_justice", "probation", "mappa"),
        prompts=("under_age_of_criminal_responsibility", "hsb_child_is_potential_victim"),
        absent_prompts=("bail_and_suspect_management", "sexual_risk_order"),
        says=("Safe care for both children", "led by children's social care"),
        never_says=(CRIMINAL_WORDS.pattern,),
    ),
    Scenario(
        "a 15-year-old brother living at home",
        {
            "age": 6,
            "area": "York",
            "concern": "disclosure",
            "suspect_relationship": "sibling",
            "suspect_age": 15,
            "suspect_lives_with_child": True,
        },
        now=("immediate_safety", "hsb_assessment"),
        stages=("criminal_investigation", "achieving_best_evidence"),
        invitees=("youth_justice",),
        prompts=("hsb_child_is_potential_victim", "registered_intermediary"),
        absent_prompts=("under_age_of_criminal_responsibility",),
        says=("Safe care for both children",),
    ),
    Scenario(
        "an 8-year-old who shows harmful sexual behaviour",
        {"age": 8, "area": "Shropshire", "concern": "signs_only", "child_displays_hsb": True},
        stages=("hsb_assessment", "hsb_intervention"),
        not_invitees=("youth_justice",),
        prompts=("hsb_child_is_potential_victim",),
        never_says=(r"(?i)youth justice|youth offending",),
    ),
    Scenario(
        "retraction",
        {"age": 11, "area": "Derby", "concern": "disclosure", "retracted": True, "suspect_relationship": "parent"},
        now=("strategy_discussion",),
        stages=("section_47_enquiry", "achieving_best_evidence", "therapeutic_support"),
        prompts=("retraction_is_common",),
        says=("taken back what they said",),
    ),
    Scenario(
        "a teacher in the family's circle",
        {
            "age": 13,
            "area": "Bracknell Forest",
            "concern": "disclosure",
            "suspect_relationship": "family_friend",
            "suspect_works_with_children": True,
        },
        prompts=("lado_for_position_of_trust",),
        says=("designated officer (LADO)",),
    ),
    Scenario(
        "a police officer father",
        {
            "age": 10,
            "area": "York",
            "concern": "partial_disclosure",
            "suspect_relationship": "parent",
            "suspect_works_with_children": True,
        },
        prompts=("lado_for_position_of_trust", "avoid_reliance_on_non_abusing_parent"),
        says=("professional standards",),
    ),
    Scenario(
        "parents refuse a medical",
        {
            "age": 8,
            "area": "Islington",
            "concern": "signs_only",
            "indicators": ["genital_injury"],
            "consent_refused": True,
        },
        now=("strategy_discussion", "medical_assessment"),
        prompts=("consent_refused", "strong_physical_indicator"),
        says=("Gillick", "never to skip it"),
    ),
    Scenario(
        "kinship care with the suspect's family",
        {
            "age": 7,
            "area": "Derby",
            "concern": "disclosure",
            "suspect_relationship": "other_relative",
            "living_arrangement": "kinship_care",
        },
        prompts=("kinship_care_safety",),
        says=("capacity to protect",),
    ),
    Scenario(
        "kinship care, suspect outside the family",
        {"age": 7, "area": "Derby", "concern": "disclosure", "suspect_relationship": "unknown",
         "living_arrangement": "kinship_care"},
        absent_prompts=("kinship_care_safety",),
    ),
    Scenario(
        "abuse 2 days ago at 14",
        {"age": 14, "area": "Derby", "concern": "disclosure", "days_since_last_abuse": 2,
         "suspect_relationship": "step_parent_or_partner"},
        now=("medical_assessment", "strategy_discussion"),
        invitees=("sarc",),
        prompts=("emergency_contraception_and_pep", "bail_and_suspect_management"),
        says=("72 hours", "5 days"),
        first_steps=("strategy_discussion", "medical_assessment"),
    ),
    Scenario(
        "abuse 4 days ago: too late for PEP",
        {"age": 15, "area": "York", "concern": "disclosure", "days_since_last_abuse": 4},
        now=("medical_assessment",),
        prompts=("emergency_contraception_and_pep",),
        says=("too late to start HIV post-exposure prophylaxis",),
    ),
    Scenario(
        "no further action, the suspect still at home",
        {
            "age": 10,
            "area": "Shropshire",
            "concern": "disclosure",
            "suspect_relationship": "step_parent_or_partner",
            "suspect_lives_with_child": True,
            "investigation": "no_further_action",
        },
        now=("strategy_discussion",),
        stages=("section_47_enquiry", "child_protection_plan"),
        absent_stages=("criminal_investigation", "achieving_best_evidence"),
        prompts=("sexual_risk_order", "nfa_does_not_end_protection", "avoid_reliance_on_non_abusing_parent"),
        absent_prompts=("bail_and_suspect_management",),
        says=("sexual risk order",),
    ),
    Scenario(
        "a 17-year-old",
        {"age": 17, "area": "Cornwall", "concern": "disclosure"},
        not_now=("later_support",),
        prompts=("transition_to_adult_services", "older_teen_pathway"),
        says=("adult services before 18",),
    ),
    Scenario(
        "images of the child shared",
        {"age": 13, "area": "York", "concern": "signs_only", "indicators": ["abuse_images"]},
        now=("strategy_discussion",),
        stages=("criminal_investigation", "advocacy", "therapeutic_support"),
        prompts=("remove_images_online",),
        says=("Report Remove", "CEOP"),
    ),
    Scenario(
        "a registered sex offender in the household",
        {
            "age": 7,
            "area": "Bracknell Forest",
            "suspect_relationship": "step_parent_or_partner",
            "suspect_registered_offender": True,
            "suspect_lives_with_child": True,
        },
        now=("strategy_discussion",),
        stages=("offender_risk_management",),
        invitees=("probation", "mappa"),
        prompts=("avoid_reliance_on_non_abusing_parent",),
    ),
    Scenario(
        "signs only, no physical sign",
        {"age": 8, "area": "York", "concern": "signs_only", "indicators": ["sexualised_behaviour", "behaviour_change"]},
        not_now=("strategy_discussion", "medical_assessment"),
        stages=("advocacy", "therapeutic_support", "medical_assessment"),
        invitees=("sarc",),  # signs only never removes the SARC route
        prompts=("no_disclosure_needed",),
        absent_prompts=("strong_physical_indicator", "emergency_contraception_and_pep"),
    ),
    Scenario(
        "a disabled 6-year-old who has told",
        {"age": 6, "area": "Shropshire", "concern": "disclosure", "disabled_or_send": True},
        stages=("achieving_best_evidence",),
        invitees=("gp",),
        prompts=("registered_intermediary", "disabled_child_communication"),
        says=("registered intermediary",),
    ),
    Scenario(
        "pregnancy at 12",
        {"age": 12, "area": "York", "indicators": ["pregnancy"]},
        now=("strategy_discussion", "medical_assessment"),
        prompts=("strong_physical_indicator",),
    ),
    Scenario(
        "pregnancy at 15",
        {"age": 15, "area": "York", "indicators": ["pregnancy"]},
        invitees=("sarc",),
        absent_prompts=("strong_physical_indicator",),
    ),
]


@pytest.fixture(scope="module")
def pathway():
    return load_pathway()


def everything(p: Plan, pathway) -> str:
    """All a user can read: the printed plan, the Markdown and the JSON."""
    return "\n".join(
        [render_text(p, pathway), render_markdown(p, pathway), json.dumps(p.to_dict(), ensure_ascii=False)]
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(shipped, pathway, scenario: Scenario):
    p = make_plan(scenario.situation, shipped)
    steps = {s.stage: s for s in p.steps}
    for stage in scenario.now:
        assert stage in steps and steps[stage].when == "now", (stage, steps.get(stage))
    for stage in scenario.not_now:
        assert stage in steps and steps[stage].when != "now", stage
    for stage in scenario.stages:
        assert stage in steps, stage
    for stage in scenario.absent_stages:
        assert stage not in steps, stage
    invitees = set(p.strategy_discussion_invitees)
    assert {"childrens_social_care", "police", "health_paediatrics"} <= invitees
    assert set(scenario.invitees) <= invitees
    assert not invitees & set(scenario.not_invitees)
    prompts = {x["id"] for x in p.prompts}
    assert set(scenario.prompts) <= prompts, prompts
    assert not prompts & set(scenario.absent_prompts)
    text = everything(p, pathway)
    flat = re.sub(r"\s+", " ", text)
    for phrase in scenario.says:
        assert phrase in flat, phrase
    for pattern in scenario.never_says:
        assert not re.search(pattern, text), (pattern, re.search(pattern, text))
    if scenario.first_steps:
        numbered = [line for line in render_text(p, pathway).splitlines() if re.match(r"^\d+\. ", line)]
        for line, stage in zip(numbered, scenario.first_steps):
            assert steps[stage].title[:25] in line, (numbered[:3], scenario.first_steps)
    # a typical plan stays readable: one "no local service" line, not one per step
    assert re.sub(r"\s+", " ", render_text(p, pathway)).count("No local service in the directory") <= 1


def test_urgency_does_not_wait_for_words(shipped):
    """The report's warning: a child with an STI gets the same urgency as one who told."""
    silent = make_plan({"age": 2, "area": "York", "indicators": ["sti"]}, shipped)
    told = make_plan({"age": 2, "area": "York", "concern": "disclosure", "indicators": ["sti"]}, shipped)
    for stage in ("strategy_discussion", "medical_assessment"):
        assert silent.step(stage).when == told.step(stage).when == "now"
    assert {"sarc", "health_paediatrics"} <= set(silent.strategy_discussion_invitees)
    # the evidence opens the same specialist services (the SARC route) as a disclosure would
    assert [s.service.id for s in silent.step("medical_assessment").services] == [
        s.service.id for s in told.step("medical_assessment").services
    ]
    assert silent.step("advocacy") is not None and silent.step("therapeutic_support") is not None


def test_a_toddler_is_offered_parents_help_not_childline(shipped):
    p = make_plan({"age": 2, "area": "York", "concern": "signs_only"}, shipped)
    listed = {s.service.id for step in p.steps for s in step.services} | {s.service.id for s in p.later_contacts}
    assert not listed & OWN_CONTACT_IDS
    assert any(s.service.for_parents and "helpline" in s.service.service_types for s in p.later_contacts)
    older = make_plan({"age": 9, "area": "York", "concern": "signs_only"}, shipped)
    assert "national-childline" in {s.service.id for step in older.steps for s in step.services}


def test_womens_protective_programme_only_where_it_applies(shipped):
    adult = make_plan({"age": 9, "area": "York", "suspect_relationship": "step_parent_or_partner"}, shipped)
    child = make_plan({"age": 9, "area": "York", "suspect_relationship": "sibling", "suspect_age": 14}, shipped)
    def listed(p):
        return {s.service.id for step in p.steps for s in step.services}
    assert "national-nspcc-women-as-protectors" in listed(adult)
    assert "national-nspcc-women-as-protectors" not in listed(child)


def test_an_adult_gets_a_pointer_to_adult_support(shipped):
    with pytest.raises(AdultAge) as info:
        make_plan({"age": 18, "area": "York"}, shipped)
    message = str(info.value)
    for name in ("Rape Crisis", "Survivors Trust", "NAPAC", "SARC"):
        assert name in message


def test_a_programme_that_runs_in_some_areas_says_so(shipped, pathway):
    from dataclasses import replace

    from pathways.plan import PlanService
    from pathways.render import SOME_AREAS_TEXT

    p = make_plan({"age": 9, "area": "York", "concern": "disclosure"}, shipped)
    step = p.step("family_support")
    national = next(ps for ps in step.services if ps.service.is_national)
    limited = PlanService(national.service.model_copy(update={"availability": "some_areas", "id": "test-some-areas-programme"}), None, False)
    p2 = replace(p, steps=tuple(replace(s, services=(limited,)) if s is step else s for s in p.steps))
    assert SOME_AREAS_TEXT in re.sub(r"\s+", " ", render_text(p2, pathway))
    assert limited.to_dict()["availability"] == "some_areas"


# -- properties over every valid situation ---------------------------------------------------
_AREAS = ["York", "Cornwall", "Islington", "Derby", "Shropshire", "Bracknell Forest", "Leeds"]


@st.composite
def situations(draw, suspect_age=None) -> dict[str, Any]:
    suspect_age = suspect_age if suspect_age is not None else st.none() | st.integers(0, 80)
    age = draw(st.integers(0, 17))
    values: dict[str, Any] = {"age": age, "area": draw(st.sampled_from(_AREAS))}
    for name, (kind, choices) in FIELD_KINDS.items():
        if name in ("age", "area", "postcode", "place", "language", "suspect_age") or not draw(st.booleans()):
            continue
        if kind == "bool":
            values[name] = draw(st.booleans())
        elif kind == "enum":
            values[name] = draw(st.sampled_from(choices))
        elif kind == "list":
            values[name] = draw(st.lists(st.sampled_from(INDICATORS), unique=True, max_size=3))
        elif name == "days_since_last_abuse":
            values[name] = draw(st.integers(0, (age + 1) * 366))
        elif kind == "int":
            values[name] = draw(st.integers(0, 5))
    sa = draw(suspect_age)
    if sa is not None:
        values["suspect_age"] = sa
    try:
        parse_situation(values)
    except InvalidInput:
        assume(False)
    return values


_PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_PROPERTY
@given(situations(suspect_age=st.integers(0, 9)))
def test_no_arrest_bail_or_youth_justice_for_a_suspect_under_10(shipped, pathway, values):
    p = make_plan(values, shipped)
    text = everything(p, pathway)
    found = CRIMINAL_WORDS.search(text)
    assert found is None, (values, text[max(0, found.start() - 200) : found.end() + 50])
    assert "youth_justice" not in p.strategy_discussion_invitees
    assert all("youth_justice" not in step.agencies for step in p.steps)


@_PROPERTY
@given(situations())
def test_every_listed_service_fits_the_person_it_is_for(shipped, values):
    p = make_plan(values, shipped)
    s = p.situation
    # read from the JSON a user gets: the child's age fits every service unless it is for parents
    for step in p.to_dict()["steps"]:
        for item in step["services"]:
            assert item["min_age"] <= s.age <= item["max_age"] or item["for_parents"], (step["stage"], item["id"])
    for step in p.steps:
        ages = [s.age if who == "child" else s.suspect_age for who in step.services_for]
        for ps in step.services:
            svc = ps.service
            for age in ages:
                if age is not None:
                    assert svc.min_age <= age <= svc.max_age, (step.stage, svc.id, age)
            if s.age < 5 and "child" in step.services_for:
                assert svc.id not in OWN_CONTACT_IDS, (step.stage, svc.id)
    for ps in p.later_contacts:
        assert ps.service.min_age <= s.age <= ps.service.max_age or ps.service.for_parents


def test_every_service_the_pathway_names_is_in_the_shipped_directory(shipped, pathway):
    """A typo in an id would silently never withhold a programme or point an adult nowhere."""
    named = [r.service for r in pathway.offer_only_if] + list(pathway.adults.services)
    assert named and all(shipped.get(sid) is not None for sid in named), named


def test_every_source_outside_the_report_has_a_page_to_open(pathway):
    for key, text in pathway.sources.items():
        if not key.startswith("jtai_"):
            assert "https://" in text, key
