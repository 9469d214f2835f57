"""The commissioner's statistics: children 0–17, assessment factors, statistical neighbours.

Three trimmed copies of official statistics live in ``data/commissioning/`` (built by
``python -m databuild commissioning``; provenance in ``data/SOURCES.md``):

- ``population_0_17.csv`` — ONS mid-year estimates, children aged 0 to 17;
- ``cin_factors.csv`` — DfE "Characteristics of children in need": factors identified at
  the end of assessment (sexual abuse by adult / child / unknown, child sexual exploitation);
- ``statistical_neighbours.csv`` — DfE children's services statistical neighbours.

Why the join goes through the DfE three-digit LA number: the neighbour table knows only that
number, and it is the one key that stays put when a GSS code changes without a boundary
change (North Yorkshire 815 was E10000023 until 2023 and E06000065 after; Somerset 933 was
E10000027, then E06000066). Each number is tied to today's authority by the GSS code it
carries in the *latest* year of a file, resolved through the project's geography (which
follows recodings such as Barnsley's 2024 one). A number that only exists in earlier years
(Cumbria 909, split in 2023 into Cumberland 942 and Westmorland and Furness 943) has no
authority today: its figures are never poured into a successor.

A cell keeps the publisher's symbol when it is not a number: ``c`` suppressed small count,
``u`` low reliability (not published), ``x`` not available, ``z`` not applicable. A bad
row is skipped and reported in :attr:`Statistics.problems`; it never takes the rest down.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .datadir import SHIPPED_DATA, data_file
from .errors import Problem
from .geography import Geography

__all__ = [
    "CSE_COLUMN",
    "ENGLAND",
    "FACTOR_COLUMNS",
    "SEXUAL_ABUSE_COLUMNS",
    "SHIPPED_COMMISSIONING",
    "SYMBOLS",
    "Cell",
    "Statistics",
    "commissioning_dir",
    "load_statistics",
]

SHIPPED_COMMISSIONING = SHIPPED_DATA / "commissioning"
#: The key England's own rows are stored under (the files leave the LA columns blank).
ENGLAND = "E92000001"

SEXUAL_ABUSE_COLUMNS = ("Sexual_Abuse_adult_on_child", "Sexual_Abuse_child_on_child", "Sexual_Abuse_unknown")
CSE_COLUMN = "Child_sexual_exploitation"
FACTOR_COLUMNS = (*SEXUAL_ABUSE_COLUMNS, CSE_COLUMN)

#: What the publishers' symbols mean, in words a reader can take.
SYMBOLS = {
    "c": "suppressed small count",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}

FILES = {
    "factors": "cin_factors.csv",
    "population": "population_0_17.csv",
    "neighbours": "statistical_neighbours.csv",
}

SOURCES = {
    "population": {
        "title": "ONS mid-year population estimates, children aged 0 to 17 (via DfE)",
        "url": "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
    },
    "factors": {
        "title": "DfE, Characteristics of children in need: factors identified at the end of assessment",
        "url": "https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
    },
    "neighbours": {
        "title": "DfE children's services statistical neighbours (May 2025)",
        "url": "https://github.com/dfe-analytical-services/local-authority-interactive-tool",
    },
}


@dataclass(frozen=True)
class Cell:
    """One published figure: a whole number, or the publisher's symbol for why there is none."""

    value: int | None
    symbol: str | None = None

    @classmethod
    def parse(cls, text: str) -> Cell | None:
        """``"12"`` → 12; ``"c"`` → suppressed; anything else → None (a bad cell).

        >>> Cell.parse("1,204"), Cell.parse("c"), Cell.parse("seven")
        (Cell(value=1204, symbol=None), Cell(value=None, symbol='c'), None)
        """
        t = text.strip().replace(",", "")
        if t.isdigit():
            return cls(int(t))
        if t.lower() in SYMBOLS:
            return cls(None, t.lower())
        return None


@dataclass(frozen=True)
class _Row:
    year: int
    number: str  # DfE three-digit LA number; ENGLAND for the national row
    code: str  # GSS code as published that year
    name: str
    cells: Mapping[str, Cell]


@dataclass(frozen=True, eq=False)
class Statistics:
    """The three tables, keyed by DfE LA number, with today's authority for each number."""

    directory: Path
    factors: Mapping[tuple[str, int], _Row]
    population: Mapping[tuple[str, int], _Row]
    neighbour_table: Mapping[str, tuple[tuple[str, str], ...]]  # number -> ((number, closeness), ...)
    number_of: Mapping[str, str]  # today's GSS code -> LA number
    code_of: Mapping[str, str]  # LA number -> today's GSS code
    problems: tuple[Problem, ...] = field(default=())

    @property
    def factor_years(self) -> list[int]:
        return sorted({y for (_, y) in self.factors})

    @property
    def population_years(self) -> list[int]:
        return sorted({y for (_, y) in self.population})

    def number(self, code: str) -> str | None:
        """The DfE LA number for today's GSS code (``E92000001`` for England)."""
        return ENGLAND if code == ENGLAND else self.number_of.get(code)

    def factor_row(self, code: str, year: int) -> _Row | None:
        n = self.number(code)
        return self.factors.get((n, year)) if n else None

    def children(self, code: str, year: int | None = None) -> tuple[int, int] | None:
        """``(children aged 0–17, year)``: the given mid-year, or the latest with a figure."""
        n = self.number(code)
        if n is None:
            return None
        years = [year] if year is not None else sorted(self.population_years, reverse=True)
        for y in years:
            row = self.population.get((n, y))
            cell = row.cells.get("population_estimate") if row else None
            if cell is not None and cell.value is not None:
                return cell.value, y
        return None

    def neighbours(self, code: str) -> list[tuple[str, str]]:
        """Today's GSS codes of the authority's statistical neighbours, closest first, with
        the published closeness band. A neighbour with no authority today is left out and
        reported in ``problems`` when the table is loaded."""
        n = self.number(code)
        return [(self.code_of[m], band) for m, band in self.neighbour_table.get(n or "", ()) if m in self.code_of]


def commissioning_dir(data_dir: Path | str | None = None) -> Path:
    """``DIR/commissioning`` when a data directory ships one, otherwise the shipped copy."""
    return data_file("commissioning", data_dir)


def _read(path: Path, needed: Iterable[str], problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    label = path.name
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        problems.append(Problem(label, None, "-", f"cannot be read ({exc.strerror or exc})"))
        return []
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(label, 1, missing[0], f"column missing (needs {', '.join(missing)})"))
            return []
        return [(i, row) for i, row in enumerate(reader, start=2)]


def _stat_rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> dict[tuple[str, int], _Row]:
    out: dict[tuple[str, int], _Row] = {}
    label = path.name
    for line, row in _read(path, ("time_period", "geographic_level", "old_la_code", "new_la_code", "la_name", *columns),
                           problems):
        level = (row.get("geographic_level") or "").strip()
        if level not in ("National", "Local authority"):
            continue
        year_text = (row.get("time_period") or "").strip()
        if not year_text.isdigit():
            problems.append(Problem(label, line, "time_period", f"{year_text!r} is not a year"))
            continue
        number = ENGLAND if level == "National" else (row.get("old_la_code") or "").strip()
        code = ENGLAND if level == "National" else (row.get("new_la_code") or "").strip()
        if not number.isdigit() and number != ENGLAND or not code:
            problems.append(Problem(label, line, "old_la_code", "a local authority row needs old_la_code and new_la_code"))
            continue
        cells: dict[str, Cell] = {}
        for c in columns:
            cell = Cell.parse(row.get(c) or "")
            if cell is None:
                problems.append(Problem(label, line, c, f"{(row.get(c) or '')!r} is neither a count nor a symbol "
                                        f"({', '.join(SYMBOLS)})"))
                continue
            cells[c] = cell
        key = (number, int(year_text))
        if key in out:
            problems.append(Problem(label, line, "old_la_code", f"{number} appears twice for {year_text}; the first is kept"))
            continue
        out[key] = _Row(int(year_text), number, code, (row.get("la_name") or "").strip() or "England", cells)
    return out


def _neighbour_rows(path: Path, problems: list[Problem]) -> dict[str, tuple[tuple[str, str], ...]]:
    columns = ["la_number", "la_name", "sn1"]
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for line, row in _read(path, columns, problems):
        number = (row.get("la_number") or "").strip()
        if not number.isdigit():
            problems.append(Problem(path.name, line, "la_number", f"{number!r} is not a DfE LA number"))
            continue
        pairs = []
        for i in range(1, 11):
            m = (row.get(f"sn{i}") or "").strip()
            if not m:  # fewer than ten neighbours: the rest are blank
                continue
            if not m.isdigit():
                problems.append(Problem(path.name, line, f"sn{i}", f"{m!r} is not a DfE LA number"))
                continue
            pairs.append((m, (row.get(f"sn{i}_closeness") or "").strip()))
        out[number] = tuple(pairs)
    return out


def _today(rows: Mapping[tuple[str, int], _Row], geography: Geography, label: str,
           problems: list[Problem]) -> dict[str, str]:
    """LA number -> today's GSS code, from the latest year of one table."""
    if not rows:
        return {}
    latest = max(y for (_, y) in rows)
    out: dict[str, str] = {}
    for (number, year), row in rows.items():
        if year != latest or number == ENGLAND:
            continue
        authority = geography.authority(row.code)
        if authority is None:
            problems.append(Problem(label, None, "new_la_code",
                                    f"{row.code} ({row.name}, {year}) is not an authority in the geography"))
            continue
        out[number] = authority.code
    return out


@functools.lru_cache(maxsize=8)
def _load(directory: Path, geography: Geography, signature: tuple) -> Statistics:
    problems: list[Problem] = []
    factors = _stat_rows(directory / FILES["factors"], FACTOR_COLUMNS, problems)
    population = _stat_rows(directory / FILES["population"], ("population_estimate",), problems)
    neighbours = _neighbour_rows(directory / FILES["neighbours"], problems)
    code_of = _today(population, geography, FILES["population"], problems)
    for number, code in _today(factors, geography, FILES["factors"], problems).items():
        if code_of.setdefault(number, code) != code:
            problems.append(Problem(FILES["factors"], None, "new_la_code",
                                    f"LA {number} is {code} here but {code_of[number]} in {FILES['population']}"))
    number_of: dict[str, str] = {}
    for number, code in sorted(code_of.items()):
        if code in number_of:
            problems.append(Problem(FILES["population"], None, "old_la_code",
                                    f"LA numbers {number_of[code]} and {number} both resolve to {code}"))
            continue
        number_of[code] = number
    for number, pairs in neighbours.items():
        for m, _ in pairs:
            if m not in code_of:
                problems.append(Problem(FILES["neighbours"], None, "la_number",
                                        f"neighbour {m} of {number} is not an authority today; left out"))
    return Statistics(directory, factors, population, neighbours, number_of, code_of, tuple(problems))


def load_statistics(geography: Geography, data_dir: Path | str | None = None) -> Statistics:
    """The statistics for a data directory (its own ``commissioning/`` or the shipped one),
    joined to ``geography``; cached per file version."""
    directory = commissioning_dir(data_dir)
    signature = []
    for name in FILES.values():
        try:
            st = (directory / name).stat()
            signature.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            signature.append((name, 0, 0))
    return _load(directory, geography, tuple(signature))
