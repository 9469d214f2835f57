"""The app's building blocks without a browser: escaping, links, maps, quick exit, printing."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.components.quick_exit import EXIT_URL, quick_exit_html
from app.maps import (
    MapPoint,
    _js_json,
    boundary_features,
    build_map,
    local_assets,
    vendor_ready,
)
from app.render import age_text, freshness_warning, h, md, md_link, safe_href, source_links
from services.directory import directories
from services.models import Service
from services.search import Hit
from services.sections import group_hits, meets_access
from tests.app_helpers import warm
from tests.conftest import YORK, service

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "**bold** _it_ `code` ~~strike~~",
    "# heading\n- list\n> quote",
    "$E=mc^2$ :red[colour] :material/home: <img src=x onerror=alert(1)>",
    "a | table | row",
    "![img](https://evil.example/x.png)",
    "&lt;already&gt; &amp; \\ back\\slash",
]

_MARKUP = re.compile(r"(?<!\\)[<>\[\]()*_`$#|!~:&]")


def _unescaped_markup(text: str) -> list[str]:
    # ignore characters that are themselves escapes (\\ followed by a char)
    stripped = re.sub(r"\\.", "", text)
    return re.findall(r"[<>\[\]()*_`$#|!~:&]", stripped)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escapes_every_markup_character(text):
    out = md(text)
    assert _unescaped_markup(out) == [], out
    assert "\n" not in out


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_md_never_leaves_markup_unescaped(text):
    assert _unescaped_markup(md(text)) == []


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.nspcc.org.uk", True),
        ("http://example.org/a?b=c", True),
        ("tel:08001111", True),
        ("mailto:help@example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example", False),
        ("https://evil.example/\"onmouseover=alert(1)", False),
        ("https://a.example/<x>", False),
        ("https://localhost", False),
        ("https://user@evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_href(url, ok):
    assert (safe_href(url) is not None) == ok


def test_links_encode_brackets_and_escape_labels():
    assert md_link("a [b]", "https://x.example/p_(1)") == "[a \\[b\\]](https://x.example/p_%281%29)"
    assert md_link("x", "javascript:alert(1)") == "x"


def test_h_escapes_quotes():
    assert h('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"


def test_source_links_turn_urls_into_links_and_escape_the_rest():
    out = source_links("CQC report (2020) ; https://example.org/page_1 ; <b>")
    assert "[example\\.org\\/page\\_1](https://example.org/page_1)" in out
    assert "\\<b\\>" in out


def test_freshness_and_ages():
    fresh = Service.model_validate(service("a", verified=True, last_verified=dt.date.today().isoformat()))
    old = Service.model_validate(service("b", verified=True, last_verified="2020-01-01"))
    unverified = Service.model_validate(service("c", verified=False))
    assert freshness_warning(fresh) is None
    assert freshness_warning(old) == "Last checked 1 Jan 2020: check with them first."
    # Compiled recently, not confirmed with the organisation: nothing to warn about (the card's
    # quiet trust line says where the details come from).
    assert freshness_warning(unverified) is None
    assert age_text(Service.model_validate(service("d", min_age=16, max_age=120))) == "Ages 16 and over"
    assert age_text(Service.model_validate(service("e", min_age=0, max_age=15))) == "Children and young people up to age 15"
    unstated = service("f")
    del unstated["min_age"], unstated["max_age"]
    assert age_text(Service.model_validate(unstated)).startswith("Ages not stated")
    assert age_text(Service.model_validate(service("g", min_age=0, max_age=120))) == "All ages"


# ---- sections -------------------------------------------------------------------------


def _hit(local=True, **fields):
    return Hit(Service.model_validate(service(fields.pop("id", "x"), **fields)), 1.0 if local else None, local)


def test_group_hits_without_and_with_an_investigation():
    yes = _hit(id="yes", available_during_investigation=True, accepts_self_referral=True)
    unknown = _hit(id="unknown", available_during_investigation=None)
    no = _hit(id="no", available_during_investigation=False, accepts_self_referral=False)
    door = _hit(id="door", service_types=["social_care_front_door"], phones=[{"number": "01904 555555"}])
    later = _hit(id="later", stages=["later_support"], available_during_investigation=True)
    both = _hit(id="both", stages=["therapeutic_support", "later_support"], available_during_investigation=True)
    line = _hit(local=False, id="line", service_areas=["national"], service_types=["helpline"])
    hits = [yes, unknown, no, door, later, both, line]

    calm = group_hits(hits, investigation=False)
    assert [c.role for c in calm.call_now] == ["front_door"]
    assert [h.service.id for h in calm.contact_yourself] == ["yes"]
    assert [h.service.id for h in calm.ask_how] == ["unknown", "both", "line"]  # local nearest, then national
    assert [h.service.id for h in calm.need_referral] == ["no"]
    assert [h.service.id for h in calm.later] == ["later", "both"]

    police = group_hits(hits, investigation=True)
    assert [h.service.id for h in police.contact_yourself] == ["yes"]
    assert [h.service.id for h in police.ask_first] == ["unknown"]  # not said: marked, not promised
    assert [h.service.id for h in police.ask_how] == ["later", "both", "line"]
    assert "no" in [h.service.id for h in police.later]
    assert police.waiting_for_investigation == {"no"}


def test_meets_access_needs_every_word():
    s = Service.model_validate(service("a", accessibility=["Step-free access"], locations=[{"accessibility": ["Hearing loop"]}]))
    assert meets_access(s, "hearing loop") and meets_access(s, "step-free, loop")
    assert not meets_access(s, "wheelchair")


# ---- maps -----------------------------------------------------------------------------


def test_js_json_cannot_break_out_of_a_script_or_collide_with_renaming():
    text = _js_json({"t": "</script><!-- _x & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "_" not in text
    assert json.loads(text) == {"t": "</script><!-- _x & \u2028"}


def _walk_assets(fmap):
    """What streamlit-folium collects as css_links/js_links (its own walk)."""
    from folium.elements import JSCSSMixin

    out = []

    def walk(el):
        if isinstance(el, JSCSSMixin):
            out.extend(u for _, u in getattr(el, "default_js", []))
            out.extend(u for _, u in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(fmap)
    return out


def _points():
    return [
        MapPoint(53.95, -1.08, "<b>Evil</b> & \"co\"", ("line <i>", "x_y"), "https://example.org/a"),
        MapPoint(53.96, -1.09, "Second", (), "javascript:alert(1)"),
    ]


def test_map_loads_only_local_assets_and_no_tiles_by_default():
    warm()
    d = directories.get()
    features = boundary_features(d.geography.boundaries_path, [YORK], focus=[YORK])
    fmap = build_map(features=features, points=_points(), centre=(53.95, -1.05), you=(53.95, -1.05, "YO10 5DD"))
    assets = _walk_assets(fmap)
    assert assets and all(a.startswith("/app/static/vendor/") for a in assets), assets
    html = fmap.get_root().render()
    assert re.findall(r"https?://", html.split("<body>")[0]) == []  # nothing remote in <head>
    assert "tile.openstreetmap" not in html
    assert "user-scalable=no" not in html
    assert "<b>Evil</b>" not in html  # escaped
    assert "javascript:alert" not in html  # unsafe popup link dropped


def test_online_tiles_only_when_asked():
    fmap = build_map(features=[], points=[], online_tiles=True)
    assert "tile.openstreetmap.org" in fmap.get_root().render()


def test_streamlit_folium_can_render_our_map():
    from streamlit_folium import _get_header, _get_map_string

    fmap = build_map(features=[], points=_points())
    fmap.get_root().render()
    script = _get_map_string(fmap)
    header = _get_header(fmap)
    assert "L.markerClusterGroup" in script and "points.forEach" in script
    data = json.loads(re.search(r"var points = (\[.*?\]);", script).group(1))
    # the popup is HTML: escaped; the title goes into an attribute and the tooltip's text
    # via the DOM (textContent), never parsed as HTML, so it travels raw
    assert "tip" not in data[0] and data[0]["title"] == "<b>Evil</b> & \"co\""
    assert "tip.textContent = p.title" in script
    assert data[0]["popup"].startswith("<strong>&lt;b&gt;Evil")
    assert "javascript:" not in data[1]["popup"]
    assert "<script src" not in header


def test_boundary_features_focus_neighbours_and_all():
    warm()
    path = directories.get().geography.boundaries_path
    york = boundary_features(path, [YORK], focus=[YORK])
    labels = {f["properties"]["label"]: f["properties"]["focus"] for f in york}
    assert labels["York"] is True and labels.get("North Yorkshire") is False
    only = boundary_features(path, [YORK], focus=[YORK], neighbours=False)
    assert [f["properties"]["label"] for f in only] == ["York"]
    assert len(boundary_features(path, [], neighbours="all")) == 153


def test_vendor_assets_are_present_after_setup():
    if not vendor_ready():
        pytest.skip("static/vendor not fetched (run scripts/vendor.sh)")
    assert local_assets()


def test_attribution_is_on_the_map():
    fmap = build_map(features=[{"type": "Feature", "properties": {"label": "X", "focus": True},
                                "geometry": {"type": "Point", "coordinates": [-1, 54]}}], points=[])
    html = fmap.get_root().render()
    assert "Contains OS data" in html


# ---- quick exit -----------------------------------------------------------------------


@pytest.mark.parametrize("script", ["find_support", "directory", "navigation"])
def test_page_scripts_survive_the_sanitiser(script):
    from app.components.navigation import phone_navigation_html
    from app.pages.directory import TO_TOP_JS
    from app.pages.find_support import SCROLL_TO_ANSWER_JS

    html = {"find_support": SCROLL_TO_ANSWER_JS % 1, "directory": TO_TOP_JS % 1,
            "navigation": phone_navigation_html()}[script]
    body = html.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert not re.search(r"<[/\w!]", body)


def test_quick_exit_script_survives_the_sanitiser_and_replaces_history():
    html = quick_exit_html()
    script = html.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    # DOMPurify drops a <script> whose text contains "<" followed by a letter, "/" or "!"
    assert not re.search(r"<[/\w!]", script)
    assert "location.replace(EXIT_URL)" in script
    assert json.dumps(EXIT_URL) in script
    assert "history.pushState" in script
    assert '"Shift"' in script and "presses >= 3" in script


# ---- printable plan -------------------------------------------------------------------


def test_printable_plan_escapes_everything(tmp_path, monkeypatch):
    from app.printable import plan_html
    from pathways.planner import make_plan
    from tests.conftest import write_data_dir

    root = write_data_dir(
        tmp_path / "data",
        {"york.yaml": [service("evil", name="<script>alert(1)</script>", service_types=["social_care_front_door"],
                               stages=["refer_to_social_care"], url="https://example.org/x")]},
    )
    warm(root)
    d = directories.get(root)
    plan = make_plan({"age": 9, "place": "York"}, d)
    page = plan_html(plan)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "If the child is in immediate danger, call 999." in page
    assert re.findall(r"<(?:script|img|iframe|link)\b", page) == []


def test_print_page_shows_one_button_and_prints_the_plan_only():
    from app.printable import print_page_html

    doc = "<!doctype html><html><head><title>Plan</title></head><body><h1>Plan for a child</h1></body></html>"
    page = print_page_html(doc)
    assert '<button id="waymark-print" type="button">Print the plan</button>' in page
    assert "window.print()" in page and "onclick" not in page  # no inline handler
    assert "<h1>Plan for a child</h1>" in page  # the whole plan is there to print
    assert "body > *:not(#waymark-print) { display: none" in page and "@media print { #waymark-print" in page
