"""Service gaps page (AppTest): map choice, table, chart, drill-down, downloads, what-if."""

from __future__ import annotations

from app.gapmap import Choropleth
from app.pages import service_gaps
from app.render import h
from pathways.gaps import analyse, status
from services.directory import directories
from tests.app_helpers import headings, page_test, texts, warm

from .gaps_world import NORTH, tiny_world

#: The page these tests run (the ``shipped_page`` fixture, tests/conftest.py).
PAGE = "service_gaps"


def _table(at):
    return at.dataframe[0].value


def test_page_renders_every_area(shipped_page):
    at = shipped_page
    assert not at.exception
    assert at.title[0].value == "Service gaps"
    assert headings(at)[1:] == ["Areas", "By region", "One area in detail", "Download", "What if a service were added?"]
    table = _table(at)
    assert len(table) == 153
    assert at.selectbox[0].value == ("stage", "therapeutic_support")
    york = table[table["Area"] == "York"].iloc[0]
    assert york["Status"] == status.COVERED
    # Leeds is not compiled (statutory spine only): its own status, not a gap.
    assert table[table["Area"] == "Leeds"].iloc[0]["Status"] == status.NOT_COMPILED
    assert [b.label for b in at.get("download_button")] == ["Download the table (CSV)", "Download the workbook (Excel)"]
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.get("component_instance")) == 1  # the map


def test_choose_a_cohort_and_filter(shipped_page):
    at = shipped_page
    at.selectbox[0].set_value(("cohort", "after_support_ends")).run()
    assert not at.exception
    table = _table(at)
    report = analyse(directories.get())
    compiled = {r.name: r.compiled for r in report.areas}
    expected = {a["name"]: ((status.COVERED if compiled[a["name"]] else status.COVERED_NOT_COMPILED)
                            if a["cohorts"]["after_support_ends"]["covered"] else
                            status.NOT_COMPILED if not a["cohorts"]["after_support_ends"]["known"] else
                            status.NO_RECORDS if not a["data_quality"]["local_services"] else
                            status.NATIONAL_ONLY if a["cohorts"]["after_support_ends"]["national_only"] else
                            status.NOT_COVERED) for a in (r.to_dict() for r in report.areas)}
    assert dict(zip(table["Area"], table["Status"])) == expected
    at.checkbox[0].check().run()
    assert not {status.COVERED, status.COVERED_NOT_COMPILED, status.NOT_COMPILED} & set(
        _table(at)["Status"])
    at.checkbox[0].uncheck().run()
    at.text_input[0].input("york").run()
    assert list(_table(at)["Area"]) == ["East Riding of Yorkshire", "North Yorkshire", "York"]


def test_gap_count_view(shipped_page):
    at = shipped_page
    at.selectbox[0].set_value(("count", "all")).run()
    assert not at.exception
    assert "Status" not in _table(at).columns
    assert "areas have at least one stage or cohort without local cover" in texts(at)


def test_drill_down_shows_pasteable_statements(shipped_page):
    at = shipped_page
    area = next(s for s in at.selectbox if s.label == "Area")
    area.set_value("York").run()
    assert not at.exception
    code = at.code[0].value
    assert code.splitlines() == analyse(directories.get()).area("York").to_dict()["statements"]
    # York's records have no children's advocate and none was found for North Yorkshire.
    assert "York: no independent advocacy (ChISVA)" in code


def test_what_if_closes_gaps_and_saves_nothing(shipped_page):
    at = shipped_page
    before = len(directories.get().services)
    types = next(m for m in at.multiselect if m.label == "Type of service")
    types.set_value(["isva_chisva"])
    next(t for t in at.text_input if t.label.startswith("Where it would be")).input("York")
    next(b for b in at.get("form_submit_button")).click().run()
    assert not at.exception
    assert "stage gap(s) and" in texts(at) and "Nothing has been saved" in texts(at)
    assert any("York: would close the gap in" in c.value for c in at.code)
    assert len(directories.get().services) == before


def test_what_if_bad_place_is_a_calm_warning(shipped_page):
    at = shipped_page
    next(t for t in at.text_input if t.label.startswith("Where it would be")).input("Narnia")
    next(b for b in at.get("form_submit_button")).click().run()
    assert not at.exception
    assert any("Narnia" in w.value for w in at.warning)


def test_data_strings_are_escaped(tmp_path, monkeypatch):
    root = tiny_world(tmp_path / "data")
    csv_path = root / "geography" / "authorities.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("Northtown", "<b>North</b> *town*"), encoding="utf-8")
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    at = page_test("service_gaps").run()
    assert not at.exception
    next(s for s in at.selectbox if s.label == "Area").set_value("<b>North</b> *town*").run()
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert "<b>" not in heading and "\\<b\\>" in heading
    # Map tooltips: escaped before they reach the page's script.
    report = analyse(directories.get())
    html = Choropleth([{"type": "Feature", "geometry": None, "properties": {
        "label": f"{h(report.area(NORTH).to_dict()['name'])}: x", "fill": "#fff"}}]).data
    assert "<b>" not in html and "\\u003cb\\u003e" not in html  # escaped to &lt;b&gt;, then \\u0026lt;


def test_one_count_of_areas_not_compiled_and_regional_cover_says_both(shipped_page):
    import re

    at = shipped_page  # therapeutic support, the page's first view
    report = analyse(directories.get())
    unknown = sum(1 for a in report.areas if not a.compiled)
    text = texts(at)
    assert set(re.findall(r"(\d+)\** (?:areas are )?not compiled", text)) == {str(unknown)}
    table = _table(at)
    regional = [a.name for a in report.areas
                if not a.compiled and status.cell_status(a, "stage", "therapeutic_support") != status.NOT_COMPILED]
    for name in regional:  # e.g. a London borough a regional service covers
        row = table[table["Area"] == name].iloc[0]
        assert row["Status"] == status.COVERED_NOT_COMPILED and row["Coverage"] == status.NOT_COMPILED


def test_missing_figures_are_empty_cells_never_none():
    import pandas as pd

    df = pd.DataFrame({"Area": ["A", "B"], "Identified need": ["12 a year", None],
                       "Nearest (km, average)": [8.94, float("nan")], "Stage gaps": [3.0, None]})
    html = service_gaps.coloured_table(df).to_html()
    assert "None" not in html and "nan" not in html
    assert "8.9" in html and ">3<" in html


def test_an_area_whose_therapy_wait_is_long_or_unknown_says_what_helps_meanwhile(shipped_page):
    at = shipped_page
    at.selectbox[1].set_value("York").run()
    info = " ".join(i.value for i in at.info).replace("\\", "")
    assert "While families wait for therapy" in info and "six months" in info


def test_the_map_never_shows_an_unknown_gap_count_as_none(shipped_page):
    """An area whose local services are not compiled is "not compiled" on the gap-count map,
    never "0 gaps"; in a rate view an area without a figure says why, and a stage view
    names each area's status."""
    from pathways.gaps.views import GAP_COUNT, RATE, map_cells

    report = analyse(directories.get())
    counts = map_cells(report, GAP_COUNT)
    assert set(counts) == {a.code for a in report.areas}
    for area in report.areas:
        cell = counts[area.code]
        if area.compiled:
            assert cell.status is None and cell.text == f"{int(cell.value)} gap{'s' if cell.value != 1 else ''}"
        else:
            assert cell.status == status.NOT_COMPILED and cell.value is None and "gap" not in cell.text
    rates = map_cells(report, RATE)
    assert any(c.value is None and c.text for c in rates.values())
    stage = map_cells(report, ("stage", "therapeutic_support"))
    assert {c.status for c in stage.values()} <= set(status.STATUS_COLOURS)
