"""Find support: for parents, carers and young people.

A postcode or town and a few questions a family can answer → a map and a plain-language
list: support they can get now (even during a police investigation), helplines for the
child's age, and who to contact later. A family whose child's images have been shared online
gets plain-words help to have them removed (the words come from ``pathway.yaml``'s
``family_help``). The page only gathers input and renders: places
come from ``Directory.resolve_place``, results from ``services.search``, headings from
``services.sections``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pathways.definition import load_pathway, pathway_path
from services.search import Hit, SearchFilters, national_services, search
from services.sections import group_hits, meets_access, not_yet_listed

from .. import context
from ..errors import Failed, shown
from ..mapview import show_map
from ..render import contact_and_freshness, distance_text, md, md_link, service_card, type_name

__all__ = ["render", "Query", "QUERY_KEY"]

#: Session key of the last search (kept only in this session's memory).
QUERY_KEY = "find_support_query"

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


def _form() -> Query | None:
    with st.form("find-support", border=True, enter_to_submit=True):
        place = st.text_input(
            "Your postcode or town",
            max_chars=60,
            placeholder="For example YO10 5DD, TR1 or Truro",
            help="Used only to find services near you. Waymark does not keep it.",
            autocomplete="off",
        )
        age = st.selectbox("The child's age", _AGES, format_func=_age_label, index=0)
        st.markdown("**Tick any that apply**")
        left, right = st.columns(2)
        with left:
            not_told = st.checkbox(
                "We have not told anyone yet",
                help="Shows only services you can go to before anyone has reported anything.",
            )
            investigation = st.checkbox(
                "We are in a police investigation",
                help="Support you can get now shows only services that carry on during one.",
            )
            self_referral = st.checkbox(
                "Only services I can contact myself",
                help="Leaves out services that need a referral from a professional.",
            )
            images_shared = st.checkbox(
                "Images or videos of my child have been shared online",
                help="Shows how to get them taken down and who to tell. Nothing you tick is kept.",
            )
        with right:
            free = st.checkbox("Free services only")
            language = st.text_input("Language you would like to use (optional)", max_chars=40, autocomplete="off")
            access = st.text_input(
                "Access needs (optional)",
                max_chars=60,
                placeholder="For example wheelchair, BSL, hearing loop",
                autocomplete="off",
            )
        submitted = st.form_submit_button("Find support", type="primary")
    if not submitted:
        return None
    return Query(
        place.strip(), age, not_told, investigation, self_referral, free, language.strip(), access.strip(), images_shared
    )


def _images_help(d) -> None:
    """Plain-words help to get a child's images removed (pathway.yaml ``family_help``)."""
    try:
        with shown(reraise=True):
            help_ = load_pathway(pathway_path(d.data_dir)).family_help.get("images_shared")
    except Failed:
        return
    if help_ is None:
        return
    links = "\n".join(f"- {md_link(name, url)}" for name, url in help_.links)
    st.info(f"**{md(help_.title)}**\n\n{md(help_.text)}\n\n{links}", icon=":material/shield:")


def _later_item(hit: Hit, taxonomy, *, waiting: bool) -> None:
    service = hit.service
    with st.container(border=True):
        st.markdown(f"### {md(service.name)}")
        line = ", ".join(md(type_name(taxonomy, t)) for t in service.service_types)
        st.markdown(f"{line}  \n{md(distance_text(hit))}")
        if waiting:
            st.markdown(
                "They have not told us they can help while a police investigation is going on. "
                "Ask them, or contact them when it is over."
            )
        contact_and_freshness(service)
        st.button(
            "Full details",
            key=f"later-details-{service.id}",
            on_click=context.select_service,
            args=(service.id,),
        )


def render() -> None:
    """The page, as a fragment: a search, "Show more" or the street-map toggle reruns this
    page only, not the app around it (navigation, 999 banner, quick exit, footer)."""
    _page()


@st.fragment
def _page() -> None:
    context.follow_pending_switch()  # "Full details" opens the Directory (a whole-app rerun)
    st.title("Find support")
    st.markdown(
        "Worried that a child is being sexually abused, or has been? Find the support you can get "
        "near you now, even during a police investigation, and who to contact later. You do not "
        "need proof, and a child does not need to have told anyone, for you to ask for help."
    )
    d = context.directory()
    query = _form()
    if query is not None:
        st.session_state[QUERY_KEY] = query
        st.session_state.pop(_SHOWN, None)  # a new search starts with short lists again
    query = st.session_state.get(QUERY_KEY)
    if query is None:
        st.info("Type your postcode or town above and press **Find support**.")
        _helplines_without_place(d)
        return
    if query.images_shared:
        _images_help(d)

    try:
        with shown(reraise=True):
            place = d.resolve_place(query.place)
            hits = search(d, place, query.filters())
    except Failed:
        return
    if query.access:
        hits = [h for h in hits if meets_access(h.service, query.access)]

    area = place.authority.name if place.authority else None
    where = md(place.label) + (f" ({md(area)})" if area and area != place.label else "")
    st.header(f"Support near {where}", anchor=False)
    sections = group_hits(hits, investigation=query.investigation)
    if not hits:
        st.warning("We could not find services that match everything you ticked. Try removing a tick.")
        if query.access:
            st.markdown(
                "Services rarely list their access arrangements. Most can make adjustments: "
                "ask them when you get in touch."
            )
        _helplines_without_place(d, age=query.age)
        return
    local = [h for h in hits if h.local]
    st.subheader("Map", anchor=False)
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

    st.header("Support you can get now — even during a police investigation", anchor=False)
    if query.investigation:
        st.markdown(
            "Because you are in a police investigation, this list shows the services that say they "
            "carry on during one, and the ways to get help at any time. You do not have to wait "
            "for the investigation or a trial to end to get support."
        )
    else:
        st.markdown("Therapy and support can start straight away. You do not have to wait for a police investigation or a trial.")
    st.subheader("Near you", anchor=False)
    code = place.authority.code if place.authority else None
    not_listed = not_yet_listed(area or place.label, d.coverage.of(code)) if code else None
    if sections.now_local:
        for hit in _first(sections.now_local, "near"):
            service_card(hit, d.taxonomy, key="now", on_details=context.select_service)
        _more_button(sections.now_local, "near", "Show more services near you")
    elif not_listed is None:
        st.markdown("We have no local services listed for this area that match. The national services below can help.")
    else:
        st.markdown("None of the local services listed for this area match everything you ticked.")
    if not_listed:
        st.markdown(not_listed)
    st.subheader("Helplines and national services", anchor=False)
    if query.age is not None:
        st.markdown(f"For a child aged {query.age}" + (": " if sections.now_national else "."))
    for hit in _first(sections.now_national, "national"):
        service_card(hit, d.taxonomy, key="now", on_details=context.select_service)
    _more_button(sections.now_national, "national", "Show more helplines and national services")

    st.header("Who to contact later", anchor=False)
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


#: Services shown per list before "Show more": a national directory can match hundreds.
SHOW_AT_FIRST = 12
_SHOWN = "find_support_shown"


def _first(items: list, section: str) -> list:
    return items[: st.session_state.get(_SHOWN, {}).get(section, SHOW_AT_FIRST)]


def _more(section: str) -> None:
    shown = dict(st.session_state.get(_SHOWN, {}))
    shown[section] = shown.get(section, SHOW_AT_FIRST) + SHOW_AT_FIRST
    st.session_state[_SHOWN] = shown


def _more_button(items: list, section: str, label: str) -> None:
    hidden = len(items) - len(_first(items, section))
    if hidden > 0:
        st.button(f"{label} ({hidden} more)", key=f"more-{section}", on_click=_more, args=(section,))


def _helplines_without_place(d, *, age: int | None = None) -> None:
    """Before a search (or when nothing matched): the national helplines for the age."""
    st.header("Helplines you can call now", anchor=False)
    national = national_services(d, SearchFilters(service_types=("helpline",), age=age))
    for service in national:
        hit = Hit(service, None, local=False)
        service_card(hit, d.taxonomy, key="start", on_details=context.select_service, level=3)
