"""``python -m pathways``: the pathway engine's command line.

Each subcommand lives in its own module under :mod:`pathways.commands` with
``add_arguments(parser)`` and ``run(args) -> int`` (the same shape as ``python -m
services``). A listed command whose module is not there yet is simply not offered, so a new
command is one module plus its line here.
"""

from __future__ import annotations

from services.clitools import command_line

__all__ = ["main", "build_parser", "COMMANDS"]

#: name → (module under pathways.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("plan", "what to do now, next and later for a child's situation"),
    "gaps": ("gaps", "where, for whom and at which step support is missing"),
}


#: The parser (docs/cli.md is generated from it) and the entry point.
build_parser, main = command_line("python -m pathways", "Waymark's referral pathway engine.", "pathways.commands", COMMANDS)
