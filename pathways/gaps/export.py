"""The gap table as rows, CSV text and an Excel workbook — all in memory.

One row per area, one column per figure (``therapeutic_support_covered``,
``age_16_to_17_covered`` ...), so a commissioner can sort and filter in a spreadsheet. Each
stage and cohort also has a ``_status`` in words, where "Not compiled" (the area's local
services are not listed yet) is its own status and never counted in ``stage_gaps``.
Text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``)
are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .analysis import RULES, GapReport
from .status import STATUS_COLOURS, cell_status

__all__ = ["table_rows", "to_csv", "to_excel", "STAGE_FIELDS", "COHORT_FIELDS"]

STAGE_FIELDS = ("status", "covered", "known", "national_only", "services", "local_services", "national_services",
                "nearest_km", "p90_km", "waiting_weeks")
COHORT_FIELDS = ("status", "covered", "known", "national_only", "nearest_km")


def table_rows(report: GapReport) -> list[dict[str, Any]]:
    """One flat dict per area: identity, gap counts, data quality, then stages and cohorts."""
    rows = []
    for a in report.areas:
        row: dict[str, Any] = {
            "code": a["code"],
            "name": a["name"],
            "region": a["region"],
            "coverage": a["coverage"],
            "stage_gaps": len(a["gaps"]["stages"]),
            "cohort_gaps": len(a["gaps"]["cohorts"]),
            "stages_not_compiled": len(a["not_compiled"]["stages"]),
            "cohorts_not_compiled": len(a["not_compiled"]["cohorts"]),
            "local_services": a["data_quality"]["local_services"],
            "stale_share": a["data_quality"]["stale_share"],
        }
        for stage, v in a["stages"].items():
            v = {**v, "status": cell_status(a, "stage", stage)}
            row.update({f"{stage}_{f}": v[f] for f in STAGE_FIELDS})
        for cohort, v in a["cohorts"].items():
            v = {**v, "status": cell_status(a, "cohort", cohort)}
            row.update({f"{cohort}_{f}": v[f] for f in COHORT_FIELDS})
        rows.append(row)
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: GapReport) -> str:
    rows = table_rows(report)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else _cell(v)) for k, v in row.items()})
    return out.getvalue()


def to_excel(report: GapReport) -> bytes:
    """A workbook: Areas (the table), Statements, Cohorts (with the findings), Rules."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], *, first: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "C2" if title == "Areas" else "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions

    rows = table_rows(report)
    header = list(rows[0]) if rows else ["code", "name"]
    sheet("Areas", header, [[r[k] for k in header] for r in rows], first=True)
    # Each status cell in its legend colour ("Not compiled" its own, never a gap's).
    fills = {name: PatternFill("solid", fgColor=colour.lstrip("#").upper()) for name, colour in STATUS_COLOURS.items()}
    white = Font(color="FFFFFF")
    for row in wb["Areas"].iter_rows(min_row=2):
        for cell in row:
            if cell.value in fills:
                cell.fill = fills[cell.value]
                if cell.value != "No local records":
                    cell.font = white
    sheet("Statements", ["code", "name", "statement"],
          [[a["code"], a["name"], s] for a in report.areas for s in a["statements"]])
    book = report.model.book
    sheet("Cohorts", ["id", "name", "stages", "ages", "description", "finding", "source"],
          [[c.id, c.name, ", ".join(c.stages), f"{c.ages[0]}–{c.ages[1]}", " ".join(c.description.split()),
            " ".join(c.finding.split()), c.source] for c in book.cohorts])
    sheet("Rules", ["rule", "text"],
          [[k, v] for k, v in RULES.items()]
          + [["generated_on", report.model.today.isoformat()]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
