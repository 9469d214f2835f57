"""The page menu on a phone: easy to find, and out of the way once a page is chosen.

On a narrow screen Streamlit folds the top navigation into a sidebar behind a small "»"
button, and leaves the sidebar open over most of the screen after a page is chosen. This
small script (installed once per browser tab, outside Streamlit's own tree like the quick
exit) makes the button a 44 px target that says "Menu", and closes the sidebar after a page
is chosen from it when the sidebar covers the page.
"""

from __future__ import annotations

import json

import streamlit as st

__all__ = ["phone_navigation", "phone_navigation_html"]

_CSS = """
[data-testid="stExpandSidebarButton"] {
  min-width: 44px; min-height: 44px; padding: 0 0.6rem; border: 2px solid #505a5f; border-radius: 0.3rem;
  color: #0b0c0c;
}
[data-testid="stExpandSidebarButton"]::after { content: "Menu"; font-weight: 700; margin-left: 0.25rem; color: #0b0c0c; }
[data-testid="stSidebarCollapseButton"] button { min-width: 44px; min-height: 44px; }
"""

_SCRIPT = """
<script>
// Do not write a less-than sign followed by a letter or slash inside this script (DOMPurify).
(function () {
  var w = window;
  if (w.waymarkNavigation) { return; }
  w.waymarkNavigation = true;
  var style = document.createElement("style");
  style.textContent = %(css)s;
  document.head.appendChild(style);
  function label() {
    var open = document.querySelector("[data-testid=stExpandSidebarButton]");
    if (open && open.getAttribute("aria-label") !== "Menu") { open.setAttribute("aria-label", "Menu"); }
  }
  label();
  setInterval(label, 1000);
  // A page chosen from the sidebar while it covers the page: close it.
  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("[data-testid=stSidebarNavLink]") : null;
    if (!link) { return; }
    var sidebar = document.getElementById("stSidebar");
    if (!sidebar || w.innerWidth > 768) { return; }
    setTimeout(function () {
      var close = document.querySelector("[data-testid=stSidebarCollapseButton] button");
      if (close) { close.click(); }
    }, 50);
  }, true);
})();
</script>
"""


def phone_navigation_html() -> str:
    return _SCRIPT % {"css": json.dumps(_CSS)}


def phone_navigation() -> None:
    """Install the phone menu fixes; safe to call on every rerun."""
    st.html(phone_navigation_html(), unsafe_allow_javascript=True)
