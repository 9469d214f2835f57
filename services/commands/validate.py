"""``python -m services validate [PATH]``: exit 0 when valid, 1 with one line per problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..directory import SHIPPED_DATA, default_data_dir, load_directory, validate_records
from ..errors import DataFileError, Problem
from ..geography import Geography
from ..yamlio import load_yaml


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, help="a data directory or one services YAML file")
    p.add_argument("--data", type=Path, help="same as PATH (for symmetry with other commands)")


def _problems_in_file(path: Path) -> list[Problem]:
    from ..directory import _service_entries

    try:
        raw = load_yaml(path)
    except DataFileError as exc:
        return exc.problems
    entries, problems = _service_entries(raw, str(path))
    known = set(Geography.load(SHIPPED_DATA / "geography").authorities)
    _, bad = validate_records(entries, str(path), known_areas=known)
    ids = [e.get("id") for e in entries if isinstance(e, dict)]
    dupes = sorted({i for i in ids if i is not None and ids.count(i) > 1}, key=str)
    problems += [Problem(str(path), None, "id", f"{d!r} is used more than once") for d in dupes]
    return problems + bad


def run(args: argparse.Namespace) -> int:
    target = args.path or args.data or default_data_dir()
    if target.is_file():
        problems = _problems_in_file(target)
        count = None
    elif target.is_dir():
        try:
            directory = load_directory(target)
        except DataFileError as exc:
            problems, count = exc.problems, None
        else:
            problems, count = list(directory.problems), len(directory)
    else:
        print(f"{target}: no such file or directory", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if problems:
        return 1
    if count is not None:
        print(f"{target}: {count} services, all valid", file=sys.stderr)
    return 0
