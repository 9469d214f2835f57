"""The ``Link: rel=modulepreload`` header nginx sends with the app's HTML page.

Streamlit's front end loads the code for each kind of element (a text input, a select box,
a checkbox, ...) only when the first one arrives over the websocket, and each of those
files imports more. On a first visit that chain of small downloads happens *after* the
page has connected, and the first input waits for it. Named in a ``Link`` header on the
HTML page, the same files download while the browser is still parsing Streamlit's main
bundle, so they are ready when the elements arrive. A preload is only a hint: a file that
is not used costs a few kilobytes, a missing one costs nothing.

    python deploy/preload.py [ELEMENT ...]   # prints the header value (empty if none found)

``ELEMENT`` names are Streamlit's front-end chunk names; the default is what Find support
(the first page) shows: TextInput, Selectbox, Checkbox, Button and Html. The files are
found in the installed Streamlit (their names carry a content hash, so the list is worked
out again for each Streamlit version, at every ``serve.sh start``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FIRST_PAGE = ("TextInput", "Selectbox", "Checkbox", "Button", "Html")
_IMPORT = re.compile(r"""(?:import|from)\s*["'](\./[A-Za-z0-9_.\-]+\.js)["']""")


def static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def preload_paths(elements: tuple[str, ...] = FIRST_PAGE, root: Path | None = None) -> list[str]:
    """URL paths of the elements' chunks and everything they import, minus what the page
    already preloads itself (index.html), in a stable order."""
    root = root or static_dir()
    js = root / "static" / "js"
    try:
        html = (root / "index.html").read_text(encoding="utf-8")
        names = sorted(p.name for p in js.iterdir() if p.suffix == ".js")
    except OSError:
        return []
    wanted: list[str] = []
    for element in elements:
        wanted += [n for n in names if n.startswith(element + ".") and n.count(".") == 2]
    seen: list[str] = []
    queue = list(wanted)
    while queue:
        name = queue.pop(0)
        if name in seen or not (js / name).is_file():
            continue
        seen.append(name)
        try:
            text = (js / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        queue += [m.group(1)[2:] for m in _IMPORT.finditer(text)]
    return [f"/static/js/{n}" for n in seen if f"./static/js/{n}" not in html and not n.startswith("index.")]


def header(paths: list[str]) -> str:
    return ", ".join(f"<{p}>; rel=modulepreload" for p in paths)


if __name__ == "__main__":
    print(header(preload_paths(tuple(sys.argv[1:]) or FIRST_PAGE)))
