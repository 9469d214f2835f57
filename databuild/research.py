"""A research file: the pages a compiler read, as a list of rows with a ``compiled`` date.

``data/sources/<name>.yaml`` holds ``compiled: YYYY-MM-DD``, one list of rows (its key
depends on the file: ``authorities``, ``forces``, ``services`` ...) and ``not_found`` (what
was searched for and not found, so SOURCES.md can say so). A missing file is not an error:
the build then makes what it can from the reference tables alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import DataFileError, Problem
from services.yamlio import load_yaml

from .rows import key_line, line_of, unknown_keys

__all__ = ["Research", "read_research"]


#: Top-level keys a research file may carry beside its list of rows.
_FILE_KEYS = {"compiled", "not_found", "not_rechecked", "rechecked"}


@dataclass
class Research:
    """One research file as read: its date, its rows, what was not found, other top-level keys."""

    label: str
    compiled: dt.date | None = None
    rows: list[Any] = field(default_factory=list)
    not_found: list[Any] = field(default_factory=list)
    present: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def keyed_rows(self, section: str, key: str, known_keys: set[str], code_of: Callable[[str], str],
                   is_known: Callable[[str], bool], unknown: str, problems: list[Problem]) -> dict[str, Any]:
        """The rows by their code (``code_of`` the ``key`` field, e.g. a merged council's
        successor), each a mapping with known keys, a known code and listed once; a row that
        is not becomes a problem naming its line, and the rest still build.

        ``unknown`` says what the code should have been, after the code itself."""
        rows: dict[str, Any] = {}
        for row in self.rows:
            if not isinstance(row, dict):
                problems.append(Problem(self.label, line_of(row), section, "each entry must be a mapping"))
                continue
            unknown_keys(row, known_keys, self.label, problems)
            given = str(row.get(key) or "").strip()
            code = code_of(given)
            if not is_known(code):
                problems.append(Problem(self.label, line_of(row), key, f"{given!r} {unknown}"))
                continue
            if code in rows:
                problems.append(Problem(self.label, line_of(row), key,
                                        f"{code} is listed twice (first at line {line_of(rows[code])})"))
                continue
            rows[code] = row
        return rows


def read_research(path: Path, label: str, list_keys: tuple[str, ...], problems: list[Problem],
                  notes: list[str]) -> Research:
    """Read a research file; problems carry its ``file:line``; a missing file is a note."""
    out = Research(label)
    if not path.exists():
        notes.append(f"{label}: not there yet; built from the reference tables alone")
        return out
    try:
        raw = load_yaml(path, label=label)
    except DataFileError as exc:
        problems.extend(exc.problems)
        return out
    if raw is None:
        notes.append(f"{label}: empty; built from the reference tables alone")
        return out
    if not isinstance(raw, dict):
        problems.append(Problem(label, getattr(raw, "line", 1), "file", "must be a mapping with 'compiled' and a list"))
        return out
    out.present = True
    compiled = raw.get("compiled")
    if isinstance(compiled, dt.date) and not isinstance(compiled, dt.datetime):
        out.compiled = compiled
    else:
        problems.append(Problem(label, key_line(raw, "compiled"), "compiled",
                                f"{compiled!r} is not a date (YYYY-MM-DD): the records need it as last_verified"))
    for key in list_keys:
        if key in raw:
            rows = raw[key]
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                problems.append(Problem(label, key_line(raw, key), key, "must be a list"))
                rows = []
            out.rows = rows
            break
    else:
        notes.append(f"{label}: no {' or '.join(repr(k) for k in list_keys)} list yet")
    nf = raw.get("not_found") or []
    out.not_found = nf if isinstance(nf, list) else []
    for key in raw:
        if key in _FILE_KEYS and key not in ("compiled", "not_found"):
            out.extra[str(key)] = raw[key]
        elif key not in _FILE_KEYS and key not in list_keys:
            problems.append(Problem(label, key_line(raw, key), str(key),
                                    f"is not a key of a research file (expected compiled, {', '.join(list_keys)}, "
                                    "not_found)"))
    return out
