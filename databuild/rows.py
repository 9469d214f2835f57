"""Reading one research row: its text, links, dates, phones and the pages it cites.

Every reader reports what it cannot use as a :class:`~services.errors.Problem` with the row's
``file:line`` and leaves the value out: one bad field never takes the row, or the file, down.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from services.errors import Problem
from services.models import Phone, Service, safe_url, uk_phone
from services.yamlio import LineDict

__all__ = [
    "PHONE_TYPES", "SUPPORT_ALIASES", "codes_of", "date_of", "dated_by_of", "key_line", "line_of", "name_list",
    "phones_of", "row_sources", "self_referral_from", "slug", "source_page", "split_number", "text_of", "unknown_keys", "url_of",
]

#: The kinds of number the directory knows (``services.models.Phone.type``).
PHONE_TYPES: tuple[str, ...] = get_args(Phone.model_fields["type"].annotation)


def key_line(raw: Any, key: str) -> int | None:
    """The line of ``key`` in a mapping read from YAML (else the value's own line), so a
    problem points at the field to fix, not only at its row."""
    return raw.key_lines.get(key) if isinstance(raw, LineDict) else getattr(raw, "line", None)


def line_of(row: Any) -> int | None:
    """The line a value read from YAML starts on (None for a value built in code): every
    problem names its ``file:line``."""
    return getattr(row, "line", None)


def text_of(row: Mapping[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` holding text, with its spacing made plain (None: none does).

    Research files name one thing several ways (``note`` / ``notes``); a list, a mapping or
    a yes/no is not text, so it is never written into a sentence a family reads.
    """
    for k in keys:
        v = row.get(k)
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
            return " ".join(str(v).split())
    return None


def url_of(row: Mapping[str, Any], keys: tuple[str, ...], label: str, problems: list[Problem]) -> str | None:
    """The first of ``keys`` that is a safe web page; each that is not is a problem, so a
    ``javascript:`` or mistyped link is named and never becomes one a family follows."""
    for k in keys:
        v = row.get(k)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            url = safe_url(str(v))
        except ValueError as exc:
            problems.append(Problem(label, line_of(row), k, str(exc)))
            continue
        if url.lower().startswith(("http://", "https://")):
            return url
        problems.append(Problem(label, line_of(row), k, f"{url!r} is not a web page"))
    return None


def date_of(row: Mapping[str, Any], key: str, label: str, problems: list[Problem]) -> dt.date | None:
    """``key`` as a date, or a problem: a page's date decides whether its claims are still
    made, so text that is not a date is named rather than taken as undated in silence."""
    v = row.get(key)
    if v is None:
        return None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    problems.append(Problem(label, line_of(row), key, f"{v!r} is not a date (YYYY-MM-DD)"))
    return None


def phones_of(row: Mapping[str, Any], label: str, problems: list[Problem], key: str = "phones",
              line: int | None = None) -> list[dict[str, Any]]:
    """The row's numbers as record phones: checked UK numbers, with who may use each.

    ``audience: professionals`` is kept (a practitioner needs the line; a family is never
    offered it); the default, public, is left out of the record. Any other audience is a
    problem and the number is kept for professionals only: a line a page may reserve for
    practitioners is never offered to a family on a guess. A ``type`` the directory does not
    know is a problem and the number is left out, as calling a text-only line fails a family.
    """
    out: list[dict[str, Any]] = []
    raw = row.get(key) or []
    if not isinstance(raw, list):
        problems.append(Problem(label, line_of(row), "phones", "must be a list of {number, description}"))
        return out
    for item in raw:
        entry = item if isinstance(item, dict) else {"number": item}
        where = line_of(item) or line_of(row) or line
        number, extra = split_number(str(entry.get("number") or ""))
        try:
            checked = uk_phone(number)
        except ValueError as exc:
            problems.append(Problem(label, where, "phones", f"left out: {exc}"))
            continue
        phone: dict[str, Any] = {"number": checked}
        kind = entry.get("type")
        if kind in PHONE_TYPES:
            phone["type"] = kind
        elif kind is not None:
            problems.append(Problem(label, where, "type",
                                    f"{checked}: {kind!r} is not a phone type ({name_list(list(PHONE_TYPES), 'or')}); "
                                    "the number is left out: offered as the wrong kind (a text-only line to call) "
                                    "it would fail a family"))
            continue
        desc = " ".join(filter(None, [text_of(entry, "description"), extra]))
        if desc:
            phone["description"] = desc
        audience = entry.get("audience", "public")
        if audience != "public":
            phone["audience"] = "professionals"
            if audience != "professionals":
                problems.append(Problem(label, where, "audience",
                                        f"{audience!r} is not public or professionals; taken as professionals "
                                        "(never offered to a family)"))
        out.append(phone)
    return out


_NUMBER_THEN_WORDS = re.compile(r"^\s*([+\d][\d\s()-]*?\d)\s*[,;-]?\s*(\(?\s*(?:option|opt|press|ext|extension)\b.*)?$", re.IGNORECASE)


def split_number(text: str) -> tuple[str, str | None]:
    """'(01432) 260800' → '01432 260800'; '0113 376 0336 (option 2)' → the number and
    '(option 2)', kept with the number's description rather than lost.

    >>> split_number("020 8461 7373 / 7379")
    ('020 8461 7373', '(also ending 7379)')
    >>> split_number("0161 203 3250/1")
    ('0161 203 3250', '(also ending 3251)')
    >>> split_number("0113 376 0336 (option 2)")
    ('0113 376 0336', '(option 2)')
    """
    text = text.strip()
    if text.startswith("("):
        text = re.sub(r"^\((0\d{2,4})\)", r"\1", text)
    alt = re.match(r"^(0[\d\s]+?\d)\s*/\s*(\d{1,4}(?:\s*/\s*\d{1,4})*)$", text)
    if alt:  # '020 8461 7373 / 7379 / 7026': the first number, the other endings in words
        first = alt.group(1)
        tail = re.sub(r"\D", "", first)[-4:]
        endings = [tail[: 4 - len(e)] + e for e in re.split(r"\s*/\s*", alt.group(2))]
        return first, f"(also ending {' / '.join(endings)})"
    m = _NUMBER_THEN_WORDS.match(text)
    if not m:
        return text, None
    extra = (m.group(2) or "").strip() or None
    if extra and not extra.startswith("("):
        extra = f"({extra})"
    return m.group(1).strip(), extra


def codes_of(value: Any) -> list[str]:
    """One code or a list of them, as a list of text: research files write either. Anything
    else comes back as its repr, so the caller's check names it instead of skipping it."""
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value).strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None]
    return [repr(value)]


def slug(text: str) -> str:
    """'Devon & Cornwall' → 'devon-cornwall' (record ids)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " ")).strip("-")


def source_page(url: str, title: str | None, read: dt.date | None, supports: Iterable[str],
                 updated: dt.date | None = None, dated_by: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A record's ``sources`` entry (keys in a fixed order, so builds are byte-identical)."""
    page: dict[str, Any] = {"url": url}
    if title:
        page["title"] = title
    if updated:
        page["updated"] = updated
    elif dated_by:
        page["dated_by"] = dict(dated_by)
    if read:
        page["read"] = read
    page["supports"] = sorted(set(supports))
    return page


def dated_by_of(row: Mapping[str, Any], label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """An undated page's date from its own words: ``{date, reason}``, both required."""
    raw = row.get("dated_by")
    if raw is None:
        return None
    if isinstance(raw, dict) and isinstance(raw.get("date"), dt.date) and text_of(raw, "reason"):
        return {"date": raw["date"], "reason": text_of(raw, "reason")}
    problems.append(Problem(label, line_of(raw) or line_of(row), "dated_by",
                            "must be {date: YYYY-MM-DD, reason: the words that date the page}; left out"))
    return None


def unknown_keys(row: Mapping[str, Any], known: set[str], label: str, problems: list[Problem]) -> None:
    """A field the build does not read is reported, never dropped without a word."""
    unknown = sorted(str(k) for k in row if k not in known)
    if unknown:
        problems.append(Problem(label, line_of(row), unknown[0],
                                f"is not a field the build reads ({', '.join(unknown)}); rename it or add it to the build"))


def self_referral_from(age: int, younger: str) -> str:
    """The referral route for a service a child may contact alone only from ``age``: said in
    words, so a younger child is never offered "contact them yourself"; ``younger`` says who
    acts for a younger child (the police or social care for a SARC, a parent elsewhere).

    >>> self_referral_from(13, "a parent or professional makes contact")
    'Young people aged 13 or over can contact the service themselves (as its page says); for a younger child a parent or professional makes contact'
    """
    return (f"Young people aged {age} or over can contact the service themselves (as its page says); "
            f"for a younger child {younger}")


def name_list(names: list[str], last: str = "and") -> str:
    """'a, b and c': names as a sentence says them (descriptions and notes are read, not parsed)."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {last} " + names[-1]


#: Words a research file may use in ``supports`` for a record field.
SUPPORT_ALIASES = {
    "provider": "organization", "organisation": "organization", "run_by": "organization",
    "town": "locations", "towns": "locations", "self_referral": "accepts_self_referral",
    "hours": "schedules", "open_24_7": "schedules", "page": "url", "pfa": "service_areas",
    "pfas": "service_areas", "gss": "service_areas", "referral": "referral_routes", "note": "notes",
}


def row_sources(row: Mapping[str, Any], page: str, title: str | None, supports: list[str],
                 read: dt.date | None, label: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """The pages a research row cites, each with the record fields it supports.

    A row without its own ``sources`` list is taken to rest on its ``url`` for everything it
    states. Fields a page supports that the record does not carry are dropped from its list.
    """
    fields = set(Service.model_fields)
    carried = set(supports) | {"name", "url", "service_areas", "description"}
    raw = row.get("sources")
    if not isinstance(raw, list) or not raw:
        if raw is not None and not isinstance(raw, list):
            problems.append(Problem(label, line_of(row), "sources", "must be a list of {url, title, updated, supports}"))
        return [source_page(page, title, read, supports, date_of(row, "updated", label, problems),
                            dated_by_of(row, label, problems))]
    out = []
    for item in raw:
        if not isinstance(item, dict):
            problems.append(Problem(label, line_of(item) or line_of(row), "sources", "each source must be a mapping"))
            continue
        url = url_of(item, ("url",), label, problems)
        if url is None:
            continue
        said = [SUPPORT_ALIASES.get(str(f), str(f)) for f in codes_of(item.get("supports"))]
        unknown = sorted({f for f in said if f not in fields})
        if unknown:
            problems.append(Problem(label, line_of(item) or line_of(row), "supports",
                                    f"{', '.join(unknown)} is not a record field"))
        said = [f for f in said if f in fields and f in carried]
        out.append(source_page(url, text_of(item, "title"), read, said, date_of(item, "updated", label, problems),
                               dated_by_of(item, label, problems)))
    return out or [source_page(page, title, read, supports)]
