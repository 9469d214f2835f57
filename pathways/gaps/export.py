"""The gap table as rows, CSV text and an Excel workbook — all in memory.

One row per area, one column per figure (``therapeutic_support_covered``,
``age_16_to_17_covered`` ...), so a commissioner can sort and filter in a spreadsheet; the
area's children, identified need and services per 10,000 children come first. Both can be
cut to one commissioner's stages, and the workbook has one sheet per commissioner listing
its gaps (:mod:`.by_commissioner`). Each
stage and cohort also has a ``_status`` in words, where "Not compiled" (the area's local
services are not listed yet) is its own status and never counted in ``stage_gaps``.
Text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``)
are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from .analysis import RULES, GapReport
from .by_commissioner import commissioner_rows, stages_of
from .need import MEASURE, commissioners_for, report_context
from .status import LIGHT_STATUSES, STATUS_COLOURS, cell_status

__all__ = ["table_rows", "to_csv", "to_excel", "STAGE_FIELDS", "COHORT_FIELDS"]

STAGE_FIELDS = ("status", "covered", "known", "national_only", "services", "local_services", "national_services",
                "nearest_km", "p90_km", "waiting_weeks", "services_per_10k_children")
COHORT_FIELDS = ("status", "covered", "known", "national_only", "nearest_km")


def table_rows(report: GapReport, *, commissioners: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One flat dict per area: identity, gap counts, the area's figures, data quality, then
    stages and cohorts. With ``commissioners``, only the stages they lead (and no cohorts,
    which span several commissioners)."""
    stages = stages_of(report, commissioners) if commissioners else None
    rows = []
    for a in report.areas:
        row: dict[str, Any] = {
            "code": a.code,
            "name": a.name,
            "region": a.region,
            "coverage": a.coverage,
            "stage_gaps": len([s for s in a.gaps.stages if stages is None or s in stages]),
            "cohort_gaps": len(a.gaps.cohorts) if stages is None else None,
            "stages_not_compiled": len([s for s in a.not_compiled.stages if stages is None or s in stages]),
            "cohorts_not_compiled": len(a.not_compiled.cohorts) if stages is None else None,
            **a.figures(),
            "local_services": a.data_quality.local_services,
            "stale_share": a.data_quality.stale_share,
        }
        if stages is not None:
            del row["cohort_gaps"]
        for stage, cell in a.stages.items():
            if stages is None or stage in stages:
                values = {**cell.to_dict(), "status": cell_status(a, "stage", stage)}
                row.update({f"{stage}_{f}": values[f] for f in STAGE_FIELDS})
        if stages is None:
            for cohort, group in a.cohorts.items():
                values = {**group.to_dict(), "status": cell_status(a, "cohort", cohort)}
                row.update({f"{cohort}_{f}": values[f] for f in COHORT_FIELDS})
        rows.append(row)
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: GapReport, *, commissioners: Sequence[str] = ()) -> str:
    """The table as CSV text; with ``commissioners``, only the stages those bodies lead."""
    rows = table_rows(report, commissioners=commissioners)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else _cell(v)) for k, v in row.items()})
    return out.getvalue()


def to_excel(report: GapReport, *, commissioners: Sequence[str] = ()) -> bytes:
    """A workbook: Areas (the table), one sheet per commissioner listing the gaps at the
    stages it leads, Statements, Cohorts (with the findings), Commissioners, Sources, Rules."""
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

    rows = table_rows(report, commissioners=commissioners)
    header = list(rows[0]) if rows else ["code", "name"]
    sheet("Areas", header, [[r[k] for k in header] for r in rows], first=True)
    book_c = commissioners_for(report.model)
    columns = ["commissioner", "code", "name", "region", "stage", "status", "local_services", "national_services",
               "services_per_10k_children", "nearest_km", "children_0_17", "children_year",
               "sexual_abuse_assessments", "need_per_10k_children", "need_years", "need", "co_commissioners"]
    for c in book_c.commissioners:
        if commissioners and c not in commissioners:
            continue
        gap_rows = commissioner_rows(report, c)
        sheet(book_c.name(c)[:31], columns, [[r[k] for k in columns] for r in gap_rows])
    # Each status cell in its legend colour ("Not compiled" its own, never a gap's).
    fills = {name: PatternFill("solid", fgColor=colour.lstrip("#").upper()) for name, colour in STATUS_COLOURS.items()}
    white = Font(color="FFFFFF")
    for row in wb["Areas"].iter_rows(min_row=2):
        for cell in row:
            if cell.value in fills:
                cell.fill = fills[cell.value]
                if cell.value not in LIGHT_STATUSES:
                    cell.font = white
    sheet("Statements", ["code", "name", "statement"],
          [[a.code, a.name, s] for a in report.areas for s in a.statements])
    book = report.model.book
    sheet("Cohorts", ["id", "name", "stages", "ages", "description", "finding", "source"],
          [[c.id, c.name, ", ".join(c.stages), f"{c.ages[0]}–{c.ages[1]}", " ".join(c.description.split()),
            " ".join(c.finding.split()), c.source] for c in book.cohorts])
    sheet("Commissioners", ["stage", "commissioner", "also", "why", "sources"],
          [[report.model.stage(s).name, book_c.name(a.commissioner), ", ".join(book_c.name(x) for x in a.also), a.why,
            " ; ".join(f"{x['title']} <{x['url']}>" for x in book_c.citation(a))]
           for s, a in book_c.stages.items()])
    england = report_context(report.model)["england"]
    sheet("Sources", ["figure", "source", "url", "note"],
          [["Children aged 0-17 (ONS mid-year estimate)", "Office for National Statistics",
            "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
            f"England {england['children']['count']:,} ({england['children']['year']})"
            if england and england["children"] else ""],
           ["Sexual abuse identified at the end of assessment (DfE children in need)", "Department for Education",
            "https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
            MEASURE + (f" England: {england['need']['text']}." if england else "")],
           ["Statistical neighbours (May 2025)", "Department for Education",
            "https://github.com/dfe-analytical-services/local-authority-interactive-tool", ""]])
    sheet("Rules", ["rule", "text"],
          [[k, v] for k, v in RULES.items()]
          + [["generated_on", report.model.today.isoformat()]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
