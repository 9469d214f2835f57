"""Search: area rules, eligibility, ranking by distance, and the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from geopy.distance import geodesic

from services.directory import load_directory
from services.errors import InvalidInput
from services.search import SearchFilters, search, service_summary

from .conftest import ISLINGTON, YORK, service

YORK_CENTRE = {"latitude": 53.959, "longitude": -1.0815}
HESLINGTON = {"latitude": 53.9461, "longitude": -1.0523}  # near YO10 5DD
HAXBY = {"latitude": 54.0167, "longitude": -1.0766}


@pytest.fixture
def directory(data_dir):
    root = data_dir({
        "york.yaml": [
            service("york-far", locations=[HAXBY]),
            service("york-near", locations=[HESLINGTON]),
            service("york-two-sites", locations=[HAXBY, YORK_CENTRE]),
            service("york-unplaced"),
            service("york-csaac", service_types=["csaac"], requires_disclosure=True, locations=[YORK_CENTRE],
                    available_during_investigation=True),
            service("york-teens", min_age=13, max_age=17, accepts_self_referral=True, locations=[YORK_CENTRE]),
            service("york-parents", service_types=["parent_support"], for_parents=True, locations=[YORK_CENTRE],
                    available_during_investigation=False),
        ],
        "london.yaml": [
            service("lighthouse", service_types=["child_house"], service_areas=[ISLINGTON, "E09000007"],
                    locations=[{"latitude": 51.5392, "longitude": -0.1426}]),
        ],
        "national.yaml": [
            service("childline", service_types=["helpline"], service_areas=["national"], max_age=18,
                    phones=[{"number": "0800 1111"}], accepts_self_referral=True, available_during_investigation=True),
            service("rape-crisis", service_types=["helpline"], service_areas=["national"], min_age=16, max_age=120,
                    phones=[{"number": "0808 500 2222"}]),
            service("emergency", service_types=["emergency"], service_areas=["national"], max_age=120,
                    phones=[{"number": "999"}]),
        ],
    })
    return load_directory(root)


def ids(hits):
    return [h.service.id for h in hits]


def test_local_nearest_first_then_national(directory):
    place = directory.resolve_place("YO10 5DD")
    hits = search(directory, place, SearchFilters(age=9))
    assert ids(hits) == [
        "york-near", "york-csaac", "york-two-sites", "york-parents", "york-far", "york-unplaced",
        "emergency", "childline",
    ]
    distances = [h.distance_km for h in hits if h.local and h.distance_km is not None]
    assert distances == sorted(distances)
    assert all(h.distance_km is None for h in hits if not h.local)


def test_distance_matches_geodesic(directory):
    place = directory.resolve_place("YO10 5DD")
    hit = next(h for h in search(directory, place) if h.service.id == "york-far")
    expected = geodesic((place.lat, place.lon), (HAXBY["latitude"], HAXBY["longitude"])).km
    assert hit.distance_km == pytest.approx(expected, rel=0.005)


def test_multi_site_service_uses_its_nearest_site(directory):
    place = directory.resolve_place("YO10 5DD")
    hit = next(h for h in search(directory, place) if h.service.id == "york-two-sites")
    expected = geodesic((place.lat, place.lon), (YORK_CENTRE["latitude"], YORK_CENTRE["longitude"])).km
    assert hit.distance_km == pytest.approx(expected, rel=0.005)


def test_lighthouse_never_appears_for_york_but_does_for_islington(directory):
    assert "lighthouse" not in ids(search(directory, directory.resolve_place("YO10 5DD")))
    islington = search(directory, directory.place_for_area("Islington"))
    assert ids(islington)[0] == "lighthouse"
    assert not any(i.startswith("york-") for i in ids(islington))


@pytest.mark.parametrize(
    ("age", "present", "absent"),
    [
        (9, {"childline", "york-near"}, {"rape-crisis", "york-teens"}),
        (15, {"childline", "york-teens"}, {"rape-crisis"}),
        (17, {"childline", "rape-crisis", "york-teens"}, set()),
    ],
)
def test_age_eligibility(directory, age, present, absent):
    found = set(ids(search(directory, directory.resolve_place("York"), SearchFilters(age=age))))
    assert present <= found
    assert not (absent & found)


def test_not_told_anyone_hides_services_needing_disclosure(directory):
    found = ids(search(directory, directory.resolve_place("York"), SearchFilters(no_disclosure=True)))
    assert "york-csaac" not in found and "york-near" in found


def test_during_investigation_keeps_only_services_that_say_so(directory):
    found = ids(search(directory, directory.resolve_place("York"), SearchFilters(during_investigation=True)))
    assert found == ["york-csaac", "childline"]


def test_self_referral_type_stage_and_parent_filters(directory):
    place = directory.resolve_place("York")
    assert ids(search(directory, place, SearchFilters(self_referral=True))) == ["york-teens", "childline"]
    assert ids(search(directory, place, SearchFilters(service_types=("csaac",)))) == ["york-csaac"]
    assert "york-csaac" in ids(search(directory, place, SearchFilters(stages=("medical_assessment",))))
    assert ids(search(directory, place, SearchFilters(for_parents=True))) == ["york-parents"]


def test_limit_and_bad_filters(directory):
    assert len(search(directory, directory.resolve_place("York"), limit=2)) == 2
    with pytest.raises(InvalidInput, match="'astrology' is not a service type"):
        SearchFilters(service_types=("astrology",))


def test_summary_has_contract_fields(directory):
    hit = search(directory, directory.resolve_place("York"), SearchFilters(service_types=("helpline",)))[0]
    summary = service_summary(hit)
    for key in ("id", "name", "service_type", "distance_km", "min_age", "max_age",
                "available_during_investigation", "contact"):
        assert key in summary
    assert summary["contact"]["phones"][0]["number"] == "0800 1111"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services", *args], capture_output=True, text=True, timeout=120)


def test_cli_search_json_yo10_5dd_shipped_data():
    out = run_cli("search", "--postcode", "yo10 5dd", "--age", "9", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["place"]["area"] == {"code": YORK, "name": "York", "coverage": "local"}
    local = [s for s in result["services"] if not s["national"]]
    national = [s for s in result["services"] if s["national"]]
    assert national, "national helplines are listed"
    numbers = {p["number"] for s in national for p in s["contact"]["phones"]}
    assert {"999", "0800 1111", "0808 800 5000"} <= numbers
    assert "0808 500 2222" not in numbers  # Rape Crisis is 16+
    placed = [s["distance_km"] for s in local if s["distance_km"] is not None]
    assert placed == sorted(placed)
    for s in result["services"]:
        assert s["min_age"] <= 9 <= s["max_age"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--postcode", "YO10 5D"], "not a complete UK postcode"),
        (["--place", "Nowhereville"], "Nowhereville"),
        (["--area", "Narnia"], "Narnia"),
        (["--postcode", "YO10 5DD", "--age", "-4"], "not a possible age"),
        (["--postcode", "YO10 5DD", "--type", "astrology"], "invalid choice"),
        ([], "one of the arguments --postcode --place --area is required"),
    ],
)
def test_cli_bad_input_is_one_clear_line(args, message):
    out = run_cli("search", *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_cli_validate_reports_problems(data_dir):
    root = data_dir({"a.yaml": [service("ok"), service("bad", min_age=30, max_age=2)]})
    out = run_cli("validate", str(root))
    assert out.returncode == 1
    assert out.stdout.strip().startswith(f"{root.name}/services/a.yaml:")
    assert "min_age 30 is above max_age 2" in out.stdout


def test_cli_validate_shipped_data_is_clean():
    out = run_cli("validate")
    assert out.returncode == 0, out.stdout
