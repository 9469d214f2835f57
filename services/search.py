"""Finding the services that apply to a child at a place, nearest first.

The rules that matter to families: a local service appears only where its service areas
cover the place (the Lighthouse in north London never appears for York); national services
apply everywhere; a service appears only for the ages it serves; "we have not told anyone
yet" hides services that need a disclosure; "we are in a police investigation" keeps only
services that say they carry on during one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import eligibility as E
from .directory import Directory
from .errors import InvalidInput
from .freshness import freshness_summary
from .geography import Place
from .models import Service
from .vocabulary import SERVICE_TYPES, STAGES

__all__ = ["SearchFilters", "Hit", "Ranked", "rank", "search", "national_services", "service_summary", "contact_of"]


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


@dataclass(frozen=True)
class Ranked:
    """A search's answer as index rows, in its order, before any record is materialised.

    ``ids`` are positions in the directory (``directory.services[i]``); ``distance_km`` is
    each one's nearest location (NaN: no location); ``national`` marks national services.
    Callers that look at only a few of the hits (a plan lists a handful per step) select
    rows here and build :class:`Hit` objects for those alone (:meth:`hits`).
    """

    ids: np.ndarray
    distance_km: np.ndarray
    national: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, rows: Any) -> Ranked:
        """The rows picked by a boolean mask, a slice or positions (order kept)."""
        return Ranked(self.ids[rows], self.distance_km[rows], self.national[rows])

    def hit(self, services: Sequence[Service], row: int) -> Hit:
        d = float(self.distance_km[row])
        return Hit(services[int(self.ids[row])], None if math.isnan(d) else round(d, 2), not bool(self.national[row]))

    def hits(self, services: Sequence[Service], rows: Any = None) -> list[Hit]:
        """Hits for ``rows`` (positions, in the order given; default all)."""
        picked = self if rows is None else self.select(np.asarray(rows, dtype=np.int64))
        ids = picked.ids.tolist()
        take = getattr(services, "take", None)
        records = take(ids) if take is not None else [services[i] for i in ids]
        return _make_hits(records, _round2(picked.distance_km), (~picked.national).tolist())


def _round2(km: np.ndarray) -> list[float | None]:
    """``round(x, 2)`` of each distance, exactly as Python rounds (None for NaN), at once.

    ``rint(x * 100) / 100`` is the same float as Python's correctly rounded ``round`` unless
    ``x * 100`` lies within float error of a half (then Python decides, for those alone).
    """
    scaled = km * 100.0
    values = (np.rint(scaled) / 100.0).tolist()
    with np.errstate(invalid="ignore"):
        near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for j in np.flatnonzero(near).tolist():
        values[j] = round(float(km[j]), 2)
    for j in np.flatnonzero(np.isnan(km)).tolist():
        values[j] = None
    return values


def _hit_fields_are_plain() -> bool:
    return "__slots__" not in vars(Hit) and not hasattr(Hit, "__post_init__")


def _make_hits(records: Sequence[Service], distances: Sequence[float | None], local: Sequence[bool]) -> list[Hit]:
    """``[Hit(s, d, l) ...]``: the same objects, built without the frozen dataclass's three
    ``object.__setattr__`` calls each (a national search returns up to ~2,000 hits)."""
    if not _PLAIN_HIT:
        return [Hit(s, d, lo) for s, d, lo in zip(records, distances, local)]
    out = []
    new = object.__new__
    for s, d, lo in zip(records, distances, local):
        hit = new(Hit)
        hit.__dict__.update(service=s, distance_km=d, local=lo)
        out.append(hit)
    return out


_PLAIN_HIT = _hit_fields_are_plain()

_NOTHING = Ranked(np.empty(0, dtype=np.int64), np.empty(0), np.empty(0, dtype=bool))


def rank(directory: Directory, place: Place, filters: SearchFilters = SearchFilters()) -> Ranked:
    """What :func:`search` returns, as index rows in the same order (nothing materialised
    but the records a language filter has to read)."""
    index = directory.index
    code = place.authority.code if place.authority else None
    ids = index.candidates(code, include_national=filters.include_national)
    if len(ids) == 0:
        return _NOTHING
    cols = index.at(ids)
    keep = E.offered(cols)  # defunct and inactive services are never offered
    if filters.age is not None:
        keep &= E.serves_ages(cols, [filters.age])
    if filters.service_types:
        keep &= E.of_types(cols, filters.service_types)
    if filters.stages:
        keep &= E.in_stages(cols, filters.stages)
    if filters.during_investigation:
        keep &= E.says(cols, "during_investigation", True)
    if filters.self_referral:
        keep &= E.says(cols, "self_referral", True)
    if filters.no_disclosure:
        keep &= ~E.needs_disclosure(cols)
    if filters.for_parents is not None:
        keep &= E.for_parents(cols) == filters.for_parents
    if filters.free:
        keep &= E.says(cols, "free", True)
    ids = ids[keep]
    if filters.language:
        wanted = filters.language.strip().casefold()
        ids = np.asarray(
            [i for i in ids if _speaks(index.services[i], wanted)], dtype=np.int64
        )
    if len(ids) == 0:
        return _NOTHING
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
    return Ranked(ids[order], dist[order], national[order])


def search(
    directory: Directory,
    place: Place,
    filters: SearchFilters = SearchFilters(),
    *,
    limit: int | None = None,
) -> list[Hit]:
    """Eligible services at ``place``: local ones nearest first, then national ones."""
    ranked = rank(directory, place, filters)
    if limit is not None:
        ranked = ranked.select(slice(None, limit))
    return ranked.hits(directory.index.services)


#: Where national services are listed without a place: distances are not given for them.
_ENGLAND = Place("England", 52.56, -1.46, None, "country")


def national_hits(directory: Directory, filters: SearchFilters = SearchFilters()) -> list[Hit]:
    """National services only (helplines, 999, national programmes), in type order, as hits.

    For pages that list help before anyone has typed a place (or when the place is not
    found); reads the index, so only the national records are built.
    """
    return search(directory, _ENGLAND, filters)


def national_services(directory: Directory, filters: SearchFilters = SearchFilters()) -> list[Service]:
    """The services of :func:`national_hits`."""
    return [hit.service for hit in national_hits(directory, filters)]


def _speaks(service: Service, wanted: str) -> bool:
    if wanted in ("english", "en"):
        return True  # every listed service works in English
    return any(wanted == lang.casefold() for lang in service.languages)


def contact_of(service: Service) -> dict[str, Any]:
    """How to get in touch: numbers (with their kind and who may use them), website and email."""
    return {
        "phones": [
            {"number": p.number, "type": p.type, "audience": p.audience,
             **({"description": p.description} if p.description else {})}
            for p in service.phones
        ],
        "url": service.url or (service.organization.url if service.organization else None),
        "email": service.email,
    }


def service_summary(hit: Hit | Service, distance_km: float | None = None) -> dict[str, Any]:
    """The service item of the docs/contracts.md contracts (search and plan JSON)."""
    if isinstance(hit, Hit):
        service, distance_km = hit.service, hit.distance_km
    else:
        service = hit
    return {
        "id": service.id,
        "name": service.name,
        "status": service.status,
        "service_type": service.primary_type,
        "service_types": list(service.service_types),
        "distance_km": distance_km,
        "national": service.is_national,
        "min_age": service.min_age,
        "max_age": service.max_age,
        # False: the record's pages give no ages (min/max are then 0 and 120, not a claim).
        "ages_stated": service.ages_stated,
        "availability": service.availability,
        "available_during_investigation": service.available_during_investigation,
        "accepts_self_referral": service.accepts_self_referral,
        "requires_disclosure": service.requires_disclosure,
        "for_parents": service.for_parents,
        "referral_routes": list(service.referral_routes),
        "opening_hours": [s.description for s in service.current_schedules()],
        "waiting_weeks": service.waiting_weeks,
        "contact": contact_of(service),
        "organization": service.organization.name if service.organization else None,
        "last_verified": service.last_verified.isoformat(),
        "verified": service.verified,
        # Out of date (old pages or an old check), not "unverified": see services.freshness.
        "stale": service.is_stale(),
        "freshness": freshness_summary(service),
        "source": service.source,
        "sources": [
            {
                "url": p.url,
                "title": p.title,
                "updated": p.updated.isoformat() if p.updated else None,
                **({"dated_by": {"date": p.dated_by.date.isoformat(), "reason": p.dated_by.reason}}
                   if p.dated_by else {}),
                "read": p.read.isoformat() if p.read else None,
                "supports": list(p.supports),
            }
            for p in service.sources
        ],
    }


def summaries(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    return [service_summary(h) for h in hits]
