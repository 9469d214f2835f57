"""Who a service is for and what it delivers, written once over the index's columns.

Search (:mod:`services.search`), the planner (:mod:`pathways.planner`) and the gap model
(:mod:`pathways.gaps`) all ask the same questions of the directory: does it serve this age,
deliver this stage, need a disclosure, carry on during an investigation, take
self-referrals, still run, and are its details out of date? Each question is one function
here over :class:`~services.index.SearchIndex` columns (numpy masks, so a national directory
of 100,000 services is answered at once). The per-record forms (``Service.is_stale``, the
planner's ``eligible`` and ``delivers``) are these same functions on a one-row index
(:func:`one`), never a second copy of the rule.

Every function takes ``rows`` (positions in the index, default all) and returns a boolean
mask over those rows.

>>> from services.models import Service
>>> s = Service.model_validate({"id": "x", "name": "X", "description": "x", "service_areas": ["national"],
...     "service_types": ["therapeutic"], "stages": ["therapeutic_support"], "min_age": 4, "max_age": 12,
...     "source": "a page", "last_verified": "2026-01-01"})
>>> ix = one(s)
>>> bool(serves_ages(ix, [9])[0]), bool(serves_ages(ix, [13])[0]), bool(serves_ages(ix, [9, None])[0])
(True, False, True)
>>> bool(delivers(ix, "therapeutic_support", ["therapeutic", "camhs"])[0])
True
>>> bool(delivers(ix, "hsb_intervention", ["therapeutic"])[0]), bool(delivers(ix, "x", [], ["therapeutic"])[0])
(False, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from .models import source_cutoff

if TYPE_CHECKING:
    from .index import RowColumns, SearchIndex
    from .models import Service

    #: The whole index, or some of its rows (``SearchIndex.at``).
    Columns = SearchIndex | RowColumns

__all__ = [
    "Rows",
    "Columns",
    "one",
    "serves_ages",
    "serves_some_age",
    "of_types",
    "in_stages",
    "delivers",
    "needs_disclosure",
    "says",
    "not_said_to_stop",
    "for_parents",
    "offered",
    "active",
    "out_of_date",
]

#: Positions in the index (default: every row).
Rows = np.ndarray | slice | None

_ALL = slice(None)


def _pick(column: np.ndarray, rows: Rows) -> np.ndarray:
    return column[_ALL if rows is None else rows]


def one(service: Service) -> SearchIndex:
    """A one-row index of ``service``: the per-record form of every question here."""
    from .index import SearchIndex

    return SearchIndex.build([service])


def serves_ages(ix: Columns, ages: Iterable[int | None], rows: Rows = None) -> np.ndarray:
    """Serves every known age (``None``: an age nobody knows, never a reason to leave out)."""
    lo, hi = _pick(ix.min_age, rows), _pick(ix.max_age, rows)
    keep = np.ones(len(lo), dtype=bool)
    for age in ages:
        if age is not None:
            keep &= (lo <= age) & (hi >= age)
    return keep


def serves_some_age(ix: Columns, youngest: int, oldest: int, rows: Rows = None) -> np.ndarray:
    """Serves at least one age in ``youngest..oldest`` (a cohort's band, children 0-17)."""
    return (_pick(ix.min_age, rows) <= oldest) & (_pick(ix.max_age, rows) >= youngest)


def of_types(ix: Columns, service_types: Iterable[str], rows: Rows = None) -> np.ndarray:
    """A service of one of ``service_types`` (a type no record can have matches none)."""
    from .index import type_mask
    from .vocabulary import SERVICE_TYPES

    mask = type_mask([t for t in service_types if t in SERVICE_TYPES])
    return (_pick(ix.type_bits, rows) & np.uint32(mask)) != 0


def in_stages(ix: Columns, stages: Iterable[str], rows: Rows = None) -> np.ndarray:
    """The record says it takes part in one of ``stages`` (its own, or its types' defaults)."""
    from .index import stage_mask
    from .vocabulary import STAGES

    mask = stage_mask([s for s in stages if s in STAGES])
    return (_pick(ix.stage_bits, rows) & np.uint32(mask)) != 0


def delivers(ix: Columns, stage: str, stage_types: Sequence[str], extra_types: Sequence[str] = (),
             rows: Rows = None) -> np.ndarray:
    """Delivers ``stage``: both sides agree, the record (its stages) and the pathway (the
    stage's service types), so a children's therapy course is not an intervention for
    harmful sexual behaviour because both are "therapeutic". ``extra_types`` (a variant's)
    count on their type alone: an intermediary for a disabled child."""
    both = in_stages(ix, [stage], rows) & of_types(ix, stage_types, rows)
    return both | of_types(ix, extra_types, rows) if extra_types else both


def needs_disclosure(ix: Columns, rows: Rows = None) -> np.ndarray:
    """Helps only once a child has told someone, or the abuse has been reported."""
    return _pick(ix.requires_disclosure, rows).astype(bool)


def says(ix: Columns, fact: Literal["during_investigation", "self_referral", "free"], value: bool,
         rows: Rows = None) -> np.ndarray:
    """The record states ``fact`` is ``value`` (unknown never passes either way)."""
    return _pick(getattr(ix, fact), rows) == int(value)


def not_said_to_stop(ix: Columns, rows: Rows = None) -> np.ndarray:
    """Not said to stop during a police investigation (statutory services carry on)."""
    return _pick(ix.during_investigation, rows) != 0


def for_parents(ix: Columns, rows: Rows = None) -> np.ndarray:
    """For parents and carers rather than the child."""
    return _pick(ix.for_parents, rows).astype(bool)


def offered(ix: Columns, rows: Rows = None) -> np.ndarray:
    """Listed at all: not defunct or inactive (a temporarily closed one is, marked closed)."""
    return _pick(ix.offered, rows).astype(bool)


def active(ix: Columns, rows: Rows = None) -> np.ndarray:
    """Running now: what a plan may offer."""
    return _pick(ix.active, rows).astype(bool)


def out_of_date(ix: Columns, today: dt.date | None = None, *, months: int = 12, rows: Rows = None) -> np.ndarray:
    """Out of date: a claim a family acts on rests only on pages older than two years
    (``claims_confirmed``), or the record was last checked more than ``months`` ago."""
    day = today or dt.date.today()
    confirmed = _pick(ix.claims_confirmed, rows)
    old_claim = (confirmed > 0) & (confirmed < source_cutoff(day).toordinal())
    return old_claim | (day.toordinal() - _pick(ix.checked, rows) > months * 365 // 12)
