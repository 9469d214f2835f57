"""``python -m databuild commissioning SOURCE_DIR``: trim the DfE / ONS statistics into ``data/commissioning/``.

SOURCE_DIR holds the three original files named in ``data/SOURCES.md`` ("Commissioning
statistics"); the same originals always give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.directory import SHIPPED_DATA
from services.errors import InvalidInput

from ..commissioning import FACTORS_IN, NEIGHBOURS_IN, POPULATION_IN, build


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", type=Path, metavar="SOURCE_DIR",
                   help="directory holding the three originals (named in data/SOURCES.md)")
    p.add_argument("--out", type=Path, default=SHIPPED_DATA / "commissioning",
                   help="directory to write (default: the shipped data/commissioning)")


def run(args: argparse.Namespace) -> int:
    missing = [name for name in (FACTORS_IN, POPULATION_IN, NEIGHBOURS_IN) if not (args.source / name).is_file()]
    if missing:
        raise InvalidInput(f"{args.source}: missing {', '.join(missing)}")
    for path in build(args.source, args.out):
        print(f"wrote {path}", file=sys.stderr)
    return 0
