"""England's 153 children's services authorities today, and every code that leads to one.

Why this step: the ONS lookup packaged on PyPI is as at 2021. Brought up to date with the
reorganisations table it gives the current upper tier (``upper``) and, for every lower-tier,
unitary or former code a user or a data file may carry, today's authority (``lower``).
Pure: no file is read here, so the rules can be tested without the ``geodata`` extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.errors import DataError

from .reorganisations import Reorganisation
from .upper_tier import UpperTier

__all__ = ["EXPECTED_AUTHORITIES", "Authorities", "current_authorities"]

EXPECTED_AUTHORITIES = 153


@dataclass(frozen=True)
class Authorities:
    """The current upper tier and the codes that resolve to it."""

    upper: dict[str, str]  #: code → ONS name
    lower: dict[str, tuple[str, str]]  #: any code seen → (upper-tier code, its own name)
    splits: list[Reorganisation]  #: abolished authorities whose area went to several
    names: dict[str, str]  #: code → the name Waymark shows (display name, else ONS name)
    regions: dict[str, str]  #: code → ONS region
    aliases: dict[str, tuple[str, ...]]  #: code → other names people type


def _bring_up_to_date(lookup: Iterable[Mapping[str, str]],
                      changes: list[Reorganisation]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    whole = {c.old_code: c for c in changes if not c.is_split}
    upper: dict[str, str] = {}
    lower: dict[str, tuple[str, str]] = {}
    for rec in lookup:
        lt, ut = rec["LTLA21CD"], rec["UTLA21CD"]
        if not lt.startswith("E"):
            continue
        ut_name = rec["UTLA21NM"]
        if ut in whole:
            ut = whole[ut].successors[0]
        if lt in whole:
            ut, ut_name = whole[lt].successors[0], whole[lt].successor_names[0]
        upper.setdefault(ut, ut_name)
        lower[lt] = (ut, rec["LTLA21NM"])
    # A code that ended is no authority; its successor is, under the name the table gives
    # (which must be the lookup's when the lookup already knows the successor).
    for change in whole.values():
        upper.pop(change.old_code, None)
        code, name = change.successors[0], change.successor_names[0]
        if upper.get(code, name) != name:
            raise DataError(f"{change.at}: successor_names: the lookup names {code} {upper[code]!r}, not {name!r}")
        upper[code] = name
        lower.setdefault(change.old_code, (code, change.old_name))
    for change in changes:
        if change.is_split:
            upper.pop(change.old_code, None)
    # Current lower-tier codes that are themselves upper tier (unitaries etc.).
    for code in list(upper):
        lower.setdefault(code, (code, upper[code]))
    return upper, lower


def _check(upper: dict[str, str], lower: dict[str, tuple[str, str]], changes: list[Reorganisation],
           upper_tier: Mapping[str, UpperTier]) -> None:
    for code, (up, _name) in lower.items():
        if up not in upper:
            raise DataError(f"lookup error: {code} maps to unknown authority {up}")
    for change in changes:
        if not change.is_split:
            continue
        for code, name in zip(change.successors, change.successor_names):
            if code not in upper:
                raise DataError(f"{change.at}: successors: {code} is not a current authority")
            if upper[code] != name:
                raise DataError(f"{change.at}: successor_names: the lookup names {code} {upper[code]!r}, not {name!r}")
    if len(upper) != EXPECTED_AUTHORITIES:
        raise DataError(f"expected {EXPECTED_AUTHORITIES} authorities, found {len(upper)}")
    out_of_step = set(upper) ^ set(upper_tier)
    if out_of_step:
        raise DataError(f"region table out of step with authorities: {sorted(out_of_step)}")
    for code, row in upper_tier.items():
        if row.ons_name != upper[code]:
            raise DataError(f"{row.at}: ons_name: the lookup names {code} {upper[code]!r}, not {row.ons_name!r}")


def current_authorities(lookup: Iterable[Mapping[str, str]], changes: list[Reorganisation],
                        upper_tier: Mapping[str, UpperTier]) -> Authorities:
    """The 2021 lookup's rows (``LTLA21CD``, ``LTLA21NM``, ``UTLA21CD``, ``UTLA21NM``) brought up
    to date; raises :class:`DataError` when the tables and the lookup disagree."""
    upper, lower = _bring_up_to_date(lookup, changes)
    _check(upper, lower, changes, upper_tier)
    return Authorities(
        upper=upper,
        lower=lower,
        splits=sorted((c for c in changes if c.is_split), key=lambda c: c.old_code),
        names={code: upper_tier[code].display_name or name for code, name in upper.items()},
        regions={code: upper_tier[code].region for code in upper},
        aliases={code: upper_tier[code].aliases for code in upper},
    )
