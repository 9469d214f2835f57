"""``python -m services``: the directory's command line.

Each subcommand lives in its own module under :mod:`services.commands` with
``add_arguments(parser)`` and ``run(args) -> int``; this file only lists them, so adding a
command is one line here and one module there.
"""

from __future__ import annotations

from collections.abc import Sequence

from .clitools import Parser, command_parser

__all__ = ["main", "COMMANDS"]

#: name → (module under services.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "import-oruk": ("import_oruk", "import an Open Referral UK feed (file or API) into a data directory"),
    "export-oruk": ("export_oruk", "write the directory as Open Referral UK (HSDS 3) JSON"),
    "serve-api": ("serve_api", "serve the directory as a read-only Open Referral UK API"),
    "search": ("search", "find services near a postcode, place or area"),
    "validate": ("validate", "check data files; one line per problem"),
}


def build_parser() -> Parser:
    return command_parser("python -m services", "Waymark's service directory.", "services.commands", COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)
