#!/usr/bin/env python
"""Build the statutory spine (front door, police, child's medical route) for all of England.

A thin wrapper over ``python -m services build-national`` (see services/spine.py):

    PYTHONPATH=. .venv/bin/python scripts/build_national.py          # write the files
    PYTHONPATH=. .venv/bin/python scripts/build_national.py --check  # CI: committed == fresh
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build-national", *sys.argv[1:]]))
