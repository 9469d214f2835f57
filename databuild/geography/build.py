"""Run the geography build, step by step, into one folder.

Needs the ``geodata`` extra (``pip install -e '.[geodata]'``); the same package versions
and tables give the same bytes, so a rebuild that changes nothing shows no diff.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import sources
from .authorities import current_authorities
from .boundaries import assign_lsoas, dissolve, lsoa_polygons, write_boundaries
from .gazetteer import places
from .postcodes import england_postcodes, write_partitions
from .progress import log
from .provenance import write_sources
from .reorganisations import read_reorganisations
from .tables import write_area_points, write_authorities, write_lad_lookup, write_outcodes
from .upper_tier import read_upper_tier
from .writer import write_frame

__all__ = ["REORGANISATIONS_CSV", "UPPER_TIER_CSV", "build_geography"]

#: The hand-kept tables, under the ``--sources`` folder (``data/sources/``).
REORGANISATIONS_CSV = "reorganisations.csv"
UPPER_TIER_CSV = "upper_tier_authorities.csv"


def build_geography(out: Path, sources_dir: Path, tolerance: float = 0.0001) -> None:
    """Write every file of ``data/geography/`` into ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    changes = read_reorganisations(sources_dir / REORGANISATIONS_CSV)
    upper_tier = read_upper_tier(sources_dir / UPPER_TIER_CSV)
    auth = current_authorities(sources.lookup_2021(), changes, upper_tier)
    log(f"authorities: {len(auth.upper)} upper tier, {len(auth.lower)} codes in the lookup")

    pcs = england_postcodes(sources.postcode_directory(), auth.lower)
    log("postcodes converted to WGS84")

    cent = write_authorities(out, auth, pcs)
    lsoas = lsoa_polygons(sources.lsoa_geojson())
    write_lad_lookup(out, auth, pcs, cent, lsoas)
    write_outcodes(out, pcs)
    write_area_points(out, pcs)
    pc_bytes = write_partitions(pcs, out)
    log(f"postcode partitions: {pc_bytes / 1e6:.1f} MB")

    owner = assign_lsoas(lsoas.geoms, pcs)
    full = dissolve(lsoas.geoms, owner, sorted(auth.upper))
    log("boundaries dissolved")
    b_bytes = write_boundaries(full, auth.names, auth.regions, out, tolerance)
    log(f"boundaries.geojson: {b_bytes / 1e6:.2f} MB")

    write_frame(places(sources.english_places(), full, pcs), out / "places.csv")

    write_sources(out, len(auth.upper), len(pcs), tolerance, sources.package_versions())
    log(f"done in {time.time() - t0:.0f} s")
