"""Issue 8, hostile content at the AppTest level: a directory whose records carry script,
HTML, markdown link tricks, template syntax and RTL/zero-width characters
(``tests/fixtures/hostile``) — every page's Markdown source keeps them as escaped text, the
downloads escape them, and the records the models refuse are reported, never shown.

The same directory is loaded in a real browser in tests/test_hostile_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.maps import build_map
from app.mapview import points_for
from app.printable import plan_html
from pathways.gaps import analyse
from pathways.gaps.export import to_csv
from pathways.planner import make_plan
from pathways.render import render_markdown
from services.directory import load_directory
from tests.app_helpers import page_test, warm

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SHOWN = ["hostile-script", "hostile-mdlink", "hostile-image", "hostile-rtl", "hostile-long", "hostile-template"]
REFUSED = ["refused-js-url", "refused-js-upper", "refused-data-url", "refused-org-url", "refused-phone", "refused-vbscript"]

#: Markup that must never be live in a Markdown source built from data.
UNESCAPED_HTML = re.compile(r"(?<!\\)<\s*/?\s*(script|img|svg|iframe|a|b|style)\b", re.I)
MD_LINK = re.compile(r"(?<!\\)\]\(([^)\s]*)")
MD_IMAGE = re.compile(r"(?<!\\)!(?<!\\)\[")
SAFE_SCHEMES = ("http://", "https://", "tel:", "mailto:")


def assert_markdown_safe(source: str, where: str) -> None:
    assert not UNESCAPED_HTML.search(source), (where, source[:300])
    assert not MD_IMAGE.search(source), (where, source[:300])
    for href in MD_LINK.findall(source):
        assert href.lower().startswith(SAFE_SCHEMES), (where, href, source[:300])


def markdown_sources(at) -> list[tuple[str, str]]:
    """Every Markdown source on the page: text elements, labels and help tooltips."""
    out = []
    for node in at.main:
        kind = getattr(node, "type", None)
        if kind in ("markdown", "header", "subheader", "title", "warning", "error", "info", "caption", "success"):
            out.append((kind, str(node.value)))
        label = getattr(node, "label", None)
        if isinstance(label, str):
            out.append((f"{kind} label", label))
        help_text = getattr(getattr(node, "proto", None), "help", None)
        if isinstance(help_text, str) and help_text:
            out.append((f"{kind} help", help_text))
    return out


def check_page(at) -> str:
    assert not at.exception, at.exception
    sources = markdown_sources(at)
    for kind, source in sources:
        assert_markdown_safe(source, kind)
    return "\n".join(s for _, s in sources)


@pytest.fixture
def hostile(monkeypatch):
    monkeypatch.setenv("WAYMARK_DATA", str(HOSTILE))
    warm(HOSTILE)
    return load_directory(HOSTILE, cache=False)


def test_fixture_loads_the_hostile_text_and_refuses_the_hostile_links(hostile):
    assert sorted(s.id for s in hostile.services) == sorted(SHOWN)
    problems = "\n".join(str(p) for p in hostile.problems)
    for line in problems.splitlines():
        assert re.match(r"^hostile/services/hostile\.yaml:\d+: [\w.]+: ", line), line
    assert problems.count("is not a link Waymark will show") == 5
    assert "phones.0.number" in problems


def test_find_support_escapes_everything(hostile):
    at = page_test("find_support").run()
    source = check_page(at)
    assert "Call us" in source  # the helpline named by a link trick is listed, as text
    at.text_input[0].input("YO10 5DD")
    at.get("form_submit_button")[0].click().run()
    source = check_page(at)
    assert "Safe House" in source and "window" in source  # the script-named service, as text
    for b in at.button:
        assert_markdown_safe(str(b.label), "button")


def test_directory_list_and_every_listing_escape_everything(hostile):
    at = page_test("directory").run()
    check_page(at)
    for service_id in SHOWN:
        at = page_test("directory")
        at.session_state["directory_selected_service"] = service_id
        at.run()
        source = check_page(at)
        assert "During a police investigation" in source
    # the maintainers' view of the refused records is a code block: shown, never rendered
    at = page_test("directory").run()
    code = "\n".join(c.value for c in at.code)
    assert "javascript:alert('refused-url')" in code and "<script>alert('phone')</script>" in code


def test_plan_page_and_downloads_escape_everything(hostile):
    at = page_test("referral_pathway").run()
    at.number_input[0].set_value(9)
    at.text_input[0].input("YO10 5DD")
    at.get("form_submit_button")[0].click().run()
    source = check_page(at)
    assert "Plan for a child in York" in source
    plan = make_plan({"age": 9, "postcode": "YO10 5DD"}, hostile)
    names = {ps.service.id for step in plan.steps for ps in step.services} | {ps.service.id for ps in plan.later_contacts}
    assert {"hostile-script", "hostile-template"} <= names, names
    markdown = render_markdown(plan)
    assert_markdown_safe(markdown, "plan markdown")
    assert "\\<script\\>" in markdown
    # the template text arrives as text (escaped for Markdown), never evaluated to 49
    assert re.search(r"\\?\{\\?\{ 7\\?\*7 \\?\}\\?\}", markdown), markdown[:500]
    page = plan_html(plan)
    body = page.split("<body>", 1)[1]
    assert "<script" not in page and "<img" not in body and "<svg" not in body and "<iframe" not in body
    assert not re.search(r"href=\"(?!https?://|tel:|mailto:)", page)
    assert "&lt;script&gt;" in page
    assert "\u202e" in page  # RTL override kept as text (the HTML escapes, it does not strip)


def test_gaps_csv_holds_no_markup(hostile):
    csv_text = to_csv(analyse(hostile))
    assert "<" not in csv_text and "javascript:" not in csv_text
    # no cell a spreadsheet would run as a formula
    for line in csv_text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell


def test_map_holds_no_live_markup_and_no_template_execution(hostile):
    points = points_for(hostile.services, hostile.taxonomy)
    html = build_map(features=[], points=points).get_root().render()
    scripts = html.split("<body>", 1)[1]
    assert "window.__pwned" not in scripts.replace("window.\\u005f\\u005fpwned", "")
    for fragment in ("<img", "<svg", "<iframe", "<a ", "{{", "{%", "{#"):  # (attribute text stays, escaped)
        assert fragment not in scripts, fragment
    assert "\\u007b{ 7*7 }}" in html  # the template text arrives as text, not as 49
