"""A child's medical route (a SARC, an assessment centre, a Child House) by police force area."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.errors import Problem
from services.geography import Geography
from services.links import link_problem
from services.vocabulary import SERVICE_TYPES

from .claims import drop_outdated_claims
from .reference import Council, Force
from .research import Research
from .rows import (
    codes_of,
    line_of,
    name_list,
    phones_of,
    row_sources,
    self_referral_from,
    slug,
    source_page,
    text_of,
    unknown_keys,
    url_of,
)

__all__ = ["MEDICAL_TYPES", "medical", "areas_of", "town_locations"]


MEDICAL_TYPES = ("sarc", "csaac", "child_house")


_SARC_KEYS = {
    "id", "requires_disclosure", "name", "url", "page", "page_title", "title", "source", "source_title", "sources", "updated",
    "pfa", "pfas", "gss", "service_areas", "organisation", "organization", "run_by", "provider",
    "min_age", "max_age", "self_referral", "accepts_self_referral", "referral", "referral_routes",
    "hours", "open_24_7", "phones", "towns", "town", "notes", "note", "service_types", "type", "dated_by",
}


def areas_of(row: Mapping[str, Any], forces: Mapping[str, Force], councils: Mapping[str, Council],
                remaps: Mapping[str, str], label: str, problems: list[Problem]) -> list[str]:
    """The authorities a row serves, from force area codes and authority codes alike (a SARC's
    page names its force, a council's its own area); a code that is none is a problem."""
    areas: set[str] = set()
    for key in ("pfa", "pfas"):
        for pfa in codes_of(row.get(key)):
            if pfa in forces:
                areas.update(forces[pfa].authorities)
            else:
                problems.append(Problem(label, line_of(row), key, f"{pfa!r} is not an English police force area code"))
    for key in ("gss", "service_areas"):
        for gss in codes_of(row.get(key)):
            code = remaps.get(gss, gss)
            if code in councils:
                areas.add(code)
            else:
                problems.append(Problem(label, line_of(row), key,
                                        f"{gss!r} is not one of England's 153 children's services authorities"))
    return sorted(areas)


def town_locations(row: Mapping[str, Any], areas: list[str], geography: Geography, label: str,
                   notes: list[str]) -> list[dict[str, Any]]:
    """Each town the page names, at the town's centre (precision: town), inside the areas served."""
    towns = codes_of(row.get("towns")) + codes_of(row.get("town"))
    out = []
    for town in towns:
        place = None
        for code in areas:
            candidate = geography.resolve_name(f"{town} ({geography.authorities[code].name})")
            if candidate and candidate.authority and candidate.authority.code == code:
                place = candidate
                break
        if place is None:
            candidate = geography.resolve_name(town)
            if candidate and candidate.authority and candidate.authority.code in areas:
                place = candidate
        if place is None:
            notes.append(f"{label}:{line_of(row) or 0}: town {town!r} is not in the gazetteer inside the areas served: no location")
            continue
        out.append({"name": town, "city": place.label, "latitude": round(place.lat, 4),
                    "longitude": round(place.lon, 4), "precision": "town"})
    return out


def medical(
    forces: Mapping[str, Force], councils: Mapping[str, Council], research: Research, geography: Geography,
    remaps: Mapping[str, str], hand: Mapping[str, set[str]], ref: Mapping[str, Any], problems: list[Problem],
    notes: list[str],
) -> list[dict[str, Any]]:
    """A record for each medical route in the research, for the areas it serves that have no
    hand-compiled one: what its pages say about ages, referral and hours, and nothing else
    (the notes say what the pages leave unsaid)."""
    label = research.label
    records: dict[str, dict[str, Any]] = {}
    for row in research.rows:
        if not isinstance(row, dict):
            problems.append(Problem(label, line_of(row), "sarcs", "each entry must be a mapping"))
            continue
        unknown_keys(row, _SARC_KEYS, label, problems)
        name = text_of(row, "name")
        page = url_of(row, ("page", "url"), label, problems)
        if not name or not page:
            problems.append(Problem(label, line_of(row), "name" if not name else "page",
                                    "a medical route needs a name and the page it was compiled from; row not used"))
            continue
        types = [t for t in codes_of(row.get("service_types") or row.get("type")) if t] or ["sarc"]
        bad_types = [t for t in types if t not in SERVICE_TYPES]
        if bad_types:
            problems.append(Problem(label, line_of(row), "service_types", f"{', '.join(bad_types)} is not a service type"))
            types = [t for t in types if t in SERVICE_TYPES] or ["sarc"]
        areas = areas_of(row, forces, councils, remaps, label, problems)
        if not areas:
            problems.append(Problem(label, line_of(row), "pfa", f"{name}: names no area it serves; row not used"))
            continue
        taken = set().union(*(hand.get(t, set()) for t in types))
        all_areas = areas
        kept = [c for c in areas if c in taken]
        areas = [c for c in areas if c not in taken]
        if kept:
            notes.append(f"{name}: hand-compiled records kept for {', '.join(kept)}")
        if not areas:
            continue
        rid = "medical-" + slug(text_of(row, "id") or name)
        if rid in records:
            problems.append(Problem(label, line_of(row), "id", f"{rid!r} is made twice (give the rows different ids)"))
            continue
        supports = ["name", "url", "service_areas"]
        record: dict[str, Any] = {
            "id": rid,
            "name": name,
            "description": (
                f"{name}: a sexual assault referral service that sees children from {name_list([councils[c].name for c in areas])} "
                "for a medical examination and care after sexual abuse or assault, including forensic "
                "examination when the abuse was recent. Children are usually referred by the police or "
                "children's social care; check the service's page for what it offers children."
            ),
        }
        org = row.get("organisation") or row.get("organization") or row.get("provider") or row.get("run_by")
        org_name = text_of(org, "name") if isinstance(org, dict) else (str(org).strip() if isinstance(org, str) and org.strip() else None)
        if org_name:
            record["organization"] = {"name": org_name}
            supports.append("organization")
        why_not = link_problem(page)
        if why_not:  # a news article or a document copy is a source, never the family's link
            notes.append(f"{label}:{line_of(row) or 0}: {name}: {why_not}: cited as a source, no link given")
            supports.remove("url")
        else:
            record["url"] = page
        phones = phones_of(row, label, problems)
        if phones:
            record["phones"] = phones
            supports.append("phones")
        locations = town_locations(row, all_areas, geography, label, notes)
        if locations:
            record["locations"] = locations
            supports.append("locations")
        record["service_areas"] = areas
        hours = text_of(row, "hours")
        open_24_7 = row.get("open_24_7")
        if hours or open_24_7 is True:
            record["schedules"] = [{"description": hours or "24 hours a day, every day", **({"open_24_7": True} if open_24_7 is True else {})}]
            supports.append("schedules")
        record["service_types"] = types
        # Whether a child must have told someone: only what a page says (no rule of thumb).
        disclosure = row.get("requires_disclosure")
        if isinstance(disclosure, bool):
            record["requires_disclosure"] = disclosure
            supports.append("requires_disclosure")
        for key in ("min_age", "max_age"):
            value = row.get(key)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 120:
                record[key] = value
                supports.append(key)
            else:
                problems.append(Problem(label, line_of(row), key, f"{value!r} is not an age"))
        referral = text_of(row, "referral")
        routes = codes_of(row.get("referral_routes")) or ([referral] if referral else [])
        self_ref = row.get("accepts_self_referral", row.get("self_referral"))
        if isinstance(self_ref, dict):
            allowed, from_age = self_ref.get("allowed"), self_ref.get("from_age")
            if allowed is True and isinstance(from_age, int) and from_age > record.get("min_age", 0):
                # Self-referral only from an age: never offered as "contact them yourself" to a
                # younger child; the age is said in words instead (the research's own words
                # when it gives routes).
                if not routes:
                    routes.append(self_referral_from(from_age, "the police or children's social care make the referral"))
                supports.append("referral_routes")
            elif isinstance(allowed, bool):
                record["accepts_self_referral"] = allowed
                supports.append("accepts_self_referral")
            else:
                problems.append(Problem(label, line_of(row), "self_referral", f"{self_ref!r} has no allowed: true/false"))
        elif isinstance(self_ref, bool):
            record["accepts_self_referral"] = self_ref
            supports.append("accepts_self_referral")
        elif self_ref is not None:
            problems.append(Problem(label, line_of(row), "self_referral", f"{self_ref!r} is not true or false"))
        if routes:
            record["referral_routes"] = routes
            supports.append("referral_routes")
        sources = row_sources(row, page, text_of(row, "page_title", "title"), supports, research.compiled, label, problems)
        pfa_ref = ref["police_force_areas"]
        sources.append(source_page(pfa_ref["url"], pfa_ref.get("title"), pfa_ref.get("read"), ["service_areas"]))
        record.update({
            "source": " ; ".join(s["url"] for s in sources),
            "sources": sources,
            "last_verified": research.compiled,
            "verified": False,
        })
        note = text_of(row, "notes", "note")
        dated = drop_outdated_claims(record, research.compiled)
        unsaid = [w for w, keys in (("the ages it sees", ("min_age", "max_age")),
                                    ("who can refer", ("accepts_self_referral", "referral_routes")),
                                    ("its hours", ("schedules",)))
                  if not any(k in record for k in keys)]
        note_bits = [note] if note else []
        if dated:
            note_bits.append(dated)
        if unsaid:
            note_bits.append(f"The cited pages do not say {name_list(unsaid)}: ask the service or the police.")
        if why_not:  # what the page read is, in link_problem's words: a news item, a copy, a staging site
            note_bits.append(f"No page of the service's own was found, so no link is given (the page read: {why_not}): "
                             "the police or children's social care make the referral.")
        if note_bits:
            record["notes"] = " ".join(note_bits)
        records[rid] = record
    return [records[k] for k in sorted(records)]
