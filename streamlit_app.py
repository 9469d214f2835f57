"""Waymark's web app: a thin layer over services/ and pathways/.

Four pages (``app/pages/``): Find support (families), Referral pathway (practitioners),
Directory (everyone) and Service gaps (commissioners). This file only sets the page up, installs the quick exit, builds the
navigation and adds the footer every page shares. Run it with ``make run``.
"""

from __future__ import annotations

import streamlit as st

from app import context
from app.components.navigation import phone_navigation
from app.components.quick_exit import HISTORY_NOTE, quick_exit
from app.icon import page_icon
from app.pages import directory, find_support, referral_pathway, service_gaps

st.set_page_config(page_title="Waymark", page_icon=page_icon(), layout="wide")
quick_exit()
phone_navigation()

pages = {
    # The default page is served at "/" and Streamlit does not answer its own url_path, so a
    # hidden twin answers a direct link to /find-support (bookmarks, links from other sites).
    "find_support": st.Page(find_support.render, title="Find support", url_path="start", default=True),
    "find_support_link": st.Page(find_support.render, title="Find support", url_path="find-support",
                                 visibility="hidden"),
    "referral_pathway": st.Page(referral_pathway.render, title="Referral pathway", url_path="referral-pathway"),
    "directory": st.Page(directory.render, title="Directory", url_path="directory"),
    "service_gaps": st.Page(service_gaps.render, title="Service gaps", url_path="service-gaps"),
}
context.PAGES.update(pages)
navigation = st.navigation(list(pages.values()), position="top")
context.follow_pending_switch()

st.error("**If a child is in immediate danger, call 999.**", icon=":material/emergency:")
navigation.run()

st.divider()
st.markdown(HISTORY_NOTE)
st.markdown(
    "Waymark does not keep what you type: it is not saved, logged, put in the web address or "
    "sent to anyone else. Service details come from public sources and each listing says when "
    "it was last checked."
)
