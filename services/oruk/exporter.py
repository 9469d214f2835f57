"""A Waymark directory → Open Referral UK 3.0 JSON (compiled services, valid against the profile).

Each service becomes a compiled ORUK 3.0 ``service`` (the profile's schema,
``openreferral/uk-profile`` ``schema/compiled/service.json``): organisation, schedules,
service areas, service_at_locations with their locations and addresses, languages, cost
options, contacts, plus HSDS 3 ``phones`` (the profile leaves them out; consumers that know
only the profile ignore them). Waymark's pathway knowledge travels as ``attributes`` under
the ``waymark`` taxonomy (:mod:`.terms`). Importing the export gives back the same directory.

What the ORUK compliance guidance asks, and the profile schema checks:

- optional fields without a value are left out — never ``null``, never ``""``;
- every id is a UUID, stable across runs (:func:`.terms.export_id`), and the Waymark id is
  kept beside it (``waymark:field:id``, a location's ``external_identifier``, an
  organisation identifier with scheme ``waymark``);
- every service has an organisation: one Waymark does not record is published as a
  stand-in named after the service and marked so (an identifier of type
  :data:`STAND_IN`), which the importer drops again;
- an address is written only when it can be complete (street, town, postcode and the
  authority as ``state_province``); otherwise its parts travel as location attributes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..directory import Directory
from ..errors import DataError, WaymarkError
from ..geography import Geography
from ..models import Location, Organization, Phone, Schedule, Service, Taxonomy
from ..vocabulary import NATIONAL
from . import terms as T
from .values import clean_email

__all__ = [
    "service_to_hsds",
    "export_services",
    "write_export",
    "taxonomy_terms",
    "taxonomy_object",
    "term_object",
    "service_at_locations",
    "organization_object",
    "HSDS_VERSION",
    "STAND_IN",
    "WAYMARK_SCHEME",
]

HSDS_VERSION = "3.0"
WAYMARK_SCHEME = T.WAYMARK_SCHEME
STAND_IN = T.STAND_IN
_RRULE_DAYS = re.compile(r"^([+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU))(,[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU))*$")


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    """The object without ``None`` values and empty strings (ORUK: omit, never null)."""
    return {k: v for k, v in obj.items() if v is not None and v != ""}


def _email(value: str | None) -> str | None:
    """An email address the schema's ``email`` format accepts and an importer reads back as
    the same address, else nothing (the record's own value then travels as a Waymark field)."""
    return value if value and clean_email(value) == value else None


def _web(value: str | None) -> str | None:
    """A web link as an ORUK ``uri``: http(s) only, characters outside ASCII percent-encoded."""
    if not value or not value.lower().startswith(("http://", "https://")):
        return None
    return quote(value, safe=":/?#[]@!$&'()*+,;=%~")


def _time(value: dt.time | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds")


def term_object(term_id: str, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The ORUK ``taxonomy_term`` for a Waymark term key (``waymark:stage:...``)."""
    parent: str | None
    if term_id.startswith(T.TYPE_PREFIX):
        code = term_id.removeprefix(T.TYPE_PREFIX)
        parent = T.TYPE_PREFIX.rstrip(":")
        item = taxonomy.type(code) if taxonomy else None
        name, description = (item.name, item.description) if item else (code.replace("_", " "), None)
    elif term_id.startswith(T.STAGE_PREFIX):
        code = term_id.removeprefix(T.STAGE_PREFIX)
        parent = T.STAGE_PREFIX.rstrip(":")
        stage = taxonomy.stage(code) if taxonomy else None
        name, description = (stage.name, stage.description) if stage else (code.replace("_", " "), None)
    elif term_id.startswith(T.FIELD_PREFIX):
        code = term_id.removeprefix(T.FIELD_PREFIX)
        parent = T.FIELD_PREFIX.rstrip(":")
        name, description = T.FIELD_WORDS.get(code, (code, None))
    else:  # the three parents
        code = term_id.removeprefix("waymark:")
        parent = None
        name, description = {
            "service_type": ("Service type", "What kind of service this is (Waymark service types)."),
            "stage": ("Pathway stage", "The steps of the child's pathway the service serves."),
            "field": ("Pathway field", "Waymark pathway facts with no place in Open Referral UK."),
        }.get(code, (code, None))
    return _clean({
        "id": T.term_uuid(term_id),
        "name": name,
        "description": description or name,
        "parent_id": T.term_uuid(parent) if parent else None,
        "taxonomy": T.TAXONOMY_ID,
        "taxonomy_id": T.TAXONOMY_UUID,
        "term": term_id,
        "code": term_id,
        "language": "en",
    })


def taxonomy_object() -> dict[str, Any]:
    """The ``waymark`` taxonomy as ORUK publishes a taxonomy (UUID id)."""
    return _clean({**T.TAXONOMY, "id": T.TAXONOMY_UUID})


def taxonomy_terms(taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """Every term of the Waymark taxonomy (parents first), for ``/taxonomy_terms``."""
    return [term_object(t, taxonomy) for t in T.PARENT_TERMS + T.all_term_ids()]


def _attributes(owner_id: str, link_type: str, terms: list[tuple[str, Any]],
                taxonomy: Taxonomy | None) -> list[dict[str, Any]]:
    """Attributes for ``(term key, value)`` pairs: a term alone when the value is ``...``,
    else one attribute per plain-text value (none for an unset field)."""
    out: list[dict[str, Any]] = []
    for term_id, value in terms:
        values: list[str | None] = [None] if value is ... else list(T.attribute_values(value))
        for v in values:
            out.append(_clean({
                "id": T.generated_id(owner_id, "attribute", len(out)),
                "link_id": owner_id,
                "link_type": link_type,
                "link_entity": link_type,
                "taxonomy_term_id": T.term_uuid(term_id),
                "value": v,
                "taxonomy_term": term_object(term_id, taxonomy),
            }))
    return out


def _authority_name(loc: Location, geography: Geography | None) -> str | None:
    """The local authority a location is in (an English address's ``state_province``)."""
    if geography is None:
        return None
    try:
        if loc.postcode:
            place = geography.resolve_postcode(loc.postcode)
            if place.authority is not None:
                return place.authority.name
        if loc.latitude is not None and loc.longitude is not None:
            authority = geography.authority_at(loc.latitude, loc.longitude)
            if authority is not None:
                return authority.name
    except (WaymarkError, ValueError):
        return None
    return None


def _location(service: Service, loc: Location, index: int, taxonomy: Taxonomy | None,
              geography: Geography | None) -> dict[str, Any]:
    loc_id = T.export_id(loc.id) if loc.id else T.generated_id(service.id, "location", index)
    province = _authority_name(loc, geography) if (loc.address_1 and loc.city and loc.postcode) else None
    addresses = []
    fields: list[tuple[str, Any]] = [(T.field_term_id("precision"), loc.precision)]
    if province:
        addresses.append({
            "id": T.generated_id(loc_id, "address", 0),
            "location_id": loc_id,
            "address_1": loc.address_1,
            "city": loc.city,
            "state_province": province,
            "postal_code": loc.postcode,
            "country": "GB",
            "address_type": "physical",
        })
    else:
        fields += [(T.field_term_id(k), getattr(loc, k)) for k in ("address_1", "city", "postcode")]
    keeps_id = bool(loc.id) and loc_id != loc.id
    return _clean({
        "id": loc_id,
        "location_type": "physical",
        "name": loc.name,
        "description": loc.description,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "external_identifier": loc.id if keeps_id else None,
        "external_identifier_type": WAYMARK_SCHEME if keeps_id else None,
        "addresses": addresses,
        "accessibility": [
            {"id": T.generated_id(loc_id, "accessibility", i), "location_id": loc_id, "description": text}
            for i, text in enumerate(loc.accessibility) if text
        ],
        "attributes": _attributes(loc_id, "location", fields, taxonomy),
    })


def service_at_locations(service: Service, taxonomy: Taxonomy | None = None,
                         geography: Geography | None = None) -> list[dict[str, Any]]:
    """The service's ORUK ``service_at_location`` objects, each with its location."""
    sid = T.export_id(service.id)
    out = []
    for i, loc in enumerate(service.locations):
        location = _location(service, loc, i, taxonomy, geography)
        out.append({
            "id": T.generated_id(service.id, "service_at_location", i),
            "service_id": sid,
            "location_id": location["id"],
            "location": location,
        })
    return out


def _schedule(service: Service, s: Schedule, index: int, taxonomy: Taxonomy | None) -> dict[str, Any]:
    sch_id = T.generated_id(service.id, "schedule", index)
    rrule = bool(s.byday and _RRULE_DAYS.match(s.byday))
    fields = [(T.field_term_id(k), True) for k in ("open_24_7", "closed") if getattr(s, k)]
    return _clean({
        "id": sch_id,
        "service_id": T.export_id(service.id),
        "valid_from": s.valid_from.isoformat() if s.valid_from else None,
        "valid_to": s.valid_to.isoformat() if s.valid_to else None,
        "freq": "WEEKLY" if rrule else None,
        "byday": s.byday,
        "opens_at": _time(s.opens_at),
        "closes_at": _time(s.closes_at),
        "description": s.description,
        "attributes": _attributes(sch_id, "schedule", fields, taxonomy),
    })


def _area(service: Service, code: str, index: int, geography: Geography | None) -> dict[str, Any]:
    if code == NATIONAL:
        name, gss = "England", T.ENGLAND_GSS
    else:
        authority = geography.authorities.get(code) if geography else None
        name, gss = (authority.name if authority else code), code
    return {
        "id": T.generated_id(service.id, "service_area", index),
        "service_id": T.export_id(service.id),
        "name": name,
        "uri": T.GSS_URI + gss,
    }


def _stand_in_description(service: Service) -> str:
    return (f"Waymark does not record which organisation runs {service.name}; "
            "contact the service for details.")


def organization_object(service: Service) -> dict[str, Any]:
    """The ORUK ``organization`` of a service (a marked stand-in when it names none)."""
    org = service.organization
    if org is None:
        org_id = T.generated_id("organization-of", service.id)
        return _clean({
            "id": org_id,
            "name": service.name,
            "description": _stand_in_description(service),
            "website": _web(service.url),
            "organization_identifiers": [{
                "id": T.generated_id(org_id, "identifier", 0), "organization_id": org_id,
                "identifier_scheme": WAYMARK_SCHEME, "identifier_type": STAND_IN, "identifier": service.id,
            }],
        })
    return _organization(org)


def org_description(org: Organization) -> str:
    """An organisation's description, or words saying there is none (ORUK requires one)."""
    return org.description or T.no_description(org.name)


def _organization(org: Organization) -> dict[str, Any]:
    if org.id:
        org_id = T.export_id(org.id)
    else:
        org_id = T.generated_id("organization", org.name)
    identifiers = []
    if org.id and org_id != org.id:
        identifiers.append({
            "id": T.generated_id(org_id, "identifier", 0), "organization_id": org_id,
            "identifier_scheme": WAYMARK_SCHEME, "identifier_type": T.ORGANIZATION_ID_TYPE, "identifier": org.id,
        })
    return _clean({
        "id": org_id,
        "name": org.name,
        "description": org_description(org),
        "email": _email(org.email),
        "website": _web(org.url),
        "organization_identifiers": identifiers or None,
    })


def _language(owner: dict[str, Any], index: Any, name: str) -> dict[str, Any]:
    return _clean({"id": T.generated_id(*index), **owner, "name": name, "code": T.language_code(name)})


def service_to_hsds(service: Service, taxonomy: Taxonomy | None = None,
                    geography: Geography | None = None) -> dict[str, Any]:
    """One Waymark service as a compiled ORUK 3.0 service object (valid against the profile)."""
    s = service
    sid = T.export_id(s.id)
    organization = organization_object(s)
    terms: list[tuple[str, Any]] = [(T.type_term_id(t), ...) for t in s.service_types]
    terms += [(T.stage_term_id(st), ...) for st in s.stages]
    terms += [(T.field_term_id(name), getattr(s, name)) for name in T.SERVICE_FIELDS]
    web = _web(s.url)
    if s.url and web != s.url:
        terms.append((T.field_term_id("url"), s.url))
    if s.email and _email(s.email) != s.email:
        terms.append((T.field_term_id("email"), s.email))
    attributes = _attributes(sid, "service", terms, taxonomy)
    pages = []
    for i, page in enumerate(s.sources):
        page_id = T.generated_id(s.id, "source", i)
        pages.append(_clean({"id": page_id, "title": page.title, "url": page.url}))
        values = {"updated": page.updated, "read": page.read, "supports": page.supports,
                  "dated_by": page.dated_by.date if page.dated_by else None,
                  "dated_by_reason": page.dated_by.reason if page.dated_by else None}
        fields = [(T.field_term_id(k), values[k]) for k in T.SOURCE_FIELDS]
        attributes += _attributes(page_id, "url", fields, taxonomy)
    for i, p in enumerate(s.phones):  # who a number is for (and the like): said only when not the default
        fields = [(T.field_term_id(name), getattr(p, name)) for name in T.PHONE_FIELDS
                  if getattr(p, name) != Phone.model_fields[name].default]
        attributes += _attributes(T.generated_id(s.id, "phone", i), "phone", fields, taxonomy)
    return _clean({
        "id": sid,
        "organization_id": organization["id"],
        "name": s.name,
        "description": s.description,
        "url": web,
        "email": _email(s.email),
        "status": s.status,
        "application_process": "\n".join(s.referral_routes) or None,
        "wait_time": f"{s.waiting_weeks:g} weeks" if s.waiting_weeks is not None else None,
        "eligibility_description": s.eligibility,
        "minimum_age": s.min_age,
        "maximum_age": s.max_age,
        "assured_date": s.last_verified.isoformat() if s.verified else None,
        "last_modified": f"{s.last_verified.isoformat()}T00:00:00Z",
        "organization": organization,
        "phones": [
            _clean({
                "id": T.generated_id(s.id, "phone", i),
                "service_id": sid,
                "number": p.number,
                "type": p.type,
                # plain HSDS has no audience: a family app reads the description
                "description": p.description if p.is_public else T.professionals_description(p.description),
                "languages": [_language({"phone_id": T.generated_id(s.id, "phone", i)}, (s.id, "phone", i, "language", j),
                                        lang) for j, lang in enumerate(p.languages)],
            })
            for i, p in enumerate(s.phones)
        ],
        "schedules": [_schedule(s, sch, i, taxonomy) for i, sch in enumerate(s.schedules)],
        "service_areas": [_area(s, code, i, geography) for i, code in enumerate(s.service_areas)],
        "service_at_locations": service_at_locations(s, taxonomy, geography),
        "languages": [_language({"service_id": sid}, (s.id, "language", i), lang) for i, lang in enumerate(s.languages)],
        "cost_options": [
            _clean({"id": T.generated_id(s.id, "cost_option", i), "service_id": sid, "option": c.option,
                    "currency": "GBP" if c.amount is not None else None, "amount": c.amount,
                    "amount_description": c.amount_description})
            for i, c in enumerate(s.cost_options)
        ],
        "contacts": [
            _clean({"id": T.generated_id(s.id, "contact", i), "service_id": sid, "name": c.name,
                    "title": c.title, "email": _email(c.email)})
            for i, c in enumerate(s.contacts)
        ],
        "additional_urls": pages,
        "attributes": attributes,
    })


def export_services(directory: Directory, services: Iterable[Service] | None = None) -> list[dict[str, Any]]:
    """Every service of the directory (or the given ones) as ORUK 3.0, sorted by Waymark id."""
    chosen = sorted(services if services is not None else directory.services, key=lambda s: s.id)
    return [service_to_hsds(s, directory.taxonomy, directory.geography) for s in chosen]


def write_export(directory: Directory, out: Path) -> int:
    """Write the directory as a JSON list of ORUK 3.0 services; returns how many."""
    data = export_services(directory)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        if str(out) == "-":
            import sys

            sys.stdout.write(text)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{out}: cannot be written ({exc.strerror})") from None
    return len(data)
