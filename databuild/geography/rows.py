"""Reading a hand-kept CSV table: its header checked, each row with the place it stands.

Why the place: a maintainer who mistypes a code in ``data/sources/`` is told
``reorganisations.csv:14: successors: …``, the shape editors and CI logs understand.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from services.errors import DataFileError, Problem

__all__ = ["At", "read_rows"]


@dataclass(frozen=True)
class At:
    """Where a row stands: ``file:line``."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def read_rows(path: Path, columns: list[str]) -> list[tuple[At, dict[str, str]]]:
    """Every row of ``path`` with its place; a header other than ``columns`` is a
    :class:`DataFileError`."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise DataFileError([Problem(path.name, 1, "header", f"expected {','.join(columns)}")])
        return [(At(path.name, line), row) for line, row in enumerate(reader, start=2)]
