"""Where, for whom and at which step support is missing: the gap table for every area.

How a service counts (also in ``docs/gaps.md`` and in every report's ``rules``):

- A service *delivers a stage* when the stage is among its ``stages`` (its record's, or its
  service types' in the taxonomy when the record is silent) **and** it is a type of service
  the pathway (``pathway.yaml``) says delivers that stage. A children's therapy course does
  not become an intervention for harmful sexual behaviour because both are "therapeutic".
- It must serve children: some age in ``settings.child_ages`` of ``cohorts.yaml``.
- A *local* service is one whose ``service_areas`` include the area. A *national* service
  counts towards ``covered`` only at the stages where the pathway says a national service can
  deliver the step (``national_covers``: the 999 response, noticing the signs, someone to
  contact later). Elsewhere — therapy above all — national services are counted
  (``national_services``) and flagged (``national_only``) but never make an area look
  locally covered.
- ``nearest_km`` is the population-weighted mean, over the area's postcode-sector points,
  of the great-circle distance to the nearest placed service counted in ``covered``;
  ``p90_km`` and ``max_km`` describe the far end and ``share_within_km`` the share of
  children (by postcodes) within ``settings.within_km``. Null when none has a location.

All arithmetic is numpy over the directory's index columns: one distance matrix per area
(points × placed candidate services), then one masked minimum per stage and cohort.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from services import eligibility as E
from services.directory import Directory
from services.errors import PlaceNotFound
from services.geography import Authority
from services.models import Taxonomy
from services.vocabulary import STAGES

from ..definition import load_pathway, pathway_path
from ..model import Pathway
from .cohorts import CohortBook, CohortDef, GapSettings, cohorts_path, load_cohorts, require_mask
from .columns import Columns
from .distances import nearest
from .need import annotate_area, report_context
from .records import AreaGaps, CohortCell, CohortStageCell, DataQuality, Distance, GapLists, StageCell
from .statements import area_statements

__all__ = [
    "StageRule",
    "GapModel",
    "GapReport",
    "gap_model",
    "analyse",
    "area_result",
    "RULES",
]

#: The counting rules in words, printed with every report so a reader can check them.
RULES: dict[str, str] = {
    "delivers": (
        "A service delivers a stage when the stage is among its stages and it is a type of "
        "service pathway.yaml lists for that stage; it must serve some child age."
    ),
    "local": "A local service is one whose service areas include the area's GSS code.",
    "national": (
        "National services count towards 'covered' only at stages where the pathway says a "
        "national service can deliver the step (national_covers); elsewhere they are counted "
        "in 'national_services' and flagged 'national_only' but the stage is not covered."
    ),
    "nearest_km": (
        "Population-weighted mean over the area's postcode-sector points of the distance to "
        "the nearest placed service counted in 'covered'; null when none has a location."
    ),
    "cohorts": (
        "A cohort is covered when, at every stage that matters for it (data/cohorts.yaml), "
        "a service for the area passes the cohort's test; with every_age, each age in the "
        "band must be served."
    ),
    "stale": (
        "A record counts here when it is not confirmed with the organisation (verified false), "
        "was not checked for the stale period, or a claim a family acts on (ages, referral, hours, phones) "
        "rests only on source pages over two years old."
    ),
    "coverage": (
        "An area is 'local' when its local services have been compiled (data/areas.yaml), otherwise "
        "'statutory': only the front door, police and (where found) medical route from national sources are known. "
        "In a statutory area a stage without cover is 'known': false (not compiled), listed under "
        "'not_compiled' and never counted in 'gaps', unless it was compiled for every area "
        "(data/areas.yaml national_lists); a cohort is known when each of its stages is covered or known."
    ),
}


@dataclass(frozen=True)
class StageRule:
    """Which services deliver a stage, and whether a national one covers it."""

    id: str
    name: str
    words: str
    service_types: tuple[str, ...]
    national_covers: bool
    #: Types that are a route to the stage in plans but never its cover here (a general CAMHS).
    general_types: tuple[str, ...] = ()
    #: Those types in words, from the taxonomy ("Child and adolescent mental health services
    #: (CAMHS)"), for the sentences that name the general route.
    general_words: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "words": self.words,
                "service_types": list(self.service_types), "national_covers": self.national_covers,
                **({"general_types": list(self.general_types)} if self.general_types else {})}


def _type_words(taxonomy: Taxonomy, types: Iterable[str]) -> str:
    """Service types as the taxonomy names them, joined with "or" (an unknown id reads as itself)."""
    names = []
    for t in types:
        named = taxonomy.type(t)
        names.append(named.name if named is not None else t.replace("_", " "))
    return " or ".join(names)


def _stage_rules(pathway: Pathway, taxonomy: Taxonomy, book: CohortBook) -> tuple[StageRule, ...]:
    """Which service types deliver each stage, and whether a national one covers it, from
    the pathway definition (the same ``pathway.yaml`` the planner reads)."""
    words: dict[str, str] = {str(k): v for k, v in book.stage_words.items()}
    rules = []
    for s in sorted(pathway.stages, key=lambda s: STAGES.index(s.id)):
        named = taxonomy.stage(s.id)
        # Every pathway stage is a vocabulary stage, which the taxonomy names; the id is a
        # readable fallback rather than a crash should a taxonomy file lack one.
        name = named.name if named is not None else s.id.replace("_", " ").capitalize()
        general = {str(t) for k, types in book.settings.general_routes.items() if k == s.id for t in types}
        general_types = tuple(t for t in s.service_types if t in general)
        rules.append(StageRule(id=s.id, name=name, words=words.get(s.id) or name.lower(),
                               service_types=tuple(t for t in s.service_types if t not in general),
                               national_covers=s.national_covers,
                               general_types=general_types, general_words=_type_words(taxonomy, general_types)))
    return tuple(rules)


@dataclass(frozen=True)
class _Masks:
    """Boolean masks over all services, one row per question the analysis asks.

    Row keys: ``("stage", s)`` — delivers stage ``s`` to children; ``("cohort", c, s)`` —
    and passes cohort ``c``'s test. ``national`` says whether a national service counts for
    that row's cover.
    """

    keys: tuple[tuple[str, ...], ...]
    matrix: np.ndarray  # rows × services
    national: np.ndarray  # rows
    row: dict[tuple[str, ...], int]


@dataclass(frozen=True, eq=False)
class GapModel:
    """Everything the analysis needs for one directory, built once and cached."""

    directory: Directory
    book: CohortBook
    stages: tuple[StageRule, ...]
    today: dt.date
    columns: Columns
    masks: _Masks = field(repr=False)

    @property
    def settings(self) -> GapSettings:
        return self.book.settings

    def stage(self, stage_id: str) -> StageRule:
        return next(s for s in self.stages if s.id == stage_id)

    def build_masks(self, cols: Columns) -> _Masks:
        return _build_masks(self.stages, self.book, cols)

    def authority(self, code_or_name: str) -> Authority:
        """The authority for a code or name; PlaceNotFound (with what to type) otherwise."""
        return self.directory.geography.require_authority(code_or_name)


def _build_masks(stages: Iterable[StageRule], book: CohortBook, cols: Columns) -> _Masks:
    lo, hi = book.settings.child_ages
    child = E.serves_some_age(cols.rows, lo, hi)
    rows: dict[tuple[str, ...], tuple[np.ndarray, bool]] = {}
    by_stage = {}
    for r in stages:
        delivers = child & E.delivers(cols.rows, r.id, r.service_types)
        by_stage[r.id] = (delivers, r.national_covers)
        rows[("stage", r.id)] = by_stage[r.id]
        if r.general_types:
            rows[("general", r.id)] = (child & E.delivers(cols.rows, r.id, r.general_types), False)
    for c in book.cohorts:
        passes = require_mask(c.require, cols) & E.serves_some_age(cols.rows, c.ages[0], c.ages[1])
        for s in c.stages:
            delivers, national = by_stage[s]
            rows[("cohort", c.id, s)] = (delivers & passes, national if c.national_counts is None else c.national_counts)
    keys = tuple(rows)
    return _Masks(
        keys=keys,
        matrix=np.stack([rows[k][0] for k in keys]) if len(cols.stale) else np.zeros((len(keys), 0), dtype=bool),
        national=np.array([rows[k][1] for k in keys], dtype=bool),
        row={k: i for i, k in enumerate(keys)},
    )




def gap_model(directory: Directory, *, today: dt.date | None = None) -> GapModel:
    """The compiled model for a directory, its cohorts file and its pathway file.

    Cached while the three stay the same objects: the directory cache replaces the
    directory when a service file changes, and the cohort and pathway loaders return a new
    object when their file changes, so an edit to any of them is picked up.
    """
    today = today or dt.date.today()
    book = load_cohorts(cohorts_path(directory.data_dir))
    pathway = load_pathway(pathway_path(directory.data_dir))

    def build() -> tuple[CohortBook, Pathway, GapModel]:
        stages = _stage_rules(pathway, directory.taxonomy, book)
        cols = Columns.from_index(directory.index, today=today, stale_months=book.settings.stale_months)
        return book, pathway, GapModel(directory, book, stages, today, cols, _build_masks(stages, book, cols))

    kept: tuple[CohortBook, Pathway, GapModel] = directory.derived(
        ("gap_model", today), lambda k: k[0] is book and k[1] is pathway, build)
    return kept[2]


def _median(values: np.ndarray) -> float | None:
    values = np.sort(values[~np.isnan(values)])
    n = len(values)
    return round(float(values[(n - 1) // 2] + values[n // 2]) / 2.0, 1) if n else None


def _ages_served(cols: Columns, ids: np.ndarray, ages: np.ndarray) -> np.ndarray:
    if len(ids) == 0:
        return np.zeros(len(ages), dtype=bool)
    lo, hi = cols.rows.min_age[ids], cols.rows.max_age[ids]
    return ((lo[None, :] <= ages[:, None]) & (hi[None, :] >= ages[:, None])).any(axis=1)


def _cohort_result(cohort: CohortDef, cols: Columns, masks: _Masks, sub: np.ndarray, counted: np.ndarray,
                   cand: np.ndarray, is_local: np.ndarray, near: list[Distance],
                   knows: Callable[[str], bool]) -> CohortCell:
    """One cohort in one area. It is ``known`` (a missing stage is a gap, not "not compiled")
    when every stage is covered or known where it is not (``knows``: the area is compiled, or
    the stage was compiled for every area)."""
    ages = np.arange(cohort.ages[0], cohort.ages[1] + 1)
    stages: dict[str, CohortStageCell] = {}
    for s in cohort.stages:
        r = masks.row[("cohort", cohort.id, s)]
        m, c = sub[r], counted[r]
        missing: tuple[int, ...]
        if cohort.every_age:
            served = _ages_served(cols, cand[c], ages)
            covered = bool(served.all())
            with_national = bool(_ages_served(cols, cand[m], ages).all())
            missing = tuple(int(a) for a in ages[~served])
        else:
            covered, with_national, missing = bool(c.any()), bool(m.any()), ()
        d = near[r]
        stages[s] = CohortStageCell(
            covered=covered,
            services=int(c.sum()),
            local_services=int((m & is_local).sum()),
            national_services=int((m & ~is_local).sum()),
            national_only=(not covered) and with_national,
            ages_without_cover=missing,
            nearest_km=d.nearest_km, p90_km=d.p90_km, max_km=d.max_km, share_within_km=d.share_within_km,
        )
    covered = all(v.covered for v in stages.values())
    nearest = [v.nearest_km for v in stages.values()]
    shares = [v.share_within_km for v in stages.values()]
    return CohortCell(
        covered=covered,
        national_only=(not covered) and all(v.covered or v.national_only for v in stages.values()),
        missing_stages=tuple(s for s, v in stages.items() if not v.covered),
        nearest_km=max(x for x in nearest if x is not None) if None not in nearest else None,
        share_within_km=min(x for x in shares if x is not None) if None not in shares else None,
        stages=stages,
        known=all(v.covered or knows(s) for s, v in stages.items()),
    )


def area_result(model: GapModel, code: str, *, cols: Columns | None = None,
                masks: _Masks | None = None) -> AreaGaps:
    """The gap record of one area (the docs/contracts.md ``gaps`` item, plus added fields)."""
    cols = cols or model.columns
    masks = masks or model.masks
    geo = model.directory.geography
    authority = geo.authorities[code]
    local = cols.area_members.get(code, np.empty(0, dtype=np.int64))
    cand = np.concatenate([local, cols.national_ids]).astype(np.int64)
    is_local = np.arange(len(cand)) < len(local)
    sub = masks.matrix[:, cand]  # rows × candidates
    counted = sub & (is_local[None, :] | masks.national[:, None])
    lats, lons, weights = geo.area_points(code)
    near = nearest(cols, cand, counted, lats, lons, weights / weights.sum(), model.settings.within_km)
    n_local = (sub & is_local).sum(axis=1)
    n_national = (sub & ~is_local).sum(axis=1)
    waiting = cols.rows.waiting_weeks[cand]

    coverage = model.directory.coverage.of(code)

    def knows(stage: str) -> bool:  # a missing service at this stage here is a known gap
        return model.directory.coverage.knows(code, stage)

    stages: dict[str, StageCell] = {}
    for rule in model.stages:
        r = masks.row[("stage", rule.id)]
        covered = bool(counted[r].any())
        d = near[r]
        stages[rule.id] = StageCell(
            covered=covered,
            known=covered or knows(rule.id),
            services=int(counted[r].sum()),
            nearest_km=d.nearest_km, p90_km=d.p90_km, max_km=d.max_km, share_within_km=d.share_within_km,
            local_services=int(n_local[r]),
            national_services=int(n_national[r]),
            national_only=bool(n_local[r] == 0 and n_national[r] > 0),
            waiting_weeks=_median(waiting[counted[r]]),
            general_route=not covered and bool(rule.general_types) and bool(counted[masks.row[("general", rule.id)]].any()),
        )
    cohorts: dict[str, CohortCell] = {
        c.id: _cohort_result(c, cols, masks, sub, counted, cand, is_local, near, knows)
        for c in model.book.cohorts
    }
    # Data quality describes the directory's own records, never a what-if's hypothetical.
    recorded = local[local < model.columns.recorded]
    stale = int(cols.stale[recorded].sum())
    quality = DataQuality(
        local_services=len(recorded),
        stale=stale,
        stale_share=round(stale / len(recorded), 3) if len(recorded) else None,
    )
    # A gap is a known one: where the area is not compiled, a missing service is unknown.
    gaps = GapLists(
        stages=tuple(s for s, v in stages.items() if not v.covered and v.known),
        cohorts=tuple(c for c, v in cohorts.items() if not v.covered and v.known),
    )
    not_compiled = GapLists(
        stages=tuple(s for s, v in stages.items() if not v.known),
        cohorts=tuple(c for c, v in cohorts.items() if not v.known),
    )
    # Children, need, services per 10k, neighbours and each stage's commissioner.
    record = annotate_area(model, code=authority.code, name=authority.name, region=authority.region,
                           coverage=coverage, stages=stages, cohorts=cohorts, gaps=gaps,
                           not_compiled=not_compiled, data_quality=quality)
    return replace(record, statements=tuple(area_statements(model, record)))


@dataclass(frozen=True, eq=False)
class GapReport:
    """The gap table: one record per area, and the rules it was computed by."""

    model: GapModel
    areas: tuple[AreaGaps, ...]

    def area(self, code_or_name: str) -> AreaGaps:
        """One area's record, by GSS code or name; PlaceNotFound when it is not in the report."""
        code = self.model.authority(code_or_name).code
        for a in self.areas:
            if a.code == code:
                return a
        raise PlaceNotFound(f"{code_or_name!r} is not in this report")

    def to_dict(self) -> dict[str, Any]:
        """The docs/contracts.md ``gaps`` JSON object, with the rules and definitions beside it."""
        model = self.model
        national = model.columns.national_ids
        stale = int(model.columns.stale[national].sum())
        return {
            "areas": [a.to_dict() for a in self.areas],
            "generated_on": model.today.isoformat(),
            "rules": dict(RULES),
            "settings": model.settings.model_dump(mode="json"),
            "stages": [s.to_dict() for s in model.stages],
            "cohorts": [
                {"id": c.id, "name": c.name, "description": c.description, "finding": c.finding,
                 "source": c.source, "stages": list(c.stages), "ages": list(c.ages)}
                for c in model.book.cohorts
            ],
            "national_data_quality": {
                "national_services": len(national),
                "stale": stale,
                "stale_share": round(stale / len(national), 3) if len(national) else None,
            },
            **report_context(model),
        }




def analyse(directory: Directory, *, areas: Iterable[str] | None = None,
            today: dt.date | None = None) -> GapReport:
    """The gap table for every authority (or the named ones, by code or name).

    The full table is cached per model (see :func:`gap_model`), so the app and repeated
    calls cost nothing until a data file changes.
    """
    model = gap_model(directory, today=today)
    if areas is not None:
        codes = list(dict.fromkeys(model.authority(a).code for a in areas))
        return GapReport(model, tuple(area_result(model, c) for c in codes))

    def build() -> GapReport:
        authorities = directory.geography.authorities
        codes = sorted(authorities, key=lambda c: authorities[c].name)
        return GapReport(model, tuple(area_result(model, c) for c in codes))

    report: GapReport = directory.derived(("gap_report", model.today), lambda r: r.model is model, build)
    return report
