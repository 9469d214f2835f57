"""``python -m services``: the directory's command line.

Each subcommand lives in its own module under :mod:`services.commands` with
``add_arguments(parser)`` and ``run(args) -> int``; this file only lists them, so adding a
command is one line here and one module there.
"""

from __future__ import annotations

import importlib
from typing import Sequence

from .clitools import Parser

__all__ = ["main", "COMMANDS"]

#: name → (module under services.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "import-oruk": ("import_oruk", "import an Open Referral UK feed (file or API) into a data directory"),
    "export-oruk": ("export_oruk", "write the directory as Open Referral UK (HSDS 3) JSON"),
    "serve-api": ("serve_api", "serve the directory as a read-only Open Referral UK API"),
    "search": ("search", "find services near a postcode, place or area"),
    "validate": ("validate", "check data files; one line per problem"),
    "synth": ("synth", "write a synthetic national directory (tests and benchmarks only)"),
}


def build_parser() -> Parser:
    parser = Parser(prog="python -m services", description="Waymark's service directory.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name, (module, help_text) in COMMANDS.items():
        mod = importlib.import_module(f"services.commands.{module}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)
