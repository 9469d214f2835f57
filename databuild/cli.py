"""``python -m databuild``: the commands that build the shipped data.

Each subcommand lives in :mod:`databuild.commands` with ``add_arguments(parser)`` and
``run(args) -> int``, as the runtime CLIs do.
"""

from __future__ import annotations

from services.clitools import command_line

__all__ = ["main", "COMMANDS"]

#: name → (module under databuild.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "national": ("national", "generate the statutory spine and the support records for every English area"),
    "synth": ("synth", "write a synthetic national directory (tests and benchmarks only)"),
    "geography": ("geography", "build England's offline geography (data/geography/) from the geodata packages"),
    "commissioning": ("commissioning", "trim the DfE / ONS commissioning statistics into data/commissioning/"),
}


#: The parser (docs/cli.md is generated from it) and the entry point.
build_parser, main = command_line("python -m databuild", "Build Waymark's shipped data.", "databuild.commands", COMMANDS)
