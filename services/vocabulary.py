"""The shared identifiers from docs/contracts.md, as types the models validate against.

These are a contract between data, engine, app, CLI and tests: add, never rename.
The human words for each id live in ``data/taxonomy.yaml``; this module only pins the ids,
so that a typo in a data file is caught with a clear message rather than silently
creating a new category.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "Stage",
    "ServiceType",
    "Agency",
    "Cohort",
    "STAGES",
    "SERVICE_TYPES",
    "AGENCIES",
    "COHORTS",
    "PromptId",
    "PROMPTS",
    "NATIONAL",
]

Stage = Literal[
    "immediate_safety",
    "recognise_and_record",
    "refer_to_social_care",
    "strategy_discussion",
    "section_47_enquiry",
    "medical_assessment",
    "achieving_best_evidence",
    "criminal_investigation",
    "child_protection_plan",
    "advocacy",
    "therapeutic_support",
    "family_support",
    "hsb_assessment",
    "hsb_intervention",
    "offender_risk_management",
    "prevention_education",
    "later_support",
]

ServiceType = Literal[
    "emergency",
    "helpline",
    "social_care_front_door",
    "police",
    "sarc",
    "csaac",
    "child_house",
    "paediatric_child_protection",
    "isva_chisva",
    "intermediary",
    "therapeutic",
    "camhs",
    "family_support",
    "parent_support",
    "hsb_service",
    "offender_management",
    "prevention",
    "school_health",
    "adult_survivor_support",
    "youth_justice",
    "victim_care",
    "lado",
]

Agency = Literal[
    "childrens_social_care",
    "police",
    "health_paediatrics",
    "sarc",
    "school",
    "school_nursing",
    "gp",
    "camhs",
    "probation",
    "youth_justice",
    "mappa",
    "health_visitor",
    "early_years",
    "placing_authority",
    "iro",
    "lado",
]

Cohort = Literal[
    "under_13",
    "age_13_to_15",
    "age_16_to_17",
    "disabled",
    "no_disclosure",
    "hsb",
    "non_offending_parents",
    "siblings",
    "during_investigation",
    "after_support_ends",
]

PromptId = Literal[
    "no_disclosure_needed",
    "consider_all_children",
    "health_in_strategy",
    "medical_outside_forensic_window",
    "therapy_during_investigation",
    "hsb_child_is_potential_victim",
    "avoid_reliance_on_non_abusing_parent",
    "bail_and_suspect_management",
    "challenge_single_agency_enquiry",
    "record_as_sexual_abuse",
    "older_teen_pathway",
    "disabled_child_communication",
    "pre_release_planning",
    "support_non_offending_parent",
    "later_point_of_contact",
    "nfa_does_not_end_protection",
    "escalate_unresolved_concerns",
    "open_case_still_needs_strategy",
    "strong_physical_indicator",
    "under_age_of_criminal_responsibility",
    "lado_for_position_of_trust",
    "retraction_is_common",
    "remove_images_online",
    "consent_refused",
    "kinship_care_safety",
    "registered_intermediary",
    "emergency_contraception_and_pep",
    "sexual_risk_order",
    "transition_to_adult_services",
    "professional_interpreter",
    "forced_marriage_one_chance",
    "domestic_abuse_alongside",
    "abuse_by_women",
    "child_sex_offender_disclosure",
    "complex_abuse",
    "not_in_school",
    "looked_after_child",
    "pregnancy_options_and_evidence",
    "child_is_a_parent",
    "adult_discloser",
    "mental_health_crisis",
    "contact_with_suspect",
]

STAGES: tuple[str, ...] = get_args(Stage)
SERVICE_TYPES: tuple[str, ...] = get_args(ServiceType)
AGENCIES: tuple[str, ...] = get_args(Agency)
COHORTS: tuple[str, ...] = get_args(Cohort)
PROMPTS: tuple[str, ...] = get_args(PromptId)

#: The ``service_areas`` value for a service that applies everywhere in England.
NATIONAL = "national"
