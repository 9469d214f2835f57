"""Service gaps end to end in Debian's chromium: the choropleth, the table, an area's
statements, a what-if — all with no request leaving 127.0.0.1.

Runs once the page is in the app's navigation (``url_path="service-gaps"`` in
streamlit_app.py); until then it is skipped with the reason.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ARTIFACTS,
    axe_violations,
    choropleth_info,
    screenshot_on_failure,
    settle,
    skip_without_chromium,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    skip_without_chromium(),
]


def _save(page, name: str) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]'); "
                           "return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 120, 8000)})
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_service_gaps_page(app_server, page, requests_seen):
    with screenshot_on_failure(page, "service-gaps"):
        page.goto(app_server.url + "/service-gaps")
        wait_for_app(page)
        page.get_by_role("heading", name="Service gaps").first.wait_for()
        info = choropleth_info(page)
        assert info["areas"] >= 150, info["areas"]
        # covered, and not compiled (only the statutory spine listed there yet)
        assert "#00703c" in info["fills"] and "#4c2c92" in info["fills"], info["fills"]
        assert info["tiles"] == 0
        assert all(s.startswith(app_server.url + "/") for s in info["scripts"]), info["scripts"]
        assert "Contains OS data" in info["attribution"]
        page.get_by_role("heading", name="Areas").wait_for()
        page.get_by_role("button", name="Download the workbook (Excel)").wait_for()

        page.get_by_role("combobox", name="Area", exact=True).click()
        page.keyboard.type("York")  # the list of 153 is virtual: filter it
        page.get_by_role("option", name="York", exact=True).click()
        wait_for_app(page)
        page.get_by_role("heading", name="York", exact=True).wait_for()
        expect(page.get_by_text("York: ", exact=False).first).to_be_visible()

        page.get_by_role("textbox", name="Where it would be (postcode, town or area)").fill("Cornwall")
        page.get_by_role("button", name="See which gaps it would close").click()
        wait_for_app(page)
        page.get_by_text("Nothing has been saved", exact=False).wait_for()

        violations = axe_violations(page)
        assert not violations, violations
        _save(page, "service-gaps")
    assert requests_seen.off_host() == [], requests_seen.off_host()
