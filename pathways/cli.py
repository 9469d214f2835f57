"""``python -m pathways``: the pathway engine's command line.

Each subcommand lives in its own module under :mod:`pathways.commands` with
``add_arguments(parser)`` and ``run(args) -> int`` (the same shape as ``python -m
services``). A listed command whose module is not there yet is simply not offered, so a new
command is one module plus its line here.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence

from services.clitools import Parser

__all__ = ["main", "build_parser", "COMMANDS"]

#: name → (module under pathways.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("plan", "what to do now, next and later for a child's situation"),
    "gaps": ("gaps", "where, for whom and at which step support is missing"),
}


def _available(module: str) -> bool:
    return importlib.util.find_spec(f"pathways.commands.{module}") is not None


def build_parser() -> Parser:
    parser = Parser(prog="python -m pathways", description="Waymark's referral pathway engine.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name, (module, help_text) in COMMANDS.items():
        if not _available(module):
            continue
        mod = importlib.import_module(f"pathways.commands.{module}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)
