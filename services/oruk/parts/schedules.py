"""Opening hours and closures: regular, holiday (ORUK 1) and dated schedules.

Hours that have passed would mislead a parent who reads them as current, so an expired
schedule is reported and left out; each kept schedule has words a person can read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import terms as T
from ..context import Context
from ..values import Problems, attending_modes, dict_of, items_of, number_of, parse_date, parse_time, sentences, text_of
from ..waymark_export import field_attributes

__all__ = ["read_schedules"]

_WEEKDAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
    "saturday": "SA", "sunday": "SU", "mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE",
    "thu": "TH", "thur": "TH", "thurs": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
}
_DAY_WORDS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
              "SA": "Saturday", "SU": "Sunday"}


def read_schedules(raw: dict[str, Any], ctx: Context, problems: Problems, *, from_waymark: bool = False,
                   attending: list[str] | None = None) -> list[dict[str, Any]]:
    """Opening hours and closures that are (or will be) current; expired ones are reported.

    ``attending`` collects how people attend, from each schedule's ``attending_type``."""
    out: list[dict[str, Any]] = []
    for where, s, holiday in _schedule_sources(raw):
        if not isinstance(s, dict):
            problems.append((where, "is not a schedule object; left out"))
            continue
        item = _read_schedule(s, where, holiday, ctx, problems, from_waymark=from_waymark, attending=attending)
        if item is not None and (item not in out or from_waymark):
            out.append(item)
    return out


def _schedule_sources(raw: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """Every schedule a record carries, where it sits, and whether it is a holiday schedule."""
    sources: list[tuple[str, Any, bool]] = []
    for i, s in enumerate(items_of(raw.get("schedules"))):
        sources.append((f"schedules[{i}]", s, False))
    for i, s in enumerate(items_of(raw.get("regular_schedules"))):
        sources.append((f"regular_schedules[{i}]", s, False))
    for i, s in enumerate(items_of(raw.get("holiday_schedules"))):
        sources.append((f"holiday_schedules[{i}]", s, True))
    for i, sal in enumerate(items_of(raw.get("service_at_locations"))):
        sal = dict_of(sal)
        for j, s in enumerate(items_of(sal.get("schedules")) + items_of(sal.get("regular_schedules"))):
            sources.append((f"service_at_locations[{i}].schedules[{j}]", s, False))
        for j, s in enumerate(items_of(sal.get("holiday_schedules"))):
            sources.append((f"service_at_locations[{i}].holiday_schedules[{j}]", s, True))
        for j, s in enumerate(items_of(dict_of(sal.get("location")).get("schedules"))):
            sources.append((f"service_at_locations[{i}].location.schedules[{j}]", s, False))
    return sources


def _read_schedule(s: dict[str, Any], where: str, holiday: bool, ctx: Context, problems: Problems, *,
                   from_waymark: bool, attending: list[str] | None) -> dict[str, Any] | None:
    """One Waymark schedule, or None when it has expired or says nothing."""
    fields = field_attributes(s, T.SCHEDULE_FIELDS, f"{where}.", problems)
    mode_text = text_of(s.get("attending_type"))
    if mode_text and attending is not None:
        modes = attending_modes(mode_text)
        attending.extend(m for m in modes if m not in attending)
        if not modes:
            problems.append((f"{where}.attending_type", f"{mode_text!r} says neither in person, phone nor "
                             "online; kept in the schedule's description"))
    start, end, expired = _validity(s, where, ctx, problems, from_waymark=from_waymark)
    if expired:
        return None
    if from_waymark:  # from a Waymark export: kept as written
        byday = text_of(s.get("byday"))
    else:
        byday = _byday(s.get("byday")) or _byday(s.get("weekday"))
    times: dict[str, dt.time | None] = {}
    for key in ("opens_at", "closes_at"):
        value = s.get(key)
        times[key] = parse_time(value)
        if text_of(value) and times[key] is None:
            problems.append((f"{where}.{key}", f"{value!r} is not a time of day; left out"))
    given_closed = s.get("closed")
    closed = fields.get("closed") is True or (holiday and (given_closed is True or (
        given_closed is None and not (times["opens_at"] or times["closes_at"]))))
    description = _schedule_description(s, byday, times, start, end, holiday=holiday, closed=closed,
                                        from_waymark=from_waymark, mode_text=mode_text)
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
                          from_waymark: bool, mode_text: str | None) -> str | None:
    """The feed's description, or one written from the days, times and dates; with the
    schedule's notes, link and an attending type that names no mode added."""
    description = text_of(s.get("description"))
    if description is None:
        hours = _describe_hours(byday, times["opens_at"], times["closes_at"])
        extra = None if from_waymark else _frequency_words(s)
        if holiday:
            span = " to ".join(f"{d.day} {d:%b %Y}" for d in dict.fromkeys(x for x in (start, end) if x))
            head = "Closed" if closed else "Holiday hours"
            description = " ".join(x for x in (head, span, "" if closed else (hours or "")) if x) or None
        else:
            description = ", ".join(x for x in (hours, extra) if x) or None
    notes = text_of(s.get("notes"))
    if notes and notes != description:
        description = sentences([description, notes])
    link = text_of(s.get("schedule_link"))
    if link and link not in (description or ""):
        description = sentences([description, f"Details: {link}"])
    if mode_text and not attending_modes(mode_text) and mode_text not in (description or ""):
        description = sentences([description, mode_text])
    return description


def _validity(s: dict[str, Any], where: str, ctx: Context, problems: Problems, *,
              from_waymark: bool) -> tuple[dt.date | None, dt.date | None, bool]:
    """(valid from, valid to, expired) of a schedule: ``valid_from``/``dtstart``,
    ``valid_to``/``until`` (ORUK 1 holiday ``start_date``/``end_date``)."""
    dates: dict[str, dt.date | None] = {}
    for key in ("valid_from", "dtstart", "start_date", "valid_to", "until", "end_date"):
        value = s.get(key)
        if text_of(value) is None:
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
    if from_waymark:  # a Waymark export's dated hours: kept as they are, nothing to report
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
    interval = number_of(s.get("interval"))
    freq = (text_of(s.get("freq")) or "").upper()
    if interval and interval > 1:
        words.append(f"every {interval:g} {'months' if freq == 'MONTHLY' else 'weeks'}")
    monthdays = text_of(s.get("bymonthday"))
    if monthdays:
        words.append(f"on day {monthdays} of the month")
    return ", ".join(words) or None


def _byday(value: Any) -> str | None:
    text = text_of(value)
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
