"""Situation + directory → plan: the pathway's rules applied to one child.

The planner knows no child protection rule of its own: which stages apply, when, who is
responsible, who is invited and which reminders fire all come from ``pathway.yaml``.
What it adds is the directory: for each step, the services this child is eligible for
(age, area, disclosure, investigation) near where they live, local ones nearest first,
national ones only where nothing local delivers the step, and a plain ``gap`` flag when
nothing local does, with its reason: ``no_local_service`` where the area's services are
compiled, ``not_compiled`` where only the statutory spine is known (``data/areas.yaml``).
Same situation and data, same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from services.directory import Directory
from services.errors import InvalidInput, PlaceNotFound
from services.geography import Place
from services.index import STAGE_BITS, TYPE_BITS
from services.models import Service
from services.search import Hit, Ranked, SearchFilters, rank

from .definition import load_pathway, pathway_path
from .model import WHEN_ORDER, Pathway, StageDef
from .plan import Invitee, Plan, PlanService, PlanStep
from .situation import Situation, parse_situation, situation_values

__all__ = [
    "UnknownPlace",
    "make_plan",
    "resolve_place",
    "eligible",
    "delivers",
    "applicable_stages",
    "STRATEGY_STAGE",
]

#: The stage whose agencies are the strategy discussion invitees.
STRATEGY_STAGE = "strategy_discussion"


class UnknownPlace(InvalidInput, PlaceNotFound):
    """The situation's area, postcode or place is not one Waymark knows.

    Both an ``InvalidInput`` (the situation is impossible to plan for) and a
    ``PlaceNotFound`` (what the geography said), so callers may catch either.
    """


def resolve_place(situation: Situation, directory: Directory) -> Place:
    """Where the child lives, in an English children's services authority."""
    try:
        if situation.area:
            place = directory.place_for_area(situation.area)
        else:
            place = directory.resolve_place(situation.postcode or situation.place or "")
    except InvalidInput:
        raise
    except PlaceNotFound as exc:
        field = "area" if situation.area else "postcode" if situation.postcode else "place"
        raise UnknownPlace(f"{field}: {exc}") from None
    if place.authority is None:
        raise UnknownPlace(
            f"{situation.where!r} is not inside an English local authority that Waymark covers"
        )
    return place


def _disclosed(situation: Situation) -> bool:
    return situation.concern in ("disclosure", "partial_disclosure")


def eligible(service: Service, situation: Situation, place: Place) -> bool:
    """Whether this child may use ``service`` where they live.

    Age must be within the service's range; the service must cover the child's area or be
    national; a service that needs a disclosure is only for a child who has disclosed (fully
    or in part); and during an investigation, a service that says it stops for one is left
    out (one that does not say is kept: statutory services carry on).
    """
    if not service.serves_age(situation.age):
        return False
    code = place.authority.code if place.authority else None
    if not (service.is_national or (code is not None and code in service.service_areas)):
        return False
    if service.requires_disclosure and not _disclosed(situation):
        return False
    if situation.investigation_active and service.available_during_investigation is False:
        return False
    return service.status == "active"


def delivers(service: Service, stage: StageDef, extra_types: Iterable[str] = ()) -> bool:
    """Whether a service delivers ``stage`` for the plan.

    Both sides must agree: the directory record says the service takes part in the stage
    (its ``stages``, filled from the taxonomy when a record is silent) and the pathway says
    its type delivers that stage, so a children's therapy course does not become an
    intervention for harmful sexual behaviour because both are "therapeutic". (The gap
    analysis counts services the same way.) A variant may widen a step to extra service
    types, which then count on their type alone: an intermediary for a disabled child.
    """
    types = set(service.service_types)
    if stage.id in service.stages and types & set(stage.service_types):
        return True
    return bool(types & set(extra_types))


def applicable_stages(pathway: Pathway, situation: Situation) -> list[StageDef]:
    """The stages whose conditions hold for this situation, in strict order."""
    values = situation_values(situation)
    return [s for s in pathway.stages if s.applies_when.holds(values)]


def _agencies(
    stage: StageDef, values: Mapping[str, Any], extra: Iterable[str]
) -> list[tuple[str, str | None]]:
    out: dict[str, str | None] = {}
    for rule in stage.agencies:
        if rule.condition.holds(values) and rule.agency not in out:
            out[rule.agency] = rule.why
    for agency in extra:
        out.setdefault(agency, None)
    return list(out.items())


class _Eligible:
    """The services this child is eligible for, in search order, as index rows.

    ``delivers`` and ``eligible`` read one record at a time; at national scale a plan would
    call them a million times. Here both are answered from the index's columns for every
    candidate at once, and a record is materialised only when a step lists it. (Same
    answers: ``tests/test_pathway_planner.py`` checks the functions, and the benchmark's
    naive baseline runs them record by record.)
    """

    def __init__(self, directory: Directory, place: Place, situation: Situation) -> None:
        filters = SearchFilters(age=situation.age, no_disclosure=not _disclosed(situation))
        index = directory.index
        ranked = rank(directory, place, filters)
        # Age, area and disclosure are the search's filters; the rest of ``eligible``:
        keep = index.active[ranked.ids]
        if situation.investigation_active:
            keep = keep & (index.during_investigation[ranked.ids] != 0)
        self.ranked: Ranked = ranked.select(keep)
        self.services = index.services
        self.local = ~self.ranked.national
        self.type_bits = index.type_bits[self.ranked.ids]
        self.stage_bits = index.stage_bits[self.ranked.ids]
        self.self_referral = index.self_referral[self.ranked.ids]
        self._hits: dict[int, Hit] = {}

    def hits(self, rows: Iterable[int]) -> list[Hit]:
        out = []
        for row in rows:
            row = int(row)
            hit = self._hits.get(row)
            if hit is None:
                hit = self._hits[row] = self.ranked.hit(self.services, row)
            out.append(hit)
        return out

    def delivers(self, stage: StageDef, extra_types: Iterable[str] = ()) -> np.ndarray:
        """:func:`delivers` for every row at once."""
        stage_bit = np.uint32(STAGE_BITS.get(stage.id, 0))
        types = np.uint32(_bits(stage.service_types))
        extra = np.uint32(_bits(extra_types))
        both = ((self.stage_bits & stage_bit) != 0) & ((self.type_bits & types) != 0)
        return both | ((self.type_bits & extra) != 0) if extra else both


def _bits(service_types: Iterable[str]) -> int:
    # A type no record can have (records are validated against the vocabulary) matches none.
    out = 0
    for t in service_types:
        out |= TYPE_BITS.get(t, 0)
    return out


def _choose(
    stage: StageDef, hits: _Eligible, extra_types: Sequence[str], limit: int
) -> tuple[list[Hit], bool]:
    """The services to list for a step and whether the step is a local gap."""
    matching = hits.delivers(stage, extra_types)
    local = np.flatnonzero(matching & hits.local)
    national = np.flatnonzero(matching & ~hits.local)
    if stage.national_first:
        chosen = [*national[:limit], *local[:limit]]
    elif len(local):
        chosen = [*local[:limit], *(national[:limit] if stage.national_covers else ())]
    else:
        chosen = list(national[:limit])
    gap = not len(local) and not (stage.national_covers and len(national))
    return hits.hits(chosen), gap


def _step(
    stage: StageDef, values: Mapping[str, Any], hits: _Eligible, pathway: Pathway, present: set[str],
    gap_reason: str = "no_local_service",
) -> PlanStep:
    title, when, why = stage.title, stage.when, stage.why
    notes: list[str] = []
    extra_types: list[str] = []
    extra_agencies: list[str] = []
    for variant in stage.variants:
        if not variant.condition.holds(values):
            continue
        title = variant.title or title
        when = variant.when or when
        why = " ".join(variant.why.split()) if variant.why else why
        if variant.note:
            notes.append(" ".join(variant.note.split()))
        extra_types.extend(t for t in variant.add_service_types if t not in extra_types)
        extra_agencies.extend(a for a in variant.add_agencies if a not in extra_agencies)
    chosen, gap = _choose(stage, hits, extra_types, pathway.services_per_step)
    alongside = tuple(other for other in stage.parallel_with if other in present)
    agencies = _agencies(stage, values, extra_agencies)
    return PlanStep(
        stage=stage.id,
        when=when,
        title=" ".join(title.split()),
        why=" ".join([" ".join(why.split()), *notes]),
        agencies=tuple(a for a, _ in agencies),
        services=tuple(PlanService.from_hit(h) for h in chosen),
        gap=gap,
        notes=tuple(notes),
        runs_alongside=alongside,
        gap_reason=gap_reason if gap else None,
    )


def _later_contacts(
    pathway: Pathway, hits: _Eligible, situation: Situation, place: Place
) -> list[PlanService]:
    """Someone to contact later, always: services for the later stage, else the fallback."""
    spec = pathway.later_contacts
    later = pathway.stage(spec.stage)
    matching = np.flatnonzero(hits.delivers(later))
    # Those a family can contact directly come first; otherwise keep local-then-nearest.
    matching = matching[np.argsort(hits.self_referral[matching] != 1, kind="stable")]
    chosen = [PlanService.from_hit(h) for h in hits.hits(matching[: spec.max])]
    if chosen:
        return chosen
    fallback = [s for s in spec.fallback if eligible(s, situation, place)] or list(spec.fallback)
    return [PlanService(s, None, False) for s in fallback[: spec.max]]


def make_plan(
    situation: Situation | Mapping[str, Any],
    directory: Directory,
    *,
    pathway: Pathway | None = None,
) -> Plan:
    """The plan for one child's situation, from the directory's services.

    ``situation`` may be raw values (validated here: ``InvalidInput`` names each bad field).
    ``pathway`` defaults to the data directory's own ``pathway.yaml`` or the shipped one.
    An unknown area, postcode or place raises ``UnknownPlace``.
    """
    situation = parse_situation(situation)
    if pathway is None:
        pathway = load_pathway(pathway_path(directory.data_dir))
    place = resolve_place(situation, directory)
    hits = _Eligible(directory, place, situation)

    values = situation_values(situation)
    stages = applicable_stages(pathway, situation)
    present = {s.id for s in stages}
    order = pathway.order
    code = place.authority.code if place.authority else None
    reason = directory.coverage.gap_reason(code)
    steps = [_step(stage, values, hits, pathway, present, reason) for stage in stages]
    steps.sort(key=lambda s: (WHEN_ORDER[s.when], order[s.stage]))

    strategy = pathway.stage(STRATEGY_STAGE)
    invitees = tuple(
        Invitee(agency, pathway.agency_name(agency), why) for agency, why in _agencies(strategy, values, ())
    )
    prompts = tuple(
        {"id": p.id, "text": p.text, "source": p.source}
        for p in pathway.prompts
        if p.applies_when.holds(values)
    )
    return Plan(
        situation=situation,
        place=place,
        steps=tuple(steps),
        invitees=invitees,
        prompts=prompts,
        later_contacts=tuple(_later_contacts(pathway, hits, situation, place)),
        coverage=directory.coverage.of(code),
    )
