"""Find support's results are a fragment (issue 15): a search reruns the page, not the app.

In a real browser: a search answers, "Show more" and "Full details" still work from inside
the fragment (Full details opens the listing on the Directory page), and the quick exit
and footer around the page stay. Over Streamlit's own protocol: a search from the page
is a fragment run, and the same answer as a whole-app run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import pytest

from benchmarks.stclient import Session
from tests.browser_support import (
    screenshot_on_failure,
    search_for,
    skip_without_chromium,
    wait_for_app,
)


def _protocol_search(url: str, place: str):
    async def go():
        s = Session(url, timeout=60)
        await s.connect()
        try:
            first = await s.run()
            fragment = await s.run(values={"Your postcode or town": place}, submit="Find support", until_heading="Support near")
            return first, fragment
        finally:
            await s.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(timeout=120)


def test_a_search_is_a_fragment_run_with_the_full_answer(app_server) -> None:
    first, result = _protocol_search(app_server.url, "YO10 5DD")
    assert not first.fragment_run, "opening the page runs the whole app"
    assert result.fragment_run, "a search reruns only the Find support fragment"
    assert not result.errors
    assert any(h.startswith("Support near") for h in result.headings)
    assert any(m.startswith("### Who to call now") for m in result.markdown)
    assert "Who to contact later" in result.headings
    # The app around the page was not sent again: no navigation, no 999 banner, no footer.
    assert not any(a.startswith("**If a child is in immediate danger") for a in result.error_alerts)
    assert not any("Waymark does not keep what you type" in m for m in result.markdown)


@skip_without_chromium()
@pytest.mark.browser
def test_search_show_more_and_full_details_in_a_browser(app_server, page) -> None:
    from playwright.sync_api import expect

    with screenshot_on_failure(page, "fragment-full-details"):
        search_for(page, app_server.url, "York")
        # The app around the fragment is still there after the fragment run.
        expect(page.get_by_text("If a child is in immediate danger, call 999.")).to_be_visible()
        expect(page.get_by_text("Waymark does not keep what you type")).to_be_visible()
        more = page.get_by_role("button", name=re.compile("^Show more: "))
        if more.count():
            before = page.get_by_role("button", name="Full details").count()
            more.click()
            wait_for_app(page)
            assert page.get_by_role("button", name="Full details").count() > before
        button = page.get_by_role("button", name="Full details").first
        name = button.locator("xpath=ancestor::*[.//h4][1]").get_by_role("heading", level=4).first.inner_text().strip()
        button.click()
        wait_for_app(page)
        # A whole-app rerun switched to the Directory page, on that service's listing.
        expect(page.get_by_role("button", name="← Back to all services")).to_be_visible()
        expect(page.get_by_role("heading", name=name).first).to_be_visible()
        assert "/directory" in page.url


def test_map_data_is_rendered_once_never_compiled_as_a_template(monkeypatch) -> None:
    """Lighter map rendering: marker and boundary data go into the page as text, not
    through a second Jinja compile (which cost a third of a search's server time and is
    where a name like ``{{ 7*7 }}`` could once have been evaluated)."""
    import jinja2

    from app.maps import MapPoint, build_map

    compiled: list[str] = []
    real = jinja2.Environment.from_string

    def spy(self, source, *args, **kwargs):
        compiled.append(str(source))
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", spy)
    feature = {"type": "Feature", "properties": {"label": "Area {{ 6*7 }}", "focus": True},
               "geometry": {"type": "Polygon", "coordinates": [[[-1.1, 53.9], [-1.0, 53.9], [-1.0, 54.0], [-1.1, 53.9]]]}}
    points = [MapPoint(53.95, -1.08, "Service {{ 7*7 }}", ("A line {% if 1 %}x{% endif %}",))]
    html = build_map(features=[feature], points=points, centre=(53.95, -1.08), you=(53.95, -1.08, "You {{ 8*8 }}")) \
        .get_root().render()
    assert not [s for s in compiled if "Service" in s or "Area" in s or "You " in s], "data was compiled as a template"
    for marker in ("49", "42", "64"):
        assert f"Service {marker}" not in html and f"Area {marker}" not in html and f"You {marker}" not in html
    assert "Service \\u007b{ 7*7 }}" in html, "the name is there, its braces escaped for the browser"
    assert "leaflet.js" in html and "L.marker" in html and "L.geoJSON" in html
