"""Map geometry of the authorities: which authority a point is in, and where children live.

Boundaries are loaded on first use (shapely is only needed for point-in-area); the
population-weighted sector points serve gap analysis ("how far is support from where
children live").
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..distance import haversine_km
from ..errors import DataError, PlaceNotFound
from .places import Authority
from .tables import AuthorityTable, read_csv

__all__ = ["AreaGeometry"]

Points = tuple[np.ndarray, np.ndarray, np.ndarray]


class AreaGeometry:
    """``boundaries.geojson`` and ``area_points.csv`` for one geography directory."""

    def __init__(self, data_dir: Path, authorities: AuthorityTable) -> None:
        self.boundaries_path = data_dir / "boundaries.geojson"
        self._points_path = data_dir / "area_points.csv"
        self._authorities = authorities
        self._lock = threading.Lock()
        self._boundaries: tuple[list[str], Any, list[Any]] | None = None
        self._points: dict[str, Points] | None = None

    def _load_boundaries(self) -> tuple[list[str], Any, list[Any]]:
        with self._lock:
            if self._boundaries is None:
                import shapely
                from shapely.geometry import shape

                try:
                    with open(self.boundaries_path, encoding="utf-8") as fh:
                        gj = json.load(fh)
                    codes = [f["properties"]["code"] for f in gj["features"]]
                    geoms = [shape(f["geometry"]) for f in gj["features"]]
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    raise DataError(f"{self.boundaries_path}: cannot read boundaries: {exc}") from exc
                self._boundaries = (codes, shapely.STRtree(geoms), geoms)
            return self._boundaries

    def points(self) -> dict[str, Points]:
        """Every authority's weighted sector points, read once."""
        with self._lock:
            if self._points is None:
                acc: dict[str, tuple[list[float], list[float], list[float]]] = {}
                for row in read_csv(self._points_path):
                    try:
                        la, lo, w = acc.setdefault(row["code"], ([], [], []))
                        la.append(float(row["lat"]))
                        lo.append(float(row["lon"]))
                        w.append(float(row["weight"]))
                    except (KeyError, ValueError) as exc:
                        raise DataError(f"{self._points_path}: bad row: {exc}") from exc
                self._points = {c: (np.array(a), np.array(b), np.array(w)) for c, (a, b, w) in acc.items()}
            return self._points

    def authority_at(self, lat: float, lon: float) -> Authority | None:
        """The authority containing a point (simplified boundaries), else the authority of
        the nearest sector point within ~5 km (coastline, generalisation slivers), else None
        (outside England)."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        from shapely.geometry import Point

        codes, tree, _geoms = self._load_boundaries()
        idx = tree.query(Point(lon, lat), predicate="intersects")
        cands: set[str] | None = None
        if len(idx):
            # Near a simplified border two polygons may overlap: prefer the nearest point.
            if len(idx) == 1:
                return self._authorities.by_code.get(codes[int(idx[0])])
            cands = {codes[int(i)] for i in idx}
        best: tuple[float, str] | None = None
        for code, (lats, lons, _w) in self.points().items():
            if cands is not None and code not in cands:
                continue
            d = float(haversine_km(lat, lon, lats, lons).min())
            if best is None or d < best[0]:
                best = (d, code)
        if best is None or (cands is None and best[0] > 5.0):
            return None
        return self._authorities.by_code.get(best[1])

    def area_points(self, code: str) -> Points:
        """Population-weighted points covering an authority (postcode-sector centres,
        weight = postcodes in the sector). Accepts any code or name the table accepts."""
        a = self._authorities.get(code)
        if a is None:
            raise PlaceNotFound(f"{code!r} is not an English local authority Waymark knows.")
        pts = self.points().get(a.code)
        if pts is None:
            return (np.array([a.lat]), np.array([a.lon]), np.array([1.0]))
        return pts
