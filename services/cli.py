"""``python -m services``: the directory's command line.

Each subcommand lives in its own module under :mod:`services.commands` with
``add_arguments(parser)`` and ``run(args) -> int``; this file only lists them, so adding a
command is one line here and one module there.
"""

from __future__ import annotations

from .clitools import command_line

__all__ = ["main", "COMMANDS"]

#: name → (module under services.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "import-oruk": ("import_oruk", "import an Open Referral UK feed (file or API) into a data directory"),
    "export-oruk": ("export_oruk", "write the directory as Open Referral UK (HSDS 3) JSON"),
    "serve-api": ("serve_api", "serve the directory as a read-only Open Referral UK API"),
    "search": ("search", "find services near a postcode, place or area"),
    "validate": ("validate", "check data files; one line per problem"),
}


#: The parser (docs/cli.md is generated from it) and the entry point.
build_parser, main = command_line("python -m services", "Waymark's service directory.", "services.commands", COMMANDS)
