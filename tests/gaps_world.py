"""The tiny two-authority world the gap tests work by hand (see tests/test_gaps.py).

Northtown (E06000901): points A (54.0, -1.0) weight 3 and B (54.1, -1.0) weight 1.
Southtown (E06000902): point C (52.0, -1.0) weight 1. Every distance is R × Δlatitude.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from .conftest import service, write_data_dir

NORTH, SOUTH = "E06000901", "E06000902"
TODAY = dt.date(2026, 6, 1)
KM_PER_TENTH = 6371.0088 * math.radians(0.1)  # 11.1195 km


def _box(lat0: float, lat1: float) -> dict:
    ring = [[-1.5, lat0], [-0.5, lat0], [-0.5, lat1], [-1.5, lat1], [-1.5, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def tiny_world(root: Path, extra: dict | None = None) -> Path:
    """A data directory with its own two-authority geography and a few placed services."""
    geo = root / "geography"
    geo.mkdir(parents=True)
    (geo / "authorities.csv").write_text(
        "code,name,region,lat,lon\n"
        f"{NORTH},Northtown,North,54.05,-1.0\n"
        f"{SOUTH},Southtown,South,52.0,-1.0\n",
        encoding="utf-8",
    )
    (geo / "area_points.csv").write_text(
        "code,sector,lat,lon,weight\n"
        f"{NORTH},NT1 1,54.0,-1.0,3\n"
        f"{NORTH},NT1 2,54.1,-1.0,1\n"
        f"{SOUTH},ST1 1,52.0,-1.0,1\n",
        encoding="utf-8",
    )
    (geo / "outcodes.csv").write_text("outcode,lat,lon,authority,postcodes\n", encoding="utf-8")
    (geo / "places.csv").write_text(
        f"name,lat,lon,authority,population\nNorthville,54.1,-1.0,{NORTH},1000\n", encoding="utf-8"
    )
    (geo / "boundaries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": NORTH, "name": "Northtown"}, "geometry": _box(53.8, 54.6)},
        {"type": "Feature", "properties": {"code": SOUTH, "name": "Southtown"}, "geometry": _box(51.5, 52.5)},
    ]}), encoding="utf-8")

    def at(lat: float) -> list[dict]:
        return [{"latitude": lat, "longitude": -1.0}]

    north = [
        service("n-therapy", service_areas=[NORTH], service_types=["therapeutic"], stages=["therapeutic_support"],
                min_age=0, max_age=12, available_during_investigation=True, waiting_weeks=4,
                accessibility=["BSL interpreters"], locations=at(54.0)),
        service("n-teen-therapy", service_areas=[NORTH], service_types=["therapeutic"], stages=["therapeutic_support"],
                min_age=13, max_age=17, requires_disclosure=True, waiting_weeks=10, locations=at(54.2)),
        service("n-csaac", service_areas=[NORTH], service_types=["csaac"], stages=["medical_assessment"],
                min_age=0, max_age=15, locations=at(54.05)),
        service("n-parents", service_areas=[NORTH], service_types=["parent_support"], stages=["family_support"],
                for_parents=True, verified=False, locations=at(54.5)),
    ]
    south = [
        service("s-front-door", service_areas=[SOUTH], service_types=["social_care_front_door"],
                stages=["refer_to_social_care"], last_verified="2020-01-01"),
    ]
    national = [
        service("helpline", service_areas=["national"], service_types=["helpline"],
                stages=["recognise_and_record", "later_support"], phones=[{"number": "0800 1111"}]),
    ]
    return write_data_dir(root, {"north.yaml": north, "south.yaml": south, "national.yaml": national, **(extra or {})})
