"""Referral pathway: for practitioners.

A form for the child's situation (the fields docs/contracts.md names; the less common ones grouped in
optional expanders) → the plan from ``pathways.planner.make_plan``: first what to do today,
one line each with the number to call (the plan's summary), then the full plan in the same
reading order as the printed plan (today's steps for this child first, then today, next,
later), who to invite to the strategy discussion,
practice reminders with their sources, local services per step with contact details and
distance, gaps said plainly, and downloads (Markdown, printable HTML) built in memory.

The form is an ``st.form`` (nothing is sent until "Make the plan"), nothing goes into the
URL, and the plan lives only in this session's memory until "Clear" or the session ends.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pathways.definition import load_pathway, pathway_path
from pathways.plan import Plan, PlanService, PlanStep
from pathways.planner import make_plan
from pathways.render import (
    SECTION_TITLES,
    SUMMARY_HEADING,
    availability_text,
    call_text,
    describe_situation,
    gap_summary,
    not_compiled_line,
    reading_order,
    render_markdown,
)
from pathways.situation import FIELD_KINDS
from services.freshness import trust_line
from services.geography import looks_like_postcode

from .. import context
from ..errors import Failed, shown, shown_or_none
from ..printable import plan_html, print_button
from ..render import contact_lines, distance_text, during_investigation_text, md, small_print

__all__ = ["render", "FORM_FIELDS", "PLAN_KEY", "situation_from_form"]

#: Session key of the current plan (memory only; cleared by "Clear").
PLAN_KEY = "referral_plan"

_CONCERN = {
    None: "Not known",
    "signs_only": "Signs or worries only (the child has not said anything)",
    "partial_disclosure": "The child has said something (partial disclosure)",
    "disclosure": "The child has told someone (disclosure)",
    "risk_only": "A known risk, no signs yet",
}
_RAISED_BY = {
    None: "Not said",
    "school": "School or college",
    "early_years": "Nursery or childminder",
    "gp": "GP",
    "health_visitor": "Health visitor",
    "hospital": "Hospital",
    "police": "Police",
    "parent": "A parent or carer",
    "child": "The child",
    "adult_survivor": "An adult abused as a child",
    "other": "Someone else",
}
_EDUCATION = {
    None: "Not said",
    "school": "At school",
    "early_years": "Nursery or childminder",
    "college": "At college",
    "home_educated": "Home educated",
    "not_in_education": "Not in education",
}
_SUSPECT_SEX = {
    None: "Not said",
    "male": "Male",
    "female": "Female",
    "unknown": "Not known",
}
_RELATIONSHIP = {
    None: "Not known / not said",
    "parent": "Parent",
    "step_parent_or_partner": "Step-parent or a parent's partner",
    "sibling": "Brother or sister",
    "other_relative": "Other relative",
    "family_friend": "Family friend",
    "other_child_in_network": "Another child in the family's network",
    "unknown": "Unknown",
}
_INVESTIGATION = {
    None: "Not known",
    "none": "No police investigation",
    "ongoing": "Police investigation ongoing",
    "no_further_action": "No further action (NFA)",
    "charged": "Suspect charged",
    "trial": "Trial under way or due",
    "concluded": "Criminal process concluded",
}
_FLAGS = {
    "immediate_danger": "The child is in immediate danger",
    "suspect_lives_with_child": "The person suspected lives with the child",
    "suspect_is_child": "The person suspected is a child",
    "suspect_registered_offender": "The person suspected is a registered sex offender",
    "suspect_release_due": "The person suspected is due for release (prison or custody)",
    "child_displays_hsb": "The child shows harmful sexual behaviour",
    "disabled_or_send": "The child is disabled or has special educational needs (SEND)",
    "mental_health_concern": "Self-harm or suicidal thoughts",
    "case_open_to_social_care": "The case is already open to children's social care",
    "support_ended": "Earlier support has ended",
    "domestic_abuse": "Domestic abuse at home",
    "honour_based_abuse": "Risk of honour-based abuse or forced marriage",
    "child_is_parent": "The child is a parent",
}

_INDICATORS = {
    "sti": "A sexually transmitted infection",
    "genital_injury": "An injury to the genitals or anus",
    "pregnancy": "Pregnancy",
    "sexualised_behaviour": "Sexualised behaviour unusual for the child's age",
    "behaviour_change": "A change in behaviour or mood",
    "abuse_images": "Images or videos of the child made or shared",
}
_LIVING = {
    None: "Not known / not said",
    "with_parents": "With their parents",
    "kinship_care": "With relatives or friends (kinship care)",
    "foster_care": "In foster care",
    "residential": "In a children's home or residential school",
    "other": "Somewhere else",
}
_MORE_FLAGS = {
    "retracted": "The child has taken back what they said",
    "suspect_works_with_children": (
        "The person suspected works with children or holds a position of trust "
        "(teacher, police officer, foster carer, coach, faith leader)"
    ),
    "consent_refused": "Parents or carers refuse a medical or support",
    "suspect_has_contact": "The person suspected visits or sees the child",
    "multiple_suspects": "More than one person is suspected",
}

#: Every Situation field the form asks for ("where" covers area, postcode and place).
FORM_FIELDS = (
    "age", "where", "concern", "days_since_last_abuse", "suspect_relationship", "investigation",
    "raised_by", "education", "other_children", "previous_concerns", "language", *_FLAGS,
    "indicators", "suspect_age", "suspect_sex", "living_arrangement", "placing_area", *_MORE_FLAGS,
)


def _options(field: str, labels: dict[Any, str]) -> list[Any]:
    """The enum's values from the Situation model, in its order, plus "not known"."""
    _, values = FIELD_KINDS[field]
    return [None, *values]


def _unanswered(value: Any) -> bool:
    """Left blank or unticked. Not ``value in (None, "", False)``: 0 == False, and an age of
    0 or "0 days since" is an answer."""
    return value is None or value is False or (isinstance(value, (str, list, tuple)) and not value)


def situation_from_form(values: dict[str, Any]) -> dict[str, Any]:
    """Form values → raw situation values (validated by the planner, not here).

    "Where" is one box: text shaped like a postcode is a postcode, anything else a place
    (a town or a local authority; the geography resolves both).
    """
    out = {k: v for k, v in values.items() if k != "where" and not _unanswered(v)}
    where = (values.get("where") or "").strip()
    if where:
        out["postcode" if looks_like_postcode(where) else "place"] = where
    return out


def _form() -> dict[str, Any] | None:
    with st.form("situation", border=True, enter_to_submit=False):
        st.header("The child", anchor=False)
        c1, c2 = st.columns(2)
        with c1:
            age = st.number_input("Child's age (0 to 17)", min_value=0, max_value=17, value=None, step=1, placeholder="Required")
        with c2:
            where = st.text_input(
                "Where the child lives: postcode, town or local authority",
                max_chars=60,
                placeholder="For example YO10 5DD, Truro or York",
                autocomplete="off",
            )
        c1, c2 = st.columns(2)
        with c1:
            concern = st.selectbox("What is the concern?", _options("concern", _CONCERN), format_func=_CONCERN.__getitem__)
            relationship = st.selectbox(
                "Who is the person suspected?", _options("suspect_relationship", _RELATIONSHIP), format_func=_RELATIONSHIP.__getitem__
            )
            investigation = st.selectbox(
                "Police investigation", _options("investigation", _INVESTIGATION), format_func=_INVESTIGATION.__getitem__
            )
            raised_by = st.selectbox(
                "Who raised the concern?", _options("raised_by", _RAISED_BY), format_func=_RAISED_BY.__getitem__,
                key="situation-raised_by",
            )
        with c2:
            days = st.number_input(
                "Days since the abuse last happened (leave empty if not known)", min_value=0, value=None, step=1
            )
            other_children = st.number_input(
                "Other children in contact with the person suspected (brothers, sisters, others)",
                min_value=0, max_value=50, value=None, step=1,
            )
            previous = st.number_input(
                "Earlier concerns or referrals about this child", min_value=0, max_value=200, value=None, step=1
            )
            education = st.selectbox(
                "Education", _options("education", _EDUCATION), format_func=_EDUCATION.__getitem__,
                key="situation-education",
            )
        language = st.text_input(
            "Language the child or family prefers (if not English)", max_chars=40, autocomplete="off"
        )
        st.header("Tick all that apply", anchor=False)
        flags: dict[str, bool] = {}
        c1, c2 = st.columns(2)
        for i, (name, label) in enumerate(_FLAGS.items()):
            with c1 if i % 2 == 0 else c2:
                flags[name] = st.checkbox(label, key=f"situation-{name}")
        with st.expander("Signs seen (optional)"):
            indicators = st.multiselect(
                "Signs seen in the child",
                list(_INDICATORS),
                format_func=_INDICATORS.__getitem__,
                key="situation-indicators",
                help="An infection, an injury to the genitals or a pregnancy under 13 is treated as "
                "evidence of possible sexual abuse, whatever the child has said.",
            )
        with st.expander("The person suspected, and where the child lives (optional)"):
            c1, c2 = st.columns(2)
            with c1:
                suspect_age = st.number_input(
                    "Age of the person suspected, if known", min_value=0, max_value=110, value=None, step=1,
                    key="situation-suspect_age",
                )
                suspect_sex = st.selectbox(
                    "Sex of the person suspected", _options("suspect_sex", _SUSPECT_SEX),
                    format_func=_SUSPECT_SEX.__getitem__, key="situation-suspect_sex",
                )
            with c2:
                living = st.selectbox(
                    "Where the child lives now", _options("living_arrangement", _LIVING), format_func=_LIVING.__getitem__,
                    key="situation-living_arrangement",
                )
                placing_area = st.text_input(
                    "Council that looks after the child",
                    max_chars=60,
                    placeholder="If in care, e.g. Leeds",
                    autocomplete="off",
                    key="situation-placing_area",
                    help="Only for a child in care: the placing authority's name or GSS code.",
                )
            for name, label in _MORE_FLAGS.items():
                flags[name] = st.checkbox(label, key=f"situation-{name}")
        submitted = st.form_submit_button("Make the plan", type="primary")
    if not submitted:
        return None
    return {
        "age": int(age) if age is not None else None,
        "where": where,
        "concern": concern,
        "suspect_relationship": relationship,
        "investigation": investigation,
        "raised_by": raised_by,
        "education": education,
        "days_since_last_abuse": int(days) if days is not None else None,
        "other_children": int(other_children) if other_children is not None else None,
        "previous_concerns": int(previous) if previous is not None else None,
        "language": language.strip() or None,
        "indicators": list(indicators),
        "suspect_age": int(suspect_age) if suspect_age is not None else None,
        "suspect_sex": suspect_sex,
        "living_arrangement": living,
        "placing_area": placing_area.strip() or None,
        **flags,
    }


def _service_line(ps: PlanService) -> str:
    service = ps.service
    parts = [f"**{md(service.name)}**", md(distance_text(ps))]
    parts.extend(contact_lines(service))
    if service.available_during_investigation is not None:
        parts.append(md(during_investigation_text(service)))
    some_areas = availability_text(ps)
    if some_areas:
        parts.append("*" + md(some_areas[0].upper() + some_areas[1:]) + "*")
    if service.is_stale():
        parts.append("*" + md(trust_line(service)) + "*")
    return " · ".join(parts)


def _step(step: PlanStep, titles: dict[str, str], agency) -> None:
    with st.container(border=True):
        st.markdown(f"### {md(step.title)}")
        st.markdown(md(step.why))  # the planner has already added the step's notes to "why"
        if step.runs_alongside:
            st.markdown("Runs alongside: " + md("; ".join(titles.get(s, s) for s in step.runs_alongside)))
        if step.agencies:
            st.markdown("**Who:** " + md(", ".join(agency(a) for a in step.agencies)))
        if step.gap and not step.not_compiled:  # not compiled: said once, above the plan
            extra = " The national options below can help meanwhile." if step.services else ""
            small_print(md("No local service in the directory for this step." + extra))
        if step.services:
            st.markdown("\n".join(f"- {_service_line(ps)}" for ps in step.services))


def _first_screen(plan: Plan) -> None:
    """What to do today, one line each with the number to call: the plan's summary."""
    lines = []
    for i, line in enumerate(plan.summary, 1):
        who = call_text(line)
        if line.phone:
            rest = who[len(line.phone):].strip()
            who = f"**{md(line.phone)}**" + (f" {md(rest)}" if rest else "")
        else:
            who = md(who)
        lines.append(f"{i}. {md(line.text)}" + (f" — {who}" if who else ""))
    with st.container(border=True):
        st.subheader(SUMMARY_HEADING, anchor=False)
        st.markdown("\n".join(lines))


def _show_plan(plan: Plan, pathway) -> None:
    area = plan.area
    where = f"{area['name']}" if area else plan.place.label
    st.header(f"Plan for a child in {md(where)}", anchor=False)
    if plan.situation.immediate_danger:
        st.error("**The child is in immediate danger: call 999 now.**", icon=":material/emergency:")
    _first_screen(plan)
    st.markdown("*" + md(describe_situation(plan)) + "*")
    agency = pathway.agency_name if pathway is not None else (lambda a: a.replace("_", " "))
    coverage = not_compiled_line(plan)
    if coverage:
        st.info(md(coverage), icon=":material/info:")
    summary = gap_summary(plan)
    if summary:
        st.warning("**Gap:** " + md(summary), icon=":material/report:")
    printable = plan_html(plan, pathway)
    print_button(printable)
    d1, d2, d3 = st.columns([1, 1, 1])
    with d1:
        st.download_button(
            "Download the plan (Markdown)",
            data=render_markdown(plan, pathway),
            file_name="waymark-plan.md",
            mime="text/markdown",
            on_click="ignore",
            key="plan-md",
        )
    with d2:
        st.download_button(
            "Download a printable page (HTML)",
            data=printable,
            file_name="waymark-plan.html",
            mime="text/html",
            on_click="ignore",
            key="plan-html",
        )
    with d3:
        st.button("Clear the plan", on_click=_clear, key="plan-clear", help="Forget this situation and plan")

    titles = {s.stage: s.title for s in plan.steps}
    for key, steps in reading_order(plan):
        st.header(SECTION_TITLES[key], anchor=False)
        for step in steps:
            _step(step, titles, agency)

    st.header("Who to invite to the strategy discussion", anchor=False)
    st.markdown("\n".join(
        f"- **{md(i.name)}**" + (f": {md(i.why)}" if i.why else "") for i in plan.invitees
    ))
    st.header("Practice reminders", anchor=False)
    for prompt in plan.prompts:
        st.markdown(f"- {md(prompt['text'])}  \n  *Source: {md(prompt['source'])}*")
    st.header("Who to contact later", anchor=False)
    if plan.later_contacts:
        st.markdown("\n".join(f"- {_service_line(ps)}" for ps in plan.later_contacts))
    else:
        st.markdown("No later contacts are listed for this area.")


def _clear() -> None:
    st.session_state.pop(PLAN_KEY, None)


def render() -> None:
    st.title("Referral pathway")
    st.markdown(
        "For practitioners. Describe what you know about the child's situation; everything except "
        "the age and where they live is optional. Waymark sets out what to do now, next and later, "
        "who must be in the strategy discussion, and the local services for each step. The "
        "situation is not saved: it stays in this browser tab until you clear it or close the tab."
    )
    d = context.directory()
    values = _form()
    if values is not None:
        st.session_state.pop(PLAN_KEY, None)
        try:
            with shown(reraise=True):
                st.session_state[PLAN_KEY] = make_plan(situation_from_form(values), d)
        except Failed:
            return
    plan = st.session_state.get(PLAN_KEY)
    if plan is None:
        return
    _show_plan(plan, shown_or_none(lambda: load_pathway(pathway_path(d.data_dir))))
