"""Commissioner gap analysis: where, for whom and at which step support is missing.

- :func:`analyse` — the gap table for every English children's services authority
  (``analysis``), with plain statements (``statements``);
- cohorts are data (``data/cohorts.yaml``, checked by ``cohorts``);
- :func:`what_if` — add a hypothetical service in memory and see which gaps close
  (``whatif``);
- :func:`to_csv`, :func:`to_excel` — the table as CSV text or Excel bytes (``export``).

The CLI is ``python -m pathways gaps`` (:mod:`pathways.commands.gaps`); the page is
``app/pages/service_gaps.py``. How services are counted: :data:`RULES` and docs/gaps.md.
"""

from .analysis import RULES, GapModel, GapReport, StageRule, analyse, area_result, gap_model
from .cohorts import CohortBook, CohortDef, cohorts_path, load_cohorts

__all__ = [
    "RULES",
    "GapModel",
    "GapReport",
    "StageRule",
    "analyse",
    "area_result",
    "gap_model",
    "CohortBook",
    "CohortDef",
    "cohorts_path",
    "load_cohorts",
]
