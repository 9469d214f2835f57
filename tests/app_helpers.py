"""Helpers for the AppTest tests (``tests/test_app_*.py``): run one page, read it in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60

_UNESCAPE = re.compile(r"\\(.)")
_SMALL = re.compile(r"^:small\[(.*)\]$", re.S)


def small_print(at: AppTest) -> list[str]:
    """The readable text of every small-print note (``app.render.small_print``) on the page."""
    return [plain(str(m.value)) for m in at.markdown if str(m.value).startswith(":small[")]


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it (escapes, bold/italic markers and the
    ``:small[...]`` small-print directive removed)."""
    text = _SMALL.sub(r"\1", markdown)
    text = re.sub(r"(?<!\\)\*\*?", "", text)
    return _UNESCAPE.sub(r"\1", text)


def warm(data_dir: Path | None = None) -> None:
    """Load a data directory in the test's own (main) thread before the app runs.

    services' fast YAML parser (yaml_rs) has crashed the interpreter when first called
    from Streamlit's script thread; loading here keeps the app's run on the cached
    directory. (Reported to the services owner.)
    """
    from services.directory import directories

    directories.get(data_dir)


def page_test(name: str) -> AppTest:
    """An AppTest that renders one page module of ``app/pages`` on its own."""
    return AppTest.from_string(
        f"from app.pages import {name}\n{name}.render()\n", default_timeout=TIMEOUT
    )


def app_test() -> AppTest:
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)


def outline(at: AppTest) -> list[tuple[str, str]]:
    """(element type, readable text) for every text-bearing element, in page order."""
    out: list[tuple[str, str]] = []
    for node in at.main:
        kind = getattr(node, "type", None)
        if kind in ("markdown", "header", "subheader", "title", "warning", "error", "info", "caption"):
            out.append((kind, plain(str(node.value))))
        elif kind in ("button", "download_button", "form_submit_button"):
            out.append((kind, str(node.label)))
    return out


def texts(at: AppTest) -> str:
    """Everything readable on the page, one element a line."""
    return "\n".join(text for _, text in outline(at))


def section(at: AppTest, heading: str, *, until: tuple[str, ...] = ("header", "title")) -> list[tuple[str, str]]:
    """The elements after the heading whose text is ``heading``, up to the next heading
    of a kind in ``until``."""
    items = outline(at)
    for i, (kind, text) in enumerate(items):
        if kind in ("header", "subheader", "title") and text == heading:
            rest = []
            for item in items[i + 1 :]:
                if item[0] in until:
                    break
                rest.append(item)
            return rest
    raise AssertionError(f"no heading {heading!r}; headings: {headings(at)}")


def headings(at: AppTest) -> list[str]:
    return [t for k, t in outline(at) if k in ("title", "header", "subheader")]


def card_names(items: list[tuple[str, str]]) -> list[str]:
    """Service names from card headings (### or #### Name) in a slice of the outline."""
    out = []
    for kind, text in items:
        m = re.match(r"^#{3,5} ([^\n]*)", text) if kind == "markdown" else None
        if m:
            out.append(m.group(1))
    return out


def iter_markdown(at: AppTest) -> Iterator[str]:
    for node in at.main:
        if getattr(node, "type", None) == "markdown":
            yield str(node.value)


def button(at: AppTest, label: str, *, about: str | None = None):
    """The button a reader would press: by its words (and, for repeated words such as
    "Full details", by the service its tooltip names), not by its internal key."""
    for b in at.button:
        if plain(b.label) == label and (about is None or about in plain(b.help or "")):
            return b
    raise LookupError(f"no button {label!r}" + (f" about {about!r}" if about else ""))


def labelled(widgets, label: str):
    """The form field a reader would fill in, by its label."""
    for w in widgets:
        if w.label == label:
            return w
    raise LookupError(f"no field labelled {label!r}")


def fill_situation(
    at, *, age=None, where="", concern=None, investigation=None, flags=(), other_children=None,
    indicators=(), suspect_age=None, living=None, relationship=None,
):
    """Fill in the Referral pathway form as a practitioner would, and make the plan."""
    numbers = {n.label: n for n in at.number_input}
    if age is not None:
        numbers["Child's age (0 to 17)"].set_value(age)
    if suspect_age is not None:
        numbers["Age of the person suspected, if known"].set_value(suspect_age)
    if indicators:
        labelled(at.multiselect, "Signs seen in the child").set_value(list(indicators))
    if living:
        labelled(at.selectbox, "Where the child lives now").set_value(living)
    if other_children is not None:
        numbers["Other children in contact with the person suspected (brothers, sisters, others)"].set_value(other_children)
    boxes = {t.label: t for t in at.text_input}
    boxes["Where the child lives: postcode, town or local authority"].input(where)
    selects = {s.label: s for s in at.selectbox}
    if concern:
        selects["What is the concern?"].set_value(concern)
    if investigation:
        selects["Police investigation"].set_value(investigation)
    if relationship:
        selects["Who is the person suspected?"].set_value(relationship)
    for flag in flags:
        at.checkbox(key=f"situation-{flag}").check()
    next(b for b in at.get("form_submit_button") if b.label == "Make the plan").click()
    return at.run()
