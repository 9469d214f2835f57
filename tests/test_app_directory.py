"""Directory (AppTest): browsing, searching, one service's listing, data problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.context import SELECTED_SERVICE
from services.catalogue import NATIONAL_ONLY, PAGE_SIZE
from services.directory import directories
from tests.app_helpers import button, headings, page_test, plain, small_print, texts, warm
from tests.conftest import YORK, service, write_data_dir

DETAIL_SECTIONS = [
    "What it offers",
    "Who it is for",
    "How to get help or refer",
    "During a police investigation",
    "Contact",
    "Where this information comes from",
]

#: The page these tests run (the ``shipped_page`` fixture, tests/conftest.py).
PAGE = "directory"


def open_buttons(at) -> list[str]:
    """The services listed on this page: each name is a button that opens its listing."""
    return [plain(b.label) for b in at.button if b.help == "Open the full listing"]


def test_lists_every_service_a_page_at_a_time(shipped_page):
    at = shipped_page
    assert not at.exception
    assert at.title[0].value == "Directory of services"
    d = directories.get()
    assert f"{len(d.services)} services" in headings(at)
    assert len(open_buttons(at)) == min(PAGE_SIZE, len(d.services))
    names = list(open_buttons(at))
    while not button(at, "Next page →").disabled:
        button(at, "Next page →").click().run()
        names += open_buttons(at)
    # every service exactly once: national services first, then by name
    assert sorted(names) == sorted(s.name for s in d.services)
    national = [s.name for s in d.services if s.is_national]
    assert set(names[: len(national)]) == set(national)
    # changing a filter goes back to page 1
    at.text_input[0].input("york").run()
    assert at.session_state["directory_page"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [("childline", "Childline"), ("CSAAC york", "Child sexual assault assessment service (CSAAS) at Acer House, York"), ("no such thing zzz", None)],
)
def test_search_by_words(shipped_page, text, expected):
    at = shipped_page
    at.text_input[0].input(text).run()
    if expected is None:
        assert open_buttons(at) == [] and "Nothing matches" in texts(at)
    else:
        assert expected in open_buttons(at)
        assert len(open_buttons(at)) < len(directories.get().services)


def test_filter_by_type_and_area(shipped_page):
    at = shipped_page
    at.multiselect[0].select("csaac").run()
    assert open_buttons(at) == ["Child sexual assault assessment service (CSAAS) at Acer House, York"]
    at.multiselect[0].unselect("csaac")
    at.selectbox[0].set_value(NATIONAL_ONLY).run()
    d = directories.get()
    assert sorted(open_buttons(at)) == sorted(s.name for s in d.services if s.is_national)
    at.selectbox[0].set_value(YORK).run()
    by_name = {s.name: s for s in d.services}
    assert open_buttons(at) and all(YORK in by_name[n].service_areas for n in open_buttons(at))


def test_opening_a_listing_puts_its_id_in_the_address_never_the_words(shipped_page):
    at = shipped_page
    at.text_input[0].input("CSAAC").run()
    button(at, "Child sexual assault assessment service (CSAAS) at Acer House, York").click().run()
    assert dict(at.query_params) == {"service": "york-csaac"}  # an id: Back returns to the list
    assert "CSAAC" not in str(dict(at.query_params))
    h = headings(at)
    assert "Child sexual assault assessment service (CSAAS) at Acer House, York" in h
    for name in DETAIL_SECTIONS:
        assert name in h, name
    body = texts(at)
    assert "Yes: this service can help during a police investigation." in body
    assert "Children and young people up to age 15" in body
    assert "Last checked:" in body
    assert any(t.startswith("From ") and ", read " in t for t in small_print(at))
    assert "Each detail and the page it comes from" in body
    # out of date only if its pages have aged past the rule (they were current when compiled)
    assert bool(at.warning) == directories.get().get("york-csaac").is_stale()
    assert "Report a problem with this listing" in body
    # back to the list, with the search words still there
    button(at, "← Back to all services").click().run()
    assert "service" not in at.query_params
    assert "Directory of services" in headings(at) and open_buttons(at)
    assert at.text_input[0].value == "CSAAC"
    assert open_buttons(at) == ["Child sexual assault assessment service (CSAAS) at Acer House, York"]


def test_a_number_no_page_states_says_why_it_is_kept(shipped_page):
    """The details of a listing whose number is marked unconfirmed say so, with the reason."""
    at = shipped_page
    at.text_input[0].input("NAPAC").run()
    button(at, "NAPAC support line").click().run()
    body = texts(at)
    assert "0808 801 0331" in body
    assert "The phone numbers: not on a page we could read (0808 801 0331: From the product owner's" in body


def test_filters_and_page_are_in_the_address_and_survive_a_listing(shipped_page):
    at = shipped_page
    at.selectbox[0].set_value(NATIONAL_ONLY).run()
    at.checkbox[0].check().run()
    assert dict(at.query_params) == {"area": NATIONAL_ONLY, "checked": "1"}
    first = open_buttons(at)[0]
    service_id = next(s.id for s in directories.get().services if s.name == first)
    button(at, first).click().run()
    assert dict(at.query_params) == {"area": NATIONAL_ONLY, "checked": "1", "service": service_id}
    button(at, "← Back to all services").click().run()
    assert at.selectbox[0].value == NATIONAL_ONLY and at.checkbox[0].value is True
    assert open_buttons(at)[0] == first


def test_a_link_with_filters_and_a_page_opens_them(shipped_page):
    at = page_test("directory")
    at.query_params["type"] = ["helpline"]
    at.query_params["page"] = "1"
    at.run()
    assert at.multiselect[0].value == ["helpline"]
    d = directories.get()
    helplines = {s.name for s in d.services if "helpline" in s.service_types}
    assert open_buttons(at) and set(open_buttons(at)) <= helplines
    at = page_test("directory")
    at.query_params["service"] = "york-csaac"
    at.run()
    assert "Child sexual assault assessment service (CSAAS) at Acer House, York" in headings(at)


def test_the_next_page_is_in_the_address(shipped_page):
    at = shipped_page
    button(at, "Next page →").click().run()
    assert dict(at.query_params) == {"page": "2"}
    at.text_input[0].input("york").run()  # new words: page 1, and the words stay out of the address
    assert dict(at.query_params) == {}


def test_unknown_selected_service_falls_back_to_the_list(shipped_page):
    at = shipped_page
    at.session_state[SELECTED_SERVICE] = "no-such-service"
    at.run()
    assert "service" not in at.query_params
    assert any("no longer in the directory" in w.value for w in at.warning)
    assert open_buttons(at)


@pytest.fixture
def small(tmp_path: Path, monkeypatch):
    today = dt.date.today().isoformat()
    root = write_data_dir(
        tmp_path / "data",
        {
            "york.yaml": [
                service("fresh", name="Fresh listing", verified=True, last_verified=today,
                        url="https://fresh.example.org", email="help@fresh.example.org",
                        phones=[{"number": "01904 000000"}, {"number": "85258", "type": "text"}],
                        referral_routes=["Ask your GP"], waiting_weeks=6, free=True,
                        schedules=[{"description": "Weekdays 9 to 5"}],
                        source="https://fresh.example.org/about ; a phone call"),
                service("old", name="Old listing", verified=True, last_verified="2020-01-01",
                        organization={"name": "Old org", "url": "https://old.example.org"}),
                service("unchecked", name="Unchecked listing", verified=False),
            ],
            "broken.yaml": [
                {"id": "broken", "name": "Broken"},  # missing required fields
            ],
        },
    )
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    return page_test("directory").run()


def _open(at, name):
    button(at, name).click().run()
    return at


def test_fresh_verified_listing_has_no_warning_and_full_contacts(small):
    at = _open(small, "Fresh listing")
    assert not at.warning
    markdown = "\n".join(str(m.value) for m in at.markdown)
    assert "(tel:01904000000)" in markdown
    assert "(mailto:help@fresh.example.org)" in markdown
    assert "Text 85258" in markdown.replace("\\", "")
    assert "(https://fresh.example.org/about)" in markdown  # the source as a link
    body = texts(at)
    assert "Usual wait: about 6 weeks." in body and "Free." in body and "Weekdays 9 to 5" in body


def test_stale_listing_is_flagged(small):
    at = _open(small, "Old listing")
    assert any(plain(w.value).startswith("Last checked 1 Jan 2020: check with them first") for w in at.warning)
    report = [str(m.value) for m in at.markdown if "Report a problem" in str(m.value)]
    assert report and "(https://old.example.org)" in report[0]


def test_unverified_listing_is_flagged(small):
    # Compiled recently but not confirmed with the organisation: one quiet line, no warning.
    at = _open(small, "Unchecked listing")
    assert any(t.startswith("Compiled ") or t.startswith("From ") for t in small_print(at))
    assert not at.warning
    assert "not yet confirmed with the organisation" in texts(at)


def test_report_link_is_an_email_with_only_the_listing_in_it(small, monkeypatch):
    monkeypatch.setenv("WAYMARK_REPORT_EMAIL", "maintainers@example.org")
    at = _open(small, "Fresh listing")
    report = [str(m.value) for m in at.markdown if "Report a problem" in str(m.value)]
    assert report and "(mailto:maintainers@example.org?subject=Waymark%20listing%3A%20Fresh%20listing%20%28fresh%29)" in report[0]


def test_data_problems_are_shown_to_maintainers_only_folded_away(small):
    at = small
    expanders = [e for e in at.expander if "Problems in the data files" in e.label]
    assert expanders
    code = "\n".join(c.value for c in at.code)
    assert "broken.yaml" in code and "is required" in code
    assert [b for b in open_buttons(at) if b == "Broken"] == []


@pytest.mark.parametrize("page", ["directory", "find_support", "referral_pathway"])
def test_missing_data_folder_is_a_calm_error_not_a_traceback(tmp_path, monkeypatch, page):
    monkeypatch.setenv("WAYMARK_DATA", str(tmp_path / "nowhere"))
    at = page_test(page).run()
    assert not at.exception
    assert any("cannot read its list of services" in e.value for e in at.error)
