"""Waymark's error tree: one root, leaf classes that also inherit a built-in.

Callers may catch ``WaymarkError`` for "anything Waymark refused" or the built-in
(``ValueError``, ``LookupError``, ``TimeoutError``) when they only care about the kind.
Every message names the bad value and, where it can, how to fix it: these messages are
shown to users as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "WaymarkError",
    "DataError",
    "InvalidPostcode",
    "PlaceNotFound",
    "GeocoderUnavailable",
    "InvalidInput",
    "Problem",
    "DataFileError",
    "validation_message",
]


class WaymarkError(Exception):
    """Root of every error Waymark raises on purpose."""


class DataError(WaymarkError, ValueError):
    """A data file (or a whole data directory) cannot be used."""


class InvalidInput(WaymarkError, ValueError):
    """A value given by a user (flag, form field) is impossible or malformed."""


class InvalidPostcode(InvalidInput):
    """Text that was offered as a postcode is not shaped like a UK postcode."""


class PlaceNotFound(WaymarkError, LookupError):
    """A well-formed place, postcode or area that Waymark does not know.

    ``suggestions`` are known names close to what was typed (a page can offer each as a
    search); ``country`` names the UK nation outside England a place was found in ("Wales").
    """

    def __init__(self, message: str, *, suggestions: tuple[str, ...] = (), country: str | None = None) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)
        self.country = country


class GeocoderUnavailable(WaymarkError, TimeoutError):
    """An optional online geocoder could not be reached (offline, timed out, refused)."""


_PLAIN_FIELD = re.compile(r"^[\w.\[\]-]+$")


class Problem:
    """One thing wrong with a data file, located well enough for a maintainer to fix it.

    Rendered as ``file:line: field: problem``: the shape editors and CI logs understand.
    """

    __slots__ = ("file", "line", "field", "message")

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file = file
        self.line = line
        # A field name from a hostile file could itself hold ': ' or a newline: quote it so
        # the line still parses as file:line: field: problem.
        self.field = field if _PLAIN_FIELD.match(field or "") else repr(field).replace(":", "\\x3a")
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line or 0}: {self.field}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class DataFileError(DataError):
    """A data file cannot be read at all; carries the located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def validation_message(
    err: Mapping[str, Any],
    *,
    unknown: str = "is not a known field",
    choices: Sequence[str] | None = None,
    what: str | None = None,
) -> str:
    """One pydantic error in Waymark's words: the same fault reads the same everywhere (a
    data file, a form field, a CLI flag, an imported feed). ``unknown`` is what an unknown
    key is called where it helps ("is not a situation field (known: ...)"); ``choices`` are
    the allowed ids of a field limited to some, and ``what`` names them ("a stage").

    >>> validation_message({"type": "extra_forbidden", "msg": "Extra inputs are not permitted"})
    'is not a known field'
    >>> validation_message({"type": "value_error", "msg": "Value error, 'x' is in the future"})
    "'x' is in the future"
    >>> validation_message({"type": "literal_error", "input": "soon"}, choices=["now", "next"])
    "'soon' is not one of: now, next"
    >>> validation_message({"type": "greater_than_equal", "input": -1, "ctx": {"ge": 0}})
    '-1 cannot be below 0'
    >>> validation_message({"type": "int_parsing", "input": "nine"})
    "'nine' is not a whole number"
    """
    kind = str(err.get("type", ""))
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return unknown
    if kind == "literal_error":
        if what:
            return f"{value!r} is not {what}" + (f" (known: {', '.join(choices)})" if choices else "")
        return f"{value!r} is not one of: {', '.join(choices)}" if choices else f"{value!r} is not one of the known ids"
    if kind == "greater_than_equal":
        return f"{value!r} cannot be below {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{value!r} is more than {ctx.get('le')}"
    if kind.startswith("int_") or kind == "int_type":
        return f"{value!r} is not a whole number"
    if kind.startswith("bool_"):
        return f"{value!r} is not a yes/no value"
    return str(err.get("msg", "is not valid")).removeprefix("Value error, ")
