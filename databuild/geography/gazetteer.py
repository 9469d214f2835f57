"""Towns and villages, each placed in today's authority: ``places.csv``.

Why point-in-polygon against our own boundaries: a place then resolves to the same authority
the map shows it in. Points off the clipped, generalised coast go to the nearest postcode's
authority.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .progress import log

__all__ = ["places"]


def places(rows: list[dict[str, Any]], full: Mapping[str, Any], pcs: Any) -> Any:
    """A frame of name, lat, lon, authority, population, geonameid, sorted by name (largest
    first within a name). ``rows`` are GeoNames records (:func:`.sources.english_places`)."""
    import pandas as pd
    import shapely

    codes = sorted(full)
    tree = shapely.STRtree([full[c] for c in codes])
    pts = shapely.points([r["longitude"] for r in rows], [r["latitude"] for r in rows])
    pi, gi = tree.query(pts, predicate="intersects")
    owner: dict[int, str] = {}
    for p, g in zip(pi, gi):
        owner.setdefault(int(p), codes[g])
    miss = [i for i in range(len(rows)) if i not in owner]
    if miss:
        ptree = shapely.STRtree(shapely.points(pcs["lon"].to_numpy(), pcs["lat"].to_numpy()))
        near = ptree.query_nearest(pts[miss], all_matches=False)
        auth = pcs["authority"].to_numpy()
        for a, b in zip(near[0], near[1]):
            owner[miss[a]] = auth[b]
    out = pd.DataFrame({
        "name": [r["name"] for r in rows],
        "lat": [round(r["latitude"], 5) for r in rows],
        "lon": [round(r["longitude"], 5) for r in rows],
        "authority": [owner[i] for i in range(len(rows))],
        "population": [int(r["population"]) for r in rows],
        "geonameid": [int(r["geonameid"]) for r in rows],
    })
    log(f"gazetteer: {len(out)} English places ({len(miss)} placed by nearest postcode)")
    return out.sort_values(["name", "population"], ascending=[True, False])
