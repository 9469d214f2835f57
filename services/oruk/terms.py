"""Waymark's own HSDS taxonomy and the ids an export gives to things Waymark does not name.

HSDS 3 carries local knowledge as ``attribute``s: a link from a record to a
``taxonomy_term``, with an optional ``value``. Waymark publishes one taxonomy, ``waymark``,
with three kinds of term:

- ``waymark:service_type:<id>`` — the service types of docs/contracts.md (``sarc``, ``csaac`` ...);
- ``waymark:stage:<id>`` — the pathway stages a service serves;
- ``waymark:field:<name>`` — a pathway field ORUK has no place for (``requires_disclosure``,
  ``available_during_investigation``, ``source`` ...), its value as plain text.

A record that carries ``waymark:field:`` attributes came from a Waymark export; for it those
attributes are authoritative, so export → import gives back the same directory.

Open Referral UK wants UUIDs everywhere (``docs/hsds/identifiers.md``): a term's published
``id`` is :func:`term_uuid` of its readable key, which travels as the term's ``code`` and
``term``; a Waymark service, location or organisation id that is not already a UUID is
published as :func:`export_id` (``uuid5`` in a fixed namespace, so stable across runs) and the
Waymark id itself travels beside it (``waymark:field:id``, a location's
``external_identifier``, an organisation identifier). Attribute values are plain text —
``true``, ``3.5``, the words themselves — and a list is one attribute per item, never a
JSON-encoded string.

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
    "PHONE_FIELDS",
    "PROFESSIONALS_PREFIX",
    "professionals_description",
    "read_professionals_description",
    "FIELD_WORDS",
    "generated_id",
    "type_term_id",
    "stage_term_id",
    "field_term_id",
    "encode_value",
    "decode_value",
    "attribute_values",
    "decode_field",
    "export_id",
    "is_uuid",
    "term_uuid",
    "term_key_of",
    "TAXONOMY_UUID",
    "ENGLAND_GSS",
    "GSS_URI",
    "LANGUAGE_CODES",
    "language_code",
    "language_name",
]

TAXONOMY_ID = "waymark"
#: ``identifier_scheme`` of the identifiers that carry Waymark's own ids (and
#: ``external_identifier_type`` of a location that keeps its Waymark id).
WAYMARK_SCHEME = "waymark"
#: ``identifier_type`` of the stand-in organisation an export writes for a service that
#: names none (dropped again on import).
STAND_IN = "no organisation recorded"
#: ``identifier_type`` of an organisation's own Waymark id.
ORGANIZATION_ID_TYPE = "Waymark organisation id"


def professionals_description(description: str | None) -> str:
    """A professionals' line's HSDS description: :data:`PROFESSIONALS_PREFIX`, then its own."""
    return f"{PROFESSIONALS_PREFIX} {description}" if description else PROFESSIONALS_PREFIX


def read_professionals_description(description: str | None) -> tuple[bool, str | None]:
    """(whether the description marks a professionals' line, the description without the mark)."""
    if description is None or not description.casefold().startswith(PROFESSIONALS_PREFIX.casefold()):
        return False, description
    return True, description[len(PROFESSIONALS_PREFIX):].strip() or None


def no_description(name: str) -> str:
    """The description an export gives an organisation that has none (ORUK requires one)."""
    return f"{name}: no description recorded in Waymark."
TAXONOMY: dict[str, Any] = {
    "id": TAXONOMY_ID,
    "name": "Waymark",
    "description": (
        "Waymark's pathway vocabulary for services for children at risk of, or who have "
        "suffered, sexual abuse in the family environment: service types, pathway stages, "
        "and pathway fields Open Referral UK has no place for."
    ),
    "version": "1",
}

TYPE_PREFIX = "waymark:service_type:"
STAGE_PREFIX = "waymark:stage:"
FIELD_PREFIX = "waymark:field:"

#: Service fields exported as ``waymark:field:`` attributes (everything HSDS cannot carry).
SERVICE_FIELDS: tuple[str, ...] = (
    "id",
    "for_parents",
    "requires_disclosure",
    "available_during_investigation",
    "accepts_self_referral",
    "referral_routes",
    "waiting_weeks",
    "free",
    "accessibility",
    "source",
    "verified",
    "last_verified",
    "notes",
    "attending",
    "availability",
)
#: Service fields an export carries as attributes only when the ORUK field cannot (a
#: ``tel:``/``mailto:`` link is not a web address).
EXTRA_SERVICE_FIELDS: tuple[str, ...] = ("url", "email")
#: Location fields carried as attributes of the HSDS location (the address parts only when
#: the location is too incomplete for an ORUK address, which needs street, town and postcode).
LOCATION_FIELDS: tuple[str, ...] = ("precision", "address_1", "city", "postcode")
#: Fields of a source page (``sources``), carried as attributes linked to the page, which
#: is published as an HSDS 3.1 ``additional_urls`` item (its url and title).
SOURCE_FIELDS: tuple[str, ...] = ("updated", "dated_by", "dated_by_reason", "read", "supports")
#: Phone fields carried as attributes linked to the phone (only when not the default).
PHONE_FIELDS: tuple[str, ...] = ("audience", "unconfirmed")
#: How a professionals' line's HSDS ``description`` begins, so that an app reading plain HSDS
#: (which knows nothing of Waymark's attributes) does not offer it to a family; the importer
#: takes it off again (and reads it as the audience, whoever published the feed).
PROFESSIONALS_PREFIX = "For professionals only:"
#: Schedule fields carried as attributes of the HSDS schedule.
SCHEDULE_FIELDS: tuple[str, ...] = ("open_24_7", "closed")

#: How each field's plain-text attribute value is read back.
_BOOL_FIELDS = {"for_parents", "requires_disclosure", "available_during_investigation",
                "accepts_self_referral", "free", "verified", "open_24_7", "closed"}
_NUMBER_FIELDS = {"waiting_weeks"}
LIST_FIELDS = {"referral_routes", "accessibility", "attending", "supports"}

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
    "verified": ("Verified", "Waymark checked the record against the organisation's own pages."),
    "last_verified": ("Last verified", "When the record was last checked (ISO date)."),
    "notes": ("Notes", "Caveats a practitioner should know."),
    "precision": (
        "Position precision",
        "How far a location's coordinates can be trusted: address, postcode, town or area.",
    ),
    "open_24_7": ("Open 24/7", "The service is open all day, every day."),
    "closed": ("Closed", "The schedule is a closure (a holiday, say), not opening hours."),
    "id": ("Waymark id", "The service's id in Waymark's directory."),
    "url": ("Link", "The service's link when it is not a web address the ORUK url field takes."),
    "email": ("Email", "The service's email as recorded when the ORUK email field cannot take it."),
    "attending": ("How to attend", "in_person, phone or online (one attribute each)."),
    "availability": ("Availability", "everywhere, or some_areas: a national programme that runs only in some places."),
    "updated": ("Page updated", "The date a source page shows for itself (ISO date)."),
    "dated_by": ("Page dated by its words", "The date an undated source page's own words give it (ISO date)."),
    "dated_by_reason": ("Why the page is dated so", "The words of an undated source page that date it."),
    "audience": ("Who may call", "professionals: a line a page reserves for professionals (public when absent)."),
    "unconfirmed": (
        "Number not on a cited page",
        "Why a number is kept although no page the record cites could be shown to state it.",
    ),
    "read": ("Page read", "When Waymark's compiler read the source page (ISO date)."),
    "supports": ("Supports", "A record field the source page states (one attribute each)."),
    "address_1": ("Street address", "A location's street address when the rest of its address is unknown."),
    "city": ("Town", "A location's town when the rest of its address is unknown."),
    "postcode": ("Postcode", "A location's postcode when the rest of its address is unknown."),
}

_NAMESPACE = uuid.UUID("5b0f1a4e-7f55-4c1f-9a59-1f0c3f2a7d11")
#: Namespace of published ids for Waymark's own ids (services, locations, organisations).
ID_NAMESPACE = uuid.UUID("8d3c1f57-2b7e-4d0a-b7c4-6a0f3e9d2c41")
#: Namespace of published ids for Waymark's taxonomy and its terms.
TERM_NAMESPACE = uuid.UUID("0e6f4b9a-93d2-4c58-8a17-5d2b7c6e1f30")

#: GSS code of England: the service area of a national service.
ENGLAND_GSS = "E92000001"
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"


def generated_id(*parts: object) -> str:
    """A stable UUID for an unnamed part of a record (``generated_id(service, "phone", 0)``)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a UUID in the canonical lower-case form."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def export_id(waymark_id: str) -> str:
    """The published UUID of a Waymark id: itself when it is one, else ``uuid5`` of it."""
    return waymark_id if is_uuid(waymark_id) else str(uuid.uuid5(ID_NAMESPACE, waymark_id))


def term_uuid(key: str) -> str:
    """The published UUID of a term (``waymark:stage:immediate_safety``) or of ``waymark``."""
    return str(uuid.uuid5(TERM_NAMESPACE, key))


TAXONOMY_UUID = term_uuid(TAXONOMY_ID)


def term_key_of(value: str | None) -> str | None:
    """A Waymark term's readable key from its key or its published UUID (else None)."""
    if not value:
        return None
    if value.startswith("waymark:"):
        return value
    return _KEYS_BY_UUID.get(value.lower())


def type_term_id(service_type: str) -> str:
    return TYPE_PREFIX + service_type


def stage_term_id(stage: str) -> str:
    return STAGE_PREFIX + stage


def field_term_id(name: str) -> str:
    return FIELD_PREFIX + name


def encode_value(value: Any) -> str:
    """An attribute value: JSON text (``true``, ``null``, ``["a", "b"]``, ``"text"``)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def attribute_values(value: Any) -> list[str]:
    """The plain-text attribute values of a field: none for an unset field, one per item of
    a list, ``true``/``false`` for a flag, the number or the words themselves otherwise."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v) != ""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, float):
        return [f"{value:g}"]
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return [text] if text != "" else []


def decode_field(name: str, values: list[Any]) -> Any:
    """A field's value from its attribute values (raises ValueError when they cannot be it).

    Text is taken as it is, quotes and all. Exports before values became plain text wrote a
    list as one JSON array and an unknown flag as ``null``; those are still read."""
    plain: list[Any] = []
    for v in values:
        if name in LIST_FIELDS and isinstance(v, str) and len(values) == 1 and v.startswith("[") and v.endswith("]"):
            try:  # an older export's whole list as JSON text
                decoded = json.loads(v)
            except ValueError:
                decoded = None
            if isinstance(decoded, list):
                v = decoded
        if isinstance(v, list):
            plain.extend(v)
        else:
            plain.append(v)
    if name in LIST_FIELDS:
        return [str(v) for v in plain if v is not None]
    if not plain or plain[-1] is None or (plain[-1] == "null" and name in _BOOL_FIELDS | _NUMBER_FIELDS):
        return None
    last = plain[-1]
    if name in _BOOL_FIELDS:
        if isinstance(last, bool):
            return last
        text = str(last).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise ValueError(f"{last!r} is not true or false")
    if name in _NUMBER_FIELDS:
        return float(last)
    return last if isinstance(last, str) else str(last)


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
        + [field_term_id(f) for f in (*SERVICE_FIELDS, *EXTRA_SERVICE_FIELDS, *LOCATION_FIELDS, *SCHEDULE_FIELDS,
                                      *SOURCE_FIELDS, *PHONE_FIELDS)]
    )


PARENT_TERMS = ["waymark:service_type", "waymark:stage", "waymark:field"]
_KEYS_BY_UUID = {term_uuid(k): k for k in [TAXONOMY_ID, *PARENT_TERMS, *all_term_ids()]}
