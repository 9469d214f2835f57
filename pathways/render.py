"""A plan as text a practitioner can print, or as Markdown.

Plain words, read under pressure: the plan opens with its first screen, what to do today
(one line a step, with the number to call: ``plan.summary``), then the full plan: today's
actions that are specific to this child, then today's actions every plan has, then next
and later. Each step lists its services' contact details; steps with no local service are
marked and named once, in one line, rather than in a sentence repeated under every step.
Prompt sources are listed once at the end. Rendering only formats (and orders for
reading): every decision was made by the planner.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from services.coverage import statutory_area_words
from services.freshness import trust_line
from services.models import Phone

from .model import Pathway
from .plan import Plan, PlanService, PlanStep, SummaryLine
from .rules import Always
from .summary import today_in_order

__all__ = [
    "render_text",
    "render_markdown",
    "describe_situation",
    "reading_order",
    "gap_summary",
    "not_compiled_line",
    "availability_text",
    "GAP_TEXT",
    "NO_CONTACT_WORDS",
    "SECTION_TITLES",
    "SUMMARY_HEADING",
    "PROFESSIONALS_LABEL",
    "summary_text_lines",
    "call_text",
]


#: Reading sections, in order: (key, heading). ``today_child`` holds the steps made "now" by
#: this child's situation; ``today`` the steps every plan starts with.
SECTION_TITLES: dict[str, str] = {
    "today_child": "Today, for this child",
    "today": "Today",
    "now": "Now",
    "next": "Next",
    "later": "Later",
}

GAP_TEXT = "No local service in the directory delivers this step here."

#: The heading of the plan's first screen (the summary; the full plan follows it).
SUMMARY_HEADING = "What to do today"
#: How a number a service keeps for professionals is labelled (the plan is for practitioners).
PROFESSIONALS_LABEL = "professionals' line"
#: The printed summary's tick box, one per thing to do.
_TICK = "[ ] "

SOME_AREAS_TEXT = "runs only in some areas: ask the organisation whether it runs near you"

#: The printed plan gives contact details for this many new services per step.
TEXT_SERVICES_PER_STEP = 3



def reading_order(plan: Plan) -> list[tuple[str, list[PlanStep]]]:
    """The plan's steps in reading order, as (section, steps), empty sections left out.

    Today's steps specific to this child come first (a strategy discussion today because of
    a health sign, safe care for two children, a medical within the window), then the steps
    every plan has today, then next and later, each in the pathway's order.
    """
    now = today_in_order(plan.steps)
    specific = [s for s in now if s.specific]
    rest = [s for s in now if not s.specific]
    sections = [("today_child", specific), ("today" if specific else "now", rest)]
    sections += [(w, [s for s in plan.steps if s.when == w]) for w in ("next", "later")]
    return [(key, steps) for key, steps in sections if steps]


def gap_summary(plan: Plan, numbers: dict[str, int] | None = None) -> str | None:
    """One sentence naming every step with no local service, or None when there is none."""
    gaps = [s for s in plan.steps if s.gap and not s.not_compiled]
    if not gaps:
        return None
    names = [f"{numbers[s.stage]}. {s.title}" if numbers else s.title for s in gaps]
    return (
        "No local service in the directory delivers "
        + ("this step" if len(gaps) == 1 else "these steps")
        + " here: "
        + "; ".join(names)
        + ". National options are listed under the step where there are any."
    )


def availability_text(ps: PlanService) -> str | None:
    """Say so when a national programme runs only in some places."""
    return SOME_AREAS_TEXT if ps.service.availability == "some_areas" else None


def not_compiled_line(plan: Plan) -> str | None:
    """The one sentence about what Waymark has not compiled for this area (None: nothing).

    Said once for the plan, never repeated per step: in an area known only through the
    statutory spine, a step without a local service is unknown, not missing.
    """
    if plan.coverage != "statutory":
        return None
    name = plan.area["name"] if plan.area else plan.place.label
    titles = [s.title for s in plan.steps if s.not_compiled]
    line = statutory_area_words(name)
    if titles:
        n = len(titles)
        line += (f" {n} step{'s have' if n != 1 else ' has'} no local service listed yet ({'; '.join(titles)}): "
                 "ask children's social care what is available locally; national options are shown where there are any.")
    return line


def call_text(line: SummaryLine, *, with_service: bool = True) -> str:
    """Who to call for a summary line: the number, labelled when it is for professionals,
    and the service's name (or only the name, when no number is listed; "" when no one)."""
    professionals = line.audience == "professionals"
    if line.phone is None:
        return line.service or ""
    names = [line.service] if with_service and line.service and line.phone not in line.service else []
    if professionals:
        names.append(PROFESSIONALS_LABEL)
    return line.phone + (f" ({', '.join(names)})" if names else "")


def summary_text_lines(plan: Plan, width: int = 88) -> list[str]:
    """The first screen as plain text: the heading, then one line per thing to do today,
    each at most ``width`` characters (the service's name is left out when it does not fit;
    a number is never left out)."""
    out = [SUMMARY_HEADING + " (the full plan follows):"]
    for line in plan.summary:
        base = _TICK + line.text
        options = [call_text(line), call_text(line, with_service=False)] if line.phone else [call_text(line), ""]
        for option in options:
            text = base + (f" — {option}" if option else "")
            if len(text) <= width:
                break
        out.append(text)
    return out


_FIELD_WORDS = {
    "concern": "concern",
    "indicators": "signs",
    "suspect_age": "suspect's age",
    "living_arrangement": "lives",
    "days_since_last_abuse": "days since last abuse",
    "suspect_relationship": "suspect",
    "investigation": "investigation",
    "other_children": "other children",
    "previous_concerns": "previous concerns",
    "language": "language",
    "suspect_sex": "suspect's sex",
    "education": "education",
    "raised_by": "raised by",
}
_INDICATOR_WORDS = {
    "sti": "sexually transmitted infection",
    "genital_injury": "genital injury",
    "pregnancy": "pregnancy",
    "sexualised_behaviour": "sexualised behaviour",
    "behaviour_change": "change in behaviour",
    "abuse_images": "images of the child made or shared",
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
    "retracted": "the child has retracted",
    "suspect_works_with_children": "suspect works with children",
    "consent_refused": "parents refuse consent",
    "immediate_danger": "IMMEDIATE DANGER",
    "mental_health_concern": "self-harm or mental health concern",
    "suspect_has_contact": "suspect has contact with the child",
    "multiple_suspects": "more than one person suspected",
    "domestic_abuse": "domestic abuse at home",
    "honour_based_abuse": "risk of honour-based abuse or forced marriage",
    "child_is_parent": "the child is a parent",
}


def describe_situation(plan: Plan) -> str:
    """One line summing up the situation the plan was made for."""
    s = plan.situation
    parts = [f"age {s.age}"]
    for name, word in _FIELD_WORDS.items():
        value = getattr(s, name)
        if isinstance(value, tuple):
            value = ", ".join(_INDICATOR_WORDS.get(v) or v for v in value) if value else None
        if value is not None:
            parts.append(f"{word}: {str(value).replace('_', ' ')}")
    parts.extend(word for name, word in _FLAG_WORDS.items() if getattr(s, name))
    if s.placing_area:
        placing = plan.placing_area
        parts.append(f"looked after by {placing['name'] if placing else s.placing_area}")
    return "; ".join(parts)


def _area(plan: Plan) -> str:
    area = plan.area
    if area is None:
        return plan.place.label
    return f"{area['name']} ({area['code']})"


def _contact(ps: PlanService, *, brief: bool = False) -> str:
    """How to reach a service; ``brief`` (the printed plan) leaves out a national service's
    website when it has a phone number, and the "national" label."""
    service = ps.service
    bits = []
    if ps.distance_km is not None:
        bits.append(f"{ps.distance_km:.1f} km")
    elif service.is_national and not brief:
        bits.append("national")
    bits.extend(_phone_text(p) for p in service.phones[:2])
    url = service.url or (service.organization.url if service.organization else None)
    if url and not (brief and service.phones and service.is_national):
        bits.append(url)
    some_areas = availability_text(ps)
    if some_areas:
        bits.append(some_areas)
    if service.is_stale():
        # Which claim is old, in the same words as the app's card (services.freshness).
        bits.append(trust_line(service).rstrip("."))
    if not (service.phones or url):  # never a name with nothing after it
        bits.append(NO_CONTACT_WORDS)
    return " · ".join(bits)


#: Said for a listed service with no number and no page of its own (its record says why).
NO_CONTACT_WORDS = "no phone or page of its own listed: ask children's social care how to reach it"


def _phone_text(phone: Phone) -> str:
    """A number with its kind (text, textphone) and, for a line kept for professionals, that."""
    labels: list[str] = [phone.type] if phone.type != "voice" else []
    if not phone.is_public:
        labels.append(PROFESSIONALS_LABEL)
    return phone.number + (f" ({', '.join(labels)})" if labels else "")


def _first_sentence(text: str) -> str:
    """The first sentence (up to the first full stop followed by a space)."""
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def short_why(step: PlanStep) -> str:
    """What a printed plan says under a step: all of it when the step is about this child,
    otherwise the step's first sentence and this child's notes (the rest is in the JSON,
    the Markdown and the app)."""
    if step.specific:
        return step.why
    notes = " ".join(step.notes)
    base = step.why[: -len(notes)].rstrip() if notes and step.why.endswith(notes) else step.why
    return " ".join(part for part in (_first_sentence(base), notes) if part)


def _agency_names(step: PlanStep, pathway: Pathway | None) -> str:
    name: Callable[[str], str] = pathway.agency_name if pathway else (lambda a: a.replace("_", " "))
    return ", ".join(name(a) for a in step.agencies)


def render_text(plan: Plan, pathway: Pathway | None = None, *, width: int = 88) -> str:
    """The plan as printable plain text, today's child-specific steps first.

    Kept short enough to read under pressure: steps every plan has show their first
    sentence and this child's notes (later steps only the notes), each service's contact
    details are given once, and reminders every plan carries take one line each.
    """

    def wrap(text: str, indent: str, first: str | None = None) -> str:
        return textwrap.fill(
            text, width=width, initial_indent=indent if first is None else first, subsequent_indent=indent
        )

    sections = reading_order(plan)
    ordered = [step for _, steps in sections for step in steps]
    numbers = {step.stage: i for i, step in enumerate(ordered, 1)}
    titles = {s.stage: s.title for s in plan.steps}
    later_ids = [ps.service.id for ps in plan.later_contacts]
    del titles
    lines = [f"Waymark plan for a child in {_area(plan)}", ""]
    lines += summary_text_lines(plan, width)
    lines += ["If the child is in immediate danger, call 999.", "", wrap(describe_situation(plan), "  ")]
    coverage = not_compiled_line(plan)
    if coverage:
        lines += ["", wrap(coverage, "")]
    shown: dict[str, int] = {}  # service id → the step whose list gave its contact details
    for key, steps in sections:
        heading = SECTION_TITLES[key].upper()
        lines += ["", heading, "-" * len(heading)]
        for step in steps:
            number = numbers[step.stage]
            marker = " [no local service]" if step.gap and not step.not_compiled else ""
            lines.append(wrap(step.title + marker, " " * 3, f"{number}. ".ljust(3)))
            why = short_why(step) if key != "later" or step.specific else " ".join(step.notes)
            if why:
                lines.append(wrap(why, "   "))
            along = sorted(numbers[s] for s in step.runs_alongside if s in numbers)
            with_steps = (" (alongside step" + ("s " if len(along) > 1 else " ") + ", ".join(map(str, along)) + ")") if along else ""
            if step.agencies:
                lines.append(wrap("Who: " + _agency_names(step, pathway) + with_steps, "   "))
            elif with_steps:
                lines.append(wrap("Runs" + with_steps, "   "))
            # A step for later may point to the contacts for later; a step to act on today or
            # now lists its own services, so nobody scrolls to the end to find a number.
            if key == "later" and step.services and {ps.service.id for ps in step.services} <= set(later_ids):
                lines.append("   Services: see WHO TO CONTACT LATER below.")
                continue_services: list[PlanService] = []
            else:
                continue_services = list(step.services)
            again = [ps for ps in continue_services if ps.service.id in shown]
            new = [ps for ps in continue_services if ps.service.id not in shown]
            for ps in new[:TEXT_SERVICES_PER_STEP]:
                shown[ps.service.id] = number
                lines.append(wrap(f"{ps.service.name}: {_contact(ps, brief=True)}", "     ", "   - "))
            more = len(new) - TEXT_SERVICES_PER_STEP
            if more > 0:
                lines.append(f"   - and {more} more (in the app, the Markdown and the JSON plan)")
            if len(again) == 1:
                ps = again[0]
                lines.append(wrap(f"Also: {ps.service.name} (step {shown[ps.service.id]})", "     ", "   - "))
            elif again:
                steps_again = sorted({shown[ps.service.id] for ps in again})
                lines.append(f"   - Also the services listed at step{'s' if len(steps_again) > 1 else ''} "
                             + ", ".join(map(str, steps_again)))
    summary = gap_summary(plan, numbers)
    if summary:
        lines += ["", wrap(summary, "")]
    lines += ["", "STRATEGY DISCUSSION: WHO MUST BE INVITED", "-" * 40]
    for invitee in plan.invitees:
        reason = f": {invitee.why}" if invitee.why else ""
        lines.append(wrap(f"{invitee.name}{reason}", "  ", "- "))
    sources: dict[str, int] = {}
    # Reminders about this child in full; those every plan carries in one line each.
    brief = {} if pathway is None else {
        p.id: p.short or _first_sentence(p.text)
        for p in pathway.prompts
        if isinstance(p.applies_when, Always) and p.applies_when.value
    }
    lines += ["", "PRACTICE REMINDERS", "-" * 18]
    for prompt in plan.prompts:
        refs = []
        for source in prompt["source"].split("; "):
            refs.append(str(sources.setdefault(source, len(sources) + 1)))
        text = brief.get(prompt["id"], prompt["text"])
        lines.append(wrap(f"{text} [{', '.join(refs)}]", "  ", "- "))
    lines += ["", "WHO TO CONTACT LATER", "-" * 20]
    for ps in plan.later_contacts:
        lines.append(wrap(f"{ps.service.name}: {_contact(ps, brief=True)}", "  ", "- "))
    lines += ["", "SOURCES", "-" * 7]
    for source, n in sources.items():
        lines.append(wrap(f"[{n}] {source}", "    ", ""))
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
    out = [f"# Waymark plan for a child in {_md(_area(plan))}", "", f"## {SUMMARY_HEADING}", ""]
    for i, line in enumerate(plan.summary, 1):
        who = call_text(line)
        number = f"**{_md(line.phone)}**" if line.phone else ""
        rest = who[len(line.phone):] if line.phone else who
        out.append(f"{i}. {_md(line.text)}" + (f" — {number}{_md(rest)}" if who else ""))
    out += [
        "",
        "The full plan follows.",
        "",
        f"*{_md(describe_situation(plan))}*",
        "",
        "**If the child is in immediate danger, call 999.**",
    ]
    coverage = not_compiled_line(plan)
    if coverage:
        out += ["", f"> {_md(coverage)}"]
    titles = {s.stage: s.title for s in plan.steps}
    for key, steps in reading_order(plan):
        out += ["", f"## {SECTION_TITLES[key]}"]
        for step in steps:
            marker = " (no local service)" if step.gap and not step.not_compiled else ""
            out += ["", f"### {_md(step.title + marker)}", "", _md(step.why)]
            if step.runs_alongside:
                out += ["", "Runs alongside: " + "; ".join(_md(titles[s]) for s in step.runs_alongside)]
            if step.agencies:
                out += ["", f"**Who:** {_md(_agency_names(step, pathway))}"]
            if step.services:
                out.append("")
                out += [f"- **{_md(ps.service.name)}**: {_md(_contact(ps))}" for ps in step.services]
    summary = gap_summary(plan)
    if summary:
        out += ["", f"> {_md(summary)}"]
    out += ["", "## Strategy discussion: who must be invited", ""]
    out += [f"- **{_md(i.name)}**" + (f": {_md(i.why)}" if i.why else "") for i in plan.invitees]
    out += ["", "## Practice reminders", ""]
    out += [f"- {_md(p['text'])} *(Source: {_md(p['source'])})*" for p in plan.prompts]
    out += ["", "## Who to contact later", ""]
    out += [f"- **{_md(ps.service.name)}**: {_md(_contact(ps))}" for ps in plan.later_contacts]
    return "\n".join(out) + "\n"
