#!/usr/bin/env python
"""Trim the DfE / ONS commissioning statistics into ``data/commissioning/``.

A thin wrapper over ``python -m databuild commissioning`` (see databuild/commissioning.py):

    .venv/bin/python scripts/build_commissioning.py SOURCE_DIR [--out data/commissioning]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from databuild.cli import main
from services.clitools import run

if __name__ == "__main__":
    raise SystemExit(run(main, ["commissioning", *sys.argv[1:]]))
