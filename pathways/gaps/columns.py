"""The gap analysis's view of the directory: the search index's columns, and a what-if copy.

The directory's :class:`services.index.SearchIndex` holds one numpy column per service
field (ages, types, stages, facts, waiting weeks, accessibility) and the location table;
the gap analysis reads those as they are and adds one derived column (whether a record is
uncertain for a commissioner, from :func:`services.eligibility.out_of_date`). A what-if
needs the same columns with one hypothetical service appended — in memory only, so the
directory itself is never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from services import eligibility as E
from services.index import ROW_COLUMNS, RowColumns, SearchIndex
from services.models import Service

__all__ = ["Columns", "unit_vectors"]


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Points on the sphere as unit vectors (n × 3): the dot product of two is the cosine
    of the angle between them, so nearest-by-great-circle is largest-dot-product."""
    phi, lam = np.radians(lats), np.radians(lons)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


@dataclass(frozen=True)
class Columns:
    """The directory's per-service columns (its index's, no record read) and the location
    table, plus the one column a commissioner needs that search does not: whether a record
    is uncertain (not confirmed with the organisation, or out of date). ``recorded`` rows are
    the directory's own; a what-if appends one hypothetical row after them."""

    rows: RowColumns
    loc_start: np.ndarray
    loc_count: np.ndarray
    loc_lat: np.ndarray
    loc_lon: np.ndarray
    area_members: Mapping[str, np.ndarray]
    national_ids: np.ndarray
    stale: np.ndarray
    recorded: int

    @functools.cached_property
    def loc_xyz(self) -> np.ndarray:
        """Each location as a unit vector (locations × 3), for distance by dot product."""
        return unit_vectors(self.loc_lat, self.loc_lon)

    @classmethod
    def from_index(cls, index: SearchIndex, *, today: dt.date, stale_months: int) -> Columns:
        # The index keeps every column the analysis needs: no record is read (a national
        # directory would otherwise materialise and re-validate every record here).
        rows = index.columns()
        return cls(
            rows=rows,
            loc_start=index.loc_start,
            loc_count=index.loc_count,
            loc_lat=index.loc_lat,
            loc_lon=index.loc_lon,
            area_members=index.area_members,
            national_ids=index.national_ids,
            # For a commissioner, unconfirmed and out of date both make a gap uncertain.
            stale=~rows.verified.astype(bool) | E.out_of_date(rows, today, months=stale_months),
            recorded=len(rows.min_age),
        )

    def with_service(self, service: Service, *, today: dt.date, stale_months: int) -> Columns:
        """A copy with ``service`` appended as the last row; ``self`` is unchanged."""
        one = Columns.from_index(SearchIndex.build([service]), today=today, stale_months=stale_months)
        new_id = len(self.rows.min_age)
        members = dict(self.area_members)
        national_ids = self.national_ids
        if service.is_national:
            national_ids = np.append(national_ids, new_id)
        else:
            for area in dict.fromkeys(service.service_areas):
                members[area] = np.append(members.get(area, np.empty(0, dtype=np.int64)), new_id)
        rows = RowColumns(**{name: np.concatenate([getattr(self.rows, name), getattr(one.rows, name)])
                             for name in ROW_COLUMNS})
        return Columns(
            rows=rows,
            loc_start=np.append(self.loc_start, len(self.loc_lat)),
            loc_count=np.concatenate([self.loc_count, one.loc_count]),
            loc_lat=np.concatenate([self.loc_lat, one.loc_lat]),
            loc_lon=np.concatenate([self.loc_lon, one.loc_lon]),
            area_members=members,
            national_ids=national_ids,
            stale=np.concatenate([self.stale, one.stale]),
            recorded=self.recorded,
        )
