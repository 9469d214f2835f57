"""The one place that turns Waymark's errors into something a person can read.

Pages never format errors themselves: they run their work inside :func:`shown` (or call
:func:`show`), and a refused input becomes a calm ``st.warning`` that says what to type
instead, while a broken data directory becomes an ``st.error``. Anything else is a bug:
it is shown as a short apology, never as a traceback (``client.showErrorDetails`` is off).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

import streamlit as st

from services.errors import DataError, InvalidInput, PlaceNotFound, WaymarkError

from .render import md

__all__ = ["show", "shown", "shown_or_none", "Failed"]

T = TypeVar("T")


class Failed(Exception):
    """Raised by :func:`shown` (with ``reraise=True``) after the error has been shown."""


def show(exc: BaseException) -> None:
    """Render one error in the right tone for who caused it."""
    if isinstance(exc, (InvalidInput, PlaceNotFound)):
        st.warning(md(str(exc)), icon=":material/edit:")
    elif isinstance(exc, DataError):
        st.error(
            "Waymark cannot read its list of services just now. Please try again later. "
            "If a child is in danger, call 999.",
            icon=":material/error:",
        )
    elif isinstance(exc, WaymarkError):
        st.warning(md(str(exc)), icon=":material/info:")
    else:  # pragma: no cover - a bug; say so without a traceback
        st.error(
            "Something went wrong on our side. Please try again. If a child is in danger, call 999.",
            icon=":material/error:",
        )


@contextlib.contextmanager
def shown(*, reraise: bool = False) -> Iterator[None]:
    """Run a block; a WaymarkError inside it is shown with :func:`show` and swallowed.

    With ``reraise=True`` a :class:`Failed` is raised after showing, so the caller can stop
    rendering what depended on the failed step.
    """
    try:
        yield
    except WaymarkError as exc:
        show(exc)
        if reraise:
            raise Failed(str(exc)) from None


def shown_or_none(step: Callable[[], T]) -> T | None:
    """What ``step()`` returns, or None when it raised a WaymarkError (shown, as in :func:`shown`)."""
    with shown():
        return step()
    return None
