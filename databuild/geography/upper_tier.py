"""Each upper-tier authority's region, display name and aliases, from ``data/sources/upper_tier_authorities.csv``.

Why a table: ONS names read "Bristol, City of"; people type "Bristol", "Hull", "BCP" or
"Brighton & Hove". The region puts each authority on the gap map. ``ons_name`` is there for
a reader of the file and as a check: the build fails when the lookup's name differs, so a
new lookup cannot silently rename an authority the aliases were written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from services.errors import DataFileError, Problem

from .rows import At, read_rows

__all__ = ["COLUMNS", "UpperTier", "read_upper_tier"]

COLUMNS = ["code", "ons_name", "region", "display_name", "aliases"]

_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")


@dataclass(frozen=True)
class UpperTier:
    """One children's services authority as Waymark names it."""

    code: str
    ons_name: str
    region: str
    display_name: str  #: empty: the ONS name is used
    aliases: tuple[str, ...]
    at: At


def read_upper_tier(path: Path) -> dict[str, UpperTier]:
    """code → row; raises :class:`DataFileError` naming each bad row."""
    problems: list[Problem] = []
    table: dict[str, UpperTier] = {}
    for at, row in read_rows(Path(path), COLUMNS, problems):
        code = row["code"]
        if not _CODE.match(code):
            problems.append(Problem(at.file, at.line, "code", f"{code!r} is not an upper-tier GSS code"))
        elif code in table:
            problems.append(Problem(at.file, at.line, "code", f"{code} is already at {table[code].at}"))
        for field in ("ons_name", "region"):
            if not row[field].strip():
                problems.append(Problem(at.file, at.line, field, "is empty"))
        aliases = tuple(a.strip() for a in row["aliases"].split(";")) if row["aliases"].strip() else ()
        if any(not a for a in aliases):
            problems.append(Problem(at.file, at.line, "aliases", "has an empty alias"))
        if code not in table:
            table[code] = UpperTier(code, row["ons_name"], row["region"].strip(), row["display_name"].strip(),
                                    aliases, at)
    if problems:
        raise DataFileError(sorted(problems, key=lambda p: p.line or 0))  # in file order
    return table
