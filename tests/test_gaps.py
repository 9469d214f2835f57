"""Gap analysis numbers against a hand-worked tiny world, the cohorts file, and what-if.

The tiny world ships its own geography: two fictional authorities whose population points
sit on the -1° meridian, so every distance is R × Δlatitude (11.1195 km per 0.1°) and every
figure below can be checked with a pencil.

Northtown (E06000901): points A (54.0, -1.0) weight 3 and B (54.1, -1.0) weight 1.
Southtown (E06000902): point C (52.0, -1.0) weight 1.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from geopy.distance import great_circle

from pathways.gaps import analyse, gap_model, load_cohorts
from pathways.gaps.by_commissioner import restrict_area
from pathways.gaps.cohorts import SHIPPED_COHORTS
from pathways.gaps.columns import Columns
from pathways.gaps.distances import nearest
from pathways.gaps.statements import age_ranges
from pathways.gaps.views import table_rows, within_column
from pathways.gaps.whatif import Hypothetical, what_if
from services.directory import load_directory
from services.errors import DataFileError, InvalidInput, PlaceNotFound
from services.vocabulary import COHORTS, STAGES

from .conftest import service
from .gaps_world import KM_PER_TENTH, NORTH, SOUTH, TODAY, tiny_world


@pytest.fixture
def world(tmp_path):
    return load_directory(tiny_world(tmp_path / "data"))


@pytest.fixture
def report(world):
    return analyse(world, today=TODAY)


def test_every_area_of_the_geography_is_reported_once(report):
    assert [a.code for a in report.areas] == [NORTH, SOUTH]
    for area in report.areas:
        assert set(area.stages) == set(STAGES)
        assert set(area.cohorts) == set(COHORTS)


def test_stage_cover_counts_and_population_weighted_distance(report):
    north = report.area("Northtown").to_dict()["stages"]
    therapy = north["therapeutic_support"]
    # A is at n-therapy (0 km), B is 0.1° from both therapy services.
    assert therapy["covered"] is True
    assert (therapy["services"], therapy["local_services"], therapy["national_services"]) == (2, 2, 0)
    assert therapy["nearest_km"] == pytest.approx((3 * 0 + 1 * KM_PER_TENTH) / 4, abs=0.01)
    assert therapy["max_km"] == pytest.approx(KM_PER_TENTH, abs=0.01)
    assert therapy["p90_km"] == pytest.approx(KM_PER_TENTH, abs=0.01)  # B carries the top quarter
    assert therapy["share_within_km"] == 1.0
    assert therapy["waiting_weeks"] == 7.0  # median of 4 and 10
    assert therapy["national_only"] is False

    medical = north["medical_assessment"]
    assert medical["nearest_km"] == pytest.approx(KM_PER_TENTH / 2, abs=0.01)

    family = north["family_support"]
    expected = (3 * great_circle((54.0, -1.0), (54.5, -1.0)).km + great_circle((54.1, -1.0), (54.5, -1.0)).km) / 4
    assert family["nearest_km"] == pytest.approx(expected, rel=0.005)  # 52.8 km
    assert family["share_within_km"] == 0.0

    hsb = north["hsb_assessment"]
    assert (hsb["covered"], hsb["services"], hsb["nearest_km"], hsb["national_only"]) == (False, 0, None, False)


def test_national_services_count_only_where_the_pathway_says_so(report):
    north = report.area(NORTH).to_dict()["stages"]
    # later_support is a stage a national helpline can deliver: covered, but flagged.
    later = north["later_support"]
    assert (later["covered"], later["local_services"], later["national_services"], later["national_only"]) == (True, 0, 1, True)
    assert later["nearest_km"] is None  # the helpline has no place
    # A national helpline never makes therapy look covered in Southtown.
    south = report.area(SOUTH).to_dict()["stages"]
    assert south["therapeutic_support"]["covered"] is False
    assert south["refer_to_social_care"]["covered"] is True
    assert south["refer_to_social_care"]["nearest_km"] is None


def test_cohorts_hand_worked(report):
    c = report.area(NORTH).to_dict()["cohorts"]
    assert c["under_13"]["covered"] is True
    assert c["age_13_to_15"]["covered"] is True
    # The CSAAC stops at 15: no medical assessment for 16-17 year olds.
    teens = c["age_16_to_17"]
    assert teens["covered"] is False
    assert teens["missing_stages"] == ["medical_assessment"]
    assert teens["stages"]["medical_assessment"]["ages_without_cover"] == [16, 17]
    assert teens["stages"]["therapeutic_support"]["nearest_km"] == pytest.approx(
        (3 * 2 * KM_PER_TENTH + KM_PER_TENTH) / 4, abs=0.01)
    # Only n-therapy records adjustments; the CSAAC does not.
    assert c["disabled"]["covered"] is False and c["disabled"]["missing_stages"] == ["medical_assessment"]
    assert c["no_disclosure"]["covered"] is True
    assert c["during_investigation"]["covered"] is True
    assert c["non_offending_parents"]["covered"] is True
    assert c["hsb"]["covered"] is False and c["hsb"]["national_only"] is False
    # Brothers and sisters of 13-17 have no therapy without a disclosure.
    siblings = c["siblings"]
    assert siblings["covered"] is False
    assert siblings["stages"]["therapeutic_support"]["ages_without_cover"] == [13, 14, 15, 16, 17]
    # A national helpline is no local point of contact once support ends.
    after = c["after_support_ends"]
    assert (after["covered"], after["national_only"]) == (False, True)
    assert report.area(NORTH).to_dict()["gaps"]["cohorts"] == ["age_16_to_17", "disabled", "hsb", "siblings", "after_support_ends"]


def test_data_quality_share_of_stale_records(report):
    assert report.area(NORTH).to_dict()["data_quality"] == {"local_services": 4, "stale": 1, "stale_share": 0.25}
    assert report.area(SOUTH).to_dict()["data_quality"] == {"local_services": 1, "stale": 1, "stale_share": 1.0}
    assert report.to_dict()["national_data_quality"] == {"national_services": 1, "stale": 0, "stale_share": 0.0}


def test_stale_column_agrees_with_the_model(world):
    # Data quality for a commissioner: not confirmed with the organisation, or out of date.
    cols = Columns.from_index(world.index, today=TODAY, stale_months=12)
    assert cols.stale.tolist() == [not s.verified or s.is_stale(TODAY) for s in world.services]


def test_plain_statements(report):
    north = report.area(NORTH).to_dict()["statements"]
    assert "Northtown: no paediatric medical assessment for 16–17 year olds" in north
    assert "Northtown: no paediatric medical assessment for disabled children" in north
    assert "Northtown: no pathway for children who display harmful sexual behaviour" in north
    assert "Northtown: no therapeutic support for brothers, sisters and other children in the family aged 13–17" in north
    assert "Northtown: point of contact once support ends only from national services" in north
    assert "Northtown: no support for non-offending parents within 30 km of where children live (nearest on average 53 km)" in north
    south = report.area(SOUTH).to_dict()["statements"]
    assert "Southtown: no therapeutic support" in south
    assert "Southtown: 1 of 1 local service records are not confirmed with the organisation, not checked in " \
           "the last 12 months, or rest on pages over two years old; confirm them before relying on this analysis" in south


@pytest.mark.parametrize("ages, text", [([16, 17], "16–17"), ([3], "3"), ([0, 1, 2, 5, 9, 10], "0–2, 5 and 9–10")])
def test_age_ranges(ages, text):
    assert age_ranges(ages) == text


def test_area_by_name_or_code_and_unknown_area(world):
    assert analyse(world, areas=["northtown"], today=TODAY).areas[0].code == NORTH
    with pytest.raises(PlaceNotFound, match="Narnia"):
        analyse(world, areas=["Narnia"], today=TODAY)


def test_contract_shape(report):
    out = json.loads(json.dumps(report.to_dict()))
    for area in out["areas"]:
        assert {"code", "name", "stages", "cohorts"} <= set(area)
        for v in area["stages"].values():
            assert isinstance(v["covered"], bool) and isinstance(v["services"], int)
            assert v["nearest_km"] is None or isinstance(v["nearest_km"], float)
        for v in area["cohorts"].values():
            assert isinstance(v["covered"], bool)
    assert "national_covers" in out["rules"]["national"]


# -- nearest service: the ranked shortcut equals a brute-force scan -----------------------

def test_nearest_matches_brute_force():
    rng = np.random.default_rng(7)
    from services.index import SearchIndex, haversine_km

    services = [
        service(f"s{i}", locations=[{"latitude": float(54 + rng.uniform(-0.5, 0.5)), "longitude": float(-1 + rng.uniform(-0.5, 0.5))}
                                    for _ in range(int(rng.integers(0, 3)))])
        for i in range(60)
    ]
    from services.models import Service

    index = SearchIndex.build([Service.model_validate(s) for s in services])
    cols = Columns.from_index(index, today=TODAY, stale_months=12)
    cand = np.arange(60)
    lats, lons = rng.uniform(53.6, 54.4, 25), rng.uniform(-1.4, -0.6, 25)
    weights = np.full(25, 1 / 25)
    counted = rng.random((6, 60)) < np.array([[0.0], [0.03], [0.1], [0.3], [0.6], [1.0]])
    got = nearest(cols, cand, counted, lats, lons, weights, 30.0, top_k=1)  # rank only the nearest: every path
    for r in range(6):
        ids = [i for i in range(60) if counted[r, i] and cols.loc_count[i]]
        if not ids:
            assert got[r].nearest_km is None
            continue
        d = np.array([[min(haversine_km(la, lo, cols.loc_lat[index.loc_start[i]:index.loc_start[i] + index.loc_count[i]],
                                        cols.loc_lon[index.loc_start[i]:index.loc_start[i] + index.loc_count[i]]))
                       for i in ids] for la, lo in zip(lats, lons)]).min(axis=1)
        assert got[r].nearest_km == pytest.approx(float(d @ weights), abs=0.01)
        assert got[r].max_km == pytest.approx(float(d.max()), abs=0.01)


# -- the cohorts file --------------------------------------------------------------------

def test_shipped_cohorts_define_every_design_cohort_with_a_known_source():
    from pathways.definition import load_pathway

    book = load_cohorts(SHIPPED_COHORTS)
    assert [c.id for c in book.cohorts] == list(COHORTS)
    sources = load_pathway().sources
    for c in book.cohorts:
        assert c.source in sources, c.id
        assert c.finding.strip() and c.description.strip()
    assert set(book.stage_words) == set(STAGES)


def test_a_broken_cohorts_file_names_file_line_and_field(tmp_path):
    raw = yaml.safe_load(SHIPPED_COHORTS.read_text(encoding="utf-8"))
    raw["cohorts"][2]["require"] = {"for_parent": True}
    raw["cohorts"] = raw["cohorts"][:-1]
    path = tmp_path / "cohorts.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load_cohorts(path)
    assert "cohorts.2.require.for_parent: is not a known field" in str(exc.value)
    raw["cohorts"][2]["require"] = {}
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match="missing cohort\\(s\\): after_support_ends"):
        load_cohorts(path)


def test_a_data_directory_may_ship_its_own_cohorts(tmp_path):
    root = tiny_world(tmp_path / "data")
    raw = yaml.safe_load(SHIPPED_COHORTS.read_text(encoding="utf-8"))
    raw["cohorts"][-1]["national_counts"] = True  # a helpline is enough once support ends
    (root / "cohorts.yaml").write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = analyse(load_directory(root), today=TODAY)
    assert report.area(NORTH).to_dict()["cohorts"]["after_support_ends"]["covered"] is True


def _statutory_world(tmp_path: Path, listed: list[str]):
    root = tiny_world(tmp_path / "data")
    lists = "".join(f"  - stage: {s}\n    compiled: 2026-05-01\n    source: searched for every area\n" for s in listed)
    (root / "areas.yaml").write_text(f"default: statutory\nnational_lists:\n{lists}", encoding="utf-8")
    return load_directory(root)


def test_a_cohort_whose_stages_are_compiled_for_every_area_is_a_known_gap(tmp_path):
    """One rule (Coverage.knows) for stages and cohorts: where every stage of a cohort was
    compiled from a list covering every area, a missing service is a gap, not "not compiled"."""
    report = analyse(_statutory_world(tmp_path, ["hsb_assessment", "hsb_intervention"]), today=TODAY)
    for code in (NORTH, SOUTH):
        area = report.area(code)
        assert area.coverage == "statutory"
        assert area.stages["hsb_assessment"].known and area.stages["hsb_intervention"].known
        assert area.cohorts["hsb"].known and not area.cohorts["hsb"].covered
        assert "hsb" in area.gaps.cohorts and "hsb" not in area.not_compiled.cohorts
    # a cohort with a stage nobody compiled there stays unknown (Southtown has no therapy)
    south = report.area(SOUTH)
    assert not south.cohorts["during_investigation"].known
    assert "during_investigation" in south.not_compiled.cohorts


def test_a_cohort_with_one_stage_not_compiled_is_not_compiled(tmp_path):
    area = analyse(_statutory_world(tmp_path, ["hsb_intervention"]), today=TODAY).area(NORTH)
    assert area.stages["hsb_intervention"].known and not area.stages["hsb_assessment"].known
    assert not area.cohorts["hsb"].known
    assert "hsb" in area.not_compiled.cohorts and "hsb" not in area.gaps.cohorts


def test_the_general_route_and_the_distance_are_named_from_the_data(tmp_path):
    """The words come from the configuration: the general route's name from the taxonomy (the
    types cohorts.yaml settings.general_routes lists), the table's distance from within_km."""
    root = tiny_world(tmp_path / "data", {"south-camhs.yaml": [
        service("s-camhs", service_areas=[SOUTH], service_types=["camhs"], stages=["therapeutic_support"],
                min_age=0, max_age=17)]})
    cohorts = yaml.safe_load(SHIPPED_COHORTS.read_text(encoding="utf-8"))
    cohorts["settings"]["within_km"] = 25
    assert cohorts["settings"]["general_routes"] == {"therapeutic_support": ["camhs"]}
    (root / "cohorts.yaml").write_text(yaml.safe_dump(cohorts, sort_keys=False, allow_unicode=True), encoding="utf-8")
    taxonomy = yaml.safe_load((SHIPPED_COHORTS.parent / "taxonomy.yaml").read_text(encoding="utf-8"))
    next(t for t in taxonomy["service_types"] if t["id"] == "camhs")["name"] = "Children's wellbeing service"
    (root / "taxonomy.yaml").write_text(yaml.safe_dump(taxonomy, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = analyse(load_directory(root), today=TODAY)
    south = report.area(SOUTH)
    assert south.stages["therapeutic_support"].general_route
    assert ("Southtown: no therapeutic support; the only route listed is a general one, Children's wellbeing "
            "service") in south.statements
    assert not any("CAMHS" in line for line in south.statements)
    row = table_rows(report, ("stage", "therapeutic_support"))[0]
    assert within_column(report) == "Within 25 km" and "Within 25 km" in row and "Within 30 km" not in row


# -- what-if ------------------------------------------------------------------------------

def _snapshot(root: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_what_if_closes_exactly_the_expected_gaps_and_writes_nothing(world):
    files = _snapshot(world.data_dir)
    before = analyse(world, today=TODAY).to_dict()
    result = what_if(world, Hypothetical(service_types=("hsb_service",), place="Northville", service_areas=("Northtown",)),
                     today=TODAY)
    assert [a["code"] for a in result["areas"]] == [NORTH]
    assert result["areas"][0]["closes"] == {"stages": ["hsb_assessment", "hsb_intervention"], "cohorts": ["hsb"]}
    assert result["closes"] == {"stages": 2, "cohorts": 1}
    assert "Northtown: no pathway for children who display harmful sexual behaviour" in result["areas"][0]["statements_resolved"]
    # Nothing written, nothing cached changed.
    assert _snapshot(world.data_dir) == files
    assert len(world.services) == 6 and world.get("what-if-hypothetical-service") is None
    assert analyse(world, today=TODAY).to_dict() == before


def test_what_if_distance_and_cohorts(world):
    result = what_if(world, Hypothetical(service_types=("therapeutic",), lat=54.1, lon=-1.0), today=TODAY)
    (area,) = result["areas"]
    assert area["code"] == NORTH  # the authority it sits in
    # Therapy for every age without a disclosure: siblings close; its later-support offer is local.
    assert area["closes"] == {"stages": [], "cohorts": ["siblings", "after_support_ends"]}
    nearer = {n["stage"]: n for n in area["nearer"]["stages"]}
    assert nearer["therapeutic_support"]["before_km"] == pytest.approx(KM_PER_TENTH / 4, abs=0.01)
    assert nearer["therapeutic_support"]["after_km"] == 0.0
    assert area["after"]["data_quality"]["local_services"] == 4  # the hypothetical is not a record


@pytest.mark.parametrize("h, message", [
    (Hypothetical(service_types=()), "type of service"),
    (Hypothetical(service_types=("therapy",), service_areas=("Northtown",)), "'therapy' is not a service type"),
    (Hypothetical(service_types=("therapeutic",), service_areas=("Northtown",), min_age=12, max_age=5), "min_age 12 is above max_age 5"),
    (Hypothetical(service_types=("therapeutic",)), "which areas"),
    (Hypothetical(service_types=("therapeutic",), lat=54.0), "both latitude and longitude"),
])
def test_what_if_refuses_bad_input_clearly(world, h, message):
    with pytest.raises(InvalidInput, match=message):
        what_if(world, h, today=TODAY)


def test_what_if_unknown_area(world):
    with pytest.raises(PlaceNotFound, match="Narnia"):
        what_if(world, Hypothetical(service_types=("therapeutic",), service_areas=("Narnia",)), today=TODAY)


# -- the shipped data ---------------------------------------------------------------------

def test_shipped_data_all_153_areas():
    directory = load_directory()
    report = analyse(directory)
    assert len(report.areas) == 153
    assert {a.code for a in report.areas} == set(directory.geography.authorities)
    york = report.area("York").to_dict()
    assert york["code"] == "E06000014"
    assert york["stages"]["therapeutic_support"]["covered"] is True
    assert york["stages"]["medical_assessment"]["covered"] is True
    assert york["stages"]["medical_assessment"]["nearest_km"] is not None
    assert york["cohorts"]["hsb"]["covered"] is True
    assert york["data_quality"]["local_services"] > 0
    # Leeds is not compiled (statutory spine only): therapy there is never "covered", and
    # never counted as a gap either: it is unknown.
    leeds = report.area("Leeds").to_dict()
    assert leeds["coverage"] == "statutory" and york["coverage"] == "local"
    assert leeds["stages"]["therapeutic_support"]["covered"] is False
    assert leeds["stages"]["therapeutic_support"]["known"] is False
    assert "therapeutic_support" not in leeds["gaps"]["stages"]
    assert leeds["stages"]["immediate_safety"]["covered"] is True  # 999
    assert "not yet compiled" in leeds["statements"][0]
    assert gap_model(directory) is report.model  # cached: the app pays once per data version


def test_area_records_are_frozen_and_read_the_same_as_their_json(report):
    # The report is cached for every page view: a consumer must not be able to change it.
    north = report.area(NORTH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        north.coverage = "statutory"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        north.stages["therapeutic_support"].covered = False  # type: ignore[misc]
    data = json.loads(json.dumps(report.to_dict()))["areas"][0]
    assert data == north.to_dict()
    assert data["stages"]["therapeutic_support"]["covered"] is north.stages["therapeutic_support"].covered
    assert data["gaps"]["cohorts"] == list(north.gaps.cohorts)
    assert data["cohorts"]["siblings"]["stages"]["therapeutic_support"]["ages_without_cover"] == list(
        north.cohorts["siblings"].stages["therapeutic_support"].ages_without_cover)
    assert data["statements"] == list(north.statements) and north.statements


def test_a_commissioners_view_of_an_area_leaves_the_report_alone(report):
    north = report.area(NORTH)
    mine = restrict_area(north, ["therapeutic_support", "hsb_intervention"])
    assert list(mine.stages) == ["therapeutic_support", "hsb_intervention"]
    assert set(mine.gaps.stages) <= {"therapeutic_support", "hsb_intervention"}
    assert "hsb_intervention" in mine.gaps.stages
    assert report.area(NORTH) is north and set(north.stages) == set(STAGES)
    assert set(north.gaps.stages) > set(mine.gaps.stages)
