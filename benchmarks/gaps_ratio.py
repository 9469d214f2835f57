"""The whole gap report at national scale beside the shipped data's, same run.

    python -m benchmarks.gaps_ratio [--services 100000] [--runs 5] [--workdir DIR] [--json]

A commissioner's ``python -m pathways gaps --json`` is timed as a whole process (start-up,
loading, the analysis of all 153 areas and writing the JSON), on the shipped directory and
on a synthetic national one (``python -m databuild synth``, written once into ``--workdir``
and warm-started from its cache, as a deployment would be), alternating so load on a shared
machine falls on both alike. Reports the medians and their ratio; the target
(docs/PERFORMANCE.md) is at most 2.5 times the shipped data's time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.5


def _gaps(data: Path | None, cache: Path) -> float:
    """Seconds for one whole ``pathways gaps --json`` process (its output discarded)."""
    argv = [sys.executable, "-m", "pathways", "gaps", "--json", *(["--data", str(data)] if data else [])]
    env = {**os.environ, "WAYMARK_CACHE_DIR": str(cache)}
    env.pop("WAYMARK_DATA", None)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=900)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pathways gaps failed on {data or 'the shipped data'}:\n{done.stderr[-2000:]}")
    return took


def _synthetic(n: int, workdir: Path) -> Path:
    out = workdir / f"synth-{n}-seed1"
    if not (out / "services").is_dir():
        subprocess.run([sys.executable, "-m", "databuild", "synth", "--services", str(n), "--seed", "1",
                        "--out", str(out)], cwd=ROOT, check=True, timeout=900)
    return out


def measure(n: int, runs: int, workdir: Path) -> dict[str, float]:
    """Median seconds for the shipped and the synthetic directory, and their ratio."""
    workdir.mkdir(parents=True, exist_ok=True)
    synth, cache = _synthetic(n, workdir), workdir / "cache"
    _gaps(synth, cache)  # writes the warm-start cache, as a deployment's first start would
    shipped_s, synth_s = [], []
    for _ in range(runs):
        shipped_s.append(_gaps(None, cache))
        synth_s.append(_gaps(synth, cache))
    shipped, national = statistics.median(shipped_s), statistics.median(synth_s)
    return {"services": n, "runs": runs, "shipped_s": round(shipped, 2), "national_s": round(national, 2),
            "ratio": round(national / shipped, 2), "target_ratio": TARGET_RATIO}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.gaps_ratio", description=__doc__.split("\n\n")[0])
    p.add_argument("--services", type=int, default=100_000, help="size of the synthetic directory (default 100,000)")
    p.add_argument("--runs", type=int, default=5, help="alternating runs of each (default 5)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/waymark-bench"), help="where the synthetic data goes")
    p.add_argument("--json", action="store_true", help="print JSON instead of a line of text")
    args = p.parse_args(argv)
    if args.services < 1 or args.runs < 1:
        p.error("--services and --runs must be at least 1")
    r = measure(args.services, args.runs, args.workdir)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        verdict = "MET" if r["ratio"] <= TARGET_RATIO else "MISSED"
        print(f"pathways gaps --json, whole process, medians of {r['runs']}: shipped {r['shipped_s']:.2f} s, "
              f"{r['services']:,} services {r['national_s']:.2f} s: {r['ratio']:.2f}x "
              f"({verdict}: target at most {TARGET_RATIO}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
