"""A column-wise index of the directory, so search is array work rather than a loop.

At national scale (100,000 services) a Python loop of geodesic calls per query is far too
slow; here each filter is one numpy comparison over the candidate rows and distances are
one vectorised haversine over their locations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .distance import EARTH_RADIUS_KM, haversine_km
from .models import Service, Taxonomy
from .vocabulary import NATIONAL, SERVICE_TYPES, STAGES

__all__ = ["SearchIndex", "RowColumns", "ROW_COLUMNS", "haversine_km", "type_mask", "stage_mask", "EARTH_RADIUS_KM",
           "TYPE_BITS", "STAGE_BITS"]

#: Mean Earth radius (IUGG), the figure geopy's great-circle distance uses.

_TYPE_BIT = {t: 1 << i for i, t in enumerate(SERVICE_TYPES)}
_STAGE_BIT = {s: 1 << i for i, s in enumerate(STAGES)}
#: Each service type's and stage's bit in ``type_bits`` and ``stage_bits``.
TYPE_BITS: dict[str, int] = dict(_TYPE_BIT)
STAGE_BITS: dict[str, int] = dict(_STAGE_BIT)
_TYPE_RANK = {t: i for i, t in enumerate(SERVICE_TYPES)}
_TRISTATE = {None: -1, False: 0, True: 1}
_NAN = float("nan")


def type_mask(types: Sequence[str]) -> int:
    return sum(_TYPE_BIT[t] for t in set(types))


def stage_mask(stages: Sequence[str]) -> int:
    return sum(_STAGE_BIT[s] for s in set(stages))


@dataclass
class SearchIndex:
    """Per-service columns, per-area membership and a flat table of locations."""

    services: Sequence[Service]
    min_age: np.ndarray
    max_age: np.ndarray
    requires_disclosure: np.ndarray
    during_investigation: np.ndarray  # 1 yes, 0 no, -1 unknown
    self_referral: np.ndarray  # 1 yes, 0 no, -1 unknown
    for_parents: np.ndarray
    free: np.ndarray  # 1 yes, 0 no, -1 unknown
    national: np.ndarray
    type_bits: np.ndarray
    stage_bits: np.ndarray
    type_rank: np.ndarray
    loc_start: np.ndarray
    loc_count: np.ndarray
    loc_lat: np.ndarray
    loc_lon: np.ndarray
    area_members: dict[str, np.ndarray]
    national_ids: np.ndarray
    checked: np.ndarray  # last_verified as a proleptic ordinal
    verified: np.ndarray
    claims_confirmed: np.ndarray  # Service.claims_confirmed_on() as an ordinal; 0 where no claim rests only on dated pages
    waiting_weeks: np.ndarray  # NaN where unknown
    accessible: np.ndarray  # states any accessibility provision
    active: np.ndarray  # status is "active" (the planner offers no other)
    offered: np.ndarray  # not defunct or inactive: search lists these (temporarily closed shown as closed)

    def __getstate__(self) -> dict:
        # The columns are what the cache keeps; records are stored separately.
        state = dict(self.__dict__)
        state["services"] = None
        return state

    @classmethod
    def build(cls, services: Sequence[Service], taxonomy: Taxonomy | None = None) -> SearchIndex:
        """One pass over the records collects each column into a list; then one array each."""
        source = services
        services = list(services) if not isinstance(services, (list, tuple)) else services
        columns = _Columns()
        for i, s in enumerate(services):
            columns.add(i, s)
        return cls(services=source, **columns.arrays(len(source)))

    def columns(self) -> RowColumns:
        """Every row's per-service columns (the arrays themselves, not copies)."""
        return RowColumns(**{name: getattr(self, name) for name in ROW_COLUMNS})

    def at(self, rows: np.ndarray) -> RowColumns:
        """The per-service columns at ``rows``, taken once (a plan asks many questions of the
        same candidates: :mod:`services.eligibility` answers them over this view)."""
        return RowColumns(**{name: getattr(self, name)[rows] for name in ROW_COLUMNS})

    def candidates(self, area_code: str | None, *, include_national: bool = True) -> np.ndarray:
        """Services that apply at a place: local to its area, plus national ones."""
        local = self.area_members.get(area_code or "", np.empty(0, dtype=np.int64))
        if include_national:
            return np.concatenate([local, self.national_ids])
        return local

    def nearest_km(self, ids: np.ndarray, lat: float, lon: float) -> np.ndarray:
        """Distance from a point to each service's nearest location (NaN: no location)."""
        out = np.full(len(ids), np.nan)
        counts = self.loc_count[ids]
        has = counts > 0
        if not has.any():
            return out
        starts = self.loc_start[ids][has]
        cnt = counts[has]
        offsets = np.repeat(np.cumsum(cnt) - cnt, cnt)
        rows = np.repeat(starts, cnt) + (np.arange(cnt.sum()) - offsets)
        dist = haversine_km(lat, lon, self.loc_lat[rows], self.loc_lon[rows])
        out[has] = np.minimum.reduceat(dist, np.cumsum(cnt) - cnt)
        return out


#: The index's per-service columns (one value per service, in the directory's order).
ROW_COLUMNS: tuple[str, ...] = (
    "min_age", "max_age", "requires_disclosure", "during_investigation", "self_referral", "for_parents", "free",
    "national", "type_bits", "stage_bits", "type_rank", "checked", "verified", "claims_confirmed",
    "waiting_weeks", "accessible", "active", "offered",
)


@dataclass(frozen=True)
class RowColumns:
    """Some rows of the index's per-service columns (:meth:`SearchIndex.at`)."""

    min_age: np.ndarray
    max_age: np.ndarray
    requires_disclosure: np.ndarray
    during_investigation: np.ndarray
    self_referral: np.ndarray
    for_parents: np.ndarray
    free: np.ndarray
    national: np.ndarray
    type_bits: np.ndarray
    stage_bits: np.ndarray
    type_rank: np.ndarray
    checked: np.ndarray
    verified: np.ndarray
    claims_confirmed: np.ndarray
    waiting_weeks: np.ndarray
    accessible: np.ndarray
    active: np.ndarray
    offered: np.ndarray


@dataclass
class _Columns:
    """The index's columns as lists, filled in one pass over the records (a national
    directory has 100,000); type and stage masks are computed once per distinct list."""

    min_age: list[int] = field(default_factory=list)
    max_age: list[int] = field(default_factory=list)
    disclosure: list[bool] = field(default_factory=list)
    during: list[int] = field(default_factory=list)
    self_ref: list[int] = field(default_factory=list)
    parents: list[bool] = field(default_factory=list)
    free: list[int] = field(default_factory=list)
    is_national: list[bool] = field(default_factory=list)
    type_bits: list[int] = field(default_factory=list)
    stage_bits: list[int] = field(default_factory=list)
    type_rank: list[int] = field(default_factory=list)
    loc_start: list[int] = field(default_factory=list)
    loc_count: list[int] = field(default_factory=list)
    checked: list[int] = field(default_factory=list)
    verified: list[bool] = field(default_factory=list)
    claims_confirmed: list[int] = field(default_factory=list)
    waiting: list[float] = field(default_factory=list)
    accessible: list[bool] = field(default_factory=list)
    active: list[bool] = field(default_factory=list)
    offered: list[bool] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    members: dict[str, list[int]] = field(default_factory=dict)
    national: list[int] = field(default_factory=list)
    type_cache: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)
    stage_cache: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, i: int, s: Service) -> None:
        """Row ``i``: service ``s``."""
        any_access = self._add_places(i, s)
        self._add_kinds(s)
        self._add_facts(s, any_access)

    def _add_places(self, i: int, s: Service) -> bool:
        """Its mapped locations and the areas it serves; whether any location states accessibility."""
        lats, lons = self.lats, self.lons
        start = len(lats)
        self.loc_start.append(start)
        any_access = False
        for loc in s.locations:
            if loc.latitude is not None and loc.longitude is not None:
                lats.append(loc.latitude)
                lons.append(loc.longitude)
            if loc.accessibility:
                any_access = True
        self.loc_count.append(len(lats) - start)
        areas = s.service_areas
        if NATIONAL in areas:
            self.national.append(i)
            self.is_national.append(True)
        else:
            self.is_national.append(False)
            for area in areas:
                self.members.setdefault(area, []).append(i)
        return any_access

    def _add_kinds(self, s: Service) -> None:
        """Its service types (as bits, and the first type's rank) and stages (as bits)."""
        types = tuple(s.service_types)
        bits = self.type_cache.get(types)
        if bits is None:
            bits = self.type_cache[types] = (type_mask(types), _TYPE_RANK[types[0]])
        self.type_bits.append(bits[0])
        self.type_rank.append(bits[1])
        stages = tuple(s.stages)
        sbits = self.stage_cache.get(stages)
        if sbits is None:
            sbits = self.stage_cache[stages] = stage_mask(stages)
        self.stage_bits.append(sbits)

    def _add_facts(self, s: Service, any_access: bool) -> None:
        """Ages, referral facts, dates, waiting time, accessibility and status."""
        self.min_age.append(s.min_age)
        self.max_age.append(s.max_age)
        self.disclosure.append(s.requires_disclosure)
        self.during.append(_TRISTATE[s.available_during_investigation])
        self.self_ref.append(_TRISTATE[s.accepts_self_referral])
        self.parents.append(s.for_parents)
        self.free.append(_TRISTATE[s.free])
        self.checked.append(s.last_verified.toordinal())
        self.verified.append(s.verified)
        confirmed = s.claims_confirmed_on()
        self.claims_confirmed.append(confirmed.toordinal() if confirmed else 0)
        self.waiting.append(_NAN if s.waiting_weeks is None else s.waiting_weeks)
        self.accessible.append(bool(s.accessibility) or any_access)
        self.active.append(s.status == "active")
        self.offered.append(s.is_offered)

    def arrays(self, n: int) -> dict[str, Any]:
        """The columns as typed numpy arrays, by SearchIndex field name."""
        return {
            "min_age": np.array(self.min_age, dtype=np.int16).reshape(n),
            "max_age": np.array(self.max_age, dtype=np.int16).reshape(n),
            "requires_disclosure": np.array(self.disclosure, dtype=bool).reshape(n),
            "during_investigation": np.array(self.during, dtype=np.int8).reshape(n),
            "self_referral": np.array(self.self_ref, dtype=np.int8).reshape(n),
            "for_parents": np.array(self.parents, dtype=bool).reshape(n),
            "free": np.array(self.free, dtype=np.int8).reshape(n),
            "national": np.array(self.is_national, dtype=bool).reshape(n),
            "type_bits": np.array(self.type_bits, dtype=np.uint32).reshape(n),
            "stage_bits": np.array(self.stage_bits, dtype=np.uint32).reshape(n),
            "type_rank": np.array(self.type_rank, dtype=np.int16).reshape(n),
            "loc_start": np.array(self.loc_start, dtype=np.int64).reshape(n),
            "loc_count": np.array(self.loc_count, dtype=np.int64).reshape(n),
            "loc_lat": np.asarray(self.lats, dtype=np.float64),
            "loc_lon": np.asarray(self.lons, dtype=np.float64),
            "area_members": {k: np.asarray(v, dtype=np.int64) for k, v in self.members.items()},
            "national_ids": np.asarray(self.national, dtype=np.int64),
            "checked": np.array(self.checked, dtype=np.int64).reshape(n),
            "verified": np.array(self.verified, dtype=bool).reshape(n),
            "claims_confirmed": np.array(self.claims_confirmed, dtype=np.int64).reshape(n),
            "waiting_weeks": np.array(self.waiting, dtype=np.float64).reshape(n),
            "accessible": np.array(self.accessible, dtype=bool).reshape(n),
            "active": np.array(self.active, dtype=bool).reshape(n),
            "offered": np.array(self.offered, dtype=bool).reshape(n),
        }
