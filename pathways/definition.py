"""Loading ``pathway.yaml``: shape checks, rule compilation and graph checks, with lines.

A mistake in the pathway would silently change what practitioners are told to do, so
loading is strict: an unknown stage, service type, agency, prompt or source, a condition
on a field the situation does not have, a stage nothing reaches or a loop in the strict
order each stops the load with ``file:line: field: problem`` — every problem at once, so a
maintainer fixes the file in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.datadir import SHIPPED_DATA, data_file
from services.errors import DataFileError, Problem, validation_message
from services.versioned import VersionedLoader
from services.vocabulary import AGENCIES, SERVICE_TYPES, STAGES
from services.yamlio import line_of, load_mapping

from .compile import compile_pathway
from .model import PROMPT_IDS, Pathway
from .spec import PathwaySpec

__all__ = ["load_pathway", "pathway_path", "SHIPPED_PATHWAY", "PathwaySpec"]

SHIPPED_PATHWAY = SHIPPED_DATA / "pathway.yaml"


# -- messages ---------------------------------------------------------------------------
_KIND_OF_FIELD = {
    "service_types": "a service type",
    "add_service_types": "a service type",
    "agency": "an agency",
    "add_agencies": "an agency",
    "agency_names": "an agency",
    "leads_to": "a stage",
    "parallel_with": "a stage",
    "start": "a stage",
    "stage": "a stage",
    "when": "a 'when' (now, next or later)",
}
_KNOWN = {
    "a service type": SERVICE_TYPES,
    "an agency": AGENCIES,
    "a stage": STAGES,
    "a prompt id": PROMPT_IDS,
}


def _literal_kind(loc: tuple[Any, ...]) -> tuple[str | None, Sequence[str] | None]:
    """What a limited field holds ("a stage") and its known ids, from where it is."""
    names = [p for p in loc if isinstance(p, str)]
    last = names[-1] if names else ""
    if last == "id":
        kind = "a prompt id" if "prompts" in names else "a stage"
    else:
        kind = _KIND_OF_FIELD.get(last, "")
        if not kind and len(names) >= 1 and names[0] == "agency_names":
            kind = "an agency"
    return (kind or None), _KNOWN.get(kind)


def _problems_from(exc: ValidationError, raw: Any, file: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # agency_names keys: pydantic puts "[key]" after the key in loc
        loc = tuple(p for p in loc if p != "[key]")
        what, known = _literal_kind(loc)
        message = validation_message(err, what=what, choices=known)
        problems.append(Problem(file, line_of(raw, loc), _where(raw, loc), message))
    return problems


def _where(raw: Any, loc: tuple[Any, ...]) -> str:
    """A readable path: ``stages.medical_assessment.service_types[1]`` rather than indexes."""
    parts: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int):
            ident = (
                node[part].get("id")
                if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict)
                else None
            )
            if isinstance(ident, str) and parts and parts[-1] in ("stages", "prompts", "fallback"):
                parts.append(f".{ident}")
            else:
                parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if parts else str(part))
        if isinstance(node, (dict, list)):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
    return "".join(parts) or "pathway"


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    parent = path.resolve().parent
    return str(Path(parent.name) / path.name)


def pathway_path(data_dir: Path | str | None = None) -> Path:
    """``DIR/pathway.yaml`` when a data directory ships one, otherwise the shipped file."""
    return data_file("pathway.yaml", data_dir)


def load_pathway(path: Path | str | None = None, *, label: str | None = None) -> Pathway:
    """Load and check a pathway file (the shipped one by default); cached per file version.

    Raises ``DataFileError`` (a ``DataError``) listing every problem as
    ``file:line: field: problem``.
    """
    source = Path(path) if path is not None else pathway_path()
    return _loader(source, label or _label(source))


def _load(path: Path, label: str) -> Pathway:
    raw = load_mapping(path, label=label, field="pathway", keys="version, start, stages, ...")
    try:
        spec = PathwaySpec.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(
            sorted(set(_problems_from(exc, raw, label)), key=lambda p: (p.line or 0, p.field))
        ) from None
    return compile_pathway(spec, raw, label)


#: Parsed once per file version (services.versioned): an edit is picked up without a restart.
_loader: VersionedLoader[Pathway] = VersionedLoader(_load, maxsize=16)
