"""A Streamlit session without a browser: Streamlit's own websocket protocol, nothing rendered.

A browser tab is one websocket to ``/_stcore/stream`` carrying protobufs both ways: the tab
sends a ``BackMsg`` asking for a rerun with its widget values, the server answers with
``ForwardMsg`` deltas (one per element) and a ``script_finished``. This client does exactly
that, using the protobuf classes Streamlit ships (``streamlit.proto``) and the
``websockets`` package Streamlit itself depends on, so a load test costs the server what a
real tab costs it and costs the load generator almost nothing (no layout, no JavaScript).

It first fetches ``/`` like a browser, so a reverse proxy's routing cookie (deploy/) and the
page's own cookies travel with the websocket. Widgets are found by their label, as a
person finds them; a page's widget ids are learnt from its first run.

Loopback only: :func:`check_loopback` refuses any other host (this is a load tool).
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

__all__ = ["RunResult", "Session", "SessionError", "check_loopback"]


class SessionError(Exception):
    """The server closed the session, timed out, or answered with an error."""


def check_loopback(url: str) -> None:
    """Refuse anything but 127.0.0.0/8, ::1 or localhost: load goes to this machine only."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SessionError(f"{url}: load tests run only against loopback addresses (127.0.0.1, ::1, localhost)")


@dataclass
class RunResult:
    """What one script run sent back."""

    seconds: float
    #: seconds from the request to the first heading that starts with ``until_heading``
    heading_seconds: float | None
    headings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: st.error messages (a page may show one on purpose: Waymark's 999 banner)
    error_alerts: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (kind, id)
    #: widget id -> the fragment it is drawn in (its reruns are that fragment's, as in a browser)
    fragments: dict[str, str] = field(default_factory=dict)
    #: the body of every st.markdown element (service names, distances, notes)
    markdown: list[str] = field(default_factory=list)
    elements: int = 0
    bytes: int = 0
    #: the run was a fragment's only (the page around it was not rerun)
    fragment_run: bool = False


_WIDGET_KINDS = ("text_input", "number_input", "button", "checkbox", "selectbox", "text_area", "toggle")


class Session:
    """One Streamlit session (one browser tab) over the websocket."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        check_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.page_hash = ""
        self.widgets: dict[str, dict[str, tuple[str, str]]] = {}  # page hash -> label -> (kind, id)
        self.fragments: dict[str, str] = {}  # widget id -> fragment id
        self.cookie = ""
        self._last_page: str | None = None
        self._ws: Any = None

    def _fetch_cookies(self) -> str:
        """GET / as a browser does first; keep the cookies (the proxy's routing cookie)."""
        req = urllib.request.Request(self.base_url + "/", headers={"User-Agent": "waymark-capacity"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            jar = SimpleCookie()
            for header in resp.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            resp.read()
        return "; ".join(f"{k}={m.value}" for k, m in jar.items())

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Subprotocol

        self.cookie = await asyncio.to_thread(self._fetch_cookies)
        parsed = urlparse(self.base_url)
        ws_url = ("wss" if parsed.scheme == "https" else "ws") + "://" + parsed.netloc + parsed.path + "/_stcore/stream"
        headers = {"Origin": f"{parsed.scheme}://{parsed.netloc}"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._ws = await asyncio.wait_for(
            connect(ws_url, subprotocols=[Subprotocol("streamlit")], additional_headers=headers, max_size=64 * 2**20,
                    open_timeout=self.timeout, ping_interval=None, compression=None),
            self.timeout,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def run(
        self,
        *,
        page: str | None = None,
        values: dict[str, Any] | None = None,
        submit: str | None = None,
        until_heading: str | None = None,
    ) -> RunResult:
        """Rerun the script on ``page`` (url path) with widget ``values`` by label; press ``submit``.

        Returns when the server says the run finished. Labels not on the page raise
        :class:`SessionError` (the page changed, or the session is on the wrong page).
        """
        if self._ws is None:
            raise SessionError("not connected")
        if page is not None and (page or self.pages):  # "" before the first run: the default page
            if page not in self.pages:
                raise SessionError(f"no page {page!r} (pages: {', '.join(self.pages) or 'none yet'})")
            self.page_hash = self.pages[page]
        known = self.widgets.get(self.page_hash, {})
        states = []
        for label, value in (values or {}).items():
            if label not in known:
                raise SessionError(f"no widget labelled {label!r} on this page")
            kind, wid = known[label]
            state = WidgetState(id=wid)
            if kind == "number_input":
                state.double_value = float(value)  # Streamlit sends numbers as doubles
            elif kind in ("checkbox", "toggle"):
                state.bool_value = bool(value)
            else:
                state.string_value = str(value)
            states.append(state)
        fragment = ""
        if submit is not None:
            if submit not in known:
                raise SessionError(f"no button labelled {submit!r} on this page")
            states.append(WidgetState(id=known[submit][1], trigger_value=True))
            fragment = self.fragments.get(known[submit][1], "") if page is None or page == self._last_page else ""
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.query_string = ""
        msg.rerun_script.widget_states.widgets.extend(states)
        # A button inside an st.fragment reruns only that fragment, as the browser asks for.
        msg.rerun_script.fragment_id = fragment
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        result = await asyncio.wait_for(self._receive(start, until_heading), self.timeout)
        if self.page_hash or not result.widgets:
            self.widgets.setdefault(self.page_hash, {}).update(result.widgets)
        self.fragments.update(result.fragments)
        self._last_page = page if page is not None else self._last_page
        return result

    async def _receive(self, start: float, until_heading: str | None) -> RunResult:
        from websockets.exceptions import ConnectionClosed

        result = RunResult(0.0, None)
        while True:
            try:
                raw = await self._ws.recv()
            except ConnectionClosed as exc:
                raise SessionError(f"connection closed ({exc.code})") from None
            result.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                ns = fwd.new_session
                self._learn_pages(ns.app_pages, ns.page_script_hash)
            elif kind == "navigation":
                self._learn_pages(fwd.navigation.app_pages, fwd.navigation.page_script_hash)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._element(fwd.delta.new_element, result, start, until_heading, fwd.delta.fragment_id)
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                    result.fragment_run = True
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # interrupted by a rerun we asked for: the next finish counts
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    result.errors.append("script failed to compile")
                result.seconds = time.perf_counter() - start
                return result

    def _learn_pages(self, app_pages: Any, current: str) -> None:
        for p in app_pages:
            self.pages[p.url_pathname or ""] = p.page_script_hash
            if p.is_default:
                self.pages.setdefault("", p.page_script_hash)
        if current:
            self.page_hash = current

    @staticmethod
    def _element(element: Any, result: RunResult, start: float, until_heading: str | None, fragment_id: str = "") -> None:
        result.elements += 1
        what = element.WhichOneof("type")
        if what == "heading":
            text = element.heading.body
            result.headings.append(text)
            if until_heading and result.heading_seconds is None and text.startswith(until_heading):
                result.heading_seconds = time.perf_counter() - start
        elif what == "markdown":
            result.markdown.append(element.markdown.body)
        elif what in _WIDGET_KINDS:
            w = getattr(element, what)
            result.widgets.setdefault(w.label, (what, w.id))
            if fragment_id:
                result.fragments[w.id] = fragment_id
        elif what == "exception":
            result.errors.append(f"exception on the page: {element.exception.type or 'error'}")
        elif what == "alert" and element.alert.format == 1:  # ERROR
            result.error_alerts.append(element.alert.body)
