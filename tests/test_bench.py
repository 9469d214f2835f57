"""The synthetic directory and the benchmark, at a small size: shape and agreement, no timings.

Timing assertions would only measure the machine the tests run on; the numbers live in
docs/PERFORMANCE.md. What is checked here: the generator writes a valid, deterministic
directory; the benchmark runs end to end and reports every measurement; and the naive
baseline it compares against gives the same answers as the real search and planner when
both measure distance the same way (so the speed-up compares like with like).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.national import (
    TARGETS,
    _resolved,
    _sample_places,
    haversine_point_km,
    naive_plan,
    naive_search,
    plan_agrees,
    random_filters,
    random_situation,
    render_table,
    summary,
)
from pathways.definition import load_pathway, pathway_path
from pathways.planner import make_plan
from services.directory import load_directory
from services.search import search

ROOT = Path(__file__).resolve().parent.parent
N = 300


def _synth(out: Path, n: int = N, seed: int = 3) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "databuild", "synth", "--services", str(n), "--seed", str(seed), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    proc = _synth(out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_generator_writes_a_valid_deterministic_directory(synthetic, tmp_path):
    d = load_directory(synthetic, cache=False)
    assert len(d) == N and not d.problems
    assert all("synthetic" in s.source for s in d.services)
    kinds = {("national" if s.is_national else "multi" if len(s.service_areas) > 1 else "local") for s in d.services}
    assert kinds == {"local", "multi", "national"}
    assert {c for s in d.services for c in s.service_areas} - {"national"} == set(d.geography.authorities)
    again = tmp_path / "again"
    assert _synth(again).returncode == 0
    files = sorted(p.name for p in (synthetic / "services").glob("*.yaml"))
    assert files == sorted(p.name for p in (again / "services").glob("*.yaml"))
    for name in files:
        assert (synthetic / "services" / name).read_bytes() == (again / "services" / name).read_bytes()


def test_fast_yaml_writer_writes_what_pyyaml_writes():
    """databuild.synth writes YAML itself (15x faster): byte for byte what yaml.dump writes."""
    import yaml

    from databuild.synth import dump_services, generate
    from services.geography import Geography

    def pyyaml(records):
        return yaml.dump({"services": records}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                         sort_keys=False, allow_unicode=True, width=120)

    records = list(generate(2000, 5, Geography.load()))
    assert dump_services(records) == pyyaml(records)
    odd = {"id": "x", "name": "Yes", "colon": "a: b", "quote": "it's", "tiny": 1e-05, "neg": -8e-05, "big": 1.5e20,
           "none": [], "day": "2026-01-01", "accent": "Ünï", "on": "on", "lead": " x", "two": "a  b", "hash": "# no",
           "dash": "-x", "nested": [{"a": 1, "b": [1, 2]}], "long": "word " * 40, "multi": "a\nb"}
    for key, value in odd.items():
        one = [{"id": "x", key: value}]
        assert dump_services(one) == pyyaml(one), key
    assert dump_services([odd]) == pyyaml([odd])


def test_summary_median_and_nearest_rank_p95():
    s = summary([5.0, 1.0, 3.0, 2.0, 4.0] * 4)
    assert s["n"] == 20 and s["median"] == 3.0 and s["p95"] == 5.0 and s["min"] == 1.0
    assert summary([])["median"] is None


def test_naive_baseline_agrees_with_search_and_planner(synthetic):
    """Same distance function → the same services, in the same order; plans agree with the
    public per-record rules run in a plain loop."""
    d = load_directory(synthetic, cache=False)
    services = list(d.services)
    rng = random.Random(11)
    places = _resolved(d, _sample_places(rng, d, 20, partitions=4), 20)
    assert {k for k, _, _ in places} == {"postcode", "outcode", "town"}
    for kind, text, place in places:
        filters = random_filters(rng)
        slow = naive_search(services, place, filters, distance=haversine_point_km)
        fast = search(d, place, filters)
        assert [(h.service.id, h.distance_km, h.local) for h in slow] == [
            (h.service.id, h.distance_km, h.local) for h in fast
        ]
        situation = random_situation(rng, kind, text, place)
        naive = naive_plan(situation, d, services, distance=haversine_point_km)
        assert plan_agrees(naive, make_plan(situation, d), load_pathway(pathway_path(d.data_dir))), situation


def test_benchmark_runs_end_to_end_and_reports_every_measurement(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.national", "--sizes", str(N), "--json", "--repeat", "1", "--queries", "6",
         "--naive", "3", "--seed", "3", "--workdir", str(tmp_path), "--apptest-size", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["machine"]["cpus"] >= 1 and len(result["machine"]["load_avg_start"]) == 3
    r = result["sizes"][str(N)]
    assert r["services"] == N and r["problems"] == 0 and r["warm_from_cache"] is True
    for key in ("cold_load_s", "cold_parse_validate_s", "cold_index_s", "warm_load_s", "search_ms", "plan_ms",
                "paired_search_ms", "paired_naive_search_ms", "paired_plan_ms", "paired_naive_plan_ms",
                "gaps_s", "map_search_ms", "map_search_html_kb", "map_5000_ms", "postcode_lookup_ms",
                "postcode_first_use_ms", "search_warm_ms"):
        assert set(r[key]) >= {"median", "p95", "n"}, key
        assert r[key]["n"] >= 1 and r[key]["median"] >= 0 and r[key]["p95"] >= r[key]["median"], key
    assert r["search_speedup"] > 0 and r["plan_speedup"] > 0
    assert r["gaps_areas"] == 153
    assert 0 < r["map_5000_markers"] <= 5000 and r["map_5000_html_mb"] > 0
    assert r["postcode_partitions"]["loaded_by_this_run"] < r["postcode_partitions"]["files"]
    assert r["peak_rss_mb"] >= max(r["cold_peak_rss_mb"], r["serving_peak_rss_mb"]) > 0
    assert r["naive_agreement"]["search_same_services"] == "3/3"
    assert {t["key"] for t in result["targets"]} == {t["key"] for t in TARGETS}
    table = render_table(result)
    assert "cold load" in table and "Targets" in table and f"{N:,}" in table
    # A second run reuses the synthetic directory rather than writing it again.
    stamp = tmp_path / f"synth-{N}-seed3" / "bench-stamp.json"
    assert json.loads(stamp.read_text())["services"] == N


def test_bad_arguments_are_refused_with_a_message():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.national", "--sizes", "ten"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not a comma-separated list" in proc.stderr and "Traceback" not in proc.stderr


def test_apptest_measurement_reports_each_page(synthetic, tmp_path):
    """The AppTest part on its own (it runs at 10,000 services in the real benchmark)."""
    spec = json.dumps({"task": "apptest", "data": str(synthetic), "seed": 3, "repeat": 1})
    env = {**os.environ, "WAYMARK_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.national", "--child", spec], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["services"] == N
    assert set(result["pages"]) == {"find_support", "referral_pathway", "directory", "service_gaps"}
    for name, page in result["pages"].items():
        assert "rerun_ms" in page or "error" in page, name
    assert result["pages"]["find_support"]["rerun_ms"]["n"] == 1
