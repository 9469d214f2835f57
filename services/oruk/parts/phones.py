"""Phones of a service, its locations and its contacts, cleaned of obvious slips.

A number is what a parent or practitioner acts on, so a number that is not a UK number is
left out (and said so) rather than shown, and the same number listed twice is listed once.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ...errors import validation_message
from ...models import Phone
from .. import terms as T
from ..values import Problems, clean_phone, dict_of, items_of, text_of
from ..waymark_export import phone_fields
from .languages import language_names

__all__ = ["read_phones"]

_PHONE_TYPES = {
    "voice": "voice", "cell": "voice", "mobile": "voice", "landline": "voice", "phone": "voice",
    "text": "text", "sms": "text", "textphone": "textphone", "minicom": "textphone",
    "tty": "textphone", "fax": "fax",
}


def read_phones(raw: dict[str, Any], problems: Problems, *, from_waymark: bool = False) -> list[dict[str, Any]]:
    """Service phones, then those of its locations and contacts; duplicates merged
    (unless ``from_waymark``: a Waymark export lists each phone once, as meant)."""
    sources: list[tuple[str, Any, str | None]] = []
    for i, p in enumerate(items_of(raw.get("phones"))):
        sources.append((f"phones[{i}]", p, None))
    for i, sal in enumerate(items_of(raw.get("service_at_locations"))):
        sal = dict_of(sal)
        for j, p in enumerate(items_of(sal.get("phones"))):
            sources.append((f"service_at_locations[{i}].phones[{j}]", p, None))
        for j, p in enumerate(items_of(dict_of(sal.get("location")).get("phones"))):
            sources.append((f"service_at_locations[{i}].location.phones[{j}]", p, None))
    for i, c in enumerate(items_of(raw.get("contacts"))):
        c = dict_of(c)
        who = ", ".join(x for x in (text_of(c.get("title")), text_of(c.get("department")), text_of(c.get("name"))) if x)
        for j, p in enumerate(items_of(c.get("phones"))):
            sources.append((f"contacts[{i}].phones[{j}]", p, who or None))
    linked = phone_fields(raw)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for where, p, owner in sources:
        if isinstance(p, str):
            p = {"number": p}
        if not isinstance(p, dict):
            problems.append((where, "is not a phone object; left out"))
            continue
        number = text_of(p.get("number"))
        if number is None:
            problems.append((f"{where}.number", "is missing; phone left out"))
            continue
        cleaned, ext, done = clean_phone(number)
        if done:
            problems.append((f"{where}.number", f"removed {' and '.join(done)} from {number!r}"))
        kind_raw = (text_of(p.get("type")) or "voice").lower()
        kind = _PHONE_TYPES.get(kind_raw)
        if kind is None:
            problems.append((f"{where}.type", f"{kind_raw!r} is not voice, text, textphone or fax; treated as voice"))
            kind = "voice"
        # "For professionals only: ..." (a Waymark export's, or a feed's own words) marks a line
        # a family must not be given; the mark is kept as the audience, not in the words.
        marked, description = T.read_professionals_description(text_of(p.get("description")))
        extension = ext or text_of(p.get("extension"))
        if extension:
            description = f"{description}, extension {extension}" if description else f"Extension {extension}"
        if owner and not description:
            description = owner
        languages = language_names(p.get("languages"))
        phone: dict[str, Any] = {"number": cleaned, "type": kind}
        if description:
            phone["description"] = description
        if languages:
            phone["languages"] = languages
        phone.update(linked.get(text_of(p.get("id")) or "", {}))  # a Waymark export's phone fields
        if marked:
            phone["audience"] = "professionals"
        try:
            Phone.model_validate(phone)
        except ValidationError as exc:
            error = exc.errors()[0]
            msg = validation_message(error)
            field = str(error["loc"][0]) if error["loc"] else "number"
            problems.append((f"{where}.{field}", f"{msg}; phone left out"))
            continue
        key = (re.sub(r"\D", "", cleaned.replace("+44", "0")), kind)
        if not from_waymark and key in seen:
            continue
        seen.add(key)
        out.append(phone)
    return out
