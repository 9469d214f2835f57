"""What every page shares: the loaded directory, the page registry, the selected service.

Session state holds only what the person chose in this browser tab (the last search, a
listing to open); it lives in the server's memory for the session and is never written to
disk or logged. What a person typed is never put in the URL; the Directory puts only ids
there (an open listing, a page number, filters) so that Back stays within Waymark.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from services.directory import Directory, default_data_dir, directories
from services.errors import WaymarkError

from .errors import show

__all__ = [
    "directory",
    "maintainer_notes",
    "select_service",
    "selected_service",
    "PAGES",
    "SELECTED_SERVICE",
]

#: Session key of a service to open in the Directory page (an id, never user text); the
#: Directory moves it into its address (``?service=``) and forgets it here.
SELECTED_SERVICE = "directory_selected_service"

#: st.Page objects by name, filled by streamlit_app.py so pages can link to each other.
PAGES: dict[str, Any] = {}


def directory() -> Directory:
    """The current directory (reloaded when a data file changes; last good one kept).

    When there is no good directory at all (a missing or unreadable data folder), the
    error funnel says so and the page stops there: no traceback, no half-drawn page.
    """
    try:
        return directories.get(prefetch=True)
    except WaymarkError as exc:
        show(exc)
        st.stop()
        raise  # st.stop() raises; this keeps type checkers honest


def maintainer_notes(d: Directory) -> None:
    """Located data problems, folded away: for the people who keep the data, not families."""
    root = default_data_dir().resolve()
    failure = directories.error.get(root)
    problems = [str(p) for p in d.problems]
    if failure is None and not problems:
        return
    with st.expander("Problems in the data files (for the people who maintain Waymark)"):
        if failure is not None:
            st.markdown(
                "The latest edit to the data could not be loaded, so Waymark is still showing "
                "the last version that worked. Fix this and the change appears on the next page load:"
            )
            st.code(str(failure), language=None)
        if problems:
            st.markdown(f"{len(problems)} record{'s' if len(problems) != 1 else ''} could not be used:")
            st.code("\n".join(problems), language=None)


def select_service(service_id: str) -> None:
    """Open a service in the Directory page (a button callback)."""
    st.session_state[SELECTED_SERVICE] = service_id
    page = PAGES.get("directory")
    if page is not None:
        st.session_state["_switch_to_directory"] = True


def selected_service() -> str | None:
    return st.session_state.get(SELECTED_SERVICE)


def follow_pending_switch() -> None:
    """st.switch_page cannot run inside a callback: do it on the next script run."""
    if st.session_state.pop("_switch_to_directory", False):
        page = PAGES.get("directory")
        if page is not None:
            st.switch_page(page)
