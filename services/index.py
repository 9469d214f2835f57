"""A column-wise index of the directory, so search is array work rather than a loop.

At national scale (100,000 services) a Python loop of geodesic calls per query is far too
slow; here each filter is one numpy comparison over the candidate rows and distances are
one vectorised haversine over their locations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .models import Service, Taxonomy
from .vocabulary import SERVICE_TYPES, STAGES

__all__ = ["SearchIndex", "haversine_km", "type_mask", "stage_mask", "EARTH_RADIUS_KM"]

#: Mean Earth radius (IUGG), the figure geopy's great-circle distance uses.
EARTH_RADIUS_KM = 6371.0088

_TYPE_BIT = {t: 1 << i for i, t in enumerate(SERVICE_TYPES)}
_STAGE_BIT = {s: 1 << i for i, s in enumerate(STAGES)}


def type_mask(types: Sequence[str]) -> int:
    return sum(_TYPE_BIT[t] for t in set(types))


def stage_mask(stages: Sequence[str]) -> int:
    return sum(_STAGE_BIT[s] for s in set(stages))


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many, in km (arrays in degrees)."""
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = np.radians(lats), np.radians(lons)
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _tristate(value: bool | None) -> int:
    return -1 if value is None else int(value)


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
    waiting_weeks: np.ndarray  # NaN where unknown
    accessible: np.ndarray  # states any accessibility provision

    def __getstate__(self) -> dict:
        # The columns are what the cache keeps; records are stored separately.
        state = dict(self.__dict__)
        state["services"] = None
        return state

    @classmethod
    def build(cls, services: Sequence[Service], taxonomy: Taxonomy | None = None) -> "SearchIndex":
        n = len(services)
        source = services
        services = list(services) if not isinstance(services, (list, tuple)) else services
        rank = {t: i for i, t in enumerate(SERVICE_TYPES)}
        loc_start = np.zeros(n, dtype=np.int64)
        loc_count = np.zeros(n, dtype=np.int64)
        lats: list[float] = []
        lons: list[float] = []
        members: dict[str, list[int]] = {}
        national: list[int] = []
        for i, s in enumerate(services):
            loc_start[i] = len(lats)
            for loc in s.locations:
                if loc.latitude is not None and loc.longitude is not None:
                    lats.append(loc.latitude)
                    lons.append(loc.longitude)
            loc_count[i] = len(lats) - loc_start[i]
            if s.is_national:
                national.append(i)
            else:
                for area in s.service_areas:
                    members.setdefault(area, []).append(i)
        return cls(
            services=source,
            min_age=np.fromiter((s.min_age for s in services), dtype=np.int16, count=n),
            max_age=np.fromiter((s.max_age for s in services), dtype=np.int16, count=n),
            requires_disclosure=np.fromiter((s.requires_disclosure for s in services), dtype=bool, count=n),
            during_investigation=np.fromiter(
                (_tristate(s.available_during_investigation) for s in services), dtype=np.int8, count=n
            ),
            self_referral=np.fromiter((_tristate(s.accepts_self_referral) for s in services), dtype=np.int8, count=n),
            for_parents=np.fromiter((s.for_parents for s in services), dtype=bool, count=n),
            free=np.fromiter((_tristate(s.free) for s in services), dtype=np.int8, count=n),
            national=np.fromiter((s.is_national for s in services), dtype=bool, count=n),
            type_bits=np.fromiter((type_mask(s.service_types) for s in services), dtype=np.uint32, count=n),
            stage_bits=np.fromiter((stage_mask(s.stages) for s in services), dtype=np.uint32, count=n),
            type_rank=np.fromiter((rank[s.service_types[0]] for s in services), dtype=np.int16, count=n),
            loc_start=loc_start,
            loc_count=loc_count,
            loc_lat=np.asarray(lats, dtype=np.float64),
            loc_lon=np.asarray(lons, dtype=np.float64),
            area_members={k: np.asarray(v, dtype=np.int64) for k, v in members.items()},
            national_ids=np.asarray(national, dtype=np.int64),
            checked=np.fromiter((s.last_verified.toordinal() for s in services), dtype=np.int64, count=n),
            verified=np.fromiter((s.verified for s in services), dtype=bool, count=n),
            waiting_weeks=np.fromiter(
                (np.nan if s.waiting_weeks is None else s.waiting_weeks for s in services), dtype=np.float64, count=n
            ),
            accessible=np.fromiter(
                (bool(s.accessibility) or any(loc.accessibility for loc in s.locations) for s in services),
                dtype=bool,
                count=n,
            ),
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
