"""Find support (AppTest): a place and a few ticks → what a family is shown, where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app_helpers import (
    app_test,
    button,
    card_names,
    fill_situation,
    headings,
    outline,
    page_test,
    plain,
    section,
    texts,
    warm,
)
from tests.conftest import service, write_data_dir

YOURSELF = "Support you can contact yourself"
ASK = "Support you can ask about"
REFERRAL = "Support that needs a referral"
ASK_FIRST = "Ask first: help during an investigation not known"
LATER = "Who to contact later"

#: The page these tests run (the ``shipped_page`` fixture, tests/conftest.py).
PAGE = "find_support"


def search(at, place: str, *, age: int | None = None, ticks: tuple[str, ...] = (), language: str = "", access: str = ""):
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Your postcode or town"].input(place)
    if language:
        form_inputs["Language (optional)"].input(language)
    if access:
        form_inputs["Access needs (optional)"].input(access)
    if age is not None:
        at.selectbox[0].select(age)
    boxes = {c.label: c for c in at.checkbox}
    for tick in ticks:
        boxes[tick].check()
    next(b for b in at.get("form_submit_button") if b.label == "Find support").click()
    return at.run()


def test_start_page_asks_for_a_place_and_shows_who_to_call(shipped_page):
    at = shipped_page
    assert not at.exception
    assert at.title[0].value == "Find support"
    assert "Type your postcode or town" in texts(at)
    names, text = _call(at)
    assert names == ["Police", "For you, the adult: NSPCC Helpline", "For the child: Childline"]
    assert "999" in text and "101" in text and "0808 800 5000" in text and "0800 1111" in text


def test_whole_app_opens_on_find_support_with_999_and_quick_exit(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "Find support"
    assert "If a child is in immediate danger, call 999." in [e.value.strip("*") for e in at.error]
    assert any("waymark-exit" in str(h.proto.body) and "location.replace" in str(h.proto.body) for h in at.get("html"))
    assert "It does not clear your browsing history" in texts(at)
    # the footer says where the button really is: top right, bottom right on a phone
    assert "top right of the screen" in texts(at) and "bottom right on a phone" in texts(at)


def test_shropshire_postcode_for_a_nine_year_old_gets_the_childrens_sarc_and_its_routes(shipped_page):
    at = search(shipped_page, "SY1 1AA", age=9)
    assert not at.exception
    names = card_names(outline(at))
    assert "West Midlands Regional Children and Young People's Sexual Assault Service" in names
    assert not any("The Glade" in n for n in names)  # adults only
    card = "\n".join(texts_of_card(at, "West Midlands Regional Children and Young People's Sexual Assault Service"))
    assert "13 and over can refer themselves" in card
    assert "Children under 13 are referred by the police or children's social care" in card


def texts_of_card(at, name: str) -> list[str]:
    """The text of one service card (one Markdown element whose first line is its name)."""
    for kind, text in outline(at):
        m = re.match(r"^#{3,5} ([^\n]*)", text) if kind == "markdown" else None
        if m and m.group(1).replace("\\", "") == name:
            return text.replace("\\", "").splitlines()
    return []


def _call(at) -> tuple[list[str], str]:
    """Who to call now (one Markdown element): the contacts' names, and the whole text."""
    block = next((t for k, t in outline(at) if k == "markdown" and t.startswith("### Who to call now")), None)
    assert block is not None, "no 'Who to call now'"
    return re.findall(r"^#### (.*)$", block, re.M), block


def _sub(at, heading: str) -> list[tuple[str, str]]:
    return section(at, heading, until=("header", "title", "subheader"))


def test_york_postcode_for_a_nine_year_old(shipped_page):
    at = search(shipped_page, "YO10 5DD", age=9)
    assert not at.exception
    h = headings(at)
    assert h[:2] == ["Find support", "Support near YO10 5DD (York)"]
    kinds = [k for k, t in outline(at)]
    first = [t for k, t in outline(at)][kinds.index("header") + 1]
    assert first.startswith("### Who to call now")  # who to call, straight under the answer's heading
    call, _ = _call(at)
    # The council's public lines first (the re-check found York's), then 999/101, the adult's
    # helpline and the child's.
    assert call[:4] == ["Children's social care (City of York Council)", "Police",
                        "For you, the adult: NSPCC Helpline", "For the child: Childline"]
    referral = card_names(_sub(at, REFERRAL))
    assert "Child sexual assault assessment service (CSAAS) at Acer House, York" in referral
    assert any("Who refers:" in t for _, t in _sub(at, REFERRAL))
    assert not any("Rape Crisis" in n for n in card_names(outline(at)))  # 16+ only
    assert not any("Lighthouse" in n for n in card_names(outline(at)))  # a London service
    # groups in order; the map last
    order = [x for x in h if x in (YOURSELF, ASK, REFERRAL, LATER, "Map")]
    assert order == [YOURSELF, ASK, REFERRAL, LATER, "Map"]
    assert "For a child aged 9." in texts(at)
    # therapy with a wait that is not stated: what helps meanwhile, beside it
    assert "While you wait for therapy or CAMHS" in texts(at)


def test_leeds_shows_the_councils_public_lines_first(shipped_page):
    at = search(shipped_page, "LS9 7TF", age=9)
    names, text = _call(at)
    assert names[0] == "Children's social care (Leeds City Council)"
    assert "0113 376 0336" in text
    assert "0113 5350600" not in text  # the out-of-hours team takes calls from professionals only
    assert text.index("0113 376 0336") < text.index("999") < text.index("0808 800 5000")


def test_rape_crisis_appears_for_a_seventeen_year_old(shipped_page):
    at = search(shipped_page, "YO10 5DD", age=17)
    assert any("Rape Crisis" in n for n in card_names(outline(at)))


@pytest.mark.parametrize(
    "place, message",
    [
        ("ZZ99 9ZZ", "is not a UK postcode"),
        ("EH1 1AA", "Scotland"),
        ("Nowhere-ville", "is not a place, postcode or local authority in England"),
        ("", "Nothing to look up"),
    ],
)
def test_bad_places_get_a_clear_message_and_keep_who_to_call(shipped_page, place, message):
    at = search(shipped_page, place)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(message in w.replace("\\", "") for w in warnings), warnings
    assert not any(h.startswith("Support near") for h in headings(at))
    _, call = _call(at)  # never a dead end
    assert "999" in call and "0808 800 5000" in call and "0800 1111" in call


def test_a_welsh_postcode_says_what_applies_in_wales(shipped_page):
    at = search(shipped_page, "CF10 1AA")
    info = " ".join(i.value for i in at.info)
    assert "NSPCC Helpline and Childline also help families in Wales" in info
    assert "0808 800 5000" in _call(at)[1]


def test_did_you_mean_runs_the_search(shipped_page):
    at = search(shipped_page, "Leds")
    button = next(b for b in at.button if b.label == "Search for Leeds")
    button.click().run()
    assert "Support near Leeds" in headings(at)


def test_living_with_the_person_suspected_shows_how_to_get_help_safely(shipped_page):
    at = search(shipped_page, "YO10 5DD", age=12, ticks=("The person we worry about lives with us",))
    safety = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "Getting help safely" in safety
    assert "press 55" in safety and "999 BSL" in safety and "register" in safety
    assert "Childline on their own" in safety
    assert not dict(at.query_params)
    at = search(page_test("find_support").run(), "YO10 5DD", age=12)
    assert "Getting help safely" not in " ".join(w.value for w in at.warning)


def test_query_is_kept_in_session_not_the_url(shipped_page):
    at = search(shipped_page, "Truro", age=9)
    assert "Support near Truro (Cornwall)" in headings(at)
    assert at.query_params == {} or not dict(at.query_params)
    # a rerun (e.g. pressing a button elsewhere) keeps the results
    at.run()
    assert "Support near Truro (Cornwall)" in headings(at)


# ---- a small data directory: exact control over what each tick does ----------------------

YORK_POINT = {"latitude": 53.955, "longitude": -1.07, "precision": "town", "city": "York"}


@pytest.fixture
def small(tmp_path: Path, monkeypatch):
    root = write_data_dir(
        tmp_path / "data",
        {
            "york.yaml": [
                service("alpha-therapy", name="Alpha therapy", available_during_investigation=True,
                        accepts_self_referral=True, locations=[YORK_POINT]),
                service("beta-clinic", name="Beta clinic", service_types=["paediatric_child_protection"],
                        available_during_investigation=None, accepts_self_referral=False),
                service("gamma-after", name="Gamma after disclosure", requires_disclosure=True,
                        available_during_investigation=True),
                service("delta-later", name="Delta later support", stages=["later_support"],
                        available_during_investigation=True, accepts_self_referral=True),
                service("epsilon-polish", name="Epsilon Polish group", languages=["Polish"],
                        accessibility=["Step-free access", "Hearing loop"], free=True),
                service("front-door", name="York front door", service_types=["social_care_front_door"],
                        available_during_investigation=None, accepts_self_referral=True),
            ],
            "national.yaml": [
                service("kids-line", name="Kids line", service_areas=["national"], service_types=["helpline"],
                        min_age=0, max_age=18, free=True, accepts_self_referral=True,
                        phones=[{"number": "0800 1111"}]),
                service("adult-line", name="Over sixteens line", service_areas=["national"], service_types=["helpline"],
                        min_age=16, max_age=120, free=True, accepts_self_referral=True),
                service(
                    "hostile",
                    name="<script>alert(1)</script> **bold** [x](javascript:alert(1)) $x$ :red[boo]",
                    description="<img src=x onerror=alert(1)> _under_ `code` # not a heading",
                    service_areas=["national"], service_types=["helpline"], url="https://example.org/a_(b)",
                ),
            ],
        },
    )
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    return page_test("find_support").run()


def _now(at) -> list[str]:
    return [n for h in (YOURSELF, ASK, REFERRAL) if h in headings(at) for n in card_names(_sub(at, h))]


def test_sections_without_an_investigation(small):
    at = search(small, "YO10 5DD", age=9)
    now = _now(at)
    later = card_names(section(at, LATER))
    assert {"Alpha therapy", "Beta clinic", "Gamma after disclosure", "Epsilon Polish group"} <= set(now)
    assert "York front door" in _call(at)[0][-1]  # no number: after the numbers
    assert card_names(_sub(at, YOURSELF)) == ["Alpha therapy"]  # self-referral first
    assert card_names(_sub(at, REFERRAL)) == ["Beta clinic"]
    assert "Delta later support" not in now and "Delta later support" in later
    assert "Over sixteens line" not in now + later  # 16+ only


def test_a_card_with_no_number_or_page_says_whom_to_ask(small):
    at = search(small, "YO10 5DD", age=9)
    card = next(t for k, t in outline(at) if k == "markdown" and t.startswith(("### Beta clinic", "#### Beta clinic")))
    assert "Contact: No phone or page of its own listed: ask children's social care how to reach it." in card


def test_police_investigation_marks_what_is_not_known(small):
    at = search(small, "YO10 5DD", age=9, ticks=("We are in a police investigation",))
    now = _now(at)
    assert "Alpha therapy" in now and "Beta clinic" not in now
    assert card_names(_sub(at, ASK_FIRST))[0] == "Beta clinic"  # not said: under "ask first", never promised
    assert "Support you can get now — even during a police investigation" not in headings(at)


def test_not_told_anyone_hides_services_that_need_a_disclosure(small):
    at = search(small, "YO10 5DD", age=9, ticks=("We have not told anyone yet",))
    assert "Gamma after disclosure" not in card_names(outline(at))
    assert "Alpha therapy" in card_names(outline(at))


@pytest.mark.parametrize(
    "ticks, language, shown, hidden",
    [
        (("Only services I can contact myself",), "", "Alpha therapy", "Beta clinic"),
        (("Free services only",), "", "Epsilon Polish group", "Alpha therapy"),
        ((), "polish", "Epsilon Polish group", "Alpha therapy"),
    ],
)
def test_self_referral_free_and_language_filters(small, ticks, language, shown, hidden):
    at = search(small, "YO10 5DD", age=9, ticks=ticks, language=language)
    names = card_names(outline(at))
    assert shown in names and hidden not in names


def test_access_needs_filter_and_empty_results(small):
    at = search(small, "YO10 5DD", age=9, access="hearing loop")
    assert _now(at) == ["Epsilon Polish group"]
    at = search(small, "YO10 5DD", age=9, access="wheelchair")
    assert any("could not find other services that match" in w.value for w in at.warning)
    assert _call(at)[0]


def test_data_strings_are_escaped(small):
    at = search(small, "YO10 5DD", age=9)
    sources = [str(m.value) for m in at.markdown]
    hostile = [s for s in sources if "alert" in s]
    assert hostile, "the hostile record should be listed (escaped)"
    for s in hostile:
        for line in (x for x in s.splitlines() if "alert" in x):  # the lines the data wrote
            assert not re.search(r"(?<!\\)[<>\[\]*_`$#]", re.sub(r"^#+ ", "", line)), line  # all escaped
        assert "](javascript" not in s
        assert "**bold**" not in s and "$x$" not in s and ":red[" not in s
    # its website link is kept, with brackets encoded
    assert any("(https://example.org/a_%28b%29)" in s for s in sources)


def test_local_services_are_on_the_map_behind_a_switch_with_distances(small):
    at = search(small, "YO10 5DD", age=9)
    assert headings(at)[-1] == "Map"  # the map last, after every list
    assert not any("place on the map" in t for _, t in outline(at))  # not drawn until asked for
    assert any("About " in t and "km" in t for _, t in outline(at))
    next(t for t in at.toggle if t.label == "Show these services on a map").set_value(True).run()
    assert any("1 place on the map" in t for _, t in outline(at))


def test_full_details_opens_the_directory_listing(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    at = app_test().run()
    at = search(at, "YO10 5DD", age=9)
    button(at, "Full details", about="Acer House, York").click().run()
    assert not at.exception
    h = headings(at)
    assert h[0] == "Directory of services"
    assert "Child sexual assault assessment service (CSAAS) at Acer House, York" in h
    assert "During a police investigation" in h
    assert "service" not in at.query_params  # which area was searched stays out of the address
    button(at, "← Back to all services").click().run()
    assert "Services" in headings(at)


def test_long_lists_start_short_and_show_more_on_request(tmp_path: Path, monkeypatch):
    """A national directory can match hundreds of services near one place: the page shows
    the nearest few and lets the family ask for more, rather than drawing them all."""
    from app.pages.find_support import SHOW_AT_FIRST

    many = [service(f"york-{i:02d}", name=f"York service {i:02d}", available_during_investigation=True,
                    locations=[{"latitude": 53.95 + i / 1000, "longitude": -1.08}]) for i in range(SHOW_AT_FIRST + 5)]
    root = write_data_dir(tmp_path / "data", {"york.yaml": many})
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    at = search(page_test("find_support").run(), "YO10 5DD", age=9)
    near = [n for n in _now(at) if n.startswith("York service")]
    assert len(near) == SHOW_AT_FIRST
    button(at, "Show more: support you can ask about (5 more)").click().run()
    near = [n for n in _now(at) if n.startswith("York service")]
    assert near == [s["name"] for s in many]  # nearest first
    assert not any(plain(b.label).startswith("Show more: support you can ask about") for b in at.button)


def test_images_shared_offers_removal_help_in_plain_words(shipped_page):
    at = search(shipped_page, "YO10 5DD", age=14, ticks=("Images of my child were shared online",))
    assert not at.exception
    info = " ".join(i.value for i in at.info).replace("\\", "")
    assert "If images or videos of your child have been shared online" in info
    assert "Do not forward, copy or screenshot them" in info
    assert "Report Remove" in info and "https://www.iwf.org.uk/" in info
    assert "CEOP" in info and "https://www.ceop.police.uk/" in info
    assert "Support near YO10 5DD (York)" in headings(at)  # the search still runs
    assert not dict(at.query_params)


def test_images_help_is_not_shown_unless_asked(shipped_page):
    at = search(shipped_page, "YO10 5DD", age=14)
    assert not any("Report Remove" in i.value for i in at.info)


def test_images_help_shows_even_when_the_place_is_not_found(shipped_page):
    at = search(shipped_page, "Nowhere-ville", ticks=("Images of my child were shared online",))
    assert any("Report Remove" in i.value for i in at.info)


def test_a_professionals_line_is_never_offered_to_a_family(tmp_path: Path, monkeypatch):
    door = service("york-door", name="York front door", service_types=["social_care_front_door"],
                   accepts_self_referral=True, phones=[{"number": "01904 551900", "description": "Front door"},
                                                      {"number": "01904 999000", "audience": "professionals"}])
    root = write_data_dir(tmp_path / "data", {"york.yaml": [door]})
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    at = search(page_test("find_support").run(), "YO10 5DD", age=9)
    assert not at.exception
    names, call = _call(at)
    assert "01904 551900" in call and names[0] == "Children's social care (York front door)"
    assert "01904 999000" not in texts(at)
    # nor on the Directory's listing, which families open too: it says there is one
    listing = page_test("directory")
    listing.query_params["service"] = "york-door"
    listing.run()
    body = "\n".join(str(m.value) for m in listing.markdown).replace("\\", "")
    assert "01904 551900" in body and "01904 999000" not in body and "Professionals have a separate line" in body
    # a practitioner's plan gives it, labelled
    plan = fill_situation(page_test("referral_pathway").run(), age=9, where="York")
    text = "\n".join(str(m.value) for m in plan.markdown).replace("\\", "")
    assert "01904 999000" in text and "for professionals only" in text
