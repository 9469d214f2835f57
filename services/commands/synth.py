"""``python -m services synth``: a synthetic national directory (tests and benchmarks only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InvalidInput
from ..synth import write_directory


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 2_000_000:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to 2,000,000)")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--services", type=_count, required=True, metavar="N", help="how many services")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (same seed, same files)")
    p.add_argument("--out", type=Path, required=True, help="data directory to write")


def run(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise InvalidInput(f"--out {args.out} exists and is not a directory")
    files = write_directory(args.out, args.services, args.seed)
    print(f"wrote {args.services:,} synthetic services in {len(files)} files under {args.out}/services",
          file=sys.stderr)
    return 0
