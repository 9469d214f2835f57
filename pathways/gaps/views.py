"""What a commissioner can look at in a gap report, and the figures behind each look.

A *view* is one question about every area at once: how many gaps (all, or one
commissioner's), services or identified need per 10,000 children, or one stage or cohort.
The Service gaps page, its map, table and chart, and anything else that shows a report
(a CLI, a download) take their rows, counts and words from here, so the page only draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .analysis import GapReport
from .by_commissioner import gap_count, stages_of
from .need import SUPPRESSED_WORDS, commissioners_for, report_context
from .records import AreaGaps
from .statements import km
from .status import COVERED_NOT_COMPILED, NOT_COMPILED, STATUS_COLOURS, cell_status

__all__ = [
    "View",
    "GAP_COUNT",
    "RATE",
    "NEED",
    "StatusCounts",
    "views",
    "view_label",
    "gaps_in",
    "figure",
    "no_figure_words",
    "quantile_edges",
    "view_status",
    "table_rows",
    "within_column",
    "status_counts",
    "areas_with_gaps",
    "rate_caption",
    "stage_rows",
    "cohort_rows",
    "MapCell",
    "map_cells",
    "areas_with_figure",
    "areas_not_compiled",
]

#: (kind, id): ("count", "all" or a commissioner), ("rate", "all"), ("need", "sexual_abuse"),
#: ("stage", a stage id) or ("cohort", a cohort id).
View = tuple[str, str]
GAP_COUNT: View = ("count", "all")
RATE: View = ("rate", "all")
NEED: View = ("need", "sexual_abuse")


def views(report: GapReport, commissioner: str | None = None) -> list[View]:
    """Every view of the report, or the ones about the steps one commissioner leads."""
    model = report.model
    if commissioner is not None:
        return [("count", commissioner), RATE, NEED] + [("stage", s) for s in stages_of(report, [commissioner])]
    return ([GAP_COUNT, RATE, NEED]
            + [("stage", s.id) for s in model.stages]
            + [("cohort", c.id) for c in model.book.cohorts])


def view_label(report: GapReport, view: View) -> str:
    """The view as a commissioner would name it."""
    kind, ident = view
    if kind == "count":
        if ident != "all":
            return f"Number of gaps {commissioners_for(report.model).name(ident)} commissions"
        return "Number of gaps (stages and cohorts)"
    if kind == "rate":
        return "Local services per 10,000 children"
    if kind == "need":
        return "Sexual abuse identified at assessment, per 10,000 children"
    if kind == "stage":
        return f"Stage: {report.model.stage(ident).name}"
    return f"For: {report.model.book.cohort(ident).name}"


def gaps_in(report: GapReport, area: AreaGaps, view: View) -> int:
    """An area's gaps in a count view (all, or the steps one commissioner leads)."""
    return gap_count(report, area, None if view[1] == "all" else view[1])


def figure(area: AreaGaps, view: View) -> float | None:
    """The number a rate view colours by: services or need per 10,000 children."""
    if view[0] == "rate":
        return area.services_per_10k_children
    value: float | None = (area.need or {}).get("per_10k_children")
    return value


def no_figure_words(area: AreaGaps, view: View) -> str:
    """Why an area has no figure in a rate view."""
    if view[0] == "rate":
        return "not compiled: no comparison"
    return SUPPRESSED_WORDS if (area.need or {}).get("suppressed") else "not published"


def quantile_edges(values: list[float]) -> list[float]:
    """Upper edges of five quantile classes (the last is the maximum).

    >>> quantile_edges([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    [3.0, 5.0, 7.0, 9.0, 10.0]
    >>> quantile_edges([])
    []
    """
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, (len(ordered) * k) // 5)] for k in range(1, 5)] + [ordered[-1]]


def view_status(area: AreaGaps, view: View) -> str:
    """The one word for an area in a stage or cohort view (pathways.gaps.status)."""
    return cell_status(area, view[0], view[1])


def within_column(report: GapReport) -> str:
    """The table's column for the share of children near a service, named by the distance
    the gap analysis is set to (``cohorts.yaml`` ``settings.within_km``), not a fixed 30 km."""
    return f"Within {km(report.model.settings.within_km)}"


def table_rows(report: GapReport, view: View) -> list[dict[str, Any]]:
    """The table for a view: one row per area, with its children, identified need and
    services per 10,000 children beside it. Where the area is not compiled, its number of
    gaps is unknown (None), not zero."""
    rows = []
    within = within_column(report)
    for a in report.areas:
        row: dict[str, Any] = {"Area": a.name, "Code": a.code, "Region": a.region,
                               "Coverage": "Compiled" if a.compiled else NOT_COMPILED}
        if view[0] == "stage":
            stage = a.stages[view[1]]
            row["Status"] = view_status(a, view)
            row["Services"] = stage.services
            row["Services per 10,000 children"] = stage.services_per_10k_children
            row["Nearest (km, average)"] = stage.nearest_km
            row[within] = stage.share_within_km
        elif view[0] == "cohort":
            cohort = a.cohorts[view[1]]
            row["Status"] = view_status(a, view)
            row["Services"] = sum(s.services for s in cohort.stages.values())
            row["Nearest (km, average)"] = cohort.nearest_km
            row[within] = cohort.share_within_km
        children, need = a.children or {}, a.need or {}
        row["Children 0-17"] = children.get("count")
        row["Identified need per 10,000"] = need.get("per_10k_children")
        row["Identified need"] = need.get("text")
        row["Local services per 10,000 children"] = a.services_per_10k_children
        if view[0] == "count" and view[1] != "all":
            row["Gaps this body commissions"] = gaps_in(report, a, view) if a.compiled else None
        row["Stage gaps"] = len(a.gaps.stages) if a.compiled else None
        row["Cohort gaps"] = len(a.gaps.cohorts) if a.compiled else None
        row["Local records"] = a.data_quality.local_services
        row["Not recently checked"] = a.data_quality.stale_share
        rows.append(row)
    return rows


@dataclass(frozen=True)
class StatusCounts:
    """How many compiled areas have each status in a view, and the areas not compiled (one
    number everywhere), some of them covered at this step by a regional or statutory service."""

    by_status: dict[str, int]
    not_compiled: int
    covered_there: int


def status_counts(report: GapReport, view: View) -> StatusCounts:
    """Areas by status in a stage or cohort view."""
    compiled = [a for a in report.areas if a.compiled]
    statuses = [view_status(a, view) for a in compiled]
    return StatusCounts(
        by_status={s: statuses.count(s) for s in STATUS_COLOURS if s not in (COVERED_NOT_COMPILED, NOT_COMPILED)},
        not_compiled=areas_not_compiled(report),
        covered_there=sum(1 for a in report.areas if not a.compiled and view_status(a, view) == COVERED_NOT_COMPILED),
    )


def areas_with_gaps(report: GapReport, view: View) -> tuple[int, int]:
    """(compiled areas with at least one gap in a count view, compiled areas)."""
    compiled = [a for a in report.areas if a.compiled]
    if view[1] != "all":
        return sum(1 for a in compiled if gaps_in(report, a, view)), len(compiled)
    return sum(1 for a in compiled if a.gaps.stages or a.gaps.cohorts), len(compiled)


def rate_caption(report: GapReport, view: View) -> str:
    """Which year and source a rate comes from, in one sentence."""
    england = report_context(report.model)["england"]
    year = (england["children"] or {}).get("year")
    if view[0] == "rate":
        return (f"Local service records in this directory per 10,000 children aged 0-17 (ONS mid-{year} estimate); "
                "only areas whose local services are compiled are coloured.")
    need = england["need"]
    return (f"Assessments ending with sexual abuse identified as a factor, average per 10,000 children a year, "
            f"{need['years']} (years to 31 March; DfE, Characteristics of children in need; children: ONS mid-year "
            f"estimates). England: {need['per_10k_children']:g}. Children assessed with the factor, not prevalence.")


def stage_rows(report: GapReport, area: AreaGaps) -> list[dict[str, Any]]:
    """One area's stages: status, commissioner, services, distances and waits."""
    model, book = report.model, commissioners_for(report.model)
    return [
        {"Stage": model.stage(s).name, "Status": cell_status(area, "stage", s),
         "Commissioner": book.name(v.commissioner),
         "Local services": v.local_services, "Per 10,000 children": v.services_per_10k_children,
         "National services": v.national_services, "Nearest (km)": v.nearest_km, "90% within (km)": v.p90_km,
         "Waiting (weeks, median)": v.waiting_weeks}
        for s, v in area.stages.items()
    ]


def cohort_rows(report: GapReport, area: AreaGaps) -> list[dict[str, Any]]:
    """One area's cohorts: status, and the stages where cover is missing."""
    model = report.model
    return [
        {"Who": model.book.cohort(c).name, "Status": cell_status(area, "cohort", c),
         "Missing at": ", ".join(model.stage(s).name for s in cell.missing_stages)}
        for c, cell in area.cohorts.items()
    ]


@dataclass(frozen=True)
class MapCell:
    """What the map says about one area in a view: a status (coloured by its name), or a
    number (a gap count or a rate, coloured on a scale), and the words of its tooltip."""

    status: str | None
    value: float | None
    text: str


def map_cells(report: GapReport, view: View) -> dict[str, MapCell]:
    """Each area's cell for the map, by code. An area not compiled has no gap count (its
    gaps are unknown, not zero); an area without a figure says why."""
    cells: dict[str, MapCell] = {}
    for area in report.areas:
        if view[0] == "count" and not area.compiled:
            cell = MapCell(NOT_COMPILED, None, f"{NOT_COMPILED} (local services not listed yet)")
        elif view[0] == "count":
            n = gaps_in(report, area, view)
            cell = MapCell(None, n, f"{n} gap{'s' if n != 1 else ''}")
        elif view[0] in ("rate", "need"):
            value = figure(area, view)
            cell = MapCell(None, value,
                           f"{value:g} per 10,000 children" if value is not None else no_figure_words(area, view))
        else:
            status = view_status(area, view)
            cell = MapCell(status, None, status)
        cells[area.code] = cell
    return cells


def areas_not_compiled(report: GapReport) -> int:
    """How many areas have no compiled local services (their gaps are unknown)."""
    return sum(1 for a in report.areas if not a.compiled)


def areas_with_figure(report: GapReport, view: View) -> int:
    """How many areas have a figure in a rate or need view."""
    return sum(1 for a in report.areas if figure(a, view) is not None)
