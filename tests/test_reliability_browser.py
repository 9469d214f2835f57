"""Issue 8, faults in a real app server: a data file edited into a broken state while the
app runs, and map tiles (opted in) from a host that never answers.

One server (on a private copy of a small data directory) and one browser for the module.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (
    map_frame,
    new_page,
    open_to_show,
    running_app,
    screenshot_on_failure,
    skip_without_chromium,
    wait_for_app,
)
from tests.conftest import YORK, service, write_data_dir

pytestmark = [pytest.mark.browser, skip_without_chromium()]

BROKEN_YAML = "services:\n  - id: york-first\n    name: [unclosed\n"


def _york(*names: str) -> list[dict]:
    return [service(f"york-{n.split()[0].lower()}", name=n, service_areas=[YORK],
                    locations=[{"city": "York", "latitude": 53.95 + i / 100, "longitude": -1.08, "precision": "town"}])
            for i, n in enumerate(names)]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("live") / "data"
    write_data_dir(root, {"york.yaml": _york("First listing", "Second listing")})
    return root


@pytest.fixture(scope="module")
def server(data):
    with running_app(data_dir=data) as s:
        yield s


@pytest.fixture(scope="module")
def page(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    with new_page(context) as pg:
        yield pg


def _open_directory(page, server) -> str:
    page.goto(server.url + "/directory")
    wait_for_app(page)
    page.get_by_role("heading", name="Directory of services").wait_for()
    page.get_by_role("heading", name="Services", exact=True).wait_for()
    page.get_by_role("button", name="First listing").wait_for()
    return page.inner_text("body")


def test_broken_edit_keeps_last_good_and_fix_comes_in_without_restart(server, data, page):
    with screenshot_on_failure(page, "reliability-live-edit"):
        body = _open_directory(page, server)
        assert "First listing" in body and "Second listing" in body
        assert "Problems in the data files" not in body

        (data / "services" / "york.yaml").write_text(BROKEN_YAML, encoding="utf-8")
        body = _open_directory(page, server)
        assert "First listing" in body and "Second listing" in body, "the last good directory must still be served"
        assert page.locator("[data-testid=stException]").count() == 0
        open_to_show(page, "Problems in the data files", "still showing the last version that worked")
        assert "york.yaml:4: yaml:" in page.locator("[data-testid=stCode]").first.inner_text()

        # families on Find support see their services and no error
        page.goto(server.url)
        wait_for_app(page)
        assert page.locator("[data-testid=stException]").count() == 0
        assert "york.yaml" not in page.inner_text("body")

        write_data_dir(data, {"york.yaml": _york("First listing", "Third listing")})
        body = _open_directory(page, server)
        assert "Third listing" in body and "Second listing" not in body
        assert "Problems in the data files" not in body
        assert server.process.poll() is None  # same server, no restart


def test_tiles_that_never_arrive_leave_the_map_and_page_working(server, page):
    pending = []
    page.route(re.compile(r"^https://([a-z]\.)?tile\.openstreetmap\.org/"), lambda route: pending.append(route))  # never answered
    with screenshot_on_failure(page, "reliability-tiles"):
        page.goto(server.url)
        wait_for_app(page)
        page.get_by_role("textbox", name="Your postcode or town").fill("YO10 5DD")
        page.get_by_role("button", name="Find support").click()
        wait_for_app(page)
        page.get_by_text("Show these services on a map").click()
        wait_for_app(page)
        page.get_by_text("Show street map").click()
        wait_for_app(page)
        frame = map_frame(page, timeout=20_000)
        frame.wait_for_function("() => document.querySelectorAll('.leaflet-tile').length > 0", timeout=20_000)
        frame.wait_for_function(
            "() => document.querySelectorAll('.leaflet-marker-icon').length >= 1"
            " && document.querySelectorAll('path.leaflet-interactive').length >= 1", timeout=30_000)
        assert pending, "the street map should have asked for tiles"
        # the rest of the page is there and usable while the tiles hang
        assert page.get_by_role("heading", name="Who to contact later").is_visible()
        page.get_by_role("link", name="Directory").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Directory of services").wait_for()
    for route in pending:
        try:
            route.abort()
        except Exception:  # noqa: BLE001 - the page may have gone
            pass
