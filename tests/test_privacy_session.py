"""Issue 8, privacy: watch a whole session and find nothing the user typed anywhere.

A real streamlit server on 127.0.0.1 (stdout and stderr captured), a Playwright browser
recording every request URL (page, frames, websockets) and the page URL after each step,
and the files under the repo, the temp dir and ~/.cache compared before and after. The
user types a distinctive situation — postcode YO10 5DD, a child's age, and a unique
marker in every free-text box (language, access needs) — on Find support and Referral
pathway. None of it may appear in the server log, in any URL, or in any file written;
no request may go to any host but 127.0.0.1. Usage statistics off and XSRF protection on
are checked in the effective config. Stale and unverified listings are flagged wherever
they appear (AppTest: Find support, Directory, plan).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, unquote_plus

import pytest

from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Requests,
    screenshot_on_failure,
    skip_without_chromium,
    start_app,
    stop_app,
    wait_for_app,
)

MARKER = "Qzxv7Kwyjibo"  # typed into every free-text box; appears nowhere in the code or data
POSTCODE = "YO10 5DD"
NEEDLES = [MARKER, MARKER.lower(), "YO10 5DD", "YO105DD", "yo10 5dd", "yo105dd", "YO10+5DD", "YO10%205DD"]
ROOTS = [ROOT, Path(tempfile.gettempdir()), Path.home() / ".cache"]
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".hypothesis", ".pytest_cache"}


def _snapshot(since: float) -> dict[Path, tuple[int, int]]:
    """Every file under the roots modified at or after ``since`` (path → size, mtime)."""
    out = {}
    for root in ROOTS:
        if not root.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith("bash_jobs")]
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    st = path.lstat()
                except OSError:
                    continue
                if st.st_mtime >= since and path.is_file():
                    out[path] = (st.st_size, st.st_mtime_ns)
    return out


def _holds_needle(path: Path) -> str | None:
    try:
        if path.stat().st_size > 50 * 1024 * 1024:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    for needle in NEEDLES:
        if needle.encode() in data or needle.encode("utf-16-le") in data:
            return needle
    return None


@pytest.mark.browser
@skip_without_chromium()
def test_a_whole_session_leaves_no_trace_of_what_was_typed(tmp_path):
    from playwright.sync_api import sync_playwright

    started = time.time() - 1
    server = start_app()
    requests = Requests()
    page_urls: list[str] = []
    cookies: list[dict] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(service_workers="block")
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
            page = context.new_page()
            page.on("request", lambda req: requests.urls.append(req.url))
            page.on("websocket", lambda ws: requests.urls.append(ws.url))
            page.on("framenavigated", lambda f: page_urls.append(f.url))
            page.set_default_timeout(30_000)

            def step() -> None:
                wait_for_app(page)
                page_urls.append(page.url)

            with screenshot_on_failure(page, "privacy-session"):
                page.goto(server.url)
                step()
                page.get_by_role("textbox", name="Your postcode or town").fill(POSTCODE)
                page.get_by_role("combobox", name="The child's age").click()
                page.get_by_role("option", name="9", exact=True).click()
                page.get_by_role("button", name="Find support").click()
                step()
                page.get_by_role("heading", name="Support near YO10 5DD (York)").wait_for()
                # the free-text boxes too (no results match the marker: a calm message)
                page.get_by_text("More choices (optional)").click()
                page.get_by_role("textbox", name="Access needs (optional)").fill(MARKER)
                page.get_by_role("textbox", name="Language (optional)").fill(MARKER)
                page.get_by_role("button", name="Find support").click()
                step()
                page.get_by_role("link", name="Referral pathway").click()
                step()
                page.get_by_role("spinbutton", name="Child's age (0 to 17)").fill("9")
                page.get_by_role("textbox", name="Where the child lives: postcode, town or local authority").fill(POSTCODE)
                language = page.get_by_role("textbox", name="Language the child or family prefers (if not English)")
                language.fill(MARKER)  # refused as not a language: the message echoes it, nothing else may
                page.get_by_role("button", name="Make the plan").click()
                step()
                page.get_by_text("is not the name of a language").wait_for()
                language.fill("Polish")
                page.get_by_role("button", name="Make the plan").click()
                step()
                page.get_by_role("heading", name="Plan for a child in York").wait_for()
                with page.expect_download() as info:
                    page.get_by_role("button", name="Download the plan (Markdown)").click()
                downloaded = Path(info.value.path())
                assert downloaded.read_text(encoding="utf-8")  # the download itself may hold it:
                info.value.delete()  # it is the user's own copy, in the browser, not the server's
                page.get_by_role("link", name="Directory").click()
                step()
                page.get_by_role("textbox", name="Search the directory").fill(MARKER)
                page.get_by_role("textbox", name="Search the directory").press("Enter")
                step()
                page.reload()
                step()
            cookies = context.cookies()
            context.close()
            browser.close()
    finally:
        stop_app(server)
    log = server.log.read_text(errors="replace")

    for needle in NEEDLES:
        assert needle not in log, f"{needle!r} in the server log"
    for url in requests.urls + page_urls:
        for text in (url, unquote(url), unquote_plus(url)):
            for needle in NEEDLES:
                assert needle.lower() not in text.lower(), f"{needle!r} in URL {url}"
    assert requests.off_host() == [], requests.off_host()
    assert all(u.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "about:", "data:", "blob:")) for u in page_urls + requests.urls)

    written = _snapshot(started)
    leaks = {str(p): n for p in written if (n := _holds_needle(p))}
    assert leaks == {}, f"typed text written to disk: {leaks}"
    # and XSRF protection was on for this session (the server set its token cookie)
    assert any(c["name"] == "_streamlit_xsrf" for c in cookies), [c["name"] for c in cookies]


def test_effective_config_keeps_statistics_off_xsrf_on_and_errors_quiet():
    out = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    ).stdout
    settings = {}
    for line in out.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    assert settings["gatherUsageStats"] == "false"
    assert settings["enableXsrfProtection"] == "true"
    assert settings["showErrorDetails"] == '"none"'  # no traceback or error text in the page


# ---- stale and unverified listings are flagged wherever they appear ------------------

def _card_groups(at) -> list[tuple[str, list[tuple[str, str]]]]:
    """(service name, the elements of its card) for every service card on the page (a card
    is one Markdown element whose first line is its name; who to call now is not a card)."""
    import re

    from tests.app_helpers import outline

    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, text in outline(at):
        if kind != "markdown" or text.startswith("### Who to call now"):
            continue
        m = re.match(r"^#{3,5} ([^\n]*)", text)
        if m:
            groups.append((m.group(1), [(kind, text)]))
    return groups


def test_stale_listings_are_flagged_on_find_support_directory_and_plan(monkeypatch):
    from pathways.planner import make_plan
    from pathways.render import render_markdown
    from services.directory import directories
    from tests.app_helpers import button, page_test, texts, warm

    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    d = directories.get()
    by_name = {s.name: s for s in d.services}

    at = page_test("find_support").run()
    at.text_input[0].input(POSTCODE)
    at.get("form_submit_button")[0].click().run()
    groups = _card_groups(at)
    stale_seen = 0
    for name, items in groups:
        service = by_name.get(name)
        assert service is not None, name
        # An old claim (or a year without a re-read) is a warning naming it; otherwise one
        # quiet trust line. Never both, never a "not checked" label on every card.
        flagged = [t for k, t in items if ":material/warning: Check first" in t or ":material/warning: Last checked" in t]
        assert bool(flagged) == service.is_stale(), (name, service.is_stale(), items)
        assert not any("not checked with the organisation" in t.lower() for k, t in items), (name, items)
        stale_seen += service.is_stale()
    assert stale_seen, "the shipped York listings include ones resting on old pages"

    at = page_test("directory").run()
    body = texts(at)
    while True:  # the directory is paged: read every page
        nxt = button(at, "Next page →")
        if nxt.disabled:
            break
        nxt.click().run()
        body += "\n" + texts(at)
    from services.freshness import trust_line

    unconfirmed = [s for s in d.services if not s.verified]
    assert unconfirmed
    for service in unconfirmed:  # each listed with its trust line: where its details come from
        assert trust_line(service).rstrip(".") in body, (service.id, trust_line(service))

    plan = make_plan({"age": 9, "postcode": POSTCODE}, d)
    shown = [ps.service for step in plan.steps for ps in step.services] + [ps.service for ps in plan.later_contacts]
    markdown = render_markdown(plan)
    for service in shown:
        from pathways.render import _md

        line = next(x for x in markdown.splitlines() if x.startswith(f"- **{_md(service.name)}**"))
        assert ("Check first" in line or "Last checked" in line) == service.is_stale(), line
    at = page_test("referral_pathway").run()
    at.number_input[0].set_value(9)
    at.text_input[0].input(POSTCODE)
    at.get("form_submit_button")[0].click().run()
    lines = [str(m.value) for m in at.markdown if str(m.value).startswith("- **")]
    service_lines = [x for x in "\n".join(lines).splitlines() if x.startswith("- **")]
    assert service_lines
    for line in service_lines:
        name = line[4:line.index("**", 4)].replace("\\", "")
        if name in by_name:
            assert ("Check first" in line or "Last checked" in line) == by_name[name].is_stale(), line
            assert "Not checked with the organisation" not in line, line
