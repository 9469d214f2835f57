"""``python -m pathways plan``: a child's situation → the plan, as text, Markdown or JSON.

The flags are the situation fields (``-`` for ``_``), generated from the Situation model so
that a field added there is a flag here without a second list to keep in step. Booleans
are bare flags; lists take comma-separated names (``--indicators sti,pregnancy``);
``--postcode`` or ``--place`` may stand for ``--area``. An age of 18 or more gets a pointer
to adult support instead of a plan (exit 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.clitools import print_json, whole_number
from services.directory import directories

from ..definition import load_pathway, pathway_path
from ..planner import adult_pointer, make_plan
from ..render import render_markdown, render_text
from ..situation import FIELD_KINDS, AdultAge, Situation, parse_situation

__all__ = ["add_arguments", "run", "situation_from_args"]

_WHERE = ("area", "postcode", "place")

_HELP = {
    "age": "the child's age (0 to 17)",
    "area": "local authority name or GSS code (e.g. York, E06000014)",
    "postcode": "full (YO10 5DD) or outward (TR1) postcode",
    "place": "town or village name, e.g. Truro",
    "days_since_last_abuse": "days since the abuse last happened, or 'unknown'",
    "other_children": "brothers, sisters and other children in contact with the suspect",
    "previous_concerns": "earlier concerns or referrals about this child",
    "language": "the child's or family's first language, if not English",
    "immediate_danger": "the child is in danger right now (call 999)",
    "mental_health_concern": "self-harm or suicidal thoughts (an urgent mental health assessment today)",
    "domestic_abuse": "there is domestic abuse in the family as well",
    "honour_based_abuse": "a risk of honour-based abuse or forced marriage",
    "placing_area": "for a child in care: the council that looks after the child (name or GSS code)",
    "suspect_has_contact": "the person suspected visits or still sees the child",
    "child_is_parent": "the child is a parent",
    "multiple_suspects": "more than one person is suspected",
    "suspect_age": "the age of the person suspected, when known (under 18: a child)",
    "retracted": "the child has taken back what they said",
    "suspect_works_with_children": (
        "the person suspected works with children or holds a position of trust "
        "(teacher, police officer, foster carer, coach, faith leader)"
    ),
    "consent_refused": "parents or carers refuse a medical or support",
}


#: An integer flag (ages, days): its range is the situation's to check (pathways.situation).
_whole_number = whole_number()


def _days(text: str) -> int | str:
    if text.strip().lower() == "unknown":
        return "unknown"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days or 'unknown'") from None


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """One flag per situation field, plus output and data options."""
    where = p.add_mutually_exclusive_group(required=True)
    for name in _WHERE:
        where.add_argument(_flag(name), dest=name, help=_HELP.get(name))
    for name, (kind, choices) in FIELD_KINDS.items():
        if name in _WHERE:
            continue
        flag, help_text = _flag(name), _HELP.get(name)
        if kind == "bool":
            p.add_argument(
                flag, dest=name, action="store_true", default=None, help=help_text or name.replace("_", " ")
            )
        elif kind == "enum":
            p.add_argument(
                flag, dest=name, choices=choices, metavar=name.upper(), help=f"one of: {', '.join(choices)}"
            )
        elif name == "days_since_last_abuse":
            p.add_argument(flag, dest=name, type=_days, metavar="DAYS", help=help_text)
        elif kind == "list":
            p.add_argument(
                flag,
                dest=name,
                metavar="A,B",
                help=(help_text or "signs seen") + f" (comma-separated: {', '.join(choices)})",
            )
        elif kind == "int":
            p.add_argument(
                flag, dest=name, type=_whole_number, metavar="N", required=name == "age", help=help_text
            )
        else:
            p.add_argument(flag, dest=name, help=help_text)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the plan as JSON (the contract in docs/contracts.md)")
    out.add_argument("--markdown", action="store_true", help="print the plan as Markdown")
    p.add_argument("--data", type=Path, help="read another data directory")


def situation_from_args(args: argparse.Namespace) -> Situation:
    """The Situation the flags describe (flags not given are left unknown)."""
    values: dict[str, Any] = {}
    for name in FIELD_KINDS:
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    return parse_situation(values)


def run(args: argparse.Namespace) -> int:
    directory = directories.get(args.data)
    pathway = load_pathway(pathway_path(args.data if args.data is not None else directory.data_dir))
    try:
        situation = situation_from_args(args)
    except AdultAge as exc:
        pointer = adult_pointer(pathway, directory)
        raise AdultAge(f"{exc}. {pointer}" if pointer else str(exc), exc.age) from None
    plan = make_plan(situation, directory, pathway=pathway)
    if args.json:
        print_json(plan.to_dict())
    elif args.markdown:
        print(render_markdown(plan, pathway), end="")
    else:
        print(render_text(plan, pathway), end="")
    return 0
