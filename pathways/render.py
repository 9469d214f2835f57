"""A plan as text a practitioner can print, or as Markdown.

Plain words, grouped by now / next / later, with the services' contact details and, where
the directory has nothing local for a step, a sentence that says so plainly rather than a
blank. Rendering only formats: every decision was made by the planner.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from .model import Pathway
from .plan import Plan, PlanService, PlanStep

__all__ = ["render_text", "render_markdown", "describe_situation", "not_compiled_line", "GAP_TEXT"]

WHEN_HEADINGS = {"now": "NOW", "next": "NEXT", "later": "LATER"}

GAP_TEXT = "No local service in the directory delivers this step here."


def not_compiled_line(plan: Plan) -> str | None:
    """The one sentence about what Waymark has not compiled for this area (None: nothing).

    Said once for the plan, never repeated per step: in an area known only through the
    statutory spine, a step without a local service is unknown, not missing.
    """
    if plan.coverage != "statutory":
        return None
    name = plan.area["name"] if plan.area else plan.place.label
    titles = [s.title for s in plan.steps if s.not_compiled]
    line = (f"Only the statutory services are listed for {name} so far (children's social care, the "
            "police and, where one was found, a medical route for a child); other local services there are not yet "
            "compiled in Waymark.")
    if titles:
        n = len(titles)
        line += (f" {n} step{'s have' if n != 1 else ' has'} no local service listed yet ({'; '.join(titles)}): "
                 "ask children's social care what is available locally; national options are shown where there are any.")
    return line


_FIELD_WORDS = {
    "concern": "concern",
    "days_since_last_abuse": "days since last abuse",
    "suspect_relationship": "suspect",
    "investigation": "investigation",
    "other_children": "other children",
    "previous_concerns": "previous concerns",
    "language": "language",
}
_FLAG_WORDS = {
    "suspect_is_child": "suspect is a child",
    "suspect_registered_offender": "suspect is a registered offender",
    "suspect_lives_with_child": "suspect lives with the child",
    "suspect_release_due": "suspect's release due",
    "child_displays_hsb": "child displays harmful sexual behaviour",
    "disabled_or_send": "disabled / SEND",
    "case_open_to_social_care": "case open to social care",
    "support_ended": "support has ended",
    "immediate_danger": "IMMEDIATE DANGER",
    "mental_health_concern": "mental health concern",
}


def describe_situation(plan: Plan) -> str:
    """One line summing up the situation the plan was made for."""
    s = plan.situation
    parts = [f"age {s.age}"]
    for name, word in _FIELD_WORDS.items():
        value = getattr(s, name)
        if value is not None:
            parts.append(f"{word}: {str(value).replace('_', ' ')}")
    parts.extend(word for name, word in _FLAG_WORDS.items() if getattr(s, name))
    return "; ".join(parts)


def _area(plan: Plan) -> str:
    area = plan.area
    if area is None:
        return plan.place.label
    return f"{area['name']} ({area['code']})"


def _contact(ps: PlanService) -> str:
    service = ps.service
    bits = []
    if ps.distance_km is not None:
        bits.append(f"{ps.distance_km:.1f} km")
    elif service.is_national:
        bits.append("national")
    bits.extend(p.number + (f" ({p.type})" if p.type != "voice" else "") for p in service.phones[:2])
    url = service.url or (service.organization.url if service.organization else None)
    if url:
        bits.append(url)
    if service.is_stale():
        bits.append("details not recently verified: check before relying on them")
    return " · ".join(bits)


def _agency_names(step: PlanStep, pathway: Pathway | None) -> str:
    name: Callable[[str], str] = pathway.agency_name if pathway else (lambda a: a.replace("_", " "))
    return ", ".join(name(a) for a in step.agencies)


def render_text(plan: Plan, pathway: Pathway | None = None, *, width: int = 88) -> str:
    """The plan as printable plain text."""

    def wrap(text: str, indent: str, first: str | None = None) -> str:
        return textwrap.fill(
            text, width=width, initial_indent=indent if first is None else first, subsequent_indent=indent
        )

    titles = {s.stage: s.title for s in plan.steps}
    lines = [
        f"Waymark plan for a child in {_area(plan)}",
        wrap(describe_situation(plan), "  "),
        "",
        "If the child is in immediate danger, call 999.",
    ]
    coverage = not_compiled_line(plan)
    if coverage:
        lines += ["", wrap(coverage, "")]
    number = 0
    current = None
    for step in plan.steps:
        if step.when != current:
            current = step.when
            lines += ["", WHEN_HEADINGS[current], "-" * len(WHEN_HEADINGS[current])]
        number += 1
        lines.append(wrap(step.title, " " * 3, f"{number}. ".ljust(3)))
        lines.append(wrap(step.why, "   "))
        if step.runs_alongside:
            lines.append(wrap("Runs alongside: " + "; ".join(titles[s] for s in step.runs_alongside), "   "))
        if step.agencies:
            lines.append(wrap("Who: " + _agency_names(step, pathway), "   "))
        if step.gap and not step.not_compiled:
            lines.append(wrap(GAP_TEXT + (" National options:" if step.services else ""), "   "))
        for ps in step.services:
            lines.append(wrap(f"{ps.service.name}: {_contact(ps)}", "     ", "   - "))
        lines.append("")
    lines += ["STRATEGY DISCUSSION: WHO MUST BE INVITED", "-" * 40]
    for invitee in plan.invitees:
        reason = f": {invitee.why}" if invitee.why else ""
        lines.append(wrap(f"{invitee.name}{reason}", "  ", "- "))
    lines += ["", "PRACTICE REMINDERS", "-" * 18]
    for prompt in plan.prompts:
        lines.append(wrap(prompt["text"], "  ", "- "))
        lines.append(wrap(f"Source: {prompt['source']}", "  "))
    lines += ["", "WHO TO CONTACT LATER", "-" * 20]
    for ps in plan.later_contacts:
        lines.append(wrap(f"{ps.service.name}: {_contact(ps)}", "  ", "- "))
    if pathway is not None and "jtai_2020" in pathway.sources:
        lines += ["", wrap(pathway.sources["jtai_2020"], "")]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Escape what would turn plain text into Markdown markup."""
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(plan: Plan, pathway: Pathway | None = None) -> str:
    """The plan as Markdown (for the app, or to paste into a case record)."""
    out = [
        f"# Waymark plan for a child in {_md(_area(plan))}",
        "",
        f"*{_md(describe_situation(plan))}*",
        "",
        "**If the child is in immediate danger, call 999.**",
    ]
    coverage = not_compiled_line(plan)
    if coverage:
        out += ["", f"> {_md(coverage)}"]
    titles = {s.stage: s.title for s in plan.steps}
    current = None
    for step in plan.steps:
        if step.when != current:
            current = step.when
            out += ["", f"## {current.capitalize()}"]
        out += ["", f"### {_md(step.title)}", "", _md(step.why)]
        if step.runs_alongside:
            out += ["", "Runs alongside: " + "; ".join(_md(titles[s]) for s in step.runs_alongside)]
        if step.agencies:
            out += ["", f"**Who:** {_md(_agency_names(step, pathway))}"]
        if step.gap and not step.not_compiled:
            out += ["", f"> {GAP_TEXT}" + (" National options are listed." if step.services else "")]
        if step.services:
            out.append("")
            out += [f"- **{_md(ps.service.name)}**: {_md(_contact(ps))}" for ps in step.services]
    out += ["", "## Strategy discussion: who must be invited", ""]
    out += [f"- **{_md(i.name)}**" + (f": {_md(i.why)}" if i.why else "") for i in plan.invitees]
    out += ["", "## Practice reminders", ""]
    out += [f"- {_md(p['text'])} *(Source: {_md(p['source'])})*" for p in plan.prompts]
    out += ["", "## Who to contact later", ""]
    out += [f"- **{_md(ps.service.name)}**: {_md(_contact(ps))}" for ps in plan.later_contacts]
    return "\n".join(out) + "\n"
