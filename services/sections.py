"""How search results are grouped for a family: help now, and who to contact later.

The search itself (who applies at a place, for an age, without a disclosure, ...) is
``services.search``. This module only decides which heading each result goes under:

- **Support you can get now — even during a police investigation.** The ways to get help at
  any time (999, helplines, children's social care, the police) and, when the family says a
  police investigation is going on, only the services that say they carry on during one.
  Without an investigation, every service that matched, except help meant for later on.
- **Who to contact later.** Help for later on (the ``later_support`` stage: the effects of
  abuse can surface months or years afterwards) and, during an investigation, the services
  that have not said they can help while it goes on (ask them, or contact them when it is
  over). A service can be in both lists: "now" and "keep this for later".

Within each, local services come first (nearest first) and national ones after, as search
returns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Service
from .search import Hit

__all__ = ["ANYTIME_TYPES", "LATER_STAGES", "Sections", "group_hits", "available_now", "meets_access",
           "not_yet_listed"]

#: Ways to get help that are open whatever stage things are at.
ANYTIME_TYPES = frozenset({"emergency", "helpline", "social_care_front_door", "police"})
#: Stages that are about later on rather than now.
LATER_STAGES = frozenset({"later_support"})


@dataclass
class Sections:
    now_local: list[Hit] = field(default_factory=list)
    now_national: list[Hit] = field(default_factory=list)
    later: list[Hit] = field(default_factory=list)
    #: ids of the "later" services that are there because of the investigation
    waiting_for_investigation: set[str] = field(default_factory=set)

    @property
    def now(self) -> list[Hit]:
        return self.now_local + self.now_national

    def __len__(self) -> int:
        return len({h.service.id for h in self.now + self.later})


def anytime(hit: Hit) -> bool:
    return bool(ANYTIME_TYPES & set(hit.service.service_types))


def available_now(hit: Hit, *, investigation: bool) -> bool:
    """Can the family turn to this service now?"""
    service = hit.service
    if anytime(hit):
        return True
    if investigation:
        return service.available_during_investigation is True
    only_later = bool(service.stages) and set(service.stages) <= LATER_STAGES
    return not only_later


def for_later(hit: Hit) -> bool:
    return bool(LATER_STAGES & set(hit.service.stages))


def group_hits(hits: list[Hit], *, investigation: bool = False) -> Sections:
    """Split search results under the two Find support headings, keeping their order."""
    out = Sections()
    for hit in hits:
        now = available_now(hit, investigation=investigation)
        if now:
            (out.now_local if hit.local else out.now_national).append(hit)
        if not now:
            out.later.append(hit)
            if investigation:
                out.waiting_for_investigation.add(hit.service.id)
        elif for_later(hit):
            out.later.append(hit)
    return out


def meets_access(service: Service, wanted: str) -> bool:
    """Whether a service lists an access need: every word of ``wanted`` appears in its own
    or its locations' accessibility notes. (SearchFilters has no accessibility field yet.)"""
    words = [w for w in wanted.casefold().replace(",", " ").split() if w]
    listed = " ".join(
        list(service.accessibility) + [a for loc in service.locations for a in loc.accessibility]
    ).casefold()
    return all(w in listed for w in words)


def not_yet_listed(area_name: str, coverage: str) -> str | None:
    """The one plain sentence for an area whose local services are not compiled yet.

    There, the local list holds only the statutory services (children's social care, the
    police, a medical route for a child): the family must not read it as "nothing else
    exists here". None for a compiled area.
    """
    if coverage != "statutory":
        return None
    return (
        f"Other local services for {area_name} are not yet listed in Waymark. Children's social care "
        "can tell you what support there is near you, and the national services below can help now."
    )
