"""A plan as a self-contained printable HTML page (for st.download_button).

Built in memory and handed to the browser as a download: nothing is written on the
server. Every string is HTML-escaped; links are only http(s)/tel/mailto. The page loads
nothing (no scripts, fonts or images) so opening it offline or printing it is safe. It
opens with the plan's first screen (what to do today, one line each, with the number to
call), then the full plan.
"""

from __future__ import annotations

import datetime as dt

from pathways.plan import Plan, PlanService
from pathways.render import (
    GAP_TEXT,
    NO_CONTACT_WORDS,
    PROFESSIONALS_LABEL,
    SECTION_TITLES,
    SUMMARY_HEADING,
    availability_text,
    describe_situation,
    not_compiled_line,
    reading_order,
)

from .render import date_text, freshness_warning, h, safe_href, tel_href

__all__ = ["plan_html", "print_page_html", "print_button"]


_CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 50rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.4rem; margin-top: 2rem; border-bottom: 2px solid #0b0c0c; }
h3 { font-size: 1.15rem; margin-bottom: 0.3rem; }
.danger { border: 3px solid #a50e1e; padding: 0.5rem 0.8rem; font-weight: bold; }
.today { border: 3px solid #0b0c0c; padding: 0.2rem 1rem 0.6rem; }
.today h2 { margin-top: 0.6rem; border-bottom: none; }
.today li { margin-bottom: 0.3rem; }
.gap { border-left: 6px solid #a50e1e; padding: 0.3rem 0.8rem; background: #fbeaea; }
.meta, .source { color: #484949; font-size: 0.92rem; }
.warn { color: #6b3a00; }
a { color: #1d4f91; }
@media print { a { color: #0b0c0c; } h2 { break-after: avoid; } li { break-inside: avoid; } }
"""


def _link(label: str, url: str | None) -> str:
    href = safe_href(url)
    return f'<a href="{h(href)}">{h(label)}</a>' if href else h(label)


def _service(ps: PlanService) -> str:
    service = ps.service
    bits: list[str] = []
    if ps.distance_km is not None:
        bits.append(h(f"about {ps.distance_km:.1f} km away"))
    elif service.is_national:
        bits.append("national")
    elif ps.local:
        bits.append("works across the area")
    for phone in service.phones:
        kinds = ([phone.type] if phone.type != "voice" else []) + ([] if phone.is_public else [PROFESSIONALS_LABEL])
        label = phone.number + (f" ({', '.join(kinds)})" if kinds else "")
        bits.append(_link(label, tel_href(phone.number)) if phone.type == "voice" else h(label))
    url = service.url or (service.organization.url if service.organization else None)
    if url:
        bits.append(_link(url, url))
    if service.email:
        bits.append(_link(service.email, "mailto:" + service.email))
    if not (service.phones or url or service.email):
        bits.append(h(NO_CONTACT_WORDS))
    if service.available_during_investigation is True:
        bits.append("can help during a police investigation")
    some_areas = availability_text(ps)
    if some_areas:
        bits.append(h(some_areas))
    out = f"<li><strong>{h(service.name)}</strong>: " + " · ".join(bits)
    warning = freshness_warning(service)
    if warning:
        out += f'<br><span class="warn">{h(warning)}</span>'
    return out + "</li>"


def _first_screen(plan: Plan) -> str:
    """What to do today, one line each, with the number to call (a tel: link)."""
    items = []
    for line in plan.summary:
        item = h(line.text)
        if line.phone:
            item += " — <strong>" + _link(line.phone, tel_href(line.phone)) + "</strong>"
            names = [n for n in (line.service,) if n and line.phone not in n]
            if line.audience == "professionals":
                names.append(PROFESSIONALS_LABEL)
            if names:
                item += " (" + h(", ".join(names)) + ")"
        elif line.service:
            item += " — " + h(line.service)
        items.append(f"<li>{item}</li>")
    return (
        f'<section class="today"><h2>{h(SUMMARY_HEADING)}</h2><ol>' + "".join(items) + "</ol>"
        '<p class="meta">The full plan follows.</p></section>'
    )


def _step_html(step, titles: dict[str, str], agency) -> str:
    out = [f"<h3>{h(step.title)}</h3>", f"<p>{h(step.why)}</p>"]  # why includes the step's notes
    if step.runs_alongside:
        out.append("<p>Runs alongside: " + h("; ".join(titles.get(s, s) for s in step.runs_alongside)) + "</p>")
    if step.agencies:
        out.append("<p><strong>Who:</strong> " + h(", ".join(agency(a) for a in step.agencies)) + "</p>")
    if step.gap and not step.not_compiled:  # not compiled: said once, above the plan
        extra = " National options are listed." if step.services else ""
        out.append(f'<p class="gap"><strong>Gap:</strong> {h(GAP_TEXT + extra)}</p>')
    if step.services:
        out.append("<ul>" + "".join(_service(ps) for ps in step.services) + "</ul>")
    return "\n".join(out)


def plan_html(plan: Plan, pathway=None, *, today: dt.date | None = None) -> str:
    """The whole plan as one HTML document."""
    area = plan.area
    where = f"{area['name']} ({area['code']})" if area else plan.place.label
    agency = pathway.agency_name if pathway is not None else (lambda a: a.replace("_", " "))
    titles = {s.stage: s.title for s in plan.steps}
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Waymark plan for a child in {h(where)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Waymark plan for a child in {h(where)}</h1>",
        _first_screen(plan),
        f'<p class="meta">{h(describe_situation(plan))}. Made on {h(date_text(today or dt.date.today()))}.</p>',
        '<p class="danger">If the child is in immediate danger, call 999.</p>',
    ]
    coverage = not_compiled_line(plan)
    if coverage:
        out.append(f'<p class="meta">{h(coverage)}</p>')
    for key, section_steps in reading_order(plan):
        out.append(f"<h2>{h(SECTION_TITLES[key])}</h2>")
        out.extend(_step_html(step, titles, agency) for step in section_steps)
    out.append("<h2>Strategy discussion: who must be invited</h2><ul>")
    for invitee in plan.invitees:
        out.append(f"<li><strong>{h(invitee.name)}</strong>" + (f": {h(invitee.why)}" if invitee.why else "") + "</li>")
    out.append("</ul><h2>Practice reminders</h2><ul>")
    for prompt in plan.prompts:
        out.append(f"<li>{h(prompt['text'])}<br><span class=\"source\">Source: {h(prompt['source'])}</span></li>")
    out.append("</ul><h2>Who to contact later</h2><ul>")
    out.extend(_service(ps) for ps in plan.later_contacts)
    out.append("</ul>")
    out.append(
        '<p class="meta">Made with Waymark. Service details come from public sources; check them '
        "with the service before relying on them.</p></body></html>"
    )
    return "\n".join(out)


_PRINT_CSS = """
#waymark-print { font: inherit; font-size: 1rem; padding: 0.45rem 0.9rem; margin: 2px; border-radius: 0.5rem;
  border: 1px solid #6f7178; background: #fff; color: #0b0c0c; cursor: pointer; }
#waymark-print:focus { outline: 3px solid #ffdd00; box-shadow: 0 0 0 5px #0b0c0c; }
@media screen { html, body { margin: 0; padding: 0; max-width: none; background: transparent; }
  body > *:not(#waymark-print) { display: none !important; } }
@media print { #waymark-print { display: none !important; } }
"""


def print_page_html(document: str, *, label: str = "Print the plan") -> str:
    """The printable page with one "Print" button on screen: the button alone shows; pressed,
    it prints the page it sits in (the printable plan, never the app around it)."""
    button = (f'<button id="waymark-print" type="button">{h(label)}</button>'
              "<script>document.getElementById('waymark-print').addEventListener('click', "
              "function () { window.print(); });</script>")
    return (document.replace("</head>", f"<style>{_PRINT_CSS}</style></head>", 1)
            .replace("<body>", "<body>" + button, 1))


def print_button(document: str, *, label: str = "Print the plan") -> None:
    """One click prints ``document`` (a page from :func:`plan_html`, every string in it already
    escaped), in its own frame."""
    import streamlit as st

    st.iframe(print_page_html(document, label=label), height=52, alt="Print button for the printable plan")
