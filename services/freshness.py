"""How far a record can be trusted, in words a family can act on, and what a maintainer must fix.

Two different things are easily run together, and Waymark keeps them apart:

- **not checked with the organisation** (``verified: false``): compiled from the
  organisation's and others' pages, but nobody has confirmed it with the service itself;
- **out of date** (:meth:`Service.is_stale`): the newest dated page behind the record is
  older than :data:`~services.models.SOURCE_MAX_AGE_YEARS`, or the record was last checked
  too long ago.

A record compiled this week from current pages is the first, not the second. The labels
are built here (domain logic) and only rendered by the CLIs, the app and the plan.

:func:`source_warnings` is the maintainer's side: a referral-critical field (ages, who can
refer, hours, whether a child must have told someone) that rests on no cited page, or only
on pages older than two years, is a claim a family could act on without anything current
behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .models import MAX_AGE, REFERRAL_CRITICAL, SOURCE_MAX_AGE_YEARS, Service, source_cutoff

__all__ = [
    "NOT_CHECKED",
    "OUT_OF_DATE",
    "Label",
    "labels",
    "freshness_summary",
    "ages_text",
    "SourceWarning",
    "source_warnings",
]

NOT_CHECKED = "not_checked_with_organisation"
OUT_OF_DATE = "out_of_date"


@dataclass(frozen=True)
class Label:
    """One thing a user should know about how current a listing is."""

    id: str  # NOT_CHECKED | OUT_OF_DATE
    text: str
    #: A few words for a crowded line (a plan step, a map pop-up).
    short: str


def _date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def labels(service: Service, today: dt.date | None = None, *, months: int = 12) -> list[Label]:
    """The freshness labels for a listing, most serious first (empty: nothing to say)."""
    out: list[Label] = []
    if service.is_stale(today, months=months):
        newest = service.newest_source_date()
        if service.sources_out_of_date(today) and newest is not None:
            why = (
                f"the newest page we could find about it is dated {_date_text(newest)}, "
                f"more than {SOURCE_MAX_AGE_YEARS} years ago"
            )
        else:
            why = f"these details were last checked on {_date_text(service.last_verified)}"
        out.append(
            Label(
                OUT_OF_DATE,
                f"Out of date: {why}. The service may have changed: check with them first.",
                "out of date: check with them first",
            )
        )
    if not service.verified:
        out.append(
            Label(
                NOT_CHECKED,
                "Not checked with the organisation: compiled on "
                f"{_date_text(service.last_verified)} from published pages. Confirm with them before you rely on it.",
                "not checked with the organisation",
            )
        )
    return out


def freshness_summary(service: Service, today: dt.date | None = None) -> dict[str, Any]:
    """The JSON block for a service item: both labels apart, and the dates behind them."""
    newest = service.newest_source_date()
    return {
        "checked_with_organisation": service.verified,
        "out_of_date": service.is_stale(today),
        "newest_source": newest.isoformat() if newest else None,
        "labels": [{"id": lab.id, "text": lab.text} for lab in labels(service, today)],
    }


def ages_text(service: Service) -> str:
    """The ages a service is for, saying so plainly when its pages do not state them."""
    if not service.ages_stated:
        return "Ages not stated: ask them whether they can help this child"
    lo, hi = service.min_age, service.max_age
    if lo <= 0 and hi >= 100:
        return "All ages"
    if hi >= 100:
        return f"Ages {lo} and over"
    if lo <= 0:
        return f"Children and young people up to age {hi}"
    return f"Ages {lo} to {hi}"


@dataclass(frozen=True)
class SourceWarning:
    """A referral-critical field with no current page behind it."""

    service_id: str
    field: str
    message: str


def _claims(service: Service, field: str) -> bool:
    """Whether the record makes a claim in this field (stated, and not empty or unknown)."""
    if field == "min_age":
        return "min_age" in service.model_fields_set or service.min_age != 0
    if field == "max_age":
        return "max_age" in service.model_fields_set or service.max_age != MAX_AGE
    if field not in service.model_fields_set:
        return False
    return getattr(service, field) not in (None, [], "")


def source_warnings(service: Service, today: dt.date | None = None) -> list[SourceWarning]:
    """Referral-critical claims resting on no cited page, or only on pages over two years old.

    A page with no date of its own counts as current (it was read when the record was
    compiled); a dated page older than the cut-off does not.
    """
    cutoff = source_cutoff(today)
    out: list[SourceWarning] = []
    for field in REFERRAL_CRITICAL:
        if not _claims(service, field):
            continue
        pages = [p for p in service.sources if field in p.supports]
        if not pages:
            out.append(SourceWarning(service.id, field, "rests on no source page (add one to sources with this field in supports, or remove the claim)"))
        elif all(p.updated is not None and p.updated < cutoff for p in pages):
            newest = max(p.updated for p in pages if p.updated is not None)
            out.append(
                SourceWarning(
                    service.id,
                    field,
                    f"rests only on pages older than {SOURCE_MAX_AGE_YEARS} years (newest {newest.isoformat()}): "
                    "find a current page or remove the claim",
                )
            )
    return out
