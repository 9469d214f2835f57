"""The gap table from a synthetic national directory: every area, consistent numbers, fast.

The directory comes from ``databuild.synth`` (what ``python -m databuild synth`` writes). The
100,000-service benchmark runs only with ``WAYMARK_BENCH=1`` (it takes minutes to build the
directory; the analysis itself must stay under 2 s).
"""

from __future__ import annotations

import pytest

from databuild.synth import generate
from pathways.gaps import analyse, gap_model
from pathways.gaps.whatif import Hypothetical, what_if
from services.directory import Directory, load_directory, validate_records


def synthetic_directory(n: int, seed: int = 3) -> Directory:
    base = load_directory()
    known = set(base.geography.authorities)
    services, problems = validate_records(generate(n, seed, base.geography), "synthetic", known_areas=known)
    assert not problems
    services = [s if s.stages else s.model_copy(update={"stages": base.taxonomy.stages_for(s.service_types)})
                for s in services]
    return Directory(base.data_dir, tuple(services), base.taxonomy, base.geography)


@pytest.fixture(scope="module")
def national():
    return synthetic_directory(1500)


@pytest.mark.slow
def test_every_area_and_consistent_numbers(national):
    model = gap_model(national)
    report = analyse(national)  # its speed is measured by benchmarks.gaps_ratio, not asserted here
    assert len(report.areas) == 153
    national_covers = {s.id: s.national_covers for s in model.stages}
    for area in (a.to_dict() for a in report.areas):
        for stage, v in area["stages"].items():
            assert v["covered"] <= (v["services"] > 0)
            assert not (v["national_only"] and v["local_services"])
            if v["covered"] and not national_covers[stage]:
                assert v["local_services"] > 0
            if v["nearest_km"] is not None:
                assert 0 <= v["nearest_km"] <= v["max_km"] + 1e-9 and v["p90_km"] <= v["max_km"] + 1e-9
                assert 0 <= v["share_within_km"] <= 1
        for v in area["cohorts"].values():
            assert v["covered"] == all(s["covered"] for s in v["stages"].values())
        assert set(area["gaps"]["stages"]) == {s for s, v in area["stages"].items() if not v["covered"]}


@pytest.mark.slow
def test_what_if_national_service_touches_every_area(national):
    result = what_if(national, Hypothetical(service_types=("hsb_service",), service_areas=("national",)))
    assert result["service"]["service_areas"] == ["national"]
    # hsb stages are not ones a national service covers: nothing closes, nothing breaks.
    assert result["closes"] == {"stages": 0, "cohorts": 0}
