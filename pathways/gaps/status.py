"""One word for each cell of the gap table, shared by the map, the tables and the downloads.

"Not compiled" is its own status, never a kind of gap: in an area whose local services have
not been compiled (coverage ``statutory``), a stage without a listed service is unknown. A
stage covered there (by a regional service, or the statutory front door) says both: it is
covered, and the rest of the area is not compiled.
"""

from __future__ import annotations

from .records import AreaGaps

__all__ = [
    "COVERED",
    "COVERED_NOT_COMPILED",
    "GAP_STATUSES",
    "NATIONAL_ONLY",
    "NOT_COMPILED",
    "NOT_COVERED",
    "NO_RECORDS",
    "STATUSES",
    "LIGHT_STATUSES",
    "cell_status",
]

COVERED = "Covered locally"
COVERED_NOT_COMPILED = "Covered locally; area not compiled"
NATIONAL_ONLY = "National services only"
NOT_COVERED = "Not covered"
NO_RECORDS = "No local records"
NOT_COMPILED = "Not compiled"
#: Every status, in legend order.
STATUSES = (COVERED, COVERED_NOT_COMPILED, NATIONAL_ONLY, NOT_COVERED, NO_RECORDS, NOT_COMPILED)
#: The statuses that are gaps ("Not compiled" is not one).
GAP_STATUSES = (NATIONAL_ONLY, NOT_COVERED, NO_RECORDS)
#: GOV.UK palette, one colour per status: the map, the chart and the Excel cells agree.
STATUS_COLOURS = {COVERED: "#00703c", COVERED_NOT_COMPILED: "#85994b", NATIONAL_ONLY: "#f47738",
                  NOT_COVERED: "#d4351c", NO_RECORDS: "#b1b4b6", NOT_COMPILED: "#4c2c92"}
#: Statuses whose colour is light: dark words on them (white on the others).
LIGHT_STATUSES = (COVERED_NOT_COMPILED, NO_RECORDS)


def cell_status(area: AreaGaps, kind: str, ident: str) -> str:
    """The status of one stage (``kind`` "stage") or cohort ("cohort") in an area's gap record:
    covered (saying so when the rest of the area is not compiled), else not compiled
    (unknown), else no local records, national only or not covered."""
    v = area.stages[ident] if kind == "stage" else area.cohorts[ident]
    if v.covered:
        return COVERED if area.compiled else COVERED_NOT_COMPILED
    if not v.known:
        return NOT_COMPILED
    if area.data_quality.local_services == 0:
        return NO_RECORDS
    return NATIONAL_ONLY if v.national_only else NOT_COVERED
