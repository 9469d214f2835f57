"""Claims a family would act on that only old pages state are taken out, kept as dated words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.models import REFERRAL_CRITICAL, source_cutoff

__all__ = ["drop_outdated_claims", "page_date"]


def page_date(page: dict[str, Any]) -> dt.date | None:
    """A built source page's date: its own, or the one its words give (``dated_by``)."""
    return page.get("updated") or (page.get("dated_by") or {}).get("date")


def drop_outdated_claims(record: dict[str, Any], compiled: dt.date | None) -> str | None:
    """Take out each referral-critical claim whose only pages are over two years old (as of
    the compile date, so a re-run gives the same files), keeping what they said as dated words.

    A family acts on who can refer, the ages and the hours: an old page is history, not a
    claim Waymark makes today. A page dated only by its own words counts as dated. Phone
    numbers stay (with the card saying how old they are: services.freshness): a number is how
    a family reaches the service, and dropping it would leave them none.
    """
    cutoff = source_cutoff(compiled)
    said: list[str] = []
    newest: list[dt.date] = []
    for name in REFERRAL_CRITICAL:
        if name not in record:
            continue
        pages = [p for p in record["sources"] if name in p.get("supports", ())]
        dates = [page_date(p) for p in pages]
        if pages and all(d is not None and d < cutoff for d in dates):
            value = record.pop(name)
            newest.append(max(d for d in dates if d is not None))
            for p in pages:
                p["supports"] = [f for f in p["supports"] if f != name]
            if name == "schedules":
                said.append("hours: " + "; ".join(sch["description"] for sch in value))
            elif name == "referral_routes":
                said.append("referral: " + "; ".join(value))
            elif name in ("min_age", "max_age"):
                said.append(f"{name.replace('_', ' ')} {value}")
            else:
                said.append(f"{name.replace('_', ' ')}: {value}")
    if not said:
        return None
    return (f"Pages last updated {max(newest).isoformat()} or earlier said ({'; '.join(said)}); no current page "
            "confirms it, so Waymark does not state it: ask the service.")
