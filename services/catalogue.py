"""Browsing the whole directory: text search, type and area filters, and paging.

Search (:mod:`services.search`) answers "what is near this place"; the catalogue answers
"show me everything, narrowed down", for the Directory page and maintainers. It pages its
answer so a national directory (100,000 services) never renders in one go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .directory import Directory
from .index import type_mask
from .models import Service

__all__ = ["BrowseFilters", "BrowsePage", "browse", "areas_served", "matches", "PAGE_SIZE", "ALL", "NATIONAL_ONLY"]

PAGE_SIZE = 25
ALL = "__all__"
NATIONAL_ONLY = "__national__"


@dataclass(frozen=True)
class BrowseFilters:
    text: str = ""
    service_types: tuple[str, ...] = ()
    area: str = ALL  # a GSS code, ALL or NATIONAL_ONLY
    only_checked: bool = False


@dataclass(frozen=True)
class BrowsePage:
    services: tuple[Service, ...]
    total: int
    page: int  # 1-based, clamped to the pages there are
    pages: int

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.services) - 1 if self.services else 0


def matches(service: Service, text: str, type_names: dict[str, str]) -> bool:
    """A plain "every word appears somewhere in the listing" match."""
    words = text.casefold().split()
    if not words:
        return True
    hay = " ".join(
        [
            service.name,
            service.description,
            service.organization.name if service.organization else "",
            service.eligibility or "",
            " ".join(type_names.get(t, t) for t in service.service_types),
            " ".join(service.service_types),
        ]
    ).casefold()
    return all(w in hay for w in words)


def areas_served(directory: Directory) -> dict[str, str]:
    """Every area some local service covers → its name (from the index, no records built)."""
    authorities = directory.geography.authorities
    return {
        code: (authorities[code].name if code in authorities else code)
        for code in directory.index.area_members
    }


def browse(directory: Directory, filters: BrowseFilters = BrowseFilters(), *, page: int = 1) -> BrowsePage:
    """One page of matching services: national ones first, then by name."""
    index = directory.index
    n = len(directory.services)
    keep = index.offered.copy()  # defunct and inactive services are not offered
    if filters.service_types:
        keep &= (index.type_bits & np.uint32(type_mask(filters.service_types))) != 0
    if filters.area == NATIONAL_ONLY:
        keep &= index.national
    elif filters.area != ALL:
        rows = np.zeros(n, dtype=bool)
        rows[index.area_members.get(filters.area, np.empty(0, dtype=np.int64))] = True
        keep &= rows
    services = [directory.services[int(i)] for i in np.flatnonzero(keep)]
    if filters.text.strip():
        names: dict[str, str] = {t.id: t.name for t in directory.taxonomy.service_types}
        services = [s for s in services if matches(s, filters.text, names)]
    if filters.only_checked:
        # Confirmed with the organisation AND not out of date: the two labels are separate.
        services = [s for s in services if s.verified and not s.is_stale()]
    services.sort(key=lambda s: (not s.is_national, s.name.casefold(), s.id))
    pages = max(1, math.ceil(len(services) / PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return BrowsePage(tuple(services[start : start + PAGE_SIZE]), len(services), page, pages)
