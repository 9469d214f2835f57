"""Conditions (the rule language of pathway.yaml), the Situation model and the renderers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pathways.rules import AllOf, Always, AnyOf, Compare, ConditionParser, NotOf
from pathways.situation import FIELD_KINDS, Situation, parse_situation, situation_values


def parse(raw, named=None):
    parser = ConditionParser("pathway.yaml", named or {})
    condition = parser.parse(raw, "test", 1)
    return condition, [str(p) for p in parser.problems]


def holds(raw, named=None, **values) -> bool:
    condition, problems = parse(raw, named)
    assert not problems, problems
    return condition.holds(values)


# -- parsing ----------------------------------------------------------------------------
def test_forms_parse_to_the_right_objects():
    assert parse(True)[0] == Always(True)
    assert parse({"field": "age", "gte": 16})[0] == Compare("age", "gte", 16)
    assert isinstance(parse({"all": [True, False]})[0], AllOf)
    assert isinstance(parse({"any": [True]})[0], AnyOf)
    assert isinstance(parse({"not": True})[0], NotOf)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("yes", "is not a condition"),
        ({"field": "age"}, "needs exactly one operator"),
        ({"field": "age", "gte": 1, "lte": 3}, "needs exactly one operator"),
        ({"field": "age", "between": [1, 3]}, "needs exactly one operator"),
        ({"field": "shoe_size", "eq": 3}, "'shoe_size' is not a situation field"),
        ({"field": "concern", "gt": 3}, "cannot be used on 'concern'"),
        ({"field": "concern", "eq": "gossip"}, "'gossip' is not a value of concern"),
        ({"field": "concern", "in": []}, "must be a non-empty list"),
        ({"field": "concern", "in": "disclosure"}, "must be a non-empty list"),
        ({"field": "age", "eq": True}, "is not a whole number"),
        ({"field": "immediate_danger", "eq": "yes"}, "is not true or false"),
        ({"field": "age", "known": "maybe"}, "must be true or false"),
        ({"all": []}, "must be a non-empty list"),
        ({"all": [True], "any": [True]}, "exactly one of"),
        ({"not": True, "field": "age"}, "exactly one of"),
        ({"ref": "nothing"}, "'nothing' is not a named condition"),
        ({"ref": 3}, "must name a condition"),
    ],
)
def test_bad_conditions_are_located_problems(raw, message):
    condition, problems = parse(raw)
    assert condition == Always(False)
    assert problems and message in problems[0] and problems[0].startswith("pathway.yaml:1: test")


def test_named_conditions_resolve_once_and_keep_their_name():
    named = {
        "teen": {"field": "age", "gte": 13},
        "older": {"all": [{"ref": "teen"}, {"field": "age", "gte": 16}]},
    }
    parser = ConditionParser("p.yaml", named)
    older = parser.named("older")
    assert older.describe() == "older"
    assert older.holds({"age": 16}) and not older.holds({"age": 14})
    assert parser.named("teen") is parser.named("teen")
    assert not parser.problems


# -- evaluation -------------------------------------------------------------------------
def test_unknown_values_fail_positive_tests_and_pass_negative_ones():
    assert not holds({"field": "investigation", "eq": "ongoing"}, investigation=None)
    assert not holds({"field": "investigation", "in": ["ongoing"]}, investigation=None)
    assert not holds({"field": "days_since_last_abuse", "lte": 7}, days_since_last_abuse=None)
    assert not holds({"field": "days_since_last_abuse", "gt": 7}, days_since_last_abuse=None)
    assert holds({"field": "investigation", "ne": "ongoing"}, investigation=None)
    assert holds({"field": "investigation", "not_in": ["ongoing"]}, investigation=None)
    assert holds({"field": "investigation", "known": False}, investigation=None)


def test_text_comparisons_ignore_case():
    assert holds({"field": "language", "in": ["English"]}, language="english")
    assert holds({"field": "language", "not_in": ["English"]}, language="Polish")


@given(st.integers(0, 17), st.integers(0, 17))
def test_comparisons_match_python(age, bound):
    assert holds({"field": "age", "gte": bound}, age=age) == (age >= bound)
    assert holds({"field": "age", "lt": bound}, age=age) == (age < bound)
    assert holds({"not": {"field": "age", "lt": bound}}, age=age) == (age >= bound)
    assert holds({"any": [{"field": "age", "eq": bound}, False]}, age=age) == (age == bound)


# -- the Situation model ----------------------------------------------------------------
def test_field_kinds_cover_the_design_fields():
    design = (
        "age area postcode concern days_since_last_abuse suspect_relationship suspect_is_child "
        "suspect_registered_offender suspect_lives_with_child suspect_release_due investigation "
        "child_displays_hsb disabled_or_send other_children previous_concerns case_open_to_social_care "
        "language support_ended"
    ).split()
    assert set(design) <= set(FIELD_KINDS)
    assert FIELD_KINDS["investigation"] == (
        "enum",
        ("none", "ongoing", "no_further_action", "charged", "trial", "concluded"),
    )
    assert FIELD_KINDS["age"][0] == "int" and FIELD_KINDS["child_displays_hsb"][0] == "bool"


def test_situation_is_frozen_and_dumps_every_field():
    s = parse_situation({"age": 9, "area": " York "})
    assert s.area == "York" and s.where == "York"
    with pytest.raises(ValidationError):
        s.age = 10  # type: ignore[misc]
    assert set(situation_values(s)) == set(Situation.model_fields)
    assert parse_situation(s) is s


def test_active_investigation():
    assert parse_situation({"age": 9, "area": "York", "investigation": "trial"}).investigation_active
    assert not parse_situation(
        {"age": 9, "area": "York", "investigation": "no_further_action"}
    ).investigation_active


def test_the_family_fields_have_their_kinds_and_values():
    assert FIELD_KINDS["concern"][1] == ("signs_only", "partial_disclosure", "disclosure", "risk_only")
    assert FIELD_KINDS["suspect_sex"] == ("enum", ("male", "female", "unknown"))
    assert FIELD_KINDS["education"] == (
        "enum", ("school", "early_years", "college", "home_educated", "not_in_education")
    )
    assert FIELD_KINDS["raised_by"][1] == (
        "school", "early_years", "gp", "health_visitor", "hospital", "police", "parent", "child",
        "adult_survivor", "other",
    )
    assert FIELD_KINDS["placing_area"][0] == "str"
    for name in ("domestic_abuse", "honour_based_abuse", "suspect_has_contact", "child_is_parent",
                 "multiple_suspects", "immediate_danger", "mental_health_concern"):
        assert FIELD_KINDS[name][0] == "bool", name


def test_a_looked_after_child_is_in_care_or_placed_by_a_council():
    assert parse_situation({"age": 9, "area": "York", "living_arrangement": "foster_care"}).looked_after
    assert parse_situation({"age": 9, "area": "York", "placing_area": "Leeds"}).looked_after
    assert not parse_situation({"age": 9, "area": "York", "living_arrangement": "kinship_care"}).looked_after


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"age": 3, "education": "school"}, "education: a child of 3 is too young for school"),
        ({"age": 9, "education": "early_years"}, "education: early_years is for children under school age"),
        ({"age": 11, "education": "college"}, "education: a child of 11 is too young for college"),
        ({"age": 9, "education": "boarding"}, "education: 'boarding' is not one of"),
        ({"age": 9, "raised_by": "teacher"}, "raised_by: 'teacher' is not one of: school, early_years"),
        ({"age": 9, "suspect_sex": "woman"}, "suspect_sex: 'woman' is not one of: male, female, unknown"),
        ({"age": 9, "concern": "risk_only", "retracted": True}, "but concern is risk_only"),
        ({"age": 9, "placing_area": ""}, "placing_area"),
        ({"age": 9, "domestic_abuse": "sometimes"}, "domestic_abuse: 'sometimes' is not a yes/no value"),
    ],
)
def test_impossible_family_answers_are_refused_naming_the_field(fields, message):
    from services.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        parse_situation({"area": "York", **fields})
    assert message in str(info.value)


@pytest.mark.parametrize(
    "fields",
    [
        {"age": 4, "education": "school"},
        {"age": 5, "education": "early_years"},
        {"age": 14, "education": "college"},
        {"age": 0, "education": "not_in_education"},
        {"age": 16, "education": "home_educated", "child_is_parent": True},
    ],
)
def test_possible_education_answers_are_accepted(fields):
    assert parse_situation({"area": "York", **fields}).education == fields["education"]
