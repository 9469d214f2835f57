"""Reading back what only Waymark's own ORUK export carries, so export → import is lossless.

An export (:mod:`.exporter`) writes Waymark's pathway fields as attributes under the
``waymark`` taxonomy, its source pages as ``additional_urls`` with attributes linked to each,
who may call a phone as an attribute linked to the phone, a marked stand-in organisation for
a service that names none, and each location's position precision. A third-party feed carries
none of these and is read like any other.

``from_waymark`` is the mapper's one name for "this came from a Waymark export": a record is
one when it carries Waymark field attributes (:func:`service_fields`), a location when it
carries its precision (:func:`location_from_waymark`). Such a record is taken as written:
its phones, contacts and schedules are not merged (an export lists each once, as meant), its
days are kept as written and its dated hours not reported as passed or to come, no HSDS text
is read into Waymark's fields (its own attributes win), and no key it carries is reported as
not carried.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from . import terms as T
from .parts.taxonomy import terms_of
from .values import Problems, dict_of, items_of, text_of, waymark_id

__all__ = [
    "field_attributes", "service_fields", "apply_fields", "location_from_waymark", "own_location_id",
    "phone_fields", "source_pages", "names_no_organization", "own_organization_id", "is_stand_in_description",
]



def field_attributes(raw: dict[str, Any], allowed: Iterable[str], where: str, problems: Problems) -> dict[str, Any]:
    """``waymark:field:`` attributes of a record (or a location, a schedule), decoded.

    Values are plain text, one attribute per item of a list (older exports' JSON text is
    still read)."""
    values: dict[str, list[Any]] = {}
    allowed = set(allowed)
    for term, value in terms_of(raw):
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


def service_fields(raw: dict[str, Any], problems: Problems) -> tuple[dict[str, Any], bool, str | None]:
    """A record's Waymark fields; whether it came from a Waymark export (it carries them); and
    the id it was published under when that is a Waymark id, which then stands for the feed's id."""
    fields = field_attributes(raw, (*T.SERVICE_FIELDS, *T.EXTRA_SERVICE_FIELDS), "", problems)
    from_waymark = bool(fields)
    own_id = fields.pop("id", None)
    if from_waymark and isinstance(own_id, str) and waymark_id(own_id) == own_id:
        return fields, from_waymark, own_id
    return fields, from_waymark, None


def apply_fields(raw: dict[str, Any], fields: dict[str, Any], record: dict[str, Any], problems: Problems) -> None:
    """An export's own fields win over what its HSDS said (HSDS says less); a pathway field the
    export left out has Waymark's default; its source pages are read back."""
    for name in T.SERVICE_FIELDS:
        if name not in fields and name != "id":
            record.pop(name, None)
    for name, value in fields.items():
        if value is None or value == []:
            record.pop(name, None)
        else:
            record[name] = value
    pages = source_pages(raw, problems)
    if pages:
        record["sources"] = pages


def location_from_waymark(fields: dict[str, Any]) -> bool:
    """Whether a location came from a Waymark export, from its field attributes: an export
    gives every location its precision, which no other feed does."""
    return "precision" in fields


def own_location_id(raw_loc: dict[str, Any]) -> str | None:
    """A location's own Waymark id, which an export keeps as its external identifier (the
    location's ``id`` being a published UUID)."""
    if text_of(raw_loc.get("external_identifier_type")) == T.WAYMARK_SCHEME:
        return text_of(raw_loc.get("external_identifier"))
    return None


def phone_fields(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Phone id → its Waymark fields (``terms.PHONE_FIELDS``: who may call it), from the
    attributes a Waymark export links to phones."""
    out: dict[str, dict[str, str]] = {}
    for name, link_id, value in _linked_fields(raw, "phone"):
        text = text_of(value)
        if name in T.PHONE_FIELDS and text:
            out.setdefault(link_id, {})[name] = text
    return out


def source_pages(raw: dict[str, Any], problems: Problems) -> list[dict[str, Any]]:
    """A Waymark export's ``sources``: its ``additional_urls`` with the attributes linked to each."""
    linked: dict[str, dict[str, list[Any]]] = {}
    for name, link_id, value in _linked_fields(raw, "url"):
        if name in T.SOURCE_FIELDS:
            linked.setdefault(link_id, {}).setdefault(name, []).append(value)
    out: list[dict[str, Any]] = []
    for i, page in enumerate(items_of(raw.get("additional_urls"))):
        if not isinstance(page, dict) or not text_of(page.get("url")):
            problems.append((f"additional_urls[{i}]", "has no url; left out"))
            continue
        item: dict[str, Any] = {"url": text_of(page.get("url"))}
        if text_of(page.get("title")):
            item["title"] = text_of(page.get("title"))
        for name, values in linked.get(text_of(page.get("id")) or "", {}).items():
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


def names_no_organization(org: Any) -> bool:
    """Whether ``org`` is the stand-in an export writes for a service that names no
    organisation (ORUK requires one), which is not an organisation to import."""
    return T.STAND_IN in _identifiers(org)


def own_organization_id(org: Any) -> str | None:
    """Waymark's own id of an organisation: an export publishes a UUID and keeps the id as an
    identifier, so that the id survives the round trip."""
    return _identifiers(org).get(T.ORGANIZATION_ID_TYPE)


def is_stand_in_description(name: str, description: str) -> bool:
    """Whether ``description`` is the words an export writes for an organisation that has none
    (ORUK requires one), which are not a description to import."""
    return description == T.no_description(name)


def _identifiers(org: Any) -> dict[str, str | None]:
    """An organisation's identifiers in Waymark's scheme, by ``identifier_type``."""
    identifiers = [i for i in items_of(dict_of(org).get("organization_identifiers")) if isinstance(i, dict)]
    return {(text_of(i.get("identifier_type")) or ""): text_of(i.get("identifier")) for i in identifiers
            if text_of(i.get("identifier_scheme")) == T.WAYMARK_SCHEME}


def _linked_fields(raw: dict[str, Any], link_type: str) -> Iterator[tuple[str, str, Any]]:
    """(field name, id of the part, value) of each Waymark attribute linked to a part of the
    record (``link_type`` ``phone`` or ``url``) rather than to the record itself."""
    for a in items_of(raw.get("attributes")):
        if isinstance(a, dict) and text_of(a.get("link_type")) == link_type:
            tt = dict_of(a.get("taxonomy_term"))
            key = T.term_key_of(text_of(a.get("taxonomy_term_id"))) or T.term_key_of(text_of(tt.get("term")))
            yield (key or "").removeprefix(T.FIELD_PREFIX), text_of(a.get("link_id")) or "", a.get("value")
