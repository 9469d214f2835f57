"""Service gaps: for commissioners — where, for whom and at which step support is missing.

The numbers come from :mod:`pathways.gaps` (the same table ``python -m pathways gaps``
prints); this page only chooses what to show and draws it: a map of England coloured by
the chosen gap, a table that sorts and filters, a chart by region, one area in detail with
statements to paste into a paper, downloads, and a what-if that never saves anything.
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
from pathways.gaps.export import to_csv, to_excel
from pathways.gaps.status import (
    COVERED,
    GAP_STATUSES,
    NATIONAL_ONLY,
    NO_RECORDS,
    NOT_COMPILED,
    NOT_COVERED,
    STATUS_COLOURS,
    cell_status,
)
from pathways.gaps.whatif import Hypothetical, what_if
from services.vocabulary import SERVICE_TYPES

from .. import context
from ..errors import Failed, shown
from ..maps import ATTRIBUTION, LocalMap, _js_json, boundary_features, vendor_ready
from ..render import h, md, type_name

__all__ = ["render", "STATUS_COLOURS", "gap_rows", "WHAT_IF_KEY"]

#: Session key of the last what-if result (a commissioner's hypothetical, not a child's data).
WHAT_IF_KEY = "service_gaps_what_if"

# STATUS_COLOURS (pathways.gaps.status): the same words and colours in the tooltip, the table,
# the chart and the Excel download; "Not compiled" has its own colour: it is not a gap.
#: The nearest Streamlit Markdown colour to each, for the legend.
_LEGEND = {COVERED: "green", NATIONAL_ONLY: "orange", NOT_COVERED: "red", NO_RECORDS: "gray", NOT_COMPILED: "violet"}
_GAP_COUNT = ("count", "all")


def _choices(report: GapReport) -> list[tuple[str, str]]:
    model = report.model
    return ([_GAP_COUNT]
            + [("stage", s.id) for s in model.stages]
            + [("cohort", c.id) for c in model.book.cohorts])


def _choice_label(report: GapReport, choice: tuple[str, str]) -> str:
    kind, ident = choice
    if kind == "count":
        return "Number of gaps (stages and cohorts)"
    if kind == "stage":
        return f"Stage: {report.model.stage(ident).name}"
    return f"For: {report.model.book.cohort(ident).name}"


def _status(area: dict[str, Any], choice: tuple[str, str]) -> str:
    return cell_status(area, choice[0], choice[1])


def _compiled(area: dict[str, Any]) -> bool:
    return area.get("coverage", "local") == "local"


def gap_rows(report: GapReport, choice: tuple[str, str]) -> pd.DataFrame:
    """The table for the chosen gap: one row per area."""
    rows = []
    for a in report.areas:
        row: dict[str, Any] = {"Area": a["name"], "Code": a["code"], "Region": a["region"],
                               "Coverage": "Compiled" if _compiled(a) else NOT_COMPILED}
        if choice[0] != "count":
            v = a["stages" if choice[0] == "stage" else "cohorts"][choice[1]]
            row["Status"] = _status(a, choice)
            row["Services"] = v.get("services") if choice[0] == "stage" else sum(s["services"] for s in v["stages"].values())
            row["Nearest (km, average)"] = v["nearest_km"]
            row["Within 30 km"] = v["share_within_km"]
        # Not compiled: the number of gaps is unknown, not zero.
        row["Stage gaps"] = len(a["gaps"]["stages"]) if _compiled(a) else None
        row["Cohort gaps"] = len(a["gaps"]["cohorts"]) if _compiled(a) else None
        row["Local records"] = a["data_quality"]["local_services"]
        row["Not recently checked"] = a["data_quality"]["stale_share"]
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
    by_code = {a["code"]: a for a in report.areas}
    codes = tuple(sorted(by_code))
    features = []
    top = max((len(a["gaps"]["stages"]) + len(a["gaps"]["cohorts"]) for a in report.areas), default=0)
    for code, geometry in _geometries(str(path), mtime, codes).items():
        area = by_code[code]
        if choice[0] == "count" and not _compiled(area):
            fill, text = STATUS_COLOURS[NOT_COMPILED], f"{NOT_COMPILED} (local services not listed yet)"
        elif choice[0] == "count":
            n = len(area["gaps"]["stages"]) + len(area["gaps"]["cohorts"])
            fill, text = _count_colour(n, top), f"{n} gap{'s' if n != 1 else ''}"
        else:
            text = _status(area, choice)
            fill = STATUS_COLOURS[text]
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"label": f"{h(area['name'])}: {h(text)}", "fill": fill}})
    fmap = LocalMap(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True)
    fmap.options["max_zoom"] = 12
    fmap.options["min_zoom"] = 5
    _Choropleth(features).add_to(fmap)
    fmap.fit_bounds([[49.9, -6.4], [55.8, 1.8]])
    st_folium(fmap, key=f"gaps-map-{choice[0]}-{choice[1]}", height=520, use_container_width=True, returned_objects=[])
    if choice[0] == "count":
        st.markdown(f":{_LEGEND[NOT_COMPILED]}[■] {NOT_COMPILED}: local services not listed yet, so gaps are unknown")
        st.caption("Darker blue: more stages and cohorts without local cover. " + ATTRIBUTION + ".")
    else:
        st.markdown("  ".join(f":{_LEGEND[name]}[■] {name}" for name in STATUS_COLOURS))
        st.caption(ATTRIBUTION + ".")


# -- sections -------------------------------------------------------------------------------

def _summary(report: GapReport, choice: tuple[str, str]) -> None:
    compiled = [a for a in report.areas if _compiled(a)]
    unknown = len(report.areas) - len(compiled)
    not_yet = (f" **{unknown}** area{'s are' if unknown != 1 else ' is'} not compiled yet: only the statutory front door, "
               "police and (where found) medical route are listed there, so their gaps are unknown and not counted.") if unknown else ""
    if choice[0] == "count":
        with_gaps = sum(1 for a in compiled if a["gaps"]["stages"] or a["gaps"]["cohorts"])
        st.markdown(f"**{with_gaps} of {len(compiled)} compiled areas** have at least one stage or cohort without "
                    "local cover." + not_yet)
        return
    statuses = [_status(a, choice) for a in report.areas]
    st.markdown(" · ".join(f"**{statuses.count(s)}** {s.lower()}" for s in STATUS_COLOURS))
    if unknown:
        st.caption(not_yet.replace("**", ""))


def _status_style(value: Any) -> str:
    colour = STATUS_COLOURS.get(value)
    if colour is None:
        return ""
    return f"background-color: {colour}; color: {'#0b0c0c' if value == NO_RECORDS else '#ffffff'}"


def _coloured(df: pd.DataFrame) -> Any:
    """The table with each status cell (and "Not compiled" coverage) in its legend colour."""
    columns = [c for c in ("Status", "Coverage") if c in df.columns]
    return df.style.map(_status_style, subset=columns) if columns and not df.empty else df


def _table(report: GapReport, choice: tuple[str, str]) -> pd.DataFrame:
    df = gap_rows(report, choice)
    left, mid, right = st.columns([2, 2, 1])
    with left:
        regions = st.multiselect("Regions", sorted(df["Region"].unique()), placeholder="All regions")
    with mid:
        name = st.text_input("Area name contains", max_chars=60, autocomplete="off")
    with right:
        only_gaps = st.checkbox("Only areas with this gap", disabled=choice[0] == "count")
    shown_df = df
    if regions:
        shown_df = shown_df[shown_df["Region"].isin(regions)]
    if name.strip():
        shown_df = shown_df[shown_df["Area"].str.contains(name.strip(), case=False, regex=False)]
    if only_gaps and "Status" in shown_df:
        shown_df = shown_df[shown_df["Status"].isin(GAP_STATUSES)]
    st.dataframe(
        _coloured(shown_df),
        hide_index=True,
        width="stretch",
        column_config={
            "Nearest (km, average)": st.column_config.NumberColumn(format="%.1f",
                help="Population-weighted average distance from where children live to the nearest counted service"),
            "Within 30 km": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help="Share of children (by postcodes) within 30 km of one"),
            "Not recently checked": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help="Share of the area's records unverified or not checked for 12 months"),
        },
    )
    st.caption(f"{len(shown_df)} of {len(df)} areas shown. Click a column heading to sort.")
    return df


def _chart(df: pd.DataFrame, choice: tuple[str, str]) -> None:
    if choice[0] == "count":
        compiled = df[df["Coverage"] != NOT_COMPILED]
        if compiled.empty:
            st.caption("No area's local services are compiled yet, so there are no gaps to average by region.")
            return
        data = compiled.assign(Gaps=compiled["Stage gaps"] + compiled["Cohort gaps"]).groupby(
            "Region", as_index=False)["Gaps"].mean()
        chart = alt.Chart(data).mark_bar(color="#1d70b8").encode(
            x=alt.X("Gaps:Q", title="Average gaps per area"),
            y=alt.Y("Region:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["Region", alt.Tooltip("Gaps:Q", format=".1f")],
        )
    else:
        data = df.groupby(["Region", "Status"], as_index=False).size().rename(columns={"size": "Areas"})
        chart = alt.Chart(data).mark_bar().encode(
            x=alt.X("Areas:Q", stack="normalize", title="Share of areas", axis=alt.Axis(format="%")),
            y=alt.Y("Region:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("Status:N", scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                            legend=alt.Legend(orient="bottom", title=None)),
            tooltip=["Region", "Status", "Areas"],
        )
    st.altair_chart(chart.properties(height=32 * df["Region"].nunique()), width="stretch")


def _drill_down(report: GapReport) -> None:
    names = {a["name"]: a for a in report.areas}
    pick = st.selectbox("Area", list(names), index=None, placeholder="Choose an area to see its gaps")
    if pick is None:
        return
    area = names[pick]
    model = report.model
    st.markdown(f"#### {md(area['name'])}")
    if not _compiled(area):
        st.info(f"**{NOT_COMPILED}.** Waymark lists only the statutory services for {md(area['name'])} so far "
                "(children's social care, the police and, where one was found, a medical route for a child). Other local services there "
                "are not yet compiled, so a step without a listed service is unknown, not a gap.")
    if area["statements"]:
        st.markdown("Statements you can paste into a paper (copy with the button at the top right):")
        st.code("\n".join(area["statements"]), language=None, wrap_lines=True)
    else:
        st.success("Every stage and cohort has local cover in the directory's records.")
    stages = pd.DataFrame([
        {"Stage": model.stage(s).name, "Status": cell_status(area, "stage", s), "Local services": v["local_services"],
         "National services": v["national_services"], "Nearest (km)": v["nearest_km"], "90% within (km)": v["p90_km"],
         "Waiting (weeks, median)": v["waiting_weeks"]}
        for s, v in area["stages"].items()
    ])
    cohorts = pd.DataFrame([
        {"Who": model.book.cohort(c).name, "Status": cell_status(area, "cohort", c),
         "Missing at": ", ".join(model.stage(s).name for s in v["missing_stages"])}
        for c, v in area["cohorts"].items()
    ])
    left, right = st.columns(2)
    with left:
        st.markdown("**Stages**")
        st.dataframe(_coloured(stages), hide_index=True, width="stretch")
    with right:
        st.markdown("**Who is covered**")
        st.dataframe(_coloured(cohorts), hide_index=True, width="stretch")
    dq = area["data_quality"]
    if dq["local_services"]:
        st.caption(f"{dq['stale']} of {dq['local_services']} local records are unverified or not checked in the last "
                   f"{model.settings.stale_months} months.")


def _downloads(report: GapReport) -> None:
    left, right = st.columns(2)
    with left:
        st.download_button("Download the table (CSV)", data=lambda: to_csv(report), file_name="waymark-service-gaps.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")
    with right:
        st.download_button("Download the workbook (Excel)", data=lambda: to_excel(report),
                           file_name="waymark-service-gaps.xlsx", on_click="ignore", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _what_if(report: GapReport) -> None:
    directory = report.model.directory
    taxonomy = directory.taxonomy
    names = sorted(a["name"] for a in report.areas)
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
        st.dataframe(pd.DataFrame([
            {"Area": a["name"],
             "Stages closed": ", ".join(model.stage(s).name for s in a["closes"]["stages"]),
             "Cohorts closed": ", ".join(model.book.cohort(c).name for c in a["closes"]["cohorts"]),
             "Brought nearer": ", ".join(model.stage(n["stage"]).name for n in a["nearer"]["stages"])}
            for a in result["areas"]
        ]), hide_index=True, width="stretch")


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
    choices = _choices(report)
    choice = st.selectbox("Gap to show", choices, format_func=lambda c: _choice_label(report, c),
                          index=choices.index(("stage", "therapeutic_support")))
    _summary(report, choice)
    _map(report, choice)
    st.subheader("Areas")
    df = _table(report, choice)
    st.subheader("By region")
    _chart(df, choice)
    st.subheader("One area in detail")
    _drill_down(report)
    st.subheader("Download")
    _downloads(report)
    st.subheader("What if a service were added?")
    st.markdown("Try a service that does not exist yet and see which gaps it would close. "
                "Nothing is saved and nobody else sees it.")
    _what_if(report)
    context.maintainer_notes(directory)
