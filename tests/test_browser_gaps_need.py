"""Service gaps in Debian's chromium: the map coloured by services and by identified need per
10,000 children, the commissioner filter and the neighbours chart — no request off 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.browser_support import (
    axe_violations,
    choropleth_info,
    screenshot_on_failure,
    skip_without_chromium,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, skip_without_chromium()]


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(option[:20])  # long option lists are virtual: filter first
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_rates_commissioner_filter_and_neighbours(app_server, page, requests_seen):
    with screenshot_on_failure(page, "service-gaps-need"):
        page.goto(app_server.url + "/service-gaps")
        wait_for_app(page)
        page.get_by_role("heading", name="Service gaps").first.wait_for()
        _choose(page, "Gap to show", "Local services per 10,000 children")
        page.get_by_text("6 of 153 areas have a figure", exact=False).wait_for()
        info = choropleth_info(page, showing="#b1b4b6")  # grey: no figure, in the rates view only
        assert "#b1b4b6" in info["fills"] and any(f in info["fills"] for f in ("#deebf7", "#9ecae1", "#6baed6",
                                                                               "#3182bd", "#08519c")), info["fills"]
        _choose(page, "Gap to show", "Sexual abuse identified at assessment, per 10,000 children")
        page.get_by_text("England: 26.6", exact=False).first.wait_for()

        page.get_by_text("NHS England", exact=True).first.click()
        wait_for_app(page)
        page.get_by_text("NHS England leads on", exact=False).wait_for()

        page.get_by_role("combobox", name="Area", exact=True).click()
        page.keyboard.type("Derby")
        page.get_by_role("option", name="Derby", exact=True).click()
        wait_for_app(page)
        page.get_by_role("heading", name="Beside its statistical neighbours").wait_for()
        page.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for()
        violations = axe_violations(page)
        assert not violations, violations
    assert requests_seen.off_host() == [], requests_seen.off_host()
