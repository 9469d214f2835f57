"""Trim the DfE / ONS commissioning statistics into ``data/commissioning/``.

Why trimmed copies: the published files carry every assessment factor, every region and
spreadsheet layout; Waymark needs four factor columns, children aged 0 to 17 and the ten
statistical neighbours, for England and its 153 children's services authorities. The
copies keep the publishers' own column names, codes and symbols ("c", "u", "x", "z"), so
each figure can be checked against the original line for line.

Inputs (the originals; ``data/SOURCES.md`` says where each comes from and its SHA-256):

* ``c3_factors_identified_at_end_of_assessment_2018_to_2025.csv`` — DfE "Characteristics of
  children in need", factors identified at the end of assessment;
* ``ons_mid-year_population_estimates_2012_to_2024.csv`` — ONS mid-year estimates, children
  aged 0 to 17;
* ``statistical_neighbours_may_2025.xlsx`` — DfE children's services statistical neighbours
  (the main table only: the "Old SNs" rows below it are for authorities that no longer exist).

Outputs (byte-identical on every run from the same inputs): ``cin_factors.csv``,
``population_0_17.csv``, ``statistical_neighbours.csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from services.errors import DataError

__all__ = ["FACTORS_IN", "NEIGHBOURS_IN", "POPULATION_IN", "build"]

FACTORS_IN = "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"
POPULATION_IN = "ons_mid-year_population_estimates_2012_to_2024.csv"
NEIGHBOURS_IN = "statistical_neighbours_may_2025.xlsx"

IDENTITY = ["time_period", "geographic_level", "old_la_code", "new_la_code", "la_name"]
FACTORS = ["Sexual_Abuse_adult_on_child", "Sexual_Abuse_child_on_child", "Sexual_Abuse_unknown",
           "Child_sexual_exploitation"]
LEVELS = ("National", "Local authority")
NEIGHBOURS = 10


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _trim_csv(source: Path, columns: list[str]) -> list[list[str]]:
    """England and its authorities only, the named columns, in the publisher's row order."""
    with source.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{source}: missing column(s) {', '.join(missing)}")
        return [[row[c].strip() for c in columns] for row in reader if row["geographic_level"] in LEVELS]


def _neighbours(source: Path) -> list[list[str]]:
    """The main table of the workbook: LA number, name, then ten (neighbour, closeness) pairs."""
    from openpyxl import load_workbook

    sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
    rows: list[list[str]] = []
    started = False
    for values in sheet.iter_rows(values_only=True):
        first = values[0] if values else None
        if not started:
            started = first == "LA num"
            continue
        if first is None:  # the blank row before "Old SNs:" ends the main table
            break
        number, name = values[0], values[1]
        pairs = values[5:5 + 2 * NEIGHBOURS]
        if not isinstance(number, int) or any(not isinstance(pairs[i], int) for i in range(0, 2 * NEIGHBOURS, 2)):
            raise DataError(f"{source}: unexpected row {values[:6]!r}")
        rows.append([str(number), str(name).strip(), *(str(v).strip() for v in pairs)])
    if not rows:
        raise DataError(f"{source}: no 'LA num' header found")
    return rows


def build(source_dir: Path, out: Path) -> list[Path]:
    """Write the three trimmed copies from the originals in ``source_dir``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "cin_factors.csv"
    _write(path, IDENTITY + FACTORS, _trim_csv(source_dir / FACTORS_IN, IDENTITY + FACTORS))
    written.append(path)
    path = out / "population_0_17.csv"
    _write(path, IDENTITY + ["population_estimate"],
           _trim_csv(source_dir / POPULATION_IN, IDENTITY + ["population_estimate"]))
    written.append(path)
    path = out / "statistical_neighbours.csv"
    header = ["la_number", "la_name"]
    for i in range(1, NEIGHBOURS + 1):
        header += [f"sn{i}", f"sn{i}_closeness"]
    _write(path, header, _neighbours(source_dir / NEIGHBOURS_IN))
    written.append(path)
    return written
