"""A children's social care front door for every authority without a hand-compiled one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.errors import Problem
from services.links import link_problem

from .reference import Council
from .research import Research
from .rows import (
    date_of,
    dated_by_of,
    line_of,
    phones_of,
    row_sources,
    slug,
    source_page,
    text_of,
    url_of,
)

__all__ = ["front_doors"]


_FRONT_DOOR_DESCRIPTION = (
    "Children's social care for {area}: contact the council if you are worried that a child is being, "
    "or may have been, abused or neglected, including sexual abuse in the family. Anyone can contact "
    "it: a parent, relative, neighbour, a young person or a professional. A child does not have to "
    "have said anything for you to ask for help. In an emergency call 999."
)


_FRONT_DOOR_KEYS = {"gss", "name", "page", "url", "page_title", "title", "page_updated", "updated", "dated_by",
                    "phones", "run_by", "notes", "note", "source", "source_title", "sources", "page_for"}


def front_doors(
    councils: Mapping[str, Council], research: Research, ref: Mapping[str, Any], remaps: Mapping[str, str],
    skip: set[str], problems: list[Problem], notes: list[str],
) -> list[dict[str, Any]]:
    """A front door for every authority in ``councils`` not in ``skip``, so anyone worried
    about a child anywhere in England is told where to report it: the council's own page for
    reporting a concern when the research found one, else its homepage, and GOV.UK's route."""
    rows = research.keyed_rows("authorities", "gss", _FRONT_DOOR_KEYS, lambda gss: remaps.get(gss, gss),
                               councils.__contains__,
                               "is not one of England's 153 children's services authorities", problems)
    tried = {remaps.get(str(r.get("gss")), str(r.get("gss"))): text_of(r, "tried", "notes", "note")
             for r in research.not_found if isinstance(r, dict)}
    report_route = ref["national_routes"]["report_to_council"]
    la_ref = ref["local_authorities"]
    records = []
    for code, council in sorted(councils.items()):
        if code in skip:
            notes.append(f"{code} {council.name}: front door kept from its hand-compiled records")
            continue
        row = rows.get(code, {})
        label = research.label
        page = url_of(row, ("page", "url"), label, problems) if row else None
        # A news item or a copy is never the family's link, but stays the source of what it
        # states (the numbers, the name): the council's homepage is the link instead.
        not_a_link = link_problem(page) if page else None
        if not_a_link:
            notes.append(f"{label}:{line_of(row) or 0}: {code}: {not_a_link}: cited as a source; "
                         "the council's homepage is the link")
        link = None if not_a_link else page
        # The council's name as it is now (the research's, re-checked), else GOV.UK's list's.
        council_name = text_of(row, "name") if row else None
        council_name = council_name or council.council
        title = text_of(row, "page_title", "title")
        phones = phones_of(row, label, problems) if row else []
        compiled = research.compiled if row and research.compiled else la_ref["read"]
        url = link or council.homepage
        if url is None:
            problems.append(Problem(label if row else f"sources/{la_ref['file']}", council.line if not row else line_of(row),
                                    "homepage_url", f"{code} {council.name}: no page and no homepage, no front door record made"))
            continue
        if not row:
            notes.append(f"{code} {council.name}: no front door page in the research yet; linked to the council homepage")
        run_by = row.get("run_by") if row else None
        run_by_name = text_of(run_by, "name") if isinstance(run_by, dict) else text_of(row, "run_by") if row else None
        run_by_url = url_of(run_by, ("url",), label, problems) if isinstance(run_by, dict) else None
        sources = []
        if page:
            supports = (["url"] if link else []) + ["name", "organization"] + (["phones"] if phones else [])
            if row.get("sources"):
                # The row names its pages (the re-check): each with the fields it states.
                sources += row_sources(row, page, title, supports, research.compiled, label, problems)
            else:
                updated = date_of(row, "page_updated", label, problems) or date_of(row, "updated", label, problems)
                sources.append(source_page(page, title, research.compiled, supports, updated,
                                           dated_by_of(row, label, problems)))
            if not link:  # the news item or copy states things, but is not the link
                for item in sources:
                    if item["url"] == page and "url" in item.get("supports", []):
                        item["supports"] = [f for f in item["supports"] if f != "url"]
        run_by_source = url_of(run_by, ("source",), label, problems) if isinstance(run_by, dict) else None
        if run_by_source:
            sources.append(source_page(run_by_source, f"Who runs children's services: {run_by_name}", research.compiled,
                                        ["organization", "notes"]))
        extra = url_of(row, ("source",), label, problems) if row else None
        if extra and extra != page:
            sources.append(source_page(extra, text_of(row, "source_title"), research.compiled, ["notes"]))
        sources.append(source_page(la_ref["url"], la_ref.get("title"), la_ref.get("read"),
                                    ["service_areas"] + ([] if link else ["url"]) + ([] if page else ["name", "organization"]),
                                    la_ref.get("updated")))
        sources.append(source_page(report_route["url"], report_route.get("title"), report_route.get("read"),
                                    ["referral_routes", "accepts_self_referral", "min_age", "max_age",
                                     "requires_disclosure"]))
        organization: dict[str, Any] = {"name": council_name}
        if council.homepage:
            organization["url"] = council.homepage
        routes = [
            f"Contact {council_name}'s children's social care: {url}",
            f"Or report through GOV.UK, which finds the council from your postcode: {report_route['url']}",
            "In an emergency call 999",
        ]
        note_bits = []
        if run_by_name:
            note_bits.append(f"Children's services for {council.name} are run by {run_by_name} for the council.")
        if text_of(row, "notes", "note"):
            note_bits.append(text_of(row, "notes", "note") or "")
        if not page:
            note_bits.append("No page of the council's for reporting a concern was found in the research"
                             + (" (searched, not found)" if tried.get(code) else "")
                             + ": this links to the council's homepage. Phone numbers are left out until a cited "
                             "page gives them.")
        elif not link:
            note_bits.append(f"The page found for reporting a concern is not one to send a family to ({not_a_link}): "
                             "it is cited for what it states, and this links to the council's homepage.")
        elif not phones:
            note_bits.append("The cited page gives no phone number that could be used: follow the link.")
        page_for = row.get("page_for", "public") if row else "public"
        if page_for not in ("public", "professionals"):
            problems.append(Problem(label, line_of(row), "page_for", f"{page_for!r} is not public or professionals"))
        elif page and page_for == "professionals":
            note_bits.append("The only page found is written for professionals; no public page for reporting a "
                             "concern was found, so this one is given.")
        record: dict[str, Any] = {
            "id": f"front-door-{slug(council.slug)}",
            "name": f"{council_name}: children's social care" + (f" ({run_by_name})" if run_by_name else ""),
            "description": _FRONT_DOOR_DESCRIPTION.format(area=council.name),
            "organization": organization if not run_by_name else {"name": run_by_name, **({"url": run_by_url} if run_by_url else {})},
            "url": url,
        }
        if phones:
            record["phones"] = phones
        record.update({
            "service_areas": [code],
            "service_types": ["social_care_front_door"],
            "min_age": 0,
            "max_age": 17,
            "requires_disclosure": False,
            "accepts_self_referral": True,
            "referral_routes": routes,
            "source": " ; ".join(s["url"] for s in sources),
            "sources": sources,
            "last_verified": compiled,
            "verified": False,
        })
        if note_bits:
            record["notes"] = " ".join(note_bits)
        if not link:
            record["_homepage_only"] = True  # for the SOURCES.md list; removed before writing
        elif page_for == "professionals":
            record["_professionals_page"] = True  # likewise
        records.append(record)
    return records
