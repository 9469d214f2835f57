"""The "Leave this site" quick exit, after GOV.UK's "Exit this page" component.

A fixed button at the top right of every page (bottom right on a phone), and pressing Shift
three times, blanks the page and replaces it with a neutral site. The button is created by a
small script (``st.html`` with JavaScript) and put at the very start of ``document.body``,
outside Streamlit's own tree, right after a "Skip to main content" link (which stands in for
Streamlit's own, hidden): it is the first Tab stop after the skip link, and reruns and page
changes never remove or duplicate it.

- It acts on the pointer going down, in the capture phase of the window, and wherever the
  pointer lands inside the button's box: an open dialog (or its backdrop over the button)
  cannot swallow the first click.
- Moving between Waymark's pages adds history entries (Back stays within Waymark); each
  entry carries its position in Waymark's run of entries, and leaving first goes back to the
  first of them and replaces *that* with the neutral site, so Back after leaving does not
  land on Waymark.
- The Shift shortcut also works while the map has focus: the script listens in Streamlit's
  same-origin component frames too.

Leaving does not delete browsing history; :data:`HISTORY_NOTE` says how to.
"""

from __future__ import annotations

import json

import streamlit as st

__all__ = ["EXIT_URL", "HISTORY_NOTE", "quick_exit", "quick_exit_html"]

#: Where the quick exit goes: a neutral, everyday page.
EXIT_URL = "https://www.bbc.co.uk/weather"

HISTORY_NOTE = (
    "**Leaving quickly.** Press **Leave this site** (at the top right of the screen, or bottom "
    "right on a phone) or press the Shift key three times to go straight to BBC Weather. It does not clear your browsing "
    "history: to hide your visit, delete this site from your history (Ctrl+H, or Cmd+Y on a "
    "Mac, or your browser's History menu), or use a private or incognito window."
)

_SCRIPT = """
<script>
// Do not write a less-than sign followed by a letter or slash inside this script (DOMPurify).
(function () {
  var EXIT_URL = %(url)s;
  var w = window;
  var KEY = "waymarkIndex";
  var left = false;
  function go() { w.location.replace(EXIT_URL); }
  function leave(event) {
    if (event && event.preventDefault) { event.preventDefault(); }
    if (event && event.stopPropagation) { event.stopPropagation(); }
    if (left) { return; }
    left = true;
    try {
      document.title = "BBC Weather";
      var cover = document.createElement("div");
      cover.setAttribute("style", "position:fixed;inset:0;background:#fff;z-index:2147483647");
      document.documentElement.appendChild(cover);
      document.body.style.visibility = "hidden";
    } catch (e) {}
    try { w.sessionStorage.clear(); } catch (e) {}
    // Back to the first of Waymark's entries, then replace it: Back cannot return here.
    var index = 0;
    try { index = (w.history.state && w.history.state[KEY]) || 0; } catch (e) {}
    if (index > 0) {
      w.addEventListener("popstate", go, true);
      setTimeout(go, 400);
      w.history.go(-index);
    } else {
      go();
    }
  }
  w.waymarkLeave = leave;
  if (!document.getElementById("waymark-exit")) {
    var style = document.createElement("style");
    style.textContent = %(css)s;
    document.head.appendChild(style);
    var skip = document.createElement("a");
    skip.id = "waymark-skip";
    skip.href = "#";
    skip.appendChild(document.createTextNode("Skip to main content"));
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      var main = document.getElementById("stMain") || document.querySelector("[data-testid=stMain]");
      if (main) {
        if (!main.hasAttribute("tabindex")) { main.setAttribute("tabindex", "-1"); }
        main.focus();
      }
    });
    var link = document.createElement("a");
    link.id = "waymark-exit";
    link.href = EXIT_URL;
    link.setAttribute("role", "button");
    link.setAttribute("rel", "noreferrer");
    // No markup in this script: the sanitiser drops a script whose text looks like HTML.
    link.appendChild(document.createTextNode("Leave this site"));
    var hint = document.createElement("span");
    hint.className = "waymark-exit-hint";
    hint.textContent = ", or press Shift 3 times";
    link.appendChild(hint);
    link.addEventListener("click", leave);
    link.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Spacebar") { leave(event); }
    });
    // First in the page: the skip link, then the quick exit, then everything else.
    document.body.insertBefore(link, document.body.firstChild);
    document.body.insertBefore(skip, link);
    // The pointer going down on the button leaves at once, whatever sits over it.
    w.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button !== 0) { return; }
      var r = link.getBoundingClientRect();
      if (event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom) {
        leave(event);
      }
    }, true);
  }
  // Each history entry Waymark adds carries its place in Waymark's run of entries.
  if (!w.waymarkHistoryPatched && w.history && w.history.pushState) {
    w.waymarkHistoryPatched = true;
    var push = w.history.pushState.bind(w.history);
    var replace = w.history.replaceState.bind(w.history);
    var here = function () { try { return (w.history.state && w.history.state[KEY]) || 0; } catch (e) { return 0; } };
    var mark = function (state, index) {
      var out = {};
      if (state && typeof state === "object") { for (var k in state) { out[k] = state[k]; } }
      out[KEY] = index;
      return out;
    };
    w.history.pushState = function (state, title, url) { return push(mark(state, here() + 1), title, url); };
    w.history.replaceState = function (state, title, url) { return replace(mark(state, here()), title, url); };
  }
  if (w.waymarkShiftListening) { return; }
  w.waymarkShiftListening = true;
  var presses = 0, timer = null;
  function onKey(event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) { presses = 0; leave(event); }
  }
  function listen(doc) {
    if (!doc || doc.waymarkListening) { return; }
    doc.waymarkListening = true;
    doc.addEventListener("keyup", onKey, true);
  }
  listen(document);
  // Streamlit's component frames (the map) are same-origin: listen there too.
  setInterval(function () {
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      try { listen(frames[i].contentDocument); } catch (e) {}
    }
  }, 1000);
})();
</script>
"""

_CSS = """
#waymark-exit {
  position: fixed; top: 0.6rem; right: 4.5rem; z-index: 1000001;
  display: inline-block; padding: 0.5rem 1rem; border-radius: 0.3rem;
  background: #a50e1e; color: #fff !important; font-weight: 700; font-size: 1rem;
  line-height: 1.25; text-decoration: none !important; border: 2px solid #6f0a14;
  box-shadow: 0 2px 0 #6f0a14; font-family: inherit;
}
#waymark-exit:hover { background: #8a0b19; }
#waymark-exit:focus { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; }
#waymark-exit .waymark-exit-hint {
  position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important;
  padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
  white-space: nowrap !important; border: 0 !important;
}
@media (max-width: 640px) { #waymark-exit { top: auto; bottom: 0.75rem; right: 0.75rem; } }
#waymark-skip {
  position: absolute; left: -10000px; top: 0; z-index: 1000002; padding: 0.5rem 1rem;
  background: #ffdd00; color: #0b0c0c !important; font-weight: 700; text-decoration: underline;
}
#waymark-skip:focus { left: 0.5rem; top: 0.5rem; outline: 3px solid #0b0c0c; }
/* Waymark's own skip link comes first, then the quick exit: Streamlit's would be a second one. */
[data-testid="stSkipToContent"] { display: none !important; }
@media print { #waymark-exit, #waymark-skip { display: none !important; } }
"""


def quick_exit_html(url: str = EXIT_URL) -> str:
    """The script that installs the button and the Shift shortcut (idempotent)."""
    return _SCRIPT % {"url": json.dumps(url), "css": json.dumps(_CSS)}


def quick_exit() -> None:
    """Install the quick exit on the current page; safe to call on every rerun."""
    st.html(quick_exit_html(), unsafe_allow_javascript=True)
