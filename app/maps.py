"""Folium maps that work with no internet: local Leaflet, boundaries as the base layer.

Why not folium's defaults: a plain ``folium.Map`` asks the browser for Leaflet, jQuery,
Bootstrap, Font Awesome and the awesome-markers plugin from five CDNs, and for map tiles
from OpenStreetMap. Each of those requests tells a third party that someone is looking at
a child-abuse support site. Here:

- Leaflet and Leaflet.markercluster come from ``static/vendor/`` (fetched from npm by
  ``scripts/vendor.sh``) and are served by Streamlit at ``/app/static/vendor/...``;
  nothing else folium would load is needed, because markers, popups and boundaries are
  drawn by small elements below that use Leaflet only (no jQuery, no icon fonts).
- The base layer is the local authority boundaries shipped in ``data/geography``.
  Online tiles are an opt-in (``online_tiles=True``), off by default.
- Every data string shown on the map (names, popups, tooltips) is HTML-escaped, then
  JSON-encoded with ``<``, ``>``, ``&`` and ``_`` as ``\\u`` escapes, so it can neither
  break out of the script nor collide with streamlit-folium's renaming of variables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import folium.plugins
from branca.element import Element, MacroElement
from jinja2 import Template

from services.versioned import VersionedLoader

from .render import h

__all__ = [
    "STATIC_URL",
    "ATTRIBUTION",
    "MapPoint",
    "LocalMap",
    "ServiceMarkers",
    "Boundaries",
    "PageFriendly",
    "build_map",
    "boundary_features",
    "vendor_ready",
    "local_assets",
    "js_json",
]

#: Where Streamlit serves ``static/`` (``server.enableStaticServing``).
STATIC_URL = "/app/static"
VENDOR_URL = f"{STATIC_URL}/vendor"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

LEAFLET_JS = f"{VENDOR_URL}/leaflet/leaflet.js"
LEAFLET_CSS = f"{VENDOR_URL}/leaflet/leaflet.css"
LEAFLET_IMAGES = f"{VENDOR_URL}/leaflet/images/"
CLUSTER_JS = f"{VENDOR_URL}/markercluster/leaflet.markercluster.js"
CLUSTER_CSS = (
    f"{VENDOR_URL}/markercluster/MarkerCluster.css",
    f"{VENDOR_URL}/markercluster/MarkerCluster.Default.css",
)

ATTRIBUTION = (
    "Boundaries: Contains OS data © Crown copyright and database right; "
    "Contains ONS data © ONS, OGL v3.0"
)

_ENGLAND = (52.8, -1.6)


def local_assets() -> list[str]:
    """Files under static/ the map needs (relative), for a readiness check and the tests."""
    return [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/markercluster/leaflet.markercluster.js",
        "vendor/markercluster/MarkerCluster.css",
        "vendor/markercluster/MarkerCluster.Default.css",
    ]


def vendor_ready(static_dir: Path = STATIC_DIR) -> bool:
    """True when scripts/vendor.sh has fetched Leaflet and the cluster plugin."""
    return all((static_dir / rel).is_file() for rel in local_assets())


_JINJA_OPEN = re.compile(r"\{(?=\{)")


def _js_json(value: Any) -> str:
    """JSON safe to paste into a script (and into streamlit-folium's renamed script).

    Also safe from Jinja: branca renders each element's script and then parses the result
    as a Jinja template *again* (``Element(script(...))``), so ``{{ ... }}`` in a service
    name would run on the server. ``%`` and ``#`` never occur in JSON outside strings and
    are always escaped; a structural ``{`` is always followed by ``"`` or ``}``, so a
    ``{`` followed by ``{`` is inside a string and is escaped. No ``{{``, ``{%`` or ``{#``
    can remain.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("_", "\\u005f")
        .replace("%", "\\u0025")
        .replace("#", "\\u0023")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _JINJA_OPEN.sub(r"\\u007b", text)


#: Public name for other pages' map elements (the service gaps page uses it).
js_json = _js_json


class _Text(Element):
    """Text added to a figure as it is.

    branca puts each rendered macro into ``Element(text)``, which compiles the text as a
    Jinja template and renders it a second time. For a map's marker and boundary data that
    was about a third of a Find support search's server time (issue 15); here the data is
    rendered once, by its own template, and never read as a template again.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = str(text)

    def render(self, **kwargs: Any) -> str:
        return self._text


class _DataMacro(MacroElement):
    """A MacroElement whose rendered header, html and script are added as :class:`_Text`."""

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        parts = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = parts.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
        return ""


class LocalMap(folium.Map):
    """A folium Map that loads only Leaflet, from this app's own static files.

    Also drops folium's ``user-scalable=no`` viewport tag: people must be able to zoom. It
    never catches the page's scrolling: no zooming by mouse wheel, and on a touch screen no
    panning with one finger (:class:`PageFriendly`); the zoom buttons sit at the bottom right,
    away from a popup's title.
    """

    default_js = [("leaflet", LEAFLET_JS)]
    default_css = [("leaflet_css", LEAFLET_CSS)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("zoom_control", "bottomright")
        kwargs.setdefault("scroll_wheel_zoom", False)
        super().__init__(*args, **kwargs)
        PageFriendly().add_to(self)

    def render(self, **kwargs: Any) -> str:
        super().render(**kwargs)
        figure = self.get_root()
        header = getattr(figure, "header", None)
        element = header._children.get(self.get_name()) if header is not None else None
        if header is not None and element is not None:
            cleaned = element.render().replace("maximum-scale=1.0, user-scalable=no", "")
            header._children[self.get_name()] = _Text(cleaned)
        return ""


class PageFriendly(MacroElement):
    """On a touch screen a swipe over the map scrolls the page: one-finger panning is off
    there (the zoom buttons and two-finger zoom still work)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            if (L.Browser.touch || L.Browser.mobile) {
                map.dragging.disable();
                if (map.tap) { map.tap.disable(); }
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageFriendly"


class LocalMarkerCluster(folium.plugins.MarkerCluster):
    """folium's MarkerCluster with the plugin served locally."""

    default_js = [("markerclusterjs", CLUSTER_JS)]
    default_css = [
        ("markerclustercss", CLUSTER_CSS[0]),
        ("markerclusterdefaultcss", CLUSTER_CSS[1]),
    ]


@dataclass(frozen=True)
class MapPoint:
    """One marker: where, its label (tooltip and screen-reader title) and popup lines."""

    lat: float
    lon: float
    title: str
    lines: tuple[str, ...] = ()
    link: str | None = None  # an http(s) page about the service, already checked


def _point_json(point: MapPoint) -> dict[str, Any]:
    popup = f"<strong>{h(point.title)}</strong>"
    if point.lines:
        popup += "<br>" + "<br>".join(h(line) for line in point.lines)
    if point.link and point.link.lower().startswith(("https://", "http://")):
        popup += f'<br><a href="{h(point.link)}" rel="noopener noreferrer">Website</a>'
    # The tooltip is built in the browser from ``title`` as text (never parsed as HTML),
    # so the name is sent once as data rather than again as escaped markup.
    return {"lat": round(point.lat, 5), "lon": round(point.lon, 5), "title": point.title, "popup": popup}


class ServiceMarkers(_DataMacro):
    """Markers added to their parent (a marker cluster or the map) from one data array.

    The tooltip and popup are HTML strings built here from escaped parts; ``title`` goes
    into an attribute through Leaflet's DOM API, which never parses it as HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            L.Icon.Default.imagePath = {{ this.image_path }};
            var points = {{ this.points }};
            var group = {{ this._parent.get_name() }};
            points.forEach(function (p) {
                var marker = L.marker([p.lat, p.lon], {title: p.title, alt: p.title, keyboard: true});
                var tip = document.createElement("span");
                tip.textContent = p.title;
                marker.bindTooltip(tip);
                marker.bindPopup(p.popup, {maxWidth: 280, autoPanPaddingTopLeft: [12, 12],
                                           autoPanPaddingBottomRight: [60, 90]});
                group.addLayer(marker);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: Sequence[MapPoint]) -> None:
        super().__init__()
        self._name = "ServiceMarkers"
        self.points = _js_json([_point_json(p) for p in points])
        self.image_path = _js_json(LEAFLET_IMAGES)


class Boundaries(_DataMacro):
    """Local authority boundaries as a non-interactive base layer, the focus area darker."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var data = {{ this.data }};
            var layer = L.geoJSON(data, {
                interactive: true,
                style: function (f) {
                    var focus = f.properties.focus;
                    return {color: focus ? "#0b0c0c" : "#505a5f", weight: focus ? 2.5 : 1,
                            fillColor: focus ? "#1d70b8" : "#b1b4b6",
                            fillOpacity: focus ? 0.12 : 0.08};
                },
                onEachFeature: function (f, l) { l.bindTooltip(f.properties.label, {sticky: true}); }
            });
            layer.addTo({{ this._parent.get_name() }});
            layer.bringToBack();
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, features: Sequence[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "Boundaries"
        self.data = _js_json({"type": "FeatureCollection", "features": list(features)})
        self.attribution = _js_json(h(ATTRIBUTION))


# --------------------------------------------------------------------------------------
# Boundary data (read once per file, then sliced per map)
# --------------------------------------------------------------------------------------

def _read_boundaries(path: Path, label: str) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    out: dict[str, dict[str, Any]] = {}
    for feature in collection.get("features", []):
        props = feature.get("properties") or {}
        code = props.get("code")
        if code and feature.get("geometry"):
            out[code] = {"name": str(props.get("name", code)), "geometry": feature["geometry"], "bbox": _bbox(feature["geometry"])}
    return out


#: The boundaries file, parsed once per version (services.versioned, as every data file is).
_boundaries: VersionedLoader[dict[str, dict[str, Any]]] = VersionedLoader(_read_boundaries, maxsize=4)


def _bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for c in coords:
                walk(c)

    walk(geometry.get("coordinates", []))
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def boundary_features(
    path: Path, codes: Iterable[str], *, focus: Iterable[str] = (), neighbours: bool | str = True
) -> list[dict[str, Any]]:
    """GeoJSON features for ``codes`` (and, with ``neighbours``, the authorities whose
    boxes touch the focus areas', so a place near a border shows the other side too;
    ``neighbours="all"`` adds every authority, for a map of all England)."""
    table = _boundaries(path)
    wanted = [c for c in dict.fromkeys(codes) if c in table]
    focus_set = {c for c in focus if c in table}
    if neighbours == "all":
        wanted.extend(table)
    elif neighbours and focus_set:
        boxes = [table[c]["bbox"] for c in focus_set]
        pad = 0.05
        for code, entry in table.items():
            x0, y0, x1, y1 = entry["bbox"]
            if any(x0 <= b[2] + pad and x1 >= b[0] - pad and y0 <= b[3] + pad and y1 >= b[1] - pad for b in boxes):
                wanted.append(code)
    features = []
    for code in dict.fromkeys(wanted):
        entry = table[code]
        features.append(
            {
                "type": "Feature",
                "properties": {"label": h(entry["name"]), "focus": code in focus_set},
                "geometry": entry["geometry"],
            }
        )
    return features


def features_bounds(features: Sequence[dict[str, Any]]) -> list[list[float]] | None:
    boxes = [_bbox(f["geometry"]) for f in features if f.get("properties", {}).get("focus")]
    if not boxes:
        boxes = [_bbox(f["geometry"]) for f in features]
    if not boxes:
        return None
    return [[min(b[1] for b in boxes), min(b[0] for b in boxes)], [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


# --------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------

def build_map(
    *,
    features: Sequence[dict[str, Any]],
    points: Sequence[MapPoint],
    centre: tuple[float, float] | None = None,
    you: tuple[float, float, str] | None = None,
    online_tiles: bool = False,
    cluster: bool = True,
) -> folium.Map:
    """A map of ``points`` over the boundary ``features``; tiles only when asked."""
    m = LocalMap(
        location=list(centre or _ENGLAND),
        zoom_start=10 if centre else 6,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # With no tile layer Leaflet has no zoom range, and the cluster plugin needs one.
    m.options["max_zoom"] = 17
    m.options["min_zoom"] = 5
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name="Street map (OpenStreetMap)", control=False).add_to(m)
    if features:
        Boundaries(features).add_to(m)
    parent: folium.Map | folium.plugins.MarkerCluster = m
    if cluster and len(points) > 1:
        parent = LocalMarkerCluster(name="Services", show_coverage_on_hover=False)
        parent.add_to(m)
    if points:
        ServiceMarkers(points).add_to(parent)
    if you is not None:
        YouMarker(you[0], you[1], you[2]).add_to(m)
    bounds = features_bounds([f for f in features if f["properties"].get("focus")] or list(features))
    lat_lons = [[p.lat, p.lon] for p in points]
    if you is not None:
        lat_lons.append([you[0], you[1]])
    if bounds or lat_lons:
        lats = [b[0] for b in (bounds or [])] + [ll[0] for ll in lat_lons]
        lons = [b[1] for b in (bounds or [])] + [ll[1] for ll in lat_lons]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(10, 10))
    return m


class YouMarker(_DataMacro):
    """The searched place: a yellow dot with an escaped label (not a service)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.circleMarker([{{ this.lat }}, {{ this.lon }}], {radius: 8, color: "#0b0c0c", weight: 2,
            fillColor: "#ffdd00", fillOpacity: 1}).bindTooltip({{ this.label }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lat: float, lon: float, label: str) -> None:
        super().__init__()
        self._name = "YouMarker"
        self.lat = float(lat)
        self.lon = float(lon)
        self.label = _js_json(h(label))
