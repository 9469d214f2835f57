"""Plain sentences a commissioner can paste into a paper, from an area's gap record.

"York: no support for non-offending parents within 30 km of where children live"
"Cornwall: therapeutic support only from national services"

The words come from ``data/cohorts.yaml`` (each cohort's ``phrase`` and ``name``, the
``stage_words``); this module only decides which sentence an area's numbers call for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .records import AreaGaps, CohortCell, StageCell

if TYPE_CHECKING:  # for the annotation only: analysis imports this module, not the reverse
    from .analysis import GapModel

__all__ = ["area_statements", "age_ranges", "km"]


def km(value: float) -> str:
    """A distance as a paper would print it: 42 km, 7.5 km."""
    return f"{value:.0f} km" if value >= 10 else f"{value:.1f} km"


def age_ranges(ages: Iterable[int]) -> str:
    """[0, 1, 2, 3, 16, 17] → "0–3 and 16–17"."""
    runs: list[list[int]] = []
    for a in sorted(set(ages)):
        if runs and a == runs[-1][1] + 1:
            runs[-1][1] = a
        else:
            runs.append([a, a])
    parts = [f"{lo}" if lo == hi else f"{lo}–{hi}" for lo, hi in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _far(name: str, what: str, record: StageCell | CohortCell, within_km: float) -> str | None:
    """A sentence when the nearest counted service is beyond ``within_km`` on average."""
    nearest, share = record.nearest_km, record.share_within_km
    if nearest is None or nearest <= within_km:
        return None
    limit = km(within_km)
    if not share:
        return f"{name}: no {what} within {limit} of where children live (nearest on average {km(nearest)})"
    return (f"{name}: {what} on average {km(nearest)} from where children live; "
            f"{share:.0%} live within {limit}")


def area_statements(model: GapModel, record: AreaGaps) -> list[str]:
    """The statements for one area, most specific first: cohorts, stages, distance, data."""
    name = record.name
    settings = model.settings
    quality = record.data_quality
    if record.coverage == "statutory":
        unknown = len(record.not_compiled.stages)
        lines = [
            f"{name}: local services are not yet compiled in the directory (only the statutory front door, "
            f"police, medical route and the support compiled for every area are listed), so {unknown} "
            f"stage{'s' if unknown != 1 else ''} without a listed service {'are' if unknown != 1 else 'is'} unknown "
            f"rather than {'gaps' if unknown != 1 else 'a gap'}"
        ]
        for rule in model.stages:
            cell = record.stages[rule.id]
            if cell.known and not cell.covered:  # compiled for every area, and none found here
                lines.append(f"{name}: {rule.words} only from national services" if cell.national_only
                             else f"{name}: no {rule.words}")
            elif cell.general_route:
                lines.append(f"{name}: the only route listed for {rule.words} is a general one, "
                             f"{rule.general_words}; specialist support is not compiled")
        return lines
    if quality.local_services == 0 and not any(v.local_services for v in record.stages.values()):
        return [
            f"{name}: no local services are recorded in the directory, so every stage relies on "
            "national services; this is a gap in the data as much as in services"
        ]
    out: list[str] = []
    far: list[str] = []
    for cohort in model.book.cohorts:
        result = record.cohorts[cohort.id]
        if result.covered:
            line = _far(name, cohort.phrase, result, settings.within_km)
            if line:
                far.append(line)
            continue
        if result.national_only:
            out.append(f"{name}: {cohort.phrase} only from national services")
            continue
        missing = [(s, result.stages[s]) for s in result.missing_stages]
        if len(missing) == len(cohort.stages) and not any(
            v.services or v.local_services or v.national_services for _, v in missing
        ):
            out.append(f"{name}: no {cohort.phrase}")
            continue
        for stage_id, v in missing:
            words = model.stage(stage_id).words
            if v.national_only:
                out.append(f"{name}: {words} for {cohort.name} only from national services")
            elif cohort.every_age and v.services and v.ages_without_cover:
                out.append(f"{name}: no {words} for {cohort.name} aged {age_ranges(v.ages_without_cover)}")
            else:
                out.append(f"{name}: no {words} for {cohort.name}")
    for rule in model.stages:
        cell = record.stages[rule.id]
        if not cell.covered:
            if cell.national_only:
                out.append(f"{name}: {rule.words} only from national services")
            else:
                out.append(f"{name}: no {rule.words}"
                           + (f"; the only route listed is a general one, {rule.general_words}"
                              if cell.general_route else ""))
        else:
            line = _far(name, rule.words, cell, settings.within_km)
            if line:
                far.append(line)
    out.extend(far)
    if quality.stale_share is not None and quality.stale_share >= 0.5:
        out.append(
            f"{name}: {quality.stale} of {quality.local_services} local service records are not "
            f"confirmed with the organisation, not checked in the last {settings.stale_months} months, or rest on "
            "pages over two years old; confirm them before relying on this analysis"
        )
    return out
