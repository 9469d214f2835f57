"""Each upper-tier authority's region, display name and aliases, from ``data/sources/upper_tier_authorities.csv``.

Why a table: ONS names read "Bristol, City of"; people type "Bristol", "Hull", "BCP" or
"Brighton & Hove". The region puts each authority on the gap map. ``ons_name`` is there for
a reader of the file and as a check: the build fails when the lookup's name differs, so a
new lookup cannot silently rename an authority the aliases were written for.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from services.errors import DataFileError, Problem

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
    file: str
    line: int

    @property
    def where(self) -> str:
        """``file:line`` of the row, for messages about it."""
        return f"{self.file}:{self.line}"


def read_upper_tier(path: Path) -> dict[str, UpperTier]:
    """code → row; raises :class:`DataFileError` naming each bad row."""
    path = Path(path)
    problems: list[Problem] = []
    rows: dict[str, UpperTier] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise DataFileError([Problem(path.name, 1, "header", f"expected {','.join(COLUMNS)}")])
        for line, row in enumerate(reader, start=2):
            code = row["code"]
            if not _CODE.match(code):
                problems.append(Problem(path.name, line, "code", f"{code!r} is not an upper-tier GSS code"))
            elif code in rows:
                problems.append(Problem(path.name, line, "code", f"{code} is already at {rows[code].where}"))
            for field in ("ons_name", "region"):
                if not row[field].strip():
                    problems.append(Problem(path.name, line, field, "is empty"))
            aliases = tuple(a.strip() for a in row["aliases"].split(";")) if row["aliases"].strip() else ()
            if any(not a for a in aliases):
                problems.append(Problem(path.name, line, "aliases", "has an empty alias"))
            if code not in rows:
                rows[code] = UpperTier(code, row["ons_name"], row["region"].strip(), row["display_name"].strip(),
                                       aliases, path.name, line)
    if problems:
        raise DataFileError(problems)
    return rows
