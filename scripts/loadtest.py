"""Load test: N concurrent browser sessions against one Waymark app server on 127.0.0.1.

    .venv/bin/python scripts/loadtest.py --sessions 10 --seconds 60 [--data DIR] [--json]

Starts one ``streamlit run streamlit_app.py`` on 127.0.0.1 (a free port), one headless
chromium and N Playwright contexts (each its own Streamlit session). Each session loops,
for ``--seconds``: a Find support search (a postcode and an age from a fixed list) and a
Referral pathway plan, timing each from the click to the result heading on screen. It
reports throughput, p50/p95 time to result, errors (timeouts, exceptions on the page, a
missing result) and the server's memory (RSS from /proc, before, peak and after; the
growth per session). Bounded: the run stops itself at ``--seconds`` plus one minute at
most, and every request off 127.0.0.1 is aborted. A benchmark, not a test: nothing here
asserts a time (tests/test_reliability_load.py runs it small in the suite).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402

PLACES = ["YO10 5DD", "TR1", "Truro", "York", "N7 8DB", "Derby", "Shrewsbury", "Bracknell", "TR1 3LJ", "Islington"]
MAX_SESSIONS = 50
MAX_SECONDS = 1800


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (and its children: the YAML worker pool, if any)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


@dataclass
class Result:
    sessions: int
    seconds: float
    data: str
    searches: int = 0
    plans: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    throughput_per_min: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    search_p50_ms: float | None = None
    search_p95_ms: float | None = None
    plan_p50_ms: float | None = None
    plan_p95_ms: float | None = None
    max_ms: float | None = None
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_after_mb: float = 0.0
    rss_per_session_mb: float = 0.0
    off_host_requests: int = 0


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


async def _wait_idle(page, timeout: float) -> None:
    await page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') !== 'running'
                && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
        }""",
        timeout=timeout,
    )


async def session(n: int, browser, url: str, deadline: float, times: dict[str, list[float]], result: Result,
                  timeout_ms: float, min_loops: int = 0) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    off_host: list[str] = []

    async def route(r):
        if r.request.url.startswith(url) or r.request.url.startswith(("data:", "blob:")):
            await r.continue_()
        else:
            off_host.append(r.request.url)
            await r.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    i = n
    try:
        await page.goto(url)
        await page.wait_for_selector('[data-testid="stApp"]')
        await _wait_idle(page, timeout_ms)
        loops = 0
        while time.monotonic() < deadline or loops < min_loops:
            loops += 1
            place = PLACES[i % len(PLACES)]
            age = str(3 + i % 14)
            i += 1
            kind = "search" if i % 2 else "plan"
            try:
                if kind == "search":
                    await page.get_by_role("link", name="Find support").click()
                    await _wait_idle(page, timeout_ms)
                    await page.get_by_role("textbox", name="Your postcode or town").fill(place)
                    started = time.monotonic()
                    await page.get_by_role("button", name="Find support").click()
                    await page.get_by_role("heading", name="Who to contact later").wait_for()
                else:
                    await page.get_by_role("link", name="Referral pathway").click()
                    await _wait_idle(page, timeout_ms)
                    await page.get_by_role("spinbutton", name="Child's age (0 to 17)").fill(age)
                    await page.get_by_role("textbox", name="Where the child lives: postcode, town or local authority").fill(place)
                    started = time.monotonic()
                    await page.get_by_role("button", name="Make the plan").click()
                    await page.get_by_role("heading", name="Who to invite to the strategy discussion").wait_for()
                elapsed = (time.monotonic() - started) * 1000
                await _wait_idle(page, timeout_ms)
                if await page.locator('[data-testid="stException"]').count():
                    raise RuntimeError("an exception was shown on the page")
                times[kind].append(elapsed)
                if kind == "search":
                    result.searches += 1
                else:
                    result.plans += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"session {n} {kind} {place!r}: {str(exc).splitlines()[0][:200]}")
                try:
                    await page.goto(url)
                    await _wait_idle(page, timeout_ms)
                except Exception:  # noqa: BLE001
                    pass
    finally:
        result.off_host_requests += len(off_host)
        await context.close()


async def drive(url: str, sessions: int, seconds: float, result: Result, timeout_ms: float,
                on_warm) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {"search": [], "plan": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # warm-up (not counted): one session loads the directory, a search and a plan,
            # so the memory "before" is the ready app with no sessions open
            warm = Result(1, 0, result.data)
            await session(0, browser, url, 0.0, {"search": [], "plan": []}, warm, timeout_ms, min_loops=2)
            await asyncio.sleep(1)
            on_warm()
            deadline = time.monotonic() + seconds
            tasks = [session(n, browser, url, deadline, times, result, timeout_ms) for n in range(sessions)]
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)
        finally:
            await browser.close()
    return times


def run(sessions: int, seconds: float, data: Path | None, *, timeout_ms: float = 60_000) -> Result:
    sessions = max(1, min(sessions, MAX_SESSIONS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    result = Result(sessions, seconds, str(data or ROOT / "data"))
    server = start_app(data_dir=data)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_bytes(server.process.pid))
            stop.wait(0.5)

    try:
        marks = {"before": 0, "started": time.monotonic()}
        sampler = threading.Thread(target=sample, daemon=True)

        def on_warm() -> None:
            marks["before"] = rss_bytes(server.process.pid)
            marks["started"] = time.monotonic()
            sampler.start()

        try:
            times = asyncio.run(drive(server.url, sessions, seconds, result, timeout_ms, on_warm))
        except TimeoutError:
            times = {"search": [], "plan": []}
            result.errors += 1
            result.error_samples.append("the run did not stop within a minute of its end")
        wall = time.monotonic() - marks["started"]
        stop.set()
        if sampler.is_alive():
            sampler.join(timeout=5)
        after = rss_bytes(server.process.pid)
        before = marks["before"] or after
    finally:
        stop.set()
        stop_app(server)
    all_times = times["search"] + times["plan"]
    result.throughput_per_min = round((result.searches + result.plans) / wall * 60, 1) if wall else 0.0
    result.p50_ms, result.p95_ms = _pct(all_times, 50), _pct(all_times, 95)
    result.search_p50_ms, result.search_p95_ms = _pct(times["search"], 50), _pct(times["search"], 95)
    result.plan_p50_ms, result.plan_p95_ms = _pct(times["plan"], 50), _pct(times["plan"], 95)
    result.max_ms = round(max(all_times), 1) if all_times else None
    mb = 1024 * 1024
    result.rss_before_mb = round(before / mb, 1)
    result.rss_peak_mb = round(max(peak[0], after) / mb, 1)
    result.rss_after_mb = round(after / mb, 1)
    result.rss_per_session_mb = round(max(0, max(peak[0], after) - before) / mb / sessions, 1)
    return result


def table(r: Result) -> str:
    rows = [
        ("sessions x seconds", f"{r.sessions} x {r.seconds:g}"),
        ("searches / plans completed", f"{r.searches} / {r.plans}"),
        ("throughput (results/min)", f"{r.throughput_per_min}"),
        ("time to result p50 / p95 (ms)", f"{r.p50_ms} / {r.p95_ms}"),
        ("  search p50 / p95 (ms)", f"{r.search_p50_ms} / {r.search_p95_ms}"),
        ("  plan p50 / p95 (ms)", f"{r.plan_p50_ms} / {r.plan_p95_ms}"),
        ("slowest (ms)", f"{r.max_ms}"),
        ("errors", f"{r.errors}"),
        ("server RSS before / peak / after (MB)", f"{r.rss_before_mb} / {r.rss_peak_mb} / {r.rss_after_mb}"),
        ("server memory per session (MB)", f"{r.rss_per_session_mb}"),
        ("requests off 127.0.0.1", f"{r.off_host_requests}"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"| {'measure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {k.ljust(width)} | {v} |" for k, v in rows]
    if r.error_samples:
        lines += ["", "errors:"] + [f"- {e}" for e in r.error_samples]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help=f"concurrent browser sessions (1 to {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=float, default=60, help=f"how long each session runs (at most {MAX_SECONDS})")
    parser.add_argument("--data", type=Path, help="a data directory (default: the shipped one)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before one search or plan counts as an error")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is not installed", file=sys.stderr)
        return 2
    result = run(args.sessions, args.seconds, args.data, timeout_ms=args.timeout * 1000)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(table(result))
    return 0 if result.errors == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
