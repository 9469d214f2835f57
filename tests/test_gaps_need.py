"""Children, identified need, services per 10,000 children and statistical neighbours.

Published figures are pinned as read through the project's own loader from the shipped_stats
copies in ``data/commissioning/`` (DfE children in need C3, ONS mid-year estimates, DfE
statistical neighbours May 2025); the arithmetic is checked on a tiny world whose figures
can be worked with a pencil.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from pathways.gaps import analyse
from pathways.gaps.need import (
    MEASURE,
    NOT_COMPILED_REASON,
    SUPPRESSED_WORDS,
    locally_compiled,
    need_figure,
    neighbour_rows,
)
from services.commissioning import ENGLAND, load_statistics
from services.directory import directories, load_directory

from .conftest import service
from .gaps_world import NORTH, SOUTH, TODAY, tiny_world

YORK, NORTH_YORKSHIRE, SOMERSET = "E06000014", "E06000065", "E06000066"
CUMBERLAND, WESTMORLAND = "E06000063", "E06000064"
BATH = "E06000022"  # Bath and North East Somerset: child-on-child suppressed ("c") in 2025
HAMPSHIRE = "E10000014"  # 2024 published as "u" (low reliability)


@pytest.fixture(scope="module")
def shipped_stats():
    directory = directories.get()
    return directory, load_statistics(directory.geography, directory.data_dir)


@pytest.fixture(scope="module")
def shipped_report():
    return analyse(directories.get())


# -- published figures, through the loader ---------------------------------------------------

def test_published_population_and_factor_counts(shipped_stats):
    _, stats = shipped_stats
    assert stats.problems == ()
    assert stats.children(YORK, 2024) == (34758, 2024)
    assert stats.children(YORK) == (34758, 2024)  # the latest year
    assert stats.children(ENGLAND) == (12183016, 2024)
    row = stats.factor_row(YORK, 2025)
    assert (row.cells["Sexual_Abuse_adult_on_child"].value, row.cells["Sexual_Abuse_child_on_child"].value,
            row.cells["Child_sexual_exploitation"].value) == (12, 8, 11)
    # North Yorkshire's 2023 figure was published under the county's old code E10000023.
    old = stats.factor_row(NORTH_YORKSHIRE, 2023)
    assert (old.code, old.number, old.cells["Sexual_Abuse_adult_on_child"].value) == ("E10000023", "815", 307)


def test_york_need_is_pooled_over_three_years_against_matched_populations(shipped_stats):
    _, stats = shipped_stats
    need = need_figure(stats, YORK)
    # 2023: 21+23+0, 2024: 44 in all, 2025: 12+8+0; children mid-2022..2024: 34590, 34878, 34758.
    assert need["years"] == "2023-2025"
    assert need["sexual_abuse_assessments"] == 108
    assert need["per_10k_children"] == round(108 * 10_000 / (34590 + 34878 + 34758), 1) == 10.4
    assert need["child_sexual_exploitation"]["assessments"] == 36  # shown beside, not added in
    assert need["suppressed"] is False and need["small_number"] is False
    assert [y["children_year"] for y in need["by_year"]] == [2022, 2023, 2024]


def test_england_figures(shipped_stats):
    _, stats = shipped_stats
    need = need_figure(stats, ENGLAND)
    assert need["sexual_abuse_assessments"] == (18810 + 13100 + 1850) + (17840 + 11960 + 1170) + (18900 + 12590 + 0)


# -- 2023 reorganisations ------------------------------------------------------------------

def test_neighbours_join_through_the_la_number_for_reorganised_authorities(shipped_stats):
    directory, stats = shipped_stats
    codes = set(directory.geography.authorities)
    # North Yorkshire (815) and Somerset (933) list each other; Shropshire (893) is NY's closest.
    assert stats.neighbours(NORTH_YORKSHIRE)[0] == ("E06000051", "Extremely close")
    assert SOMERSET in [c for c, _ in stats.neighbours(NORTH_YORKSHIRE)]
    # Cumberland (942) and Westmorland and Furness (943) are each other's neighbours.
    assert stats.neighbours(CUMBERLAND)[0] == (WESTMORLAND, "Very close")
    westmorland = [c for c, _ in stats.neighbours(WESTMORLAND)]
    assert {CUMBERLAND, NORTH_YORKSHIRE, SOMERSET} <= set(westmorland)
    # Barnsley's 2024 recoding (E08000016 -> E08000038) is followed too.
    assert stats.number("E08000038") == "370"
    for code in codes:
        neighbours = [c for c, _ in stats.neighbours(code)]
        assert len(neighbours) == 10, code
        assert set(neighbours) <= codes and code not in neighbours
        assert "E10000006" not in neighbours  # Cumbria is no authority today


def test_need_pools_across_a_code_change_but_never_pours_cumbria_into_its_successors(shipped_stats):
    _, stats = shipped_stats
    ny = need_figure(stats, NORTH_YORKSHIRE)
    assert ny["years"] == "2023-2025"
    assert ny["sexual_abuse_assessments"] == (307 + 246) + (296 + 227) + (240 + 270)
    assert "E10000023" in ny["note"]
    somerset = need_figure(stats, SOMERSET)
    assert somerset["sexual_abuse_assessments"] == (86 + 92) + (102 + 60) + (156 + 71)
    assert "E10000027" in somerset["note"]
    cumberland = need_figure(stats, CUMBERLAND)
    assert cumberland["years"] == "2024-2025"
    assert cumberland["sexual_abuse_assessments"] == (102 + 56) + (112 + 90)
    assert cumberland["per_10k_children"] == round(360 * 10_000 / (52019 + 52489), 1)
    assert "2023" in cumberland["note"]
    assert need_figure(stats, WESTMORLAND)["sexual_abuse_assessments"] == (48 + 27) + (41 + 28)


# -- suppression and honesty -----------------------------------------------------------------

def test_a_suppressed_count_is_never_zero_and_no_rate_is_computed(shipped_stats):
    _, stats = shipped_stats
    need = need_figure(stats, BATH)
    assert need["suppressed"] is True and need["status"] == "suppressed"
    assert need["sexual_abuse_assessments"] is None and need["per_10k_children"] is None
    assert need["at_least"] == (37 + 11 + 36) + (21 + 6 + 26) + 28
    assert SUPPRESSED_WORDS in need["text"] and need["small_number"] is True
    assert need["child_sexual_exploitation"]["assessments"] == 68 + 33 + 24  # not suppressed


def test_a_low_reliability_year_makes_the_pool_not_published(shipped_stats):
    _, stats = shipped_stats
    need = need_figure(stats, HAMPSHIRE)
    assert need["status"] == "unavailable" and need["suppressed"] is False
    assert need["sexual_abuse_assessments"] is None and need["per_10k_children"] is None
    assert "low reliability" in need["text"]


def test_small_numbers_are_flagged(shipped_stats):
    _, stats = shipped_stats
    scilly = need_figure(stats, "E06000053")
    assert scilly["sexual_abuse_assessments"] == 0 and scilly["small_number"] is True
    assert "small numbers" in scilly["text"]


def test_measure_says_assessments_not_prevalence():
    assert "not how many children are abused (prevalence)" in MEASURE
    assert "Child sexual exploitation is a separate factor" in MEASURE


# -- the area record -------------------------------------------------------------------------

def test_compiled_areas_are_the_six_hand_compiled_ones(shipped_report):
    compiled = {a.name for a in shipped_report.areas if locally_compiled(a)}
    assert compiled == {"York", "Shropshire", "Derby", "Cornwall", "Islington", "Bracknell Forest"}
    assert locally_compiled({"coverage": "statutory", "stages": {"refer_to_social_care": {"local_services": 3}}}) is False
    assert locally_compiled({"coverage": "local"}) is True


def test_area_record_carries_children_need_rates_neighbours_and_commissioners(shipped_report):
    york = shipped_report.area("York").to_dict()
    assert york["children"]["count"] == 34758 and york["children"]["year"] == 2024
    assert york["need"]["years"] == "2023-2025"
    assert york["services_per_10k_children"] == round(york["data_quality"]["local_services"] * 10_000 / 34758, 2)
    therapy = york["stages"]["therapeutic_support"]
    assert therapy["commissioner"] == "icb"
    assert therapy["services_per_10k_children"] == round(therapy["local_services"] * 10_000 / 34758, 2)
    assert len(york["neighbours"]) == 10 and york["neighbours"][0] == "E10000013"  # Gloucestershire
    assert york["service_rates"]["compared"] is True


def test_an_area_not_compiled_shows_population_and_need_but_no_service_rate(shipped_report):
    leeds = shipped_report.area("Leeds").to_dict()
    assert leeds["children"]["count"] > 0 and leeds["need"]["per_10k_children"] is not None
    assert leeds["services_per_10k_children"] is None
    assert leeds["service_rates"] == {"compared": False, "reason": NOT_COMPILED_REASON, "year": 2024,
                                      "small_population": False}
    assert all(v["services_per_10k_children"] is None for v in leeds["stages"].values())


def test_neighbour_rows_put_the_area_first_then_its_neighbours(shipped_report):
    areas = {a.code: a for a in shipped_report.areas}
    rows = neighbour_rows(areas, YORK, stage="therapeutic_support")
    assert [r["code"] for r in rows] == [YORK, *areas[YORK].neighbours]
    assert rows[0]["role"] == "This area" and rows[0]["services_per_10k_children"] is not None
    assert all(r["services"] == "not compiled: no comparison" for r in rows[1:])
    bath = next(r for r in rows if r["code"] == BATH)
    assert bath["need_per_10k_children"] is None and SUPPRESSED_WORDS in bath["need"]


# -- a tiny world: the arithmetic by hand, suppression, bad rows -------------------------------

FACTORS = ["Sexual_Abuse_adult_on_child", "Sexual_Abuse_child_on_child", "Sexual_Abuse_unknown", "Child_sexual_exploitation"]


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def tiny_commissioning(root, *, bad_row: bool = False):
    """Northtown (901) and Southtown (902): hand-made figures for 2022-2025."""
    d = root / "commissioning"
    d.mkdir()
    ident = ["time_period", "geographic_level", "old_la_code", "new_la_code", "la_name"]
    factors = []
    for year, north, south in [
        (2022, ["99", "99", "99", "99"], ["1", "1", "1", "1"]),
        (2023, ["10", "5", "1", "4"], ["3", "2", "0", "1"]),
        (2024, ["12", "6", "0", "3"], ["4", "c", "0", "2"]),
        (2025, ["8", "4", "0", "2"], ["2", "1", "0", "1"]),
    ]:
        factors.append([year, "National", "", "", "", "1000", "500", "0", "300"])
        factors.append([year, "Local authority", "901", NORTH, "Northtown", *north])
        factors.append([year, "Local authority", "902", SOUTH, "Southtown", *south])
    _write(d / "cin_factors.csv", ident + FACTORS, factors)
    population = []
    for year, north, south in [(2021, 1, 1), (2022, 2000, 900), (2023, 2100, 950), (2024, 2200, 1000)]:
        population.append([year, "National", "", "", "", "1000000"])
        population.append([year, "Local authority", "901", NORTH, "Northtown", str(north)])
        population.append([year, "Local authority", "902", SOUTH, "Southtown", "lots" if bad_row and year == 2021 else str(south)])
    _write(d / "population_0_17.csv", ident + ["population_estimate"], population)
    header = ["la_number", "la_name"] + [x for i in range(1, 11) for x in (f"sn{i}", f"sn{i}_closeness")]
    _write(d / "statistical_neighbours.csv", header,
           [["901", "Northtown", "902", "Very close"] + [""] * 18, ["902", "Southtown", "901", "Close"] + [""] * 18])
    return root


@pytest.fixture
def tiny(tmp_path):
    root = tiny_world(tmp_path / "data", {"front.yaml": [
        service("n-front-door", service_areas=[NORTH], service_types=["social_care_front_door"],
                stages=["refer_to_social_care"])]})
    return tiny_commissioning(root)


def test_tiny_world_figures_by_hand(tiny):
    report = analyse(load_directory(tiny), today=TODAY)
    north, south = report.area(NORTH).to_dict(), report.area(SOUTH).to_dict()
    assert north["children"] == {"count": 2200, "year": 2024, "ages": "0-17", "source": north["children"]["source"]}
    # 2023-2025: (10+5+1) + (12+6+0) + (8+4+0) = 46 over 2000 + 2100 + 2200 children-years.
    assert north["need"]["sexual_abuse_assessments"] == 46
    assert north["need"]["per_10k_children"] == round(46 * 10_000 / 6300, 1) == 73.0
    assert north["need"]["child_sexual_exploitation"]["assessments"] == 9
    assert north["need"]["small_number"] is False
    assert north["neighbours"] == [SOUTH] and north["neighbour_closeness"] == ["Very close"]
    # Northtown has its own front door: compiled; 5 local records per 2,200 children.
    assert north["services_per_10k_children"] == round(5 * 10_000 / 2200, 2)
    # Southtown: one "c" in 2024 -> suppressed, at least 3+2+0 + 4+0 + 2+1+0 = 12 published.
    assert south["need"]["sexual_abuse_assessments"] is None and south["need"]["per_10k_children"] is None
    assert south["need"]["suppressed"] is True and south["need"]["at_least"] == 12
    assert south["need"]["child_sexual_exploitation"]["assessments"] == 4
    data = report.to_dict()
    assert data["england"]["need"]["sexual_abuse_assessments"] == 3 * 1500
    assert data["commissioning_data_problems"] == []


def test_a_bad_row_is_reported_and_the_rest_still_load(tmp_path):
    root = tiny_commissioning(tiny_world(tmp_path / "data"), bad_row=True)
    directory = load_directory(root)
    stats = load_statistics(directory.geography, root)
    assert any("population_0_17.csv:" in str(p) and "'lots'" in str(p) for p in stats.problems)
    assert stats.children(SOUTH) == (1000, 2024)
    report = analyse(directory, today=TODAY).to_dict()
    assert report["commissioning_data_problems"]


def test_without_commissioning_files_the_shipped_ones_are_used_and_unknown_areas_have_none(tmp_path):
    directory = load_directory(tiny_world(tmp_path / "data"))
    north = analyse(directory, today=TODAY).area(NORTH).to_dict()
    assert north["children"] is None and north["need"]["status"] == "no_figures"
    assert north["neighbours"] == [] and north["services_per_10k_children"] is None


# -- the CLI carries all of it -----------------------------------------------------------------

def test_cli_json_csv_and_commissioner_filter(capsys, tiny):
    from .test_gaps_cli import gaps

    code, out, _ = gaps(capsys, "--json", "--data", tiny)
    assert code == 0
    north = json.loads(out)["areas"][0]
    assert north["children"]["count"] == 2200 and north["need"]["per_10k_children"] == 73.0
    assert north["neighbours"] == [SOUTH]
    assert north["stages"]["medical_assessment"]["commissioner"] == "nhs_england"

    code, out, _ = gaps(capsys, "--json", "--data", tiny, "--commissioner", "nhs_england")
    data = json.loads(out)
    assert data["commissioner_filter"] == ["nhs_england"]
    assert list(data["areas"][0]["stages"]) == ["medical_assessment"]

    code, out, _ = gaps(capsys, "--csv", "--data", tiny)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["children_0_17"] == "2200" and rows[0]["need_per_10k_children"] == "73.0"
    assert rows[1]["need_per_10k_children"] == "" and rows[1]["need_suppressed"] == "True"
    assert SUPPRESSED_WORDS in rows[1]["need"]

    code, out, _ = gaps(capsys, "--csv", "--data", tiny, "--commissioner", "pcc")
    header = next(csv.reader(io.StringIO(out)))
    assert [h for h in header if h.endswith("_covered")] == ["advocacy_covered"]


def test_excel_has_one_sheet_per_commissioner_with_only_its_stages(capsys, tiny, tmp_path):
    from openpyxl import load_workbook

    from .test_gaps_cli import gaps

    target = tmp_path / "gaps.xlsx"
    assert gaps(capsys, "--xlsx", target, "--data", tiny)[0] == 0
    wb = load_workbook(target)
    nhs = list(wb["NHS England"].values)
    assert nhs[0][:6] == ("commissioner", "code", "name", "region", "stage", "status")
    assert {r[4] for r in nhs[1:]} <= {"Medical check with a children's doctor"}
    police = [r for r in wb["Police"].values][1:]
    assert {r[0] for r in police} == {"Police"}
    sources = [r for r in wb["Sources"].values]
    assert any("prevalence" in (r[3] or "") for r in sources)

    target2 = tmp_path / "pcc.xlsx"
    assert gaps(capsys, "--xlsx", target2, "--data", tiny, "--commissioner", "pcc")[0] == 0
    names = load_workbook(target2).sheetnames
    assert "Police and Crime Commissioner" in names and "NHS England" not in names


def test_plain_text_names_figures_with_year_and_source(capsys):
    from .test_gaps_cli import gaps

    code, out, _ = gaps(capsys, "--area", "Cumberland")
    assert code == 0
    assert "children aged 0-17: 52,489 (ONS mid-2024)" in out
    assert "360 assessments (2024-2025)" in out and "2023" in out
