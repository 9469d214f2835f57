"""``python -m services search``: services near a place, nearest first."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..clitools import print_json, whole_number
from ..directory import directories
from ..freshness import ages_text, trust_line
from ..search import SearchFilters, search, service_summary
from ..sections import not_yet_listed
from ..vocabulary import SERVICE_TYPES, STAGES


def add_arguments(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--postcode", help="full (YO10 5DD) or outward (TR1) postcode")
    where.add_argument("--place", help="town or village name, e.g. Truro")
    where.add_argument("--area", help="local authority name or GSS code")
    p.add_argument("--type", action="append", default=[], choices=SERVICE_TYPES, metavar="TYPE",
                   dest="types", help="service type (repeatable)")
    p.add_argument("--stage", action="append", default=[], choices=STAGES, metavar="STAGE",
                   dest="stages", help="pathway stage (repeatable)")
    p.add_argument("--age", type=whole_number(0, 120, what="a whole number of years", bounds="a possible age (0 to 120)"), help="the child's age")
    p.add_argument("--during-investigation", action="store_true",
                   help="only services available during a police investigation")
    p.add_argument("--self-referral", action="store_true", help="only services you can contact yourself")
    p.add_argument("--no-disclosure", action="store_true",
                   help="only services that do not need the child to have told anyone")
    p.add_argument("--for-parents", action="store_true", help="only services for parents and carers")
    p.add_argument("--free", action="store_true", help="only services that say they are free")
    p.add_argument("--language", help="only services offered in this language")
    p.add_argument("--limit", type=whole_number(1), help="at most this many services")
    p.add_argument("--json", action="store_true", help="print JSON (the contract in docs/contracts.md)")
    p.add_argument("--data", type=Path, help="read another data directory")


def run(args: argparse.Namespace) -> int:
    directory = directories.get(args.data)
    if args.area:
        place = directory.place_for_area(args.area)
    else:
        place = directory.resolve_place(args.postcode or args.place)
    filters = SearchFilters(
        service_types=tuple(args.types),
        stages=tuple(args.stages),
        age=args.age,
        during_investigation=args.during_investigation,
        self_referral=args.self_referral,
        no_disclosure=args.no_disclosure,
        for_parents=True if args.for_parents else None,
        free=args.free,
        language=args.language,
    )
    hits = search(directory, place, filters, limit=args.limit)
    coverage = directory.coverage.of(place.authority.code) if place.authority else None
    area = ({"code": place.authority.code, "name": place.authority.name, "coverage": coverage}
            if place.authority else None)
    if args.json:
        print_json({
            "place": {"label": place.label, "kind": place.kind, "lat": place.lat, "lon": place.lon, "area": area},
            "services": [service_summary(h) for h in hits],
        })
        return 0
    print(f"Support near {place.label}" + (f" ({area['name']})" if area and area["name"] != place.label else ""))
    print("If a child is in immediate danger, call 999.\n")
    if not hits:
        print("No services match these filters here.")
    # In an area not compiled yet: the statutory services, then one sentence, then national ones.
    not_listed = not_yet_listed(area["name"], coverage) if area and area["name"] and coverage else None
    for h in hits:
        if not_listed and not h.local:
            print(f"\n{not_listed}\n")
            not_listed = None
        s = h.service
        where = f"{h.distance_km:.1f} km" if h.distance_km is not None else ("national" if not h.local else "covers this area")
        print(f"- {s.name} [{where}]" + (" — TEMPORARILY CLOSED" if s.status == "temporarily closed" else ""))
        for phone in s.phones:
            kind = "text" if phone.type == "text" else "call"
            who = "" if phone.is_public else " (for professionals only)"
            print(f"    {kind} {phone.number}{who}" + (f" — {phone.description}" if phone.description else ""))
        link = s.url or (s.organization.url if s.organization else None)
        if link:
            print(f"    {link}")
        if s.availability == "some_areas":
            print("    Runs only in some places: ask whether it is available near you.")
        ages = ages_text(s)
        if ages and not s.ages_stated:
            print(f"    {ages}.")
        print(f"    ({trust_line(s)})")
    if not_listed and hits:
        print(f"\n{not_listed}")
    return 0
