"""Issue 8, hostile content in a real browser: the app started on the hostile directory
(``WAYMARK_DATA=tests/fixtures/hostile``) and driven through Find support, the Directory
(list and a listing), the map's popups and tooltips, and a plan with its downloads.

After every step, in the page and every frame (the map is an iframe): no dialog fired, no
payload ran (each sets ``window.__pwned``), no element from data exists (``script``,
``img[onerror]``, ``svg``, ``iframe``), no ``javascript:``/``data:`` link anywhere, the
markdown link tricks are shown as text rather than links, and no request left 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_support import (
    Requests,
    map_frame,
    new_page,
    open_to_show,
    running_app,
    screenshot_on_failure,
    settle,
    skip_without_chromium,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, skip_without_chromium()]

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"

FRAME_CHECK = """() => {
    const bad = [];
    if (window.__pwned !== undefined) bad.push('payload ran: ' + window.__pwned);
    for (const a of document.querySelectorAll('a[href]')) {
        const href = (a.getAttribute('href') || '').trim().toLowerCase();
        if (/^(javascript|data|vbscript):/.test(href)) bad.push('link: ' + href.slice(0, 80));
    }
    for (const el of document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]'))
        bad.push('handler: ' + el.outerHTML.slice(0, 120));
    for (const s of document.querySelectorAll('script'))
        if ((s.textContent || '').includes('__pwned') && !(s.textContent || '').includes('\\\\u005f'))
            bad.push('script from data: ' + s.textContent.slice(0, 120));
    for (const el of document.querySelectorAll('svg[onload], iframe[src^="javascript"], style'))
        if (el.tagName !== 'STYLE' || (el.textContent || '').includes('body{display:none}')) bad.push('element: ' + el.outerHTML.slice(0, 120));
    for (const img of document.querySelectorAll('img'))
        if (img.src && !img.src.startsWith(location.origin) && !img.src.startsWith('data:image/svg'))
            bad.push('image: ' + img.src);
    return bad;
}"""


@pytest.fixture(scope="module")
def server():
    with running_app(data_dir=HOSTILE) as s:
        yield s


@pytest.fixture(scope="module")
def session(server, browser):
    requests = Requests()
    dialogs: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block",
                                  accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if (r.request.url.startswith(server.url)
                                                      or r.request.url.startswith(("data:", "blob:"))) else r.abort())
    with new_page(context) as page:
        page.on("request", lambda req: requests.urls.append(req.url))
        page.on("websocket", lambda ws: requests.urls.append(ws.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield page, requests, dialogs


def assert_clean(page, requests: Requests, dialogs: list[str], where: str) -> None:
    settle(page)
    for frame in page.frames:
        try:
            bad = frame.evaluate(FRAME_CHECK)
        except Exception as exc:  # a frame navigating away mid-check
            if "detached" in str(exc) or "destroyed" in str(exc):
                continue
            raise
        assert bad == [], f"{where} ({frame.url[:60]}): {bad}"
    assert dialogs == [], f"{where}: a dialog fired: {dialogs}"
    assert requests.off_host() == [], f"{where}: {requests.off_host()}"
    # the link tricks are on the page as text, not as links
    # (an escaped trick may be the *label* of a safe link, e.g. an organisation's website)
    assert page.get_by_role("link", name="Call us", exact=True).count() == 0, where
    assert page.get_by_role("link", name="Refer here", exact=True).count() == 0, where
    assert page.get_by_role("link", name="tracker", exact=True).count() == 0, where


def _map_frames(page, wait: bool = True):
    if wait:
        map_frame(page)
    return [f for f in page.frames if "streamlit_folium" in f.url]


def open_every_popup_and_tooltip(frame) -> int:
    """Open each marker's popup and tooltip through Leaflet (clustered markers too)."""
    frame.wait_for_function("() => window.L && document.querySelector('.leaflet-container')", timeout=30_000)
    return frame.evaluate(
        """() => {
            const maps = Object.values(window).filter(v => v instanceof L.Map);
            let n = 0;
            for (const map of maps) {
                const markers = [];
                map.eachLayer(l => {
                    if (l.getLayers && l instanceof L.MarkerClusterGroup) markers.push(...l.getLayers());
                    else if (l instanceof L.Marker) markers.push(l);
                });
                for (const m of markers) {
                    if (!m.getPopup || !m.getPopup() || !m.getTooltip()) continue;
                    const holder = document.createElement('div');
                    holder.className = 'waymark-test-popup';
                    holder.innerHTML = m.getPopup().getContent() + '|' + m.getTooltip().getContent();
                    document.body.appendChild(holder);
                    map.openPopup(m.getPopup().getContent(), m.getLatLng());
                    n++;
                }
            }
            return n;
        }"""
    )


def test_find_support_with_hostile_records(server, session):
    page, requests, dialogs = session
    with screenshot_on_failure(page, "hostile-find-support"):
        page.goto(server.url)
        wait_for_app(page)
        page.get_by_role("heading", name="Who to call now").wait_for()
        assert_clean(page, requests, dialogs, "Find support (start)")
        page.get_by_role("textbox", name="Your postcode or town").fill("YO10 5DD")
        page.get_by_role("button", name="Find support").click()
        wait_for_app(page)
        page.get_by_role("heading", name=re.compile("Support near YO10 5DD")).wait_for()
        page.get_by_role("heading", name="Who to contact later").wait_for()
        body = page.inner_text("body")
        assert "[Call us](javascript:" in body  # the helpline named by a link trick, as literal text
        page.get_by_text("Show these services on a map").click()
        wait_for_app(page)
        frames = _map_frames(page)
        assert frames, "no map"
        opened = open_every_popup_and_tooltip(frames[0])
        assert opened >= 4, opened
        text = frames[0].inner_text("body")
        assert "<script>" in text and "<img src=x" in text  # popups show the text, escaped
        assert "{{ 7*7 }}" in text and "49" not in text.replace("{{ 7*7 }}", "")
        body = page.inner_text("body")
        assert '<script>window.__pwned="script";alert("script")</script>Safe House' in body
        page.get_by_role("button", name="Full details").first.hover()
        settle(page)
        assert_clean(page, requests, dialogs, "Find support (results, popups open)")


def test_directory_list_listing_and_maintainer_notes(server, session):
    page, requests, dialogs = session
    with screenshot_on_failure(page, "hostile-directory"):
        page.get_by_role("link", name="Directory").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Directory of services").wait_for()
        page.locator("button", has_text="![tracker](https://evil.example/pixel.png)").first.wait_for()
        if _map_frames(page):
            open_every_popup_and_tooltip(_map_frames(page)[0])
        assert_clean(page, requests, dialogs, "Directory list")
        open_to_show(page, "Problems in the data files", "refused-url")
        page.locator("[data-testid=stCode]").first.wait_for()
        code = page.locator("[data-testid=stCode]").inner_text()
        assert "javascript:alert('refused-url')" in code and "<script>alert('phone')</script>" in code
        assert_clean(page, requests, dialogs, "Directory maintainer notes")
        page.get_by_role("button", name="Safe House").first.click()  # the <script> name, shown as text
        wait_for_app(page)
        page.get_by_role("heading", name="During a police investigation").wait_for()
        body = page.inner_text("body")
        for text in ("[Call us](javascript:", "<iframe src=", "{{ 7*7 }}", "<svg onload=", ":red[RED]"):
            assert text in body, text
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert all(not re.match(r"^\s*(javascript|data|vbscript):", h, re.I) for h in links), links
        assert_clean(page, requests, dialogs, "Directory listing")
        page.get_by_role("button", name="← Back to all services").click()
        wait_for_app(page)


def test_plan_and_its_downloads(server, session):
    page, requests, dialogs = session
    with screenshot_on_failure(page, "hostile-plan"):
        page.get_by_role("link", name="Referral pathway").click()
        wait_for_app(page)
        page.get_by_role("spinbutton", name="Child's age (0 to 17)").fill("9")
        page.get_by_role("textbox", name="Where the child lives: postcode, town or local authority").fill("YO10 5DD")
        page.get_by_role("button", name="Make the plan").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Plan for a child in York").wait_for()
        assert "Safe House" in page.inner_text("body")
        assert_clean(page, requests, dialogs, "Plan")
        downloads = {}
        for label in ("Download the plan (Markdown)", "Download a printable page (HTML)"):
            with page.expect_download() as info:
                page.get_by_role("button", name=label).click()
            downloads[info.value.suggested_filename] = Path(info.value.path()).read_text(encoding="utf-8")
        md_text = downloads["waymark-plan.md"]
        assert "\\<script\\>" in md_text and "<script" not in md_text.replace("\\<script", "")
        assert not re.search(r"(?<!\\)\]\((javascript|data):", md_text)
        html_text = downloads["waymark-plan.html"]
        assert "&lt;script&gt;" in html_text and "<script" not in html_text
        # the printable page opened in the browser: nothing runs, no link is hostile
        page2 = page.context.new_page()
        page2.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page2.set_content(html_text, wait_until="load")
        assert page2.evaluate(FRAME_CHECK) == []
        page2.close()
        assert_clean(page, requests, dialogs, "Plan downloads")
