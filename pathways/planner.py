"""Situation + directory → plan: the pathway's rules applied to one child.

The planner knows no child protection rule of its own: which stages apply, when, who is
responsible, who is invited and which reminders fire all come from ``pathway.yaml``.
What it adds is the directory: for each step, the services this child is eligible for
(age, area, disclosure, investigation) near where they live, local ones nearest first,
national ones only where nothing local delivers the step, and a plain ``gap`` flag when
nothing local does, with its reason: ``no_local_service`` where the area's services are
compiled, ``not_compiled`` where only the statutory spine is known (``data/areas.yaml``).
Same situation and data, same plan.

What fits is also data (``offer:`` in pathway.yaml): evidence such as an STI in a young
child stands in for a disclosure; a helpline the child would have to use on their own is
not offered to a child too young to use it, or one who may not be able to use a phone or
text line alone (their parents' helplines are, instead); a parents' programme is offered
only where it applies; and a step about the child suspected of harm lists services for
that child's age. A step may list some service types first (a CAMHS for a child who has
self-harmed).

A looked-after child's ``placing_area`` is resolved like ``area`` (an unknown one is bad
input, named). Every plan opens with its summary (:mod:`.summary`): each step to do today,
in one line, with the number to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from services import eligibility as E
from services.directory import Directory
from services.errors import InvalidInput, PlaceNotFound
from services.geography import Place
from services.models import Service
from services.search import Hit, Ranked, SearchFilters, rank
from services.sections import public_phones, too_young_alone

from .definition import load_pathway, pathway_path
from .model import WHEN_ORDER, Pathway, StageDef
from .plan import Invitee, Plan, PlanService, PlanStep
from .rules import Always
from .situation import AdultAge, Situation, parse_situation, situation_values
from .summary import first_screen

__all__ = [
    "UnknownPlace",
    "make_plan",
    "resolve_place",
    "resolve_placing_area",
    "eligible",
    "delivers",
    "applicable_stages",
    "adult_pointer",
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
        # The area's message already names the field, an abolished authority's successors
        # or the close names; a postcode or town says which it was.
        field = "" if situation.area else "postcode: " if situation.postcode else "place: "
        raise UnknownPlace(f"{field}{exc}") from None
    if place.authority is None:
        raise UnknownPlace(
            f"{situation.where!r} is not inside an English local authority that Waymark covers"
        )
    return place


def resolve_placing_area(situation: Situation, directory: Directory) -> Place | None:
    """The authority that looks after the child (``placing_area``), or None when not given."""
    text = situation.placing_area
    if not text:
        return None
    try:
        authority = directory.geography.require_authority(text, field="placing_area")
    except PlaceNotFound as exc:
        raise UnknownPlace(str(exc)) from None
    return Place(authority.name, authority.lat, authority.lon, authority, "authority")


def adult_pointer(pathway: Pathway, directory: Directory | None = None) -> str:
    """Where an adult (18 or over) can turn, from pathway.yaml's ``adults`` and the directory."""
    spec = pathway.adults
    if spec is None:
        return ""
    parts = [spec.text]
    for sid in spec.services:
        service = directory.get(sid) if directory is not None else None
        if service is None:
            continue
        bits = [p.number for p in public_phones(service)[:1]]
        url = service.url or (service.organization.url if service.organization else None)
        if url:
            bits.append(url)
        parts.append(f"{service.name}" + (f" ({', '.join(bits)})" if bits else ""))
    return " ".join([parts[0], "; ".join(parts[1:]) + "." if len(parts) > 1 else ""]).strip()


def _disclosed(situation: Situation, pathway: Pathway | None = None) -> bool:
    """Told someone (fully or in part), or evidence stands in for words (pathway.yaml)."""
    if situation.concern in ("disclosure", "partial_disclosure"):
        return True
    treat = pathway.treat_as_disclosed if pathway is not None else None
    return bool(treat is not None and treat.holds(situation_values(situation)))


def _own_contact(
    service: Service, age: int | None, pathway: Pathway | None, unable: bool = False
) -> bool:
    """The pathway's ``own_contact`` rule for one service (:func:`services.sections.too_young_alone`)."""
    rule = pathway.own_contact if pathway is not None else None
    return too_young_alone(service, age, rule, unable=unable)


def eligible(
    service: Service, situation: Situation, place: Place, *, pathway: Pathway | None = None
) -> bool:
    """Whether this child may use ``service`` where they live.

    Age must be within the service's range; the service must cover the child's area or be
    national; a service that needs a disclosure is only for a child who has disclosed (fully
    or in part) or whose situation the pathway treats as evidence enough; and during an
    investigation, a service that says it stops for one is left out (one that does not say
    is kept: statutory services carry on). With the pathway, a helpline the child is too
    young to use alone and a programme for situations other than this one are left out too.
    (At a stage professionals refer to, such as the medical, the plan also lists services
    that need a disclosure: see ``StageDef.professional_referral``.)

    The same rules as a plan's, on a one-row index (:func:`services.eligibility.one`).
    """
    ix = E.one(service)
    code = place.authority.code if place.authority else None
    if not len(ix.candidates(code)):
        return False
    fits = E.serves_ages(ix, [situation.age]) & _open(ix, situation) & ~_needs_words(ix, situation, pathway)
    return bool(fits[0]) and _offered_to(service, situation, pathway)


def delivers(service: Service, stage: StageDef, extra_types: Sequence[str] = ()) -> bool:
    """Whether a service delivers ``stage`` for the plan: :func:`services.eligibility.delivers`
    on a one-row index (the record's stages and the pathway's types must agree)."""
    return bool(E.delivers(E.one(service), stage.id, stage.service_types, extra_types)[0])


def _open(ix: E.Columns, situation: Situation) -> np.ndarray:
    """Running now, and not said to stop for the investigation this child is in."""
    keep = E.active(ix)
    return keep & E.not_said_to_stop(ix) if situation.investigation_active else keep


def _needs_words(ix: E.Columns, situation: Situation, pathway: Pathway | None) -> np.ndarray:
    """Needs a disclosure this child has not made (nor evidence that stands in for one)."""
    return E.needs_disclosure(ix) & (not _disclosed(situation, pathway))


def _offered_to(service: Service, situation: Situation, pathway: Pathway | None) -> bool:
    """Record by record, for the few a step lists: not a helpline the child cannot use alone,
    nor a programme for other situations."""
    if _own_contact(service, situation.age, pathway, _unable_alone(pathway, situation)):
        return False
    return pathway is None or service.id not in _withheld(pathway, situation_values(situation))


def _unable_alone(pathway: Pathway | None, situation: Situation) -> bool:
    """The child may not be able to phone or text a helpline alone, whatever their age."""
    rule = pathway.own_contact if pathway is not None else None
    return rule is not None and rule.unable(situation_values(situation))


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
    """The services this child may use, in search order, as index rows.

    At national scale a plan would ask ``eligible`` and ``delivers`` a million times; here
    every question is one :mod:`services.eligibility` mask over the candidates' columns
    (taken once, :meth:`~services.index.SearchIndex.at`), and a record is materialised only
    when a step lists it. Ages and the need for a disclosure are asked per step (a step may
    serve the child suspected, or be one professionals refer to).
    """

    def __init__(self, directory: Directory, place: Place, situation: Situation, pathway: Pathway) -> None:
        index = directory.index
        ranked = rank(directory, place, SearchFilters())  # the area, in search order
        ranked = ranked.select(_open(index.at(ranked.ids), situation))
        self.ranked: Ranked = ranked
        self.services = index.services
        self.columns = index.at(ranked.ids)
        self.local = ~ranked.national
        self.situation = situation
        self.pathway = pathway
        values = situation_values(situation)
        self.withheld = _withheld(pathway, values)
        #: Programmes offered only in situations like this one (``offer.only_if`` holds):
        #: listed beside local services, which would otherwise push national ones out.
        self.targeted = _targeted(pathway, values)
        self.unable_alone = _unable_alone(pathway, situation)
        self.needs_words = _needs_words(self.columns, situation, pathway)
        self._hits: dict[int, Hit] = {}

    def fits(self, ages: Sequence[int | None]) -> np.ndarray:
        """Rows whose age range includes every known age in ``ages``."""
        return E.serves_ages(self.columns, ages)

    def open_to(self, stage: StageDef) -> np.ndarray:
        """Rows this child can be offered at ``stage``: a service that needs a disclosure
        only when the child has told (or evidence stands in), unless professionals refer."""
        return np.ones(len(self.needs_words), dtype=bool) if stage.professional_referral else ~self.needs_words

    def parents(self, service_types: Iterable[str]) -> np.ndarray:
        """Rows of services for parents of one of ``service_types``."""
        return E.for_parents(self.columns) & E.of_types(self.columns, service_types)

    def delivers(self, stage: StageDef, extra_types: Sequence[str] = ()) -> np.ndarray:
        """:func:`services.eligibility.delivers` for every row at once."""
        return E.delivers(self.columns, stage.id, stage.service_types, extra_types)

    def of_types(self, service_types: Iterable[str]) -> np.ndarray:
        """Rows of services of one of ``service_types``."""
        return E.of_types(self.columns, service_types)

    def hits(self, rows: Iterable[int]) -> list[Hit]:
        out = []
        for row in rows:
            row = int(row)
            hit = self._hits.get(row)
            if hit is None:
                hit = self._hits[row] = self.ranked.hit(self.services, row)
            out.append(hit)
        return out

    def suitable(self, row: int, ages: Sequence[int | None]) -> bool:
        """Not withheld for this situation, and usable by the youngest person served."""
        service = self.hits([row])[0].service
        if service.id in self.withheld:
            return False
        known = [a for a in ages if a is not None]
        return not _own_contact(service, min(known) if known else None, self.pathway, self.unable_alone)

    def take(self, rows: Iterable[int], limit: int, ages: Sequence[int | None]) -> list[int]:
        """The first ``limit`` suitable rows (records are read one at a time, only as needed)."""
        out: list[int] = []
        for row in rows:
            if len(out) >= limit:
                break
            if self.suitable(int(row), ages):
                out.append(int(row))
        return out

    def dropped_own_contact(self, rows: Iterable[int], ages: Sequence[int | None]) -> bool:
        known = [a for a in ages if a is not None]
        youngest = min(known) if known else None
        return any(
            _own_contact(self.hits([int(r)])[0].service, youngest, self.pathway, self.unable_alone) for r in rows
        )


def _targeted(pathway: Pathway, values: Mapping[str, Any]) -> frozenset[str]:
    """Ids of services offered only in situations like this one (their ``only_if`` holds)."""
    return frozenset(r.service for r in pathway.offer_only_if if r.condition.holds(values))


def _withheld(pathway: Pathway | None, values: Mapping[str, Any]) -> frozenset[str]:
    """Ids of services offered only in situations other than this one."""
    if pathway is None:
        return frozenset()
    return frozenset(r.service for r in pathway.offer_only_if if not r.condition.holds(values))


def _ages(services_for: Sequence[str], situation: Situation) -> tuple[int | None, ...]:
    """The ages a step's services must fit: the child's, the child suspected's, or both."""
    return tuple(situation.age if who == "child" else situation.suspect_age for who in services_for)


def _choose(
    stage: StageDef,
    hits: _Eligible,
    extra_types: Sequence[str],
    limit: int,
    ages: Sequence[int | None],
    prefer: Sequence[str] = (),
) -> tuple[list[Hit], bool]:
    """The services to list for a step and whether the step is a local gap.

    Services of a ``prefer`` type come first (each group keeps its search order).
    """
    fits = hits.fits(ages) & hits.open_to(stage)
    matching = hits.delivers(stage, extra_types) & fits
    if prefer:
        first = hits.of_types(prefer)
        local_rows = np.concatenate(
            [np.flatnonzero(matching & hits.local & first), np.flatnonzero(matching & hits.local & ~first)]
        )
        national_rows = np.concatenate(
            [np.flatnonzero(matching & ~hits.local & first), np.flatnonzero(matching & ~hits.local & ~first)]
        )
    else:
        local_rows = np.flatnonzero(matching & hits.local)
        national_rows = np.flatnonzero(matching & ~hits.local)
    local = hits.take(local_rows, limit, ages)
    national = hits.take(national_rows, limit, ages)
    if stage.national_first:
        chosen = [*national, *local]
    elif local:
        # Beside local services, national ones only where they cover the stage, or where a
        # programme is meant for exactly this situation (a protective parents' programme).
        targeted = national if stage.national_covers else [
            r for r, h in zip(national, hits.hits(national)) if h.service.id in hits.targeted]
        chosen = [*local, *targeted]
    else:
        chosen = list(national)
    gap = not local and not (stage.national_covers and national)
    rule = hits.pathway.own_contact if hits.pathway is not None else None
    if rule is not None and hits.dropped_own_contact([*local_rows, *national_rows], ages):
        # The child is too young to phone or text alone: their parents' helplines instead.
        parents = np.flatnonzero(fits & hits.parents(rule.service_types))
        chosen += [r for r in hits.take(parents, limit, ages) if r not in chosen][: max(1, limit - len(chosen))]
    return hits.hits(chosen), gap


def _step(
    stage: StageDef,
    situation: Situation,
    hits: _Eligible,
    pathway: Pathway,
    present: set[str],
    gap_reason: str = "no_local_service",
) -> PlanStep:
    values = situation_values(situation)
    title, when, why = stage.title, stage.when, stage.why
    services_for = stage.services_for
    specific = not (isinstance(stage.applies_when, Always) and stage.applies_when.value)
    summary, call = stage.summary, stage.call
    notes: list[str] = []
    extra_types: list[str] = []
    extra_agencies: list[str] = []
    prefer: list[str] = []
    for variant in stage.variants:
        if not variant.condition.holds(values):
            continue
        specific = specific or bool(variant.title or variant.when or variant.why)
        services_for = variant.services_for or services_for
        title = variant.title or title
        when = variant.when or when
        why = " ".join(variant.why.split()) if variant.why else why
        summary = variant.summary or summary
        call = variant.call if variant.call is not None else call
        if variant.note:
            notes.append(" ".join(variant.note.split()))
        extra_types.extend(t for t in variant.add_service_types if t not in extra_types)
        extra_agencies.extend(a for a in variant.add_agencies if a not in extra_agencies)
        prefer.extend(t for t in variant.prefer_service_types if t not in prefer)
    chosen, gap = _choose(
        stage, hits, extra_types, pathway.services_per_step, _ages(services_for, situation), prefer
    )
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
        services_for=tuple(services_for),
        specific=specific,
        gap_reason=gap_reason if gap else None,
        summary=summary or " ".join(title.split()),
        call=tuple(call),
    )


def _later_contacts(
    pathway: Pathway, hits: _Eligible, situation: Situation, place: Place
) -> list[PlanService]:
    """Someone to contact later, always: services for the later stage, else the fallback."""
    spec = pathway.later_contacts
    later = pathway.stage(spec.stage)
    ages = (situation.age,)
    rule = pathway.own_contact
    matching = np.flatnonzero(hits.delivers(later) & hits.fits(ages) & hits.open_to(later))
    if rule is not None and hits.dropped_own_contact(matching, ages):
        parents = hits.parents(rule.service_types) & hits.fits(ages) & hits.open_to(later)
        matching = np.union1d(matching, np.flatnonzero(parents))
    # Those a family can contact directly come first; otherwise keep local-then-nearest.
    self_referral = E.says(hits.columns, "self_referral", True)
    matching = matching[np.argsort(~self_referral[matching], kind="stable")]
    chosen = [PlanService.from_hit(h) for h in hits.hits(hits.take(matching, spec.max, ages))]
    if chosen:
        return chosen
    unable = _unable_alone(pathway, situation)
    fallback = [s for s in spec.fallback if eligible(s, situation, place, pathway=pathway)] or [
        s for s in spec.fallback if not _own_contact(s, situation.age, pathway, unable)
    ] or list(spec.fallback)
    return [PlanService(s, None, False) for s in fallback[: spec.max]]


def _prompts(pathway: Pathway, values: Mapping[str, Any]) -> tuple[dict[str, str], ...]:
    """The reminders that fire: those about this child's situation first, then those every
    plan carries, each in the wording for this situation."""
    fired = [p for p in pathway.prompts if p.applies_when.holds(values)]
    fired.sort(key=lambda p: isinstance(p.applies_when, Always) and p.applies_when.value)
    return tuple({"id": p.id, "text": p.text_for(values), "source": p.source} for p in fired)


def make_plan(
    situation: Situation | Mapping[str, Any],
    directory: Directory,
    *,
    pathway: Pathway | None = None,
) -> Plan:
    """The plan for one child's situation, from the directory's services.

    ``situation`` may be raw values (validated here: ``InvalidInput`` names each bad field).
    ``pathway`` defaults to the data directory's own ``pathway.yaml`` or the shipped one.
    An unknown area, postcode, place or placing area raises ``UnknownPlace``.
    """
    if pathway is None:
        pathway = load_pathway(pathway_path(directory.data_dir))
    try:
        situation = parse_situation(situation)
    except AdultAge as exc:
        pointer = adult_pointer(pathway, directory)
        raise AdultAge(f"{exc}. {pointer}" if pointer else str(exc), exc.age) from None
    place = resolve_place(situation, directory)
    placing = resolve_placing_area(situation, directory)
    hits = _Eligible(directory, place, situation, pathway)

    values = situation_values(situation)
    stages = applicable_stages(pathway, situation)
    present = {s.id for s in stages}
    order = pathway.order
    code = place.authority.code if place.authority else None
    steps = [_step(stage, situation, hits, pathway, present, directory.coverage.gap_reason(code, stage.id))
             for stage in stages]
    steps.sort(key=lambda s: (WHEN_ORDER[s.when], order[s.stage]))

    strategy = pathway.stage(STRATEGY_STAGE)
    invitees = tuple(
        Invitee(agency, pathway.agency_name(agency), why) for agency, why in _agencies(strategy, values, ())
    )
    prompts = _prompts(pathway, values)
    return Plan(
        situation=situation,
        place=place,
        steps=tuple(steps),
        invitees=invitees,
        prompts=prompts,
        later_contacts=tuple(_later_contacts(pathway, hits, situation, place)),
        coverage=directory.coverage.of(code),
        summary=first_screen(steps),
        placing=placing,
    )
