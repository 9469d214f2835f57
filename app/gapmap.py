"""The Service gaps map: England's authorities filled by the chosen view.

Drawing only: what each area's figure or status is comes from :mod:`pathways.gaps.views`;
the boundaries from the app's shared reader (:mod:`app.maps`), offline like every map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from pathways.gaps import GapReport
from pathways.gaps.need import SUPPRESSED_WORDS
from pathways.gaps.status import (
    COVERED,
    COVERED_NOT_COMPILED,
    NATIONAL_ONLY,
    NO_RECORDS,
    NOT_COMPILED,
    NOT_COVERED,
    STATUS_COLOURS,
)
from pathways.gaps.views import View, map_cells, quantile_edges, rate_caption

from .maps import ATTRIBUTION, LocalMap, boundary_features, js_json, vendor_ready
from .render import h, md, small_print

__all__ = ["Choropleth", "gap_map", "LEGEND"]

# STATUS_COLOURS (pathways.gaps.status): the same words and colours in the tooltip, the table,
# the chart and the Excel download; "Not compiled" has its own colour: it is not a gap.
#: The nearest Streamlit Markdown colour to each, for the legend.
LEGEND = {COVERED: "green", COVERED_NOT_COMPILED: "green", NATIONAL_ONLY: "orange", NOT_COVERED: "red",
          NO_RECORDS: "gray", NOT_COMPILED: "violet"}
#: Sequential blues for rates; grey where there is no figure to colour.
_BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
_NO_FIGURE = "#b1b4b6"


def _rate_colour(value: float | None, edges: list[float]) -> str:
    if value is None or not edges:
        return _NO_FIGURE
    for colour, edge in zip(_BLUES, edges):
        if value <= edge:
            return colour
    return _BLUES[-1]


class Choropleth(MacroElement):
    """Authorities filled by status; tooltips are escaped here and JSON-encoded safely."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var data = {{ this.data }};
            var layer = L.geoJSON(data, {
                style: function (f) {
                    return {color: "#0b0c0c", weight: 0.6, fillColor: f.properties.fill, fillOpacity: 0.75};
                },
                onEachFeature: function (f, l) { l.bindTooltip(f.properties.label, {sticky: true}); }
            });
            layer.addTo({{ this._parent.get_name() }});
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "GapChoropleth"
        self.data = js_json({"type": "FeatureCollection", "features": features})
        self.attribution = js_json(h(ATTRIBUTION))


@st.cache_data(show_spinner=False, max_entries=4)
def _geometries(path: str, mtime_ns: int, codes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Each authority's boundary (the app's shared reader), cached per file version."""
    out = {}
    for code in codes:
        for feature in boundary_features(Path(path), [code], neighbours=False):
            out[code] = feature["geometry"]
    return out


def _count_colour(n: int, top: int) -> str:
    blues = ["#f3f2f1", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
    if n == 0:
        return blues[0]
    return blues[min(len(blues) - 1, 1 + (n - 1) * (len(blues) - 1) // max(top, 1))]


def gap_map(report: GapReport, view: View) -> None:
    """England coloured by the view: gaps, a rate, or each area's status at a stage or for a cohort."""
    if not vendor_ready():
        st.info("The map is not available because its files have not been installed. Run `make run` "
                "(or `bash scripts/vendor.sh`) to install them. The table below has every figure the map would show.")
        return
    path = report.model.directory.geography.boundaries_path
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        st.info("The area boundaries are missing, so there is no map; the table below has every figure.")
        return
    names = {a.code: a.name for a in report.areas}
    cells = map_cells(report, view)
    numbers = [c.value for c in cells.values() if c.value is not None]
    top = int(max(numbers, default=0))
    edges = quantile_edges(numbers) if view[0] in ("rate", "need") else []
    features = []
    for code, geometry in _geometries(str(path), mtime, tuple(sorted(cells))).items():
        cell = cells[code]
        if cell.status is not None:
            fill = STATUS_COLOURS[cell.status]
        elif view[0] == "count":
            fill = _count_colour(int(cell.value or 0), top)
        else:
            fill = _rate_colour(cell.value, edges)
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"label": f"{h(names[code])}: {h(cell.text)}", "fill": fill}})
    fmap = LocalMap(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True)
    fmap.options["max_zoom"] = 12
    fmap.options["min_zoom"] = 5
    Choropleth(features).add_to(fmap)
    fmap.fit_bounds([[49.9, -6.4], [55.8, 1.8]])
    st_folium(fmap, key=f"gaps-map-{view[0]}-{view[1]}", height=520, use_container_width=True, returned_objects=[])
    if view[0] == "count":
        st.markdown(f":{LEGEND[NOT_COMPILED]}[■] {NOT_COMPILED}: local services not listed yet, so gaps are unknown")
        small_print("Darker blue: more stages and cohorts without local cover. " + ATTRIBUTION + ".")
    elif view[0] in ("rate", "need"):
        # Swatches carry their own words, dark on light and white on dark, so they read at AA contrast.
        def swatch(fill: str, words: str, ink: str = "#0b0c0c") -> str:
            return f"<span style='background:{fill};color:{ink};padding:0 .4em;margin-right:.3em'>{h(words)}</span>"

        classes = "".join(swatch(c, f"up to {e:g}", "#ffffff" if i >= 3 else "#0b0c0c")
                          for i, (c, e) in enumerate(zip(_BLUES, edges)))
        grey = "not compiled (no comparison)" if view[0] == "rate" else f"{SUPPRESSED_WORDS} or not published"
        st.markdown(f"Per 10,000 children: {classes}{swatch(_NO_FIGURE, grey)}", unsafe_allow_html=True)
        small_print(md(rate_caption(report, view) + " " + ATTRIBUTION + "."))
    else:
        st.markdown("  ".join(f":{LEGEND[name]}[■] {name}" for name in STATUS_COLOURS))
        small_print(ATTRIBUTION + ".")
