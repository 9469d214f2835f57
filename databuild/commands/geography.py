"""``python -m databuild geography``: England's offline geography into ``data/geography/``.

Reads the PyPI packages of the ``geodata`` extra and the hand-kept tables in
``data/sources/`` (``reorganisations.csv``, ``upper_tier_authorities.csv``); writes
authorities, code lookup, boundaries, postcodes, outcodes, area points, places and SOURCES.md.
Exit 2 when the ``geodata`` extra is not installed, 1 when a table is unusable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.directory import SHIPPED_DATA

from ..geography.sources import missing_geodata


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=SHIPPED_DATA / "geography",
                   help="directory to write (default: the shipped data/geography)")
    p.add_argument("--sources", type=Path, default=SHIPPED_DATA / "sources",
                   help="directory holding reorganisations.csv and upper_tier_authorities.csv "
                        "(default: the shipped data/sources)")
    p.add_argument("--tolerance", type=float, default=0.0001,
                   help="boundary simplification tolerance in degrees (default 0.0001)")


def run(args: argparse.Namespace) -> int:
    missing = missing_geodata()
    if missing:
        print(f"python -m databuild geography needs the geodata extra ({', '.join(missing)} not installed): "
              "pip install -e '.[geodata]'", file=sys.stderr)
        return 2
    from ..geography.build import build_geography

    build_geography(Path(args.out), Path(args.sources), args.tolerance)
    return 0
