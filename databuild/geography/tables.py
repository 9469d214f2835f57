"""The CSV tables beside the boundaries: authorities, code lookup, splits, outcodes, area points.

Why centres from postcodes: the mean position of an area's postcodes is a population-weighted
centre, which is where distances should be measured from.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from .authorities import Authorities
from .boundaries import Lsoas
from .progress import log
from .writer import atomic, write_frame

__all__ = ["write_area_points", "write_authorities", "write_lad_lookup", "write_outcodes"]

TIER = {"E06": "unitary", "E08": "metropolitan district", "E09": "London borough", "E10": "county"}
#: Neither unitary nor county: the Isles of Scilly and the City of London.
SUI_GENERIS = ("E06000053", "E09000001")


def write_authorities(out: Path, auth: Authorities, pcs: Any) -> Any:
    """``authorities.csv``; returns each authority's centre (mean of its postcodes) as a frame."""
    g = pcs.groupby("authority")
    cent = g[["lat", "lon"]].mean()
    count = g.size()
    with atomic(out / "authorities.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "region", "lat", "lon", "tier", "ons_name",
                    "postcodes", "aliases"])
        for code in sorted(auth.upper):
            w.writerow([code, auth.names[code], auth.regions[code],
                        f"{cent.loc[code, 'lat']:.5f}", f"{cent.loc[code, 'lon']:.5f}",
                        "sui generis" if code in SUI_GENERIS else TIER[code[:3]],
                        auth.upper[code], int(count[code]),
                        ";".join(auth.aliases.get(code, ()))])
    return cent


def write_lad_lookup(out: Path, auth: Authorities, pcs: Any, cent: Any, lsoas: Lsoas) -> None:
    """``lad_to_authority.csv`` (every code seen → current authority, with a position) and
    ``split_authorities.csv`` (abolished authorities split between successors)."""
    import pandas as pd

    lad_g = pcs.groupby("lad")[["lat", "lon"]].mean()
    # 2011 district centres from LSOA population-weighted centroids, for abolished districts.
    lsoa_lad_name = [re.sub(r"\s+\d{3}[A-Z]$", "", n) for n in lsoas.names]
    lsoa_df = pd.DataFrame({"n": lsoa_lad_name, "lat": lsoas.lats, "lon": lsoas.lons})
    name_cent = lsoa_df.groupby("n")[["lat", "lon"]].mean()
    with atomic(out / "lad_to_authority.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lad_code", "lad_name", "code", "status", "lat", "lon"])
        current_lads = set(pcs["lad"])
        for lad in sorted(auth.lower):
            up, lname = auth.lower[lad]
            status = "current" if lad in current_lads or lad in auth.upper else "former"
            if lad in lad_g.index:
                la, lo = lad_g.loc[lad, "lat"], lad_g.loc[lad, "lon"]
            elif lname in name_cent.index:
                la, lo = name_cent.loc[lname, "lat"], name_cent.loc[lname, "lon"]
            else:
                la, lo = cent.loc[up, "lat"], cent.loc[up, "lon"]
            w.writerow([lad, lname, up, status, f"{la:.5f}", f"{lo:.5f}"])
    with atomic(out / "split_authorities.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["old_code", "old_name", "successors"])
        for change in auth.splits:
            w.writerow([change.old_code, change.old_name, ";".join(change.successors)])


def write_outcodes(out: Path, pcs: Any) -> None:
    """``outcodes.csv``: outward code → mean position, main authority, postcode count."""
    import pandas as pd

    og = pcs.groupby("outcode")
    oc = pd.DataFrame({
        "lat": og["lat"].mean().round(5), "lon": og["lon"].mean().round(5),
        "authority": og["authority"].agg(lambda s: s.value_counts().index[0]),
        "postcodes": og.size(),
    })
    oc.index.name = "outcode"
    write_frame(oc.reset_index(), out / "outcodes.csv")
    log(f"outcodes: {len(oc)}")


def write_area_points(out: Path, pcs: Any) -> None:
    """``area_points.csv``: postcode-sector centres within each authority, weighted by count
    (the points gap analysis measures travel from)."""
    import pandas as pd

    sg = pcs.groupby(["authority", "sector"])
    ap_df = pd.DataFrame({"lat": sg["lat"].mean().round(5),
                          "lon": sg["lon"].mean().round(5),
                          "weight": sg.size()}).reset_index()
    ap_df = ap_df.rename(columns={"authority": "code"})
    write_frame(ap_df[["code", "sector", "lat", "lon", "weight"]], out / "area_points.csv")
    per = ap_df.groupby("code").size()
    log(f"area points: {len(ap_df)} (per authority min {per.min()}, max {per.max()})")
