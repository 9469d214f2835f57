"""How far children live from the nearest counted service, for every row of a gap table at once.

An area's children are represented by population-weighted postcode-sector points; for each
question the gap analysis asks (a row of services that count), the distance from each point
to the nearest of those services, averaged by population (``nearest_km``), its 90th
percentile, the furthest point, and the share of children within ``within_km``.
"""

from __future__ import annotations

import numpy as np

from services.index import EARTH_RADIUS_KM

from .columns import Columns, unit_vectors
from .records import Distance

__all__ = ["TOP_K", "nearest"]

#: How many nearest services per point are ranked up front for rows with many services; a
#: row with none of them among its services falls back to a full scan for that point.
TOP_K = 16


def _km(dot: np.ndarray) -> np.ndarray:
    """Great-circle km from the dot product of two unit vectors (exact, as haversine)."""
    chord = np.sqrt(np.clip(2.0 - 2.0 * dot, 0.0, 4.0))
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(chord / 2.0)


def nearest(cols: Columns, cand: np.ndarray, counted: np.ndarray, lats: np.ndarray,
            lons: np.ndarray, weights: np.ndarray, within_km: float, *, top_k: int = TOP_K) -> list[Distance]:
    """For each row of ``counted`` (rows × candidates): nearest-service statistics.

    Closeness (the dot product of unit vectors) from every point to every placed site is
    computed once; sites reduce to services. A row with few services takes the maximum over
    them directly; for the others each point's nearest few services are ranked once and the
    row takes the first of those it contains (a full scan only where it contains none).
    """
    n_rows = counted.shape[0]
    counts = cols.loc_count[cand]
    placed = counts > 0
    out = [Distance() for _ in range(n_rows)]
    if not placed.any():
        return out
    cnt = counts[placed]
    firsts = np.cumsum(cnt) - cnt
    rows = np.repeat(cols.loc_start[cand[placed]], cnt) + (np.arange(cnt.sum()) - np.repeat(firsts, cnt))
    a, b = unit_vectors(lats, lons), cols.loc_xyz[rows]
    # Three broadcast products rather than a matrix product: small matrices, no BLAS threads.
    closeness = a[:, :1] * b[:, 0] + a[:, 1:2] * b[:, 1] + a[:, 2:] * b[:, 2]
    # Most services have one site: reduce only when some have several.
    by_service = closeness if len(rows) == len(cnt) else np.maximum.reduceat(closeness, firsts, axis=1)
    n_points, n_services = by_service.shape

    sel = counted[:, placed]  # rows × placed services
    sizes = sel.sum(axis=1)
    best = np.full((n_rows, n_points), -2.0)
    sparse = (sizes > 0) & (sizes <= 4 * top_k)
    for r in np.flatnonzero(sparse):
        best[r] = by_service[:, sel[r]].max(axis=1)
    dense = np.flatnonzero(sizes > 4 * top_k)
    if len(dense):
        k = min(top_k, n_services)
        at = np.arange(n_points)[:, None]
        top = np.argpartition(-by_service, k - 1, axis=1)[:, :k]
        top = top[at, np.argsort(-by_service[at, top], axis=1)]
        hit = sel[dense][:, top]  # dense rows × points × k
        best[dense] = by_service[at, top][at.T, hit.argmax(axis=2)]
        for i, r in enumerate(dense):
            pts = np.flatnonzero(~hit[i].any(axis=1))
            if len(pts):
                best[r, pts] = by_service[np.ix_(pts, np.flatnonzero(sel[r]))].max(axis=1)
    dist = _km(best)
    order = np.argsort(dist, axis=1)
    cum = np.cumsum(weights[order], axis=1)
    p90_at = np.minimum((cum < 0.9 - 1e-12).sum(axis=1), n_points - 1)
    p90 = dist[np.arange(n_rows), order[np.arange(n_rows), p90_at]]
    mean = dist @ weights
    far = dist.max(axis=1)
    share = (dist <= within_km) @ weights
    for r in np.flatnonzero(sizes):
        out[r] = Distance(
            nearest_km=round(float(mean[r]), 2),
            p90_km=round(float(p90[r]), 2),
            max_km=round(float(far[r]), 2),
            share_within_km=round(float(share[r]), 3),
        )
    return out
