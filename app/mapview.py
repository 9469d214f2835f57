"""Showing a map in a page: services → markers, cached boundary slices, the tiles toggle.

The map is drawn with ``st_folium(..., returned_objects=[])``: nothing the user does on the
map (panning, zooming, clicking) is sent back, so the app never reruns because of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from services.freshness import trust_line
from services.geography import Place
from services.models import Service

from .maps import ATTRIBUTION, MapPoint, boundary_features, build_map, vendor_ready
from .render import safe_href, type_name

__all__ = ["points_for", "show_map", "cached_features"]

MAP_HEIGHT = 440


def points_for(services: Iterable[Service], taxonomy, *, distances: dict[str, str] | None = None) -> list[MapPoint]:
    """One marker per placed location of each service (unplaced services have none)."""
    points: list[MapPoint] = []
    for service in services:
        for loc in service.locations:
            if loc.latitude is None or loc.longitude is None:
                continue
            lines = [type_name(taxonomy, service.primary_type)]
            where = ", ".join(x for x in (loc.name, loc.address_1, loc.city, loc.postcode) if x)
            if where:
                lines.append(where)
            if loc.precision in ("town", "area"):
                lines.append(f"Shown at the {loc.precision}'s centre: the exact address is not listed.")
            if distances and service.id in distances:
                lines.append(distances[service.id])
            if service.is_stale():
                lines.append(trust_line(service))
            url = service.url or (service.organization.url if service.organization else None)
            link = safe_href(url)
            points.append(
                MapPoint(
                    loc.latitude,
                    loc.longitude,
                    service.name,
                    tuple(lines),
                    link if link and link.startswith("http") else None,
                )
            )
    return points


@st.cache_data(show_spinner=False, max_entries=64)
def cached_features(path: str, mtime_ns: int, codes: tuple[str, ...], focus: tuple[str, ...], neighbours: bool | str) -> list[dict]:
    """Boundary features for a map, cached per (file version, areas)."""
    return boundary_features(Path(path), codes, focus=focus, neighbours=neighbours)


def _features(boundaries_path: Path, codes: Sequence[str], focus: Sequence[str], neighbours: bool | str) -> list[dict]:
    try:
        mtime = boundaries_path.stat().st_mtime_ns
    except OSError:
        return []
    return cached_features(str(boundaries_path), mtime, tuple(codes), tuple(focus), neighbours)


def show_map(
    *,
    key: str,
    boundaries_path: Path,
    services: Sequence[Service],
    taxonomy,
    area_codes: Sequence[str] = (),
    focus: Sequence[str] = (),
    place: Place | None = None,
    distances: dict[str, str] | None = None,
    neighbours: bool | str = True,
) -> None:
    """The map section: the tiles opt-in, the map (or why there is none), what it leaves out."""
    if not vendor_ready():
        st.info(
            "The map is not available because its files have not been installed. "
            "Run `make run` (or `bash scripts/vendor.sh`) to install them. The list below "
            "has everything the map would show."
        )
        return
    online = st.toggle(
        "Show street map (loads map pictures from OpenStreetMap; off keeps everything on this site)",
        value=False,
        key=f"{key}-tiles",
    )
    points = points_for(services, taxonomy, distances=distances)
    features = _features(boundaries_path, area_codes, focus, neighbours)
    you = (place.lat, place.lon, f"You searched: {place.label}") if place else None
    fmap = build_map(
        features=features,
        points=points,
        centre=(place.lat, place.lon) if place else None,
        you=you,
        online_tiles=online,
    )
    st_folium(
        fmap,
        key=f"{key}-map-{'tiles' if online else 'plain'}",
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
    )
    placed = {p.title for p in points}
    unplaced = [s for s in services if s.name not in placed]
    note = f"{len(points)} place{'s' if len(points) != 1 else ''} on the map."
    if unplaced:
        note += (
            f" {len(unplaced)} other service{'s' if len(unplaced) != 1 else ''} work across the area, "
            "by phone or online, so there is no single place to show."
        )
    st.markdown(note + " " + ATTRIBUTION + ("; street map © OpenStreetMap contributors." if online else "."))
