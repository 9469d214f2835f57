"""Service gaps: for commissioners — where, for whom and at which step support is missing.

The numbers come from :mod:`pathways.gaps` (the same table ``python -m pathways gaps``
prints); this page only chooses what to show and draws it: a filter by commissioner, a map
of England coloured by the chosen gap (or by services or identified need per 10,000
children), a table that sorts and filters, a chart by region, one area in detail with its
children, need and statements to paste into a paper and a dot chart beside its statistical
neighbours, downloads (split by commissioner), and a what-if that never saves anything.
Every figure names its year and source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from pathways.gaps import GapReport, analyse
from pathways.gaps.by_commissioner import gap_count, stages_of
from pathways.gaps.commissioners import COMMISSIONERS
from pathways.gaps.export import to_csv, to_excel
from pathways.gaps.need import (
    MEASURE,
    SUPPRESSED_WORDS,
    commissioners_for,
    neighbour_rows,
    report_context,
)
from pathways.gaps.records import AreaGaps
from pathways.gaps.status import (
    COVERED,
    COVERED_NOT_COMPILED,
    GAP_STATUSES,
    LIGHT_STATUSES,
    NATIONAL_ONLY,
    NO_RECORDS,
    NOT_COMPILED,
    NOT_COVERED,
    STATUS_COLOURS,
    cell_status,
)
from pathways.gaps.whatif import Hypothetical, what_if
from services.guidance import guidance_path, load_guidance
from services.sections import long_or_unknown_wait
from services.vocabulary import SERVICE_TYPES

from .. import context
from ..errors import Failed, shown
from ..maps import ATTRIBUTION, LocalMap, _js_json, boundary_features, vendor_ready
from ..render import h, md, small_print, type_name

__all__ = ["render", "STATUS_COLOURS", "gap_rows", "WHAT_IF_KEY", "ALL_COMMISSIONERS"]

#: Session key of the last what-if result (a commissioner's hypothetical, not a child's data).
WHAT_IF_KEY = "service_gaps_what_if"

# STATUS_COLOURS (pathways.gaps.status): the same words and colours in the tooltip, the table,
# the chart and the Excel download; "Not compiled" has its own colour: it is not a gap.
#: The nearest Streamlit Markdown colour to each, for the legend.
_LEGEND = {COVERED: "green", COVERED_NOT_COMPILED: "green", NATIONAL_ONLY: "orange", NOT_COVERED: "red",
           NO_RECORDS: "gray", NOT_COMPILED: "violet"}
_GAP_COUNT = ("count", "all")
_RATE = ("rate", "all")
_NEED = ("need", "sexual_abuse")
ALL_COMMISSIONERS = "All commissioners"
#: Sequential blues for rates; grey where there is no figure to colour.
_BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
_NO_FIGURE = "#b1b4b6"


def _choices(report: GapReport, commissioner: str | None = None) -> list[tuple[str, str]]:
    model = report.model
    if commissioner is not None:
        mine = stages_of(report, [commissioner])
        return [("count", commissioner), _RATE, _NEED] + [("stage", s) for s in mine]
    return ([_GAP_COUNT, _RATE, _NEED]
            + [("stage", s.id) for s in model.stages]
            + [("cohort", c.id) for c in model.book.cohorts])


def _choice_label(report: GapReport, choice: tuple[str, str]) -> str:
    kind, ident = choice
    if kind == "count":
        if ident != "all":
            return f"Number of gaps {commissioners_for(report.model).name(ident)} commissions"
        return "Number of gaps (stages and cohorts)"
    if kind == "rate":
        return "Local services per 10,000 children"
    if kind == "need":
        return "Sexual abuse identified at assessment, per 10,000 children"
    if kind == "stage":
        return f"Stage: {report.model.stage(ident).name}"
    return f"For: {report.model.book.cohort(ident).name}"


def _gap_count(area: AreaGaps, choice: tuple[str, str], report: GapReport) -> int:
    return gap_count(report, area, None if choice[1] == "all" else choice[1])


def _figure(area: AreaGaps, choice: tuple[str, str]) -> float | None:
    """The number a rate view colours by: services or need per 10,000 children."""
    if choice[0] == "rate":
        return area.services_per_10k_children
    value: float | None = (area.need or {}).get("per_10k_children")
    return value


def _no_figure_words(area: AreaGaps, choice: tuple[str, str]) -> str:
    if choice[0] == "rate":
        return "not compiled: no comparison"
    need = area.need or {}
    return SUPPRESSED_WORDS if need.get("suppressed") else "not published"


def _bins(values: list[float]) -> list[float]:
    """Upper edges of five quantile classes (the last is the maximum)."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, (len(ordered) * k) // 5)] for k in range(1, 5)] + [ordered[-1]]


def _rate_colour(value: float | None, edges: list[float]) -> str:
    if value is None or not edges:
        return _NO_FIGURE
    for colour, edge in zip(_BLUES, edges):
        if value <= edge:
            return colour
    return _BLUES[-1]


def _status(area: AreaGaps, choice: tuple[str, str]) -> str:
    return cell_status(area, choice[0], choice[1])


def _compiled(area: AreaGaps) -> bool:
    return area.compiled


def gap_rows(report: GapReport, choice: tuple[str, str]) -> pd.DataFrame:
    """The table for the chosen gap: one row per area, with the area's children, identified
    need and services per 10,000 children beside it."""
    rows = []
    for a in report.areas:
        row: dict[str, Any] = {"Area": a.name, "Code": a.code, "Region": a.region,
                               "Coverage": "Compiled" if _compiled(a) else NOT_COMPILED}
        if choice[0] == "stage":
            stage = a.stages[choice[1]]
            row["Status"] = _status(a, choice)
            row["Services"] = stage.services
            row["Services per 10,000 children"] = stage.services_per_10k_children
            row["Nearest (km, average)"] = stage.nearest_km
            row["Within 30 km"] = stage.share_within_km
        elif choice[0] == "cohort":
            cohort = a.cohorts[choice[1]]
            row["Status"] = _status(a, choice)
            row["Services"] = sum(s.services for s in cohort.stages.values())
            row["Nearest (km, average)"] = cohort.nearest_km
            row["Within 30 km"] = cohort.share_within_km
        children, need = a.children or {}, a.need or {}
        row["Children 0-17"] = children.get("count")
        row["Identified need per 10,000"] = need.get("per_10k_children")
        row["Identified need"] = need.get("text")
        row["Local services per 10,000 children"] = a.services_per_10k_children
        # Not compiled: the number of gaps is unknown, not zero.
        if choice[0] == "count" and choice[1] != "all":
            row["Gaps this body commissions"] = _gap_count(a, choice, report) if _compiled(a) else None
        row["Stage gaps"] = len(a.gaps.stages) if _compiled(a) else None
        row["Cohort gaps"] = len(a.gaps.cohorts) if _compiled(a) else None
        row["Local records"] = a.data_quality.local_services
        row["Not recently checked"] = a.data_quality.stale_share
        rows.append(row)
    return pd.DataFrame(rows)


# -- the map ------------------------------------------------------------------------------

class _Choropleth(MacroElement):
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
        self.data = _js_json({"type": "FeatureCollection", "features": features})
        self.attribution = _js_json(h(ATTRIBUTION))


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


def _map(report: GapReport, choice: tuple[str, str]) -> None:
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
    by_code = {a.code: a for a in report.areas}
    codes = tuple(sorted(by_code))
    features = []
    top = max((_gap_count(a, choice, report) for a in report.areas if _compiled(a)), default=0) if choice[0] == "count" else 0
    edges = _bins([v for a in report.areas if (v := _figure(a, choice)) is not None]) if choice[0] in ("rate", "need") else []
    for code, geometry in _geometries(str(path), mtime, codes).items():
        area = by_code[code]
        if choice[0] == "count" and not _compiled(area):
            fill, text = STATUS_COLOURS[NOT_COMPILED], f"{NOT_COMPILED} (local services not listed yet)"
        elif choice[0] == "count":
            n = _gap_count(area, choice, report)
            fill, text = _count_colour(n, top), f"{n} gap{'s' if n != 1 else ''}"
        elif choice[0] in ("rate", "need"):
            value = _figure(area, choice)
            fill = _rate_colour(value, edges)
            text = f"{value:g} per 10,000 children" if value is not None else _no_figure_words(area, choice)
        else:
            text = _status(area, choice)
            fill = STATUS_COLOURS[text]
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"label": f"{h(area.name)}: {h(text)}", "fill": fill}})
    fmap = LocalMap(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True)
    fmap.options["max_zoom"] = 12
    fmap.options["min_zoom"] = 5
    _Choropleth(features).add_to(fmap)
    fmap.fit_bounds([[49.9, -6.4], [55.8, 1.8]])
    st_folium(fmap, key=f"gaps-map-{choice[0]}-{choice[1]}", height=520, use_container_width=True, returned_objects=[])
    if choice[0] == "count":
        st.markdown(f":{_LEGEND[NOT_COMPILED]}[■] {NOT_COMPILED}: local services not listed yet, so gaps are unknown")
        small_print("Darker blue: more stages and cohorts without local cover. " + ATTRIBUTION + ".")
    elif choice[0] in ("rate", "need"):
        # Swatches carry their own words, dark on light and white on dark, so they read at AA contrast.
        def swatch(fill: str, words: str, ink: str = "#0b0c0c") -> str:
            return f"<span style='background:{fill};color:{ink};padding:0 .4em;margin-right:.3em'>{h(words)}</span>"

        classes = "".join(swatch(c, f"up to {e:g}", "#ffffff" if i >= 3 else "#0b0c0c")
                          for i, (c, e) in enumerate(zip(_BLUES, edges)))
        grey = "not compiled (no comparison)" if choice[0] == "rate" else f"{SUPPRESSED_WORDS} or not published"
        st.markdown(f"Per 10,000 children: {classes}{swatch(_NO_FIGURE, grey)}", unsafe_allow_html=True)
        small_print(md(_rate_caption(report, choice) + " " + ATTRIBUTION + "."))
    else:
        st.markdown("  ".join(f":{_LEGEND[name]}[■] {name}" for name in STATUS_COLOURS))
        small_print(ATTRIBUTION + ".")


# -- sections -------------------------------------------------------------------------------

def _rate_caption(report: GapReport, choice: tuple[str, str]) -> str:
    """Which year and source a rate comes from, in one sentence."""
    ctx = report_context(report.model)
    england = ctx["england"]
    year = (england["children"] or {}).get("year")
    if choice[0] == "rate":
        return (f"Local service records in this directory per 10,000 children aged 0-17 (ONS mid-{year} estimate); "
                "only areas whose local services are compiled are coloured.")
    need = england["need"]
    return (f"Assessments ending with sexual abuse identified as a factor, average per 10,000 children a year, "
            f"{need['years']} (years to 31 March; DfE, Characteristics of children in need; children: ONS mid-year "
            f"estimates). England: {need['per_10k_children']:g}. Children assessed with the factor, not prevalence.")


def _summary(report: GapReport, choice: tuple[str, str]) -> None:
    compiled = [a for a in report.areas if _compiled(a)]
    unknown = len(report.areas) - len(compiled)
    not_yet = (f" **{unknown}** area{'s are' if unknown != 1 else ' is'} not compiled yet: only the statutory front door, "
               "police and (where found) medical route are listed there, so their gaps are unknown and not counted.") if unknown else ""
    if choice[0] == "count":
        if choice[1] != "all":
            book = commissioners_for(report.model)
            mine = stages_of(report, [choice[1]])
            with_gaps = sum(1 for a in compiled if _gap_count(a, choice, report))
            st.markdown(f"**{book.name(choice[1])}** leads on: " + ", ".join(md(report.model.stage(s).name) for s in mine)
                        + f". **{with_gaps} of {len(compiled)} compiled areas** have at least one of these steps "
                        "without local cover in the directory." + not_yet)
            return
        with_gaps = sum(1 for a in compiled if a.gaps.stages or a.gaps.cohorts)
        st.markdown(f"**{with_gaps} of {len(compiled)} compiled areas** have at least one stage or cohort without "
                    "local cover." + not_yet)
        return
    if choice[0] in ("rate", "need"):
        shown_n = sum(1 for a in report.areas if _figure(a, choice) is not None)
        st.markdown(f"**{shown_n} of {len(report.areas)} areas** have a figure. " + md(_rate_caption(report, choice)))
        return
    if choice[0] == "stage":
        book = commissioners_for(report.model)
        a = book.stage(choice[1])
        also = f" (with {md(', '.join(book.name(c) for c in a.also))})" if a.also else ""
        st.markdown(f"Commissioned by **{md(book.name(a.commissioner))}**{also}: {md(a.why)} "
                    "(Home Office commissioning framework for child sexual abuse support, 2019, Annex A)")
    st.markdown(" · ".join(status_counts(report, choice)))
    if unknown:
        small_print("Not compiled: only the statutory front door, police and (where found) medical route are listed "
                    "there, so a step without a listed service is unknown and not counted as a gap.")


def status_counts(report: GapReport, choice: tuple[str, str]) -> list[str]:
    """"**11** covered locally · ... · **147** not compiled (5 of them covered by a regional or
    statutory service at this step)": the not-compiled count is the same number everywhere."""
    compiled = [a for a in report.areas if _compiled(a)]
    unknown = len(report.areas) - len(compiled)
    statuses = [_status(a, choice) for a in compiled]
    out = [f"**{statuses.count(s)}** {s.lower()}" for s in STATUS_COLOURS if s not in (COVERED_NOT_COMPILED, NOT_COMPILED)]
    covered_there = sum(1 for a in report.areas if not _compiled(a) and _status(a, choice) == COVERED_NOT_COMPILED)
    also = f" ({covered_there} of them covered at this step by a regional or statutory service)" if covered_there else ""
    out.append(f"**{unknown}** not compiled{also}")
    return out


def _status_style(value: Any) -> str:
    colour = STATUS_COLOURS.get(value)
    if colour is None:
        return ""
    return f"background-color: {colour}; color: {'#0b0c0c' if value in LIGHT_STATUSES else '#ffffff'}"


#: Decimal places shown for the figures (the rest: whole numbers when whole, else 2).
_DECIMALS = {"Nearest (km, average)": 1, "Nearest (km)": 1, "90% within (km)": 1, "Identified need per 10,000": 1,
             "Waiting (weeks, median)": 1}
#: Shown as progress bars by their column settings: left as they are.
_BARS = ("Within 30 km", "Not recently checked")


def _blank(decimals: int | None) -> Any:
    def fmt(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return ""
        if isinstance(value, float):
            if decimals is None:
                return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
            return f"{value:,.{decimals}f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)
    return fmt


def _coloured(df: pd.DataFrame) -> Any:
    """The table as shown: each status cell (and "Not compiled" coverage) in its legend colour,
    and a missing figure an empty cell (never "None"); the numbers stay numbers for sorting."""
    if df.empty:
        return df
    styler = df.style.format({c: _blank(_DECIMALS.get(c)) for c in df.columns if c not in _BARS})
    columns = [c for c in ("Status", "Coverage") if c in df.columns]
    return styler.map(_status_style, subset=columns) if columns else styler


def _table(report: GapReport, choice: tuple[str, str]) -> pd.DataFrame:
    df = gap_rows(report, choice)
    left, mid, right = st.columns([2, 2, 1])
    with left:
        regions = st.multiselect("Regions", sorted(df["Region"].unique()), placeholder="All regions")
    with mid:
        name = st.text_input("Area name contains", max_chars=60, autocomplete="off")
    with right:
        only_gaps = st.checkbox("Only areas with this gap", disabled=choice[0] not in ("stage", "cohort"))
    shown_df = df
    if regions:
        shown_df = shown_df[shown_df["Region"].isin(regions)]
    if name.strip():
        shown_df = shown_df[shown_df["Area"].str.contains(name.strip(), case=False, regex=False)]
    if only_gaps and "Status" in shown_df:
        shown_df = shown_df[shown_df["Status"].isin(GAP_STATUSES)]
    st.dataframe(
        _coloured(shown_df),
        hide_index=True, placeholder="",
        width="stretch",
        column_config={
            "Area": st.column_config.TextColumn(pinned=True),
            "Nearest (km, average)": st.column_config.NumberColumn(format="%.1f",
                help="Population-weighted average distance from where children live to the nearest counted service"),
            "Within 30 km": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help="Share of children (by postcodes) within 30 km of one"),
            "Not recently checked": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help="Share of the area's records not confirmed with the organisation, not checked for 12 months, "
                     "or resting on pages over two years old"),
            "Children 0-17": st.column_config.NumberColumn(format="%d", help="ONS mid-year estimate, latest year"),
            "Identified need per 10,000": st.column_config.NumberColumn(format="%.1f",
                help="Assessments ending with sexual abuse identified, a year per 10,000 children (DfE, pooled 3 years); "
                     "blank when suppressed or not published"),
            "Local services per 10,000 children": st.column_config.NumberColumn(format="%.2f",
                help="Blank where the area's local services are not compiled"),
            "Services per 10,000 children": st.column_config.NumberColumn(format="%.2f",
                help="Local services at this stage per 10,000 children; blank where not compiled"),
        },
    )
    small_print(f"{len(shown_df)} of {len(df)} areas shown. Click a column heading to sort.")
    england = report_context(report.model)["england"]
    year, years = (england["children"] or {}).get("year"), england["need"]["years"]
    small_print(md(f"Children 0-17: ONS mid-{year} estimates. Identified need: assessments ending with sexual abuse "
             f"identified as a factor, {years} (years to 31 March), a year per 10,000 children (DfE, Characteristics "
             f"of children in need; England {england['need']['per_10k_children']:g}); children assessed with the "
             "factor, not prevalence; blank where DfE suppressed a small count or did not publish. Services per "
             "10,000 children: this directory's local records, only where the area's services are compiled."))
    return df


#: Every region gets its own label: none dropped for overlap, short enough for a phone.
_REGION_AXIS = {"labelLimit": 150, "labelOverlap": False}
#: Each bar this tall, so no label has to give way (and the chart fits a phone).
_BAR_STEP = 30


def _bars(data: pd.DataFrame, column: str, title: str, fmt: str) -> alt.LayerChart:
    """Horizontal bars by region, each with its region and its value written beside it."""
    base = alt.Chart(data).encode(
        y=alt.Y("Region:N", sort="-x", title=None, axis=alt.Axis(**_REGION_AXIS)),
        x=alt.X(f"{column}:Q", title=title),
        tooltip=["Region", alt.Tooltip(f"{column}:Q", format=fmt)],
    )
    bars = base.mark_bar(color="#1d70b8")
    values = base.mark_text(align="left", dx=3, color="#0b0c0c").encode(text=alt.Text(f"{column}:Q", format=fmt))
    return bars + values


def _chart(df: pd.DataFrame, choice: tuple[str, str]) -> None:
    if choice[0] in ("rate", "need"):
        column = "Local services per 10,000 children" if choice[0] == "rate" else "Identified need per 10,000"
        data = df.dropna(subset=[column]).groupby("Region", as_index=False)[column].median()
        chart: Any = _bars(data, column, f"{column} (median of areas with a figure)", ".2f")
    elif choice[0] == "count" and "Gaps this body commissions" in df:
        data = df.dropna(subset=["Gaps this body commissions"]).groupby(
            "Region", as_index=False)["Gaps this body commissions"].mean()
        chart = _bars(data, "Gaps this body commissions", "Average gaps per area", ".1f")
    elif choice[0] == "count":
        compiled = df[df["Coverage"] != NOT_COMPILED]
        if compiled.empty:
            small_print("No area's local services are compiled yet, so there are no gaps to average by region.")
            return
        data = compiled.assign(Gaps=compiled["Stage gaps"] + compiled["Cohort gaps"]).groupby(
            "Region", as_index=False)["Gaps"].mean()
        chart = _bars(data, "Gaps", "Average gaps per area", ".1f")
    else:
        data = df.groupby(["Region", "Status"], as_index=False).size().rename(columns={"size": "Areas"})
        chart = alt.Chart(data).mark_bar().encode(
            x=alt.X("Areas:Q", stack="normalize", title="Share of areas", axis=alt.Axis(format="%")),
            y=alt.Y("Region:N", title=None, axis=alt.Axis(**_REGION_AXIS)),
            color=alt.Color("Status:N", scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                            legend=alt.Legend(orient="bottom", title=None, columns=1, labelLimit=260)),
            tooltip=["Region", "Status", "Areas"],
        )
    st.altair_chart(chart.properties(height=alt.Step(_BAR_STEP)), width="stretch")


def _area_figures(report: GapReport, area: AreaGaps) -> None:
    """Children, identified need and services per 10,000 children, each with its year and source."""
    children, need = area.children, area.need or {}
    left, mid, right = st.columns(3)
    with left:
        st.metric("Children aged 0-17", f"{children['count']:,}" if children else "no figure")
        small_print(md(f"ONS mid-{children['year']} estimate" if children else "No ONS estimate for this area."))
    with mid:
        rate = need.get("per_10k_children")
        st.metric(f"Sexual abuse identified at assessment, {need.get('years') or '-'}",
                  f"{rate:g} per 10,000" if rate is not None else (SUPPRESSED_WORDS if need.get("suppressed") else "not computed"))
        small_print(md(need.get("text") or "no published figures") + ". DfE, Characteristics of children in need.")
    with right:
        rates = area.service_rates
        value = area.services_per_10k_children
        st.metric("Local services per 10,000 children", f"{value:g}" if value is not None else "no comparison")
        small_print(md(rates.reason or f"This directory's local records; children: ONS mid-{rates.year}."))
    cse = need.get("child_sexual_exploitation") or {}
    notes = [f"Child sexual exploitation, shown separately and not added in: {md(cse.get('text') or 'no figure')}."]
    if need.get("note"):
        notes.append(md(need["note"]))
    if area.service_rates.small_population:
        notes.append("Few children live here: one service more or less moves the rate a long way.")
    small_print(" ".join(notes) + " " + md(MEASURE))


def _neighbours(report: GapReport, area: AreaGaps, choice: tuple[str, str]) -> None:
    """The area beside its ten statistical neighbours: identified need and services per 10,000."""
    if not area.neighbours:
        st.info("No statistical neighbours are published for this area.")
        return
    stage = choice[1] if choice[0] == "stage" else None
    rows = pd.DataFrame(neighbour_rows({a.code: a for a in report.areas}, area.code, stage=stage))
    names = list(rows["name"])
    england = report_context(report.model)["england"]["need"]
    colour = alt.Color("role:N", title=None, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=["This area", "Statistical neighbour"], range=["#d4351c", "#1d70b8"]))
    y = alt.Y("name:N", sort=names, scale=alt.Scale(domain=names), title=None,
              axis=alt.Axis(labelLimit=130, labelOverlap=False))
    need_dots = alt.Chart(rows.dropna(subset=["need_per_10k_children"])).mark_circle(size=140, opacity=1).encode(
        x=alt.X("need_per_10k_children:Q", title=f"Sexual abuse identified per 10,000 children ({england['years']})"),
        y=y, color=colour, tooltip=["name", "closeness", "need"])
    rule = alt.Chart(pd.DataFrame({"England": [england["per_10k_children"]]})).mark_rule(
        color="#505a5f", strokeDash=[4, 3]).encode(x="England:Q", tooltip=[alt.Tooltip("England:Q", title="England")])
    what = report.model.stage(stage).name if stage else "all local records"
    service_dots = alt.Chart(rows.dropna(subset=["services_per_10k_children"])).mark_circle(size=140, opacity=1).encode(
        x=alt.X("services_per_10k_children:Q", title=f"Local services per 10,000 children ({what})"),
        y=y, color=colour, tooltip=["name", "closeness", "services"])
    # One above the other, each narrow enough for a phone.
    chart = alt.vconcat((need_dots + rule).properties(width=200, height=26 * len(names)),
                        service_dots.properties(width=200, height=26 * len(names)))
    st.altair_chart(chart, width="content")
    year = (area.children or {}).get("year")
    small_print(md(f"Neighbours: DfE children's services statistical neighbours (May 2025), closest first. Need: DfE "
               f"Characteristics of children in need, factors identified at the end of assessment, {england['years']} "
               f"(years to 31 March), per 10,000 children (ONS mid-year estimates); dashed line: England "
               f"{england['per_10k_children']:g}. Services: this directory's local records per 10,000 children "
               f"(ONS mid-{year}). Areas whose services are not compiled, and suppressed need figures, have no dot."))
    st.dataframe(_coloured(rows[["name", "closeness", "need", "services"]].rename(columns={
        "name": "Area", "closeness": "Closeness", "need": "Identified need", "services": "Local services"})),
        hide_index=True, placeholder="", width="stretch", column_config={"Area": st.column_config.TextColumn(pinned=True)})


def _while_families_wait(area: AreaGaps) -> None:
    """Where therapy's wait is long or not stated, what Find support tells a family meanwhile
    (the same words: ``data/family_guidance.yaml``)."""
    therapy = area.stages.get("therapeutic_support")
    if therapy is None or not therapy.local_services:
        return
    try:
        with shown(reraise=True):
            rules = load_guidance(guidance_path(context.directory().data_dir)).while_you_wait
    except Failed:
        return
    if not long_or_unknown_wait(therapy.waiting_weeks, rules):
        return
    wait = "not stated" if therapy.waiting_weeks is None else f"a median of {therapy.waiting_weeks:g} weeks"
    st.info(f"**While families wait for therapy** (the wait here: {md(wait)}). {md(rules.why)} Find support "
            "shows families, beside each such service, what helps meanwhile: a children's advocate, the NSPCC "
            "Helpline, parent support, Childline, and what to ask the GP or school.", icon=":material/schedule:")


def _drill_down(report: GapReport, choice: tuple[str, str]) -> None:
    names = {a.name: a for a in report.areas}
    pick = st.selectbox("Area", list(names), index=None, placeholder="Choose an area to see its gaps")
    if pick is None:
        return
    area = names[pick]
    model = report.model
    st.markdown(f"#### {md(area.name)}")
    _area_figures(report, area)
    if not _compiled(area):
        st.info(f"**{NOT_COMPILED}.** Waymark lists only the statutory services for {md(area.name)} so far "
                "(children's social care, the police and, where one was found, a medical route for a child). Other local services there "
                "are not yet compiled, so a step without a listed service is unknown, not a gap.")
    _while_families_wait(area)
    if area.statements:
        st.markdown("Statements you can paste into a paper (copy with the button at the top right):")
        st.code("\n".join(area.statements), language=None, wrap_lines=True)
    else:
        st.success("Every stage and cohort has local cover in the directory's records.")
    book = commissioners_for(model)
    stages = pd.DataFrame([
        {"Stage": model.stage(s).name, "Status": cell_status(area, "stage", s),
         "Commissioner": book.name(v.commissioner),
         "Local services": v.local_services, "Per 10,000 children": v.services_per_10k_children,
         "National services": v.national_services, "Nearest (km)": v.nearest_km, "90% within (km)": v.p90_km,
         "Waiting (weeks, median)": v.waiting_weeks}
        for s, v in area.stages.items()
    ])
    cohorts = pd.DataFrame([
        {"Who": model.book.cohort(c).name, "Status": cell_status(area, "cohort", c),
         "Missing at": ", ".join(model.stage(s).name for s in c_cell.missing_stages)}
        for c, c_cell in area.cohorts.items()
    ])
    left, right = st.columns(2)
    with left:
        st.markdown("**Stages**")
        st.dataframe(_coloured(stages), hide_index=True, placeholder="", width="stretch")
    with right:
        st.markdown("**Who is covered**")
        st.dataframe(_coloured(cohorts), hide_index=True, placeholder="", width="stretch")
    dq = area.data_quality
    if dq.local_services:
        small_print(f"{dq.stale} of {dq.local_services} local records are not confirmed with the organisation, "
                   f"not checked in the last {model.settings.stale_months} months, or rest on pages over two years old.")
    st.markdown("#### Beside its statistical neighbours")
    _neighbours(report, area, choice)


def _downloads(report: GapReport, commissioner: str | None) -> None:
    book = commissioners_for(report.model)
    wanted = (commissioner,) if commissioner else ()
    suffix = f"-{commissioner}" if commissioner else ""
    left, right = st.columns(2)
    with left:
        st.download_button("Download the table (CSV)", data=lambda: to_csv(report, commissioners=wanted),
                           file_name=f"waymark-service-gaps{suffix}.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")
    with right:
        st.download_button("Download the workbook (Excel)", data=lambda: to_excel(report, commissioners=wanted),
                           file_name=f"waymark-service-gaps{suffix}.xlsx", on_click="ignore", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    small_print(md(("Only the steps " + book.name(commissioner) + " leads. " if commissioner else "")
             + "The workbook has one sheet per commissioner listing the gaps at the steps it leads, so a "
             "partnership can send each body its own list; the Sources sheet names every figure's year and source."))


def _what_if(report: GapReport) -> None:
    directory = report.model.directory
    taxonomy = directory.taxonomy
    names = sorted(a.name for a in report.areas)
    with st.form("gaps-what-if", border=True):
        types = st.multiselect("Type of service", SERVICE_TYPES, format_func=lambda t: type_name(taxonomy, t),
                               default=["therapeutic"])
        place = st.text_input("Where it would be (postcode, town or area)", max_chars=60, autocomplete="off",
                              placeholder="For example TR1, Truro or Cornwall")
        areas = st.multiselect("Areas it would serve (leave empty for the area it is in)", ["All of England", *names])
        ages = st.slider("Ages it would serve", 0, 25, (0, 17))
        a, b = st.columns(2)
        with a:
            during = st.checkbox("Available during a police investigation", value=True)
            parents = st.checkbox("Supports non-offending parents and carers")
        with b:
            disclosure = st.checkbox("Needs the child to have disclosed")
            accessible = st.checkbox("Makes adjustments for disabled children")
        submitted = st.form_submit_button("See which gaps it would close")
    if submitted:
        st.session_state.pop(WHAT_IF_KEY, None)
        h_service = Hypothetical(
            service_types=tuple(types),
            place=place or None,
            min_age=ages[0],
            max_age=ages[1],
            service_areas=tuple("national" if x == "All of England" else x for x in areas),
            available_during_investigation=True if during else None,
            requires_disclosure=disclosure,
            for_parents=parents,
            accessible=accessible,
        )
        try:
            with shown(reraise=True):
                st.session_state[WHAT_IF_KEY] = what_if(directory, h_service)
        except Failed:
            return
    result = st.session_state.get(WHAT_IF_KEY)
    if not result:
        return
    st.markdown(f"**{result['closes']['stages']} stage gap(s) and {result['closes']['cohorts']} cohort gap(s) would close.** "
                "Nothing has been saved: the directory is unchanged.")
    st.code("\n".join(result["summary"]), language=None, wrap_lines=True)
    if result["areas"]:
        model = report.model
        st.dataframe(_coloured(pd.DataFrame([
            {"Area": a["name"],
             "Stages closed": ", ".join(model.stage(s).name for s in a["closes"]["stages"]),
             "Cohorts closed": ", ".join(model.book.cohort(c).name for c in a["closes"]["cohorts"]),
             "Brought nearer": ", ".join(model.stage(n["stage"]).name for n in a["nearer"]["stages"])}
            for a in result["areas"]
        ])), hide_index=True, placeholder="", width="stretch")


def render() -> None:
    st.title("Service gaps")
    st.markdown(
        "For commissioners: where, for whom and at which step of the pathway support is missing, "
        "for every children's services authority in England, from the services in this directory. "
        "The inspection found a *lottery* of therapeutic support, no pathway for 16–17 year olds in one "
        "area, little for non-offending parents and nobody to call once support ends: this page shows "
        "where the directory's records say the same."
    )
    with st.expander("How services are counted"):
        st.markdown(
            "- A **local** service is one that lists the area among the areas it serves.\n"
            "- **National** services (helplines, online support) count only at the steps a national service "
            "can deliver: keeping a child safe now (999), noticing the signs, and someone to contact later. "
            "Elsewhere, therapy above all, an area served only by national services is shown as "
            "*national services only*, never as covered.\n"
            "- **Distances** are averages over where children live (postcode sectors weighted by the "
            "number of postcodes), to the nearest counted service with an address.\n"
            "- A **cohort** is covered when every step that matters for it has a service that takes them "
            "(for age groups, every age in the group).\n"
            "- An area with **no local records** may have services the directory does not list yet: "
            "a gap in the data as much as in services.\n"
            "- **Not compiled**: an area whose local services have not been compiled yet (only the statutory "
            "front door, police and, where found, medical route are listed, from national sources). A step without a listed "
            "service there is unknown, so it is shown in its own colour and never counted as a gap."
        )
    directory = context.directory()
    try:
        with shown(reraise=True):
            report = analyse(directory)
    except Failed:
        return
    book = commissioners_for(report.model)
    problems = report_context(report.model)["commissioning_data_problems"]
    if problems:
        st.warning(f"{len(problems)} row(s) of the commissioning statistics could not be used and are left out "
                   f"(first: {md(problems[0])}). The other figures are shown.")
    pick = st.radio("Who commissions it", [ALL_COMMISSIONERS, *COMMISSIONERS], horizontal=True,
                    format_func=lambda c: c if c == ALL_COMMISSIONERS else book.name(c),
                    help="Home Office commissioning framework for child sexual abuse support (2019), Annex A: "
                         "show only the steps one body leads on.")
    commissioner = None if pick == ALL_COMMISSIONERS else pick
    choices = _choices(report, commissioner)
    default = ("stage", "therapeutic_support") if ("stage", "therapeutic_support") in choices else choices[0]
    choice = st.selectbox("Gap to show", choices, format_func=lambda c: _choice_label(report, c),
                          index=choices.index(default))
    _summary(report, choice)
    _map(report, choice)
    st.subheader("Areas")
    df = _table(report, choice)
    st.subheader("By region")
    _chart(df, choice)
    st.subheader("One area in detail")
    _drill_down(report, choice)
    st.subheader("Download")
    _downloads(report, commissioner)
    st.subheader("What if a service were added?")
    st.markdown("Try a service that does not exist yet and see which gaps it would close. "
                "Nothing is saved and nobody else sees it.")
    _what_if(report)
    context.maintainer_notes(directory)
