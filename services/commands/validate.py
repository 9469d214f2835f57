"""``python -m services validate [PATH]``: exit 0 when valid, 1 with one line per problem.

Problems (the data cannot be loaded as written) go to stdout and make the exit code 1.
Warnings go to stderr and leave the exit code alone: a referral-critical claim (ages, who
can refer, hours, whether a child must have told someone) that rests on no cited page, or
only on pages older than two years; a phone number no cited page states; a link that is a
news article or a copy (:func:`services.freshness.source_warnings`). A number marked
``unconfirmed`` (a reviewed exception that says why it is kept with no page behind it) is
listed on its own line, not counted as a warning.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..directory import SHIPPED_DATA, default_data_dir, load_directory, validate_records
from ..errors import DataFileError, Problem
from ..freshness import SourceWarning, source_warnings, unconfirmed_numbers
from ..geography import Geography
from ..models import Service
from ..yamlio import load_yaml


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, help="a data directory or one services YAML file")
    p.add_argument("--data", type=Path, help="same as PATH (for symmetry with other commands)")
    p.add_argument(
        "--all-warnings",
        action="store_true",
        help=f"print every source warning (by default the first {WARNING_LINES} and a count)",
    )


#: Source warnings printed before the rest are summarised (a synthetic directory can have
#: one for every record).
WARNING_LINES = 50


def _problems_in_file(path: Path) -> tuple[list[Problem], list[Service]]:
    from ..directory import _service_entries

    try:
        raw = load_yaml(path)
    except DataFileError as exc:
        return exc.problems, []
    entries, problems = _service_entries(raw, str(path))
    known = set(Geography.load(SHIPPED_DATA / "geography").authorities)
    good, bad = validate_records(entries, str(path), known_areas=known)
    ids = [e.get("id") for e in entries if isinstance(e, dict)]
    dupes = sorted({i for i in ids if i is not None and ids.count(i) > 1}, key=str)
    problems += [Problem(str(path), None, "id", f"{d!r} is used more than once") for d in dupes]
    return problems + bad, good


def _print_warnings(warnings: list[SourceWarning], *, all_of_them: bool) -> None:
    shown = warnings if all_of_them else warnings[:WARNING_LINES]
    for w in shown:
        print(f"warning: {w.service_id}: {w.field}: {w.message}", file=sys.stderr)
    if len(shown) < len(warnings):
        records = len({w.service_id for w in warnings})
        print(
            f"warning: ... and {len(warnings) - len(shown)} more source warnings "
            f"({records} records in all; --all-warnings lists them)",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    target = args.path or args.data or default_data_dir()
    services: Sequence[Service] = []
    if target.is_file():
        problems, services = _problems_in_file(target)
        count = None
    elif target.is_dir():
        try:
            directory = load_directory(target)
        except DataFileError as exc:
            problems, count = exc.problems, None
        else:
            problems, count = list(directory.problems), len(directory)
            services = directory.services
    else:
        print(f"{target}: no such file or directory", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    warnings = [w for service in services for w in source_warnings(service)]
    _print_warnings(warnings, all_of_them=getattr(args, "all_warnings", False))
    if problems:
        return 1
    kept = [(s.id, p) for s in services for p in unconfirmed_numbers(s)]
    for sid, phone in kept:  # reviewed exceptions: listed, never counted as warnings
        print(f"unconfirmed: {sid}: {phone.number}: {phone.unconfirmed}", file=sys.stderr)
    if count is not None:
        tail = f", {len(warnings)} source warnings" if warnings else ", no source warnings"
        if kept:
            noun = "number" if len(kept) == 1 else "numbers"
            tail += f", {len(kept)} {noun} kept unconfirmed on purpose (each says why)"
        print(f"{target}: {count} services, all valid{tail}", file=sys.stderr)
    return 0
