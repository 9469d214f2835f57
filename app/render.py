"""Escaping and the shared pieces every page renders (service cards, contacts, warnings).

Every string that comes from data (or from a user, echoed back in a message) passes
through :func:`md` before it reaches ``st.markdown`` and through :func:`h` before it
reaches HTML. Links are rebuilt here from checked parts only: a link whose scheme is not
http(s), tel or mailto is shown as plain text, whatever the models let through.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Protocol

import streamlit as st

from pathways.render import NO_CONTACT_WORDS
from services.freshness import ages_text, trust_line
from services.models import Phone, Service
from services.search import Hit
from services.sections import ANYTIME_TYPES, has_professionals_line

__all__ = [
    "h",
    "md",
    "safe_href",
    "md_link",
    "tel_href",
    "age_text",
    "distance_text",
    "date_text",
    "during_investigation_text",
    "referral_text",
    "freshness_warning",
    "contact_lines",
    "phone_line",
    "source_links",
    "service_card",
    "trust_markdown",
    "type_name",
    "small_print",
]

#: Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
#: of them means no data string can open a link, emphasis, heading, table, HTML tag,
#: maths ($) or a Streamlit directive (:red[...]) in st.markdown.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^@%/;?,])")
_SAFE_SCHEMES = ("http://", "https://", "tel:", "mailto:")
_URL_OK = re.compile(r"^[^\s<>\"'`\\]+$")


def h(value: object) -> str:
    """HTML-escape any value (quotes too), for HTML pages and map popups."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: object) -> str:
    """Markdown-escape a data string for st.markdown/st.error: shown literally, on one line."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", " ", text).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_href(url: object) -> str | None:
    """The URL if it is an http(s)/tel/mailto link with no characters that could break out
    of an attribute or a Markdown link; otherwise None (shown as plain text)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text.lower().startswith(_SAFE_SCHEMES) or not _URL_OK.match(text):
        return None
    if text.lower().startswith(("http://", "https://")):
        host = text.split("//", 1)[1].split("/", 1)[0]
        if "." not in host or "@" in host:
            return None
    # Brackets would close a Markdown link target early.
    return text.replace("(", "%28").replace(")", "%29")


def md_link(label: object, url: object) -> str:
    """A Markdown link with an escaped label, or just the escaped label if the URL is unsafe."""
    href = safe_href(url)
    if href is None:
        return md(label)
    return f"[{md(label)}]({href})"


def tel_href(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number)
    return f"tel:{digits}"


def type_name(taxonomy, type_id: str) -> str:
    item = taxonomy.type(type_id)
    return item.name if item else type_id.replace("_", " ")


def stage_name(taxonomy, stage_id: str) -> str:
    item = taxonomy.stage(stage_id)
    return item.name if item else stage_id.replace("_", " ")


def age_text(service: Service) -> str | None:
    """Who a service is for; "Ages not stated" when its pages give none (never "All ages");
    None for 999, the police and children's social care, which serve every child."""
    return ages_text(service)


class Placed(Protocol):
    """A search hit or a plan's service: local or national, and how far away."""

    @property
    def local(self) -> bool: ...
    @property
    def distance_km(self) -> float | None: ...


def distance_text(hit: Placed) -> str:
    if not hit.local:
        return "National: by phone, text or online, wherever you live"
    if hit.distance_km is None:
        return "Works across your area (no single address to show)"
    km = hit.distance_km
    miles = km / 1.609344
    if km < 1:
        return "Less than 1 km away"
    return f"About {km:.1f} km ({miles:.1f} miles) away"


def date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


#: What a service's yes (True), no (False) or not known (None) says to a family.
_DURING_INVESTIGATION: dict[bool | None, str] = {
    True: "Yes: this service can help during a police investigation.",
    False: "No: this service does not usually start during a police investigation.",
    None: "Not known: ask them whether they can help while the police are investigating.",
}
_REFERRAL: dict[bool | None, str] = {
    True: "You can contact them yourself.",
    False: "Someone needs to refer you (for example the police, social care, a GP or school).",
    None: "Ask them how to be referred.",
}


def during_investigation_text(service: Service) -> str:
    return _DURING_INVESTIGATION[service.available_during_investigation]


def referral_text(service: Service) -> str:
    return _REFERRAL[service.accepts_self_referral]


def freshness_warning(service: Service, today: dt.date | None = None) -> str | None:
    """The listing's trust line when a claim is old or the record was not re-read for a year
    (None otherwise): what a printout must carry beside the details (services.freshness)."""
    return trust_line(service, today) if service.is_stale(today) else None


def phone_line(phone: Phone) -> str:
    """One number as Markdown (already escaped): "Call [0800 1111](tel:08001111) (...)"."""
    verb = {"text": "Text", "textphone": "Textphone", "fax": "Fax"}.get(phone.type, "Call")
    label = f"{verb} {md_link(phone.number, tel_href(phone.number)) if phone.type != 'text' else md(phone.number)}"
    if phone.description:
        label += f" ({md(phone.description)})"
    return label


def contact_lines(service: Service, *, public_only: bool = False) -> list[str]:
    """Markdown lines (already escaped) for phones, website and email.

    A line a page reserves for professionals is labelled as such; with ``public_only`` (every
    family-facing view) it is never offered as a number to call, only mentioned.
    """
    lines: list[str] = []
    for phone in service.phones:
        if not phone.is_public:
            if not public_only:
                lines.append(phone_line(phone) + " — **for professionals only**")
            continue
        lines.append(phone_line(phone))
    if public_only and has_professionals_line(service):
        lines.append("Professionals have a separate line (in a practitioner's plan on the Referral pathway)")
    url = service.url or (service.organization.url if service.organization else None)
    if url and safe_href(url):
        lines.append(f"Website: {md_link(_display_url(url), url)}")
    email = service.email
    if email and "@" in email and _URL_OK.match(email):
        lines.append(f"Email: {md_link(email, 'mailto:' + email)}")
    return lines


def _display_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


_URL_IN_TEXT = re.compile(r"https?://[^\s;,()<>\"']+")


def source_links(source: str) -> str:
    """The record's ``source`` with its web addresses as links, everything else escaped."""
    out: list[str] = []
    pos = 0
    for m in _URL_IN_TEXT.finditer(source):
        out.append(md(source[pos : m.start()]))
        url = m.group(0).rstrip(".")
        out.append(md_link(_display_url(url), url))
        pos = m.start() + len(url)
    out.append(md(source[pos:]))
    return " ".join(part for part in out if part)


def contact_and_freshness(service: Service, *, public_only: bool = False) -> None:
    """How to reach a service, then how current its details are."""
    contacts = contact_lines(service, public_only=public_only)
    if contacts:
        st.markdown("**Contact:** " + " · ".join(contacts))
    freshness_notes(service)


def small_print(markdown: str) -> None:
    """Quiet text at full contrast: Streamlit's grey ``st.caption`` fails WCAG AA contrast,
    so every note, year and source goes through here. ``markdown`` must already be escaped."""
    st.markdown(f":small[{markdown}]")


def trust_markdown(service: Service) -> str:
    """The listing's one trust line as Markdown for inside a card: a marked warning when a
    claim the family acts on is old, otherwise quiet small print."""
    line = trust_line(service)
    if service.is_stale():
        return f":material/warning: **{md(line)}**"
    return f":small[{md(line)}]"


def freshness_notes(service: Service) -> None:
    """The listing's one trust line (services.freshness.trust_line): a warning only when a
    claim the family acts on is old, otherwise quiet small print."""
    line = trust_line(service)
    if service.is_stale():
        st.warning(md(line), icon=":material/info:")
    else:
        small_print(md(line))


def service_card(
    hit: Hit,
    taxonomy,
    *,
    key: str,
    on_details: Callable[[str], None] | None = None,
    level: int = 4,
    how: str | None = None,
    note: str | None = None,
    public_only: bool = True,
) -> None:
    """One service in a results list: name, what it is, how far, who for, how to reach it.

    ``level`` is the heading level of the name: one below the section it sits in. ``how``
    (escaped Markdown) adds who to ask for a referral; ``note`` (escaped Markdown) is one more
    line under the facts. Cards are for families: professionals' lines are never offered.

    The card is one Markdown element (and its button): a results page holds dozens of cards,
    and the browser redraws the page once per element it receives, so fewer elements put
    the answer on screen sooner.
    """
    service = hit.service
    with st.container(border=True):
        parts = [f"{'#' * level} {md(service.name)}"]
        kinds = ", ".join(md(type_name(taxonomy, t)) for t in service.service_types)
        parts.append(f"{kinds}  \n{md(distance_text(hit))}")
        parts.append(md(service.description))
        ages = age_text(service)
        facts = [
            *([f"**Who for:** {md(ages)}" + (" · also for parents and carers" if service.for_parents else "")]
              if ages else []),
            f"**How to get help:** {md(referral_text(service))}"
            # Routes can depend on age (13 and over refer themselves, under-13s through the
            # police): the first two are on the card, not only behind "Full details".
            + "".join(f" {md(route.rstrip('.'))}." for route in service.referral_routes[:2])
            + (f" {how}" if how else ""),
        ]
        if service.availability == "some_areas":
            facts.append("**Where:** runs only in some places: ask whether it is available near you.")
        # 999, helplines, the police and social care are there whatever is happening; "not
        # known" would only confuse, so the line is left out for them unless the data says.
        if service.available_during_investigation is not None or not (ANYTIME_TYPES & set(service.service_types)):
            facts.append(f"**During a police investigation:** {md(during_investigation_text(service))}")
        if service.requires_disclosure:
            facts.append(
                "**Before you contact them:** they usually help once a child has told "
                "someone, or the abuse has been reported."
            )
        if service.status == "temporarily closed":
            facts.insert(0, "**Temporarily closed:** check with the service before relying on it.")
        hours = service.current_schedules()  # expired hours are not shown as current
        if hours:
            facts.append("**When:** " + " ".join(md(s.description) for s in hours))
        if note:
            facts.append(note)
        parts.append("\n".join(f"- {f}" for f in facts))
        contacts = contact_lines(service, public_only=public_only)
        # Never a card with no way on: say whom to ask (its record says why nothing is listed).
        parts.append("**Contact:** " + (" · ".join(contacts) if contacts else md(NO_CONTACT_WORDS[0].upper()
                                                                                 + NO_CONTACT_WORDS[1:] + ".")))
        parts.append(trust_markdown(service))
        st.markdown("\n\n".join(parts))
        if on_details is not None:
            st.button(
                "Full details",
                key=f"{key}-details-{service.id}",
                on_click=on_details,
                args=(service.id,),
                help=f"Everything we know about {md(service.name)}",  # tooltips are Markdown too
            )
