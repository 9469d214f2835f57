"""``data/cohorts.yaml``: who each gap cohort is, which stages matter, which services count.

Everything a commissioner might want to argue about (which stages matter for 16–17 year
olds, whether a national helpline is enough once support ends) is data in that file, with
the inspection finding each cohort answers. This module only checks the file, strictly and
with lines, and turns a cohort's service test into a numpy mask.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services import eligibility as E
from services.datadir import SHIPPED_DATA, data_file
from services.directory import validate_file
from services.errors import DataFileError, Problem
from services.versioned import VersionedLoader
from services.vocabulary import COHORTS, Cohort, ServiceType, Stage
from services.yamlio import line_of, load_mapping

if TYPE_CHECKING:
    from .columns import Columns

__all__ = [
    "Require",
    "CohortDef",
    "GapSettings",
    "CohortBook",
    "SHIPPED_COHORTS",
    "cohorts_path",
    "load_cohorts",
    "require_mask",
]

SHIPPED_COHORTS = SHIPPED_DATA / "cohorts.yaml"


class _Spec(BaseModel):
    """Unknown keys are errors: a misspelt test must not silently count every service."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Require(_Spec):
    """A test a service must pass to count for a cohort (all given fields must hold)."""

    for_parents: bool | None = None
    requires_disclosure: bool | None = None
    available_during_investigation: bool | None = None
    accepts_self_referral: bool | None = None
    accessible: bool | None = None
    service_types: list[ServiceType] = []
    any_of: list[Require] = []


class CohortDef(_Spec):
    id: Cohort
    name: str = Field(min_length=1)
    phrase: str = Field(min_length=1)
    description: str = Field(min_length=1)
    finding: str = Field(min_length=1)
    source: str = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    ages: tuple[int, int] = (0, 17)
    every_age: bool = False
    require: Require = Require()
    national_counts: bool | None = None

    @model_validator(mode="after")
    def _ages(self) -> CohortDef:
        lo, hi = self.ages
        if not 0 <= lo <= hi <= 120:
            raise ValueError(f"ages {list(self.ages)} must be [youngest, oldest] between 0 and 120")
        return self


class GapSettings(_Spec):
    within_km: float = Field(default=30.0, gt=0, le=1000)
    stale_months: int = Field(default=12, ge=1, le=120)
    child_ages: tuple[int, int] = (0, 17)
    #: Service types that are a route to a stage in a plan but never count as its cover for a
    #: commissioner (a general CAMHS is not specialist therapy): stage → types.
    general_routes: dict[Stage, list[ServiceType]] = {}


class CohortBook(_Spec):
    """The whole file: settings, the stage words for statements, and the cohorts."""

    version: Literal[1]
    settings: GapSettings = GapSettings()
    stage_words: dict[Stage, str] = {}
    cohorts: list[CohortDef] = Field(min_length=1)

    def cohort(self, cohort_id: str) -> CohortDef:
        return next(c for c in self.cohorts if c.id == cohort_id)


def cohorts_path(data_dir: Path | str | None = None) -> Path:
    """``DIR/cohorts.yaml`` when a data directory ships one, otherwise the shipped file."""
    return data_file("cohorts.yaml", data_dir)


def load_cohorts(path: Path | str | None = None) -> CohortBook:
    """Load and check a cohorts file (the shipped one by default); cached per file version.

    Raises ``DataFileError`` listing every problem as ``file:line: field: problem``.
    """
    source = Path(path) if path is not None else SHIPPED_COHORTS
    return _loader(source)


def _load(path: Path, label: str) -> CohortBook:
    raw = load_mapping(path, label=label, field="cohorts", keys="version, settings, cohorts")
    book = validate_file(CohortBook, raw, label)
    ids = [c.id for c in book.cohorts]
    problems = []
    for i, ident in enumerate(ids):
        if ident in ids[:i]:
            problems.append(Problem(label, line_of(raw, ("cohorts", i)), f"cohorts.{ident}", "is defined twice"))
    missing = [c for c in COHORTS if c not in ids]
    if missing:
        problems.append(
            Problem(label, raw.key_lines.get("cohorts"), "cohorts",
                    f"missing cohort(s): {', '.join(missing)} (every docs/contracts.md cohort must be defined)")
        )
    if problems:
        raise DataFileError(problems)
    return book


def require_mask(require: Require, cols: Columns) -> np.ndarray:
    """Which services pass ``require``, as a boolean mask over ``cols``' services.

    A tri-state field that a record leaves unknown never passes a true/false test.
    """
    rows = cols.rows
    keep = np.ones(len(rows.min_age), dtype=bool)
    if require.for_parents is not None:
        keep &= E.for_parents(rows) == require.for_parents
    if require.requires_disclosure is not None:
        keep &= E.needs_disclosure(rows) == require.requires_disclosure
    if require.available_during_investigation is not None:
        keep &= E.says(rows, "during_investigation", require.available_during_investigation)
    if require.accepts_self_referral is not None:
        keep &= E.says(rows, "self_referral", require.accepts_self_referral)
    if require.accessible is not None:
        keep &= rows.accessible == require.accessible
    if require.service_types:
        keep &= E.of_types(rows, require.service_types)
    if require.any_of:
        either = np.zeros_like(keep)
        for option in require.any_of:
            either |= require_mask(option, cols)
        keep &= either
    return keep


#: Parsed once per file version (services.versioned): an edit is picked up without a restart.
_loader: VersionedLoader[CohortBook] = VersionedLoader(_load, maxsize=8)
