"""A Waymark directory → HSDS 3 / Open Referral UK JSON.

Each service becomes a compiled HSDS 3 ``service`` (organisation, phones, schedules,
service areas, service_at_locations with their locations, languages, cost options) and
Waymark's pathway knowledge travels as ``attributes`` under the ``waymark`` taxonomy
(:mod:`.terms`): one attribute per service type and per stage, one per pathway field with a
JSON value. Importing the export gives back the same directory.

Service ids are Waymark's own (readable, stable); parts Waymark does not name (phones,
schedules, unnamed locations and organisations) get deterministic UUIDs, so exporting the
same directory twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable

from ..directory import Directory
from ..errors import DataError
from ..geography import Geography
from ..models import Location, Schedule, Service, Taxonomy
from ..vocabulary import NATIONAL
from . import terms as T

__all__ = [
    "service_to_hsds",
    "export_services",
    "write_export",
    "taxonomy_terms",
    "term_object",
    "service_at_locations",
    "HSDS_VERSION",
]

HSDS_VERSION = "3.0"


def _time(value: dt.time | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")


def term_object(term_id: str, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The HSDS ``taxonomy_term`` for a Waymark term id."""
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
    return {
        "id": term_id,
        "code": code,
        "name": name,
        "description": description,
        "parent_id": parent,
        "taxonomy": T.TAXONOMY_ID,
        "taxonomy_id": T.TAXONOMY_ID,
        "language": "en",
        "term_uri": None,
        "taxonomy_detail": dict(T.TAXONOMY),
    }


def taxonomy_terms(taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """Every term of the Waymark taxonomy (parents first), for ``/taxonomy_terms``."""
    parents = ["waymark:service_type", "waymark:stage", "waymark:field"]
    return [term_object(t, taxonomy) for t in parents + T.all_term_ids()]


def _attribute(owner_id: str, link_type: str, term_id: str, value: Any, index: int,
               taxonomy: Taxonomy | None, *, encode: bool = True) -> dict[str, Any]:
    return {
        "id": T.generated_id(owner_id, "attribute", index),
        "link_id": owner_id,
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": term_id,
        "value": T.encode_value(value) if encode else value,
        "label": None,
        "taxonomy_term": term_object(term_id, taxonomy),
    }


def _location(service: Service, loc: Location, index: int, taxonomy: Taxonomy | None) -> dict[str, Any]:
    loc_id = loc.id or T.generated_id(service.id, "location", index)
    addresses = []
    if loc.address_1 or loc.city or loc.postcode:
        addresses.append({
            "id": T.generated_id(loc_id, "address", 0),
            "location_id": loc_id,
            "attention": None,
            "address_1": loc.address_1 or "",
            "address_2": None,
            "city": loc.city or "",
            "region": None,
            "state_province": None,
            "postal_code": loc.postcode or "",
            "country": "GB",
            "address_type": "physical",
        })
    return {
        "id": loc_id,
        "location_type": "physical",
        "url": None,
        "organization_id": None,
        "name": loc.name,
        "alternate_name": None,
        "description": loc.description,
        "transportation": None,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "external_identifier": None,
        "external_identifier_type": None,
        "addresses": addresses,
        "accessibility": [
            {"id": T.generated_id(loc_id, "accessibility", i), "location_id": loc_id, "description": text,
             "details": None, "url": None}
            for i, text in enumerate(loc.accessibility)
        ],
        "languages": [],
        "phones": [],
        "schedules": [],
        "attributes": [_attribute(loc_id, "location", T.field_term_id("precision"), loc.precision, 0, taxonomy)],
    }


def service_at_locations(service: Service, taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    out = []
    for i, loc in enumerate(service.locations):
        location = _location(service, loc, i, taxonomy)
        out.append({
            "id": T.generated_id(service.id, "service_at_location", i),
            "service_id": service.id,
            "location_id": location["id"],
            "description": None,
            "contacts": [],
            "phones": [],
            "schedules": [],
            "attributes": [],
            "location": location,
        })
    return out


def _schedule(service: Service, s: Schedule, index: int, taxonomy: Taxonomy | None) -> dict[str, Any]:
    sid = T.generated_id(service.id, "schedule", index)
    return {
        "id": sid,
        "service_id": service.id,
        "location_id": None,
        "service_at_location_id": None,
        "freq": "WEEKLY" if s.byday else None,
        "byday": s.byday,
        "opens_at": _time(s.opens_at),
        "closes_at": _time(s.closes_at),
        "description": s.description,
        "attributes": [_attribute(sid, "schedule", T.field_term_id("open_24_7"), s.open_24_7, 0, taxonomy)],
    }


def _area(service: Service, code: str, index: int, geography: Geography | None) -> dict[str, Any]:
    if code == NATIONAL:
        name, gss = "England", T.ENGLAND_GSS
    else:
        authority = geography.authorities.get(code) if geography else None
        name, gss = (authority.name if authority else code), code
    return {
        "id": T.generated_id(service.id, "service_area", index),
        "service_id": service.id,
        "name": name,
        "description": None,
        "extent": None,
        "extent_type": None,
        "uri": T.GSS_URI + gss,
    }


def service_to_hsds(service: Service, taxonomy: Taxonomy | None = None,
                    geography: Geography | None = None) -> dict[str, Any]:
    """One Waymark service as a compiled HSDS 3 service object."""
    s = service
    org = s.organization
    org_id = (org.id or T.generated_id("organization", org.name)) if org else None
    attributes: list[dict[str, Any]] = []
    for t in s.service_types:
        attributes.append(_attribute(s.id, "service", T.type_term_id(t), None, len(attributes), taxonomy, encode=False))
    for st in s.stages:
        attributes.append(_attribute(s.id, "service", T.stage_term_id(st), None, len(attributes), taxonomy, encode=False))
    for name in T.SERVICE_FIELDS:
        value = getattr(s, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif name == "sources":
            value = [p.model_dump(mode="json", exclude_none=True) for p in value]
        attributes.append(_attribute(s.id, "service", T.field_term_id(name), value, len(attributes), taxonomy))
    return {
        "id": s.id,
        "organization_id": org_id,
        "program_id": None,
        "name": s.name,
        "alternate_name": None,
        "description": s.description,
        "url": s.url,
        "email": s.email,
        "status": s.status,
        "interpretation_services": None,
        "application_process": "\n".join(s.referral_routes) or None,
        "fees_description": None,
        "wait_time": f"{s.waiting_weeks:g} weeks" if s.waiting_weeks is not None else None,
        "fees": None,
        "accreditations": None,
        "eligibility_description": s.eligibility,
        "minimum_age": s.min_age,
        "maximum_age": s.max_age,
        "assured_date": s.last_verified.isoformat() if s.verified else None,
        "assurer_email": None,
        "licenses": None,
        "alert": None,
        "last_modified": f"{s.last_verified.isoformat()}T00:00:00Z",
        "organization": None if org is None else {
            "id": org_id,
            "name": org.name,
            "alternate_name": None,
            "description": org.description or "",
            "email": org.email,
            "website": org.url,
            "url": org.url,
            "tax_status": None,
            "tax_id": None,
            "year_incorporated": None,
            "legal_status": None,
            "logo": None,
            "uri": None,
            "parent_organization_id": None,
        },
        "phones": [
            {
                "id": T.generated_id(s.id, "phone", i),
                "service_id": s.id,
                "number": p.number,
                "extension": None,
                "type": p.type,
                "description": p.description,
                "languages": [{"id": T.generated_id(s.id, "phone", i, "language", j), "name": lang,
                               "code": T.language_code(lang), "note": None} for j, lang in enumerate(p.languages)],
            }
            for i, p in enumerate(s.phones)
        ],
        "schedules": [_schedule(s, sch, i, taxonomy) for i, sch in enumerate(s.schedules)],
        "service_areas": [_area(s, code, i, geography) for i, code in enumerate(s.service_areas)],
        "service_at_locations": service_at_locations(s, taxonomy),
        "languages": [{"id": T.generated_id(s.id, "language", i), "name": lang, "code": T.language_code(lang),
                       "note": None} for i, lang in enumerate(s.languages)],
        "cost_options": [
            {"id": T.generated_id(s.id, "cost_option", i), "service_id": s.id, "option": c.option,
             "currency": "GBP" if c.amount is not None else None, "amount": c.amount,
             "amount_description": c.amount_description}
            for i, c in enumerate(s.cost_options)
        ],
        "contacts": [],
        "funding": [],
        "required_documents": [],
        "attributes": attributes,
    }


def export_services(directory: Directory, services: Iterable[Service] | None = None) -> list[dict[str, Any]]:
    """Every service of the directory (or the given ones) as HSDS 3, sorted by id."""
    chosen = sorted(services if services is not None else directory.services, key=lambda s: s.id)
    return [service_to_hsds(s, directory.taxonomy, directory.geography) for s in chosen]


def write_export(directory: Directory, out: Path) -> int:
    """Write the directory as a JSON list of HSDS 3 services; returns how many."""
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
