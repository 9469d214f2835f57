"""What if a service were commissioned here? Which gaps would it close?

The hypothetical service is validated like any record, appended to a copy of the index
columns in memory, and only the areas it would serve are analysed again. Nothing is
written: not the data directory, not the cached directory, not the cached gap table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from services.directory import Directory
from services.errors import InvalidInput, validation_message
from services.models import Service
from services.vocabulary import NATIONAL, SERVICE_TYPES

from .analysis import analyse, area_result, gap_model
from .records import AreaGaps, CohortCell, StageCell
from .statements import km

__all__ = ["Hypothetical", "hypothetical_service", "what_if", "WHAT_IF_ID"]

WHAT_IF_ID = "what-if-hypothetical-service"


@dataclass(frozen=True)
class Hypothetical:
    """A service that does not exist yet. Give a location (``place`` — a postcode, town
    or area — or ``lat``/``lon``) and/or the areas it would serve (codes, names or
    ``national``); with no areas it serves the authority it sits in."""

    service_types: tuple[str, ...]
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    min_age: int = 0
    max_age: int = 17
    service_areas: tuple[str, ...] = ()
    available_during_investigation: bool | None = None
    requires_disclosure: bool = False
    for_parents: bool = False
    accessible: bool = False
    accepts_self_referral: bool | None = None
    waiting_weeks: float | None = None
    name: str = "Hypothetical service"
    stages: tuple[str, ...] = field(default=())


def _invalid(exc: ValidationError) -> InvalidInput:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "service"
        parts.append(f"{where}: {validation_message(err)}")
    return InvalidInput("The hypothetical service is not valid: " + "; ".join(parts))


def hypothetical_service(directory: Directory, h: Hypothetical, *, today: dt.date | None = None) -> Service:
    """The hypothetical as a validated :class:`Service` (InvalidInput / PlaceNotFound if not)."""
    model = gap_model(directory, today=today)
    if not h.service_types:
        raise InvalidInput(f"Say what type of service it is (one of: {', '.join(SERVICE_TYPES)}).")
    unknown = [t for t in h.service_types if t not in SERVICE_TYPES]
    if unknown:
        raise InvalidInput(f"{', '.join(map(repr, unknown))} is not a service type (one of: {', '.join(SERVICE_TYPES)}).")
    lat, lon, home = h.lat, h.lon, None
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both latitude and longitude, or neither.")
    if h.place and h.place.strip():
        if lat is not None:
            raise InvalidInput("Give a place or a latitude and longitude, not both.")
        place = directory.resolve_place(h.place)
        lat, lon, home = place.lat, place.lon, place.authority
    elif lat is not None and lon is not None:
        home = directory.geography.authority_at(lat, lon)
    areas: list[str] = []
    for text in h.service_areas:
        if text.strip().lower() == NATIONAL:
            areas = [NATIONAL]
            break
        areas.append(model.authority(text).code)
    if not areas:
        if home is None:
            raise InvalidInput(
                "Say which areas the service would cover, or give a location in England to "
                "cover the authority it is in."
            )
        areas = [home.code]
    record: dict[str, Any] = {
        "id": WHAT_IF_ID,
        "name": h.name.strip() or "Hypothetical service",
        "description": "A hypothetical service for a what-if gap analysis; it does not exist.",
        "service_areas": list(dict.fromkeys(areas)),
        "service_types": list(h.service_types),
        "stages": list(h.stages) or directory.taxonomy.stages_for(list(h.service_types)),
        "min_age": h.min_age,
        "max_age": h.max_age,
        "for_parents": h.for_parents,
        "requires_disclosure": h.requires_disclosure,
        "available_during_investigation": h.available_during_investigation,
        "accepts_self_referral": h.accepts_self_referral,
        "waiting_weeks": h.waiting_weeks,
        "accessibility": ["Adjustments for disabled children (hypothetical)"] if h.accessible else [],
        "locations": [{"latitude": lat, "longitude": lon, "precision": "address"}] if lat is not None else [],
        "source": "what-if (hypothetical, not saved)",
        "last_verified": model.today,
        "verified": True,
    }
    try:
        return Service.model_validate(record)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _cells(area: AreaGaps, kind: str) -> Mapping[str, StageCell | CohortCell]:
    return area.stages if kind == "stages" else area.cohorts


def _closed(before: AreaGaps, after: AreaGaps, kind: str) -> list[str]:
    # Only a known gap closes: in an area whose local services are not compiled, a stage
    # without a service was unknown, not missing.
    old = _cells(before, kind)
    return [k for k, v in _cells(after, kind).items() if v.covered and not old[k].covered and old[k].known]


def _nearer(before: AreaGaps, after: AreaGaps, kind: str) -> list[dict[str, Any]]:
    out = []
    cells = _cells(before, kind)
    for k, v in _cells(after, kind).items():
        old, new = cells[k].nearest_km, v.nearest_km
        if new is not None and (old is None or new < old - 0.005):
            out.append({kind[:-1]: k, "before_km": old, "after_km": new})
    return out


def what_if(directory: Directory, h: Hypothetical, *, today: dt.date | None = None) -> dict[str, Any]:
    """Which area × stage and area × cohort gaps the hypothetical service would close.

    Returns ``{"service", "areas": [{"code", "name", "closes": {"stages", "cohorts"},
    "nearer": {"stages", "cohorts"}, "statements_resolved"}], "closes": {"stages": n,
    "cohorts": n}, "summary": [sentences]}``. Only areas where something changes are listed.
    """
    model = gap_model(directory, today=today)
    service = hypothetical_service(directory, h, today=model.today)
    cols = model.columns.with_service(service, today=model.today, stale_months=model.settings.stale_months)
    masks = model.build_masks(cols)
    geo = directory.geography
    codes = sorted(geo.authorities) if service.is_national else [a for a in service.service_areas if a in geo.authorities]
    baseline = analyse(directory, today=model.today) if service.is_national else analyse(directory, areas=codes, today=model.today)
    before_by_code = {a.code: a for a in baseline.areas}
    areas = []
    summary = []
    total = {"stages": 0, "cohorts": 0}
    for code in codes:
        before = before_by_code[code]
        after = area_result(model, code, cols=cols, masks=masks)
        closes = {"stages": _closed(before, after, "stages"), "cohorts": _closed(before, after, "cohorts")}
        nearer = {"stages": _nearer(before, after, "stages"), "cohorts": _nearer(before, after, "cohorts")}
        resolved = [s for s in before.statements if s not in after.statements]
        if not (closes["stages"] or closes["cohorts"] or nearer["stages"] or nearer["cohorts"] or resolved):
            continue
        total["stages"] += len(closes["stages"])
        total["cohorts"] += len(closes["cohorts"])
        areas.append({"code": code, "name": before.name, "closes": closes, "nearer": nearer,
                      "statements_resolved": resolved, "after": after.to_dict()})
        summary.extend(_sentences(model, before.name, closes, nearer))
    if not summary:
        summary = ["This service would close no gap: every stage and cohort it serves is already covered "
                   "where it would work, and it would bring nothing nearer."]
    return {
        "service": {
            "name": service.name,
            "service_types": list(service.service_types),
            "stages": list(service.stages),
            "min_age": service.min_age,
            "max_age": service.max_age,
            "service_areas": list(service.service_areas),
            "location": ({"lat": service.locations[0].latitude, "lon": service.locations[0].longitude}
                         if service.locations else None),
            "available_during_investigation": service.available_during_investigation,
            "requires_disclosure": service.requires_disclosure,
            "for_parents": service.for_parents,
            "accessible": bool(service.accessibility),
        },
        "closes": total,
        "areas": areas,
        "summary": summary,
    }


def _sentences(model: Any, name: str, closes: dict[str, list[str]], nearer: dict[str, list[dict[str, Any]]]) -> list[str]:
    out = []
    words = [model.stage(s).words for s in closes["stages"]] + [model.book.cohort(c).phrase for c in closes["cohorts"]]
    if words:
        out.append(f"{name}: would close the gap in {', '.join(words)}")
    closed_stages = set(closes["stages"])
    for n in nearer["stages"]:
        if n["stage"] in closed_stages or n["before_km"] is None:
            continue
        out.append(f"{name}: {model.stage(n['stage']).words} nearer, on average "
                   f"{km(n['before_km'])} → {km(n['after_km'])}")
    return out
