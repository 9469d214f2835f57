"""One HSDS / Open Referral UK service record → one Waymark record, with its problems.

The mapper reads HSDS 3.0 (ORUK 3.0) records and the older ORUK 1.x shapes councils still
publish (``service_taxonomys``, ``eligibilitys``, ``regular_schedules``,
``physical_addresses``), and is forgiving in what it reads but strict in what it writes:

- a bad part of a record (a phone that is not a UK number, a link that is not http(s),
  coordinates outside the UK, a postcode that is not a UK postcode) is left out or
  corrected, and said so, while the rest of the record is kept;
- obvious slips are cleaned and reported: stray quotes round a phone number, ``www.`` links
  without ``https://``, upper-case ids;
- a location without usable coordinates is placed at its postcode (shipped geography) or
  kept without a map position, and flagged;
- service areas become GSS codes: from an area's URI, code or name, else from where the
  service's locations are (flagged);
- nothing is invented: no phone, address or time that the feed did not give.

Problems are ``(field, message)`` pairs; the importer prefixes the record id.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from ..errors import WaymarkError
from ..geography import Geography, normalise_postcode
from ..models import Location, Organization, Phone, safe_url, uk_phone
from ..vocabulary import NATIONAL, SERVICE_TYPES, STAGES
from . import terms as T
from .taxonomy_map import TaxonomyMap, Term, term_key

__all__ = ["Context", "Mapped", "map_service", "waymark_id", "parse_date", "parse_time", "attending_modes",
           "NO_DESCRIPTION"]

Problems = list[tuple[str, str]]


@dataclass
class Context:
    """What every record's mapping needs: geography, the term map, where the feed is."""

    geography: Geography
    taxonomy_map: TaxonomyMap
    source: str
    is_url: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    previous_dates: dict[str, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._postcodes: dict[str, tuple[Any, str | None]] = {}

    def place_of_postcode(self, postcode: str) -> Any:
        """The shipped geography's Place for a postcode, or None (cached)."""
        return self.postcode_lookup(postcode)[0]

    def postcode_lookup(self, postcode: str) -> tuple[Any, str | None]:
        """(Place or None, why not) for a postcode, from the shipped geography (cached)."""
        if postcode not in self._postcodes:
            try:
                self._postcodes[postcode] = (self.geography.resolve_postcode(postcode), None)
            except WaymarkError as exc:
                self._postcodes[postcode] = (None, str(exc))
        return self._postcodes[postcode]


@dataclass
class Mapped:
    """A mapped record: the Waymark fields found, what was wrong, terms nobody maps."""

    original_id: str | None
    id: str | None
    record: dict[str, Any]
    problems: Problems
    unmapped: list[Term]
    waymark_origin: bool = False


# --------------------------------------------------------------------------------------
# Small readers: every value from a feed may be missing, the wrong type or blank.
# --------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, str):
        t = value.strip()
        return t or None
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            f = float(value.strip().replace(",", ""))
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def waymark_id(original: str) -> str | None:
    """A Waymark id (lower-case letters, digits, '.', '-', '_') for a feed's id."""
    t = re.sub(r"[^a-z0-9._-]+", "-", original.strip().lower())
    t = re.sub(r"^[._-]+", "", t)[:100].rstrip("-")
    return t or None


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO date or date-time (any time zone); None when not one."""
    t = _text(value)
    if t is None:
        return None
    m = _DATE.match(t)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.I)


def parse_time(value: Any) -> dt.time | None:
    """A time of day from ``09:00``, ``9:00:00``, ``0900``, ``9am``; 24:00 is 23:59."""
    t = _text(value)
    if t is None:
        return None
    m = _TIME.match(t)
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


# --------------------------------------------------------------------------------------
# Taxonomy terms and attributes
# --------------------------------------------------------------------------------------

def _terms_of(raw: dict[str, Any]) -> list[tuple[Term, Any]]:
    """Every taxonomy term a record carries, with the attribute value where there is one.

    HSDS 3 ``attributes`` (each with ``taxonomy_term``), a flat ``taxonomy_terms`` list,
    and ORUK 1 ``service_taxonomys`` (each with ``taxonomy``).
    """
    out: list[tuple[Term, Any]] = []
    for a in _items(raw.get("attributes")):
        if not isinstance(a, dict) or _text(a.get("link_type")) in ("url", "phone"):
            continue  # an attribute of a source page (additional_urls) or a phone, not of the record
        tt = _dict(a.get("taxonomy_term"))
        detail = _dict(tt.get("taxonomy_detail"))
        ids = [_text(a.get("taxonomy_term_id")), _text(tt.get("id")), _text(tt.get("code")), _text(tt.get("term"))]
        waymark = next((k for k in (T.term_key_of(i) for i in ids) if k), None)
        term = Term(
            waymark or _text(a.get("taxonomy_term_id")) or _text(tt.get("id")),
            _text(tt.get("code")) or _text(tt.get("term")),
            _text(tt.get("name")),
            _text(tt.get("taxonomy")) or _text(tt.get("taxonomy_id")) or _text(detail.get("name")),
        )
        out.append((term, a.get("value")))
    for tt in _items(raw.get("taxonomy_terms")):
        if isinstance(tt, dict):
            detail = _dict(tt.get("taxonomy_detail"))
            out.append((Term(_text(tt.get("id")), _text(tt.get("code")), _text(tt.get("name")),
                             _text(tt.get("taxonomy")) or _text(tt.get("taxonomy_id")) or _text(detail.get("name"))), None))
    for st in _items(raw.get("service_taxonomys")):
        if isinstance(st, dict):
            tx = _dict(st.get("taxonomy")) or st
            out.append((Term(_text(tx.get("id")), None, _text(tx.get("name")), _text(tx.get("vocabulary"))), None))
    return [(t, v) for t, v in out if t.id or t.code or t.name]


def _field_attributes(raw: dict[str, Any], allowed: Iterable[str], where: str, problems: Problems) -> dict[str, Any]:
    """``waymark:field:`` attributes of a record (or a location, a schedule), decoded.

    Values are plain text, one attribute per item of a list (older exports' JSON text is
    still read)."""
    values: dict[str, list[Any]] = {}
    allowed = set(allowed)
    for term, value in _terms_of(raw):
        if not (term.id or "").startswith(T.FIELD_PREFIX):
            continue
        name = term.id.removeprefix(T.FIELD_PREFIX)  # type: ignore[union-attr]
        if name not in allowed:
            problems.append((f"{where}attributes", f"{term.id!r} is not a Waymark field here; ignored"))
            continue
        values.setdefault(name, []).append(value)
    out: dict[str, Any] = {}
    for name, items in values.items():
        try:
            out[name] = T.decode_field(name, items)
        except ValueError as exc:
            problems.append((f"{where}attributes", f"{T.field_term_id(name)} value {items[-1]!r}: {exc}; ignored"))
    return out


# --------------------------------------------------------------------------------------
# Parts of a record
# --------------------------------------------------------------------------------------

_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
_PHONE_PREFIX = re.compile(r"^(tel(ephone)?|phone|call|t)\s*[:.]\s*", re.I)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*(\d{1,6})$", re.I)
_PHONE_TYPES = {
    "voice": "voice", "cell": "voice", "mobile": "voice", "landline": "voice", "phone": "voice",
    "text": "text", "sms": "text", "textphone": "textphone", "minicom": "textphone",
    "tty": "textphone", "fax": "fax",
}


def _valid_phone(text: str) -> bool:
    try:
        uk_phone(text)
    except ValueError:
        return False
    return True


def _clean_phone(number: str) -> tuple[str, str | None, list[str]]:
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


def _phones(raw: dict[str, Any], ctx: Context, problems: Problems, *, merge: bool = True) -> list[dict[str, Any]]:
    """Service phones, then those of its locations and contacts; duplicates merged
    (unless ``merge`` is false: a Waymark export lists each phone once, as meant)."""
    sources: list[tuple[str, Any, str | None]] = []
    for i, p in enumerate(_items(raw.get("phones"))):
        sources.append((f"phones[{i}]", p, None))
    for i, sal in enumerate(_items(raw.get("service_at_locations"))):
        sal = _dict(sal)
        for j, p in enumerate(_items(sal.get("phones"))):
            sources.append((f"service_at_locations[{i}].phones[{j}]", p, None))
        for j, p in enumerate(_items(_dict(sal.get("location")).get("phones"))):
            sources.append((f"service_at_locations[{i}].location.phones[{j}]", p, None))
    for i, c in enumerate(_items(raw.get("contacts"))):
        c = _dict(c)
        who = ", ".join(x for x in (_text(c.get("title")), _text(c.get("department")), _text(c.get("name"))) if x)
        for j, p in enumerate(_items(c.get("phones"))):
            sources.append((f"contacts[{i}].phones[{j}]", p, who or None))
    audience = _phone_audiences(raw)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for where, p, owner in sources:
        if isinstance(p, str):
            p = {"number": p}
        if not isinstance(p, dict):
            problems.append((where, "is not a phone object; left out"))
            continue
        number = _text(p.get("number"))
        if number is None:
            problems.append((f"{where}.number", "is missing; phone left out"))
            continue
        cleaned, ext, done = _clean_phone(number)
        if done:
            problems.append((f"{where}.number", f"removed {' and '.join(done)} from {number!r}"))
        kind_raw = (_text(p.get("type")) or "voice").lower()
        kind = _PHONE_TYPES.get(kind_raw)
        if kind is None:
            problems.append((f"{where}.type", f"{kind_raw!r} is not voice, text, textphone or fax; treated as voice"))
            kind = "voice"
        description = _text(p.get("description"))
        extension = ext or _text(p.get("extension"))
        if extension:
            description = f"{description}, extension {extension}" if description else f"Extension {extension}"
        if owner and not description:
            description = owner
        languages = _languages(p.get("languages"))
        phone: dict[str, Any] = {"number": cleaned, "type": kind}
        if description:
            phone["description"] = description
        if languages:
            phone["languages"] = languages
        if audience.get(_text(p.get("id")) or "") == "professionals":
            phone["audience"] = "professionals"
        try:
            Phone.model_validate(phone)
        except ValidationError as exc:
            msg = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            problems.append((f"{where}.number", f"{msg}; phone left out"))
            continue
        key = (re.sub(r"\D", "", cleaned.replace("+44", "0")), kind)
        if merge and key in seen:
            continue
        seen.add(key)
        out.append(phone)
    return out


def _phone_audiences(raw: dict[str, Any]) -> dict[str, str]:
    """Phone id → who may call it, from attributes linked to phones (a Waymark export's)."""
    out: dict[str, str] = {}
    for a in _items(raw.get("attributes")):
        if isinstance(a, dict) and _text(a.get("link_type")) == "phone":
            tt = _dict(a.get("taxonomy_term"))
            key = T.term_key_of(_text(a.get("taxonomy_term_id"))) or T.term_key_of(_text(tt.get("term")))
            if key == T.field_term_id("audience") and _text(a.get("value")):
                out[_text(a.get("link_id")) or ""] = _text(a.get("value")) or ""
    return out


def _languages(value: Any) -> list[str]:
    out: list[str] = []
    for item in _items(value) if not isinstance(value, str) else [value]:
        if isinstance(item, str):
            name = _text(item)
        elif isinstance(item, dict):
            code = _text(item.get("code"))
            name = _text(item.get("name")) or _text(item.get("language")) or (
                (T.language_name(code) or code) if code else None)
        else:
            name = None
        if name and name not in out:
            out.append(name)
    return out


def _url(value: Any, where: str, problems: Problems) -> str | None:
    text = _text(value)
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


def _email(value: Any, where: str, problems: Problems) -> str | None:
    text = _text(value)
    if text is None:
        return None
    t = re.sub(r"^mailto:", "", text, flags=re.I).strip(_QUOTES + " ")
    if re.match(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$", t):
        if t != text:
            problems.append((where, f"cleaned {text!r} to {t!r}"))
        return t
    problems.append((where, f"{text!r} is not an email address; left out"))
    return None


def _organization(raw: dict[str, Any], waymark_origin: bool, problems: Problems) -> dict[str, Any] | None:
    org = raw.get("organization")
    identifiers = [i for i in _items(_dict(org).get("organization_identifiers")) if isinstance(i, dict)]
    ours = {(_text(i.get("identifier_type")) or ""): _text(i.get("identifier")) for i in identifiers
            if _text(i.get("identifier_scheme")) == "waymark"}
    if waymark_origin and "no organisation recorded" in ours:
        return None  # the stand-in an export writes for a service that names no organisation
    if not isinstance(org, dict):
        if waymark_origin:
            return None
        org_id = _text(raw.get("organization_id"))
        if org_id:
            problems.append(("organization", f"only organization_id {org_id!r} is given, no name; kept without one"))
        else:
            problems.append(("organization", "missing; the service is kept without one"))
        return None
    name = _text(org.get("name"))
    if name is None:
        problems.append(("organization.name", "missing; the service is kept without an organisation"))
        return None
    out: dict[str, Any] = {"name": name}
    org_id = ours.get("Waymark organisation id") or _text(org.get("id"))
    if org_id and org_id != T.generated_id("organization", name):
        out["id"] = org_id
    description = _text(org.get("description"))
    if description and not (waymark_origin and description == f"{name}: no description recorded in Waymark."):
        out["description"] = description
    url = _url(org.get("website") or org.get("url"), "organization.url", problems)
    if url:
        out["url"] = url
    email = _email(org.get("email"), "organization.email", problems)
    if email:
        out["email"] = email
    try:
        Organization.model_validate(out)
    except ValidationError as exc:
        problems.append(("organization", f"{exc.errors()[0]['msg']}; kept without one"))
        return None
    return out


_WEEKDAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
    "saturday": "SA", "sunday": "SU", "mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE",
    "thu": "TH", "thur": "TH", "thurs": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
}
_DAY_WORDS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
              "SA": "Saturday", "SU": "Sunday"}


def _byday(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    parts = [p.strip() for p in re.split(r"[,;/\s]+", text) if p.strip()]
    codes = []
    for p in parts:
        code = _WEEKDAYS.get(p.lower()) or (p.upper() if re.match(r"^[+-]?\d*(MO|TU|WE|TH|FR|SA|SU)$", p.upper()) else None)
        if code is None:
            return text
        codes.append(code)
    return ",".join(codes)


def _describe_hours(byday: str | None, opens: dt.time | None, closes: dt.time | None) -> str | None:
    days = None
    if byday:
        codes = byday.split(",")
        if sorted(codes) == sorted(_DAY_WORDS):
            days = "Every day"
        elif all(c in _DAY_WORDS for c in codes):
            days = ", ".join(_DAY_WORDS[c] for c in codes)
        else:
            days = byday
    hours = None
    if opens and closes:
        hours = f"{opens.strftime('%H:%M')} to {closes.strftime('%H:%M')}"
    elif opens:
        hours = f"from {opens.strftime('%H:%M')}"
    elif closes:
        hours = f"until {closes.strftime('%H:%M')}"
    text = " ".join(x for x in (days, hours) if x)
    return text or None


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


def _validity(s: dict[str, Any], where: str, ctx: Context, problems: Problems,
              origin: bool = False) -> tuple[dt.date | None, dt.date | None, bool]:
    """(valid from, valid to, expired) of a schedule: ``valid_from``/``dtstart``,
    ``valid_to``/``until`` (ORUK 1 holiday ``start_date``/``end_date``)."""
    dates: dict[str, dt.date | None] = {}
    for key in ("valid_from", "dtstart", "start_date", "valid_to", "until", "end_date"):
        value = s.get(key)
        if _text(value) is None:
            continue
        d = parse_date(value)
        if d is None:
            problems.append((f"{where}.{key}", f"{value!r} is not a date; left out"))
        dates[key] = d
    starts = [d for k, d in dates.items() if k in ("valid_from", "dtstart", "start_date") and d]
    ends = [d for k, d in dates.items() if k in ("valid_to", "until", "end_date") and d]
    start = max(starts) if starts else None
    end = min(ends) if ends else None
    if start and end and start > end:
        problems.append((where, f"valid from {start.isoformat()} but only until {end.isoformat()}; "
                         "not imported as opening hours"))
        return start, end, True
    if origin:  # a Waymark export's dated hours: kept as they are, nothing to report
        return start, end, False
    if end is not None and end < ctx.today:
        problems.append((where, f"valid only until {end.isoformat()}, which has passed; kept with that date "
                         "and not shown as current opening hours"))
    if start is not None and start > ctx.today:
        problems.append((where, f"valid from {start.isoformat()}; kept, and shown only from that date"))
    return start, end, False


def _frequency_words(s: dict[str, Any]) -> str | None:
    """What ``freq``/``interval``/``bymonthday`` add that the days and times do not say."""
    words = []
    interval = _number(s.get("interval"))
    freq = (_text(s.get("freq")) or "").upper()
    if interval and interval > 1:
        words.append(f"every {interval:g} {'months' if freq == 'MONTHLY' else 'weeks'}")
    monthdays = _text(s.get("bymonthday"))
    if monthdays:
        words.append(f"on day {monthdays} of the month")
    return ", ".join(words) or None


def _schedule_sources(raw: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """Every schedule a record carries, where it sits, and whether it is a holiday schedule."""
    sources: list[tuple[str, Any, bool]] = []
    for i, s in enumerate(_items(raw.get("schedules"))):
        sources.append((f"schedules[{i}]", s, False))
    for i, s in enumerate(_items(raw.get("regular_schedules"))):
        sources.append((f"regular_schedules[{i}]", s, False))
    for i, s in enumerate(_items(raw.get("holiday_schedules"))):
        sources.append((f"holiday_schedules[{i}]", s, True))
    for i, sal in enumerate(_items(raw.get("service_at_locations"))):
        sal = _dict(sal)
        for j, s in enumerate(_items(sal.get("schedules")) + _items(sal.get("regular_schedules"))):
            sources.append((f"service_at_locations[{i}].schedules[{j}]", s, False))
        for j, s in enumerate(_items(sal.get("holiday_schedules"))):
            sources.append((f"service_at_locations[{i}].holiday_schedules[{j}]", s, True))
        for j, s in enumerate(_items(_dict(sal.get("location")).get("schedules"))):
            sources.append((f"service_at_locations[{i}].location.schedules[{j}]", s, False))
    return sources


def _schedules(raw: dict[str, Any], ctx: Context, problems: Problems, *, origin: bool = False,
               attending: list[str] | None = None) -> list[dict[str, Any]]:
    """Opening hours and closures that are (or will be) current; expired ones are reported.

    ``attending`` collects how people attend, from each schedule's ``attending_type``."""
    out: list[dict[str, Any]] = []
    for where, s, holiday in _schedule_sources(raw):
        if not isinstance(s, dict):
            problems.append((where, "is not a schedule object; left out"))
            continue
        item = _read_schedule(s, where, holiday, ctx, problems, origin, attending)
        if item is not None and (item not in out or origin):
            out.append(item)
    return out


def _read_schedule(s: dict[str, Any], where: str, holiday: bool, ctx: Context, problems: Problems, origin: bool,
                   attending: list[str] | None) -> dict[str, Any] | None:
    """One Waymark schedule, or None when it has expired or says nothing."""
    fields = _field_attributes(s, T.SCHEDULE_FIELDS, f"{where}.", problems)
    mode_text = _text(s.get("attending_type"))
    if mode_text and attending is not None:
        modes = attending_modes(mode_text)
        attending.extend(m for m in modes if m not in attending)
        if not modes:
            problems.append((f"{where}.attending_type", f"{mode_text!r} says neither in person, phone nor "
                             "online; kept in the schedule's description"))
    start, end, expired = _validity(s, where, ctx, problems, origin)
    if expired:
        return None
    if origin:  # from a Waymark export: kept as written
        byday = _text(s.get("byday"))
    else:
        byday = _byday(s.get("byday")) or _byday(s.get("weekday"))
    times: dict[str, dt.time | None] = {}
    for key in ("opens_at", "closes_at"):
        value = s.get(key)
        times[key] = parse_time(value)
        if _text(value) and times[key] is None:
            problems.append((f"{where}.{key}", f"{value!r} is not a time of day; left out"))
    given_closed = s.get("closed")
    closed = fields.get("closed") is True or (holiday and (given_closed is True or (
        given_closed is None and not (times["opens_at"] or times["closes_at"]))))
    description = _schedule_description(s, byday, times, start, end, holiday=holiday, closed=closed,
                                        origin=origin, mode_text=mode_text)
    if description is None:
        problems.append((where, "has no description, days or times; left out"))
        return None
    item: dict[str, Any] = {"description": description}
    if byday:
        item["byday"] = byday
    for key, value in times.items():
        if value is not None:
            item[key] = value.isoformat()
    if fields.get("open_24_7") is True:
        item["open_24_7"] = True
    if start:
        item["valid_from"] = start.isoformat()
    if end:
        item["valid_to"] = end.isoformat()
    if closed:
        item["closed"] = True
    return item


def _schedule_description(s: dict[str, Any], byday: str | None, times: dict[str, dt.time | None],
                          start: dt.date | None, end: dt.date | None, *, holiday: bool, closed: bool,
                          origin: bool, mode_text: str | None) -> str | None:
    """The feed's description, or one written from the days, times and dates; with the
    schedule's notes, link and an attending type that names no mode added."""
    description = _text(s.get("description"))
    if description is None:
        hours = _describe_hours(byday, times["opens_at"], times["closes_at"])
        extra = None if origin else _frequency_words(s)
        if holiday:
            span = " to ".join(f"{d.day} {d:%b %Y}" for d in dict.fromkeys(x for x in (start, end) if x))
            head = "Closed" if closed else "Holiday hours"
            description = " ".join(x for x in (head, span, "" if closed else (hours or "")) if x) or None
        else:
            description = ", ".join(x for x in (hours, extra) if x) or None
    notes = _text(s.get("notes"))
    if notes and notes != description:
        description = sentences([description, notes])
    link = _text(s.get("schedule_link"))
    if link and link not in (description or ""):
        description = sentences([description, f"Details: {link}"])
    if mode_text and not attending_modes(mode_text) and mode_text not in (description or ""):
        description = sentences([description, mode_text])
    return description


def _cost_options(raw: dict[str, Any], problems: Problems) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, c in enumerate(_items(raw.get("cost_options"))):
        if not isinstance(c, dict):
            problems.append((f"cost_options[{i}]", "is not a cost option object; left out"))
            continue
        item: dict[str, Any] = {}
        option = _text(c.get("option"))
        if option:
            item["option"] = option
        amount_raw = c.get("amount")
        amount = _number(amount_raw)
        if amount is not None and amount >= 0:
            item["amount"] = amount
        elif _text(amount_raw) is not None:
            problems.append((f"cost_options[{i}].amount", f"{amount_raw!r} is not an amount of money; left out"))
        desc = _text(c.get("amount_description"))
        currency = _text(c.get("currency"))
        if currency and currency.upper() != "GBP" and "amount" in item:
            desc = f"{desc} ({currency})" if desc else f"In {currency}"
        if desc:
            item["amount_description"] = desc
        if item:
            out.append(item)
    return out


def _location(raw_loc: dict[str, Any], where: str, service_id: str, index: int, ctx: Context,
              problems: Problems) -> dict[str, Any]:
    """A Waymark location: address, postcode and a position that can be trusted."""
    fields = _field_attributes(raw_loc, T.LOCATION_FIELDS, f"{where}.", problems)
    from_waymark = "precision" in fields
    if not from_waymark:
        for key in sorted(raw_loc):
            if key not in _LOCATION_KEYS and not _empty(raw_loc[key]):
                problems.append((f"{where}.{key}", "has no place in Waymark's model; not carried"))
    loc: dict[str, Any] = {}
    loc_id = _text(raw_loc.get("id"))
    if from_waymark and _text(raw_loc.get("external_identifier_type")) == "waymark":
        loc_id = _text(raw_loc.get("external_identifier")) or loc_id
    if loc_id and loc_id != T.generated_id(service_id, "location", index):
        loc["id"] = loc_id
    for key in ("name", "description"):
        if _text(raw_loc.get(key)):
            loc[key] = _text(raw_loc.get(key))
    line, postcode = _address(raw_loc, fields, from_waymark, where, loc, problems)
    accessibility = _accessibility(raw_loc)
    if accessibility:
        loc["accessibility"] = accessibility
    _position(raw_loc, fields, from_waymark, line, postcode, where, ctx, loc, problems)
    if "latitude" not in loc and fields.get("precision"):
        loc["precision"] = fields["precision"]
    return loc


def _address(raw_loc: dict[str, Any], fields: dict[str, Any], from_waymark: bool, where: str,
             loc: dict[str, Any], problems: Problems) -> tuple[str, str | None]:
    """Address line, town and postcode (the physical address first); returns the line and the
    postcode kept (a non-UK or malformed postcode is reported and left out)."""
    addresses = [a for a in _items(raw_loc.get("addresses")) + _items(raw_loc.get("physical_addresses"))
                 if isinstance(a, dict)]
    addresses.sort(key=lambda a: 0 if (_text(a.get("address_type")) or "physical") == "physical" else 1)
    addr = addresses[0] if addresses else raw_loc
    if from_waymark and not addresses:  # an incomplete address travels as attributes
        addr = {k: fields.get(k) for k in ("address_1", "city")} | {"postal_code": fields.get("postcode")}
    line = ", ".join(x for x in (_text(addr.get("address_1")), _text(addr.get("address_2"))) if x)
    if line:
        loc["address_1"] = line
    city = _text(addr.get("city"))
    if city:
        loc["city"] = city
    postcode_raw = _text(addr.get("postal_code")) or _text(addr.get("postcode"))
    postcode = None
    if postcode_raw and from_waymark:
        loc["postcode"] = postcode = postcode_raw
    elif postcode_raw:
        postcode = normalise_postcode(postcode_raw)
        country = (_text(addr.get("country")) or "GB").upper()
        if postcode is None:
            problems.append((f"{where}.postcode", f"{postcode_raw!r} is not a UK postcode; left out"))
        elif country not in ("GB", "UK", "GBR", "UNITED KINGDOM", "ENGLAND"):
            problems.append((f"{where}.postcode", f"the address is in {country!r}, not the UK; postcode left out"))
            postcode = None
        else:
            loc["postcode"] = postcode
    return line, postcode


def _accessibility(raw_loc: dict[str, Any]) -> list[str]:
    """Accessibility statements (HSDS 3 ``accessibility``, ORUK 1 ``accessibility_for_disabilities``)."""
    accessibility: list[str] = []
    for a in _items(raw_loc.get("accessibility")) + _items(raw_loc.get("accessibility_for_disabilities")):
        if isinstance(a, str):
            text = _text(a)
        elif isinstance(a, dict):
            head = _text(a.get("description")) or _text(a.get("accessibility"))
            details = _text(a.get("details"))
            text = f"{head}: {details}" if head and details else head or details
        else:
            text = None
        if text and text not in accessibility:
            accessibility.append(text)
    return accessibility


def _position(raw_loc: dict[str, Any], fields: dict[str, Any], from_waymark: bool, line: str,
              postcode: str | None, where: str, ctx: Context, loc: dict[str, Any], problems: Problems) -> None:
    """The feed's coordinates when they are in the UK, else the postcode's centre; what could
    not be placed is kept without a map position and reported."""
    lat, lon = _number(raw_loc.get("latitude")), _number(raw_loc.get("longitude"))
    given = raw_loc.get("latitude") is not None or raw_loc.get("longitude") is not None
    if lat is not None and lon is not None:
        try:
            Location.model_validate({"latitude": lat, "longitude": lon})
            ok = True
        except ValidationError:
            ok = False
    else:
        ok = False
    if ok:
        loc["latitude"], loc["longitude"] = lat, lon
        loc["precision"] = fields.get("precision") or ("address" if line and postcode else "postcode" if postcode else "town")
    elif from_waymark and not given:
        pass  # a Waymark location kept without a position stays so
    else:
        shown = f"({raw_loc.get('latitude')!r}, {raw_loc.get('longitude')!r})"
        place, why_not = ctx.postcode_lookup(postcode) if postcode else (None, None)
        if given and (lat is None or lon is None):
            why = f"coordinates {shown} are not a pair of numbers"
        elif given and lat is not None and lon is not None:
            swapped = " (latitude and longitude look swapped)" if (49.8 <= lon <= 61 and -8.7 <= lat <= 1.8) else ""
            why = f"coordinates {shown} are outside the UK{swapped}"
        else:
            why = ""
        if place is not None:
            loc["latitude"], loc["longitude"], loc["precision"] = place.lat, place.lon, "postcode"
            if why:
                problems.append((f"{where}.latitude", f"{why}; placed at postcode {postcode} instead"))
        elif why:
            tail = f"postcode {postcode} cannot place it ({why_not})" if postcode else "no postcode to place it by"
            problems.append((f"{where}.latitude", f"{why} and {tail}; kept without a map position"))
        elif postcode:
            problems.append((f"{where}.postcode", f"cannot place the location ({why_not}); kept without a map position"))


def _locations(raw: dict[str, Any], service_id: str, ctx: Context, problems: Problems,
               attending: list[str] | None = None) -> list[dict[str, Any]]:
    sources: list[tuple[str, Any]] = []
    for i, sal in enumerate(_items(raw.get("service_at_locations"))):
        if not isinstance(sal, dict):
            problems.append((f"service_at_locations[{i}]", "is not an object; left out"))
            continue
        loc = sal.get("location")
        if isinstance(loc, dict):
            sources.append((f"service_at_locations[{i}].location", loc))
        elif _text(sal.get("location_id")):
            problems.append((f"service_at_locations[{i}]", f"names location {sal.get('location_id')!r} without "
                             "its details; left out"))
    for i, loc in enumerate(_items(raw.get("locations"))):
        if isinstance(loc, dict):
            sources.append((f"locations[{i}]", loc))
    out: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for where, loc in sources:
        if (_text(loc.get("location_type")) or "").lower() == "virtual":
            if attending is not None and "online" not in attending:
                attending.append("online")
            problems.append((where, "is a virtual location; recorded as attending online, not placed on the map"))
            continue
        lid = _text(loc.get("id"))
        if lid and lid in seen_ids:
            continue
        if lid:
            seen_ids.add(lid)
        item = _location(loc, where, service_id, len(out), ctx, problems)
        if item and (item not in out or lid):
            out.append(item)
    return out


_NATIONAL_WORDS = {
    "national", "nationwide", "england", "all of england", "england wide", "england-wide",
    "united kingdom", "uk", "uk wide", "uk-wide", "great britain", "gb", "england and wales",
    "e92000001", "k02000001", "k03000001", "k04000001",
}
_GSS_IN = re.compile(r"\b([EWSNK]\d{8})\b")


def _extent_point(extent: Any) -> tuple[float, float] | None:
    """A point inside a GeoJSON extent (lat, lon), or None when it is not GeoJSON."""
    import json

    try:
        data = json.loads(extent) if isinstance(extent, str) else extent
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        from shapely.geometry import shape

        point = shape(data).representative_point()
    except Exception:  # noqa: BLE001 - any malformed extent simply gives no point
        return None
    return point.y, point.x


def _area(item: Any, ctx: Context) -> tuple[str | None, str, str | None]:
    """(code or 'national' or None, what the feed called it, how it was guessed)."""
    texts: list[str] = []
    extent = None
    if isinstance(item, str):
        texts = [item]
    elif isinstance(item, dict):
        uri = _text(item.get("uri")) or ""
        m = _GSS_IN.search(uri)
        if m:
            texts.append(m.group(1))
        for key in ("service_area", "name", "description"):
            t = _text(item.get(key))
            if t:
                texts.append(t)
        extent = item.get("extent")
        if isinstance(extent, str) and len(extent) <= 80 and not extent.lstrip().startswith(("{", "[")):
            texts.append(extent.strip())
            extent = None
    label = texts[0] if texts else ("(a drawn extent)" if extent else "(nothing)")
    for t in texts:
        if term_key(t) in _NATIONAL_WORDS:
            return NATIONAL, label, None
        a = ctx.geography.authority(t)
        if a is not None:
            return a.code, label, None
    point = _extent_point(extent) if extent else None
    if point is not None:
        a = ctx.geography.authority_at(*point)
        if a is not None:
            return a.code, label, f"the authority at the centre of its extent, {a.code} ({a.name}); check it"
    return None, label, None


def _service_areas(raw: dict[str, Any], locations: list[dict[str, Any]], ctx: Context,
                   problems: Problems) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(_items(raw.get("service_areas"))):
        code, label, guessed = _area(item, ctx)
        if guessed:
            problems.append((f"service_areas[{i}]", f"{label!r} was taken to be {guessed}"))
        if code is None:
            problems.append((f"service_areas[{i}]", f"{label!r} is not an English local authority "
                             "(name or GSS code) Waymark knows; left out"))
        elif code not in out:
            out.append(code)
    if out:
        return out
    inferred: list[str] = []
    how = ""
    for loc in locations:
        place = ctx.place_of_postcode(loc["postcode"]) if loc.get("postcode") else None
        authority = place.authority if place is not None else None
        if authority is None and loc.get("latitude") is not None:
            authority = ctx.geography.authority_at(loc["latitude"], loc["longitude"])
            how = how or "the location's coordinates"
        elif authority is not None:
            how = how or "the location's postcode"
        if authority is not None and authority.code not in inferred:
            inferred.append(authority.code)
    if not inferred:
        problems.append(("service_areas", "none usable in the feed and none could be inferred from a location; "
                         "give service_areas (GSS codes) in the overlay"))
    else:
        names = ", ".join(f"{c} ({ctx.geography.authorities[c].name})" for c in inferred)
        problems.append(("service_areas", f"none usable in the feed; used {names} from {how}"))
    return inferred


_WAIT = re.compile(r"(\d+(?:\.\d+)?)\s*(day|week|month)s?", re.I)


def _waiting_weeks(text: str | None) -> float | None:
    if not text:
        return None
    m = _WAIT.search(text)
    if not m:
        return None
    n = float(m.group(1))
    unit = m.group(2).lower()
    weeks = n / 7 if unit == "day" else n * 52 / 12 if unit == "month" else n
    return round(weeks, 1)


def _age(value: Any, where: str, problems: Problems) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    n = _number(value)
    if n is None or not 0 <= n <= 120:
        problems.append((where, f"{value!r} is not an age from 0 to 120; left out"))
        return None
    return int(math.floor(n))


_STATUS = {
    "active": "active", "inactive": "inactive", "defunct": "defunct",
    "temporarily closed": "temporarily closed", "temporarily_closed": "temporarily closed",
    "temporarily-closed": "temporarily closed", "suspended": "temporarily closed",
    "closed": "inactive", "open": "active", "live": "active",
}


# --------------------------------------------------------------------------------------
# The record
# --------------------------------------------------------------------------------------

def _identity(raw: dict[str, Any], problems: Problems) -> tuple[str | None, str | None, dict[str, Any], bool]:
    """The feed's id, the Waymark id made from it, the record's Waymark attributes, and whether
    it is a Waymark export (it carries those attributes), whose published UUID is kept."""
    original_id = _text(raw.get("id"))
    wid = waymark_id(original_id) if original_id else None
    if original_id is None:
        problems.append(("id", "is missing"))
    elif wid is None:
        problems.append(("id", f"{original_id!r} has no letters or digits to make a Waymark id from"))
    elif wid != original_id:
        problems.append(("id", f"{original_id!r} is used as {wid!r} (Waymark ids are lower-case letters, "
                         "digits, '.', '-', '_')"))
    fields = _field_attributes(raw, (*T.SERVICE_FIELDS, *T.EXTRA_SERVICE_FIELDS), "", problems)
    origin = bool(fields)
    own_id = fields.pop("id", None)
    if origin and isinstance(own_id, str) and waymark_id(own_id) == own_id:
        wid = own_id  # a Waymark export: its published UUID stands for this id
        problems[:] = [p for p in problems if p[0] != "id"]
    return original_id, wid, fields, origin


def _basics(raw: dict[str, Any], origin: bool, record: dict[str, Any], problems: Problems) -> None:
    """Name, description, organisation, web address, email and status."""
    for key, src in (("name", "name"), ("description", "description")):
        value = _text(raw.get(src))
        if value is not None:
            record[key] = value
    if "description" not in record:
        record["description"] = NO_DESCRIPTION
        problems.append(("description", "missing (Open Referral UK does not require one); imported with "
                         "'" + NO_DESCRIPTION + "'"))
    org = _organization(raw, origin, problems)
    if org is not None:
        record["organization"] = org
    url = _url(raw.get("url"), "url", problems)
    if url:
        record["url"] = url
    email = _email(raw.get("email"), "email", problems)
    if email:
        record["email"] = email
    status = _text(raw.get("status"))
    if status:
        mapped_status = _STATUS.get(status.lower())
        if mapped_status is None:
            problems.append(("status", f"{status!r} is not active, inactive, defunct or temporarily closed; "
                             "treated as active"))
        else:
            record["status"] = mapped_status
            if mapped_status in ("defunct", "inactive"):
                problems.append(("status", f"{status!r}: imported, but not offered in search, the app or plans"))


def _eligibility(raw: dict[str, Any], record: dict[str, Any], problems: Problems) -> None:
    """Eligibility text and ages: HSDS 3 puts ages on the service; ORUK 1 in ``eligibilitys``."""
    eligibilitys = [e for e in _items(raw.get("eligibilitys")) if isinstance(e, dict)]
    eligibility = _text(raw.get("eligibility_description")) or _text(raw.get("eligibility")) or (
        "; ".join(t for t in (_text(e.get("eligibility")) for e in eligibilitys) if t) or None)
    if eligibility:
        record["eligibility"] = eligibility
    min_raw = raw.get("minimum_age", next((e.get("minimum_age") for e in eligibilitys if e.get("minimum_age") is not None), None))
    max_raw = raw.get("maximum_age", next((e.get("maximum_age") for e in eligibilitys if e.get("maximum_age") is not None), None))
    min_age = _age(min_raw, "minimum_age", problems)
    max_age = _age(max_raw, "maximum_age", problems)
    if min_age is not None and max_age is not None and min_age > max_age:
        problems.append(("minimum_age", f"minimum age {min_age} is above maximum age {max_age}; both left out"))
        min_age = max_age = None
    if min_age is not None:
        record["min_age"] = min_age
    if max_age is not None:
        record["max_age"] = max_age


def _service_languages(raw: dict[str, Any]) -> list[str]:
    """Languages of the service and of each of its locations, first mention first."""
    languages = _languages(raw.get("languages"))
    for sal in _items(raw.get("service_at_locations")):
        for lang in _languages(_dict(_dict(sal).get("location")).get("languages")):
            if lang not in languages:
                languages.append(lang)
    return languages


def _costs(raw: dict[str, Any], problems: Problems) -> tuple[list[dict[str, Any]], str | None]:
    """Cost options, with fee text not already said by one added as its own option; and the fee text."""
    costs = _cost_options(raw, problems)
    fee_texts = list(dict.fromkeys(t for t in (_text(raw.get("fees_description")), _text(raw.get("fees"))) if t))
    said = {c.get(k) for c in costs for k in ("option", "amount_description")}
    costs += [{"amount_description": t} for t in fee_texts if t not in said]
    return costs, fee_texts[0] if fee_texts else None


def _taxonomy(raw: dict[str, Any], ctx: Context, record: dict[str, Any], problems: Problems) -> list[Term]:
    """Taxonomy terms → service types and stages; returns the terms the map does not know."""
    types: list[str] = []
    stages: list[str] = []
    unmapped: list[Term] = []
    ignored_only = False
    for term, _value in _terms_of(raw):
        tid = term.id or ""
        if tid.startswith(T.TYPE_PREFIX):
            t = tid.removeprefix(T.TYPE_PREFIX)
            if t in SERVICE_TYPES:
                types.append(t)
            else:
                problems.append(("attributes", f"{tid!r} is not a Waymark service type; ignored"))
        elif tid.startswith(T.STAGE_PREFIX):
            s = tid.removeprefix(T.STAGE_PREFIX)
            if s in STAGES:
                stages.append(s)
            else:
                problems.append(("attributes", f"{tid!r} is not a Waymark pathway stage; ignored"))
        elif tid.startswith(T.FIELD_PREFIX):
            continue
        else:
            found = ctx.taxonomy_map.lookup(term)
            if found is None:
                unmapped.append(term)
            elif not found:
                ignored_only = True
            else:
                types.extend(found)
    types = list(dict.fromkeys(types))
    if types:
        record["service_types"] = types
    elif unmapped or ignored_only:
        labels = ", ".join(repr(t.label) for t in unmapped) or "only terms the map ignores"
        problems.append(("service_types", f"no taxonomy term maps to a Waymark service type ({labels}); "
                         "add the term to the taxonomy map or service_types to the overlay"))
    else:
        problems.append(("service_types", "the record has no taxonomy terms; give service_types in the overlay"))
    if stages:
        record["stages"] = list(dict.fromkeys(stages))
    return unmapped


def _hsds_text(raw: dict[str, Any], fields: dict[str, Any], costs: list[dict[str, Any]], fees: str | None,
               record: dict[str, Any], problems: Problems) -> None:
    """What HSDS carries as text, Waymark keeps in its own fields (referral routes, waiting
    weeks, notes, self-referral, free)."""
    access_text = (_text(raw.get("attending_access")) or "").lower()
    process = _text(raw.get("application_process"))
    if process:
        record["referral_routes"] = [process]
    wait_text = _text(raw.get("wait_time"))
    weeks = _waiting_weeks(wait_text)
    if weeks is not None:
        record["waiting_weeks"] = weeks
    notes = []
    if _text(raw.get("alert")):
        notes.append(_text(raw.get("alert")))
    if _text(raw.get("alternate_name")):
        notes.append(f"Also known as {_text(raw.get('alternate_name'))}.")
    if _text(raw.get("interpretation_services")):
        notes.append(f"Interpreting: {_text(raw.get('interpretation_services'))}")
    if wait_text and weeks is None:
        notes.append(f"Waiting time: {wait_text}")
    for key, label in (("accreditations", "Accreditations"), ("licenses", "Licences")):
        if _text(raw.get(key)):
            notes.append(f"{label}: {_text(raw.get(key))}")
    documents = [t for t in (_text(d.get("document")) or _text(d.get("name")) if isinstance(d, dict) else _text(d)
                             for d in _items(raw.get("required_documents"))) if t]
    if documents:
        notes.append(f"Documents to bring: {'; '.join(d.rstrip('.') for d in documents)}")
    funding = [t for t in (_text(f.get("source")) if isinstance(f, dict) else _text(f)
                           for f in _items(raw.get("funding")) + _items(raw.get("fundings"))) if t]
    if funding:
        notes.append(f"Funding: {'; '.join(f.rstrip('.') for f in funding)}")
    if _text(raw.get("attending_type")) and not attending_modes(_text(raw.get("attending_type"))):
        notes.append(f"How to attend: {_text(raw.get('attending_type'))}")
    if access_text:
        notes.append(f"Access: {_text(raw.get('attending_access'))}")
        if re.search(r"referr", access_text) and "accepts_self_referral" not in fields:
            record["accepts_self_referral"] = False
            problems.append(("attending_access", f"{raw.get('attending_access')!r}: taken as "
                             "referral only (no self-referral)"))
    if notes:
        record["notes"] = sentences(notes)
    free_words = [fees] + [c.get("option") for c in costs] + [c.get("amount_description") for c in costs]
    if any(w and re.match(r"^\s*(free|no charge|no cost)\b", w, re.I) for w in free_words) or (
        costs and all(c.get("amount") == 0 for c in costs)
    ):
        record["free"] = True


def _provenance(raw: dict[str, Any], ctx: Context, original_id: str | None, position: int, sid: str,
                record: dict[str, Any], problems: Problems) -> None:
    """Where the facts came from and when they were checked."""
    if original_id is not None:
        record["source"] = (f"{ctx.source.rstrip('/')}/services/{quote(original_id, safe='')}" if ctx.is_url
                            else f"Open Referral UK feed {ctx.source}, service {original_id}")
    else:
        record["source"] = f"Open Referral UK feed {ctx.source}, record {position}"
    checked = None
    for key in ("assured_date", "last_modified"):
        value = raw.get(key)
        if _text(value) is None:
            continue
        d = parse_date(value)
        if d is None:
            problems.append((key, f"{value!r} is not a date; left out"))
        elif d > ctx.today:
            problems.append((key, f"{d.isoformat()} is in the future; left out"))
        elif checked is None:
            checked = d
    if checked is None:
        checked = ctx.previous_dates.get(sid, ctx.today)
    record["last_verified"] = checked.isoformat()
    record["verified"] = False


def _waymark_fields(raw: dict[str, Any], fields: dict[str, Any], origin: bool, record: dict[str, Any],
                    problems: Problems) -> None:
    """Waymark's own attributes win over what was read; a Waymark export's left-out pathway
    field has Waymark's default; a third-party feed's unread keys are reported."""
    if origin:
        for name in T.SERVICE_FIELDS:
            if name not in fields and name != "id":
                record.pop(name, None)
    for name, value in fields.items():
        if value is None or value == []:
            record.pop(name, None)
        else:
            record[name] = value
    if origin:
        pages = _source_pages(raw, problems)
        if pages:
            record["sources"] = pages
    if not origin:
        for key in sorted(raw):
            if key not in _READ_KEYS and not _empty(raw[key]):
                problems.append((key, "has no place in Waymark's model; not carried"))


def map_service(raw: dict[str, Any], ctx: Context, *, position: int) -> Mapped:
    """Map one feed record. ``position`` (1-based) names a record that has no id."""
    problems: Problems = []
    original_id, wid, fields, origin = _identity(raw, problems)
    sid = wid or f"record-{position}"
    record: dict[str, Any] = {"id": wid}
    _basics(raw, origin, record, problems)

    phones = _phones(raw, ctx, problems, merge=not origin)
    if phones:
        record["phones"] = phones
    attending: list[str] = []
    contacts = _contacts(raw, problems, origin)
    if contacts:
        record["contacts"] = contacts
    locations = _locations(raw, sid, ctx, problems, attending)
    if locations:
        record["locations"] = locations
    record["service_areas"] = _service_areas(raw, locations, ctx, problems)

    _eligibility(raw, record, problems)
    languages = _service_languages(raw)
    if languages:
        record["languages"] = languages
    schedules = _schedules(raw, ctx, problems, origin=origin, attending=attending)
    if schedules:
        record["schedules"] = schedules
    costs, fees = _costs(raw, problems)
    if costs:
        record["cost_options"] = costs
    for mode in attending_modes(_text(raw.get("attending_type"))):
        if mode not in attending:
            attending.append(mode)
    if attending and not origin:
        record["attending"] = attending

    unmapped = _taxonomy(raw, ctx, record, problems)
    if not origin:
        _hsds_text(raw, fields, costs, fees, record, problems)
    _provenance(raw, ctx, original_id, position, sid, record, problems)
    _waymark_fields(raw, fields, origin, record, problems)
    return Mapped(original_id, wid, record, problems, unmapped, origin)


#: Service keys the mapper reads (directly, or into notes, costs, schedules or the report).
_READ_KEYS = frozenset({
    "id", "name", "description", "organization", "organization_id", "url", "email", "status", "phones",
    "service_at_locations", "locations", "service_areas", "eligibility_description", "eligibility",
    "eligibilitys", "minimum_age", "maximum_age", "languages", "schedules", "regular_schedules",
    "holiday_schedules", "cost_options", "fees", "fees_description", "attributes", "taxonomy_terms",
    "service_taxonomys", "application_process", "wait_time", "alert", "alternate_name",
    "interpretation_services", "assured_date", "last_modified", "accreditations", "licenses",
    "required_documents", "contacts", "funding", "fundings", "attending_type", "attending_access",
})


#: Location keys the mapper reads (the rest are reported as not carried).
_LOCATION_KEYS = frozenset({
    "id", "name", "description", "addresses", "physical_addresses", "accessibility",
    "accessibility_for_disabilities", "latitude", "longitude", "location_type", "phones", "schedules",
    "attributes", "external_identifier", "external_identifier_type", "address_1", "address_2", "city",
    "postal_code", "postcode", "country", "state_province", "organization_id", "languages",
})


def _source_pages(raw: dict[str, Any], problems: Problems) -> list[dict[str, Any]]:
    """A Waymark export's ``sources``: its ``additional_urls`` with the attributes linked to each."""
    linked: dict[str, dict[str, list[Any]]] = {}
    for a in _items(raw.get("attributes")):
        if isinstance(a, dict) and _text(a.get("link_type")) == "url":
            tt = _dict(a.get("taxonomy_term"))
            key = T.term_key_of(_text(a.get("taxonomy_term_id"))) or T.term_key_of(_text(tt.get("term")))
            name = (key or "").removeprefix(T.FIELD_PREFIX)
            if name in T.SOURCE_FIELDS:
                linked.setdefault(_text(a.get("link_id")) or "", {}).setdefault(name, []).append(a.get("value"))
    out: list[dict[str, Any]] = []
    for i, page in enumerate(_items(raw.get("additional_urls"))):
        if not isinstance(page, dict) or not _text(page.get("url")):
            problems.append((f"additional_urls[{i}]", "has no url; left out"))
            continue
        item: dict[str, Any] = {"url": _text(page.get("url"))}
        if _text(page.get("title")):
            item["title"] = _text(page.get("title"))
        for name, values in linked.get(_text(page.get("id")) or "", {}).items():
            try:
                value = T.decode_field(name, values)
            except ValueError:
                value = None
            if value not in (None, []):
                item[name] = value
        if "dated_by" in item:  # the date an undated page's words give it, with the words
            item["dated_by"] = {"date": item["dated_by"], "reason": item.pop("dated_by_reason", None) or "not given"}
        item.pop("dated_by_reason", None)
        out.append(item)
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


#: The description of a record whose feed gives none (ORUK does not require one).
NO_DESCRIPTION = "The feed gives no description of this service; contact it to find out what it offers."


def _contacts(raw: dict[str, Any], problems: Problems, origin: bool = False) -> list[dict[str, Any]]:
    """Named contacts (name, title or department, email); their phones are read with the rest."""
    out: list[dict[str, Any]] = []
    for i, c in enumerate(_items(raw.get("contacts"))):
        if not isinstance(c, dict):
            problems.append((f"contacts[{i}]", "is not a contact object; left out"))
            continue
        item: dict[str, Any] = {}
        name = _text(c.get("name"))
        title = ", ".join(x for x in (_text(c.get("title")), _text(c.get("department"))) if x)
        email = _email(c.get("email"), f"contacts[{i}].email", problems)
        for key, value in (("name", name), ("title", title), ("email", email)):
            if value:
                item[key] = value
        if item and (origin or item not in out):  # a Waymark export lists each contact once, as meant
            out.append(item)
    return out
