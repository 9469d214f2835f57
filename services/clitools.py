"""The one place where CLI errors become output.

Every Waymark command turns a refusal into a single line on stderr and an exit code —
2 for bad input (a flag, a postcode, a situation), 1 for data that cannot be used — and
never a traceback. Commands raise; this funnel formats.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .errors import DataError, InvalidInput, PlaceNotFound, WaymarkError

__all__ = ["Parser", "command_parser", "command_line", "help_text", "whole_number", "decimal", "run", "print_json",
           "EXIT_BAD_INPUT", "EXIT_BAD_DATA"]

EXIT_BAD_INPUT = 2
EXIT_BAD_DATA = 1


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def command_parser(prog: str, description: str, package: str, commands: dict[str, tuple[str, str]]) -> Parser:
    """A parser with one subcommand per module of ``package``.

    ``commands`` maps a name to (module, one-line help); each module has
    ``add_arguments(parser)`` and ``run(args) -> int``. Modules not installed are skipped.
    """
    import importlib
    import importlib.util

    parser = Parser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name, (module, help_text) in commands.items():
        if importlib.util.find_spec(f"{package}.{module}") is None:
            continue
        mod = importlib.import_module(f"{package}.{module}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def help_text(parser: argparse.ArgumentParser, *command: str, width: int = 100) -> str:
    """The ``--help`` of ``parser`` or of one of its subcommands, at a fixed width.

    docs/cli.md is generated from this (``cog``) and a test checks it still matches, so the
    reference cannot drift from the real flags.
    """
    import os
    from unittest import mock

    target = parser
    for name in command:
        sub = next(a for a in target._actions if isinstance(a, argparse._SubParsersAction))
        target = sub.choices[name]
    with mock.patch.dict(os.environ, {"COLUMNS": str(width)}):
        return target.format_help()


def whole_number(low: int | None = None, high: int | None = None, *, what: str = "a whole number",
                 bounds: str | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for integers in [low, high], with a message naming the value.
    ``bounds`` says the range in a flag's own words ("a possible age (0 to 120)")."""
    return _in_range(int, low, high, what, bounds)


def decimal(low: float | None = None, high: float | None = None, *, what: str = "a number",
            bounds: str | None = None) -> Callable[[str], float]:
    """An argparse ``type`` for numbers in [low, high] (seconds, distances)."""
    return _in_range(float, low, high, what, bounds)


def _in_range(kind: Callable[[str], Any], low: Any, high: Any, what: str, bounds: str | None) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if isinstance(value, float) and not math.isfinite(value):
            # "nan" and "inf" parse as floats, but no wait, timeout or distance can be one
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}: give a finite number")
        if (low is not None and value < low) or (high is not None and value > high):
            if bounds is not None:
                raise argparse.ArgumentTypeError(f"{_show(value)} is not {bounds}")
            if high is None:
                bound = f"must be at least {_show(low)}"
            elif low is None:
                bound = f"must be at most {_show(high)}"
            else:
                bound = f"must be from {_show(low)} to {_show(high)}"
            raise argparse.ArgumentTypeError(f"{_show(value)} {bound}")
        return value

    return parse


def _show(value: float) -> str:
    """A number as a reader writes it: ``3,000,000`` and ``2.5``, never ``3e+06``."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{int(value):,}" if value.is_integer() and abs(value) < 1e18 else f"{value:,.10g}"


def command_line(prog: str, description: str, package: str, commands: dict[str, tuple[str, str]]
                 ) -> tuple[Callable[[], Parser], Callable[[Sequence[str] | None], int]]:
    """A CLI's ``build_parser`` and ``main`` from its commands (one module each)."""

    def build_parser() -> Parser:
        return command_parser(prog, description, package, commands)

    def main(argv: Sequence[str] | None = None) -> int:
        args = build_parser().parse_args(argv)
        return int(args._run(args) or 0)

    return build_parser, main


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def run(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Call ``main`` and turn any Waymark error (or a stray one) into a one-line message."""
    try:
        return main(argv)
    except (InvalidInput, PlaceNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_DATA
    except WaymarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
