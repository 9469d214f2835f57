"""A search's cost on the server, this checkout beside another one, same run.

    python -m benchmarks.server_cost --before /path/to/older/checkout [--repeat 30]

Starts ``streamlit run streamlit_app.py`` from each checkout on 127.0.0.1 (no nginx: the
app's own cost) and drives one protocol-level session in each (benchmarks/stclient.py),
alternating: the same Find support search in one app, then the other, over ten places.
Reports, per checkout, the median and 95th percentile time from the request to
``script_finished``, whether the run was a fragment's, and the elements and bytes sent.
One session at a time, so the figure is the server's work, not queueing. Bounded: at most
200 searches per app; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.capacity import PLACES, SEARCH_FORM, pct
from benchmarks.first_answer import App, check_before, make_log_dir, start, stop, waymark_apps
from benchmarks.stclient import Session


@dataclass
class _Tally:
    """One app's searches: how long each took, how much it drew, what went wrong."""

    seconds: list[float] = field(default_factory=list)
    elements: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    fragment_runs: int = 0
    errors: int = 0


async def _measure(apps: list[App], repeat: int) -> dict[str, dict]:
    sessions = {}
    for app in apps:
        s = Session(app.url, timeout=60)
        await s.connect()
        await s.run()
        await s.run(values={SEARCH_FORM["place"]: PLACES[-1]}, submit=SEARCH_FORM["submit"])  # warm
        sessions[app.name] = s
    out = {a.name: _Tally() for a in apps}
    for i in range(repeat):
        place = PLACES[i % len(PLACES)]
        for app in apps:
            r = await sessions[app.name].run(values={SEARCH_FORM["place"]: place}, submit=SEARCH_FORM["submit"],
                                             until_heading=SEARCH_FORM["result"])
            o = out[app.name]
            if r.errors or r.heading_seconds is None:
                o.errors += 1
                continue
            o.seconds.append(r.seconds)
            o.elements.append(r.elements)
            o.bytes.append(r.bytes)
            o.fragment_runs += int(r.fragment_run)
    for s in sessions.values():
        await s.close()
    return {
        name: {"searches": len(o.seconds), "errors": o.errors, "median_ms": pct(o.seconds, 50),
               "p95_ms": pct(o.seconds, 95), "fragment_runs": o.fragment_runs,
               "elements_median": statistics.median(o.elements) if o.elements else None,
               "kb_median": round(statistics.median(o.bytes) / 1024, 1) if o.bytes else None}
        for name, o in out.items()
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.server_cost", description=__doc__.split("\n\n")[0])
    p.add_argument("--before", type=Path, required=True, help="the other checkout (its streamlit_app.py is run)")
    p.add_argument("--repeat", type=int, default=30, help="searches per app (default 30, at most 200)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    check_before(p, args.before)
    repeat = max(1, min(args.repeat, 200))
    apps = waymark_apps(PLACES, args.before)
    log_dir = make_log_dir("waymark-server-cost")
    load0 = os.getloadavg()
    try:
        for app in apps:
            start(app, log_dir)
        result = asyncio.run(_measure(apps, repeat))
    finally:
        for app in apps:
            stop(app)
    report = {"load_start": [round(x, 2) for x in load0], "load_end": [round(x, 2) for x in os.getloadavg()], "apps": result}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"Server cost of a Find support search, load average {report['load_start']} → {report['load_end']}")
        for name, r in result.items():
            print(f"  {name:15} median {r['median_ms']} ms, p95 {r['p95_ms']} ms; {r['elements_median']} elements, "
                  f"{r['kb_median']} KB; fragment runs {r['fragment_runs']}/{r['searches']}; errors {r['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
