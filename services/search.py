"""Finding the services that apply to a child at a place, nearest first.

The rules that matter to families: a local service appears only where its service areas
cover the place (the Lighthouse in north London never appears for York); national services
apply everywhere; a service appears only for the ages it serves; "we have not told anyone
yet" hides services that need a disclosure; "we are in a police investigation" keeps only
services that say they carry on during one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .directory import Directory
from .errors import InvalidInput
from .geography import Place
from .index import stage_mask, type_mask
from .models import Service
from .vocabulary import SERVICE_TYPES, STAGES

__all__ = ["SearchFilters", "Hit", "search", "service_summary", "contact_of"]


@dataclass(frozen=True)
class SearchFilters:
    """What a family or practitioner narrows the list by; every field optional."""

    service_types: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    age: int | None = None
    during_investigation: bool = False
    self_referral: bool = False
    no_disclosure: bool = False
    for_parents: bool | None = None
    free: bool = False
    language: str | None = None
    include_national: bool = True

    def __post_init__(self) -> None:
        for t in self.service_types:
            if t not in SERVICE_TYPES:
                raise InvalidInput(f"{t!r} is not a service type (one of: {', '.join(SERVICE_TYPES)})")
        for s in self.stages:
            if s not in STAGES:
                raise InvalidInput(f"{s!r} is not a pathway stage (one of: {', '.join(STAGES)})")
        if self.age is not None and not (0 <= self.age <= 120):
            raise InvalidInput(f"age {self.age} is not possible (0 to 120)")


@dataclass(frozen=True)
class Hit:
    """A service that applies, with its distance (None for national or unplaced ones)."""

    service: Service
    distance_km: float | None
    local: bool = field(default=True)


def search(
    directory: Directory,
    place: Place,
    filters: SearchFilters = SearchFilters(),
    *,
    limit: int | None = None,
) -> list[Hit]:
    """Eligible services at ``place``: local ones nearest first, then national ones."""
    index = directory.index
    code = place.authority.code if place.authority else None
    ids = index.candidates(code, include_national=filters.include_national)
    if len(ids) == 0:
        return []
    keep = np.ones(len(ids), dtype=bool)
    if filters.age is not None:
        keep &= (index.min_age[ids] <= filters.age) & (index.max_age[ids] >= filters.age)
    if filters.service_types:
        keep &= (index.type_bits[ids] & np.uint32(type_mask(filters.service_types))) != 0
    if filters.stages:
        keep &= (index.stage_bits[ids] & np.uint32(stage_mask(filters.stages))) != 0
    if filters.during_investigation:
        keep &= index.during_investigation[ids] == 1
    if filters.self_referral:
        keep &= index.self_referral[ids] == 1
    if filters.no_disclosure:
        keep &= ~index.requires_disclosure[ids]
    if filters.for_parents is not None:
        keep &= index.for_parents[ids] == filters.for_parents
    if filters.free:
        keep &= index.free[ids] == 1
    ids = ids[keep]
    if filters.language:
        wanted = filters.language.strip().casefold()
        ids = np.asarray(
            [i for i in ids if _speaks(index.services[i], wanted)], dtype=np.int64
        )
    if len(ids) == 0:
        return []
    national = index.national[ids]
    dist = index.nearest_km(ids, place.lat, place.lon)
    # Local first (nearest; unplaced local ones after placed), then national by type order.
    order = np.lexsort(
        (
            ids,
            index.type_rank[ids],
            np.where(national, 0.0, np.nan_to_num(dist, nan=1e9)),
            national,
        )
    )
    if limit is not None:
        order = order[:limit]
    hits = []
    for j in order:
        service = index.services[ids[j]]
        d = float(dist[j])
        hits.append(Hit(service, None if math.isnan(d) else round(d, 2), not bool(national[j])))
    return hits


def _speaks(service: Service, wanted: str) -> bool:
    if wanted in ("english", "en"):
        return True  # every listed service works in English
    return any(wanted == lang.casefold() for lang in service.languages)


def contact_of(service: Service) -> dict[str, Any]:
    """How to get in touch: numbers (with their kind), website and email."""
    return {
        "phones": [
            {"number": p.number, "type": p.type, **({"description": p.description} if p.description else {})}
            for p in service.phones
        ],
        "url": service.url or (service.organization.url if service.organization else None),
        "email": service.email,
    }


def service_summary(hit: Hit | Service, distance_km: float | None = None) -> dict[str, Any]:
    """The service item of the DESIGN.md contracts (search and plan JSON)."""
    if isinstance(hit, Hit):
        service, distance_km = hit.service, hit.distance_km
    else:
        service = hit
    return {
        "id": service.id,
        "name": service.name,
        "service_type": service.primary_type,
        "service_types": list(service.service_types),
        "distance_km": distance_km,
        "national": service.is_national,
        "min_age": service.min_age,
        "max_age": service.max_age,
        "available_during_investigation": service.available_during_investigation,
        "accepts_self_referral": service.accepts_self_referral,
        "requires_disclosure": service.requires_disclosure,
        "for_parents": service.for_parents,
        "referral_routes": list(service.referral_routes),
        "opening_hours": [s.description for s in service.schedules],
        "waiting_weeks": service.waiting_weeks,
        "contact": contact_of(service),
        "organization": service.organization.name if service.organization else None,
        "last_verified": service.last_verified.isoformat(),
        "verified": service.verified,
        "stale": service.is_stale(),
        "source": service.source,
    }


def summaries(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    return [service_summary(h) for h in hits]
