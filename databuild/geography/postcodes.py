"""England's postcodes: WGS84 positions and today's authority, written one file per area.

Why per area: a lookup reads one small gzip (``postcodes/SW.csv.gz``), not 2.3 million rows.
Grid references are converted with pyproj (EPSG:27700 → EPSG:4326, its default
transformation: a few metres, ample for distances).
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from services.errors import DataError

from .progress import log
from .writer import atomic

__all__ = ["COLUMNS", "england_postcodes", "write_partitions"]

#: The columns of the frame :func:`england_postcodes` returns.
COLUMNS = ["postcode", "outcode", "sector", "area", "lat", "lon", "lad", "authority"]


def england_postcodes(directory: Any, lower: Mapping[str, tuple[str, str]]) -> Any:
    """England's postcodes that have a grid reference, one row each, sorted by postcode.

    ``directory`` is the package's frame (:func:`.sources.postcode_directory`); ``lower``
    maps each district code to (upper-tier code, name). A district code with no upper tier
    stops the build: it means the reorganisations table is missing a change.
    """
    import numpy as np
    from pyproj import Transformer

    df = directory
    total = len(df)
    df = df.dropna(subset=["oseast1m", "osnrth1m", "laua"])
    df = df[df["laua"].astype(str).str.startswith("E")].copy()
    log(f"postcodes: {total} in UK directory, {len(df)} in England with a grid reference")
    df["lad"] = df["laua"].astype(str)
    unknown = sorted(set(df["lad"]) - set(lower))
    if unknown:
        raise DataError(f"postcode LAD codes with no upper tier: {unknown}")
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
    return df[COLUMNS]


def write_partitions(pcs: Any, out: Path) -> int:
    """``postcodes/<AREA>.csv.gz`` (postcode, lat, lon, authority); removes areas no longer
    present. Returns the bytes written."""
    pdir = out / "postcodes"
    pdir.mkdir(parents=True, exist_ok=True)
    total = 0
    written = set()
    for area, part in pcs.groupby("area", sort=True):
        buf = io.StringIO()
        part[["postcode", "lat", "lon", "authority"]].to_csv(
            buf, index=False, float_format="%.5f", lineterminator="\n")
        path = pdir / f"{area}.csv.gz"
        # mtime=0 and no file name keep rebuilds byte-identical when the data has not changed.
        with atomic(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0,
                                                     compresslevel=9, filename="") as gz:
            gz.write(buf.getvalue().encode())
        total += path.stat().st_size
        written.add(path.name)
    for stale in pdir.glob("*.csv.gz"):
        if stale.name not in written:
            stale.unlink()
    return total
