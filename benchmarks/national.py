"""``python -m benchmarks.national``: Waymark at national scale, measured, beside a naive baseline.

For each size it writes (or reuses) a synthetic national directory with ``python -m services
synth`` and measures, each part in its own fresh process so sizes and phases do not pollute
each other's memory or caches:

- **cold load** — parse, validate and index every YAML file (the warm cache cleared first),
  then writing the warm cache (reported apart);
- **warm load** — the directory from the warm-start cache, in a fresh process;
- **search** for random places (real postcodes from the shipped partitions, outward codes,
  towns) and random filters; **plan** for random valid situations over random places;
- the **gap analysis** for every authority; the **map** for a search result (build + HTML
  size) and a 5,000-marker map; **postcode lookup** once a partition is loaded, and the
  first-use load of a partition;
- **peak memory** (``ru_maxrss``) of the cold-load process and of the serving process;
- a **Streamlit rerun** of each page (``AppTest``) at 10,000 services;
- a **naive baseline** for search and plan — a Python loop over every service with
  ``geopy.distance.geodesic`` and per-record eligibility checks — run side by side with the
  real thing on the same queries in the same process, and the ratio printed.

Timings are wall-clock (``time.perf_counter``); the machine's load average is recorded with
every phase, because a shared machine makes every number noisy. Synthetic data is for tests
and benchmarks only: it lives in ``--workdir`` (default: a ``waymark-bench`` folder in the
temporary directory), never in ``data/``. Nothing here reads or writes a real situation.

Output: a table (default) or JSON (``--json``). See docs/PERFORMANCE.md for a run and the
targets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.clitools import whole_number

ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "main",
    "run",
    "naive_search",
    "naive_plan",
    "geodesic_km",
    "haversine_point_km",
    "random_filters",
    "random_situation",
    "summary",
    "TARGETS",
]

#: (key, label, metric path, statistic, limit, unit, comparison) — evaluated at the largest
#: size (AppTest at the size it ran at).
TARGETS: tuple[dict[str, Any], ...] = (
    {"key": "plan_p95", "label": "plan p95 ≤ 10 ms (first queries, warm start)", "metric": "plan_ms", "stat": "p95", "limit": 10.0, "op": "<="},
    {"key": "search_p95", "label": "search p95 ≤ 5 ms (records in memory)", "metric": "search_warm_ms", "stat": "p95", "limit": 5.0, "op": "<="},
    {"key": "search_p95_first", "label": "search p95 ≤ 5 ms (first queries, warm start)", "metric": "search_ms", "stat": "p95", "limit": 5.0, "op": "<="},
    {"key": "plan_speedup", "label": "plan ≥ 100× naive", "metric": "plan_speedup", "stat": "value", "limit": 100.0, "op": ">="},
    {"key": "search_speedup", "label": "search ≥ 100× naive", "metric": "search_speedup", "stat": "value", "limit": 100.0, "op": ">="},
    {"key": "gaps", "label": "full gap analysis ≤ 2 s", "metric": "gaps_s", "stat": "median", "limit": 2.0, "op": "<="},
    {"key": "cold", "label": "cold load ≤ 10 s", "metric": "cold_load_s", "stat": "median", "limit": 10.0, "op": "<="},
    {"key": "warm", "label": "warm load ≤ 1 s", "metric": "warm_load_s", "stat": "median", "limit": 1.0, "op": "<="},
    {"key": "memory", "label": "peak memory ≤ 1 GB", "metric": "peak_rss_mb", "stat": "value", "limit": 1024.0, "op": "<="},
    {"key": "postcode", "label": "postcode lookup ≤ 1 ms once loaded", "metric": "postcode_lookup_ms", "stat": "p95", "limit": 1.0, "op": "<="},
    {"key": "map", "label": "map HTML for 5,000 markers ≤ 2 MB", "metric": "map_5000_html_mb", "stat": "value", "limit": 2.0, "op": "<="},
    {"key": "apptest", "label": "AppTest rerun ≤ 300 ms per page (10,000)", "metric": "apptest_rerun_ms", "stat": "max_page_median", "limit": 300.0, "op": "<="},
)


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def summary(values: Iterable[float]) -> dict[str, Any]:
    """Median and 95th percentile (nearest rank) of some measurements."""
    v = sorted(values)
    if not v:
        return {"n": 0, "median": None, "p95": None, "min": None, "max": None}
    rank = max(1, math.ceil(0.95 * len(v)))
    return {"n": len(v), "median": statistics.median(v), "p95": v[rank - 1], "min": v[0], "max": v[-1]}


def _scaled(s: dict[str, Any], factor: float) -> dict[str, Any]:
    return {k: (x * factor if isinstance(x, float) and k != "n" else x) for k, x in s.items()}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _children_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# --------------------------------------------------------------------------------------
# The naive baseline: what the code would be without the index
# --------------------------------------------------------------------------------------

def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """geopy's ellipsoidal distance (the naive baseline's distance)."""
    from geopy.distance import geodesic

    return geodesic((lat1, lon1), (lat2, lon2)).km


def haversine_point_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The index's great-circle distance for one pair (to check the baseline agrees)."""
    from services.distance import point_km

    return point_km(lat1, lon1, lat2, lon2)


def naive_search(services: Sequence[Any], place: Any, filters: Any, *,
                 distance: Callable[[float, float, float, float], float] = geodesic_km) -> list[Any]:
    """:func:`services.search.search` as a plain loop over every record (same rules, same order)."""
    from services.search import Hit
    from services.vocabulary import SERVICE_TYPES

    type_rank = {t: i for i, t in enumerate(SERVICE_TYPES)}
    code = place.authority.code if place.authority else None
    types, stages = set(filters.service_types), set(filters.stages)
    language = filters.language.strip().casefold() if filters.language else None
    rows = []
    for position, s in enumerate(services):
        national = s.is_national
        if national:
            if not filters.include_national:
                continue
        elif code is None or code not in s.service_areas:
            continue
        if filters.age is not None and not s.serves_age(filters.age):
            continue
        if types and not types.intersection(s.service_types):
            continue
        if stages and not stages.intersection(s.stages):
            continue
        if filters.during_investigation and s.available_during_investigation is not True:
            continue
        if filters.self_referral and s.accepts_self_referral is not True:
            continue
        if filters.no_disclosure and s.requires_disclosure:
            continue
        if filters.for_parents is not None and s.for_parents != filters.for_parents:
            continue
        if filters.free and s.free is not True:
            continue
        if language and language not in ("english", "en") and not any(language == x.casefold() for x in s.languages):
            continue
        km = [distance(place.lat, place.lon, loc.latitude, loc.longitude)
              for loc in s.locations if loc.latitude is not None and loc.longitude is not None]
        d = min(km) if km else None
        key = 0.0 if national else (1e9 if d is None else d)
        rows.append((national, key, type_rank[s.service_types[0]], position, s, d))
    rows.sort(key=lambda r: r[:4])
    return [Hit(s, None if d is None else round(d, 2), not national) for national, _, _, _, s, d in rows]


@dataclass(frozen=True)
class NaiveStep:
    """One step as the naive loop sees it: the services this child may use that deliver it."""

    stage: str
    services: tuple[str, ...]
    gap: bool


def naive_plan(situation: Any, directory: Any, services: Sequence[Any], *,
               distance: Callable[[float, float, float, float], float] = geodesic_km) -> list[NaiveStep]:
    """What the planner finds for each step, the way it would without the index: the naive
    search's loop over every record, then the public per-record rules
    (:func:`pathways.planner.eligible` and :func:`~pathways.planner.delivers`) for each step.
    A step is a gap when no local service qualifies and national ones do not cover it."""
    from pathways.definition import load_pathway, pathway_path
    from pathways.planner import applicable_stages, delivers, eligible, resolve_place
    from pathways.situation import parse_situation
    from services.search import SearchFilters

    pathway = load_pathway(pathway_path(directory.data_dir))
    situation = parse_situation(situation)
    place = resolve_place(situation, directory)
    found = [h for h in naive_search(services, place, SearchFilters(), distance=distance)
             if eligible(h.service, situation, place, pathway=pathway)]
    steps = []
    for stage in applicable_stages(pathway, situation):
        listed = [h for h in found if delivers(h.service, stage)]
        local = any(h.local for h in listed)
        national = any(not h.local for h in listed)
        steps.append(NaiveStep(stage.id, tuple(h.service.id for h in listed),
                               gap=not local and not (stage.national_covers and national)))
    return steps


def plan_agrees(naive: list[NaiveStep], plan: Any, pathway: Any) -> bool:
    """The naive loop and the planner agree: the same steps, and for every step about this
    child alone (not the child suspected's ages, not a step professionals refer to) the same
    gap, and every service the plan lists there qualifies in the naive loop too (a variant's
    extra types and the parents' helplines a young child gets instead are the planner's own
    additions, so not counted)."""
    by_stage = {s.stage: s for s in naive}
    if set(by_stage) != {step.stage for step in plan.steps}:
        return False
    for step in plan.steps:
        stage = pathway.stage(step.stage)
        if tuple(step.services_for) != ("child",) or stage.professional_referral:
            continue
        mine = by_stage[step.stage]
        own = [ps.service for ps in step.services
               if set(ps.service.service_types) & set(stage.service_types) and not ps.service.for_parents]
        if step.gap != mine.gap or not {s.id for s in own} <= set(mine.services):
            return False
    return True


# --------------------------------------------------------------------------------------
# Random queries
# --------------------------------------------------------------------------------------

def _sample_places(rng: random.Random, directory: Any, count: int, *, partitions: int = 12) -> list[tuple[str, str]]:
    """(kind, text): real postcodes from a few shipped partitions, outward codes and towns."""
    import csv
    import gzip

    geo_dir = directory.geography.data_dir
    files = sorted((geo_dir / "postcodes").glob("*.csv.gz"))
    postcodes: list[str] = []
    for path in rng.sample(files, min(partitions, len(files))):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            rows = [r[0] for r in csv.reader(fh)][1:]
        postcodes.extend(rng.sample(rows, min(len(rows), count)))
    with open(geo_dir / "outcodes.csv", encoding="utf-8", newline="") as fh:
        outcodes = [r["outcode"] for r in csv.DictReader(fh)]
    towns: list[str] = []
    places_csv = geo_dir / "places.csv"
    if places_csv.exists():
        with open(places_csv, encoding="utf-8", newline="") as fh:
            towns = sorted({r["name"] for r in csv.DictReader(fh)})
    pools = [("postcode", sorted(set(postcodes))), ("outcode", outcodes), ("town", towns)]
    pools = [(k, p) for k, p in pools if p]
    out: list[tuple[str, str]] = []
    for i in range(count * 3):
        kind, pool = pools[i % len(pools)]
        text = rng.choice(pool)
        out.append((kind, f"{text[:-3]} {text[-3:]}" if kind == "postcode" else text))
    return out


def _resolved(directory: Any, candidates: list[tuple[str, str]], count: int) -> list[tuple[str, str, Any]]:
    """The first ``count`` candidates that resolve to an English authority."""
    from services.errors import WaymarkError

    authorities = directory.geography.authorities
    out = []
    for kind, text in candidates:
        try:
            place = directory.resolve_place(text)
        except WaymarkError:
            continue
        if place.authority is not None and place.authority.code in authorities:
            out.append((kind, text, place))
        if len(out) >= count:
            break
    return out


def random_filters(rng: random.Random) -> Any:
    """Filters as people combine them: mostly an age, sometimes types, stages and ticks."""
    from services.search import SearchFilters
    from services.vocabulary import SERVICE_TYPES, STAGES

    return SearchFilters(
        age=rng.randint(0, 17) if rng.random() < 0.8 else None,
        service_types=tuple(rng.sample(SERVICE_TYPES, rng.randint(1, 3))) if rng.random() < 0.3 else (),
        stages=tuple(rng.sample(STAGES, rng.randint(1, 2))) if rng.random() < 0.2 else (),
        during_investigation=rng.random() < 0.25,
        self_referral=rng.random() < 0.15,
        no_disclosure=rng.random() < 0.3,
        for_parents=True if rng.random() < 0.1 else None,
        free=rng.random() < 0.1,
        language=rng.choice(["Polish", "Urdu", "BSL"]) if rng.random() < 0.05 else None,
    )


def random_situation(rng: random.Random, kind: str, text: str, place: Any) -> dict[str, Any]:
    """A valid situation at a place, with a random selection of the optional fields
    (answers that contradict each other are dropped one at a time until none do)."""
    from pathways.situation import FIELD_KINDS, parse_situation
    from services.errors import InvalidInput

    where = {"postcode": "postcode", "outcode": "postcode", "town": "place"}[kind]
    if rng.random() < 0.25:
        sit: dict[str, Any] = {"age": rng.randint(0, 17), "area": place.authority.code}
    else:
        sit = {"age": rng.randint(0, 17), where: text}
    ints = {"days_since_last_abuse": 60, "other_children": 5, "previous_concerns": 6, "suspect_age": 70}
    for name, (k, choices) in FIELD_KINDS.items():
        if name in ("age", "area", "postcode", "place", "language") or rng.random() > 0.4:
            continue
        if k == "bool":
            sit[name] = rng.random() < 0.5
        elif k == "enum":
            sit[name] = rng.choice(list(choices))
        elif k == "list":
            sit[name] = rng.sample(list(choices), rng.randint(0, 2))
        elif k == "int":
            sit[name] = rng.randint(0, ints.get(name, 3))
    while True:
        try:
            parse_situation(sit)
            return sit
        except InvalidInput:
            optional = sorted(set(sit) - {"age", "area", "postcode", "place"})
            del sit[rng.choice(optional)]


# --------------------------------------------------------------------------------------
# Child tasks (each runs in its own process and prints one JSON line)
# --------------------------------------------------------------------------------------

def _task_cold(p: Mapping[str, Any]) -> dict[str, Any]:
    from services.cache import cache_file, write_cache
    from services.directory import data_signature, load_directory

    data = Path(p["data"])
    cache_file(data).unlink(missing_ok=True)
    load0 = _load()
    t_load, d = _timed(lambda: load_directory(data, cache=False))
    t_index, _ = _timed(lambda: d.index)
    t_write, _ = _timed(lambda: write_cache(data, data_signature(data), d.services, d.problems, d.index))
    return {
        "load_s": t_load + t_index, "parse_validate_s": t_load, "index_s": t_index, "cache_write_s": t_write,
        "services": len(d), "problems": len(d.problems), "peak_rss_mb": _peak_rss_mb(),
        "parser_workers_peak_rss_mb": _children_peak_rss_mb(), "load_avg": [load0, _load()],
    }


def _task_warm(p: Mapping[str, Any]) -> dict[str, Any]:
    from services.directory import load_directory

    data = Path(p["data"])
    load0 = _load()
    t, d = _timed(lambda: load_directory(data, cache=True))
    from_cache = getattr(d.services, "_payloads", None) is not None
    return {"load_s": t, "from_cache": from_cache, "services": len(d), "peak_rss_mb": _peak_rss_mb(),
            "load_avg": [load0, _load()]}


def _task_queries(p: Mapping[str, Any]) -> dict[str, Any]:
    from pathways.gaps import analyse
    from pathways.planner import make_plan
    from services.directory import Directory, load_directory
    from services.search import search

    data = Path(p["data"])
    rng = random.Random(p["seed"])
    q, repeat, naive_n = int(p["queries"]), int(p["repeat"]), int(p["naive"])
    out: dict[str, Any] = {"load_avg_start": _load()}
    t, d = _timed(lambda: load_directory(data, cache=True))
    out["warm_load_s"] = t

    places = _resolved(d, _sample_places(rng, d, q), q)
    searches = [(pl, random_filters(rng)) for _, _, pl in places]
    situations = [random_situation(rng, kind, text, pl) for kind, text, pl in places]
    out["places"] = {k: sum(1 for x in places if x[0] == k) for k in ("postcode", "outcode", "town")}

    # Search and plan in a freshly warm-started process: the first pass materialises the
    # records each query touches for the first time (the lazy store); the second pass runs
    # the same queries again with those records in memory (a server that has been up a while).
    for suffix in ("", "_warm"):
        times = []
        for place, filters in searches:
            dt, _ = _timed(lambda: search(d, place, filters))
            times.append(dt)
        out[f"search{suffix}_ms"] = _scaled(summary(times), 1e3)
        times = []
        for sit in situations:
            dt, _ = _timed(lambda: make_plan(sit, d))
            times.append(dt)
        out[f"plan{suffix}_ms"] = _scaled(summary(times), 1e3)
    out["search_hits"] = summary(float(len(search(d, pl, f))) for pl, f in searches)

    # Gap analysis for every authority: a new Directory object each time (the report is
    # cached per directory), sharing the loaded records and index.
    times = []
    for _ in range(repeat):
        view = Directory(d.data_dir, d.services, d.taxonomy, d.geography, d.problems, _index=d.index)
        dt, report = _timed(lambda: analyse(view))
        times.append(dt)
    out["gaps_s"] = summary(times)
    out["gaps_areas"] = len(report.areas)

    out.update(_maps(d, searches, rng, repeat))
    out.update(_postcodes(d, places, rng))
    out["serving_peak_rss_mb"] = _peak_rss_mb()
    built = getattr(d.services, "materialised", None)  # the lazy store: how many records were built
    out["records_materialised_serving"] = None if built is None else built()
    out["load_avg_fast_done"] = _load()

    # Side by side: naive and real on the same queries, alternately, all records in memory.
    # (Also what materialising every record up front would cost: time and memory.)
    take = getattr(d.services, "take", None)
    t, services = _timed(lambda: take(range(len(d.services))) if take else list(d.services))
    out["materialise_all_s"] = t
    out["all_materialised_rss_mb"] = _peak_rss_mb()
    pairs: dict[str, list[float]] = {"naive_search": [], "search": [], "naive_plan": [], "plan": []}
    same_search = same_plan = 0
    from pathways.definition import load_pathway, pathway_path

    pathway = load_pathway(pathway_path(d.data_dir))
    for place, filters in searches[:naive_n]:
        dt_naive, slow = _timed(lambda: naive_search(services, place, filters))
        dt_fast, fast = _timed(lambda: search(d, place, filters))
        pairs["naive_search"].append(dt_naive)
        pairs["search"].append(dt_fast)
        same_search += {h.service.id for h in slow} == {h.service.id for h in fast}
    for sit in situations[:naive_n]:
        dt_naive, slow = _timed(lambda: naive_plan(sit, d, services))
        dt_fast, fast = _timed(lambda: make_plan(sit, d))
        pairs["naive_plan"].append(dt_naive)
        pairs["plan"].append(dt_fast)
        same_plan += plan_agrees(slow, fast, pathway)
    for k, v in pairs.items():
        out[f"paired_{k}_ms"] = _scaled(summary(v), 1e3)
    for k in ("search", "plan"):
        naive, fast = out[f"paired_naive_{k}_ms"]["median"], out[f"paired_{k}_ms"]["median"]
        out[f"{k}_speedup"] = naive / fast if naive and fast else None
    out["naive_agreement"] = {"search_same_services": f"{same_search}/{min(naive_n, len(searches))}",
                              "plan_same_steps_and_gaps": f"{same_plan}/{min(naive_n, len(situations))}"}
    out["load_avg_end"] = _load()
    return out


def _maps(d: Any, searches: list[tuple[Any, Any]], rng: random.Random, repeat: int) -> dict[str, Any]:
    """The Find support map for search results, and a 5,000-marker map (HTML as sent)."""
    from services.search import SearchFilters, search

    try:
        from app.maps import Boundaries, ServiceMarkers, boundary_features, build_map
        from app.mapview import points_for
        from app.render import distance_text
    except ImportError as exc:  # pragma: no cover - the app is optional for the benchmark
        return {"map_error": f"app.maps not importable: {exc}"}
    path = d.geography.boundaries_path
    first, _ = _timed(lambda: boundary_features(path, [], focus=[]))  # reads the boundaries file once
    build_times, sizes, markers = [], [], []
    for place, _filters in searches[: max(5, min(20, len(searches)))]:
        def one() -> str:
            hits = search(d, place, SearchFilters(age=9))
            local = [h for h in hits if h.local]
            points = points_for([h.service for h in local], d.taxonomy,
                                distances={h.service.id: distance_text(h) for h in local})
            markers.append(len(points))
            code = [place.authority.code]
            fmap = build_map(features=boundary_features(path, code, focus=code), points=points,
                             centre=(place.lat, place.lon), you=(place.lat, place.lon, "You searched"))
            return fmap.get_root().render()
        dt, html = _timed(one)
        build_times.append(dt)
        sizes.append(len(html.encode("utf-8")) / 1024.0)
    out: dict[str, Any] = {
        "map_boundaries_first_read_ms": first * 1e3,
        "map_search_ms": _scaled(summary(build_times), 1e3),
        "map_search_html_kb": summary(sizes),
        "map_search_markers": summary(float(m) for m in markers),
    }
    # 5,000 markers, as the Directory page draws a long list: services' own areas outlined.
    # (Chosen from the index, so that only those 5,000 records are materialised.)
    index = d.index
    rows = [int(i) for i in ((index.loc_count > 0) & ~index.national).nonzero()[0]]
    rows = sorted(rng.sample(rows, 5000)) if len(rows) > 5000 else rows
    take = getattr(d.services, "take", None)
    placed = take(rows) if take else [d.services[i] for i in rows]
    points = points_for(placed, d.taxonomy)[:5000]
    codes = sorted({c for s in placed for c in s.service_areas if c != "national"})
    times, html = [], ""
    for _ in range(max(1, min(repeat, 3))):
        def big() -> str:
            fmap = build_map(features=boundary_features(path, codes, focus=codes, neighbours=False), points=points)
            return fmap.get_root().render()
        dt, html = _timed(big)
        times.append(dt)
    features = boundary_features(path, codes, focus=codes, neighbours=False)
    out.update({
        "map_5000_markers": len(points),
        "map_5000_ms": _scaled(summary(times), 1e3),
        "map_5000_html_mb": len(html.encode("utf-8")) / 1e6,
        "map_5000_parts_mb": {
            "markers": len(ServiceMarkers(points).points) / 1e6,
            "boundaries": len(Boundaries(features).data) / 1e6,
        },
    })
    return out


def _postcodes(d: Any, places: list[tuple[str, str, Any]], rng: random.Random) -> dict[str, Any]:
    """Postcode lookup in a fresh geography: first use (loads one partition), then loaded."""
    from services.geography import Geography, postcode_area

    geo_dir = d.geography.data_dir
    postcodes = [text for kind, text, _ in places if kind == "postcode"]
    if not postcodes:
        return {}
    geo = Geography(geo_dir)  # not the shared instance: nothing loaded yet
    first: list[float] = []
    seen: set[str] = set()
    for pc in postcodes:
        area = postcode_area(pc)
        if area is None or area in seen:
            continue
        seen.add(area)
        dt, _ = _timed(lambda: geo.resolve(pc))
        first.append(dt)
    loaded = [pc for pc in postcodes if postcode_area(pc) in seen]
    times = []
    for _ in range(max(1000, len(loaded))):
        pc = rng.choice(loaded)
        dt, _ = _timed(lambda: geo.resolve(pc))
        times.append(dt)
    partitions = sorted((geo_dir / "postcodes").glob("*.csv.gz"))
    sizes = [p.stat().st_size for p in partitions]
    loaded_parts = [k for k, v in geo.postcodes.partitions.items() if v is not None]
    rows = sum(len(part.postcodes) for part in geo.postcodes.partitions.values() if part is not None)
    return {
        "postcode_first_use_ms": _scaled(summary(first), 1e3),
        "postcode_lookup_ms": _scaled(summary(times), 1e3),
        "postcode_partitions": {"files": len(partitions), "loaded_by_this_run": len(loaded_parts),
                                "rows_loaded": rows, "largest_file_kb": max(sizes) / 1024.0,
                                "all_files_mb": sum(sizes) / 1e6},
    }


def _task_apptest(p: Mapping[str, Any]) -> dict[str, Any]:
    """Each page on its own (AppTest), after a typical input; reruns timed (server side)."""
    os.environ["WAYMARK_DATA"] = str(p["data"])
    import importlib

    from services.directory import directories

    t, d = _timed(lambda: directories.get())  # in the main thread, before any script thread
    from streamlit.testing.v1 import AppTest

    repeat = int(p["repeat"])
    rng = random.Random(p["seed"])
    town = _resolved(d, [c for c in _sample_places(rng, d, 30, partitions=2) if c[0] == "town"], 1)
    where = town[0][1] if town else "York"
    out: dict[str, Any] = {"directory_load_s": t, "services": len(d), "pages": {}}
    for name in ("find_support", "referral_pathway", "directory", "service_gaps"):
        try:
            module = importlib.import_module(f"app.pages.{name}")
        except ImportError as exc:
            out["pages"][name] = {"error": f"not importable: {exc}"}
            continue
        if not hasattr(module, "render"):
            out["pages"][name] = {"error": "no render()"}
            continue
        at = AppTest.from_string(f"from app.pages import {name}\n{name}.render()\n", default_timeout=600)
        record: dict[str, Any] = {}
        try:
            dt, _ = _timed(at.run)
            record["first_run_ms"] = dt * 1e3
            record["input"], input_s = _interact(name, at, where)
            record["input_run_ms"] = input_s * 1e3 if input_s is not None else None
            reruns: list[float] = []
            for _ in range(repeat):
                dt, _ = _timed(at.run)
                reruns.append(dt)
            record["rerun_ms"] = _scaled(summary(reruns), 1e3)
            record["exception"] = [str(e.value)[:200] for e in at.exception] or None
        except Exception as exc:  # noqa: BLE001 - report, do not stop the benchmark
            record["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        out["pages"][name] = record
    out["peak_rss_mb"] = _peak_rss_mb()
    out["load_avg"] = _load()
    return out


def _interact(name: str, at: Any, where: str) -> tuple[str, float | None]:
    """The input a person would give on the page; (what was done, time of that run)."""
    try:
        if name == "find_support":
            boxes = {t.label: t for t in at.text_input}
            boxes["Your postcode or town"].input(where)
            next(b for b in at.get("form_submit_button") if b.label == "Find support").click()
            dt, _ = _timed(at.run)
            return f"searched {where!r}", dt
        if name == "referral_pathway":
            {n.label: n for n in at.number_input}["Child's age (0 to 17)"].set_value(9)
            {t.label: t for t in at.text_input}["Where the child lives: postcode, town or local authority"].input(where)
            next(b for b in at.get("form_submit_button") if b.label == "Make the plan").click()
            dt, _ = _timed(at.run)
            return f"plan for a 9-year-old in {where!r}", dt
    except (KeyError, StopIteration, IndexError) as exc:
        return f"form not found ({exc}); reruns without input", None
    return "none (the page as first shown)", None


_TASKS = {"cold": _task_cold, "warm": _task_warm, "queries": _task_queries, "apptest": _task_apptest}


# --------------------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------------------

class BenchError(RuntimeError):
    """A measurement process failed; the message carries its error output."""


def _generator_version() -> str:
    src = (ROOT / "databuild" / "synth.py").read_bytes()
    return hashlib.sha256(src).hexdigest()[:16]


def ensure_synthetic(workdir: Path, n: int, seed: int, *, log: Callable[[str], None]) -> tuple[Path, float | None]:
    """The synthetic directory for (n, seed), written with the CLI unless already there."""
    out = workdir / f"synth-{n}-seed{seed}"
    stamp = out / "bench-stamp.json"
    want = {"services": n, "seed": seed, "generator": _generator_version()}
    try:
        if json.loads(stamp.read_text()) == want and any((out / "services").glob("*.yaml")):
            return out, None
    except (OSError, ValueError):
        pass
    log(f"writing {n:,} synthetic services (seed {seed}) to {out}")
    cmd = [sys.executable, "-m", "databuild", "synth", "--services", str(n), "--seed", str(seed), "--out", str(out)]
    dt, proc = _timed(lambda: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True))
    if proc.returncode != 0:
        raise BenchError(f"synth failed: {proc.stderr.strip()[-2000:]}")
    stamp.write_text(json.dumps(want))
    return out, dt


def _child(task: str, env: Mapping[str, str], timeout: float, **params: Any) -> dict[str, Any]:
    spec = json.dumps({"task": task, **params})
    proc = subprocess.run([sys.executable, "-m", "benchmarks.national", "--child", spec], cwd=ROOT, env=dict(env),
                          capture_output=True, text=True, timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BenchError(f"{task} failed (exit {proc.returncode}): {proc.stderr.strip()[-3000:]}")
    return json.loads(lines[-1])


def run(sizes: Sequence[int], *, seed: int = 1, repeat: int = 5, queries: int = 200, naive: int = 20,
        workdir: Path | None = None, apptest_size: int = 10_000, log: Callable[[str], None] = lambda m: None,
        timeout: float = 3600) -> dict[str, Any]:
    """Measure every size; the result is what ``--json`` prints."""
    workdir = Path(workdir) if workdir else Path(tempfile.gettempdir()) / "waymark-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["WAYMARK_CACHE_DIR"] = str(workdir / "cache")
    env.pop("WAYMARK_DATA", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_avg_start": _load()},
        "settings": {"sizes": list(sizes), "seed": seed, "repeat": repeat, "queries": queries, "naive": naive,
                     "apptest_size": apptest_size, "workdir": str(workdir)},
        "sizes": {},
    }
    for n in sizes:
        data, synth_s = ensure_synthetic(workdir, n, seed, log=log)
        r: dict[str, Any] = {"synth_s": synth_s, "load_avg_start": _load()}
        log(f"{n:,}: cold loads")
        cold = [_child("cold", env, timeout, data=str(data)) for _ in range(repeat)]
        r["services"] = cold[0]["services"]
        r["problems"] = cold[0]["problems"]
        r["cold_load_s"] = summary(c["load_s"] for c in cold)
        r["cold_parse_validate_s"] = summary(c["parse_validate_s"] for c in cold)
        r["cold_index_s"] = summary(c["index_s"] for c in cold)
        r["cache_write_s"] = summary(c["cache_write_s"] for c in cold)
        r["cold_peak_rss_mb"] = max(c["peak_rss_mb"] for c in cold)
        r["parser_workers_peak_rss_mb"] = max(c["parser_workers_peak_rss_mb"] for c in cold)
        log(f"{n:,}: warm loads")
        warm = [_child("warm", env, timeout, data=str(data)) for _ in range(repeat)]
        r["warm_load_s"] = summary(w["load_s"] for w in warm)
        r["warm_from_cache"] = all(w["from_cache"] for w in warm)
        r["warm_peak_rss_mb"] = max(w["peak_rss_mb"] for w in warm)
        log(f"{n:,}: search, plan, gaps, maps, postcodes, naive baseline")
        qr = _child("queries", env, timeout, data=str(data), seed=seed, queries=queries, repeat=repeat, naive=naive)
        r.update({k: v for k, v in qr.items() if k != "warm_load_s"})
        r["peak_rss_mb"] = max(r["cold_peak_rss_mb"], r["serving_peak_rss_mb"])
        if apptest_size and n == apptest_size:
            log(f"{n:,}: AppTest reruns")
            try:
                r["apptest"] = _child("apptest", env, timeout, data=str(data), seed=seed, repeat=repeat)
            except BenchError as exc:
                r["apptest"] = {"error": str(exc)[-1000:]}
            pages = r["apptest"].get("pages", {})
            medians = [pg["rerun_ms"]["median"] for pg in pages.values() if "rerun_ms" in pg]
            r["apptest_rerun_ms"] = {"max_page_median": max(medians) if medians else None}
        r["load_avg_end"] = _load()
        result["sizes"][str(n)] = r
    result["machine"]["load_avg_end"] = _load()
    result["targets"] = evaluate(result)
    return result


def _stat(r: Mapping[str, Any], metric: str, stat: str) -> float | None:
    value = r.get(metric)
    if value is None:
        return None
    if stat == "value":
        return value if isinstance(value, (int, float)) else None
    return value.get(stat) if isinstance(value, Mapping) else None


def evaluate(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each target at the largest size measured (AppTest at the size it ran at)."""
    sizes = sorted(result["sizes"], key=int)
    out = []
    for t in TARGETS:
        candidates = [s for s in sizes if t["metric"] in result["sizes"][s]]
        if not candidates:
            out.append({**t, "size": None, "value": None, "met": None})
            continue
        size = candidates[-1]
        value = _stat(result["sizes"][size], t["metric"], t["stat"])
        met = None if value is None else (value <= t["limit"] if t["op"] == "<=" else value >= t["limit"])
        out.append({**t, "size": int(size), "value": value, "met": met})
    return out


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------

def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def _ms(s: Mapping[str, Any] | None) -> str:
    if not s or s.get("median") is None:
        return "–"
    return f"{_fmt(s['median'])} / {_fmt(s['p95'])}"


def render_table(result: Mapping[str, Any]) -> str:
    sizes = sorted(result["sizes"], key=int)
    rs = [result["sizes"][s] for s in sizes]

    def row(label: str, cell: Callable[[Mapping[str, Any]], str]) -> list[str]:
        cells = []
        for r in rs:
            try:
                cells.append(cell(r))
            except (KeyError, TypeError):
                cells.append("–")
        return [label, *cells]

    def speedup(r: Mapping[str, Any], k: str) -> str:
        return f"{r[f'{k}_speedup']:,.0f}×"

    rows = [
        ["services", *[f"{int(s):,}" for s in sizes]],
        row("cold load: parse + validate + index, s (median / p95)", lambda r: _ms(r["cold_load_s"])),
        row("  of which parse + validate, s", lambda r: _ms(r["cold_parse_validate_s"])),
        row("  of which index, s", lambda r: _ms(r["cold_index_s"])),
        row("  then writing the warm cache, s", lambda r: _ms(r["cache_write_s"])),
        row("warm load from cache, fresh process, s", lambda r: _ms(r["warm_load_s"])),
        row("search, first queries after warm start, ms", lambda r: _ms(r["search_ms"])),
        row("search, records in memory, ms", lambda r: _ms(r["search_warm_ms"])),
        row("  services per search (median / p95)", lambda r: _ms(r["search_hits"])),
        row("plan, first queries after warm start, ms", lambda r: _ms(r["plan_ms"])),
        row("plan, records in memory, ms", lambda r: _ms(r["plan_warm_ms"])),
        row("naive search (geodesic loop), ms", lambda r: _ms(r["paired_naive_search_ms"])),
        row("  search beside it, ms", lambda r: _ms(r["paired_search_ms"])),
        row("  search speed-up (medians)", lambda r: speedup(r, "search")),
        row("naive plan (loop + geodesic), ms", lambda r: _ms(r["paired_naive_plan_ms"])),
        row("  plan beside it, ms", lambda r: _ms(r["paired_plan_ms"])),
        row("  plan speed-up (medians)", lambda r: speedup(r, "plan")),
        row("  naive and fast agree (search / plan)", lambda r: "{search_same_services} / {plan_same_steps_and_gaps}".format(**r["naive_agreement"])),
        row("gap analysis, all 153 areas, s", lambda r: _ms(r["gaps_s"])),
        row("map for a search result: build + HTML, ms", lambda r: _ms(r["map_search_ms"])),
        row("  its HTML, KB (median / p95)", lambda r: _ms(r["map_search_html_kb"])),
        row("map with 5,000 markers: build + HTML, ms", lambda r: f"{_ms(r['map_5000_ms'])} ({r['map_5000_markers']:,} markers)"),
        row("  its HTML, MB", lambda r: _fmt(r["map_5000_html_mb"])),
        row("postcode lookup, partition loaded, ms", lambda r: _ms(r["postcode_lookup_ms"])),
        row("postcode first use (loads 1 partition), ms", lambda r: _ms(r["postcode_first_use_ms"])),
        row("peak RSS: cold load / serving, MB", lambda r: f"{_fmt(r['cold_peak_rss_mb'])} / {_fmt(r['serving_peak_rss_mb'])}"),
        row("  records materialised by then", lambda r: f"{r['records_materialised_serving']:,}"),
        row("then every record materialised: s / RSS MB", lambda r: f"{_fmt(r['materialise_all_s'])} / {_fmt(r['all_materialised_rss_mb'])}"),
        row("machine load (1-min avg) start → end", lambda r: f"{r['load_avg_start'][0]} → {r['load_avg_end'][0]}"),
    ]
    widths = [max(len(str(x[i])) for x in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(str(c).ljust(widths[j]) if j == 0 else str(c).rjust(widths[j]) for j, c in enumerate(r)))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    m = result["machine"]
    head = (f"Waymark benchmark: {m['cpus']} CPUs, Python {m['python']}, load average "
            f"{' '.join(map(str, m['load_avg_start']))} at start, {' '.join(map(str, m.get('load_avg_end', [])))} at end")
    parts = [head, *([f"command: {result['command']}"] if result.get("command") else []), "", *lines]
    for s, r in zip(sizes, rs):
        at = r.get("apptest")
        if not at:
            continue
        parts += ["", f"AppTest at {int(s):,} services (each page alone; ms, median / p95 of reruns):"]
        if "error" in at:
            parts.append(f"  not measured: {at['error'][:300]}")
            continue
        for name, pg in at["pages"].items():
            if "rerun_ms" in pg:
                extra = f"; first run {_fmt(pg.get('first_run_ms'))}, input run {_fmt(pg.get('input_run_ms'))}; input: {pg.get('input')}"
                if pg.get("exception"):
                    extra += f"; EXCEPTION: {pg['exception'][0][:80]}"
                parts.append(f"  {name:18s} rerun {_ms(pg['rerun_ms'])}{extra}")
            else:
                parts.append(f"  {name:18s} not measured: {pg.get('error')}")
    parts += ["", "Targets (at the largest size measured):"]
    for t in result["targets"]:
        mark = "n/a " if t["met"] is None else ("MET " if t["met"] else "MISS")
        value = "–" if t["value"] is None else _fmt(t["value"])
        size = f"{t['size']:,} services" if t["size"] else "no size"
        parts.append(f"  {mark} {t['label']:52s} measured {value} at {size}")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not sizes or any(not 1 <= s <= 2_000_000 for s in sizes):
        raise argparse.ArgumentTypeError("each size must be between 1 and 2,000,000")
    return sizes






def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.national", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=_sizes, default=[1000, 10_000, 100_000], help="comma-separated numbers of services")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--repeat", type=whole_number(1), default=5, help="runs of each load, gap analysis and page rerun")
    p.add_argument("--queries", type=whole_number(1), default=200, help="random searches and plans per size")
    p.add_argument("--naive", type=whole_number(1), default=20, help="of those, how many also run the naive baseline")
    p.add_argument("--seed", type=int, default=1, help="seed for the synthetic directory and the queries")
    p.add_argument("--workdir", type=Path, help="where synthetic directories and the cache go")
    p.add_argument("--apptest-size", type=whole_number(0), default=10_000,
                   help="run the AppTest page reruns at this size (if measured; 0: skip)")
    p.add_argument("--out", type=Path, help="also write the JSON result to this file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(_TASKS[spec["task"]](spec), default=str))
        return 0
    def log(m: str) -> None:
        print(f"[bench] {m}", file=sys.stderr, flush=True)

    try:
        result = run(args.sizes, seed=args.seed, repeat=args.repeat, queries=args.queries, naive=args.naive,
                     workdir=args.workdir, apptest_size=args.apptest_size, log=log)
    except (BenchError, subprocess.TimeoutExpired) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    result["command"] = " ".join(["python -m benchmarks.national", *(sys.argv[1:] if argv is None else argv)])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str) if args.json else render_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
