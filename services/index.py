"""A column-wise index of the directory, so search is array work rather than a loop.

At national scale (100,000 services) a Python loop of geodesic calls per query is far too
slow; here each filter is one numpy comparison over the candidate rows and distances are
one vectorised haversine over their locations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .distance import EARTH_RADIUS_KM, haversine_km
from .models import Service, Taxonomy
from .vocabulary import NATIONAL, SERVICE_TYPES, STAGES

__all__ = ["SearchIndex", "haversine_km", "type_mask", "stage_mask", "EARTH_RADIUS_KM", "TYPE_BITS", "STAGE_BITS"]

#: Mean Earth radius (IUGG), the figure geopy's great-circle distance uses.

_TYPE_BIT = {t: 1 << i for i, t in enumerate(SERVICE_TYPES)}
_STAGE_BIT = {s: 1 << i for i, s in enumerate(STAGES)}
#: Each service type's and stage's bit in ``type_bits`` and ``stage_bits``.
TYPE_BITS: dict[str, int] = dict(_TYPE_BIT)
STAGE_BITS: dict[str, int] = dict(_STAGE_BIT)


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
    newest_source: np.ndarray  # Service.newest_source_date() as an ordinal; 0 where no page is dated
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
        n = len(services)
        source = services
        services = list(services) if not isinstance(services, (list, tuple)) else services
        rank = {t: i for i, t in enumerate(SERVICE_TYPES)}
        # One pass over the records (a national directory has 100,000): each column is
        # collected into a list, type and stage masks are computed once per distinct list.
        min_age: list[int] = []
        max_age: list[int] = []
        disclosure: list[bool] = []
        during: list[int] = []
        self_ref: list[int] = []
        parents: list[bool] = []
        free: list[int] = []
        is_national: list[bool] = []
        type_bits: list[int] = []
        stage_bits: list[int] = []
        type_rank: list[int] = []
        loc_start: list[int] = []
        loc_count: list[int] = []
        checked: list[int] = []
        verified: list[bool] = []
        newest_source: list[int] = []
        waiting: list[float] = []
        accessible: list[bool] = []
        active: list[bool] = []
        offered: list[bool] = []
        lats: list[float] = []
        lons: list[float] = []
        members: dict[str, list[int]] = {}
        national: list[int] = []
        type_cache: dict[tuple[str, ...], tuple[int, int]] = {}
        stage_cache: dict[tuple[str, ...], int] = {}
        tristate = {None: -1, False: 0, True: 1}
        nan = float("nan")
        for i, s in enumerate(services):
            start = len(lats)
            loc_start.append(start)
            any_access = False
            for loc in s.locations:
                if loc.latitude is not None and loc.longitude is not None:
                    lats.append(loc.latitude)
                    lons.append(loc.longitude)
                if loc.accessibility:
                    any_access = True
            loc_count.append(len(lats) - start)
            areas = s.service_areas
            if NATIONAL in areas:
                national.append(i)
                is_national.append(True)
            else:
                is_national.append(False)
                for area in areas:
                    members.setdefault(area, []).append(i)
            types = tuple(s.service_types)
            bits = type_cache.get(types)
            if bits is None:
                bits = type_cache[types] = (type_mask(types), rank[types[0]])
            type_bits.append(bits[0])
            type_rank.append(bits[1])
            stages = tuple(s.stages)
            sbits = stage_cache.get(stages)
            if sbits is None:
                sbits = stage_cache[stages] = stage_mask(stages)
            stage_bits.append(sbits)
            min_age.append(s.min_age)
            max_age.append(s.max_age)
            disclosure.append(s.requires_disclosure)
            during.append(tristate[s.available_during_investigation])
            self_ref.append(tristate[s.accepts_self_referral])
            parents.append(s.for_parents)
            free.append(tristate[s.free])
            checked.append(s.last_verified.toordinal())
            verified.append(s.verified)
            newest = s.newest_source_date()
            newest_source.append(newest.toordinal() if newest else 0)
            waiting.append(nan if s.waiting_weeks is None else s.waiting_weeks)
            accessible.append(bool(s.accessibility) or any_access)
            active.append(s.status == "active")
            offered.append(s.is_offered)
        return cls(
            services=source,
            min_age=np.array(min_age, dtype=np.int16).reshape(n),
            max_age=np.array(max_age, dtype=np.int16).reshape(n),
            requires_disclosure=np.array(disclosure, dtype=bool).reshape(n),
            during_investigation=np.array(during, dtype=np.int8).reshape(n),
            self_referral=np.array(self_ref, dtype=np.int8).reshape(n),
            for_parents=np.array(parents, dtype=bool).reshape(n),
            free=np.array(free, dtype=np.int8).reshape(n),
            national=np.array(is_national, dtype=bool).reshape(n),
            type_bits=np.array(type_bits, dtype=np.uint32).reshape(n),
            stage_bits=np.array(stage_bits, dtype=np.uint32).reshape(n),
            type_rank=np.array(type_rank, dtype=np.int16).reshape(n),
            loc_start=np.array(loc_start, dtype=np.int64).reshape(n),
            loc_count=np.array(loc_count, dtype=np.int64).reshape(n),
            loc_lat=np.asarray(lats, dtype=np.float64),
            loc_lon=np.asarray(lons, dtype=np.float64),
            area_members={k: np.asarray(v, dtype=np.int64) for k, v in members.items()},
            national_ids=np.asarray(national, dtype=np.int64),
            checked=np.array(checked, dtype=np.int64).reshape(n),
            verified=np.array(verified, dtype=bool).reshape(n),
            newest_source=np.array(newest_source, dtype=np.int64).reshape(n),
            waiting_weeks=np.array(waiting, dtype=np.float64).reshape(n),
            accessible=np.array(accessible, dtype=bool).reshape(n),
            active=np.array(active, dtype=bool).reshape(n),
            offered=np.array(offered, dtype=bool).reshape(n),
        )

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
