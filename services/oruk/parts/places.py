"""Where a service is: its locations, their addresses and a map position that can be trusted.

A position outside the UK, or no position at all, is replaced by the postcode's centre from
the shipped geography where it can be, and otherwise kept off the map; both are reported.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ...geography import normalise_postcode
from ...models import Location
from .. import terms as T
from ..context import Context
from ..values import Problems, items_of, number_of, report_unread_keys, text_of
from ..waymark_export import field_attributes, location_from_waymark, own_location_id

__all__ = ["read_locations"]

#: Location keys the mapper reads (the rest are reported as not carried).
_LOCATION_KEYS = frozenset({
    "id", "name", "description", "addresses", "physical_addresses", "accessibility",
    "accessibility_for_disabilities", "latitude", "longitude", "location_type", "phones", "schedules",
    "attributes", "external_identifier", "external_identifier_type", "address_1", "address_2", "city",
    "postal_code", "postcode", "country", "state_province", "organization_id", "languages",
})


def read_locations(raw: dict[str, Any], service_id: str, ctx: Context, problems: Problems,
                   attending: list[str] | None = None) -> list[dict[str, Any]]:
    """The service's physical locations (``service_at_locations`` and ``locations``), each
    once; a virtual location is not a place, so it only adds attending online to ``attending``."""
    sources: list[tuple[str, Any]] = []
    for i, sal in enumerate(items_of(raw.get("service_at_locations"))):
        if not isinstance(sal, dict):
            problems.append((f"service_at_locations[{i}]", "is not an object; left out"))
            continue
        loc = sal.get("location")
        if isinstance(loc, dict):
            sources.append((f"service_at_locations[{i}].location", loc))
        elif text_of(sal.get("location_id")):
            problems.append((f"service_at_locations[{i}]", f"names location {sal.get('location_id')!r} without "
                             "its details; left out"))
    for i, loc in enumerate(items_of(raw.get("locations"))):
        if isinstance(loc, dict):
            sources.append((f"locations[{i}]", loc))
    out: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for where, loc in sources:
        if (text_of(loc.get("location_type")) or "").lower() == "virtual":
            if attending is not None and "online" not in attending:
                attending.append("online")
            problems.append((where, "is a virtual location; recorded as attending online, not placed on the map"))
            continue
        lid = text_of(loc.get("id"))
        if lid and lid in seen_ids:
            continue
        if lid:
            seen_ids.add(lid)
        item = _location(loc, where, service_id, len(out), ctx, problems)
        if item and (item not in out or lid):
            out.append(item)
    return out


def _location(raw_loc: dict[str, Any], where: str, service_id: str, index: int, ctx: Context,
              problems: Problems) -> dict[str, Any]:
    """A Waymark location: address, postcode and a position that can be trusted."""
    fields = field_attributes(raw_loc, T.LOCATION_FIELDS, f"{where}.", problems)
    from_waymark = location_from_waymark(fields)
    if not from_waymark:
        report_unread_keys(raw_loc, _LOCATION_KEYS, f"{where}.", problems)
    loc: dict[str, Any] = {}
    loc_id = text_of(raw_loc.get("id"))
    if from_waymark:
        loc_id = own_location_id(raw_loc) or loc_id
    if loc_id and loc_id != T.generated_id(service_id, "location", index):
        loc["id"] = loc_id
    for key in ("name", "description"):
        if text_of(raw_loc.get(key)):
            loc[key] = text_of(raw_loc.get(key))
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
    addresses = [a for a in items_of(raw_loc.get("addresses")) + items_of(raw_loc.get("physical_addresses"))
                 if isinstance(a, dict)]
    addresses.sort(key=lambda a: 0 if (text_of(a.get("address_type")) or "physical") == "physical" else 1)
    addr = addresses[0] if addresses else raw_loc
    if from_waymark and not addresses:  # an incomplete address travels as attributes
        addr = {k: fields.get(k) for k in ("address_1", "city")} | {"postal_code": fields.get("postcode")}
    line = ", ".join(x for x in (text_of(addr.get("address_1")), text_of(addr.get("address_2"))) if x)
    if line:
        loc["address_1"] = line
    city = text_of(addr.get("city"))
    if city:
        loc["city"] = city
    postcode_raw = text_of(addr.get("postal_code")) or text_of(addr.get("postcode"))
    postcode = None
    if postcode_raw and from_waymark:
        loc["postcode"] = postcode = postcode_raw
    elif postcode_raw:
        postcode = normalise_postcode(postcode_raw)
        country = (text_of(addr.get("country")) or "GB").upper()
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
    for a in items_of(raw_loc.get("accessibility")) + items_of(raw_loc.get("accessibility_for_disabilities")):
        if isinstance(a, str):
            text = text_of(a)
        elif isinstance(a, dict):
            head = text_of(a.get("description")) or text_of(a.get("accessibility"))
            details = text_of(a.get("details"))
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
    lat, lon = number_of(raw_loc.get("latitude")), number_of(raw_loc.get("longitude"))
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
