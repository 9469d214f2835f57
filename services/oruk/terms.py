"""Waymark's own HSDS taxonomy and the ids an export gives to things Waymark does not name.

HSDS 3 carries local knowledge as ``attribute``s: a link from a record to a
``taxonomy_term``, with an optional ``value``. Waymark publishes one taxonomy, ``waymark``,
with three kinds of term:

- ``waymark:service_type:<id>`` — the service types of DESIGN.md (``sarc``, ``csaac`` ...);
- ``waymark:stage:<id>`` — the pathway stages a service serves;
- ``waymark:field:<name>`` — a pathway field ORUK has no place for (``requires_disclosure``,
  ``available_during_investigation``, ``source`` ...), its value JSON-encoded.

A record that carries ``waymark:field:`` attributes came from a Waymark export; for it those
attributes are authoritative, so export → import gives back the same directory.

Waymark records name services but not every phone, schedule or location; an export gives
those a UUID derived (``uuid5``) from the service id and position, so exporting twice gives
the same ids, and the importer can tell a generated id from a real one and drop it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..vocabulary import SERVICE_TYPES, STAGES

__all__ = [
    "TAXONOMY_ID",
    "TAXONOMY",
    "TYPE_PREFIX",
    "STAGE_PREFIX",
    "FIELD_PREFIX",
    "SERVICE_FIELDS",
    "LOCATION_FIELDS",
    "SCHEDULE_FIELDS",
    "FIELD_WORDS",
    "generated_id",
    "type_term_id",
    "stage_term_id",
    "field_term_id",
    "encode_value",
    "decode_value",
    "ENGLAND_GSS",
    "GSS_URI",
    "LANGUAGE_CODES",
    "language_code",
    "language_name",
]

TAXONOMY_ID = "waymark"
TAXONOMY: dict[str, Any] = {
    "id": TAXONOMY_ID,
    "name": "Waymark",
    "description": (
        "Waymark's pathway vocabulary for services for children at risk of, or who have "
        "suffered, sexual abuse in the family environment: service types, pathway stages, "
        "and pathway fields Open Referral UK has no place for."
    ),
    "uri": None,
    "version": "1",
}

TYPE_PREFIX = "waymark:service_type:"
STAGE_PREFIX = "waymark:stage:"
FIELD_PREFIX = "waymark:field:"

#: Service fields exported as ``waymark:field:`` attributes (everything HSDS cannot carry).
SERVICE_FIELDS: tuple[str, ...] = (
    "for_parents",
    "requires_disclosure",
    "available_during_investigation",
    "accepts_self_referral",
    "referral_routes",
    "waiting_weeks",
    "free",
    "accessibility",
    "source",
    "sources",
    "verified",
    "last_verified",
    "notes",
)
#: Location fields carried as attributes of the HSDS location.
LOCATION_FIELDS: tuple[str, ...] = ("precision",)
#: Schedule fields carried as attributes of the HSDS schedule.
SCHEDULE_FIELDS: tuple[str, ...] = ("open_24_7",)

FIELD_WORDS: dict[str, tuple[str, str]] = {
    "for_parents": ("For parents and carers", "The service is for parents and carers rather than the child."),
    "requires_disclosure": ("Needs a disclosure", "The service needs the child to have told someone about the abuse."),
    "available_during_investigation": (
        "Available during a police investigation",
        "The service carries on (or starts) while a police investigation is open.",
    ),
    "accepts_self_referral": ("Self-referral", "Families and young people can contact the service themselves."),
    "referral_routes": ("Referral routes", "How a child or family gets to the service (JSON list of text)."),
    "waiting_weeks": ("Typical wait in weeks", "Typical wait from referral to first appointment, in weeks."),
    "free": ("Free", "The service says it is free to use."),
    "accessibility": ("Accessibility", "How the service is made accessible (JSON list of text)."),
    "source": ("Source", "Where Waymark's facts about the service came from."),
    "sources": (
        "Source pages",
        "The dated pages behind the record's claims (JSON list of {url, title, updated, read, supports}).",
    ),
    "verified": ("Verified", "Waymark checked the record against the organisation's own pages."),
    "last_verified": ("Last verified", "When the record was last checked (ISO date)."),
    "notes": ("Notes", "Caveats a practitioner should know."),
    "precision": (
        "Position precision",
        "How far a location's coordinates can be trusted: address, postcode, town or area.",
    ),
    "open_24_7": ("Open 24/7", "The service is open all day, every day."),
}

_NAMESPACE = uuid.UUID("5b0f1a4e-7f55-4c1f-9a59-1f0c3f2a7d11")

#: GSS code of England: the service area of a national service.
ENGLAND_GSS = "E92000001"
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"


def generated_id(*parts: object) -> str:
    """A stable UUID for an unnamed part of a record (``generated_id(service, "phone", 0)``)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def type_term_id(service_type: str) -> str:
    return TYPE_PREFIX + service_type


def stage_term_id(stage: str) -> str:
    return STAGE_PREFIX + stage


def field_term_id(name: str) -> str:
    return FIELD_PREFIX + name


def encode_value(value: Any) -> str:
    """An attribute value: JSON text (``true``, ``null``, ``["a", "b"]``, ``"text"``)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decode_value(text: Any) -> Any:
    """The value of a ``waymark:field:`` attribute; raises ValueError when not JSON."""
    if text is None:
        return None
    if not isinstance(text, str):
        return text
    return json.loads(text)


#: ISO 639-1 (and BSL's 639-3) codes for languages commonly offered by English services.
LANGUAGE_CODES: dict[str, str] = {
    "English": "en",
    "Welsh": "cy",
    "British Sign Language": "bfi",
    "Arabic": "ar",
    "Bengali": "bn",
    "Chinese": "zh",
    "French": "fr",
    "Gujarati": "gu",
    "Hindi": "hi",
    "Italian": "it",
    "Lithuanian": "lt",
    "Polish": "pl",
    "Portuguese": "pt",
    "Punjabi": "pa",
    "Romanian": "ro",
    "Somali": "so",
    "Spanish": "es",
    "Tamil": "ta",
    "Turkish": "tr",
    "Ukrainian": "uk",
    "Urdu": "ur",
}
_NAMES_BY_CODE = {code: name for name, code in LANGUAGE_CODES.items()}


def language_code(name: str) -> str | None:
    return LANGUAGE_CODES.get(name)


def language_name(code: str) -> str | None:
    return _NAMES_BY_CODE.get(code.strip().lower())


def all_term_ids() -> list[str]:
    """Every term of the Waymark taxonomy, in a stable order."""
    return (
        [type_term_id(t) for t in SERVICE_TYPES]
        + [stage_term_id(s) for s in STAGES]
        + [field_term_id(f) for f in (*SERVICE_FIELDS, *LOCATION_FIELDS, *SCHEDULE_FIELDS)]
    )
