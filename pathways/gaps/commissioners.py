"""``data/commissioners.yaml``: whose budget each pathway step and each type of service is.

A gap is only actionable once it names who pays for the step: the Home Office commissioning
framework for child sexual abuse support (2019, Annex A) splits the pathway between local
authorities, NHS England, ICBs (formerly CCGs) and Police and Crime Commissioners, with the
police and probation holding their own operational duties. The mapping is data, each line
with its basis; this module only checks it, strictly and with lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.datadir import SHIPPED_DATA, data_file
from services.directory import validate_file
from services.versioned import VersionedLoader
from services.vocabulary import SERVICE_TYPES, STAGES, ServiceType, Stage
from services.yamlio import load_mapping

__all__ = [
    "COMMISSIONERS",
    "SHIPPED_COMMISSIONERS",
    "Commissioner",
    "CommissionerBook",
    "commissioners_path",
    "load_commissioners",
]

Commissioner = Literal["local_authority", "icb", "nhs_england", "pcc", "police", "probation"]
#: docs/contracts.md's commissioner values, in the order the page and exports list them.
COMMISSIONERS: tuple[str, ...] = get_args(Commissioner)

SHIPPED_COMMISSIONERS = SHIPPED_DATA / "commissioners.yaml"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommissionerName(_Spec):
    name: str = Field(min_length=1)
    words: str = Field(min_length=1)


class Source(_Spec):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")
    read: dt.date


class Assignment(_Spec):
    """Who leads (``commissioner``; None only for nationally funded service types)."""

    commissioner: Commissioner | None
    also: list[Commissioner] = []
    basis: list[str] = Field(min_length=1)
    why: str = ""


class CommissionerBook(_Spec):
    version: Literal[1]
    compiled: dt.date
    commissioners: dict[Commissioner, CommissionerName]
    sources: dict[str, Source] = Field(min_length=1)
    stages: dict[Stage, Assignment]
    service_types: dict[ServiceType, Assignment]

    @model_validator(mode="after")
    def _complete(self) -> CommissionerBook:
        problems = []
        for kind, table, ids in (("stages", self.stages, STAGES), ("service_types", self.service_types, SERVICE_TYPES)):
            missing = [i for i in ids if i not in table]
            if missing:
                problems.append(f"{kind}: missing {', '.join(missing)} (every one needs a commissioner)")
            for ident, a in table.items():
                unknown = [b for b in a.basis if b not in self.sources]
                if unknown:
                    problems.append(f"{kind}.{ident}.basis: unknown source(s) {', '.join(unknown)}")
                if kind == "stages" and a.commissioner is None:
                    problems.append(f"stages.{ident}.commissioner: a pathway step needs a lead commissioner")
                if a.commissioner is None and not a.why:
                    problems.append(f"{kind}.{ident}.why: say why no local commissioner applies")
        missing = [c for c in COMMISSIONERS if c not in self.commissioners]
        if missing:
            problems.append(f"commissioners: missing {', '.join(missing)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def stage(self, stage_id: str) -> Assignment:
        return self.stages[stage_id]  # type: ignore[index]

    def name(self, commissioner: str | None) -> str:
        if commissioner is None:
            return "No local commissioner"
        return self.commissioners[commissioner].name  # type: ignore[index]

    def stages_for(self, commissioner: str) -> list[str]:
        """The stages this body leads on, in pathway order."""
        return [s for s in STAGES if s in self.stages and self.stages[s].commissioner == commissioner]

    def citation(self, assignment: Assignment) -> list[dict[str, str]]:
        return [{"title": self.sources[b].title, "url": self.sources[b].url} for b in assignment.basis]


def commissioners_path(data_dir: Path | str | None = None) -> Path:
    """``DIR/commissioners.yaml`` when a data directory ships one, otherwise the shipped file."""
    return data_file("commissioners.yaml", data_dir)


def load_commissioners(path: Path | str | None = None) -> CommissionerBook:
    """Load and check a commissioners file; ``DataFileError`` (``file:line: field: problem``)
    when it is wrong. Cached per file version."""
    source = Path(path) if path is not None else SHIPPED_COMMISSIONERS
    return _loader(source)


def _load(path: Path, label: str) -> CommissionerBook:
    raw = load_mapping(path, label=label, field="commissioners",
                       keys="version, commissioners, sources, stages, service_types")
    return validate_file(CommissionerBook, raw, label)


#: Parsed once per file version (services.versioned): an edit is picked up without a restart.
_loader: VersionedLoader[CommissionerBook] = VersionedLoader(_load, maxsize=8)
