"""Readers of one value from a feed: every value may be missing, of the wrong type or blank.

A feed is read forgivingly (a bad value costs only itself, never its record) and written
strictly, so each reader gives the value Waymark keeps, or None. The readers that mend or
refuse a value say so in ``problems``: ``(field, message)`` pairs, which the importer prefixes
with the record's id.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias

from ..models import safe_url, uk_phone

__all__ = [
    "Problems", "text_of", "items_of", "dict_of", "number_of", "is_empty", "objects_of", "report_unread_keys",
    "waymark_id", "parse_date", "parse_time", "url_of", "email_of", "clean_phone", "age_of",
    "waiting_weeks", "sentences", "attending_modes",
]

#: What was wrong with a record: ``(field, message)`` pairs.
Problems: TypeAlias = list[tuple[str, str]]


def text_of(value: Any) -> str | None:
    """Text from a string or a number, stripped; None for a blank, a flag or anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, str):
        t = value.strip()
        return t or None
    return None


def items_of(value: Any) -> list[Any]:
    """A list from a list, or from one object given where a list belongs; else empty."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def dict_of(value: Any) -> dict[str, Any]:
    """The object itself, or an empty one, so that ``.get`` reads a missing part as missing."""
    return value if isinstance(value, dict) else {}


def number_of(value: Any) -> float | None:
    """A finite number from a number or its text (``"1,200"``); None for a flag or anything else."""
    text = text_of(value)
    if text is None:
        return None
    try:
        f = float(text.replace(",", ""))
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def is_empty(value: Any) -> bool:
    """Whether a value says nothing (missing, blank, an empty list or object): nothing to report."""
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def objects_of(raw: dict[str, Any], key: str, what: str, problems: Problems) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, object) of each item of the list ``raw[key]``; an item that is not an object
    cannot be read, so it is reported (``is not {what} object``) and skipped."""
    for i, item in enumerate(items_of(raw.get(key))):
        if isinstance(item, dict):
            yield i, item
        else:
            problems.append((f"{key}[{i}]", f"is not {what} object; left out"))


def report_unread_keys(raw: dict[str, Any], read: frozenset[str], prefix: str, problems: Problems) -> None:
    """Report each key of ``raw`` the mapper does not read, unless it is empty, so nothing a
    feed gives is dropped silently. ``prefix`` places the key (``"locations[0]."``)."""
    for key in sorted(raw):
        if key not in read and not is_empty(raw[key]):
            problems.append((f"{prefix}{key}", "has no place in Waymark's model; not carried"))


def waymark_id(original: str) -> str | None:
    """A Waymark id (lower-case letters, digits, '.', '-', '_') for a feed's id."""
    t = re.sub(r"[^a-z0-9._-]+", "-", original.strip().lower())
    t = re.sub(r"^[._-]+", "", t)[:100].rstrip("-")
    return t or None


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO date or date-time (any time zone); None when not one."""
    m = _match(_DATE, value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _match(pattern: re.Pattern[str], value: Any) -> re.Match[str] | None:
    t = text_of(value)
    return None if t is None else pattern.match(t)


_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.I)


def parse_time(value: Any) -> dt.time | None:
    """A time of day from ``09:00``, ``9:00:00``, ``0900``, ``9am``; 24:00 is 23:59."""
    m = _match(_TIME, value)
    if not m:
        return None
    h, mi, s = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    ampm = (m.group(4) or "").lower().replace(".", "")
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    if (h, mi, s) == (24, 0, 0):
        return dt.time(23, 59)
    if h > 23 or mi > 59 or s > 59:
        return None
    return dt.time(h, mi, s)


_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
_PHONE_PREFIX = re.compile(r"^(tel(ephone)?|phone|call|t)\s*[:.]\s*", re.I)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*(\d{1,6})$", re.I)


def _valid_phone(text: str) -> bool:
    try:
        uk_phone(text)
    except ValueError:
        return False
    return True


def clean_phone(number: str) -> tuple[str, str | None, list[str]]:
    """(number, extension, what was cleaned). Only obvious slips are mended."""
    text = number.strip()
    if _valid_phone(text):
        return text, None, []
    done: list[str] = []
    t = text
    stripped = t.translate({ord(c): None for c in _QUOTES}).strip()
    if stripped != t:
        t = stripped
        done.append("stray quotes")
    ext = None
    m = _EXTENSION.search(t)
    if m and not _valid_phone(t):
        ext = m.group(1)
        t = t[: m.start()].strip()
        done.append(f"extension {ext} (kept in the description)")
    p = _PHONE_PREFIX.sub("", t)
    if p != t:
        t = p.strip()
        done.append("a 'Tel:' prefix")
    if not _valid_phone(t):
        p = re.sub(r"[().]", " ", t)
        p = re.sub(r"\s+", " ", p).strip()
        if p != t and _valid_phone(p):
            t = p
            done.append("brackets or dots")
    return t, ext, done


def url_of(value: Any, where: str, problems: Problems) -> str | None:
    """An http(s) link; a bare ``www.`` address gets ``https://``; anything else is left out."""
    text = text_of(value)
    if text is None:
        return None
    candidate = text
    if not re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) and re.match(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", text, re.I):
        candidate = "https://" + text
        problems.append((where, f"added https:// to {text!r}"))
    try:
        return safe_url(candidate)
    except ValueError as exc:
        problems.append((where, f"{exc}; left out"))
        return None


_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def clean_email(text: str) -> str | None:
    """The address in ``text`` (``mailto:`` and stray quotes taken off), or None when it is not
    one. The exporter publishes an email only when this gives it back unchanged, so what
    Waymark exports, Waymark imports as the same.

    >>> clean_email("mailto:'help@example.org'"), clean_email("help@example"), clean_email("x")
    ('help@example.org', None, None)
    """
    t = re.sub(r"^mailto:", "", text, flags=re.I).strip(_QUOTES + " ")
    return t if _EMAIL.match(t) else None


def email_of(value: Any, where: str, problems: Problems) -> str | None:
    """An email address without ``mailto:`` or stray quotes; anything else is left out."""
    text = text_of(value)
    if text is None:
        return None
    t = clean_email(text)
    if t is not None:
        if t != text:
            problems.append((where, f"cleaned {text!r} to {t!r}"))
        return t
    problems.append((where, f"{text!r} is not an email address; left out"))
    return None


_WAIT = re.compile(r"(\d+(?:\.\d+)?)\s*(day|week|month)s?", re.I)


def waiting_weeks(text: str | None) -> float | None:
    """Weeks of waiting from words such as ``6 weeks``, ``10 days``, ``3 months`` (else None)."""
    if not text:
        return None
    m = _WAIT.search(text)
    if not m:
        return None
    n = float(m.group(1))
    unit = m.group(2).lower()
    weeks = n / 7 if unit == "day" else n * 52 / 12 if unit == "month" else n
    return round(weeks, 1)


def age_of(value: Any, where: str, problems: Problems) -> int | None:
    """An age in whole years from 0 to 120; anything else is left out."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    n = number_of(value)
    if n is None or not 0 <= n <= 120:
        problems.append((where, f"{value!r} is not an age from 0 to 120; left out"))
        return None
    return int(math.floor(n))


_ATTENDING_WORDS: tuple[tuple[str, str], ...] = (
    (r"in[ -]?person|venue|face[ -]to[ -]face|physical|drop[ -]?in|home visit|at (our|the) (office|centre)", "in_person"),
    (r"phone|(?<!video )\bcall", "phone"),
    (r"online|video|remote|virtual|web|zoom|teams|chat|internet", "online"),
)


def sentences(parts: Iterable[str | None]) -> str | None:
    """Texts joined as sentences: a full stop added where one is missing, never doubled."""
    out = []
    for part in parts:
        t = (part or "").strip()
        if t:
            out.append(t if t[-1] in ".!?:;)" else t + ".")
    return " ".join(out) or None


def attending_modes(text: str | None) -> list[str]:
    """How people attend, from words such as ORUK's ``attending_type`` (in person, phone, online)."""
    if not text:
        return []
    found = [mode for pattern, mode in _ATTENDING_WORDS if re.search(pattern, text, re.I)]
    return list(dict.fromkeys(found))
