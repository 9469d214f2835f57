"""The police force for every authority: 999 and 101, and the force's own site where cited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from services.errors import Problem
from services.links import link_problem

from .reference import Council, Force
from .research import Research
from .rows import date_of, dated_by_of, key_line, name_list, slug, source_page, text_of, url_of

__all__ = ["police", "pfa_of"]


_POLICE_DESCRIPTION = (
    "The police force for {areas}. Call 999 if a child is in danger now; call 101 (free) to report "
    "a concern or a crime when no one is in immediate danger. Officers investigate child sexual "
    "abuse jointly with children's social care."
)


#: ``updated`` / ``dated_by`` date the report page when the row has one, else the source page.
_POLICE_KEYS = {"pfa", "name", "url", "source", "source_title", "page_title", "updated", "dated_by", "note", "notes",
                "report_page", "report_title"}


def pfa_of(record: Mapping[str, Any]) -> str:
    """A built police record's force area code, read back from its notes (SOURCES.md lists
    forces by code, and the record has no field of its own for it); "?" when absent."""
    m = re.search(r"\(ONS (E23\d{6})", record.get("notes") or "")
    return m.group(1) if m else "?"


def police(
    forces: Mapping[str, Force], councils: Mapping[str, Council], research: Research, ref: Mapping[str, Any],
    skip: set[str], problems: list[Problem], notes: list[str],
) -> list[dict[str, Any]]:
    """One record per force area, so every authority has 999 and 101 even where no page of
    the force's was found; a force's site or report page is the link only when a family may
    follow it, and each date stays with the page it belongs to."""
    rows = research.keyed_rows("forces", "pfa", _POLICE_KEYS, str, forces.__contains__,
                               "is not an English police force area code in the ONS lookup", problems)
    tried = {str(r.get("pfa")): text_of(r, "tried", "notes", "note") for r in research.not_found if isinstance(r, dict)}
    pfa_ref = ref["police_force_areas"]
    numbers = ref["national_routes"]["police_numbers"]
    records = []
    for pfa, force in forces.items():
        areas = [c for c in force.authorities if c not in skip]
        kept = [c for c in force.authorities if c in skip]
        if kept:
            notes.append(f"{pfa} {force.name}: police kept from hand-compiled records for {', '.join(kept)}")
        if not areas:
            continue
        row = rows.get(pfa)
        label = research.label
        url = url_of(row, ("url",), label, problems) if row else None
        source = url_of(row, ("source", "page"), label, problems) if row else None
        name = text_of(row, "name") if row else None
        report = url_of(row, ("report_page",), label, problems) if row else None
        refused = link_problem(url) if url else None
        if refused:  # a news item or a copy is a source, never the family's link
            notes.append(f"{label}:{key_line(row, 'url') or 0}: {pfa}: url {url}: {refused}: no link given"
                         + ("" if source else "; cited as the source"))
            source = source or url
            url = None
        report_is_news = bool(report and link_problem(report))
        # ``updated`` and ``dated_by`` date the report page when the row has one (the page the
        # numbers are read from), else the source page: a date is never lent to another page.
        updated = date_of(row, "updated", label, problems) if row else None
        dated_by = dated_by_of(row, label, problems) if row else None
        sources = []
        if row and (source or url):
            page = source or url or ""
            own = report is None or page == report
            sources.append(source_page(page, text_of(row, "source_title", "page_title"), research.compiled,
                                       ["name", "organization"] + (["url"] if url and (not report or report_is_news)
                                                                   else []),
                                       updated if own else None, dated_by if own else None))
        if report and row:
            # The force's own page telling the public how to report: the family's link, unless
            # it is a news item (then a source for the numbers, and the force's site is the link).
            sources.append(source_page(report, text_of(row, "report_title"), research.compiled,
                                       ["referral_routes"] + ([] if report_is_news else ["url"]), updated, dated_by))
            if report_is_news:
                report = None
        sources.append(source_page(pfa_ref["url"], pfa_ref.get("title"), pfa_ref.get("read"), ["service_areas"]))
        for page in numbers:
            sources.append(source_page(page["url"], page.get("title"), page.get("read"), page.get("supports", ()),
                                        page.get("updated")))
        note_bits = [f"Police force area: {force.name} (ONS {pfa}, December 2024)."]
        if row is None:
            notes.append(f"{pfa} {force.name}: no police research row; record made without a website")
            why = tried.get(pfa)
            note_bits.append("The force's own website could not be confirmed from a stored page, so none is given"
                             + (f" ({why})" if why else "") + ": search for the force by name, or call 101.")
        elif url is None:
            note_bits.append("No official website could be confirmed, so none is given.")
        if row and text_of(row, "note", "notes"):
            note_bits.append(text_of(row, "note", "notes") or "")
        display = name or f"{force.name} police force"
        area_names = [councils[c].name for c in areas]
        record: dict[str, Any] = {
            "id": f"police-{slug(force.name)}",
            "name": display,
            "description": _POLICE_DESCRIPTION.format(areas=name_list(area_names)),
            "organization": {"name": display, **({"url": url} if url else {})},
        }
        if report or url:
            record["url"] = report or url
        record.update({
            "phones": [
                {"number": "999", "description": "Emergency: a child is in danger now"},
                {"number": "101", "description": "Non-emergency, free to call: report a concern or a crime"},
            ],
            "service_areas": areas,
            "free": True,
            "service_types": ["police"],
            "accepts_self_referral": True,
            "referral_routes": ["Call 999 in an emergency",
                                "Call 101 (free) when no one is in immediate danger",
                                *(["Report online on the force's website: " + url] if url else [])],
            "source": " ; ".join(s["url"] for s in sources),
            "sources": sources,
            "last_verified": research.compiled if row and research.compiled else pfa_ref["read"],
            "verified": False,
            "notes": " ".join(note_bits),
        })
        records.append(record)
    return records
