"""Service gaps page (AppTest): commissioner filter, rates per 10,000 children, an area beside
its statistical neighbours, every figure with its year and source."""

from __future__ import annotations

import pytest

from pathways.gaps.need import NOT_COMPILED_REASON, SUPPRESSED_WORDS
from tests.app_helpers import page_test, plain, texts, warm


@pytest.fixture
def page(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    return page_test("service_gaps").run()


def _commissioner(at):
    return next(r for r in at.radio if r.label == "Who commissions it")


def _area(at, name):
    next(s for s in at.selectbox if s.label == "Area").set_value(name).run()
    assert not at.exception


def test_table_weighs_every_area_by_children_and_need(page):
    at = page
    assert not at.exception
    table = at.dataframe[0].value
    york = table[table["Area"] == "York"].iloc[0]
    assert york["Children 0-17"] == 34758 and york["Identified need per 10,000"] == 10.4
    assert york["Services per 10,000 children"] > 0
    leeds = table[table["Area"] == "Leeds"].iloc[0]
    assert leeds["Children 0-17"] > 0 and leeds["Identified need per 10,000"] > 0
    assert leeds["Local services per 10,000 children"] != leeds["Local services per 10,000 children"]  # NaN: not compiled
    bath = table[table["Area"] == "Bath and North East Somerset"].iloc[0]
    assert SUPPRESSED_WORDS in bath["Identified need"]  # never shown as 0
    assert "Commissioned by Integrated care board (ICB)" in texts(at)


def test_filter_by_commissioner_shows_only_its_steps(page):
    at = page
    _commissioner(at).set_value("nhs_england").run()
    assert not at.exception
    gap = at.selectbox[0]
    assert gap.value == ("count", "nhs_england")
    assert [c for c in gap.options if c.startswith("Stage:")] == ["Stage: Medical check with a children's doctor"]
    assert "NHS England leads on: Medical check with a children's doctor" in texts(at)
    assert "Gaps this body commissions" in at.dataframe[0].value.columns
    assert [b.label for b in at.get("download_button")] == ["Download the table (CSV)", "Download the workbook (Excel)"]
    assert "Only the steps NHS England leads" in texts(at)


@pytest.mark.parametrize("choice, words", [
    (("rate", "all"), "ONS mid-2024 estimate"),
    (("need", "sexual_abuse"), "2023-2025 (years to 31 March; DfE, Characteristics of children in need"),
])
def test_map_colours_by_rate_with_year_and_source(page, choice, words):
    at = page
    at.selectbox[0].set_value(choice).run()
    assert not at.exception
    assert words in texts(at)
    assert len(at.get("component_instance")) == 1  # the map
    assert len(at.get("vega_lite_chart")) == 1


def test_an_area_beside_its_neighbours(page):
    at = page
    _area(at, "York")
    metrics = {plain(m.label): m.value for m in at.metric}  # labels are escaped Markdown
    assert metrics["Children aged 0-17"] == "34,758"
    assert metrics["Sexual abuse identified at assessment, 2023-2025"] == "10.4 per 10,000"
    all_text = texts(at)
    assert "ONS mid-2024 estimate" in all_text and "statistical neighbours (May 2025)" in all_text
    assert "not how many children are abused (prevalence)" in all_text
    assert len(at.get("vega_lite_chart")) == 2  # by region, and the neighbours dot chart
    neighbours = at.dataframe[-1].value
    assert list(neighbours["Area"])[:2] == ["York", "Gloucestershire"] and len(neighbours) == 11
    assert "not compiled: no comparison" in set(neighbours["Local services"])


def test_an_area_not_compiled_says_why_there_is_no_service_rate(page):
    at = page
    _area(at, "Cumberland")
    metrics = {plain(m.label): m.value for m in at.metric}
    assert metrics["Local services per 10,000 children"] == "no comparison"
    assert metrics["Sexual abuse identified at assessment, 2024-2025"].endswith("per 10,000")
    text = texts(at)
    assert NOT_COMPILED_REASON.split(",")[0] in text
    assert "No 2023 figure" in text  # Cumbria's 2023 figure is not poured into Cumberland


def test_bad_statistics_rows_are_named_and_the_page_still_renders(tmp_path, monkeypatch):
    from .test_gaps import tiny_world
    from .test_gaps_need import tiny_commissioning

    root = tiny_commissioning(tiny_world(tmp_path / "data"), bad_row=True)
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    at = page_test("service_gaps").run()
    assert not at.exception
    assert any("population_0_17.csv:4" in plain(w.value) and "'lots'" in plain(w.value) for w in at.warning)
    table = at.dataframe[0].value
    assert list(table["Children 0-17"]) == [2200, 1000]


def test_the_table_says_the_year_and_source_of_each_figure(page):
    text = texts(page)
    assert "Children 0-17: ONS mid-2024 estimates" in text
    assert "2023-2025 (years to 31 March)" in text and "England 26.6" in text
