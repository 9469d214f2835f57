"""Service areas as GSS codes: from an area's URI, code, name or drawn extent, else from
where the service's locations are (said so, since it is a guess)."""

from __future__ import annotations

import re
from typing import Any

from ...vocabulary import NATIONAL
from ..context import Context
from ..taxonomy_map import term_key
from ..values import Problems, items_of, text_of

__all__ = ["read_service_areas"]

_NATIONAL_WORDS = {
    "national", "nationwide", "england", "all of england", "england wide", "england-wide",
    "united kingdom", "uk", "uk wide", "uk-wide", "great britain", "gb", "england and wales",
    "e92000001", "k02000001", "k03000001", "k04000001",
}
_GSS_IN = re.compile(r"\b([EWSNK]\d{8})\b")


def read_service_areas(raw: dict[str, Any], locations: list[dict[str, Any]], ctx: Context,
                       problems: Problems) -> list[str]:
    """GSS codes (or ``national``) of the areas served; when the feed gives none usable, those
    of the authorities its locations are in, reported so that someone checks them."""
    out: list[str] = []
    for i, item in enumerate(items_of(raw.get("service_areas"))):
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


def _area(item: Any, ctx: Context) -> tuple[str | None, str, str | None]:
    """(code or 'national' or None, what the feed called it, how it was guessed)."""
    texts: list[str] = []
    extent = None
    if isinstance(item, str):
        texts = [item]
    elif isinstance(item, dict):
        uri = text_of(item.get("uri")) or ""
        m = _GSS_IN.search(uri)
        if m:
            texts.append(m.group(1))
        for key in ("service_area", "name", "description"):
            t = text_of(item.get(key))
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
