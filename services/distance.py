"""Great-circle distance: the one haversine every part of Waymark measures with.

Distances to services are shown to families in kilometres; a spherical Earth (mean radius)
is accurate to well under 1% at the scale of England, and a vectorised formula lets one
point be measured against a national directory at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "point_km"]

#: IUGG mean Earth radius.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike) -> np.ndarray:
    """Great-circle distances from one point to many, in km (all in degrees).

    >>> round(float(haversine_km(53.9576, -1.0827, [53.8008], [-1.5491])[0]), 1)  # York to Leeds
    35.2
    >>> haversine_km(51.5, -0.12, [51.5], [-0.12]).tolist()
    [0.0]
    """
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def point_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance between two points, in km.

    >>> round(point_km(50.2632, -5.051, 50.2632, -5.051), 3)  # Truro to itself
    0.0
    """
    return float(haversine_km(lat1, lon1, [lat2], [lon2])[0])
