"""First answer: Waymark's Find support beside a bare Streamlit app, same run, same browser.

    python -m benchmarks.first_answer                       # bare app and this checkout
    python -m benchmarks.first_answer --before /work/main   # ... and another checkout, to compare
    python -m benchmarks.first_answer --via-nginx                # each app behind deploy/'s nginx
    python -m benchmarks.first_answer --repeat 10 --json --out /tmp/first-answer.json

Each app runs as its own ``streamlit run`` on 127.0.0.1 with the same flags the tests use;
one Debian chromium (flags from tests/browser_support.py) visits them in turn, so every app
sees the same browser and, measurement by measurement, the same machine load.

* **First input**: a new browser context (empty cache, no cookies) opens the page; the time
  from navigation start to the moment the text input is in the page and enabled, measured
  inside the page (``performance.now()``, a MutationObserver installed before any script).
* **Enter → results**: on a loaded page, type a place (Waymark: a town or postcode, a
  different one each time; the bare app: a name) and press Enter; the time from the Enter
  keydown to the result heading (Waymark: "Support near ..."; bare: "Hello ...") in the
  page and painted (one animation frame later), both stamps taken inside the page.
* **Where the time goes** (``breakdown``), stamped in the page on the same searches: the
  first websocket message after Enter (the server's rerun has started sending), the
  message that carries the result heading's words (server and websocket done for it), the
  result heading painted, Waymark's "Who to call now" heading painted (the numbers a family needs;
  the target is 2× the bare app's Enter → results), the script's end (Streamlit's
  "running" state cleared: the whole answer is in), and any map frame's load.

With ``--via-nginx`` each app (the bare one too) sits behind its own nginx rendered from
deploy/nginx.conf.template, as ``make serve`` runs it: Streamlit's front-end files then come
from nginx (compressed, cached) instead of the app's Python process.

The apps are measured alternately (bare, Waymark, [before], bare, Waymark, ...) so a burst
of load on the shared machine falls on all of them. Ratios are Waymark over bare. Bounded:
``--repeat`` at most 50, every request off 127.0.0.1 is aborted, each app stops at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.capacity import SEARCH_FORM  # noqa: E402 (after the path)
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402 (after the path)

PLACES = ["York", "Truro", "Derby", "YO10 5DD", "Shrewsbury", "TR1", "Bracknell", "N7 8DB", "Islington", "TR1 3LJ"]
NAMES = ["Ada", "Bea", "Cal", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo"]

# Installed before any page script: stamps when the input first exists and is enabled.
FIRST_INPUT_JS = """
(() => {
  const label = %s;
  window.__firstInput = null;
  const check = () => {
    if (window.__firstInput !== null) return;
    const el = document.querySelector(`input[aria-label="${label}"]`);
    if (el && !el.disabled) {
      const t = performance.now();
      requestAnimationFrame(() => { window.__firstInput = t; window.__firstInputPainted = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""

# Installed before any page script: every websocket message's arrival time.
WS_TIMES_JS = """
(() => {
  window.__wsTimes = []; window.__wsNeedle = null; window.__wsHeading = null;
  const Native = window.WebSocket;
  const latin1 = new TextDecoder('latin1');
  function Stamped(...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (event) => {
      const t = performance.now();
      window.__wsTimes.push(t);
      // The message that carries the result heading's words: when the server sent it.
      if (window.__wsNeedle && window.__wsHeading === null && event.data instanceof ArrayBuffer
          && latin1.decode(event.data).includes(window.__wsNeedle)) window.__wsHeading = t;
    });
    return ws;
  }
  Stamped.prototype = Native.prototype;
  Object.assign(Stamped, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Stamped;
})();
"""

# Arms a watch: the Enter keydown stamp, the first new heading with the prefix, the second
# heading (Waymark's "Who to call now"), the script's end and any map frame's load. Kept cheap:
# the page's own attribute changes (Streamlit marks every element stale) are not watched,
# only the script state of the app element.
ARM_JS = """
([prefix, second]) => {
  for (const o of (window.__armed || [])) o.disconnect();  // one watch at a time
  window.__enter = null; window.__result = null; window.__second = null; window.__settled = null; window.__map = null;
  const before = new Set([...document.querySelectorAll('h1,h2,h3')].map(h => h.textContent));
  const frames = new Set([...document.querySelectorAll('iframe')]);
  document.addEventListener('keydown', e => { if (e.key === 'Enter' && window.__enter === null) window.__enter = performance.now(); },
                            {capture: true, once: true});
  const app = document.querySelector('[data-testid="stApp"]');
  let running = false;
  const stateObs = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (window.__enter === null) return;
    if (state === 'running') running = true;
    else if (running && window.__settled === null) window.__settled = performance.now();
  });
  stateObs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  const obs = new MutationObserver(() => {
    if (window.__enter === null) return;
    if (window.__result !== null && (!second || window.__second !== null) && window.__map !== null) return;
    for (const f of document.querySelectorAll('iframe')) {
      if (!frames.has(f)) { frames.add(f); f.addEventListener('load', () => { if (window.__map === null) window.__map = performance.now(); }); }
    }
    for (const h of document.querySelectorAll('h1,h2,h3')) {
      const text = h.textContent;
      if (window.__result === null && text.startsWith(prefix) && !before.has(text)) {
        window.__result = -1;
        requestAnimationFrame(() => { window.__result = performance.now(); });
      }
      // The second heading keeps its words from search to search: the new one is the one no
      // longer marked stale once the new result heading is in.
      if (second && window.__second === null && window.__result !== null && text.startsWith(second)) {
        const box = h.closest('[data-stale]');
        if (!box || box.getAttribute('data-stale') !== 'true') {
          window.__second = -1;
          requestAnimationFrame(() => { window.__second = performance.now(); });
        }
      }
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ['data-stale']});
  window.__armed = [obs, stateObs];
}
"""


@dataclass
class App:
    name: str
    script: Path
    cwd: Path
    label: str
    result_prefix: str
    inputs: list[str]
    #: a second heading to time (Waymark: "Who to call now"), or "" for none
    second_heading: str = ""
    url: str = ""
    process: subprocess.Popen | None = None
    nginx_dir: Path | None = None
    first_input_s: list[float] = field(default_factory=list)
    enter_to_result_s: list[float] = field(default_factory=list)
    #: per search: seconds from Enter to each stamp (first_message, second, settled, map)
    stamps: list[dict[str, float | None]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_before(p: argparse.ArgumentParser, before: Path | None) -> None:
    """``--before``, when given, must be a Waymark checkout (it has a streamlit_app.py)."""
    if before is not None and not (before / "streamlit_app.py").is_file():
        p.error(f"--before {before}: no streamlit_app.py there")


def waymark_apps(inputs: list[str], before: Path | None = None, second_heading: str = "") -> list[App]:
    """Waymark from this checkout and, with ``before``, from that one too, each searched for ``inputs``."""
    checkouts = {"waymark": ROOT, **({"waymark-before": before} if before is not None else {})}
    return [App(name, cwd / "streamlit_app.py", cwd, SEARCH_FORM["place"], SEARCH_FORM["result"], inputs,
                second_heading) for name, cwd in checkouts.items()]


def make_log_dir(name: str) -> Path:
    """``$TMPDIR/name`` (``/tmp/name`` without TMPDIR), made if need be: where the apps' logs go."""
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / name
    log_dir.mkdir(parents=True, exist_ok=True)
    return log_dir


def start(app: App, log_dir: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(app.cwd)}
    env.pop("WAYMARK_DATA", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app.script), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    log = open(log_dir / f"{app.name}.log", "wb")
    app.process = subprocess.Popen(cmd, cwd=app.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    app.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"{app.name} exited; see {log_dir / (app.name + '.log')}")
        try:
            with urllib.request.urlopen(app.url + "/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{app.name} did not start")


def front_with_nginx(app: App, log_dir: Path, *, preload: bool = True) -> None:
    """Put deploy/'s nginx in front of a started app; ``app.url`` becomes nginx's."""
    run = log_dir / f"nginx-{app.name}"
    run.mkdir(parents=True, exist_ok=True)
    listen = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHON": sys.executable, "WAYMARK_RUN_DIR": str(run), "WAYMARK_LISTEN": listen,
           "WAYMARK_APP_SERVERS": urlparse(app.url).netloc, "WAYMARK_API_SERVERS": "127.0.0.1:9",
           # The preload list is Waymark's first page: the bare app gets none (it would only cost it).
           "WAYMARK_PRELOAD": "1" if app.name.startswith("waymark") and preload else "0"}
    conf = subprocess.run(["bash", str(ROOT / "deploy" / "serve.sh"), "conf"], env=env, capture_output=True, text=True, check=True)
    (run / "nginx.conf").write_text(conf.stdout)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon on;"], check=True)
    app.nginx_dir = run
    app.url = f"http://{listen}"


def stop(app: App) -> None:
    if app.nginx_dir is not None and (app.nginx_dir / "nginx.pid").exists():
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-p", str(app.nginx_dir), "-c", str(app.nginx_dir / "nginx.conf"), "-s", "quit"], check=False,
                       stderr=subprocess.DEVNULL)
    if app.process and app.process.poll() is None:
        app.process.terminate()
        try:
            app.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.process.kill()


def _context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def route(r):
        url = r.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    ctx.route("**/*", route)
    return ctx


def first_input(browser, app: App) -> float:
    ctx = _context(browser)
    try:
        ctx.add_init_script(FIRST_INPUT_JS % json.dumps(app.label))
        page = ctx.new_page()
        page.goto(app.url + "/", wait_until="commit")
        page.wait_for_function("() => window.__firstInputPainted !== undefined && window.__firstInput !== null", timeout=60_000)
        return page.evaluate("() => window.__firstInputPainted") / 1000
    finally:
        ctx.close()


def _settle(page) -> None:
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') !== 'running'; }""",
        timeout=60_000,
    )
    page.wait_for_timeout(400)


def enter_to_result(page, app: App, text: str) -> float:
    box = page.get_by_role("textbox", name=app.label)
    box.fill(text)
    page.evaluate(ARM_JS, [app.result_prefix, app.second_heading])
    page.evaluate("(needle) => { window.__wsBefore = (window.__wsTimes || []).length; window.__wsNeedle = needle;"
                  " window.__wsHeading = null; }", app.result_prefix.rstrip() + " " + text.split()[0])
    box.press("Enter")
    page.wait_for_function("() => window.__result !== null && window.__result > 0", timeout=60_000)
    t = page.evaluate("() => window.__result - window.__enter") / 1000
    _settle(page)
    stamps = page.evaluate(
        """() => { const e = window.__enter, s = v => (v === null || v === undefined || v < 0) ? null : (v - e) / 1000;
                   const ws = (window.__wsTimes || []).slice(window.__wsBefore).find(x => x >= e);
                   return {first_message: s(ws === undefined ? null : ws), heading_message: s(window.__wsHeading),
                           second: s(window.__second),
                           settled: s(window.__settled), map: s(window.__map)}; }"""
    )
    app.stamps.append(stamps)
    return t


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "median_s": round(statistics.median(values), 3), "max_s": round(max(values), 3),
            "min_s": round(min(values), 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.first_answer", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=8, help="searches per app (default 8, at most 50)")
    p.add_argument("--first-repeat", type=int, default=4, help="first-input loads per app (default 4, at most 20)")
    p.add_argument("--before", type=Path, help="another Waymark checkout to measure in the same run (e.g. /work/main)")
    p.add_argument("--via-nginx", action="store_true", help="put every app behind its own nginx (deploy/)")
    p.add_argument("--no-preload", action="store_true", help="with --via-nginx: leave out the first page's preload header")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    args.repeat = max(1, min(args.repeat, 50))
    args.first_repeat = max(1, min(args.first_repeat, 20))
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    check_before(p, args.before)

    apps = [App("bare", ROOT / "benchmarks" / "bare_app.py", ROOT, "Your name", "Hello ", NAMES),
            *waymark_apps(PLACES, args.before, "Who to call now")]
    log_dir = make_log_dir("waymark-first-answer")
    load_start = os.getloadavg()
    from playwright.sync_api import sync_playwright

    try:
        for app in apps:
            start(app, log_dir)
            if args.via_nginx:
                front_with_nginx(app, log_dir, preload=not args.no_preload)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                # One untimed visit each: the server's first script run imports everything.
                for app in apps:
                    first_input(browser, app)
                for _ in range(args.first_repeat):
                    for app in apps:
                        try:
                            app.first_input_s.append(first_input(browser, app))
                        except Exception as exc:  # a slow or broken page is a result, not a crash
                            app.errors.append(f"first input: {type(exc).__name__}: {str(exc)[:120]}")
                pages = {}
                for app in apps:
                    ctx = _context(browser)
                    ctx.add_init_script(WS_TIMES_JS)
                    page = ctx.new_page()
                    page.goto(app.url + "/")
                    page.get_by_role("textbox", name=app.label).wait_for(timeout=60_000)
                    _settle(page)
                    enter_to_result(page, app, app.inputs[-1])  # warm: first search in the session
                    app.stamps.clear()
                    pages[app.name] = page
                for i in range(args.repeat):
                    for app in apps:
                        try:
                            app.enter_to_result_s.append(enter_to_result(pages[app.name], app, app.inputs[i % len(app.inputs)]))
                        except Exception as exc:
                            app.errors.append(f"enter to result: {type(exc).__name__}: {str(exc)[:120]}")
            finally:
                browser.close()
    finally:
        for app in apps:
            stop(app)
    load_end = os.getloadavg()

    report: dict[str, Any] = {
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in load_end],
        "cpus": os.cpu_count(),
        "via_nginx": bool(args.via_nginx),
        "preload": bool(args.via_nginx and not args.no_preload),
        "apps": {a.name: {"first_input": summary(a.first_input_s), "enter_to_result": summary(a.enter_to_result_s),
                          "errors": a.errors, "raw_first_input_s": [round(x, 3) for x in a.first_input_s],
                          "raw_enter_to_result_s": [round(x, 3) for x in a.enter_to_result_s]} for a in apps},
    }
    for a in apps:
        report["apps"][a.name]["breakdown"] = {
            key: summary([v for x in a.stamps if (v := x.get(key)) is not None])
            for key in ("first_message", "heading_message", "second", "settled", "map")
        }
    bare = report["apps"]["bare"]
    for name, r in report["apps"].items():
        second = r["breakdown"]["second"]
        if name != "bare" and second.get("n") and bare["enter_to_result"].get("n"):
            r["breakdown"]["call_now_ratio_median"] = round(second["median_s"] / bare["enter_to_result"]["median_s"], 2)
        if name == "bare" or not r["enter_to_result"].get("n") or not bare["enter_to_result"].get("n"):
            continue
        r["ratios"] = {
            "enter_median": round(r["enter_to_result"]["median_s"] / bare["enter_to_result"]["median_s"], 2),
            "enter_slowest": round(r["enter_to_result"]["max_s"] / bare["enter_to_result"]["max_s"], 2),
            "first_input_median": round(r["first_input"]["median_s"] / bare["first_input"]["median_s"], 2)
            if r["first_input"].get("n") and bare["first_input"].get("n") else None,
        }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report))
    return 0


def render(report: dict) -> str:
    via = "each app behind nginx" if report.get("via_nginx") else "each app served by Streamlit directly"
    lines = [f"First answer ({via}), {report['cpus']} CPUs, load average {' '.join(map(str, report['load_start']))} at start, "
             f"{' '.join(map(str, report['load_end']))} at end", "",
             f"{'app':16} {'first input s (median / max)':30} {'Enter→results s (median / max)':32} ratios to bare (Enter median / slowest / first input)"]
    for name, r in report["apps"].items():
        fi, er = r["first_input"], r["enter_to_result"]
        ratio = r.get("ratios")
        rtxt = f"{ratio['enter_median']}× / {ratio['enter_slowest']}× / {ratio['first_input_median']}×" if ratio else "—"
        lines.append(f"{name:16} {str(fi.get('median_s')) + ' / ' + str(fi.get('max_s')):30} "
                     f"{str(er.get('median_s')) + ' / ' + str(er.get('max_s')):32} {rtxt}")
        for e in r["errors"][:3]:
            lines.append(f"    error: {e}")
    lines += ["", "Where the time goes (median s from Enter: first websocket message / the message with the "
              "result heading / result heading painted / 'Who to call now' painted / script finished / map frame):"]
    for name, r in report["apps"].items():
        b = r.get("breakdown", {})
        cells = [str(b.get(k, {}).get("median_s", "—")) for k in ("first_message", "heading_message")]
        cells.append(str(r["enter_to_result"].get("median_s", "—")))
        cells += [str(b.get(k, {}).get("median_s", "—")) for k in ("second", "settled", "map")]
        ratio = b.get("call_now_ratio_median")
        lines.append(f"  {name:16} " + " / ".join(cells) + (f"   'Who to call now' at {ratio}× bare's answer" if ratio else ""))
    lines += ["", "Targets: Enter→results median ≤ 2× bare, slowest ≤ 3×; first input ≤ 1.2× bare; "
              "'Who to call now' median ≤ 2× bare's answer."]
    for name, r in report["apps"].items():
        ratio = r.get("ratios")
        if ratio:
            ok = ratio["enter_median"] <= 2 and ratio["enter_slowest"] <= 3 and (ratio["first_input_median"] or 99) <= 1.2
            lines.append(f"  {'MET ' if ok else 'MISS'} {name}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
