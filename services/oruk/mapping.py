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

This module assembles the record; :mod:`.values` reads single values, :mod:`.parts` the
parts of a record (phones, schedules, places ...), and :mod:`.waymark_export` what only
Waymark's own export carries. Problems are ``(field, message)`` pairs; the importer prefixes
the record id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .context import Context
from .parts.areas import read_service_areas
from .parts.contacts import read_contacts
from .parts.costs import read_costs
from .parts.eligibility import read_eligibility
from .parts.languages import service_languages
from .parts.organization import read_organization
from .parts.phones import read_phones
from .parts.places import read_locations
from .parts.schedules import read_schedules
from .parts.taxonomy import read_taxonomy
from .taxonomy_map import Term
from .values import (
    Problems,
    attending_modes,
    email_of,
    items_of,
    parse_date,
    report_unread_keys,
    sentences,
    text_of,
    url_of,
    waiting_weeks,
    waymark_id,
)
from .waymark_export import apply_fields, service_fields

__all__ = ["Mapped", "map_service", "NO_DESCRIPTION"]

#: The description of a record whose feed gives none (ORUK does not require one).
NO_DESCRIPTION = "The feed gives no description of this service; contact it to find out what it offers."


@dataclass
class Mapped:
    """A mapped record: the Waymark fields found, what was wrong, terms nobody maps."""

    original_id: str | None
    id: str | None
    record: dict[str, Any]
    problems: Problems
    unmapped: list[Term]
    from_waymark: bool = False


def map_service(raw: dict[str, Any], ctx: Context, *, position: int) -> Mapped:
    """Map one feed record. ``position`` (1-based) names a record that has no id."""
    problems: Problems = []
    original_id, wid, fields, from_waymark = _identity(raw, problems)
    sid = wid or f"record-{position}"
    record: dict[str, Any] = {"id": wid}
    _basics(raw, from_waymark, record, problems)

    phones = read_phones(raw, problems, from_waymark=from_waymark)
    if phones:
        record["phones"] = phones
    attending: list[str] = []
    contacts = read_contacts(raw, problems, from_waymark=from_waymark)
    if contacts:
        record["contacts"] = contacts
    locations = read_locations(raw, sid, ctx, problems, attending)
    if locations:
        record["locations"] = locations
    record["service_areas"] = read_service_areas(raw, locations, ctx, problems)

    read_eligibility(raw, record, problems)
    languages = service_languages(raw)
    if languages:
        record["languages"] = languages
    schedules = read_schedules(raw, ctx, problems, from_waymark=from_waymark, attending=attending)
    if schedules:
        record["schedules"] = schedules
    costs, fees = read_costs(raw, problems)
    if costs:
        record["cost_options"] = costs
    for mode in attending_modes(text_of(raw.get("attending_type"))):
        if mode not in attending:
            attending.append(mode)
    if attending and not from_waymark:
        record["attending"] = attending

    unmapped = read_taxonomy(raw, ctx.taxonomy_map, record, problems)
    if not from_waymark:
        _hsds_text(raw, fields, costs, fees, record, problems)
    _provenance(raw, ctx, original_id, position, sid, record, problems)
    if from_waymark:  # Waymark's own fields win over what was read
        apply_fields(raw, fields, record, problems)
    else:  # a third-party feed's keys that Waymark has no place for are reported
        report_unread_keys(raw, _READ_KEYS, "", problems)
    return Mapped(original_id, wid, record, problems, unmapped, from_waymark)


def _identity(raw: dict[str, Any], problems: Problems) -> tuple[str | None, str | None, dict[str, Any], bool]:
    """The feed's id, the Waymark id made from it, the record's Waymark attributes, and whether
    it is a Waymark export (it carries those attributes), whose published UUID is kept."""
    original_id = text_of(raw.get("id"))
    wid = waymark_id(original_id) if original_id else None
    if original_id is None:
        problems.append(("id", "is missing"))
    elif wid is None:
        problems.append(("id", f"{original_id!r} has no letters or digits to make a Waymark id from"))
    elif wid != original_id:
        problems.append(("id", f"{original_id!r} is used as {wid!r} (Waymark ids are lower-case letters, "
                         "digits, '.', '-', '_')"))
    fields, from_waymark, own_id = service_fields(raw, problems)
    if own_id is not None:
        wid = own_id  # a Waymark export: its published UUID stands for this id
        problems[:] = [p for p in problems if p[0] != "id"]
    return original_id, wid, fields, from_waymark


def _basics(raw: dict[str, Any], from_waymark: bool, record: dict[str, Any], problems: Problems) -> None:
    """Name, description, organisation, web address, email and status."""
    for key, src in (("name", "name"), ("description", "description")):
        value = text_of(raw.get(src))
        if value is not None:
            record[key] = value
    if "description" not in record:
        record["description"] = NO_DESCRIPTION
        problems.append(("description", "missing (Open Referral UK does not require one); imported with "
                         "'" + NO_DESCRIPTION + "'"))
    org = read_organization(raw, problems, from_waymark=from_waymark)
    if org is not None:
        record["organization"] = org
    url = url_of(raw.get("url"), "url", problems)
    if url:
        record["url"] = url
    email = email_of(raw.get("email"), "email", problems)
    if email:
        record["email"] = email
    status = text_of(raw.get("status"))
    if status:
        mapped_status = _STATUS.get(status.lower())
        if mapped_status is None:
            problems.append(("status", f"{status!r} is not active, inactive, defunct or temporarily closed; "
                             "treated as active"))
        else:
            record["status"] = mapped_status
            if mapped_status in ("defunct", "inactive"):
                problems.append(("status", f"{status!r}: imported, but not offered in search, the app or plans"))


def _hsds_text(raw: dict[str, Any], fields: dict[str, Any], costs: list[dict[str, Any]], fees: str | None,
               record: dict[str, Any], problems: Problems) -> None:
    """What HSDS carries as text, Waymark keeps in its own fields (referral routes, waiting
    weeks, notes, self-referral, free)."""
    access_text = (text_of(raw.get("attending_access")) or "").lower()
    process = text_of(raw.get("application_process"))
    if process:
        record["referral_routes"] = [process]
    wait_text = text_of(raw.get("wait_time"))
    weeks = waiting_weeks(wait_text)
    if weeks is not None:
        record["waiting_weeks"] = weeks
    notes = []
    if text_of(raw.get("alert")):
        notes.append(text_of(raw.get("alert")))
    if text_of(raw.get("alternate_name")):
        notes.append(f"Also known as {text_of(raw.get('alternate_name'))}.")
    if text_of(raw.get("interpretation_services")):
        notes.append(f"Interpreting: {text_of(raw.get('interpretation_services'))}")
    if wait_text and weeks is None:
        notes.append(f"Waiting time: {wait_text}")
    for key, label in (("accreditations", "Accreditations"), ("licenses", "Licences")):
        if text_of(raw.get(key)):
            notes.append(f"{label}: {text_of(raw.get(key))}")
    documents = [t for t in (text_of(d.get("document")) or text_of(d.get("name")) if isinstance(d, dict) else text_of(d)
                             for d in items_of(raw.get("required_documents"))) if t]
    if documents:
        notes.append(f"Documents to bring: {'; '.join(d.rstrip('.') for d in documents)}")
    funding = [t for t in (text_of(f.get("source")) if isinstance(f, dict) else text_of(f)
                           for f in items_of(raw.get("funding")) + items_of(raw.get("fundings"))) if t]
    if funding:
        notes.append(f"Funding: {'; '.join(f.rstrip('.') for f in funding)}")
    if text_of(raw.get("attending_type")) and not attending_modes(text_of(raw.get("attending_type"))):
        notes.append(f"How to attend: {text_of(raw.get('attending_type'))}")
    if access_text:
        notes.append(f"Access: {text_of(raw.get('attending_access'))}")
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
        if text_of(value) is None:
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


_STATUS = {
    "active": "active", "inactive": "inactive", "defunct": "defunct",
    "temporarily closed": "temporarily closed", "temporarily_closed": "temporarily closed",
    "temporarily-closed": "temporarily closed", "suspended": "temporarily closed",
    "closed": "inactive", "open": "active", "live": "active",
}

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
