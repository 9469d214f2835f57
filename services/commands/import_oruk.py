"""``python -m services import-oruk SOURCE --out DIR``: an ORUK feed → a Waymark data directory.

SOURCE is an HSDS/ORUK JSON file (a service, a list, or a ``/services`` page) or the base
URL of an ORUK API (``https://example.gov.uk/api`` or ``.../api/services``). Writes
``DIR/services/oruk.yaml`` and a report (default ``DIR/oruk-import-report.yaml``); prints a
summary, or the report as JSON with ``--json``. Exit 0 when at least one service was
imported (problems are in the report), 1 when none could be, 2 for bad flags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..clitools import decimal, print_json, whole_number
from ..errors import DataError
from ..geography import Geography
from ..oruk.context import Context
from ..oruk.fetch import Fetcher, is_url
from ..oruk.importer import import_records, previous_dates, read_feed_file, write_directory
from ..oruk.overlay import load_overlay
from ..oruk.taxonomy_map import DEFAULT_MAP, TaxonomyMap

STATE_DIR = ".oruk-fetch"
DEFAULT_REPORT = "oruk-import-report.yaml"
DEFAULT_OVERLAY = "overlay.yaml"
#: Seconds for a request or a wait between tries.
SECONDS = decimal(0, 600, bounds="a time from 0 to 600 seconds")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", help="an ORUK/HSDS JSON file, or the base URL of an ORUK API")
    p.add_argument("--out", type=Path, required=True, help="the Waymark data directory to write")
    p.add_argument("--taxonomy-map", type=Path, help=f"taxonomy term → service type map (default {DEFAULT_MAP.name} "
                   "in data/oruk)")
    p.add_argument("--overlay", type=Path, help=f"pathway fields keyed by service id (default DIR/{DEFAULT_OVERLAY} "
                   "when it exists)")
    p.add_argument("--report", type=Path, help=f"where to write the report (default DIR/{DEFAULT_REPORT})")
    p.add_argument("--timeout", type=SECONDS, default=15.0, help="seconds per HTTP request (default 15)")
    p.add_argument("--retries", type=whole_number(0, 1000), default=3, help="retries per HTTP request (default 3)")
    p.add_argument("--retry-wait", type=SECONDS, default=1.0,
                   help="seconds before the first retry, doubling each time (default 1)")
    p.add_argument("--per-page", type=whole_number(0, 1000), help="ask the API for this many services per page")
    p.add_argument("--details", choices=("auto", "always", "never"), default="auto",
                   help="fetch /services/{id} for each record: when the list gives summaries (auto), always, never")
    p.add_argument("--restart", action="store_true", help="ignore a saved partial fetch and start again")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: is not a directory")
    taxonomy_map = TaxonomyMap.load(args.taxonomy_map)
    overlay_path = args.overlay or (out / DEFAULT_OVERLAY if (out / DEFAULT_OVERLAY).is_file() else None)
    overlay = load_overlay(overlay_path) if overlay_path else {}
    if args.overlay and not args.overlay.is_file():
        raise DataError(f"{args.overlay}: no such overlay file")

    fetcher = None
    notes: list[tuple[str, str, str]] = []
    if is_url(args.source):
        fetcher = Fetcher(args.source, out / STATE_DIR, timeout=args.timeout, retries=args.retries,
                          retry_wait=args.retry_wait, per_page=args.per_page or None, details=args.details,
                          log=lambda m: print(m, file=sys.stderr))
        if args.restart:
            fetcher.clear()
        fetched = fetcher.fetch()
        records, notes, source = fetched.records, fetched.notes, fetcher.base_url
    else:
        path = Path(args.source)
        if not path.is_file():
            raise DataError(f"{args.source}: no such file (give an ORUK JSON file or an http(s) URL)")
        records, source = read_feed_file(path), args.source

    ctx = Context(Geography.load(), taxonomy_map, source, is_url=fetcher is not None, today=dt.date.today(),
                  previous_dates=previous_dates(out))
    result = import_records(records, ctx, overlay=overlay)
    for sid, field_name, message in notes:
        result.report.add(sid, field_name, message)
    written = write_directory(result.services, out, source=source) if result.services else None
    result.report.output = str(written) if written else None
    report_path = args.report or out / DEFAULT_REPORT
    try:
        result.report.write(report_path)
    except OSError as exc:
        raise DataError(f"{report_path}: cannot be written ({exc.strerror})") from None
    if fetcher is not None:
        fetcher.clear()
    if args.json:
        print_json(result.report.to_dict())
    else:
        print(result.report.summary())
        print(f"Report: {report_path}")
    if not result.services:
        raise DataError(f"no record of {source} could become a Waymark service; see {report_path}")
    return 0
