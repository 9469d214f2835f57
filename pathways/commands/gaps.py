"""``python -m pathways gaps``: where, for whom and at which step support is missing.

    python -m pathways gaps --json [--area CODE_OR_NAME ...] [--data DIR]
    python -m pathways gaps --csv > gaps.csv
    python -m pathways gaps --xlsx gaps.xlsx
    python -m pathways gaps --area York                      # plain statements
    python -m pathways gaps --csv --commissioner nhs_england # only the stages NHS England leads
    python -m pathways gaps --what-if-type parent_support --what-if-at "YO10 5DD" --what-if-for-parents

The JSON is the docs/contracts.md ``gaps`` contract (``{"areas": [{"code", "name", "stages",
"cohorts"}]}``) with added keys; how services count is in its ``rules`` and docs/gaps.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.clitools import print_json
from services.directory import directories
from services.errors import InvalidInput
from services.vocabulary import SERVICE_TYPES

from ..gaps import analyse
from ..gaps.by_commissioner import restrict_area, stages_of
from ..gaps.commissioners import COMMISSIONERS
from ..gaps.export import to_csv, to_excel
from ..gaps.whatif import Hypothetical, what_if

__all__ = ["add_arguments", "run"]


def _ages(text: str) -> tuple[int, int]:
    lo, sep, hi = text.partition("-")
    try:
        ages = (int(lo), int(hi) if sep else int(lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age range like 0-17 or 16-17") from None
    if not 0 <= ages[0] <= ages[1] <= 120:
        raise argparse.ArgumentTypeError(f"{text!r} is not a possible age range (youngest-oldest, 0 to 120)")
    return ages


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON (the gaps contract in docs/contracts.md)")
    out.add_argument("--csv", action="store_true", help="print the table as CSV, one row per area")
    out.add_argument("--xlsx", type=Path, metavar="FILE", help="write the table, statements and definitions to an Excel file")
    p.add_argument("--area", action="append", default=[], metavar="CODE_OR_NAME",
                   help="only this local authority (name or GSS code); repeatable")
    p.add_argument("--data", type=Path, help="read another data directory")
    p.add_argument("--commissioner", action="append", default=[], choices=COMMISSIONERS, metavar="BODY",
                   help="only the stages this body leads (data/commissioners.yaml): "
                        + ", ".join(COMMISSIONERS) + "; repeatable")
    w = p.add_argument_group("what-if", "add a hypothetical service in memory and see which gaps it closes")
    w.add_argument("--what-if-type", action="append", default=[], choices=SERVICE_TYPES, metavar="TYPE",
                   help="its service type (repeatable); turns on the what-if")
    w.add_argument("--what-if-at", metavar="PLACE", help="where it is: postcode, town or area")
    w.add_argument("--what-if-lat", type=_number, help="or its latitude")
    w.add_argument("--what-if-lon", type=_number, help="and longitude")
    w.add_argument("--what-if-ages", type=_ages, default=(0, 17), metavar="MIN-MAX", help="ages it serves (default 0-17)")
    w.add_argument("--what-if-covers", action="append", default=[], metavar="AREA",
                   help="an area it serves (name, GSS code or 'national'); repeatable; default: the area it is in")
    w.add_argument("--what-if-during-investigation", action="store_true", help="available during a police investigation")
    w.add_argument("--what-if-for-parents", action="store_true", help="supports parents and carers")
    w.add_argument("--what-if-requires-disclosure", action="store_true", help="needs the child to have disclosed")
    w.add_argument("--what-if-accessible", action="store_true", help="makes adjustments for disabled children")
    w.add_argument("--what-if-name", default="Hypothetical service", help="a name for it")


def _what_if_args_without_type(args: argparse.Namespace) -> bool:
    return any((args.what_if_at, args.what_if_lat is not None, args.what_if_lon is not None, args.what_if_covers,
                args.what_if_during_investigation, args.what_if_for_parents, args.what_if_requires_disclosure,
                args.what_if_accessible))


def run(args: argparse.Namespace) -> int:
    directory = directories.get(args.data)
    if args.what_if_type:
        return _run_what_if(args, directory)
    if _what_if_args_without_type(args):
        raise InvalidInput("A what-if needs --what-if-type (the kind of service to add).")
    report = analyse(directory, areas=args.area or None)
    wanted = tuple(dict.fromkeys(args.commissioner))
    stages = stages_of(report, wanted) if wanted else None
    if args.json:
        out = report.to_dict()
        if stages is not None:
            out["areas"] = [restrict_area(a, stages).to_dict() for a in report.areas]
            out["commissioner_filter"] = list(wanted)
        print_json(out)
    elif args.csv:
        sys.stdout.write(to_csv(report, commissioners=wanted))
    elif args.xlsx:
        try:
            args.xlsx.write_bytes(to_excel(report, commissioners=wanted))
        except OSError as exc:
            raise InvalidInput(f"{args.xlsx}: cannot write the workbook ({exc.strerror})") from None
        print(f"Wrote {len(report.areas)} areas to {args.xlsx}", file=sys.stderr)
    else:
        model = report.model
        for area in report.areas:
            gaps = area.gaps
            children, need = area.children, area.need or {}
            unknown = area.not_compiled.stages
            not_compiled = (f"; not compiled: {len(unknown)} stage(s) unknown"
                            if area.coverage == "statutory" else "")
            if stages is not None:
                mine = [model.stage(s).name for s in gaps.stages if s in stages]
                print(f"{area.name} ({area.code}): {len(mine)} stage gap(s) led by {', '.join(wanted)}"
                      + (f": {', '.join(mine)}" if mine else "") + not_compiled)
            else:
                print(f"{area.name} ({area.code}): {len(gaps.stages)} stage gap(s), "
                      f"{len(gaps.cohorts)} cohort gap(s)" + not_compiled)
            if children:
                print(f"  children aged 0-17: {children['count']:,} (ONS mid-{children['year']})")
            if need:
                print(f"  sexual abuse identified at assessment (DfE): {need['text']}")
                if need.get("note"):
                    print(f"  ({need['note']})")
            if stages is None:
                for line in area.statements:
                    print(f"  - {line}")
    return 0


def _run_what_if(args: argparse.Namespace, directory) -> int:  # noqa: ANN001 - Directory
    if args.area or args.csv or args.xlsx:
        raise InvalidInput("A what-if reports the areas the service would serve: use --what-if-covers, "
                           "not --area, and --json or plain text.")
    h = Hypothetical(
        service_types=tuple(args.what_if_type),
        place=args.what_if_at,
        lat=args.what_if_lat,
        lon=args.what_if_lon,
        min_age=args.what_if_ages[0],
        max_age=args.what_if_ages[1],
        service_areas=tuple(args.what_if_covers),
        available_during_investigation=True if args.what_if_during_investigation else None,
        requires_disclosure=args.what_if_requires_disclosure,
        for_parents=args.what_if_for_parents,
        accessible=args.what_if_accessible,
        name=args.what_if_name,
    )
    result = what_if(directory, h)
    if args.json:
        print_json(result)
    else:
        print("What if (nothing is saved):")
        for line in result["summary"]:
            print(f"  - {line}")
    return 0
