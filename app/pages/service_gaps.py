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

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from pathways.gaps import GapReport, analyse
from pathways.gaps.by_commissioner import stages_of
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
    GAP_STATUSES,
    LIGHT_STATUSES,
    NOT_COMPILED,
    STATUS_COLOURS,
)
from pathways.gaps.views import (
    StatusCounts,
    View,
    areas_not_compiled,
    areas_with_figure,
    areas_with_gaps,
    cohort_rows,
    rate_caption,
    stage_rows,
    status_counts,
    table_rows,
    view_label,
    views,
    within_column,
)
from pathways.gaps.whatif import Hypothetical, what_if
from services.coverage import statutory_area_words
from services.guidance import guidance_path, load_guidance
from services.sections import long_or_unknown_wait
from services.vocabulary import SERVICE_TYPES

from .. import context
from ..errors import Failed, shown, shown_or_none
from ..gapmap import gap_map
from ..render import md, small_print, type_name

__all__ = ["render", "gap_rows", "coloured_table", "counts_words", "WHAT_IF_KEY", "ALL_COMMISSIONERS"]

#: Session key of the last what-if result (a commissioner's hypothetical, not a child's data).
WHAT_IF_KEY = "service_gaps_what_if"
ALL_COMMISSIONERS = "All commissioners"


def gap_rows(report: GapReport, view: View) -> pd.DataFrame:
    """The table for the chosen view (:func:`pathways.gaps.views.table_rows`), as a table."""
    return pd.DataFrame(table_rows(report, view))


def _summary(report: GapReport, view: View) -> None:
    unknown = areas_not_compiled(report)
    not_yet = (f" **{unknown}** area{'s are' if unknown != 1 else ' is'} not compiled yet: only the statutory front door, "
               "police, medical route and the support compiled for every area are listed there, so their gaps at the "
               "other steps are unknown and not counted.") if unknown else ""
    if view[0] == "count":
        with_gaps, compiled = areas_with_gaps(report, view)
        if view[1] != "all":
            book = commissioners_for(report.model)
            mine = stages_of(report, [view[1]])
            st.markdown(f"**{md(book.name(view[1]))}** leads on: " + ", ".join(md(report.model.stage(s).name) for s in mine)
                        + f". **{with_gaps} of {compiled} compiled areas** have at least one of these steps "
                        "without local cover in the directory." + not_yet)
            return
        st.markdown(f"**{with_gaps} of {compiled} compiled areas** have at least one stage or cohort without "
                    "local cover." + not_yet)
        return
    if view[0] in ("rate", "need"):
        shown_n = areas_with_figure(report, view)
        st.markdown(f"**{shown_n} of {len(report.areas)} areas** have a figure. " + md(rate_caption(report, view)))
        return
    if view[0] == "stage":
        book = commissioners_for(report.model)
        a = book.stage(view[1])
        also = f" (with {md(', '.join(book.name(c) for c in a.also))})" if a.also else ""
        st.markdown(f"Commissioned by **{md(book.name(a.commissioner))}**{also}: {md(a.why)} "
                    "(Home Office commissioning framework for child sexual abuse support, 2019, Annex A)")
    st.markdown(" · ".join(counts_words(status_counts(report, view))))
    if unknown:
        small_print("Not compiled: only the statutory front door, police and (where found) medical route are listed "
                    "there, so a step without a listed service is unknown and not counted as a gap.")


def counts_words(counts: StatusCounts) -> list[str]:
    """"**11** covered locally · ... · **147** not compiled (5 of them covered by a regional or
    statutory service at this step)": the not-compiled count is the same number everywhere."""
    out = [f"**{n}** {status.lower()}" for status, n in counts.by_status.items()]
    also = (f" ({counts.covered_there} of them covered at this step by a regional or statutory service)"
            if counts.covered_there else "")
    out.append(f"**{counts.not_compiled}** not compiled{also}")
    return out


def _status_style(value: Any) -> str:
    colour = STATUS_COLOURS.get(value)
    if colour is None:
        return ""
    return f"background-color: {colour}; color: {'#0b0c0c' if value in LIGHT_STATUSES else '#ffffff'}"


#: Decimal places shown for the figures (the rest: whole numbers when whole, else 2).
_DECIMALS = {"Nearest (km, average)": 1, "Nearest (km)": 1, "90% within (km)": 1, "Identified need per 10,000": 1,
             "Waiting (weeks, median)": 1}
def _is_bar(column: str) -> bool:
    """Shares shown as progress bars by their column settings: left as they are."""
    return column.startswith("Within ") or column == "Not recently checked"


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


def coloured_table(df: pd.DataFrame) -> Any:
    """The table as shown: each status cell (and "Not compiled" coverage) in its legend colour,
    and a missing figure an empty cell (never "None"); the numbers stay numbers for sorting."""
    if df.empty:
        return df
    styler = df.style.format({c: _blank(_DECIMALS.get(c)) for c in df.columns if not _is_bar(c)})
    columns = [c for c in ("Status", "Coverage") if c in df.columns]
    return styler.map(_status_style, subset=columns) if columns else styler


def _table(report: GapReport, choice: View) -> pd.DataFrame:
    df = gap_rows(report, choice)
    within = within_column(report)
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
        coloured_table(shown_df),
        hide_index=True, placeholder="",
        width="stretch",
        column_config={
            "Area": st.column_config.TextColumn(pinned=True),
            "Nearest (km, average)": st.column_config.NumberColumn(format="%.1f",
                help="Population-weighted average distance from where children live to the nearest counted service"),
            within: st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help=f"Share of children (by postcodes) {within.lower()} of one"),
            "Not recently checked": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                help="Share of the area's records not confirmed with the organisation, not checked for 12 months, "
                     "or with a claim resting only on pages over two years old"),
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
def _region_axis() -> alt.Axis:
    """Region names are long ("Yorkshire and The Humber"): show them whole."""
    return alt.Axis(labelLimit=150, labelOverlap=False)
#: Each bar this tall, so no label has to give way (and the chart fits a phone).
_BAR_STEP = 30


def _bars(data: pd.DataFrame, column: str, title: str, fmt: str) -> alt.LayerChart:
    """Horizontal bars by region, each with its region and its value written beside it."""
    base = alt.Chart(data).encode(
        y=alt.Y("Region:N", sort="-x", title=None, axis=_region_axis()),
        x=alt.X(f"{column}:Q", title=title),
        tooltip=["Region", alt.Tooltip(f"{column}:Q", format=fmt)],
    )
    bars = base.mark_bar(color="#1d70b8")
    values = base.mark_text(align="left", dx=3, color="#0b0c0c").encode(text=alt.Text(f"{column}:Q", format=fmt))
    return bars + values


def _chart(df: pd.DataFrame, choice: View) -> None:
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
            y=alt.Y("Region:N", title=None, axis=_region_axis()),
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
        st.metric(md(f"Sexual abuse identified at assessment, {need.get('years') or '-'}"),
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


def _neighbours(report: GapReport, area: AreaGaps, choice: View) -> None:
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
    st.dataframe(coloured_table(rows[["name", "closeness", "need", "services"]].rename(columns={
        "name": "Area", "closeness": "Closeness", "need": "Identified need", "services": "Local services"})),
        hide_index=True, placeholder="", width="stretch", column_config={"Area": st.column_config.TextColumn(pinned=True)})


def _while_families_wait(area: AreaGaps) -> None:
    """Where therapy's wait is long or not stated, what Find support tells a family meanwhile
    (the same words: ``data/family_guidance.yaml``)."""
    therapy = area.stages.get("therapeutic_support")
    if therapy is None or not therapy.local_services:
        return
    guidance = shown_or_none(lambda: load_guidance(guidance_path(context.directory().data_dir)))
    if guidance is None:
        return
    rules = guidance.while_you_wait
    if not long_or_unknown_wait(therapy.waiting_weeks, rules):
        return
    wait = "not stated" if therapy.waiting_weeks is None else f"a median of {therapy.waiting_weeks:g} weeks"
    st.info(f"**While families wait for therapy** (the wait here: {md(wait)}). {md(rules.why)} Find support "
            "shows families, beside each such service, what helps meanwhile: a children's advocate, the NSPCC "
            "Helpline, parent support, Childline, and what to ask the GP or school.", icon=":material/schedule:")


def _drill_down(report: GapReport, choice: View) -> None:
    names = {a.name: a for a in report.areas}
    pick = st.selectbox("Area", list(names), index=None, placeholder="Choose an area to see its gaps")
    if pick is None:
        return
    area = names[pick]
    model = report.model
    st.markdown(f"#### {md(area.name)}")
    _area_figures(report, area)
    if not area.compiled:
        st.info(f"**{NOT_COMPILED}.** {md(statutory_area_words(area.name))} So a step without a listed service "
                "is unknown there, not a gap.")
    _while_families_wait(area)
    if area.statements:
        st.markdown("Statements you can paste into a paper (copy with the button at the top right):")
        st.code("\n".join(area.statements), language=None, wrap_lines=True)
    else:
        st.success("Every stage and cohort has local cover in the directory's records.")
    stages = pd.DataFrame(stage_rows(report, area))
    cohorts = pd.DataFrame(cohort_rows(report, area))
    left, right = st.columns(2)
    with left:
        st.markdown("**Stages**")
        st.dataframe(coloured_table(stages), hide_index=True, placeholder="", width="stretch")
    with right:
        st.markdown("**Who is covered**")
        st.dataframe(coloured_table(cohorts), hide_index=True, placeholder="", width="stretch")
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
        st.dataframe(coloured_table(pd.DataFrame([
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
    report = shown_or_none(lambda: analyse(directory))
    if report is None:
        return
    book = commissioners_for(report.model)
    problems = report_context(report.model)["commissioning_data_problems"]
    if problems:
        st.warning(f"{len(problems)} row(s) of the commissioning statistics could not be used and are left out "
                   f"(first: {md(problems[0])}). The other figures are shown.")
    pick = st.radio("Who commissions it", [ALL_COMMISSIONERS, *COMMISSIONERS], horizontal=True,
                    format_func=lambda c: c if c == ALL_COMMISSIONERS else md(book.name(c)),
                    help="Home Office commissioning framework for child sexual abuse support (2019), Annex A: "
                         "show only the steps one body leads on.")
    commissioner = None if pick == ALL_COMMISSIONERS else pick
    choices = views(report, commissioner)
    default = ("stage", "therapeutic_support") if ("stage", "therapeutic_support") in choices else choices[0]
    choice = st.selectbox("Gap to show", choices, format_func=lambda c: view_label(report, c),
                          index=choices.index(default))
    _summary(report, choice)
    gap_map(report, choice)
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
