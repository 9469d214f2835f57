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


def read_rows(path: Path, columns: list[str], problems: list[Problem]) -> list[tuple[At, dict[str, str]]]:
    """Every row of ``path`` with its place; a row with fewer or more fields than the header
    is added to ``problems`` and left out, so the caller's checks only see whole rows.

    A file that cannot be read, or whose header is not ``columns``, is a
    :class:`DataFileError`: nothing in it can be used.
    """
    rows: list[tuple[At, dict[str, str]]] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != columns:
                raise DataFileError([Problem(path.name, 1, "header", f"expected {','.join(columns)}")])
            for row in reader:
                # line_num, not a count of rows: blank lines are skipped and a quoted field
                # may run over lines; this is the line the row ends on.
                at = At(path.name, reader.line_num)
                if None in row:
                    problems.append(Problem(at.file, at.line, "row", f"has {len(columns) + len(row[None])} fields; "
                                            f"the header has {len(columns)} (a ',' inside a value needs quotes)"))
                elif any(v is None for v in row.values()):
                    short = [k for k, v in row.items() if v is None]
                    problems.append(Problem(at.file, at.line, short[0],
                                            f"the row ends before {', '.join(short)} (fewer fields than the header)"))
                else:
                    rows.append((at, row))
    except OSError as exc:
        raise DataFileError([Problem(path.name, None, "file", f"cannot be read ({exc.strerror or exc})")]) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataFileError([Problem(path.name, None, "file", f"is not a readable CSV file ({exc})")]) from None
    return rows
