"""What an import found: per-record problems, records not imported, unmapped terms.

Every problem names its record and field (``id: field: problem``); a record that could not
become a Waymark service is listed with all of its problems; a taxonomy term that maps to
nothing is listed with the services that carry it. The report is deterministic (sorted,
no clock time) so it can be diffed from one import to the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .taxonomy_map import Term

__all__ = ["RecordProblem", "ImportReport"]


@dataclass(frozen=True)
class RecordProblem:
    """One thing wrong with one record: ``id: field: problem``."""

    id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.id}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    source: str
    date: dt.date
    records: int = 0
    imported: list[str] = field(default_factory=list)
    not_imported: dict[str, list[RecordProblem]] = field(default_factory=dict)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    unmapped: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    output: str | None = None

    def add(self, record_id: str, field_name: str, message: str) -> RecordProblem:
        p = RecordProblem(record_id, field_name, message)
        self.problems.append(p)
        return p

    def add_unmapped(self, term: Term, record_id: str) -> None:
        key = (term.taxonomy or "", term.id or "", term.name or term.code or "")
        ids = self.unmapped.setdefault(key, [])
        if record_id not in ids:
            ids.append(record_id)

    def problems_of(self, record_id: str) -> list[str]:
        return [str(p) for p in self.problems if p.id == record_id]

    def to_dict(self) -> dict[str, Any]:
        unmapped = sorted(self.unmapped.items(), key=lambda kv: (-len(kv[1]), kv[0][2].casefold(), kv[0]))
        return {
            "source": self.source,
            "date": self.date.isoformat(),
            "output": self.output,
            "records_read": self.records,
            "imported": len(self.imported),
            "not_imported": len(self.not_imported),
            "duplicates": len(self.duplicates),
            "problem_count": len(self.problems),
            "unmapped_terms": [
                {"taxonomy": tax or None, "id": tid or None, "name": name or None, "services": sorted(ids)}
                for (tax, tid, name), ids in unmapped
            ],
            "not_imported_records": [
                {"id": rid, "problems": [str(p) for p in probs]} for rid, probs in self.not_imported.items()
            ],
            "duplicate_records": list(self.duplicates),
            "problems": [str(p) for p in self.problems],
        }

    def to_yaml(self) -> str:
        head = (
            "# Open Referral UK import report (python -m services import-oruk).\n"
            "# problems: one line per problem, 'id: field: problem'. Records under\n"
            "# not_imported_records could not become Waymark services; fix the feed, the taxonomy\n"
            "# map or the overlay and import again.\n"
        )
        return head + yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_yaml(), encoding="utf-8")

    def summary(self) -> str:
        lines = [
            f"Read {self.records} record(s) from {self.source}: imported {len(self.imported)}, "
            f"not imported {len(self.not_imported)}, duplicates {len(self.duplicates)}, "
            f"{len(self.problems)} problem(s), {len(self.unmapped)} unmapped taxonomy term(s)."
        ]
        if self.output:
            lines.append(f"Wrote {self.output}")
        return "\n".join(lines)
