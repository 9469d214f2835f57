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
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from services.errors import DataFileError, Problem

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
    """England and its authorities only, the named columns, in the publisher's row order.

    A row too short for a column it needs is named by its line (a copy with a figure missing
    would be wrong without a word); every such row is listed, then nothing is kept.
    """
    label = str(source)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    try:
        with source.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise DataFileError([Problem(label, 1, "header", f"missing column(s) {', '.join(missing)}")])
            for row in reader:
                if row["geographic_level"] is not None and row["geographic_level"] not in LEVELS:
                    continue
                short = [c for c in columns if row[c] is None]
                if short:
                    problems.append(Problem(label, reader.line_num, short[0],
                                            f"the row ends before {', '.join(short)} (fewer fields than the header)"))
                    continue
                rows.append([row[c].strip() for c in columns])
    except OSError as exc:
        raise DataFileError([Problem(label, None, "file", f"cannot be read ({exc.strerror or exc})")]) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataFileError([Problem(label, None, "file", f"is not a readable CSV file ({exc})")]) from None
    if problems:
        raise DataFileError(problems)
    return rows


def _neighbours(source: Path) -> list[list[str]]:
    """The main table of the workbook: LA number, name, then ten (neighbour, closeness) pairs."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    label = str(source)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    started = False
    try:
        sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
        # Read-only sheets yield every row from the first, empty ones too: the count is the row number.
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            first = values[0] if values else None
            if not started:
                started = first == "LA num"
                continue
            if first is None:  # the blank row before "Old SNs:" ends the main table
                break
            number, name = values[0], values[1] if len(values) > 1 else None
            pairs = values[5:5 + 2 * NEIGHBOURS]
            if (not isinstance(number, int) or len(pairs) < 2 * NEIGHBOURS
                    or any(not isinstance(pairs[i], int) for i in range(0, 2 * NEIGHBOURS, 2))):
                problems.append(Problem(label, line, "row", f"is not an LA number, name and ten neighbours: {values[:6]!r}"))
                continue
            rows.append([str(number), str(name).strip(), *(str(v).strip() for v in pairs)])
    except OSError as exc:
        raise DataFileError([Problem(label, None, "file", f"cannot be read ({exc.strerror or exc})")]) from None
    except (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, IndexError, ValueError) as exc:
        # Not a zip, a zip without a workbook in it, or a damaged sheet inside a sound archive.
        raise DataFileError([Problem(label, None, "file",
                                     f"is not a readable .xlsx workbook ({exc or type(exc).__name__})")]) from None
    if problems:
        raise DataFileError(problems)
    if not rows:
        raise DataFileError([Problem(label, None, "LA num", "no 'LA num' header found")])
    return rows


def build(source_dir: Path, out: Path) -> list[Path]:
    """Write the three trimmed copies from the originals in ``source_dir``; returns their paths.

    All three are made in memory first: an original that cannot be used leaves the copies
    already there as they were, never two new and one old.
    """
    header = ["la_number", "la_name"]
    for i in range(1, NEIGHBOURS + 1):
        header += [f"sn{i}", f"sn{i}_closeness"]
    tables = [
        ("cin_factors.csv", IDENTITY + FACTORS, _trim_csv(source_dir / FACTORS_IN, IDENTITY + FACTORS)),
        ("population_0_17.csv", IDENTITY + ["population_estimate"],
         _trim_csv(source_dir / POPULATION_IN, IDENTITY + ["population_estimate"])),
        ("statistical_neighbours.csv", header, _neighbours(source_dir / NEIGHBOURS_IN)),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns, rows in tables:
        _write(out / name, columns, rows)
        written.append(out / name)
    return written
