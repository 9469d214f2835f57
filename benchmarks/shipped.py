"""What the shipped directory costs at start-up: this checkout beside another, same run.

    python -m benchmarks.shipped [--before /path/to/older/checkout] [--runs 7] [--json]

Each run is a fresh process in the checkout's own folder: one cold ``load_directory()``
(no warm cache) plus the search index (what ``make run`` pays before the first answer),
then ``pathways.gaps.analyse`` of all 153 areas (what the Service gaps page pays), and the
process's peak memory. Runs alternate between the checkouts so load on a shared machine
falls on both alike; medians are reported. The older checkout is read only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import json, resource, time
t0 = time.perf_counter()
from services.directory import load_directory
d = load_directory(cache=False)
d.index
t1 = time.perf_counter()
from pathways.gaps import analyse
analyse(d)
t2 = time.perf_counter()
print(json.dumps({"services": len(d.services), "load_index_s": t1 - t0, "gaps_s": t2 - t1,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def probe(checkout: Path) -> dict[str, float]:
    """One fresh process in ``checkout``: services, load + index, gap analysis, peak RSS."""
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=checkout, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin",
                                            "WAYMARK_CACHE_DIR": "/nonexistent-waymark-cache"})
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the probe failed:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(checkouts: dict[str, Path], runs: int) -> dict[str, dict[str, float]]:
    """Medians per checkout over ``runs`` alternating fresh processes."""
    seen: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for _ in range(runs):
        for name, path in checkouts.items():
            seen[name].append(probe(path))
    return {name: {key: statistics.median(r[key] for r in rows) for key in rows[0]} for name, rows in seen.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.shipped", description=__doc__.split("\n\n")[0])
    p.add_argument("--before", type=Path, help="another checkout to measure beside this one")
    p.add_argument("--runs", type=int, default=7, help="fresh processes per checkout (default 7)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    checkouts = {"this checkout": ROOT}
    if args.before is not None:
        if not (args.before / "services" / "directory.py").exists():
            p.error(f"--before {args.before}: not a Waymark checkout")
        checkouts = {"before": args.before.resolve(), **checkouts}
    result = measure(checkouts, max(1, args.runs))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'':16} {'services':>8} {'load + index, s':>16} {'gap analysis, s':>16} {'peak RSS, MB':>13}")
    for name, r in result.items():
        print(f"{name:16} {r['services']:8.0f} {r['load_index_s']:16.2f} {r['gaps_s']:16.2f} {r['peak_rss_mb']:13.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
