"""``python -m databuild synth``: a synthetic national directory (tests and benchmarks only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.clitools import whole_number
from services.errors import InvalidInput

from ..synth import write_directory


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--services", type=whole_number(1, 2_000_000), required=True, metavar="N", help="how many services")
    p.add_argument("--seed", type=whole_number(), default=0, help="random seed (same seed, same files)")
    p.add_argument("--out", type=Path, required=True, help="data directory to write")


def run(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise InvalidInput(f"--out {args.out} exists and is not a directory")
    files = write_directory(args.out, args.services, args.seed)
    print(f"wrote {args.services:,} synthetic services in {len(files)} files under {args.out}/services",
          file=sys.stderr)
    return 0
