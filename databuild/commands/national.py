"""``python -m databuild national``: the statutory spine and the support beyond it, for every English area.

Reads ``data/sources/`` (reference tables and research files) and writes
``data/services/statutory_*.yaml``, ``data/services/support_*.yaml`` and the generated
section of ``data/SOURCES.md``.
Exit 0 when every row was usable, 1 with one ``file:line: field: problem`` line per bad row
(the good rows are still written, so a half-finished research file can be tried out).
``--check`` writes nothing and exits 1 when the committed files differ from a fresh build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.directory import SHIPPED_DATA

from ..national import build_national
from ..writer import stale_files, write_outputs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=SHIPPED_DATA, help="data directory (default: the shipped one)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when the committed files differ from a fresh build")
    p.add_argument("--verbose", "-v", action="store_true", help="also list each fallback taken (notes)")


def run(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if not (data / "sources").is_dir():
        print(f"{data}: no sources/ folder (expected data/sources/reference.yaml and the CSVs)", file=sys.stderr)
        return 1
    build = build_national(data)
    for problem in build.problems:
        print(problem)
    if args.verbose:
        for note in build.notes:
            print(f"note: {note}", file=sys.stderr)
    counts = ", ".join(f"{len(v)} {k.replace('_', ' ')}" for k, v in build.records.items())
    gaps = sum(len(v) for v in build.medical_gaps.values())
    if args.check:
        stale = stale_files(build.files, build.sources_section, data)
        for name in stale:
            print(f"{name}: differs from a fresh build; run python -m databuild national")
        print(f"checked: {counts}; {gaps} authorities without a medical route", file=sys.stderr)
        return 1 if stale or build.problems else 0
    changed = write_outputs(build.files, build.sources_section, data)
    print(f"built {counts} records; {gaps} authorities without a medical route (listed in SOURCES.md); "
          f"{len(changed)} file(s) changed; {len(build.notes)} note(s) (-v lists them)", file=sys.stderr)
    if build.problems:
        print(f"{len(build.problems)} bad row(s) above: fix them and re-run", file=sys.stderr)
    return 1 if build.problems else 0
