"""End to end in Debian's chromium: the app as a person uses it, with no internet.

One app server and one browser page for the whole module (the machine has two cores), the
tests run in order: Find support → Directory → Referral pathway → quick exit. Every request
the page makes is recorded; anything bound off 127.0.0.1 is aborted and fails the test.
Screenshots of each page go to ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ARTIFACTS,
    axe_violations,
    map_frame,
    screenshot_on_failure,
    settle,
    skip_without_chromium,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, skip_without_chromium()]

EXIT_URL = "https://www.bbc.co.uk/weather"
STUB = "<!doctype html><html lang='en'><head><title>Stub</title></head><body><p>Weather stub</p></body></html>"


def _save(page, name: str) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 120, 8000)})
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def _assert_map(page, *, min_markers: int = 1) -> dict:
    frame = map_frame(page)
    frame.wait_for_function(
        """(n) => window.L && document.querySelectorAll('.leaflet-marker-icon').length >= n
                 && document.querySelectorAll('path.leaflet-interactive').length >= 1""",
        arg=min_markers,
        timeout=30_000,
    )
    return frame.evaluate(
        """() => ({
            leaflet: typeof window.L === 'object' && !!L.version,
            version: window.L && L.version,
            cluster: typeof L.markerClusterGroup === 'function',
            markers: document.querySelectorAll('.leaflet-marker-icon').length,
            boundaries: document.querySelectorAll('path.leaflet-interactive').length,
            tiles: document.querySelectorAll('.leaflet-tile').length,
            scripts: Array.from(document.scripts).map(s => s.src).filter(Boolean),
            styles: Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.href),
            attribution: (document.querySelector('.leaflet-control-attribution') || {}).textContent || ''
        })"""
    )


def _no_serious_axe(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: axe found serious/critical problems: {violations}"


def test_find_support_postcode_shows_services_and_an_offline_map(app_server, page, requests_seen):
    with screenshot_on_failure(page, "find-support"):
        page.goto(app_server.url)
        wait_for_app(page)
        expect(page.get_by_text("If a child is in immediate danger, call 999.").first).to_be_visible()
        expect(page.locator("#waymark-exit")).to_be_visible()
        page.get_by_role("textbox", name="Your postcode or town").fill("YO10 5DD")
        page.get_by_role("combobox", name="The child's age").click()
        page.get_by_role("option", name="9", exact=True).click()
        page.get_by_role("button", name="Find support").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Support near YO10 5DD (York)").wait_for()
        expect(page.get_by_role("heading", name="Who to call now")).to_be_visible()
        expect(page.get_by_role("heading", name="Who to contact later")).to_be_visible()
        expect(page.get_by_role("heading", name="For the child: Childline").first).to_be_visible()
        assert page.get_by_role("heading", name="Rape Crisis", exact=False).count() == 0  # 16+ only
        page.get_by_text("Show these services on a map").click()
        wait_for_app(page)
        info = _assert_map(page)
        assert info["leaflet"] and info["cluster"], info
        assert info["boundaries"] >= 1 and info["markers"] >= 1, info
        assert info["tiles"] == 0, "online tiles must be off by default"
        assert all(s.startswith(app_server.url + "/") for s in info["scripts"] + info["styles"]), info
        assert any(s.endswith("/app/static/vendor/leaflet/leaflet.js") for s in info["scripts"]), info["scripts"]
        assert any(s.endswith("/app/static/vendor/leaflet/leaflet.css") for s in info["styles"]), info["styles"]
        assert "Contains OS data" in info["attribution"]
        assert "YO10" not in page.url and "5DD" not in page.url
        _no_serious_axe(page, "Find support")
        # inside the map's frame too (page-level rules such as "one main landmark" do not
        # apply to an embedded frame and are moderate anyway)
        _no_serious_axe(map_frame(page), "Find support map")
        _save(page, "find-support")
    assert requests_seen.off_host() == [], requests_seen.off_host()


def test_directory_lists_services_and_opens_a_listing(app_server, page, requests_seen):
    with screenshot_on_failure(page, "directory"):
        page.get_by_role("link", name="Directory").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Directory of services").wait_for()
        _assert_map(page)
        _no_serious_axe(page, "Directory")
        _save(page, "directory")
        page.get_by_role("textbox", name="Search the directory").fill("CSAAC")
        page.get_by_role("textbox", name="Search the directory").press("Enter")
        wait_for_app(page)
        page.get_by_role("button", name="Child sexual assault assessment service (CSAAS) at Acer House, York").click()
        wait_for_app(page)
        page.get_by_role("heading", name="During a police investigation").wait_for()
        expect(page.get_by_text("not yet confirmed with the organisation").first).to_be_visible()
        expect(page.get_by_role("link", name="Report a problem with this listing")).to_be_visible()
        assert "CSAAC" not in page.url  # the words typed never go in the address, only the listing's id
        assert "service=york-csaac" in page.url
        _no_serious_axe(page, "Directory listing")
        _save(page, "directory-listing")
        page.get_by_role("button", name="← Back to all services").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Directory of services").wait_for()
    assert requests_seen.off_host() == [], requests_seen.off_host()


def test_referral_pathway_makes_a_plan(app_server, page, requests_seen):
    with screenshot_on_failure(page, "referral-pathway"):
        page.get_by_role("link", name="Referral pathway").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Referral pathway").first.wait_for()
        page.get_by_role("spinbutton", name="Child's age (0 to 17)").fill("9")
        page.get_by_role("textbox", name="Where the child lives: postcode, town or local authority").fill("YO10 5DD")
        page.get_by_role("combobox", name="What is the concern?").click()
        page.get_by_role("option", name="The child has told someone (disclosure)").click()
        page.get_by_role("combobox", name="Police investigation").click()
        page.get_by_role("option", name="Police investigation ongoing").click()
        page.get_by_role("button", name="Make the plan").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Plan for a child in York").wait_for()
        for name in ("Today, for this child", "Today", "Next", "Later", "Who to invite to the strategy discussion",
                     "Practice reminders", "Who to contact later"):
            expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        expect(page.get_by_text("Source:").first).to_be_visible()
        expect(page.get_by_role("button", name="Download the plan (Markdown)")).to_be_visible()
        expect(page.get_by_role("button", name="Download a printable page (HTML)")).to_be_visible()
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download a printable page (HTML)").click()
        download = download_info.value
        assert download.suggested_filename == "waymark-plan.html"
        text = open(download.path(), encoding="utf-8").read()
        assert "Plan for a child in York" in text or "plan for a child in York" in text
        assert "YO10" not in page.url
        _no_serious_axe(page, "Referral pathway")
        _save(page, "referral-pathway")
    assert requests_seen.off_host() == [], requests_seen.off_host()


def test_quick_exit_replaces_the_page(app_server, page, requests_seen):
    stubbed: list[str] = []

    def stub(route):
        stubbed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STUB)

    page.route("https://www.bbc.co.uk/**", stub)
    with screenshot_on_failure(page, "quick-exit"):
        page.get_by_role("link", name="Find support").click()
        wait_for_app(page)
        page.get_by_role("button", name="Leave this site").click()
        page.wait_for_url(EXIT_URL + "*", timeout=15_000)
        assert stubbed and stubbed[0].startswith(EXIT_URL)
        # location.replace, and page changes inside the app do not add history entries,
        # so Back cannot land on any Waymark page.
        page.go_back(wait_until="commit")
        page.wait_for_load_state("domcontentloaded")
        assert not page.url.startswith(app_server.url), page.url
    off = [u for u in requests_seen.off_host() if u not in stubbed]
    assert off == [], off


def test_nothing_typed_reaches_the_server_log(app_server, page):
    """Types a postcode and a search of its own (so it holds when run alone), then reads the
    server's whole log for them."""
    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_role("textbox", name="Your postcode or town").fill("YO10 5DD")
    page.get_by_role("button", name="Find support").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Support near YO10 5DD (York)").wait_for()
    page.get_by_role("link", name="Directory").click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search the directory").fill("CSAAC")
    page.get_by_role("textbox", name="Search the directory").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Child sexual assault assessment service (CSAAS) at Acer House, York").wait_for()
    log = app_server.log.read_text(errors="replace")
    assert log.strip(), "the server wrote no log at all: nothing was checked"
    for typed in ("YO10", "5DD", "CSAAC"):
        assert typed not in log


def test_shift_three_times_leaves(app_server, browser, requests_seen):
    stubbed: list[str] = []
    context = browser.new_context()
    try:
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(app_server.url) else (
                stubbed.append(r.request.url) or r.fulfill(status=200, content_type="text/html", body=STUB)
                if r.request.url.startswith(EXIT_URL) else r.abort()
            ),
        )
        page = context.new_page()
        page.on("request", lambda req: requests_seen.urls.append(req.url))
        page.goto(app_server.url)
        wait_for_app(page)
        page.locator("#waymark-exit").wait_for()
        for _ in range(3):
            page.keyboard.press("Shift")
        page.wait_for_url(EXIT_URL + "*", timeout=15_000)
        assert stubbed
    finally:
        context.close()
    assert [u for u in requests_seen.off_host() if u not in stubbed] == []
