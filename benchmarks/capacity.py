"""Capacity of Waymark behind nginx: protocol-level sessions, 1 and N replicas, two data sets.

    python -m benchmarks.capacity                        # shipped data and 10,000 services, 1 and 2 replicas
    python -m benchmarks.capacity --replicas 2 --datasets shipped --sessions 50 --seconds 30
    python -m benchmarks.capacity --json --out /tmp/waymark-capacity.json

For each data set and replica count it starts ``deploy/serve.sh start N`` (nginx in front
of N Streamlit replicas, on loopback, in a temporary run dir) and drives it with
:class:`benchmarks.stclient.Session`: Streamlit's own websocket protocol, no browser, so
the load generator costs a few per cent of one core and does not starve the server.

Two phases per configuration:

* **held** — ``--sessions`` sessions open at once (a person's tab each). Half are families
  on Find support, half practitioners on Referral pathway: each loads its page, then loops
  until ``--seconds`` run out: a search (a place) or a plan (a place and an age), then a
  pause of ``--think`` seconds (uniform; a person reading). This is the "50 concurrent
  sessions" figure: sessions held, errors, p50/p95 time to result for a search and a plan.
* **saturation** — ``--busy-sessions`` sessions with no pause for ``--busy-seconds``:
  the most results per second the configuration gives; the ratio between replica counts
  is the scaling figure.

Time to result is from sending the rerun to the server's ``script_finished`` (every
element of the answer has arrived); the time to the result heading is recorded too. An
error is a closed or timed-out session, an exception element, an error message other than
the 999 banner, or an answer without its result heading. Memory is each replica's
resident set (with its children), sampled every half second: peak and at the end. The
1-minute load average is recorded before and after each phase.

Bounded: at most 200 sessions and 300 s a phase; every address is loopback
(:func:`benchmarks.stclient.check_loopback`); each configuration is stopped at its end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.stclient import Session, SessionError

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "deploy" / "serve.sh"

PLACES = ["YO10 5DD", "TR1", "Truro", "York", "N7 8DB", "Derby", "Shrewsbury", "Bracknell", "TR1 3LJ", "Islington"]
BANNER = "**If a child is in immediate danger"
SEARCH_FORM = {"place": "Your postcode or town", "submit": "Find support", "result": "Support near"}
PLAN_FORM = {
    "age": "Child's age (0 to 17)",
    "place": "Where the child lives: postcode, town or local authority",
    "submit": "Make the plan",
    "result": "Plan for a child",
}
MAX_SESSIONS = 200
MAX_SECONDS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> float:
    return os.getloadavg()[0]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Streamlit's YAML worker pool)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total / 2**20


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, in ms."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return round(ordered[k] * 1000, 1)


# ---------------------------------------------------------------------------- the server


@dataclass
class Deployment:
    url: str
    run_dir: Path
    process: subprocess.Popen
    replicas: int

    def replica_pids(self) -> list[int]:
        out = []
        for i in range(1, self.replicas + 1):
            with contextlib.suppress(OSError, ValueError):
                out.append(int((self.run_dir / f"replica-{i}.pid").read_text()))
        return out


def start(replicas: int, data: Path | None, run_dir: Path, *, timeout: float = 180) -> Deployment:
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
        "WAYMARK_RUN_DIR": str(run_dir),
        "WAYMARK_PORT": str(port),
        "WAYMARK_REPLICA_PORT": str(free_port_block(replicas)),
        "WAYMARK_API_PORT": str(free_port()),
        "WAYMARK_API_WORKERS": "1",
        "WAYMARK_START_TIMEOUT": str(int(timeout)),
    }
    env.pop("WAYMARK_DATA", None)
    if data is not None:
        env["WAYMARK_DATA"] = str(data)
    log = open(run_dir / "serve.out", "wb")
    proc = subprocess.Popen(["bash", str(SERVE), "start", str(replicas)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve.sh exited: {(run_dir / 'serve.out').read_text(errors='replace')[-1500:]}")
        if b"Ctrl+C stops it" in (run_dir / "serve.out").read_bytes():
            return Deployment(url, run_dir, proc, replicas)
        time.sleep(0.3)
    stop(Deployment(url, run_dir, proc, replicas))
    raise RuntimeError("serve.sh did not start in time")


def free_port_block(n: int) -> int:
    """A first port with the n-1 ports after it free too (replicas take consecutive ports)."""
    for _ in range(50):
        base = free_port()
        ok = True
        for p in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no block of free ports")


def stop(dep: Deployment) -> None:
    stop_serve(dep.process)


def stop_serve(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """Stop a ``serve.sh start`` (SIGTERM: it stops nginx and every replica itself); if it has
    not finished within ``timeout`` seconds, SIGKILL its whole process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# ---------------------------------------------------------------------------- the load


@dataclass
class Phase:
    name: str
    sessions: int
    seconds: float
    think: tuple[float, float]
    sessions_held: int = 0
    searches: int = 0
    plans: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    results_per_s: float = 0.0
    search_p50_ms: float | None = None
    search_p95_ms: float | None = None
    plan_p50_ms: float | None = None
    plan_p95_ms: float | None = None
    search_heading_p95_ms: float | None = None
    plan_heading_p95_ms: float | None = None
    first_page_p95_ms: float | None = None
    max_ms: float | None = None
    load_before: float = 0.0
    load_after: float = 0.0
    client_cpu_s: float = 0.0


async def _session(url: str, deadline: float, think: tuple[float, float], rng: random.Random, acc: dict, held: list[int],
                   kind: str) -> None:
    """One person's tab: a family searching on Find support, or a practitioner planning on
    Referral pathway, again and again on the same page (as the browser does: a button
    inside a fragment reruns only that fragment)."""
    s = Session(url, timeout=30)
    try:
        await s.connect()
        first = await s.run()
        acc["first"].append(first.seconds)
        if kind == "plan":
            await s.run(page="referral-pathway")
        held[0] += 1
        i = rng.randrange(len(PLACES))
        while time.monotonic() < deadline:
            place = PLACES[i % len(PLACES)]
            i += 1
            if kind == "search":
                r = await s.run(values={SEARCH_FORM["place"]: place}, submit=SEARCH_FORM["submit"], until_heading=SEARCH_FORM["result"])
                _count(acc, "search", r, SEARCH_FORM["result"])
            else:
                values = {PLAN_FORM["age"]: rng.randrange(1, 18), PLAN_FORM["place"]: place}
                r = await s.run(values=values, submit=PLAN_FORM["submit"], until_heading=PLAN_FORM["result"])
                _count(acc, "plan", r, PLAN_FORM["result"])
            await asyncio.sleep(rng.uniform(*think))
    except (TimeoutError, SessionError, OSError) as exc:
        acc["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
    except Exception as exc:  # a protocol surprise is an error in the figures, not a crash
        acc["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        with contextlib.suppress(Exception):
            await s.close()


def _count(acc: dict, kind: str, r, heading: str) -> None:
    problems = list(r.errors) + [a[:100] for a in r.error_alerts if not a.startswith(BANNER)]
    if r.heading_seconds is None:
        problems.append(f"{kind}: no '{heading}' heading in the answer")
    if problems:
        acc["errors"].extend(problems)
        return
    acc[kind].append(r.seconds)
    acc[kind + "_heading"].append(r.heading_seconds)


async def _drive(url: str, sessions: int, seconds: float, think: tuple[float, float], seed: int) -> tuple[dict, int, float]:
    acc: dict = {k: [] for k in ("first", "search", "plan", "search_heading", "plan_heading", "errors")}
    held = [0]
    rng = random.Random(seed)
    start = time.monotonic()
    deadline = start + seconds
    tasks = []
    for i in range(sessions):
        kind = "search" if i % 2 == 0 else "plan"  # half families searching, half practitioners planning
        tasks.append(asyncio.create_task(_session(url, deadline, think, random.Random(rng.random()), acc, held, kind)))
        await asyncio.sleep(min(0.05, 2.0 / max(sessions, 1)))  # a ramp of about two seconds
    # Bounded: every task ends by the deadline plus one request's timeout.
    _, pending = await asyncio.wait(tasks, timeout=seconds + 60)
    for t in pending:
        t.cancel()
        acc["errors"].append("session still running after the time limit")
    return acc, held[0], time.monotonic() - start


def run_phase(name: str, url: str, sessions: int, seconds: float, think: tuple[float, float], seed: int) -> Phase:
    sessions = min(sessions, MAX_SESSIONS)
    seconds = min(seconds, MAX_SECONDS)
    phase = Phase(name, sessions, seconds, think, load_before=round(load_average(), 2))
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    acc, held, _ = asyncio.run(_drive(url, sessions, seconds, think, seed))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    phase.client_cpu_s = round((cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime), 2)
    phase.load_after = round(load_average(), 2)
    phase.sessions_held = held
    phase.searches, phase.plans = len(acc["search"]), len(acc["plan"])
    phase.errors = len(acc["errors"])
    phase.error_samples = sorted(set(acc["errors"]))[:5]
    phase.results_per_s = round((phase.searches + phase.plans) / max(seconds, 1e-9), 2)
    phase.search_p50_ms, phase.search_p95_ms = pct(acc["search"], 50), pct(acc["search"], 95)
    phase.plan_p50_ms, phase.plan_p95_ms = pct(acc["plan"], 50), pct(acc["plan"], 95)
    phase.search_heading_p95_ms = pct(acc["search_heading"], 95)
    phase.plan_heading_p95_ms = pct(acc["plan_heading"], 95)
    phase.first_page_p95_ms = pct(acc["first"], 95)
    everything = acc["search"] + acc["plan"]
    phase.max_ms = round(max(everything) * 1000, 1) if everything else None
    return phase


@dataclass
class Config:
    dataset: str
    services: int | None
    replicas: int
    phases: list[Phase] = field(default_factory=list)
    rss_start_mb: list[float] = field(default_factory=list)
    rss_peak_mb: list[float] = field(default_factory=list)
    rss_end_mb: list[float] = field(default_factory=list)


def measure(dataset: str, data: Path | None, replicas: int, args: argparse.Namespace) -> Config:
    services = count_services(data)
    cfg = Config(dataset, services, replicas)
    with tempfile.TemporaryDirectory(prefix="waymark-capacity-") as tmp:
        dep = start(replicas, data, Path(tmp))
        peak: dict[int, float] = {}
        sampling = [True]

        def sample() -> None:
            while sampling[0]:
                for pid in dep.replica_pids():
                    peak[pid] = max(peak.get(pid, 0.0), rss_mb(pid))
                time.sleep(0.5)

        import threading

        sampler = threading.Thread(target=sample, daemon=True)
        try:
            # Warm every replica (first script run imports the pages): a few untimed searches.
            run_phase("warm-up", dep.url, 4 * replicas, 3, (0.0, 0.0), args.seed + 99)
            cfg.rss_start_mb = [round(rss_mb(p), 1) for p in dep.replica_pids()]
            sampler.start()
            cfg.phases.append(run_phase("held", dep.url, args.sessions, args.seconds, tuple(args.think), args.seed))
            if args.busy_seconds > 0:
                cfg.phases.append(run_phase("saturation", dep.url, args.busy_sessions, args.busy_seconds, (0.0, 0.0), args.seed + 1))
            cfg.rss_end_mb = [round(rss_mb(p), 1) for p in dep.replica_pids()]
        finally:
            sampling[0] = False
            if sampler.is_alive():
                sampler.join(timeout=2)
            stop(dep)
        cfg.rss_peak_mb = [round(v, 1) for v in peak.values()]
    return cfg


def count_services(data: Path | None) -> int | None:
    try:
        from services.directory import default_data_dir, load_directory

        return len(load_directory(data or default_data_dir()))
    except Exception:
        return None


def synth_directory(n: int, workdir: Path) -> Path:
    out = workdir / f"synth-{n}"
    if not (out / "services").is_dir():
        subprocess.run([sys.executable, "-m", "databuild", "synth", "--services", str(n), "--out", str(out)],
                       cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
    return out


# ---------------------------------------------------------------------------- report


def table(configs: list[Config], header: str) -> str:
    lines = [header, ""]
    cols = ["data", "repl", "phase", "sess", "held", "search", "plan", "err", "res/s", "search p50/p95 ms", "plan p50/p95 ms",
            "max ms", "RSS MB per replica (peak)", "load before→after", "client CPU s"]
    rows = []
    for c in configs:
        label = f"{c.dataset} ({c.services:,})" if c.services else c.dataset
        for p in c.phases:
            rows.append([label, str(c.replicas), p.name, str(p.sessions), str(p.sessions_held), str(p.searches), str(p.plans),
                         str(p.errors), f"{p.results_per_s:.1f}", f"{p.search_p50_ms} / {p.search_p95_ms}",
                         f"{p.plan_p50_ms} / {p.plan_p95_ms}", str(p.max_ms), ", ".join(f"{v:.0f}" for v in c.rss_peak_mb),
                         f"{p.load_before:.2f} → {p.load_after:.2f}", f"{p.client_cpu_s:.1f}"])
    widths = [max(len(cols[i]), *(len(r[i]) for r in rows)) if rows else len(cols[i]) for i in range(len(cols))]
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
    lines.append("")
    lines += verdicts(configs)
    samples = {s for c in configs for p in c.phases for s in p.error_samples}
    if samples:
        lines += ["", "error samples:"] + [f"  {s}" for s in sorted(samples)[:10]]
    return "\n".join(lines)


def verdicts(configs: list[Config]) -> list[str]:
    out = ["Targets:"]
    for c in configs:
        held = next((p for p in c.phases if p.name == "held"), None)
        if c.dataset == "shipped" and held is not None:
            worst = max(v for v in (held.search_p95_ms, held.plan_p95_ms, 0.0) if v is not None)
            ok = held.sessions_held >= 50 and held.errors == 0 and worst <= 1000
            out.append(f"  {'MET ' if ok else 'MISS'} {c.replicas} replica(s), shipped data: 50 sessions held, 0 errors, p95 ≤ 1 s"
                       f" — held {held.sessions_held}, errors {held.errors}, worst p95 {worst:.0f} ms")
    by = {(c.dataset, c.replicas): c for c in configs}
    for (dataset, n), c in sorted(by.items()):
        one = by.get((dataset, 1))
        if n < 2 or one is None:
            continue
        a = next((p for p in one.phases if p.name == "saturation"), None)
        b = next((p for p in c.phases if p.name == "saturation"), None)
        if a and b and a.results_per_s > 0:
            ratio = b.results_per_s / a.results_per_s
            out.append(f"  {'MET ' if ratio >= 1.6 else 'MISS'} {dataset}: {n} replicas' throughput ≥ 1.6× one — {ratio:.2f}× "
                       f"({b.results_per_s:.1f} vs {a.results_per_s:.1f} results/s)")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.capacity", description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", default="1,2", help="comma-separated replica counts (default 1,2)")
    p.add_argument("--datasets", default="shipped,synth", help="shipped and/or synth (default both)")
    p.add_argument("--synth-services", type=int, default=10_000, help="size of the synthetic directory (default 10,000)")
    p.add_argument("--sessions", type=int, default=50, help="sessions held at once (default 50, at most 200)")
    p.add_argument("--seconds", type=float, default=30, help="length of the held phase (default 30, at most 300)")
    p.add_argument("--think", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"),
                   help="pause between a person's requests, seconds (default 2 8)")
    p.add_argument("--busy-sessions", type=int, default=12, help="sessions in the saturation phase (default 12)")
    p.add_argument("--busy-seconds", type=float, default=20, help="length of the saturation phase (default 20; 0 skips)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "waymark-bench")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--out", type=Path, help="also write the JSON here")
    args = p.parse_args(argv)
    try:
        replicas = [int(x) for x in args.replicas.split(",") if x.strip()]
    except ValueError:
        p.error(f"--replicas {args.replicas!r}: whole numbers separated by commas")
    if not replicas or any(not 1 <= n <= 8 for n in replicas):
        p.error("--replicas: each from 1 to 8")
    datasets = [x.strip() for x in args.datasets.split(",") if x.strip()]
    if not datasets or any(d not in ("shipped", "synth") for d in datasets):
        p.error(f"--datasets {args.datasets!r}: 'shipped', 'synth' or both")
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        print("nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    start_load = os.getloadavg()
    configs = []
    for dataset in datasets:
        data = synth_directory(args.synth_services, args.workdir) if dataset == "synth" else None
        for n in replicas:
            print(f"measuring {dataset} with {n} replica(s)…", file=sys.stderr)
            configs.append(measure(dataset, data, n, args))
    header = (f"Waymark capacity through nginx: {os.cpu_count()} CPUs, load average "
              f"{' '.join(f'{x:.2f}' for x in start_load)} at start, {' '.join(f'{x:.2f}' for x in os.getloadavg())} at end; "
              f"held: {args.sessions} sessions × {args.seconds:.0f} s, think {args.think[0]:g}–{args.think[1]:g} s; "
              f"saturation: {args.busy_sessions} sessions × {args.busy_seconds:.0f} s, no pause")
    payload = {"header": header, "configs": [asdict(c) for c in configs]}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(json.dumps(payload, indent=2, ensure_ascii=False) if args.json else table(configs, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
