"""``python -m services export-oruk --out FILE [--data DIR]``: the directory as HSDS 3 JSON.

Writes a JSON list of compiled HSDS 3 / Open Referral UK services, Waymark's pathway fields
carried as attributes under the ``waymark`` taxonomy, so that ``import-oruk FILE`` gives
the same directory back. ``--out -`` writes to standard output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..directory import load_directory
from ..oruk.exporter import write_export


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="the JSON file to write ('-' for standard output)")
    p.add_argument("--data", type=Path, help="read another data directory")


def run(args: argparse.Namespace) -> int:
    directory = load_directory(args.data)
    count = write_export(directory, args.out)
    if str(args.out) != "-":
        print(f"Wrote {count} service(s) to {args.out}")
    if directory.problems:
        print(f"{len(directory.problems)} data problem(s) left records out; run `python -m services validate`",
              file=sys.stderr)
    return 0
