"""A family's first screen on a phone (390×844), end to end in Debian's chromium.

After a search the first screen shows numbers a family can call themselves; no number a page
reserves for professionals appears anywhere in Find support; a failed search keeps who to
call; Tab reaches the quick exit first (after the skip link), and it leaves at the first
click even with a dialog open; a direct link to every page works; Back within the Directory
stays in Waymark; the menu closes after a choice; the map never catches the page's swipes;
Print on the Referral pathway prints the plan; axe finds no WCAG 2.2 AA violation on any
page, phone or desktop. Elements are found by role and text; waits are on conditions.
Screenshots go to ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ARTIFACTS,
    AXE,
    map_frame,
    new_page,
    screenshot_on_failure,
    skip_without_chromium,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, skip_without_chromium()]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
EXIT_URL = "https://www.bbc.co.uk/weather"
STUB = "<!doctype html><html lang='en'><head><title>Stub</title></head><body><p>Weather stub</p></body></html>"
PAGES = {"/": "Find support", "/find-support": "Find support", "/referral-pathway": "Referral pathway",
         "/directory": "Directory of services", "/service-gaps": "Service gaps"}
#: A phone number as a link's name: digits and spaces only.
NUMBER = re.compile(r"^\d[\d ]{1,14}$")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def phone(browser):
    """A touch phone, 390×844; nothing leaves 127.0.0.1 (the quick exit's site is stubbed)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, service_workers="block")
    _offline(context)
    with new_page(context, timeout=60_000, expect_timeout=30_000) as page:
        yield page


def _offline(context) -> None:
    def route(r):
        url = r.request.url
        if url.startswith(EXIT_URL):
            r.fulfill(status=200, content_type="text/html", body=STUB)
        elif re.match(r"^https?://127\.0\.0\.1[:/]", url) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def _open(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for(timeout=90_000)
    wait_for_app(page, timeout=90_000)


def _search(page, place: str) -> None:
    box = page.get_by_role("textbox", name="Your postcode or town")
    box.fill(place)
    box.press("Enter")
    page.get_by_role("heading", name="Who to call now").wait_for()
    wait_for_app(page)


def _numbers_on_screen(page) -> list[str]:
    """The phone numbers (tel: links) wholly inside the visible screen."""
    height = page.viewport_size["height"]
    out = []
    for link in page.get_by_role("link", name=NUMBER).all():
        href = link.get_attribute("href") or ""
        box = link.bounding_box()
        if href.startswith("tel:") and box and box["y"] >= 0 and box["y"] + box["height"] <= height:
            out.append(link.inner_text())
    return out


def _professionals_lines() -> list[str]:
    from services.directory import load_directory

    return [p.number for s in load_directory().services for p in s.phones if not p.is_public]


def wcag_violations(page) -> list[dict]:
    """Every axe violation of a WCAG 2.x A or AA rule (up to 2.2 AA), whatever its impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 160)}))}));
        }""",
        WCAG_22_AA,
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("place, area", [("LS9 7TF", "Leeds"), ("YO10 5DD", "York"), ("TR1 1AA", "Cornwall")])
def test_the_first_screen_after_a_search_has_numbers_to_call(app_server, phone, place, area):
    page = phone
    with screenshot_on_failure(page, f"first-screen-{area}"):
        _open(page, app_server.url + "/")
        _search(page, place)
        expect(page.get_by_role("heading", name=re.compile(f"^Support near {place}"))).to_be_visible()
        numbers = _numbers_on_screen(page)
        assert len(numbers) >= 2, numbers
        _shot(page, f"first-screen-{area.lower()}-390")
        body = page.inner_text("body")
        for number in _professionals_lines():
            assert number not in body, f"a professionals' line is offered to a family: {number}"
        assert place.split()[0] not in page.url


@pytest.mark.parametrize("place", ["CF10 1AA", "Leds", ""])
def test_a_failed_search_keeps_who_to_call(app_server, phone, place):
    page = phone
    with screenshot_on_failure(page, "failed-search"):
        _open(page, app_server.url + "/")
        _search(page, place)
        # the failed search's own answer (the start page has who to call too)
        expect(page.get_by_role("heading", name="No results for that place")).to_be_visible()
        for number in ("999", "0808 800 5000", "0800 1111"):
            expect(page.get_by_role("link", name=number, exact=True).first).to_be_visible()
        if place == "CF10 1AA":
            expect(page.get_by_text("also help families in Wales")).to_be_visible()
            _shot(page, "failed-search-wales-390")
        if place == "Leds":
            page.get_by_role("button", name="Search for Leeds").click()
            page.get_by_role("heading", name=re.compile("^Support near Leeds")).wait_for()
            expect(page.get_by_role("link", name="0113 376 0336")).to_be_visible()


def test_tab_reaches_the_quick_exit_first_after_the_skip_link(app_server, phone):
    page = phone
    _open(page, app_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=re.compile("^Leave this site"))).to_be_focused()
    assert "bottom right on a phone" in page.inner_text("body")


@pytest.mark.parametrize("path", list(PAGES))
def test_a_direct_link_to_each_page_works(app_server, phone, path):
    page = phone
    _open(page, app_server.url + path)
    expect(page.get_by_role("heading", level=1, name=PAGES[path])).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_the_quick_exit_leaves_at_the_first_click_with_a_dialog_open(app_server, browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, service_workers="block")
    _offline(context)
    page = context.new_page()
    try:
        page.goto(app_server.url + "/no-such-page")  # Streamlit opens its "Page not found" dialog
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=90_000)
        page.get_by_role("button", name=re.compile("^Leave this site")).click(force=True)  # once
        page.wait_for_url(EXIT_URL + "*", timeout=15_000)
    finally:
        context.close()


def test_back_within_the_directory_stays_in_waymark(app_server, phone):
    page = phone
    with screenshot_on_failure(page, "directory-back"):
        _open(page, app_server.url + "/directory")
        page.get_by_role("combobox", name="Area").click()
        page.keyboard.type("National services")
        page.keyboard.press("Enter")
        wait_for_app(page)
        page.wait_for_url(re.compile(r"area="), timeout=30_000)
        page.get_by_role("button", name="Childline").click()
        page.get_by_role("heading", name="During a police investigation").wait_for()
        wait_for_app(page)
        assert "service=national-childline" in page.url
        _shot(page, "directory-listing-390")
        page.go_back()
        page.get_by_role("heading", name="Directory of services").wait_for()
        wait_for_app(page)
        assert page.url.startswith(app_server.url) and "service=" not in page.url and "area=" in page.url
        expect(page.get_by_role("button", name="Childline")).to_be_visible()  # the filter survived
        page.go_back()
        wait_for_app(page)
        assert page.url.startswith(app_server.url)


def test_the_menu_closes_after_a_choice(app_server, phone):
    page = phone
    _open(page, app_server.url + "/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    menu.click()
    page.get_by_role("link", name="Directory").click()
    page.get_by_role("heading", name="Directory of services").wait_for()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Referral pathway")).not_to_be_in_viewport()


def test_the_map_is_last_behind_a_switch_and_never_catches_the_page(app_server, phone):
    page = phone
    _open(page, app_server.url + "/")
    _search(page, "YO10 5DD")
    assert not [f for f in page.frames if "streamlit_folium" in f.url]  # not drawn until asked for
    page.get_by_text("Show these services on a map").click()
    frame = map_frame(page)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon, .marker-cluster').length >= 1",
                            timeout=60_000)
    state = frame.evaluate(
        """() => { const m = window.map || window.map_div;
                   return {wheel: m.scrollWheelZoom.enabled(), drag: m.dragging.enabled(),
                           zoomBottomRight: !!document.querySelector('.leaflet-bottom.leaflet-right .leaflet-control-zoom')}; }"""
    )
    assert state == {"wheel": False, "drag": False, "zoomBottomRight": True}, state


def test_print_on_the_referral_pathway_prints_the_plan(app_server, phone):
    page = phone
    _open(page, app_server.url + "/referral-pathway")
    page.get_by_role("spinbutton", name="Child's age (0 to 17)").fill("9")
    page.get_by_role("textbox", name="Where the child lives: postcode, town or local authority").fill("YO10 5DD")
    page.get_by_role("button", name="Make the plan").click()
    page.get_by_role("heading", name="Plan for a child in York").wait_for()
    frame = page.get_by_title("Print button for the printable plan").content_frame
    expect(frame.get_by_role("button", name="Print the plan")).to_be_visible()
    frame = frame.owner.element_handle().content_frame()
    frame.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    frame.get_by_role("button", name="Print the plan").click()
    assert frame.evaluate("() => window.__printed === true")
    assert "Waymark plan for a child in York" in frame.evaluate("() => document.body.innerText") or \
        frame.evaluate("() => document.title").startswith("Waymark plan")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_wcag_22_aa_violation_on_any_page(app_server, browser, viewport):
    context = browser.new_context(viewport=viewport, service_workers="block")
    _offline(context)
    size = "390" if viewport is PHONE else "1280"
    found: dict[str, list] = {}
    with new_page(context, timeout=60_000) as page:
        for path in PAGES:
            if path == "/":
                continue
            _open(page, app_server.url + path)
            found[path] = wcag_violations(page)
            _shot(page, f"page{path.replace('/', '-')}-{size}")
        _open(page, app_server.url + "/")
        _search(page, "LS9 7TF")
        found["find support results"] = wcag_violations(page)
        _shot(page, f"page-find-support-results-{size}")
        _open(page, app_server.url + "/directory?service=york-csaac")
        found["directory listing"] = wcag_violations(page)
    assert {k: v for k, v in found.items() if v} == {}
