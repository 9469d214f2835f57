"""The gap table's records: one :class:`AreaGaps` per area, typed and frozen.

The analysis builds them, the statements, exports, what-if and the page read them by
attribute; :meth:`AreaGaps.to_dict` gives the docs/contracts.md ``gaps`` item (the JSON the CLI
prints), with fields in the order the JSON has always had. ``children`` and ``need`` stay
plain mappings: they are the published figures (ONS, DfE) as :mod:`.need` lays them out,
shared with England's figures in the report context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

__all__ = [
    "AreaGaps",
    "CohortCell",
    "CohortStageCell",
    "DataQuality",
    "Distance",
    "GapLists",
    "ServiceRates",
    "StageCell",
]


def _plain(value: Any) -> Any:
    """JSON-ready: records to dicts, tuples to lists, recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Record:
    """``to_dict()`` for a frozen record: its fields in declaration order, JSON-ready."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _plain(self)
        return out


@dataclass(frozen=True)
class Distance(_Record):
    """How far children live from the nearest counted service (all None when none is placed)."""

    nearest_km: float | None = None
    p90_km: float | None = None
    max_km: float | None = None
    share_within_km: float | None = None


@dataclass(frozen=True)
class StageCell(_Record):
    """One stage in one area: is it covered, by how many services, how far, whose budget."""

    covered: bool
    known: bool
    services: int
    nearest_km: float | None
    p90_km: float | None
    max_km: float | None
    share_within_km: float | None
    local_services: int
    national_services: int
    national_only: bool
    waiting_weeks: float | None
    #: Not covered, but a general route (a CAMHS) is listed: a route in a plan, never cover.
    general_route: bool = False
    commissioner: str | None = None
    co_commissioners: tuple[str, ...] = ()
    services_per_10k_children: float | None = None


@dataclass(frozen=True)
class CohortStageCell(_Record):
    """One stage that matters for a cohort, in one area."""

    covered: bool
    services: int
    local_services: int
    national_services: int
    national_only: bool
    ages_without_cover: tuple[int, ...]
    nearest_km: float | None
    p90_km: float | None
    max_km: float | None
    share_within_km: float | None


@dataclass(frozen=True)
class CohortCell(_Record):
    """One cohort in one area: covered only when every stage that matters for it is."""

    covered: bool
    national_only: bool
    missing_stages: tuple[str, ...]
    nearest_km: float | None
    share_within_km: float | None
    stages: Mapping[str, CohortStageCell]
    known: bool


@dataclass(frozen=True)
class GapLists(_Record):
    """Stage and cohort ids: the area's gaps, or what is not compiled there."""

    stages: tuple[str, ...]
    cohorts: tuple[str, ...]


@dataclass(frozen=True)
class DataQuality(_Record):
    """How many of the area's own records there are, and how many are stale."""

    local_services: int
    stale: int
    stale_share: float | None


@dataclass(frozen=True)
class ServiceRates(_Record):
    """Whether services per 10,000 children are compared here, and why not."""

    compared: bool
    reason: str | None
    year: int | None
    small_population: bool


@dataclass(frozen=True)
class AreaGaps(_Record):
    """The gap record of one area (the docs/contracts.md ``gaps`` item, plus added keys)."""

    code: str
    name: str
    region: str
    coverage: str
    stages: Mapping[str, StageCell]
    cohorts: Mapping[str, CohortCell]
    gaps: GapLists
    not_compiled: GapLists
    data_quality: DataQuality
    children: Mapping[str, Any] | None
    need: Mapping[str, Any]
    services_per_10k_children: float | None
    service_rates: ServiceRates
    neighbours: tuple[str, ...]
    neighbour_closeness: tuple[str, ...]
    statements: tuple[str, ...] = ()

    @property
    def compiled(self) -> bool:
        """Whether the area's local services are compiled (coverage ``local``)."""
        return self.coverage == "local"

    def figures(self) -> dict[str, Any]:
        """The area's weights as flat columns: children, identified need (with its years),
        services per 10k: the export's columns, a commissioner's rows take some of them."""
        children, need = self.children, self.need or {}
        cse = need.get("child_sexual_exploitation") or {}
        return {
            "children_0_17": children["count"] if children else None,
            "children_year": children["year"] if children else None,
            "need_years": need.get("years"),
            "sexual_abuse_assessments": need.get("sexual_abuse_assessments"),
            "need_per_10k_children": need.get("per_10k_children"),
            "need_suppressed": need.get("suppressed"),
            "need_small_number": need.get("small_number"),
            "need": need.get("text"),
            "cse_assessments": cse.get("assessments"),
            "cse_per_10k_children": cse.get("per_10k_children"),
            "services_per_10k_children": self.services_per_10k_children,
            "service_rates_compared": self.service_rates.compared,
            "neighbours": " ".join(self.neighbours),
        }
