"""Hand-compiled records win: the areas whose own files already have a service of a type."""

from __future__ import annotations

from pathlib import Path

from services.errors import DataFileError, Problem
from services.vocabulary import NATIONAL
from services.yamlio import load_yaml

from .reference import label_of
from .writer import is_generated

__all__ = ["hand_compiled_areas"]


def hand_compiled_areas(services_dir: Path, root: Path, problems: list[Problem]) -> dict[str, set[str]]:
    """Service type → the areas whose hand-compiled (not generated) records already have one."""
    out: dict[str, set[str]] = {}
    if not services_dir.is_dir():
        return out
    for path in sorted(services_dir.glob("*.y*ml")):
        if is_generated(path):
            continue
        try:
            raw = load_yaml(path, label=label_of(path, root))
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        entries = raw.get("services") if isinstance(raw, dict) else raw
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            areas = [a for a in entry.get("service_areas") or [] if isinstance(a, str) and a != NATIONAL]
            for t in entry.get("service_types") or []:
                if isinstance(t, str):
                    out.setdefault(t, set()).update(areas)
    return out
