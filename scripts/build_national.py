#!/usr/bin/env python
"""Build the national records (the statutory spine and the support beyond it) for all of England.

A thin wrapper over ``python -m databuild national`` (see databuild/national.py):

    PYTHONPATH=. .venv/bin/python scripts/build_national.py          # write the files
    PYTHONPATH=. .venv/bin/python scripts/build_national.py --check  # CI: committed == fresh
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from databuild.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["national", *sys.argv[1:]]))
