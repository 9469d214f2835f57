"""Find support: for parents, carers and young people.

A postcode or town and a few questions a family can answer → first, who to call now (the
council's children's social care, 999 and 101, the NSPCC Helpline, Childline for a child old
enough), then the support they can contact themselves, support to ask about, support that
needs a referral (and who refers), what helps while they wait for therapy, and who to
contact later; the map last, behind a switch. A family whose child's images have been shared
online gets plain-words help to have them removed (``pathway.yaml``'s ``family_help``); one
living with the person suspected gets how to ask for help safely
(``data/family_guidance.yaml``). A search that fails still shows who to call.

The page only gathers input and renders: places come from ``Directory.resolve_place``,
results from ``services.search``, the groups from ``services.sections``, the words from
``services.guidance``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import streamlit as st

from pathways.definition import load_pathway, pathway_path
from pathways.model import Pathway
from services.errors import PlaceNotFound, WaymarkError
from services.guidance import FamilyGuidance, SourceRef, guidance_path, load_guidance
from services.search import Hit, SearchFilters, national_hits, search
from services.sections import (
    Contact,
    WaitHelp,
    call_now,
    group_hits,
    meets_access,
    not_yet_listed,
    public_phones,
    while_you_wait,
)

from .. import context
from ..errors import show, shown_or_none
from ..mapview import show_map
from ..render import (
    contact_lines,
    date_text,
    distance_text,
    md,
    md_link,
    phone_line,
    safe_href,
    service_card,
    trust_markdown,
    type_name,
)

__all__ = ["render", "Query", "QUERY_KEY", "SHOW_AT_FIRST"]

#: Session key of the last search (kept only in this session's memory).
QUERY_KEY = "find_support_query"
#: Session key counting searches, so the page can scroll to each new answer once.
_SEARCHES = "find_support_searches"

#: The family's situation as ticks: (what they tick, what it changes, its field).
_TICKS = (
    ("We have not told anyone yet",
     "Shows only services you can go to before anyone has reported anything.", "not-told"),
    ("We are in a police investigation",
     "Shows first the services that say they carry on during one.", "investigation"),
    ("The person we worry about lives with us",
     "Shows how to ask for help safely. Nothing you tick is kept.", "lives-with"),
    ("Images of my child were shared online",
     "Images or videos of your child shared online: how to get them taken down and who to tell.", "images"),
)

_AGES = [None, *range(0, 18)]


@dataclass(frozen=True)
class Query:
    place: str
    age: int | None
    not_told: bool
    investigation: bool
    self_referral: bool
    free: bool
    language: str
    access: str
    images_shared: bool = False
    #: the person suspected lives with the family: show how to get help safely (never stored
    #: beyond this session, never in the URL)
    lives_with: bool = False

    def filters(self) -> SearchFilters:
        return SearchFilters(
            age=self.age,
            no_disclosure=self.not_told,
            self_referral=self.self_referral,
            free=self.free,
            language=self.language or None,
        )


def _age_label(age: int | None) -> str:
    if age is None:
        return "Choose an age (or leave this)"
    if age == 0:
        return "Under 1"
    return str(age)


#: The form's widget keys (session state of this tab only; never in the URL).
_K = {name: f"find-support-{name}" for name in (
    "place", "age", "not-told", "investigation", "lives-with", "images", "self", "free", "language", "access", "submit")}


def submitted_query() -> Query | None:
    """The search just submitted, read from the form's widget state before the form is drawn
    (so the answer can be sent first: see :func:`_page`); None when the form was not submitted."""
    state = st.session_state
    if not state.get(_K["submit"]):
        return None

    def text(name: str) -> str:
        return str(state.get(_K[name]) or "").strip()

    return Query(text("place"), state.get(_K["age"]), bool(state.get(_K["not-told"])),
                 bool(state.get(_K["investigation"])), bool(state.get(_K["self"])), bool(state.get(_K["free"])),
                 text("language"), text("access"), bool(state.get(_K["images"])), bool(state.get(_K["lives-with"])))


def _form() -> None:
    with st.form("find-support", border=True, enter_to_submit=True):
        st.text_input(
            "Your postcode or town",
            max_chars=60,
            placeholder="For example YO10 5DD, TR1 or Truro",
            help="Used only to find services near you. Waymark does not keep it.",
            autocomplete="off",
            key=_K["place"],
        )
        st.selectbox("The child's age", _AGES, format_func=_age_label, index=0, key=_K["age"])
        st.markdown("**Tick any that apply**")
        for label, why, key in _TICKS:
            st.checkbox(label, help=why, key=_K[key])
        with st.expander("More choices (optional)"):
            st.checkbox(
                "Only services I can contact myself",
                help="Leaves out services that need a referral from a professional.",
                key=_K["self"],
            )
            st.checkbox("Free services only", key=_K["free"])
            st.text_input("Language (optional)", max_chars=40, autocomplete="off",
                          help="The language you would like to use", key=_K["language"])
            st.text_input(
                "Access needs (optional)",
                max_chars=60,
                placeholder="For example wheelchair, BSL",
                autocomplete="off",
                key=_K["access"],
            )
        st.form_submit_button("Find support", type="primary", key=_K["submit"])


# -- the words and rules the page reads ---------------------------------------------------

def _pathway(d) -> Pathway | None:
    return shown_or_none(lambda: load_pathway(pathway_path(d.data_dir)))


def _guidance(d) -> FamilyGuidance | None:
    return shown_or_none(lambda: load_guidance(guidance_path(d.data_dir)))


def _images_help(pathway: Pathway | None) -> None:
    """Plain-words help to get a child's images removed (pathway.yaml ``family_help``)."""
    help_ = pathway.family_help.get("images_shared") if pathway is not None else None
    if help_ is None:
        return
    links = "\n".join(f"- {md_link(name, url)}" for name, url in help_.links)
    st.info(f"**{md(help_.title)}**\n\n{md(help_.text)}\n\n{links}", icon=":material/shield:")


def _cited(pages: list[SourceRef]) -> str:
    """Escaped Markdown naming the pages behind some words, with their dates."""
    out = []
    for p in pages:
        when = f"page dated {date_text(p.updated)}, " if p.updated else ""
        out.append(f"{md_link(p.title, p.url)} ({md(when)}read {md(date_text(p.read))})")
    return "; ".join(out)


def _sources_folded(guidance: FamilyGuidance, ids: list[str], label: str = "Where these words come from") -> None:
    pages = guidance.cite(tuple(dict.fromkeys(ids)))
    if pages:
        with st.expander(label):
            st.markdown("\n".join(f"- {_cited([p])}" for p in pages))


# -- who to call now ------------------------------------------------------------------------

def _contact(contact: Contact, guidance: FamilyGuidance | None) -> str:
    """One contact as escaped Markdown: who, their public numbers, what happens when you call."""
    words = guidance.call_now.get(contact.role) if guidance else None  # type: ignore[call-overload]
    first = contact.hits[0].service
    if contact.role == "front_door":
        title = f"Children's social care ({md(first.organization.name if first.organization else first.name)})"
    elif contact.role == "emergency":
        title = md(words.heading if words else "Police")
    else:
        title = f"{md(words.heading if words else '')}: {md(first.name)}".lstrip(": ")
    lines = [f"#### {title}"]
    if contact.phones:
        lines.append("\n".join(f"- {phone_line(phone)}" for phone, _ in contact.phones))
    else:
        url = safe_href(first.url or (first.organization.url if first.organization else None))
        lines.append("No phone number is listed here yet: "
                     + (f"use {md_link('their website', url)}" if url else "ask the police on 101 or the NSPCC Helpline")
                     + ", or report it through [GOV.UK](https://www.gov.uk/report-child-abuse-to-local-council).")
    if words:
        lines.append(md(words.what_happens))
    return "\n\n".join(lines)


def _call_now(contacts: list[Contact], guidance: FamilyGuidance | None, *, intro: str | None = None) -> None:
    """Who to call now, as one element: it reaches the screen in one piece, right after the
    answer's heading."""
    parts = ["### Who to call now", *([intro] if intro else [])]
    parts.append("\n\n---\n\n".join(_contact(c, guidance) for c in contacts))
    st.markdown("\n\n".join(parts))
    if guidance:
        _sources_folded(guidance, [s for c in contacts if c.role in guidance.call_now
                                   for s in guidance.call_now[c.role].sources])


def _safety(guidance: FamilyGuidance | None) -> None:
    """How to ask for help safely when the person suspected lives with the family."""
    if guidance is None:
        return
    safety = guidance.safety
    items = "\n".join(f"- {md(item.text)}" for item in safety.items)
    st.warning(f"**{md(safety.title)}**\n\n{items}", icon=":material/shield_person:")
    _sources_folded(guidance, [s for item in safety.items for s in item.sources],
                    "Where this advice comes from")


def _national_help(d, guidance: FamilyGuidance | None, pathway: Pathway | None, *, age: int | None,
                   intro: str | None = None) -> None:
    """Who to call now without a place: 999 and 101, the NSPCC Helpline, Childline."""
    national = national_hits(d, SearchFilters(age=age))
    contacts = call_now(national, age=age, own_contact=pathway.own_contact if pathway else None)
    _call_now(contacts, guidance, intro=intro)


def _search_for(name: str) -> None:
    """"Did you mean York?": run the search again for a known place name."""
    query = st.session_state.get(QUERY_KEY)
    if query is not None:
        st.session_state[QUERY_KEY] = dataclasses.replace(query, place=name)
        st.session_state[_SEARCHES] = st.session_state.get(_SEARCHES, 0) + 1


def _failed(exc: WaymarkError, d, guidance: FamilyGuidance | None, pathway: Pathway | None, query: Query) -> None:
    """A search that found no place: what to try, and who to call anyway."""
    show(exc)
    if isinstance(exc, PlaceNotFound) and exc.suggestions:
        st.markdown("**Did you mean:**")
        for i, name in enumerate(exc.suggestions):
            st.button(f"Search for {md(name)}", key=f"did-you-mean-{i}", on_click=_search_for, args=(name,))
    if isinstance(exc, PlaceNotFound) and exc.country == "Wales" and guidance is not None:
        st.info(md(guidance.wales.text), icon=":material/info:")
        _sources_folded(guidance, list(guidance.wales.sources))
    _national_help(d, guidance, pathway, age=query.age,
                   intro="These help wherever you are, whatever happened with the search.")
    if query.lives_with:
        _safety(guidance)


#: Scrolls the answer's heading to the top and focuses it (no "<" before a letter inside the
#: script: the sanitiser would drop it). ``%d`` makes each search's script new.
SCROLL_TO_ANSWER_JS = (
    "<script>/* search %d */(function(){var go=function(){var hs=document.querySelectorAll('h2');"
    "for(var i=0;hs.length>i;i++){var h=hs[i];if(h.textContent.indexOf('Support near')===0"
    "||h.textContent.indexOf('No results for')===0){h.setAttribute('tabindex','-1');h.style.outline='none';"
    "h.scrollIntoView({block:'start'});h.focus({preventScroll:true});return true;}}return false;};"
    "if(!go()){setTimeout(go,50);}})();</script>"
)


#: Seconds the server waits after sending the first screen (the answer's heading and who to
#: call now) before the rest: see :func:`_let_the_browser_draw`.
FIRST_SCREEN_PAUSE_S = 0.04


def _let_the_browser_draw() -> None:
    """A short pause after the first screen has been sent.

    The browser applies every element that has arrived before it draws the page again, and
    the rest of an answer (dozens of cards) follows the first screen within milliseconds:
    without a pause, who to call now is drawn only once the whole answer has been taken in.
    With it, the first screen is drawn while the rest is still on its way. Only after a new
    search (not on "Show more" or the map switch), and it holds no lock: other sessions run.
    """
    if st.session_state.get("_find_support_paused") != st.session_state.get(_SEARCHES, 0):
        st.session_state["_find_support_paused"] = st.session_state.get(_SEARCHES, 0)
        time.sleep(FIRST_SCREEN_PAUSE_S)


def _scroll_to_answer() -> None:
    """After a new search, bring its answer (and who to call now) to the top of the screen
    and give it the keyboard focus, once per search."""
    count = st.session_state.get(_SEARCHES, 0)
    if st.session_state.get("_find_support_scrolled") == count:
        return
    st.session_state["_find_support_scrolled"] = count
    st.html(SCROLL_TO_ANSWER_JS % count, unsafe_allow_javascript=True)


# -- the page -------------------------------------------------------------------------------

def render() -> None:
    """The page, as a fragment: a search, "Show more" or the map switch reruns this page
    only, not the app around it (navigation, 999 banner, quick exit, footer)."""
    _page()


@st.fragment
def _page() -> None:
    """The title and form on top, the answer below them; the answer is *sent* first.

    A search's rerun sends the page element by element, in the order the code runs, and the
    browser draws each as it comes: drawing the title and the form's dozen widgets again
    before the answer kept the answer (who to call now) waiting behind them. So the answer
    is written into the lower container first, from the form's submitted state, and the
    title and form are drawn into the upper one after it. The page looks the same.
    """
    context.follow_pending_switch()  # "Full details" opens the Directory (a whole-app rerun)
    top, below = st.container(), st.container()
    d = context.directory()
    query = submitted_query()
    if query is not None:
        st.session_state[QUERY_KEY] = query
        st.session_state[_SEARCHES] = st.session_state.get(_SEARCHES, 0) + 1
        st.session_state.pop(_SHOWN, None)  # a new search starts with short lists again
    with below:
        _answer(d, st.session_state.get(QUERY_KEY))
    with top:
        st.title("Find support")
        st.markdown(
            "Worried that a child is being sexually abused, or has been? Find who to call now and the "
            "support near you, even during a police investigation. You do not need proof to ask for help."
        )
        _form()


def _answer(d, query: Query | None) -> None:
    guidance = _guidance(d)
    pathway = _pathway(d)
    if query is None:
        _national_help(d, guidance, pathway, age=None,
                       intro="Type your postcode or town above and press **Find support** to add your "
                             "council's children's social care and the support near you.")
        return
    if query.images_shared:
        _images_help(pathway)

    try:
        place = d.resolve_place(query.place)
        hits = search(d, place, query.filters())
    except WaymarkError as exc:
        st.header("No results for that place", anchor=False)
        _scroll_to_answer()
        _failed(exc, d, guidance, pathway, query)
        return
    if query.access:
        hits = [h for h in hits if meets_access(h.service, query.access)]

    area = place.authority.name if place.authority else None
    where = md(place.label) + (f" ({md(area)})" if area and area != place.label else "")
    own_contact = pathway.own_contact if pathway else None
    sections = group_hits(hits, investigation=query.investigation, age=query.age, own_contact=own_contact)
    st.header(f"Support near {where}", anchor=False)
    age = f"For a child aged {query.age}." if query.age is not None else None
    if sections.call_now:
        _call_now(sections.call_now, guidance, intro=age)
    else:
        _national_help(d, guidance, pathway, age=query.age, intro=age)
    _scroll_to_answer()
    _let_the_browser_draw()
    if query.lives_with:
        _safety(guidance)
    code = place.authority.code if place.authority else None
    not_listed = not_yet_listed(area or place.label, d.coverage.of(code)) if code else None
    if not_listed:
        st.markdown(md(not_listed))
    if not sections.ask_for and not sections.later:
        st.warning("We could not find other services that match everything you ticked. Try removing a tick.")
        if query.access:
            st.markdown(
                "Services rarely list their access arrangements. Most can make adjustments: "
                "ask them when you get in touch."
            )
        return
    wait = while_you_wait(sections, guidance.while_you_wait) if guidance else WaitHelp()
    if query.investigation:
        st.markdown("Because you are in a police investigation, the lists below show first the services that "
                    "say they carry on during one. You do not have to wait for the investigation or a trial "
                    "to end to get support.")
    else:
        st.markdown("Therapy and support can start straight away: you do not have to wait for a police "
                    "investigation or a trial.")
    shown_wait = _group(
        "Support you can contact yourself", sections.contact_yourself, "yourself", d, guidance, wait,
        intro="You can get in touch with these yourself.", wait_shown=False)
    shown_wait = _group(
        "Support you can ask about", sections.ask_how, "ask", d, guidance, wait,
        intro="They have not said whether you can contact them yourself: ask them, or ask children's "
              "social care or your GP to refer you.", wait_shown=shown_wait)
    shown_wait = _group(
        "Support that needs a referral", sections.need_referral, "referral", d, guidance, wait,
        intro="A professional needs to refer you to these. Each says who to ask.", wait_shown=shown_wait,
        referral=True)
    if query.investigation:
        _group("Ask first: help during an investigation not known", sections.ask_first, "ask-first", d, guidance,
               wait, intro="These services have not said whether they carry on during a police investigation. "
                           "Ask them before you rely on them.", wait_shown=shown_wait)

    st.subheader("Who to contact later", anchor=False)
    st.markdown(
        "The effects of abuse can show up months or years later. Keep these for when other "
        "support ends or things get hard again."
    )
    if sections.later:
        for hit in _first(sections.later, "later"):
            _later_item(hit, d.taxonomy, waiting=hit.service.id in sections.waiting_for_investigation)
        _more_button(sections.later, "later", "Show more for later")
    else:
        st.markdown("No services for later on matched. The helplines above are there at any time.")

    local = [h for h in hits if h.local]
    _map(d, place, local)


def _group(title: str, hits: list[Hit], key: str, d, guidance: FamilyGuidance | None, wait: WaitHelp, *,
           intro: str, wait_shown: bool, referral: bool = False) -> bool:
    """One group of cards, nearest first; "while you wait" after its first therapy route with
    a long or unknown wait. Returns whether "while you wait" has been shown on the page."""
    if not hits:
        return wait_shown
    st.subheader(title, anchor=False)
    st.markdown(intro)
    for hit in _first(hits, key):
        service = hit.service
        how = note = None
        if referral and guidance is not None:
            how = f"**Who refers:** {md(guidance.referral_words(service.service_types).text)}"
        is_route = service.id in wait.routes
        if is_route and wait_shown:
            note = "**While you wait:** see *While you wait* above for what helps now."
        service_card(hit, d.taxonomy, key=key, on_details=context.select_service, how=how, note=note)
        if is_route and not wait_shown and guidance is not None:
            _while_you_wait(wait, guidance, d)
            wait_shown = True
    _more_button(hits, key, f"Show more: {title.lower()}")
    return wait_shown


def _while_you_wait(wait: WaitHelp, guidance: FamilyGuidance, d) -> None:
    rules = guidance.while_you_wait
    lines = [f"**While you wait for therapy or CAMHS**\n\n{md(rules.why)}"]
    if wait.helpers:
        helpers = []
        for hit in wait.helpers:
            s = hit.service
            phones = [phone_line(p) for p in public_phones(s)][:1]
            kinds = ", ".join(type_name(d.taxonomy, t) for t in s.service_types[:2])
            helpers.append(f"- **{md(s.name)}** ({md(kinds)})" + (f": {phones[0]}" if phones else ""))
        lines.append("**What helps now:**\n" + "\n".join(helpers))
    lines.append("**What to ask:**\n" + "\n".join(f"- {md(a.text)}" for a in rules.ask))
    with st.container(border=True):
        st.markdown("\n\n".join(lines))
        _sources_folded(guidance, [*rules.why_sources, *(s for a in rules.ask for s in a.sources)])


def _later_item(hit: Hit, taxonomy, *, waiting: bool) -> None:
    service = hit.service
    with st.container(border=True):
        parts = [f"#### {md(service.name)}",
                 ", ".join(md(type_name(taxonomy, t)) for t in service.service_types) + f"  \n{md(distance_text(hit))}"]
        if waiting:
            parts.append("They do not usually start while a police investigation is going on. "
                         "Ask them, or contact them when it is over.")
        contacts = contact_lines(service, public_only=True)
        if contacts:
            parts.append("**Contact:** " + " · ".join(contacts))
        parts.append(trust_markdown(service))
        st.markdown("\n\n".join(parts))  # one element per card: see render.service_card
        st.button(
            "Full details",
            key=f"later-details-{service.id}",
            on_click=context.select_service,
            args=(service.id,),
        )


def _map(d, place, local: list[Hit]) -> None:
    """The map comes last and only when asked for: on a phone it would take the screen and
    catch the swipes meant for the page."""
    st.subheader("Map", anchor=False)
    if not st.toggle("Show these services on a map", key="find-map-shown", value=False,
                     help="The list above has everything the map shows."):
        return
    codes = [place.authority.code] if place.authority else []
    show_map(
        key="find",
        boundaries_path=d.geography.boundaries_path,
        services=[h.service for h in local],
        taxonomy=d.taxonomy,
        area_codes=codes,
        focus=codes,
        place=place,
        distances={h.service.id: distance_text(h) for h in local},
    )


#: Services shown per list before "Show more": a national directory can match hundreds.
SHOW_AT_FIRST = 5
_SHOWN = "find_support_shown"


def _first(items: list, section: str) -> list:
    return items[: st.session_state.get(_SHOWN, {}).get(section, SHOW_AT_FIRST)]


def _more(section: str) -> None:
    shown_ = dict(st.session_state.get(_SHOWN, {}))
    shown_[section] = shown_.get(section, SHOW_AT_FIRST) + SHOW_AT_FIRST
    st.session_state[_SHOWN] = shown_


def _more_button(items: list, section: str, label: str) -> None:
    hidden = len(items) - len(_first(items, section))
    if hidden > 0:
        st.button(f"{label} ({hidden} more)", key=f"more-{section}", on_click=_more, args=(section,))

