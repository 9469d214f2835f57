"""Referral pathway (AppTest): the situation form → the plan, downloads, errors, gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pages.referral_pathway import FORM_FIELDS, PLAN_KEY, situation_from_form
from pathways.situation import Situation
from tests.app_helpers import button, headings, labelled, page_test, texts, warm
from tests.app_helpers import fill_situation as fill
from tests.conftest import YORK, service, write_data_dir

#: The page these tests run (the ``shipped_page`` fixture, tests/conftest.py).
PAGE = "referral_pathway"


def test_form_asks_for_every_situation_field():
    fields = set(Situation.model_fields) - {"area", "postcode", "place"}
    assert fields | {"where"} == set(FORM_FIELDS)


@pytest.mark.parametrize(
    "where, key",
    [("YO10 5DD", "postcode"), ("yo105dd", "postcode"), ("TR1", "postcode"), ("Truro", "place"), ("York", "place"), ("E06000014", "place")],
)
def test_where_box_becomes_postcode_or_place(where, key):
    out = situation_from_form({"age": 9, "where": where, "concern": None, "support_ended": False})
    assert out == {"age": 9, key: where}


def test_zero_is_an_answer_not_a_blank():
    # a baby (age 0), abuse today (0 days) and no other children are answers the plan needs
    out = situation_from_form({"age": 0, "where": "York", "days_since_last_abuse": 0, "other_children": 0,
                               "retracted": False, "indicators": []})
    assert out == {"age": 0, "place": "York", "days_since_last_abuse": 0, "other_children": 0}


def test_plan_for_a_baby(shipped_page):
    at = fill(shipped_page, age=0, where="YO10 5DD", concern="signs_only")
    assert not at.exception
    assert "Plan for a child in York" in headings(at)
    assert not [e.value for e in at.error]


def test_empty_form_shows_no_plan(shipped_page):
    assert not shipped_page.exception
    assert headings(shipped_page) == ["Referral pathway", "The child", "Tick all that apply"]


def test_plan_for_a_nine_year_old_in_york(shipped_page):
    at = fill(shipped_page, age=9, where="YO10 5DD", concern="disclosure", investigation="ongoing", other_children=2)
    assert not at.exception
    h = headings(at)
    assert "Plan for a child in York" in h
    for name in (
        "Today, for this child", "Today", "Next", "Later",
        "Who to invite to the strategy discussion", "Practice reminders", "Who to contact later",
    ):
        assert name in h, name
    # the same reading order as the printed plan: today's steps for this child first
    assert h.index("Today, for this child") < h.index("Today") < h.index("Next") < h.index("Later")
    body = texts(at)
    assert "Children's social care" in body and "Police" in body  # invitees
    assert "Source:" in body  # prompts carry their sources
    assert "km (" in body  # local services with distance
    downloads = {b.label for b in at.get("download_button")}
    assert downloads == {"Download the plan (Markdown)", "Download a printable page (HTML)"}
    assert at.session_state[PLAN_KEY].area == {"code": YORK, "name": "York", "coverage": "local"}
    assert not dict(at.query_params)


def test_immediate_danger_is_the_headline(shipped_page):
    at = fill(shipped_page, age=5, where="Truro", flags=("immediate_danger",))
    assert any("immediate danger: call 999 now" in e.value for e in at.error)


@pytest.mark.parametrize(
    "age, where, message",
    [
        (None, "York", "age: is required"),
        (9, "", "say where the child lives"),
        (9, "ZZ99 9ZZ", "is not a UK postcode"),
        (9, "Atlantis", "is not a place, postcode or local authority"),
    ],
)
def test_bad_situations_get_a_message_naming_the_field(shipped_page, age, where, message):
    at = fill(shipped_page, age=age, where=where)
    assert not at.exception
    assert any(message in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert not any(h.startswith("Plan for") for h in headings(at))


def test_clear_forgets_the_plan(shipped_page):
    at = fill(shipped_page, age=9, where="York")
    assert PLAN_KEY in at.session_state
    button(at, "Clear the plan").click().run()
    assert PLAN_KEY not in at.session_state
    assert not any(h.startswith("Plan for") for h in headings(at))


@pytest.fixture
def sparse(tmp_path: Path, monkeypatch):
    """A York with nothing but its front door: most steps are gaps."""
    root = write_data_dir(
        tmp_path / "data",
        {"york.yaml": [service("front-door", name="Only front door", service_types=["social_care_front_door"],
                               stages=["refer_to_social_care", "strategy_discussion"], accepts_self_referral=True)]},
    )
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    return page_test("referral_pathway").run()


def test_gaps_are_stated_plainly(sparse):
    at = fill(sparse, age=9, where="York", concern="disclosure")
    warnings = [w.value.replace("\\", "") for w in at.warning]
    # one warning names every step with no local service, not one per step
    gaps = [w for w in warnings if "Gap:" in w]
    assert len(gaps) == 1 and "No local service in the directory delivers these steps here" in gaps[0]
    plan = at.session_state[PLAN_KEY]
    assert len(plan.gaps) >= 2 and all(s.title in gaps[0] for s in plan.steps if s.gap)
    assert "Only front door" in texts(at)


def test_new_fields_are_optional_and_grouped(shipped_page):
    labels = [e.label for e in shipped_page.get("expander")]
    assert labels == ["Signs seen (optional)", "The person suspected, and where the child lives (optional)"]
    at = fill(shipped_page, age=9, where="York")  # nothing in the expanders: still a plan
    assert not at.exception and "Plan for a child in York" in headings(at)


def test_toddler_with_an_sti_gets_today_steps_first(shipped_page):
    at = fill(shipped_page, age=2, where="York", indicators=("sti",))
    assert not at.exception
    plan = at.session_state[PLAN_KEY]
    assert plan.situation.indicators == ("sti",)
    assert plan.step("strategy_discussion").when == "now"
    assert plan.step("medical_assessment").when == "now"
    h = headings(at)
    assert h.index("Today, for this child") < h.index("Today")
    body = texts(at)
    assert body.index("Strategy discussion today") < body.index("Make sure the child is safe now")
    assert "evidence of possible sexual abuse" in body


def test_nine_year_old_brother_gets_no_arrest_or_youth_justice(shipped_page):
    at = fill(
        shipped_page, age=12, where="Truro", concern="disclosure", relationship="sibling", suspect_age=9,
        flags=("suspect_lives_with_child",),
    )
    assert not at.exception
    plan = at.session_state[PLAN_KEY]
    assert "under_age_of_criminal_responsibility" in {p["id"] for p in plan.prompts}
    body = texts(at).lower()
    assert "arrest" not in body and "bail" not in body and "youth justice" not in body
    assert "safe care for both children" in body


def test_new_checkboxes_reach_the_plan(shipped_page):
    at = fill(
        shipped_page, age=13, where="York", concern="disclosure", living="kinship_care", relationship="other_relative",
        flags=("retracted", "suspect_works_with_children", "consent_refused"),
    )
    assert not at.exception
    ids = {p["id"] for p in at.session_state[PLAN_KEY].prompts}
    assert {"retraction_is_common", "lado_for_position_of_trust", "consent_refused", "kinship_care_safety"} <= ids


def test_contradictions_get_a_message(shipped_page):
    at = fill(shipped_page, age=9, where="York", concern="signs_only", flags=("retracted",))
    assert any("retracted means the child took back what they said" in w.value.replace("\\", "") for w in at.warning)
    assert PLAN_KEY not in at.session_state


def test_the_plan_opens_with_what_to_do_today(shipped_page):
    at = fill(shipped_page, age=2, where="York", indicators=("sti",))
    assert not at.exception
    plan = at.session_state[PLAN_KEY]
    h = headings(at)
    assert h.index("What to do today") < h.index("Today, for this child")
    body = texts(at)
    first = body.index("What to do today")
    for line in plan.summary:
        assert body.index(line.text, first) < body.index("Today, for this child")
    assert "1. Strategy discussion today" in body


def test_the_family_questions_reach_the_plan(shipped_page):
    at = shipped_page
    labelled(at.selectbox, "Who raised the concern?").set_value("gp")
    labelled(at.selectbox, "Education").set_value("home_educated")
    labelled(at.selectbox, "Sex of the person suspected").set_value("female")
    labelled(at.text_input, "Council that looks after the child").input("Leeds")
    at = fill(
        at, age=10, where="York", concern="signs_only", relationship="parent", living="foster_care",
        flags=("domestic_abuse", "honour_based_abuse", "child_is_parent", "suspect_has_contact", "multiple_suspects"),
    )
    assert not at.exception
    plan = at.session_state[PLAN_KEY]
    s = plan.situation
    assert (s.raised_by, s.education, s.suspect_sex, s.placing_area) == ("gp", "home_educated", "female", "Leeds")
    assert s.domestic_abuse and s.honour_based_abuse and s.child_is_parent and s.suspect_has_contact
    assert s.multiple_suspects
    assert {"gp", "placing_authority", "iro"} <= set(plan.strategy_discussion_invitees)
    assert "school" not in plan.strategy_discussion_invitees
    ids = {p["id"] for p in plan.prompts}
    assert {"abuse_by_women", "forced_marriage_one_chance", "domestic_abuse_alongside", "child_is_a_parent",
            "contact_with_suspect", "complex_abuse", "not_in_school", "looked_after_child"} <= ids
    assert plan.placing_area == {"code": "E08000035", "name": "Leeds"}


def test_an_unknown_placing_council_is_named(shipped_page):
    labelled(shipped_page.text_input, "Council that looks after the child").input("Narnia")
    at = fill(shipped_page, age=10, where="York")
    assert not at.exception
    assert any("placing_area: 'Narnia'" in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert PLAN_KEY not in at.session_state


def test_new_questions_are_on_the_form_and_short_enough_for_a_phone(shipped_page):
    """Labels are read at 360 px: the questions added for issue 23 keep to a few words."""
    from app.pages import referral_pathway as page

    at = shipped_page
    on_form = {w.label for w in [*at.text_input, *at.number_input, *at.selectbox, *at.multiselect, *at.checkbox]}
    labels = ["Who raised the concern?", "Education", "Sex of the person suspected", "Council that looks after the child"]
    labels += [page._FLAGS[f] for f in ("domestic_abuse", "honour_based_abuse", "child_is_parent", "mental_health_concern")]
    labels += [page._MORE_FLAGS[f] for f in ("suspect_has_contact", "multiple_suspects")]
    assert set(labels) <= on_form, sorted(set(labels) - on_form)
    assert all(len(label) <= 45 for label in labels), [x for x in labels if len(x) > 45]


def test_each_line_to_do_today_gives_the_number_then_who_it_is(shipped_page):
    at = fill(shipped_page, age=13, where="Leeds", indicators=("pregnancy",), suspect_age=35)
    assert not at.exception
    refer = next(x for x in at.session_state[PLAN_KEY].summary if x.stage == "refer_to_social_care")
    assert refer.phone
    assert f"{refer.phone} ({refer.service})" in texts(at)
