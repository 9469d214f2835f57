"""The search index's columns plus the few the gap analysis needs, and a what-if copy.

The directory's :class:`services.index.SearchIndex` already holds one numpy column per
service field that search filters on. The gap analysis adds three (waiting weeks, whether
the record is stale, whether it states adjustments for disabled children — service-wide or
at one of its locations) and, for a
what-if, needs the same columns with one hypothetical service appended — in memory only,
so the directory itself is never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from services.index import SearchIndex
from services.models import Service, source_cutoff

__all__ = ["Columns", "unit_vectors"]


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Points on the sphere as unit vectors (n × 3): the dot product of two is the cosine
    of the angle between them, so nearest-by-great-circle is largest-dot-product."""
    phi, lam = np.radians(lats), np.radians(lons)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


@dataclass(frozen=True)
class Columns:
    """Per-service columns (same order as ``services``) and a flat table of locations."""

    services: tuple[Service, ...]
    min_age: np.ndarray
    max_age: np.ndarray
    requires_disclosure: np.ndarray
    during_investigation: np.ndarray  # 1 yes, 0 no, -1 unknown
    self_referral: np.ndarray  # 1 yes, 0 no, -1 unknown
    for_parents: np.ndarray
    national: np.ndarray
    type_bits: np.ndarray
    stage_bits: np.ndarray
    loc_start: np.ndarray
    loc_count: np.ndarray
    loc_lat: np.ndarray
    loc_lon: np.ndarray
    area_members: Mapping[str, np.ndarray]
    national_ids: np.ndarray
    waiting: np.ndarray  # weeks, NaN where the record does not say
    stale: np.ndarray  # not confirmed with the organisation, or out of date (old pages, old check)
    accessible: np.ndarray

    @functools.cached_property
    def loc_xyz(self) -> np.ndarray:
        """Each location as a unit vector (locations × 3), for distance by dot product."""
        return unit_vectors(self.loc_lat, self.loc_lon)

    _SHARED = (
        "min_age", "max_age", "requires_disclosure", "during_investigation", "self_referral",
        "for_parents", "national", "type_bits", "stage_bits",
    )

    @classmethod
    def from_index(cls, index: SearchIndex, *, today: dt.date, stale_months: int) -> Columns:
        # The index keeps every column the analysis needs: no record is read (a warm-started
        # national directory would otherwise materialise every record here, ~10 s at 100,000).
        return cls(
            services=tuple(index.services),
            **{name: getattr(index, name) for name in cls._SHARED},
            loc_start=index.loc_start,
            loc_count=index.loc_count,
            loc_lat=index.loc_lat,
            loc_lon=index.loc_lon,
            area_members=index.area_members,
            national_ids=index.national_ids,
            waiting=index.waiting_weeks,
            # Not confirmed with the organisation, or out of date (Service.is_stale): for a
            # commissioner both make a gap uncertain. Vectorised; tests check it agrees.
            stale=~index.verified
            | (today.toordinal() - index.checked > stale_months * 365 // 12)
            | ((index.claims_confirmed > 0) & (index.claims_confirmed < source_cutoff(today).toordinal())),
            accessible=index.accessible,
        )

    def with_service(self, service: Service, *, today: dt.date, stale_months: int) -> Columns:
        """A copy with ``service`` appended as the last row; ``self`` is unchanged."""
        one = Columns.from_index(SearchIndex.build([service]), today=today, stale_months=stale_months)
        new_id = len(self.services)
        members = dict(self.area_members)
        national_ids = self.national_ids
        if service.is_national:
            national_ids = np.append(national_ids, new_id)
        else:
            for area in dict.fromkeys(service.service_areas):
                members[area] = np.append(members.get(area, np.empty(0, dtype=np.int64)), new_id)
        joined = {
            name: np.concatenate([getattr(self, name), getattr(one, name)])
            for name in (*self._SHARED, "loc_count", "loc_lat", "loc_lon", "waiting", "stale", "accessible")
        }
        return Columns(
            services=self.services + (service,),
            loc_start=np.append(self.loc_start, len(self.loc_lat)),
            area_members=members,
            national_ids=national_ids,
            **joined,
        )
