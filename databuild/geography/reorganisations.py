"""Local government reorganisations since 2009, from ``data/sources/reorganisations.csv``.

Why a table: the ONS lookup the build starts from is as at 2021, and people still type the
codes and names of councils abolished before it. Each row is one code that went out of use:
its name, when it ended, the Order that ended it (with a link), and the authority or
authorities that cover its area *today* (a chain such as Taunton Deane → Somerset West and
Taunton → Somerset is written as its end: Somerset). One successor: the old code resolves to
it. Two or more: the area was split and the resolver explains the split instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from services.errors import DataFileError, Problem

from .rows import At, read_rows

__all__ = ["COLUMNS", "Reorganisation", "read_reorganisations"]

COLUMNS = ["old_code", "old_name", "ended", "successors", "successor_names", "order", "source"]

_CODE = re.compile(r"^E\d{8}$")
#: A full date, or the year alone where the Order's commencement date was not confirmed.
_ENDED = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


@dataclass(frozen=True)
class Reorganisation:
    """One code that went out of use, and today's authority (or authorities) for its area."""

    old_code: str
    old_name: str
    ended: str
    successors: tuple[str, ...]
    successor_names: tuple[str, ...]
    order: str
    source: str
    at: At

    @property
    def is_split(self) -> bool:
        """The area went to more than one authority, so the old code resolves to none."""
        return len(self.successors) > 1


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";")) if value.strip() else ()


def _problems(row: dict[str, str], at: At) -> list[Problem]:
    found = []
    if not _CODE.match(row["old_code"]):
        found.append(Problem(at.file, at.line, "old_code", f"{row['old_code']!r} is not an English GSS code"))
    for field in ("old_name", "order", "source"):
        if not row[field].strip():
            found.append(Problem(at.file, at.line, field, "is empty"))
    if not _ENDED.match(row["ended"]):
        found.append(Problem(at.file, at.line, "ended", f"{row['ended']!r} is not YYYY-MM-DD or YYYY"))
    successors, names = _split(row["successors"]), _split(row["successor_names"])
    if not successors or any(not _CODE.match(code) for code in successors):
        found.append(Problem(at.file, at.line, "successors",
                             f"{row['successors']!r} is not a ';'-separated list of GSS codes"))
    if len(names) != len(successors) or not all(names):
        found.append(Problem(at.file, at.line, "successor_names", "needs one name for each successor"))
    return found


def read_reorganisations(path: Path) -> list[Reorganisation]:
    """Every row of the table, in file order; raises :class:`DataFileError` naming each bad row."""
    problems: list[Problem] = []
    changes: list[Reorganisation] = []
    for at, row in read_rows(Path(path), COLUMNS, problems):
        found = _problems(row, at)
        problems += found
        if not found:
            changes.append(Reorganisation(row["old_code"], row["old_name"].strip(), row["ended"],
                                          _split(row["successors"]), _split(row["successor_names"]),
                                          row["order"].strip(), row["source"].strip(), at))
    first: dict[str, At] = {}
    for change in changes:
        if change.old_code in first:
            problems.append(Problem(change.at.file, change.at.line, "old_code",
                                    f"{change.old_code} is already at {first[change.old_code]}"))
        first.setdefault(change.old_code, change.at)
    for change in changes:
        for code in change.successors:
            if code in first:
                problems.append(Problem(change.at.file, change.at.line, "successors",
                                        f"{code} itself ended ({first[code]}): name today's authority"))
    if problems:
        raise DataFileError(sorted(problems, key=lambda p: p.line or 0))  # in file order
    return changes
