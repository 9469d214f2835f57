"""Scenarios from the 2020 inspection report and the guidance it relies on, one row each.

Each row is a situation a practitioner could type and what the plan must (and must not)
say: which stages apply and when, who is invited to the strategy discussion, which
reminders fire, and advice that would be wrong for this child (arrest and bail for a
nine-year-old, a medical that "can reassure" a toddler with an STI, Childline for a baby).
They run on the shipped directory, so they check the pathway and the real records together;
the assertions are about the pathway's rules, never about one record's phone number.

The second list (``FAMILY``) holds the situations of the review that found the plan did not
see the whole family: who else is involved (a woman suspected, a brother who still visits,
more than one abuser, domestic abuse, a forced marriage risk), who found the sign (a GP, a
nursery, a hospital), where the child is (at home, home educated, in care placed by another
council), and what the child needs (a pregnancy, images of a baby, self-harm, a child who
does not speak). Each is written from the source the rule cites.

The property tests at the end check the rules that must hold for every situation: no
plan for a suspect under 10 mentions arrest, bail or youth justice anywhere (text, Markdown
or JSON); no step lists a service whose age range leaves out the person it is for, nor a
child's own phone or text line to a child who cannot use one alone; no programme for a
protective mother is offered where the person suspected is a woman or a child; and every
plan opens with every step to do today, in a first screen that fits a screen.
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
from pathways.planner import UnknownPlace, make_plan
from pathways.render import SUMMARY_HEADING, reading_order, render_markdown, render_text
from pathways.situation import FIELD_KINDS, INDICATORS, AdultAge, parse_situation
from pathways.summary import MAX_LINES
from services.errors import InvalidInput

#: Advice that is wrong when the person suspected is under the age of criminal responsibility.
CRIMINAL_WORDS = re.compile(r"(?i)\barrest|\bbail\b|youth justice|youth offending")
#: Helplines a child would have to phone, text or chat with alone.
OWN_CONTACT_IDS = {"national-childline", "national-shout"}
#: Programmes for a mother or carer protecting children from a man (pathway.yaml offer.only_if).
PROTECTIVE_PROGRAMMES = {"national-nspcc-women-as-protectors"}


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
    never_lists: tuple[str, ...] = ()  # service ids no step and no later contact may list
    first_screen: tuple[str, ...] = ()  # the first screen opens with these stages


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


#: The whole family: the review's situations, written from the sources each rule cites.
FAMILY = [
    # Urgency follows risk (RCPCH 2015; Sexual Offences Act 2003 ss.5-9, 25-26).
    Scenario(
        "pregnant at 13, her mother's brother of 35 suspected",
        {"age": 13, "area": "Leeds", "indicators": ["pregnancy"], "suspect_relationship": "other_relative",
         "suspect_age": 35},
        now=("strategy_discussion", "medical_assessment", "refer_to_social_care"),
        invitees=("sarc",),
        prompts=("strong_physical_indicator", "pregnancy_options_and_evidence"),
        says=("DNA testing", "evidence of possible sexual abuse"),
        first_screen=("strategy_discussion", "medical_assessment"),
    ),
    Scenario(
        "pregnant at 16 by her stepfather",
        {"age": 16, "area": "Kent", "indicators": ["pregnancy"], "suspect_relationship": "step_parent_or_partner"},
        now=("strategy_discussion", "medical_assessment"),
        prompts=("strong_physical_indicator", "pregnancy_options_and_evidence", "older_teen_pathway"),
    ),
    Scenario(
        "pregnant at 15, her brother of 16 suspected",
        {"age": 15, "area": "Derby", "indicators": ["pregnancy"], "suspect_relationship": "sibling", "suspect_age": 16},
        now=("strategy_discussion", "medical_assessment"),
        prompts=("strong_physical_indicator", "hsb_child_is_potential_victim"),
    ),
    Scenario(
        "an infection at 14, a man of 40 suspected",
        {"age": 14, "area": "Norfolk", "indicators": ["sti"], "suspect_age": 40},
        now=("strategy_discussion", "medical_assessment"),
        prompts=("strong_physical_indicator",),
    ),
    Scenario(
        "pregnant at 15, nobody suspected yet",
        {"age": 15, "area": "York", "indicators": ["pregnancy"]},
        prompts=("pregnancy_options_and_evidence",),
        absent_prompts=("strong_physical_indicator",),
    ),
    Scenario(
        "a baby of seven months in images made by her father, who lives at home",
        {"age": 0, "area": "Devon", "indicators": ["abuse_images"], "suspect_relationship": "parent",
         "suspect_lives_with_child": True},
        now=("medical_assessment", "strategy_discussion"),
        invitees=("health_visitor", "sarc"),
        not_invitees=("school",),
        prompts=("remove_images_online", "registered_intermediary", "contact_with_suspect"),
        says=("Paediatric assessment today",),
        never_lists=tuple(OWN_CONTACT_IDS),
    ),
    Scenario(
        "a disabled 12-year-old in images",
        {"age": 12, "area": "York", "concern": "signs_only", "indicators": ["abuse_images"], "disabled_or_send": True},
        now=("medical_assessment", "strategy_discussion"),
        prompts=("registered_intermediary", "disabled_child_communication"),
        never_lists=tuple(OWN_CONTACT_IDS),
    ),
    Scenario(
        "a 13-year-old who can tell, in images",
        {"age": 13, "area": "York", "concern": "signs_only", "indicators": ["abuse_images"]},
        now=("strategy_discussion",),
        not_now=("medical_assessment",),
    ),
    Scenario(
        "home from care, signs back, the brother who abused him visiting at weekends",
        {"age": 11, "area": "Norfolk", "concern": "signs_only", "indicators": ["sexualised_behaviour"],
         "previous_concerns": 2, "case_open_to_social_care": True, "living_arrangement": "with_parents",
         "suspect_relationship": "sibling", "suspect_age": 19, "suspect_has_contact": True},
        now=("strategy_discussion", "refer_to_social_care"),
        prompts=("contact_with_suspect", "escalate_unresolved_concerns", "open_case_still_needs_strategy"),
        says=("this week", "without delay"),
    ),
    Scenario(
        "signs again after three earlier referrals",
        {"age": 8, "area": "Cornwall", "concern": "signs_only", "indicators": ["behaviour_change"],
         "previous_concerns": 3},
        now=("strategy_discussion",),
        prompts=("escalate_unresolved_concerns",),
    ),
    Scenario(
        "an uncle who still visits",
        {"age": 7, "area": "Shropshire", "concern": "partial_disclosure", "suspect_relationship": "other_relative",
         "suspect_has_contact": True},
        now=("strategy_discussion",),
        prompts=("contact_with_suspect",),
        says=("supervised by agencies",),
    ),
    # Communication needs, whatever the concern (ABE 2022; JTAI 2020, Identification).
    Scenario(
        "a non-verbal autistic boy with an injury",
        {"age": 9, "area": "Derby", "indicators": ["genital_injury"], "disabled_or_send": True},
        now=("strategy_discussion", "medical_assessment"),
        invitees=("gp", "sarc"),
        prompts=("registered_intermediary", "disabled_child_communication", "strong_physical_indicator"),
        never_lists=tuple(OWN_CONTACT_IDS),
    ),
    Scenario(
        "a family that speaks Polish, signs only",
        {"age": 12, "area": "Shropshire", "concern": "signs_only", "language": "Polish"},
        prompts=("professional_interpreter",),
        says=("professional interpreter", "never a relative"),
    ),
    Scenario(
        "a deaf family",
        {"age": 14, "area": "York", "concern": "disclosure", "language": "British Sign Language"},
        prompts=("professional_interpreter",),
        says=("registered BSL interpreter",),
    ),
    # Who found the sign is in the room; a school only for a child at one (Working Together 2023).
    Scenario(
        "a 10-year-old with chlamydia found by her GP, home educated",
        {"age": 10, "area": "Essex", "indicators": ["sti"], "raised_by": "gp", "education": "home_educated"},
        now=("strategy_discussion", "medical_assessment"),
        invitees=("gp", "sarc", "school_nursing"),
        not_invitees=("school",),
        prompts=("not_in_school", "strong_physical_indicator"),
        says=("who sees the child instead",),
    ),
    Scenario(
        "a 15-year-old not in education",
        {"age": 15, "area": "Leeds", "concern": "disclosure", "education": "not_in_education"},
        invitees=("gp",),
        not_invitees=("school",),
        prompts=("not_in_school",),
    ),
    Scenario(
        "a 4-year-old at nursery, the nursery worried",
        {"age": 4, "area": "York", "concern": "signs_only", "education": "early_years", "raised_by": "early_years"},
        invitees=("early_years", "health_visitor"),
        not_invitees=("school",),
        prompts=("registered_intermediary",),
        absent_prompts=("not_in_school",),
    ),
    Scenario(
        "a toddler the health visitor is worried about",
        {"age": 1, "area": "Islington", "concern": "signs_only", "raised_by": "health_visitor"},
        invitees=("health_visitor", "gp"),
        not_invitees=("school", "school_nursing"),
        never_lists=tuple(OWN_CONTACT_IDS),
    ),
    Scenario(
        "a 12-year-old whose teacher noticed",
        {"age": 12, "area": "Derby", "concern": "partial_disclosure", "raised_by": "school"},
        invitees=("school", "school_nursing"),
    ),
    # A woman suspected (JTAI 2020, Context and Identification).
    Scenario(
        "a mother suspected, living at home",
        {"age": 8, "area": "York", "concern": "disclosure", "suspect_relationship": "parent",
         "suspect_sex": "female", "suspect_lives_with_child": True},
        prompts=("abuse_by_women", "avoid_reliance_on_non_abusing_parent", "support_non_offending_parent"),
        says=("other parent or carer", "higher levels of disbelief"),
        never_lists=tuple(PROTECTIVE_PROGRAMMES),
        never_says=(r"(?i)women as protectors",),
    ),
    Scenario(
        "a stepmother with a conviction",
        {"age": 10, "area": "Bracknell Forest", "suspect_relationship": "step_parent_or_partner",
         "suspect_sex": "female", "suspect_registered_offender": True, "suspect_lives_with_child": True},
        stages=("offender_risk_management",),
        prompts=("abuse_by_women", "child_sex_offender_disclosure"),
        never_lists=tuple(PROTECTIVE_PROGRAMMES),
        never_says=(r"(?i)women as protectors", r"(?i)\bmothers and carers\b"),
    ),
    # A looked-after child (Working Together 2023; care planning guidance; IRO handbook; CA 1989 s.34).
    Scenario(
        "a 12-year-old in foster care in York, looked after by Leeds, her father suspected",
        {"age": 12, "area": "York", "concern": "disclosure", "living_arrangement": "foster_care",
         "placing_area": "Leeds", "suspect_relationship": "parent"},
        invitees=("placing_authority", "iro"),
        prompts=("looked_after_child",),
        says=("suspended or supervised pending the enquiry", "both authorities", "looked after by Leeds"),
    ),
    Scenario(
        "a 14-year-old in a children's home",
        {"age": 14, "area": "Derby", "concern": "signs_only", "living_arrangement": "residential"},
        invitees=("placing_authority", "iro"),
        prompts=("looked_after_child",),
    ),
    # Self-harm (NICE NG225; JTAI 2020, Context).
    Scenario(
        "self-harm at 14 after a partial disclosure",
        {"age": 14, "area": "York", "concern": "partial_disclosure", "mental_health_concern": True},
        now=("therapeutic_support",),
        invitees=("camhs",),
        prompts=("mental_health_crisis",),
        says=("Urgent mental health assessment today", "call 999 or go to A&E"),
        first_screen=("strategy_discussion", "therapeutic_support"),
    ),
    # A known risk and no signs yet (Home Office disclosure scheme; JTAI 2020, known offenders).
    Scenario(
        "risk only: a man convicted of offences against children moves in",
        {"age": 6, "area": "Bracknell Forest", "concern": "risk_only", "suspect_relationship": "step_parent_or_partner",
         "suspect_registered_offender": True, "suspect_lives_with_child": True},
        now=("immediate_safety", "refer_to_social_care", "strategy_discussion"),
        stages=("offender_risk_management", "section_47_enquiry"),
        absent_stages=("medical_assessment", "criminal_investigation", "achieving_best_evidence", "advocacy"),
        invitees=("probation", "mappa"),
        not_invitees=("sarc",),
        prompts=("child_sex_offender_disclosure", "no_disclosure_needed", "avoid_reliance_on_non_abusing_parent"),
        absent_prompts=("strong_physical_indicator", "bail_and_suspect_management"),
        says=("Sarah's law", "no signs yet"),
    ),
    Scenario(
        "risk only, then an infection",
        {"age": 6, "area": "York", "concern": "risk_only", "indicators": ["sti"]},
        now=("medical_assessment", "strategy_discussion"),
        prompts=("strong_physical_indicator",),
    ),
    Scenario(
        "an adult tells of abuse by her father, who lives with a child now",
        {"age": 7, "area": "York", "concern": "risk_only", "raised_by": "adult_survivor",
         "suspect_relationship": "parent", "suspect_lives_with_child": True},
        now=("refer_to_social_care", "strategy_discussion"),
        absent_stages=("medical_assessment",),
        prompts=("adult_discloser", "contact_with_suspect", "child_sex_offender_disclosure"),
        says=("NAPAC",),
    ),
    # What else is happening in the family.
    Scenario(
        "a forced marriage risk",
        {"age": 15, "area": "Derby", "concern": "partial_disclosure", "honour_based_abuse": True, "language": "Urdu"},
        now=("strategy_discussion",),
        prompts=("forced_marriage_one_chance", "professional_interpreter"),
        says=("one chance", "Do not tell or approach the family"),
    ),
    Scenario(
        "domestic abuse at home as well",
        {"age": 9, "area": "Cornwall", "concern": "signs_only", "domestic_abuse": True, "suspect_relationship": "parent"},
        prompts=("domestic_abuse_alongside",),
        says=("MARAC", "victim of it in their own right"),
    ),
    Scenario(
        "more than one person suspected",
        {"age": 11, "area": "Islington", "concern": "disclosure", "multiple_suspects": True},
        prompts=("complex_abuse",),
        says=("complex (organised or multiple) abuse",),
    ),
    Scenario(
        "a 16-year-old mother",
        {"age": 16, "area": "Leeds", "concern": "disclosure", "child_is_parent": True},
        invitees=("health_visitor",),
        prompts=("child_is_a_parent",),
    ),
    Scenario(
        "a youth worker suspected",
        {"age": 13, "area": "York", "concern": "disclosure", "suspect_relationship": "family_friend",
         "suspect_works_with_children": True},
        invitees=("lado",),
        prompts=("lado_for_position_of_trust",),
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


@pytest.mark.parametrize("scenario", SCENARIOS + FAMILY, ids=lambda s: s.name)
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
    listed = {ps.service.id for step in p.steps for ps in step.services} | {ps.service.id for ps in p.later_contacts}
    assert not listed & set(scenario.never_lists), listed & set(scenario.never_lists)
    # the plan opens with every step to do today, these first
    opening = [line.stage for line in p.summary]
    assert sorted(opening) == sorted(s.stage for s in p.steps if s.when == "now")
    assert opening[: len(scenario.first_screen)] == list(scenario.first_screen), opening
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


def test_a_mother_protecting_her_child_from_a_man_is_offered_the_programme(shipped):
    """The programme stays for the situation it is for: a man suspected, a mother or carer
    who is not the person suspected."""
    p = make_plan({"age": 9, "area": "York", "suspect_relationship": "parent", "suspect_sex": "male",
                   "suspect_lives_with_child": True}, shipped)
    assert PROTECTIVE_PROGRAMMES <= {s.service.id for step in p.steps for s in step.services}


@pytest.mark.parametrize(
    "raised_by, agency, situation",
    [
        ("gp", "gp", {"age": 10}),
        ("health_visitor", "health_visitor", {"age": 9}),
        ("school", "school", {"age": 12, "education": "home_educated"}),
        ("early_years", "early_years", {"age": 3}),
        ("police", "police", {"age": 12}),
        ("hospital", "health_paediatrics", {"age": 12}),
    ],
)
def test_whoever_raised_the_concern_is_in_the_strategy_discussion(shipped, raised_by, agency, situation):
    """Working Together 2023: the professionals who know the child and found the concern
    share what they know; the report found agencies missing from strategy discussions."""
    p = make_plan({"area": "Derby", "concern": "signs_only", "raised_by": raised_by, **situation}, shipped)
    invitee = next(i for i in p.invitees if i.agency == agency)
    assert "raised the concern" in invitee.why, invitee


@pytest.mark.parametrize(
    "situation",
    [
        {"age": 10, "education": "home_educated"},
        {"age": 16, "education": "not_in_education"},
        {"age": 4, "education": "early_years"},
        {"age": 2},
    ],
)
def test_a_child_not_at_school_has_no_school_in_any_step(shipped, situation):
    p = make_plan({"area": "Cornwall", "concern": "disclosure", **situation}, shipped)
    assert "school" not in p.strategy_discussion_invitees
    assert all("school" not in step.agencies for step in p.steps)
    # someone who sees the child is there instead
    assert {"gp", "health_visitor", "early_years"} & set(p.strategy_discussion_invitees)


def test_self_harm_lists_the_areas_camhs_first(shipped):
    p = make_plan({"age": 14, "area": "York", "concern": "partial_disclosure", "mental_health_concern": True}, shipped)
    step = p.step("therapeutic_support")
    assert step.when == "now" and step.title.startswith("Urgent mental health assessment today")
    assert "camhs" in step.services[0].service.service_types
    assert p.summary[[line.stage for line in p.summary].index("therapeutic_support")].text.startswith("Urgent")


def test_a_looked_after_childs_council_is_resolved_and_named(shipped, pathway):
    p = make_plan({"age": 12, "area": "York", "placing_area": "E08000035", "concern": "signs_only"}, shipped)
    assert p.to_dict()["placing_area"] == {"code": "E08000035", "name": "Leeds"}
    assert "looked after by Leeds" in render_text(p, pathway)
    assert "placing_area" not in make_plan({"age": 12, "area": "York"}, shipped).to_dict()
    with pytest.raises(UnknownPlace) as info:
        make_plan({"age": 12, "area": "York", "placing_area": "Leedz"}, shipped)
    assert str(info.value).startswith("placing_area: 'Leedz'") and "Did you mean Leeds?" in str(info.value)


@pytest.mark.parametrize(
    "situation, urgent",
    [
        ({"indicators": ["pregnancy"], "age": 14, "suspect_age": 30}, True),
        ({"indicators": ["pregnancy"], "age": 16, "suspect_relationship": "other_relative"}, True),
        ({"indicators": ["pregnancy"], "age": 12}, True),
        ({"indicators": ["pregnancy"], "age": 14, "suspect_relationship": "family_friend"}, True),
        ({"indicators": ["pregnancy"], "age": 14, "suspect_relationship": "family_friend", "suspect_age": 15}, False),
        ({"indicators": ["sti"], "age": 15, "suspect_relationship": "family_friend", "suspect_age": 40}, True),
        ({"indicators": ["pregnancy"], "age": 15}, False),
        ({"indicators": ["abuse_images"], "age": 1}, True),
        ({"indicators": ["abuse_images"], "age": 8, "disabled_or_send": True}, True),
        ({"indicators": ["abuse_images"], "age": 8}, False),
    ],
)
def test_the_medical_is_today_when_the_risk_says_so(shipped, situation, urgent):
    p = make_plan({"area": "Kent", **situation}, shipped)
    assert (p.step("medical_assessment").when == "now") is urgent
    assert p.step("strategy_discussion").when == "now" or not urgent


@pytest.mark.parametrize(
    "situation",
    [
        {"suspect_lives_with_child": True},
        {"suspect_has_contact": True},
        {"case_open_to_social_care": True, "concern": "signs_only"},
        {"previous_concerns": 1, "indicators": ["behaviour_change"]},
        {"honour_based_abuse": True},
    ],
)
def test_the_strategy_discussion_is_today_when_the_risk_continues(shipped, situation):
    assert make_plan({"age": 9, "area": "Kent", **situation}, shipped).step("strategy_discussion").when == "now"


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
    listed = step.services[0]
    limited = PlanService(listed.service.model_copy(update={"availability": "some_areas", "id": "test-some-areas-programme"}), None, False)
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
        if name in ("age", "area", "postcode", "place", "suspect_age") or not draw(st.booleans()):
            continue
        if name == "language":
            values[name] = draw(st.sampled_from(["English", "Polish", "British Sign Language"]))
        elif name == "placing_area":
            values[name] = draw(st.sampled_from(["Leeds", "York", "E06000052"]))
        elif kind == "bool":
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


@_PROPERTY
@given(situations(), st.sampled_from(["parent", "step_parent_or_partner", "other_relative", None]), st.booleans())
def test_no_protective_programme_for_the_person_suspected(shipped, pathway, values, relationship, at_home):
    """A programme for mothers protecting children from a man is never offered where the
    person suspected is a woman (the only parent at home, or not), nor where it is a child."""
    values = {**values, "suspect_sex": "female", "suspect_lives_with_child": at_home}
    if relationship:
        values["suspect_relationship"] = relationship
    try:
        parse_situation(values)
    except InvalidInput:
        assume(False)
    for situation in (values, {**values, "suspect_sex": None, "suspect_is_child": True, "suspect_age": 15,
                               "suspect_relationship": "sibling", "suspect_registered_offender": False,
                               "suspect_release_due": False, "suspect_works_with_children": False}):
        p = make_plan(situation, shipped)
        listed = {ps.service.id for step in p.steps for ps in step.services} | {ps.service.id for ps in p.later_contacts}
        assert not listed & PROTECTIVE_PROGRAMMES, (situation, listed & PROTECTIVE_PROGRAMMES)
        assert "Women as Protectors" not in everything(p, pathway), situation


def _own_line(service) -> bool:
    """A line a child would have to phone, text or chat with alone (written from the rule:
    a helpline that is not for parents, for children or reached by text only)."""
    text_only = bool(service.phones) and all(p.type == "text" for p in service.phones)
    return "helpline" in service.service_types and not service.for_parents and (service.max_age <= 18 or text_only)


@_PROPERTY
@given(situations())
def test_no_service_the_child_cannot_use(shipped, values):
    """Every service fits the child's age, and a child too young to phone alone or who may
    not speak (a disabled child) is never offered a child's own phone or text line."""
    p = make_plan(values, shipped)
    s = p.situation
    cannot_phone = s.age < 5 or s.disabled_or_send
    offered = [ps.service for step in p.steps if "child" in step.services_for for ps in step.services]
    offered += [ps.service for ps in p.later_contacts]
    for service in offered:
        assert service.serves_age(s.age) or service.for_parents, service.id
        if cannot_phone:
            assert not _own_line(service), (service.id, s.age, s.disabled_or_send)


@_PROPERTY
@given(situations())
def test_every_step_to_do_today_opens_the_plan(shipped, pathway, values):
    """The first screen: every ``now`` step, in the full plan's reading order, one line each,
    at most 12 lines with its heading, before anything else in text and Markdown."""
    p = make_plan(values, shipped)
    now = [step for _, steps in reading_order(p) for step in steps if step.when == "now"]
    assert [line.stage for line in p.summary] == [step.stage for step in now]
    assert [line["stage"] for line in p.to_dict()["summary"]] == [step.stage for step in now]
    text = render_text(p, pathway).splitlines()
    screen = text[2 : text.index("If the child is in immediate danger, call 999.")]
    assert screen[0].startswith(SUMMARY_HEADING) and len(screen) == len(now) + 1 <= MAX_LINES
    assert all(len(line) <= 88 for line in screen)
    for line, item in zip(p.summary, screen[1:], strict=True):
        assert item.startswith("[ ] " + line.text) and (line.phone is None or line.phone in item)
    headings = [line for line in render_markdown(p, pathway).splitlines() if line.startswith("## ")]
    assert headings[0] == "## " + SUMMARY_HEADING
