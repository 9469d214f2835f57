"""Helpers for the browser tests: start the app on 127.0.0.1, drive Debian's chromium.

Imported by ``tests/test_browser_*.py`` (fixtures are defined here and imported there, so
the shared ``tests/conftest.py`` stays untouched). Nothing here reaches the internet: the
app is started with its usage statistics off, and every request the page makes is
recorded so a test can assert that none left 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("WAYMARK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--disable-dev-shm-usage",
]

__all__ = [
    "ROOT",
    "ARTIFACTS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "AppServer",
    "Requests",
    "free_port",
    "start_app",
    "running_app",
    "new_page",
    "search_for",
    "app_server",
    "browser",
    "page",
    "skip_without_chromium",
    "wait_for_app",
    "axe_violations",
]


def skip_without_chromium() -> pytest.MarkDecorator:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; `make test` does it)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path


def start_app(*, data_dir: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60.0) -> AppServer:
    """``streamlit run streamlit_app.py`` on 127.0.0.1 and a free port; waits for health."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-server.log"
    run_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    run_env.pop("WAYMARK_DATA", None)
    if data_dir is not None:
        run_env["WAYMARK_DATA"] = str(data_dir)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
    ]
    fh = open(log, "wb")
    process = subprocess.Popen(cmd, cwd=ROOT, env=run_env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return AppServer(url, process, log)
        except OSError:
            time.sleep(0.3)
    stop_app(AppServer(url, process, log))
    raise RuntimeError(f"streamlit did not become healthy in {timeout}s; see {log}")


def stop_app(server: AppServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@dataclass
class Requests:
    """Every URL the browser asked for (pages, frames, scripts, images, websockets)."""

    urls: list[str] = field(default_factory=list)
    #: requests answered by a test stub (the quick exit's destination)
    stubbed: list[str] = field(default_factory=list)

    def off_host(self) -> list[str]:
        out = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about", "chrome-error"):
                continue
            if parsed.hostname not in ("127.0.0.1",):
                out.append(url)
        return out


@contextlib.contextmanager
def running_app(**kwargs) -> Iterator[AppServer]:
    """The app started by :func:`start_app` (same arguments), stopped on the way out."""
    server = start_app(**kwargs)
    try:
        yield server
    finally:
        stop_app(server)


@contextlib.contextmanager
def new_page(context, *, timeout: float = 30_000, expect_timeout: float | None = None) -> Iterator:
    """A new page of a browser context, whose waits wait up to ``timeout`` ms (and Playwright's
    ``expect`` up to ``expect_timeout``, where given); the context is closed on the way out."""
    page = context.new_page()
    page.set_default_timeout(timeout)
    if expect_timeout is not None:
        from playwright.sync_api import expect

        expect.set_options(timeout=expect_timeout)
    try:
        yield page
    finally:
        context.close()


def search_for(page, url: str, place: str) -> None:
    """Open Find support at ``url``, search for ``place`` (Enter in the box), and wait until the
    answer's heading, "Support near <place>", is shown."""
    from playwright.sync_api import expect

    page.goto(url + "/")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Your postcode or town")
    box.fill(place)
    box.press("Enter")
    expect(page.get_by_role("heading", name=f"Support near {place}")).to_be_visible()


# ---- fixtures (import them into a test module: `from tests.browser_support import *`) ----

@pytest.fixture(scope="module")
def app_server() -> Iterator[AppServer]:
    with running_app() as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture(scope="module")
def page(browser, requests_seen: Requests):
    """One page for the module, recording every request (including inside iframes).

    Anything bound off-host is aborted after being recorded, so a failing test can never
    leak a request to the internet.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def route(r):
        url = r.request.url
        host = urlparse(url).hostname
        if host in ("127.0.0.1",) or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    # Assertions wait for the page rather than racing it (2 cores, often busy).
    with new_page(context, expect_timeout=20_000) as page:
        page.on("request", lambda req: requests_seen.urls.append(req.url))
        page.on("websocket", lambda ws: requests_seen.urls.append(ws.url))
        yield page


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') !== 'running'
                && !document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
        }""",
        timeout=timeout,
    )
    settle(page)


def open_to_show(page, label: str, shows: str, *, attempts: int = 4) -> None:
    """Click an expander's (or a toggle's) label until the text it holds is visible.

    A click that lands while the app is still redrawing can be swallowed; clicking again once
    the content is visible would close it, so each click waits for the content first.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    target = page.get_by_text(shows, exact=False).first
    for _ in range(attempts):
        if target.is_visible():
            return
        page.get_by_text(label, exact=False).first.click()
        wait_for_app(page)
        try:
            target.wait_for(state="visible", timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    target.wait_for(state="visible")  # the page's own timeout, and its message, on a real failure


def settle(page) -> None:
    """Until the browser has drawn what it has (two animation frames): a condition, not a
    fixed pause, so a fast machine does not wait and a slow one is not cut short."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


AXE = ROOT / "static" / "vendor" / "axe" / "axe.min.js"


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical"), exclude: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the page; the violations of the given impacts (minus ``exclude`` rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200)}))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts and v["id"] not in exclude]


@contextlib.contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:
    try:
        yield
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        raise


def have_chromium() -> bool:
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None


def map_frame(page, *, timeout: float = 15_000):
    """The frame the folium map component draws in, once the page has created it."""
    def found():
        return next((f for f in page.frames if "streamlit_folium" in f.url), None)

    if found() is None:
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some(f => (f.src || '').includes('streamlit_folium'))",
            timeout=timeout)
    frame = found()
    if frame is None:  # the iframe exists; its frame has not navigated yet
        page.wait_for_event("framenavigated", predicate=lambda f: "streamlit_folium" in f.url, timeout=timeout)
        frame = found()
    assert frame is not None, "the map's component frame was not created"
    return frame


def choropleth_info(page, *, showing: str | None = None) -> dict:
    """What the Service gaps map drew: areas, fill colours, tiles, scripts, attribution.

    ``showing``: a fill the new view draws, waited for, because the map redraws in its frame
    after the page's text has already changed (a busy machine shows the old colours a while).
    """
    frame = map_frame(page)
    frame.wait_for_function(
        """(fill) => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 100
                     && (!fill || document.querySelector(`path.leaflet-interactive[fill="${fill}"]`) !== null)""",
        arg=showing, timeout=30_000)
    return frame.evaluate(
        """() => ({
            areas: document.querySelectorAll('path.leaflet-interactive').length,
            fills: Array.from(new Set(Array.from(document.querySelectorAll('path.leaflet-interactive'))
                                     .map(p => p.getAttribute('fill')))),
            tiles: document.querySelectorAll('.leaflet-tile').length,
            scripts: Array.from(document.scripts).map(s => s.src).filter(Boolean),
            attribution: (document.querySelector('.leaflet-control-attribution') || {}).textContent || ''
        })"""
    )
