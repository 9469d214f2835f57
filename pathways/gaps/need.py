"""Weigh each area's gaps: children, identified need, services per 10,000 children, neighbours.

A commissioner asks of every gap *how many children does this cover, how much sexual abuse
is being identified here, how do we compare with authorities like us, and whose budget is
it?* This module adds those figures to each area record of the gap table:

- ``children`` — ONS mid-year estimate of children aged 0–17, the latest year;
- ``need`` — DfE children in need, assessments at whose end sexual abuse was identified as a
  factor (adult on child + child on child + unknown), pooled over the latest three reporting
  years, as an average yearly rate per 10,000 children. Child sexual exploitation is shown
  beside it, never added in: the factors are not exclusive, so one assessment can record both
  (see :data:`MEASURE`). A count DfE suppressed (``c``) makes the pooled count and rate
  unknown — shown as "fewer than 5 in some year", never as zero;
- ``services_per_10k_children`` — the area's local records, and each stage's local services,
  per 10,000 children; only where the area's local services are compiled
  (:func:`locally_compiled`), because elsewhere a low rate would describe our data, not the area;
- ``neighbours`` — the GSS codes of its ten DfE statistical neighbours, closest first;
- each stage's ``commissioner`` (``data/commissioners.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from services.commissioning import (
    CSE_COLUMN,
    ENGLAND,
    SEXUAL_ABUSE_COLUMNS,
    SOURCES,
    SYMBOLS,
    Statistics,
    load_statistics,
)

from .commissioners import CommissionerBook, commissioners_path, load_commissioners
from .records import AreaGaps, CohortCell, DataQuality, GapLists, ServiceRates, StageCell

__all__ = [
    "MEASURE",
    "NOT_COMPILED_REASON",
    "POOLED_YEARS",
    "SMALL_COUNT",
    "SMALL_POPULATION",
    "SUPPRESSED_WORDS",
    "annotate_area",
    "children_figure",
    "commissioners_for",
    "locally_compiled",
    "need_figure",
    "neighbour_rows",
    "report_context",
    "statistics_for",
]

#: How many of the latest reporting years are pooled: single years are too few to compare.
POOLED_YEARS = 3
#: Fewer assessments than this over the pooled years and the rate is flagged as resting on
#: small numbers (the ONS convention for rates from fewer than 20 events).
SMALL_COUNT = 20
#: Fewer children than this and one service more or less swings the rate per 10,000 children
#: wildly (the Isles of Scilly have about 300): such rates are flagged.
SMALL_POPULATION = 10_000
SUPPRESSED_WORDS = "fewer than 5 in some year"
MEASURE = (
    "Assessments by children's social care that ended with sexual abuse identified as a factor "
    "(by an adult, by another child, or unknown), per 10,000 children aged 0-17 a year, pooled over "
    "the years shown. This counts children assessed with the factor, not how many children are "
    "abused (prevalence): most abuse is never assessed, and a child assessed twice counts twice. "
    "Child sexual exploitation is a separate factor, shown beside it and not added in, because one "
    "assessment can record both."
)
NOT_COMPILED_REASON = (
    "Services here have not been compiled into the directory (only national and statutory "
    "sources are known), so a services-per-children figure would describe our data, not the area."
)


# -- the one switch the merger changes ------------------------------------------------------

def locally_compiled(area: AreaGaps | Mapping[str, Any]) -> bool:
    """Whether an area's local services have been compiled, so rates of services per child
    mean something there.

    A record of the gap table (:class:`AreaGaps`) carries docs/contracts.md's ``coverage``
    (``local`` | ``statutory``), which decides. For a plain mapping (an area read back from
    the JSON) ``coverage`` wins when present; without it an area is compiled when the
    directory holds a local record of its own children's social care front door (the local
    service at ``refer_to_social_care``).
    Every compilation of an area starts there; records that merely reach an area from a
    neighbour's compilation (a regional SARC, a Child House serving five boroughs, a service
    shared with Shropshire) do not make it compiled. In the shipped data this gives the six
    hand-compiled areas: York, Shropshire, Derby, Cornwall, Islington and Bracknell Forest.
    """
    if isinstance(area, AreaGaps):
        return area.compiled
    if "coverage" in area:
        return bool(area["coverage"] == "local")
    front_door = area.get("stages", {}).get("refer_to_social_care") or {}
    return bool(front_door.get("local_services"))


# -- loaders ---------------------------------------------------------------------------------

def statistics_for(model: Any) -> Statistics:
    """The commissioning statistics for a gap model's data directory (cached by file version)."""
    directory = model.directory
    return load_statistics(directory.geography, directory.data_dir)


def commissioners_for(model: Any) -> CommissionerBook:
    return load_commissioners(commissioners_path(model.directory.data_dir))


def _source(kind: str) -> dict[str, str]:
    return dict(SOURCES[kind])


# -- figures ----------------------------------------------------------------------------------

def children_figure(stats: Statistics, code: str) -> dict[str, Any] | None:
    """``{"count", "year", "ages", "source"}`` for the latest mid-year estimate, or None."""
    found = stats.children(code)
    if found is None:
        return None
    count, year = found
    return {"count": count, "year": year, "ages": "0-17", "source": _source("population")}


def _rate(count: int | None, children: int | None) -> float | None:
    if count is None or not children:
        return None
    return round(count * 10_000 / children, 1)


def _span(years: list[int]) -> str | None:
    """[2023, 2024, 2025] → "2023-2025"; None when no year could be pooled."""
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0]) if years else None


def need_figure(stats: Statistics, code: str, *, pooled: int = POOLED_YEARS) -> dict[str, Any]:
    """Sexual-abuse assessment factors pooled over the latest ``pooled`` reporting years.

    Reporting year Y (to 31 March Y) is set against the mid-(Y−1) population, the estimate
    that falls inside it. A year the authority did not exist in under its LA number (Cumbria's
    successors before 2024) is left out of the pool and named in ``note``; a year published
    under a former GSS code with the same LA number and boundary (North Yorkshire and
    Somerset before 2024) is pooled and named too.
    """
    window = stats.factor_years[-pooled:]
    by_year: list[dict[str, Any]] = []
    notes: list[str] = []
    columns = {"sexual_abuse": SEXUAL_ABUSE_COLUMNS, "cse": (CSE_COLUMN,)}
    published = {"sexual_abuse": 0, "cse": 0}  # every published count, even in a year with a gap
    symbols: dict[str, set[str]] = {"sexual_abuse": set(), "cse": set()}
    denominators: list[int | None] = []
    pooled_years: list[int] = []
    current = stats.factor_row(code, window[-1]) if window else None
    for year in window:
        row = stats.factor_row(code, year)
        if row is None:
            notes.append(f"No {year} figure under this authority's DfE number "
                         f"(it did not report separately that year); the pool covers the other years.")
            continue
        if current is not None and row.code != current.code:
            notes.append(f"{year} figure published under the former code {row.code} "
                         f"(same DfE number {row.number}, same authority).")
        pooled_years.append(year)
        entry: dict[str, Any] = {"year": year}
        for kind, cols in columns.items():
            cells = [row.cells.get(c) for c in cols]
            bad = {c.symbol for c in cells if c is not None and c.symbol} | ({"x"} if None in cells else set())
            values = sum(c.value for c in cells if c is not None and c.value is not None)
            published[kind] += values
            symbols[kind] |= bad
            name = "sexual_abuse" if kind == "sexual_abuse" else "child_sexual_exploitation"
            entry[name] = None if bad else values
            entry[f"{name}_symbols"] = sorted(bad)
        children = stats.children(code, year - 1)
        entry["children"] = children[0] if children else None
        entry["children_year"] = year - 1
        denominators.append(entry["children"])
        by_year.append(entry)

    if not pooled_years:
        notes = ["No published figures for this authority in the DfE file."]
    population = sum(d for d in denominators if d) if denominators and all(denominators) else None
    if population is None and pooled_years:
        notes.append("A population estimate is missing for a pooled year: no rate is computed.")

    def figure(kind: str) -> dict[str, Any]:
        bad = symbols[kind]
        count = None if bad or not pooled_years else published[kind]
        if not pooled_years:
            status = "no_figures"
        elif "c" in bad:
            status = "suppressed"
        elif bad:
            status = "unavailable"
        else:
            status = "published"
        return {
            "count": count,
            "per_10k_children": _rate(count, population),
            "suppressed": "c" in bad,
            "status": status,
            "at_least": published[kind] if bad and pooled_years else None,
            # A suppressed count is small by definition; a published one below SMALL_COUNT too.
            "small_number": "c" in bad or (count is not None and count < SMALL_COUNT),
            "why_missing": "; ".join(SYMBOLS[s] for s in sorted(bad) if s in SYMBOLS) or None,
        }

    sa, cse = figure("sexual_abuse"), figure("cse")
    return {
        "sexual_abuse_assessments": sa["count"],
        "per_10k_children": sa["per_10k_children"],
        "years": _span(pooled_years),
        "suppressed": sa["suppressed"],
        "status": sa["status"],
        "at_least": sa["at_least"],
        "small_number": sa["small_number"],
        "why_missing": sa["why_missing"],
        "text": need_text(sa, _span(pooled_years)),
        "child_sexual_exploitation": {
            "assessments": cse["count"], "per_10k_children": cse["per_10k_children"],
            "suppressed": cse["suppressed"], "status": cse["status"], "at_least": cse["at_least"],
            "small_number": cse["small_number"], "text": need_text(cse, _span(pooled_years)),
        },
        "children_years": sorted({e["children_year"] for e in by_year}),
        "by_year": by_year,
        "note": " ".join(notes) or None,
        "source": _source("factors"),
    }


def need_text(figure: dict[str, Any], years: str | None) -> str:
    """One line a reader can take: the count and rate, or why there is none.

    >>> need_text({"status": "suppressed", "at_least": 12}, "2023-2025")
    'fewer than 5 in some year (2023-2025): not computed; at least 12 published'
    """
    status = figure["status"]
    if status == "no_figures":
        return "no published figures"
    if status == "suppressed":
        extra = f"; at least {figure['at_least']} published" if figure.get("at_least") else ""
        return f"{SUPPRESSED_WORDS} ({years}): not computed{extra}"
    if status == "unavailable":
        return f"not computed: a year's figure was not published ({figure.get('why_missing') or 'not available'})"
    rate = figure.get("per_10k_children")
    small = " (small numbers: read with care)" if figure.get("small_number") else ""
    per = f", {rate:g} per 10,000 children a year" if rate is not None else ""
    return f"{figure['count']:,} assessments ({years}){per}{small}"


def _per_10k(count: int, children: dict[str, Any] | None) -> float | None:
    if not children or not children["count"]:
        return None
    return round(count * 10_000 / children["count"], 2)


def annotate_area(model: Any, *, code: str, name: str, region: str, coverage: str,
                  stages: Mapping[str, StageCell], cohorts: Mapping[str, CohortCell], gaps: GapLists,
                  not_compiled: GapLists, data_quality: DataQuality) -> AreaGaps:
    """An area's record with its children, need, services per 10,000 children, neighbours
    and each stage's commissioner added to the counts the analysis made."""
    stats = statistics_for(model)
    book = commissioners_for(model)
    children = children_figure(stats, code)
    compiled = coverage == "local"
    per_10k: float | None = None
    if compiled and children:
        per_10k = _per_10k(data_quality.local_services, children)
        rates = ServiceRates(compared=True, reason=None, year=children["year"],
                             small_population=children["count"] < SMALL_POPULATION)
    else:
        rates = ServiceRates(
            compared=False,
            reason=NOT_COMPILED_REASON if not compiled else "No population estimate for this area.",
            year=children["year"] if children else None,
            small_population=bool(children and children["count"] < SMALL_POPULATION),
        )
    annotated = {}
    for stage_id, stage in stages.items():
        assignment = book.stage(stage_id)
        annotated[stage_id] = replace(
            stage,
            commissioner=assignment.commissioner,
            co_commissioners=tuple(assignment.also),
            services_per_10k_children=_per_10k(stage.local_services, children) if rates.compared else None,
        )
    neighbours = stats.neighbours(code)
    return AreaGaps(
        code=code, name=name, region=region, coverage=coverage, stages=annotated, cohorts=cohorts,
        gaps=gaps, not_compiled=not_compiled, data_quality=data_quality,
        children=children, need=need_figure(stats, code),
        services_per_10k_children=per_10k, service_rates=rates,
        neighbours=tuple(c for c, _ in neighbours), neighbour_closeness=tuple(band for _, band in neighbours),
    )


def report_context(model: Any) -> dict[str, Any]:
    """What every report carries once: England's figures, the commissioners and the sources."""
    stats = statistics_for(model)
    book = commissioners_for(model)
    return {
        "england": {"children": children_figure(stats, ENGLAND), "need": need_figure(stats, ENGLAND)},
        "need_measure": MEASURE,
        "commissioners": [
            {"id": c, "name": book.commissioners[c].name, "stages": book.stages_for(c)}
            for c in book.commissioners
        ],
        "commissioner_stages": {
            s: {"commissioner": a.commissioner, "also": list(a.also), "why": a.why, "sources": book.citation(a)}
            for s, a in book.stages.items()
        },
        "commissioning_sources": {
            "population": _source("population"), "need": _source("factors"), "neighbours": _source("neighbours"),
            "commissioners": [{"title": s.title, "url": s.url, "read": s.read.isoformat()} for s in book.sources.values()],
        },
        "commissioning_data_problems": [str(p) for p in stats.problems],
    }


def neighbour_rows(areas: Mapping[str, AreaGaps], code: str, *, stage: str | None = None) -> list[dict[str, Any]]:
    """The area and its statistical neighbours, closest first, with the figures to set them
    side by side: identified need per 10,000 children, and local services per 10,000
    children (all local records, or one stage's) — None, with the reason, where the area is
    not compiled or the need figure is suppressed or not published."""
    area = areas[code]
    bands = dict(zip(area.neighbours, area.neighbour_closeness))
    rows = []
    for i, c in enumerate([code, *area.neighbours]):
        a = areas.get(c)
        if a is None:
            continue
        need = a.need or {}
        compared = a.service_rates.compared
        rate = a.services_per_10k_children if stage is None else a.stages[stage].services_per_10k_children
        rows.append({
            "order": i,
            "code": c,
            "name": a.name,
            "role": "This area" if c == code else "Statistical neighbour",
            "closeness": bands.get(c, ""),
            "children": (a.children or {}).get("count"),
            "need_per_10k_children": need.get("per_10k_children"),
            "need": need.get("text") or "no published figures",
            "need_small_number": bool(need.get("small_number")),
            "services_per_10k_children": rate if compared else None,
            "services": ("not compiled: no comparison" if not compared else
                         f"{rate:g} per 10,000 children" if rate is not None else "no figure"),
            "small_population": a.service_rates.small_population,
        })
    return rows
