"""Directory: browse and search every service, and open one service's full listing.

Where you are in the Directory is in the web address, so Back stays within Waymark and a
listing can be linked to: the open listing's id (``?service=``), the page number, the type
and area filters (ids and codes) and the "only confirmed" switch. Nothing a person *typed*
goes there: the search words stay in this session's memory only. Opening a listing or a new
page starts at the top of the screen.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import streamlit as st

from services.catalogue import ALL, NATIONAL_ONLY, BrowseFilters, areas_served, browse
from services.freshness import claim_details, trust_line
from services.models import Service
from services.search import contact_of

from .. import context
from ..mapview import show_map
from ..render import (
    age_text,
    contact_lines,
    date_text,
    during_investigation_text,
    freshness_notes,
    md,
    md_link,
    referral_text,
    safe_href,
    source_links,
    stage_name,
    type_name,
)

__all__ = ["render", "REPORT_EMAIL_ENV"]

#: Set this to the maintainers' address to make "report a problem" an email link.
REPORT_EMAIL_ENV = "WAYMARK_REPORT_EMAIL"



def _area_names(service: Service, geography) -> list[str]:
    if service.is_national:
        return ["All of England"]
    names = []
    for code in service.service_areas:
        authority = geography.authorities.get(code)
        names.append(authority.name if authority else code)
    return names


#: Query parameters: non-personal ids only (never the search words).
Q_SERVICE, Q_PAGE, Q_TYPE, Q_AREA, Q_CHECKED = "service", "page", "type", "area", "checked"
_TEXT = "directory_text"  # the search words, kept in session memory only
#: A listing opened from a family's search ("Full details"), kept in session memory only: its
#: id would say which area they searched (front-door-leeds), so it never reaches the address.
_FROM_SEARCH = "directory_from_search"
_URL_SEEN = "directory_url_seen"
_AT_TOP = "directory_at_top"
_W_TYPES, _W_AREA, _W_CHECKED, _W_TEXT = "dir-types", "dir-area", "dir-checked", "dir-text"


def _open(service_id: str) -> None:
    st.session_state.pop(_FROM_SEARCH, None)
    st.query_params[Q_SERVICE] = service_id


def _back() -> None:
    st.session_state.pop(_FROM_SEARCH, None)
    if Q_SERVICE in st.query_params:
        del st.query_params[Q_SERVICE]


#: Back to the top of the page, the keyboard focus on the title (no "<" before a letter
#: inside the script: the sanitiser would drop it).
TO_TOP_JS = (
    "<script>/* %s */(function(){var m=document.getElementById('stMain');if(m){m.scrollTop=0;}"
    "window.scrollTo(0,0);var h=document.querySelector('h1');if(h){h.setAttribute('tabindex','-1');h.style.outline='none';"
    "h.focus({preventScroll:true});}})();</script>"
)


def _to_top(where: tuple) -> None:
    """Start a newly opened listing or page at the top of the screen (once each)."""
    if st.session_state.get(_AT_TOP) == where:
        return
    first = _AT_TOP not in st.session_state
    st.session_state[_AT_TOP] = where
    if first:
        return
    st.html(TO_TOP_JS % abs(hash(where)), unsafe_allow_javascript=True)


def _report_link(service: Service) -> str:
    """"Report a problem with this listing": an email to the maintainers when configured
    (subject names only the listing), otherwise the organisation's own website."""
    address = os.environ.get(REPORT_EMAIL_ENV, "").strip()
    if address and "@" in address and safe_href("mailto:" + address):
        subject = quote(f"Waymark listing: {service.name} ({service.id})")
        return md_link("Report a problem with this listing", f"mailto:{address}?subject={subject}")
    url = contact_of(service).get("url")
    if url and safe_href(url):
        return (
            md_link("Report a problem with this listing", url)
            + " (the organisation's website: check the details there or tell them what is wrong)"
        )
    return "Report a problem with this listing: contact the organisation named above."


def _detail(service: Service, d) -> None:
    st.button("← Back to all services", on_click=_back, key="directory-back")
    _to_top(("service", service.id))
    st.header(md(service.name), anchor=False)
    if service.organization:
        st.markdown(f"Run by {md_link(service.organization.name, service.organization.url)}")
    st.markdown(", ".join(md(type_name(d.taxonomy, t)) for t in service.service_types))
    freshness_notes(service)
    if service.status != "active":
        st.error(f"This service is listed as {md(service.status)}.")

    st.subheader("What it offers", anchor=False)
    st.markdown(md(service.description))
    if service.stages:
        st.markdown("**Where it fits in the process:**")
        st.markdown("\n".join(f"- {md(stage_name(d.taxonomy, s))}" for s in service.stages))

    st.subheader("Who it is for", anchor=False)
    lines = [md(age_text(service) or "Every child and family")]
    if service.for_parents:
        lines.append("Also for parents and carers.")
    lines.append("Area: " + md(", ".join(_area_names(service, d.geography))))
    if service.eligibility:
        lines.append(md(service.eligibility))
    if service.languages:
        lines.append("Languages: " + md(", ".join(service.languages)))
    if service.accessibility:
        lines.append("Access: " + md("; ".join(service.accessibility)))
    st.markdown("\n".join(f"- {line}" for line in lines))

    st.subheader("How to get help or refer", anchor=False)
    how = [md(referral_text(service))]
    if service.requires_disclosure:
        how.append("They usually help once a child has told someone, or the abuse has been reported.")
    else:
        how.append("A child does not need to have told anyone for this service to help.")
    how.extend(md(route) for route in service.referral_routes)
    if service.waiting_weeks is not None:
        how.append(md(f"Usual wait: about {service.waiting_weeks:g} weeks."))
    if service.free is True:
        how.append("Free.")
    for cost in service.cost_options:
        text = " ".join(x for x in (cost.option, cost.amount_description) if x)
        if text:
            how.append(md(text))
    st.markdown("\n".join(f"- {line}" for line in how))

    st.subheader("During a police investigation", anchor=False)
    st.markdown(md(during_investigation_text(service)))

    st.subheader("Contact", anchor=False)
    # Families open listings too (Full details on Find support): only the public lines here;
    # a practitioner's plan on the Referral pathway gives the professionals' line.
    contacts = contact_lines(service, public_only=True)
    for loc in service.locations:
        parts = [x for x in (loc.name, loc.address_1, loc.city, loc.postcode) if x]
        text = "Where: " + (md(", ".join(parts)) if parts else "a location")
        if loc.precision in ("town", "area"):
            text += " " + md(f"(exact address not listed; shown at the {loc.precision} on maps)")
        contacts.append(text)
    if contacts:
        st.markdown("\n".join(f"- {c}" for c in contacts))
    else:
        st.markdown("No contact details are listed. Ask children's social care or the NSPCC helpline.")
    hours = service.current_schedules()  # expired hours are not shown as current
    if hours:
        st.markdown("**Opening hours:** " + " ".join(md(s.description) for s in hours))

    st.subheader("Where this information comes from", anchor=False)
    checked = date_text(service.last_verified)
    state = "confirmed with the organisation" if service.verified else "not yet confirmed with the organisation"
    st.markdown(f"Last checked: {md(checked)} ({state}).")
    claims = claim_details(service)
    if claims:
        rows = []
        for claim in claims:
            pages = "; ".join(
                f"{md_link(p.title or p.url, p.url)} ({md(when)})" for p, when in zip(claim.pages, claim.page_dates())
            ) or ("not on a page we could read" + "".join(f" ({md(why)})" for why in claim.unconfirmed)
                  if claim.unconfirmed else "no page states it")
            rows.append(f"- {md(claim.words[0].upper() + claim.words[1:])}: {pages}"
                        + (" — **more than two years old: check with them**" if claim.old else ""))
        st.markdown("**Each detail and the page it comes from:**\n" + "\n".join(rows))
    st.markdown(f"Source: {source_links(service.source)}")
    if service.notes:
        st.markdown(f"Notes: {md(service.notes)}")
    st.markdown(_report_link(service))

    placed = [loc for loc in service.locations if loc.latitude is not None]
    if placed:
        st.subheader("Map", anchor=False)
        codes = [c for c in service.service_areas if c != "national"]
        show_map(
            key=f"detail-{service.id}",
            boundaries_path=d.geography.boundaries_path,
            services=[service],
            taxonomy=d.taxonomy,
            area_codes=codes,
            focus=codes,
            neighbours=False,
        )


def _browse(d) -> None:
    st.markdown(
        "Every service Waymark knows about. Search by name or what it does, or narrow the list "
        "by type or area, then open a service for its full details."
    )
    types = {t.id: t.name for t in d.taxonomy.service_types}
    areas = areas_served(d)
    labels = {ALL: "All areas", NATIONAL_ONLY: "National services only", **areas}
    area_options = [ALL, NATIONAL_ONLY, *sorted(areas, key=lambda c: areas[c])]
    _sync_from_url(types, area_options)
    cols = st.columns([2, 2, 2])
    with cols[0]:
        text = st.text_input("Search the directory", max_chars=80, placeholder="For example therapy, Childline, York",
                             key=_W_TEXT)
    with cols[1]:
        chosen_types = st.multiselect(
            "Type of service", list(types), format_func=lambda t: types[t], placeholder="Any type", key=_W_TYPES
        )
    with cols[2]:
        area = st.selectbox("Area", area_options, format_func=lambda c: labels.get(c, c), key=_W_AREA)
    only_checked = st.checkbox("Only listings confirmed with the organisation in the last year", key=_W_CHECKED)
    st.session_state[_TEXT] = text
    filters = BrowseFilters(text, tuple(chosen_types), area, only_checked)
    if st.session_state.get(_FILTERS) != filters:  # new filters: back to the first page
        if st.session_state.get(_FILTERS) is not None:
            st.session_state[_PAGE] = 1
        st.session_state[_FILTERS] = filters
    result = browse(d, filters, page=st.session_state.get(_PAGE, 1))
    st.session_state[_PAGE] = result.page
    _sync_to_url(filters, result.page)
    _to_top(("page", result.page))
    st.header(f"{result.total} service{'s' if result.total != 1 else ''}", anchor=False)
    if not result.total:
        st.markdown("Nothing matches. Try fewer words or another area.")
        return
    shown_services = result.services
    st.header("Services", anchor=False)
    if result.pages > 1:
        st.markdown(f"Showing {result.first}–{result.last} of {result.total}.")
    for service in shown_services:
        with st.container(border=True):
            st.button(
                md(service.name),  # a button label is Markdown: no links or images from data
                key=f"open-{service.id}",
                type="tertiary",
                on_click=_open,
                args=(service.id,),
                help="Open the full listing",
            )
            bits = [
                *(["TEMPORARILY CLOSED"] if service.status == "temporarily closed" else []),
                ", ".join(type_name(d.taxonomy, t) for t in service.service_types),
                ", ".join(_area_names(service, d.geography)),
                *filter(None, [age_text(service)]),
                trust_line(service).rstrip("."),
            ]
            st.markdown(md(" · ".join(bits)))
    if result.pages > 1:
        prev, info, nxt = st.columns([1, 2, 1])
        prev.button("← Previous page", disabled=result.page <= 1, on_click=_turn, args=(result.page - 1,),
                    key="directory-prev")
        info.markdown(f"Page {result.page} of {result.pages}")
        nxt.button("Next page →", disabled=result.page >= result.pages, on_click=_turn, args=(result.page + 1,),
                   key="directory-next")
    # The map after the list: on a phone it would push the services a screen down.
    st.header("Map", anchor=False)
    codes = sorted({c for s in shown_services for c in s.service_areas if c != "national"})
    show_map(
        key="directory",
        boundaries_path=d.geography.boundaries_path,
        services=[s for s in shown_services if not s.is_national],
        taxonomy=d.taxonomy,
        area_codes=codes,
        focus=codes,
        neighbours="all",
    )


_FILTERS = "directory_filters"
_PAGE = "directory_page"


def _turn(page: int) -> None:
    st.session_state[_PAGE] = page


def _url_state(types: dict[str, str], area_options: list[str]) -> tuple[tuple[str, ...], str, bool, int]:
    """The filters and page the web address asks for (unknown values ignored)."""
    q = st.query_params
    chosen = tuple(t for t in q.get_all(Q_TYPE) if t in types)
    area = q.get(Q_AREA, ALL)
    try:
        page = max(1, int(q.get(Q_PAGE, "1")))
    except ValueError:
        page = 1
    return chosen, area if area in area_options else ALL, q.get(Q_CHECKED) == "1", page


def _sync_from_url(types: dict[str, str], area_options: list[str]) -> None:
    """When the address changed under the page (Back, a link, the first visit), the widgets
    take their values from it; otherwise they keep theirs (and, after a listing was open,
    get them back from the address)."""
    wanted = _url_state(types, area_options)
    chosen, area, checked, page = wanted
    if st.session_state.get(_URL_SEEN) != wanted:
        st.session_state[_W_TYPES], st.session_state[_W_AREA] = list(chosen), area
        st.session_state[_W_CHECKED], st.session_state[_PAGE] = checked, page
        st.session_state[_FILTERS] = None
    for key, value in ((_W_TYPES, list(chosen)), (_W_AREA, area), (_W_CHECKED, checked)):
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(_W_TEXT, st.session_state.get(_TEXT, ""))


def _sync_to_url(filters: BrowseFilters, page: int) -> None:
    """Put the page's non-personal state in the address (a new history entry when it changes)."""
    state = (tuple(filters.service_types), filters.area, filters.only_checked, page)
    params = {
        **({Q_TYPE: list(filters.service_types)} if filters.service_types else {}),
        **({Q_AREA: filters.area} if filters.area != ALL else {}),
        **({Q_CHECKED: "1"} if filters.only_checked else {}),
        **({Q_PAGE: str(page)} if page > 1 else {}),
    }
    current = {k: (st.query_params.get_all(k) if k == Q_TYPE else st.query_params.get(k))
               for k in (Q_TYPE, Q_AREA, Q_CHECKED, Q_PAGE) if k in st.query_params}
    if current != params:
        st.query_params.from_dict(params)
    st.session_state[_URL_SEEN] = state


def _adopt_selection() -> None:
    """A listing chosen on another page ("Full details" on Find support) opens here, from
    session memory: never in the address or the browser's history."""
    chosen = st.session_state.pop(context.SELECTED_SERVICE, None)
    if chosen:
        st.session_state[_FROM_SEARCH] = chosen


def render() -> None:
    st.title("Directory of services")
    d = context.directory()
    _adopt_selection()
    selected = st.query_params.get(Q_SERVICE) or st.session_state.get(_FROM_SEARCH)
    if selected:
        service = d.get(selected)
        if service is None:
            _back()
            st.warning("That service is no longer in the directory.")
        else:
            _detail(service, d)
            return
    _browse(d)
    context.maintainer_notes(d)
