"""Who a service is for: eligibility text and an age range that makes sense."""

from __future__ import annotations

from typing import Any

from ..values import Problems, age_of, items_of, text_of

__all__ = ["read_eligibility"]


def read_eligibility(raw: dict[str, Any], record: dict[str, Any], problems: Problems) -> None:
    """Eligibility text and ages: HSDS 3 puts ages on the service; ORUK 1 in ``eligibilitys``."""
    eligibilitys = [e for e in items_of(raw.get("eligibilitys")) if isinstance(e, dict)]
    eligibility = text_of(raw.get("eligibility_description")) or text_of(raw.get("eligibility")) or (
        "; ".join(t for t in (text_of(e.get("eligibility")) for e in eligibilitys) if t) or None)
    if eligibility:
        record["eligibility"] = eligibility
    min_raw = raw.get("minimum_age", next((e.get("minimum_age") for e in eligibilitys if e.get("minimum_age") is not None), None))
    max_raw = raw.get("maximum_age", next((e.get("maximum_age") for e in eligibilitys if e.get("maximum_age") is not None), None))
    min_age = age_of(min_raw, "minimum_age", problems)
    max_age = age_of(max_raw, "maximum_age", problems)
    if min_age is not None and max_age is not None and min_age > max_age:
        problems.append(("minimum_age", f"minimum age {min_age} is above maximum age {max_age}; both left out"))
        min_age = max_age = None
    if min_age is not None:
        record["min_age"] = min_age
    if max_age is not None:
        record["max_age"] = max_age
