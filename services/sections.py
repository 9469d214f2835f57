"""How search results are grouped for a family: who to call now, then what to ask for.

The search itself (who applies at a place, for an age, without a disclosure, ...) is
``services.search``. This module only decides which heading each result goes under, in the
order a worried parent needs them:

1. **Who to call now** (:func:`call_now`): the few contacts a family can use themselves,
   straight away, with their numbers: the council's children's social care (its public
   lines), 999 and 101, the helpline for adults worried about a child, and the child's own
   helpline when the child is old enough to use it alone. Chosen by type, audience and who
   a service is for, never by id. A number a page reserves for professionals is never one
   of them (:func:`public_phones`).
2. **Support you can contact yourself**, then **support you can ask about** (whether you can
   refer yourself is not known), then **support that needs a referral** (the page says who
   refers: ``services.guidance``). Distance orders the services within a group, never
   across groups: local ones nearest first, national ones after, as search returns them.
3. With a police investigation going on: only the services that say they carry on during
   one are in those groups; those that have not said are under **ask first**, and those
   that say they do not are kept for later.
4. **Who to contact later**: help for later on (the ``later_support`` stage: the effects of
   abuse can surface months or years afterwards) and, during an investigation, the
   services that do not start during one. A service can be both "now" and "for later".

:func:`while_you_wait` picks, beside a therapy route with a long or unknown wait, what helps
in the meantime (a children's advocate, the adults' and the child's helplines, parent
support).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .guidance import WhileYouWait
from .models import Phone, Service
from .search import Hit

__all__ = [
    "ANYTIME_TYPES",
    "LATER_STAGES",
    "Contact",
    "Sections",
    "WaitHelp",
    "group_hits",
    "call_now",
    "public_phones",
    "OwnContactRule",
    "too_young_alone",
    "has_professionals_line",
    "available_now",
    "while_you_wait",
    "long_or_unknown_wait",
    "meets_access",
    "not_yet_listed",
]

#: Ways to get help that are open whatever stage things are at.
ANYTIME_TYPES = frozenset({"emergency", "helpline", "social_care_front_door", "police"})
#: Stages that are about later on rather than now.
LATER_STAGES = frozenset({"later_support"})
#: A helpline "for children" has an upper age at most this (Childline: under 19).
_CHILD_HELPLINE_MAX_AGE = 25


def public_phones(service: Service) -> tuple[Phone, ...]:
    """The numbers a family may call or text: never a line a page reserves for
    professionals, never a fax."""
    return tuple(p for p in service.phones if p.is_public and p.type != "fax")


def has_professionals_line(service: Service) -> bool:
    """Whether a service lists a line a page reserves for professionals (a family view says
    such a line exists without giving its number)."""
    return any(not p.is_public for p in service.phones)


def _voice(service: Service) -> bool:
    return any(p.type in ("voice", "textphone") for p in public_phones(service))


@dataclass(frozen=True)
class Contact:
    """One entry of "Who to call now": its role, the services behind it, their public numbers."""

    role: str  # one of services.guidance.ROLES
    hits: tuple[Hit, ...]
    #: (number, the service it belongs to), public only, each number once, in order.
    phones: tuple[tuple[Phone, Service], ...]

    @property
    def has_number(self) -> bool:
        return bool(self.phones)

    @property
    def ids(self) -> set[str]:
        return {h.service.id for h in self.hits}


def _contact(role: str, hits: Iterable[Hit]) -> Contact:
    chosen = tuple(hits)
    seen: set[str] = set()
    phones: list[tuple[Phone, Service]] = []
    for hit in chosen:
        for phone in public_phones(hit.service):
            key = "".join(ch for ch in phone.number if ch.isdigit())
            if key not in seen:
                seen.add(key)
                phones.append((phone, hit.service))
    return Contact(role, chosen, tuple(phones))


def _types(hit: Hit) -> set[str]:
    return set(hit.service.service_types)


def _adult_helpline(hits: list[Hit]) -> Hit | None:
    """The helpline for adults worried about a child: national, for parents, a voice line;
    one that can pass a concern on to children's social care first."""
    lines = [h for h in hits if "helpline" in _types(h) and h.service.for_parents and _voice(h.service)]
    lines.sort(key=lambda h: "refer_to_social_care" not in h.service.stages)  # stable: keeps search order
    return lines[0] if lines else None


class OwnContactRule(Protocol):
    """Helplines a child would have to use on their own (the pathway's ``offer.own_contact``)."""

    @property
    def min_age(self) -> int: ...
    @property
    def service_types(self) -> tuple[str, ...]: ...
    @property
    def children_max_age(self) -> int: ...


def too_young_alone(
    service: Service, age: int | None, rule: OwnContactRule | None, *, unable: bool = False
) -> bool:
    """A helpline the child would have to use on their own, and is too young to (or, being
    ``unable``, may not be able to use alone at any age: a child who may not speak).

    One of the rule's types, not for parents, and a children's service or reached by text
    only. "Text only" is judged on the numbers a family may use (:func:`public_phones`): a
    professionals' voice line or a fax beside a text number does not make a child's line
    usable by a young child. The one rule for Find support and the planner, from the same
    ``pathway.yaml`` entry (``offer.own_contact``)."""
    if rule is None or service.for_parents:
        return False
    too_young = age is not None and age < rule.min_age
    if not (too_young or unable):
        return False
    if not set(service.service_types) & set(rule.service_types):
        return False
    usable = public_phones(service)
    text_only = bool(usable) and all(p.type == "text" for p in usable)
    return service.max_age <= rule.children_max_age or text_only


def _child_helpline(hits: list[Hit]) -> Hit | None:
    """The child's own helpline: a children's helpline (not for parents) with a voice line."""
    for h in hits:
        s = h.service
        if ("helpline" in _types(h) and not s.for_parents and s.ages_stated
                and s.max_age <= _CHILD_HELPLINE_MAX_AGE and _voice(s)):
            return h
    return None


def call_now(hits: list[Hit], *, age: int | None = None, own_contact: OwnContactRule | None = None) -> list[Contact]:
    """Who to call now, in reading order: the council's children's social care (when it has
    a public number), 999 and 101, the adults' helpline, the child's helpline (when the
    child is old enough to use it alone: ``own_contact``), then a front door with no number
    listed (its page is the way in)."""
    hits = [h for h in hits if not too_young_alone(h.service, age, own_contact)]
    doors = [h for h in hits if h.local and "social_care_front_door" in _types(h)]
    emergency = next((h for h in hits if "emergency" in _types(h) and public_phones(h.service)), None)
    police = (next((h for h in hits if h.local and "police" in _types(h) and _voice(h.service)), None)
              or next((h for h in hits if not h.local and "police" in _types(h) and _voice(h.service)), None))
    adult = _adult_helpline(hits)
    child = _child_helpline(hits)
    out = [_contact("front_door", [h]) for h in doors]
    with_number = [c for c in out if c.has_number]
    without = [c for c in out if not c.has_number]
    rest = []
    if emergency or police:
        rest.append(_contact("emergency", [h for h in (emergency, police) if h is not None]))
    if adult:
        rest.append(_contact("adult_helpline", [adult]))
    if child:
        rest.append(_contact("child_helpline", [child]))
    return with_number + rest + without


def anytime(hit: Hit) -> bool:
    return bool(ANYTIME_TYPES & _types(hit))


def available_now(hit: Hit, *, investigation: bool) -> bool:
    """Can the family turn to this service now? (During an investigation: only a service
    that says it carries on during one, or one open whatever is happening.)"""
    service = hit.service
    if anytime(hit):
        return True
    if investigation:
        return service.available_during_investigation is True
    only_later = bool(service.stages) and set(service.stages) <= LATER_STAGES
    return not only_later


def for_later(hit: Hit) -> bool:
    return bool(LATER_STAGES & set(hit.service.stages))


@dataclass
class Sections:
    """Search results under Find support's headings (see the module docstring)."""

    call_now: list[Contact] = field(default_factory=list)
    contact_yourself: list[Hit] = field(default_factory=list)
    ask_how: list[Hit] = field(default_factory=list)
    need_referral: list[Hit] = field(default_factory=list)
    #: during an investigation: services that have not said whether they carry on during one
    ask_first: list[Hit] = field(default_factory=list)
    later: list[Hit] = field(default_factory=list)
    #: ids of the "later" services that are there because they do not start during an investigation
    waiting_for_investigation: set[str] = field(default_factory=set)

    @property
    def ask_for(self) -> list[Hit]:
        """Everything a family can ask for now, group by group."""
        return self.contact_yourself + self.ask_how + self.need_referral + self.ask_first

    @property
    def call_now_ids(self) -> set[str]:
        return {i for c in self.call_now for i in c.ids}

    def __len__(self) -> int:
        return len(self.call_now_ids | {h.service.id for h in self.ask_for + self.later})


def group_hits(
    hits: list[Hit], *, investigation: bool = False, age: int | None = None, own_contact: OwnContactRule | None = None
) -> Sections:
    """Split search results under Find support's headings, keeping search order in each.

    A helpline the child is too young to use alone (``own_contact``) is left out: the
    parents' helplines are there instead."""
    hits = [h for h in hits if not too_young_alone(h.service, age, own_contact)]
    out = Sections(call_now=call_now(hits))
    called = out.call_now_ids
    # The police and 999 are reached through "who to call now" even when another force's
    # record, or a second line, was not the one shown there.
    police_shown = any(c.role == "emergency" for c in out.call_now)
    reached = {h.service.id for h in hits if police_shown and _types(h) <= {"emergency", "police"}}
    for hit in hits:
        service = hit.service
        if service.id in called or service.id in reached:
            continue
        if available_now(hit, investigation=investigation):
            if service.accepts_self_referral is True:
                out.contact_yourself.append(hit)
            elif service.accepts_self_referral is False:
                out.need_referral.append(hit)
            else:
                out.ask_how.append(hit)
            if for_later(hit):
                out.later.append(hit)
        elif investigation and service.available_during_investigation is None:
            out.ask_first.append(hit)
            if for_later(hit):
                out.later.append(hit)
        else:
            out.later.append(hit)
            if investigation:
                out.waiting_for_investigation.add(service.id)
    return out


@dataclass(frozen=True)
class WaitHelp:
    """Beside a therapy route with a long or unknown wait: what helps in the meantime."""

    #: ids of the routes (CAMHS, specialist therapy) whose wait is long or not stated, in page order
    routes: tuple[str, ...] = ()
    #: services that help now: a children's advocate, the helplines, parent support
    helpers: tuple[Hit, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.routes)


def long_or_unknown_wait(waiting_weeks: float | None, rules: WhileYouWait) -> bool:
    """Whether a wait calls for "while you wait": not stated, or at least
    ``rules.long_wait_weeks`` (one rule for Find support's cards and the gap pages).

    >>> from types import SimpleNamespace
    >>> rules = SimpleNamespace(long_wait_weeks=4)
    >>> long_or_unknown_wait(None, rules), long_or_unknown_wait(2, rules), long_or_unknown_wait(26, rules)
    (True, False, True)
    """
    return waiting_weeks is None or waiting_weeks >= rules.long_wait_weeks


def while_you_wait(sections: Sections, rules: WhileYouWait, *, per_type: int = 2) -> WaitHelp:
    """The therapy routes a family may wait for, and who helps while they wait.

    A route is a service of one of ``rules.waiting_types`` whose wait is not stated or is at
    least ``rules.long_wait_weeks``. Helpers, in ``rules.helpers`` order: services of a
    helper type (a children's advocate, parent support: local first, at most ``per_type``
    each) and the adults' and child's helplines from "who to call now". Nothing when no
    route waits.
    """
    waiting = set(rules.waiting_types)
    routes = [h for h in sections.ask_for
              if waiting & _types(h) and long_or_unknown_wait(h.service.waiting_weeks, rules)]
    if not routes:
        return WaitHelp()
    route_ids = {h.service.id for h in routes}
    by_role = {c.role: c.hits[0] for c in sections.call_now if c.hits}
    pool = [h for h in sections.ask_for if h.service.id not in route_ids]
    helpers: list[Hit] = []
    for helper in rules.helpers:
        if helper in by_role:
            picked = [by_role[helper]]
        else:
            picked = [h for h in pool if helper in _types(h)][:per_type]
        helpers.extend(h for h in picked if h.service.id not in {x.service.id for x in helpers})
    return WaitHelp(tuple(dict.fromkeys(h.service.id for h in routes)), tuple(helpers))


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

    There, the local list holds the statutory services and the support compiled for every
    area (:func:`services.coverage.statutory_area_words`): the family must not read it as
    "nothing else exists here". None for a compiled area.
    """
    if coverage != "statutory":
        return None
    return (
        f"Other local services for {area_name} are not yet listed in Waymark. Children's social care "
        "can tell you what support there is near you, and the national services below can help now."
    )
