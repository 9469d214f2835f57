"""The gap table split by commissioner: each body's own list of the steps it pays for.

A partnership sends NHS England the medical-assessment gaps, the PCC the advocacy gaps, the
ICB the therapy gaps. One row per area × stage led by that commissioner
(``data/commissioners.yaml``), with the figures that weigh it: children, identified need,
local services per 10,000 children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .analysis import GapReport
from .need import commissioners_for
from .records import AreaGaps

__all__ = [
    "COVERED",
    "NATIONAL_ONLY",
    "NOT_COMPILED",
    "NOT_COVERED",
    "commissioner_rows",
    "gap_count",
    "restrict_area",
    "stage_status",
    "stages_of",
]

COVERED, NATIONAL_ONLY, NOT_COVERED = "Covered locally", "National services only", "Not covered"
NOT_COMPILED = "Not compiled (unknown)"
#: The area's figures (AreaGaps.figures) a commissioner's row carries, in its column order.
_ROW_FIGURES = ("children_0_17", "children_year", "sexual_abuse_assessments", "need_per_10k_children", "need_years",
                "need")


def stage_status(area: AreaGaps, stage_id: str) -> str:
    """Covered, national only, not covered — or unknown where the area is not compiled, so
    a missing service there is not mistaken for a gap."""
    v = area.stages[stage_id]
    if v.covered:
        return COVERED
    if not area.compiled:
        return NOT_COMPILED
    return NATIONAL_ONLY if v.national_only else NOT_COVERED


def stages_of(report: GapReport, commissioners: Iterable[str]) -> list[str]:
    """The stages led by any of ``commissioners``, in pathway order."""
    book = commissioners_for(report.model)
    wanted = set(commissioners)
    return [s.id for s in report.model.stages if book.stage(s.id).commissioner in wanted]


def commissioner_rows(report: GapReport, commissioner: str, *, gaps_only: bool = True) -> list[dict[str, Any]]:
    """One row per area × stage this commissioner leads (only the uncovered ones by default)."""
    book = commissioners_for(report.model)
    stages = stages_of(report, [commissioner])
    rows = []
    for a in report.areas:
        figures = a.figures()
        for s in stages:
            v = a.stages[s]
            status = stage_status(a, s)
            if gaps_only and status == COVERED:
                continue
            rows.append({
                "commissioner": book.name(commissioner),
                "code": a.code,
                "name": a.name,
                "region": a.region,
                "stage": report.model.stage(s).name,
                "status": status,
                "local_services": v.local_services,
                "national_services": v.national_services,
                "services_per_10k_children": v.services_per_10k_children,
                "nearest_km": v.nearest_km,
                **{k: figures[k] for k in _ROW_FIGURES},
                "co_commissioners": ", ".join(book.name(c) for c in v.co_commissioners),
            })
    return rows


def restrict_area(area: AreaGaps, stages: list[str]) -> AreaGaps:
    """A copy of an area record with only ``stages`` (and their gaps): a commissioner's view."""
    return replace(
        area,
        stages={s: v for s, v in area.stages.items() if s in stages},
        gaps=replace(area.gaps, stages=tuple(s for s in area.gaps.stages if s in stages)),
    )


def gap_count(report: GapReport, area: AreaGaps, commissioner: str | None = None) -> int:
    """An area's stage and cohort gaps, or only the stage gaps a commissioner leads on."""
    if commissioner is None:
        return len(area.gaps.stages) + len(area.gaps.cohorts)
    mine = set(stages_of(report, [commissioner]))
    return sum(1 for s in area.gaps.stages if s in mine)
