"""``python -m databuild``: the commands that build the shipped data.

Each subcommand lives in :mod:`databuild.commands` with ``add_arguments(parser)`` and
``run(args) -> int``, as the runtime CLIs do.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.clitools import Parser, command_parser

__all__ = ["main", "COMMANDS"]

#: name → (module under databuild.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "national": ("national", "generate the statutory spine and the support records for every English area"),
    "synth": ("synth", "write a synthetic national directory (tests and benchmarks only)"),
    "geography": ("geography", "build England's offline geography (data/geography/) from the geodata packages"),
    "commissioning": ("commissioning", "trim the DfE / ONS commissioning statistics into data/commissioning/"),
}


def build_parser() -> Parser:
    return command_parser("python -m databuild", "Build Waymark's shipped data.", "databuild.commands", COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)
