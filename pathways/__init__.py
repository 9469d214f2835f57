"""Waymark's pathway engine: a child's situation → what to do now, next and later.

The rules live in ``data/pathway.yaml`` (:mod:`pathways.definition` loads and checks it;
:mod:`pathways.graph` holds it as a networkx graph); :mod:`pathways.planner` applies them to
a :class:`~pathways.situation.Situation` and the directory; :mod:`pathways.render` prints
the plan. The names below are imported on first use, so importing one submodule (as the
gap analysis does) does not load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Situation",
    "parse_situation",
    "Pathway",
    "load_pathway",
    "Plan",
    "PlanStep",
    "make_plan",
    "render_text",
    "render_markdown",
]

_HOME = {
    "Situation": "situation",
    "parse_situation": "situation",
    "Pathway": "model",
    "load_pathway": "definition",
    "Plan": "plan",
    "PlanStep": "plan",
    "make_plan": "planner",
    "render_text": "render",
    "render_markdown": "render",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module 'pathways' has no attribute {name!r}")
