"""A synthetic national directory, for tests and benchmarks only.

Real national data does not exist in one place, so performance and gap analysis are
exercised on a generated directory with a realistic shape: every children's services
authority gets services, most are local, some cover neighbouring areas, a few are national;
locations sit at real postcode positions. The same seed always writes the same files.
Never part of the shipped directory: every record says it is synthetic.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from services.geography import Geography
from services.index import haversine_km
from services.vocabulary import SERVICE_TYPES

__all__ = ["generate", "write_directory", "dump_services", "TYPE_WEIGHTS", "RECORDS_PER_FILE"]

#: Relative frequency of each service type in a partnership's directory.
TYPE_WEIGHTS: dict[str, float] = {
    "therapeutic": 14, "family_support": 12, "parent_support": 9, "camhs": 7,
    "school_health": 8, "hsb_service": 5, "isva_chisva": 5, "prevention": 6,
    "helpline": 3, "social_care_front_door": 2, "police": 2, "paediatric_child_protection": 3,
    "sarc": 2, "csaac": 1, "child_house": 1, "intermediary": 2, "offender_management": 2,
    "adult_survivor_support": 4, "emergency": 0.2, "youth_justice": 1, "victim_care": 1, "lado": 0.5,
}
assert set(TYPE_WEIGHTS) == set(SERVICE_TYPES)

#: Services written per YAML file: keeps each file small enough to edit and validate.
RECORDS_PER_FILE = 5000

_AGE_BANDS = [(0, 17, 6), (0, 12, 2), (4, 17, 2), (11, 17, 2), (13, 17, 1), (16, 25, 1), (18, 120, 1), (0, 120, 1)]
_WORDS = ["Harbour", "Beacon", "Compass", "Willow", "Lantern", "Bridge", "Anchor", "Horizon", "Oak", "Meadow"]


@dataclass
class _Postcodes:
    """Real postcode positions grouped by authority, read once from the shipped partitions."""

    by_authority: dict[str, list[tuple[str, float, float]]]

    @classmethod
    def read(cls, folder: Path, seed: int, per_authority: int = 400) -> _Postcodes:
        """A seeded sample of up to ``per_authority`` real postcodes for each authority."""
        import pandas as pd

        frames = [
            pd.read_csv(path, dtype={"postcode": str, "authority": str})
            for path in sorted(folder.glob("*.csv.gz"))
        ]
        table = pd.concat(frames, ignore_index=True).sort_values("postcode", kind="stable")
        sample = table.sample(frac=1.0, random_state=seed).groupby("authority").head(per_authority)
        by_authority: dict[str, list[tuple[str, float, float]]] = {}
        for pc, lat, lon, code in sample[["postcode", "lat", "lon", "authority"]].itertuples(index=False):
            by_authority.setdefault(code, []).append((pc, float(lat), float(lon)))
        for bucket in by_authority.values():
            bucket.sort()
        return cls(by_authority)


def _format_postcode(compact: str) -> str:
    return f"{compact[:-3]} {compact[-3:]}"


def generate(n: int, seed: int, geography: Geography) -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic service records (plain dicts in the YAML shape)."""
    rng = random.Random(seed)
    codes = sorted(geography.authorities)
    postcodes = _Postcodes.read(geography.data_dir / "postcodes", seed)
    centres = {c: (geography.authorities[c].lat, geography.authorities[c].lon) for c in codes}
    import numpy as np

    lats = np.array([centres[c][0] for c in codes])
    lons = np.array([centres[c][1] for c in codes])
    neighbours = {
        c: [codes[j] for j in np.argsort(haversine_km(centres[c][0], centres[c][1], lats, lons))[1:6]]
        for c in codes
    }
    types = list(TYPE_WEIGHTS)
    # Cumulative weights once (random.choices would rebuild them each call: same draws).
    weights = list(accumulate(TYPE_WEIGHTS[t] for t in types))
    band_weights = list(accumulate(b[2] for b in _AGE_BANDS))
    for i in range(n):
        home = codes[i % len(codes)] if i < len(codes) * 2 else rng.choice(codes)
        kind = rng.random()
        if kind < 0.01:
            areas = ["national"]
        elif kind < 0.21:
            areas = sorted({home, *rng.sample(neighbours[home], rng.randint(1, 4))})
        else:
            areas = [home]
        stype = rng.choices(types, cum_weights=weights)[0]
        extra = rng.choices(types, cum_weights=weights)[0] if rng.random() < 0.15 else None
        lo, hi, _ = rng.choices(_AGE_BANDS, cum_weights=band_weights)[0]
        pool = postcodes.by_authority.get(home) or []
        locations = []
        for _ in range(1 if rng.random() < 0.85 else rng.randint(2, 3)):
            if pool and areas != ["national"]:
                pc, lat, lon = rng.choice(pool)
                locations.append({"postcode": _format_postcode(pc), "latitude": lat, "longitude": lon,
                                  "precision": "postcode"})
        record: dict[str, Any] = {
            "id": f"synth-{i:06d}",
            "name": f"{rng.choice(_WORDS)} {stype.replace('_', ' ')} service {i}",
            "description": "Synthetic record for tests and benchmarks; not a real service.",
            "service_areas": areas,
            "service_types": [stype] + ([extra] if extra and extra != stype else []),
            "min_age": lo,
            "max_age": hi,
            "for_parents": stype == "parent_support",
            "requires_disclosure": stype in ("sarc", "csaac", "child_house") and rng.random() < 0.7,
            "available_during_investigation": rng.choice([True, True, True, False, None]),
            "accepts_self_referral": rng.choice([True, False, None]),
            "free": rng.random() < 0.9,
            "source": f"synthetic (seed {seed})",
            "last_verified": f"20{rng.randint(23, 26)}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
            "verified": rng.random() < 0.7,
        }
        if locations:
            record["locations"] = locations
        if rng.random() < 0.3:
            record["waiting_weeks"] = rng.randint(0, 40)
        if rng.random() < 0.1:
            record["accessibility"] = ["wheelchair access"]
        if rng.random() < 0.08:
            record["languages"] = [rng.choice(["Polish", "Urdu", "Bengali", "Romanian", "Arabic", "BSL"])]
        yield record


# -- writing -----------------------------------------------------------------------------
# PyYAML's emitter takes ~0.4 ms a record (most of a 100,000-service run). The records here
# are flat scalars, lists of scalars and lists of flat mappings, so they are written directly
# in exactly the text PyYAML would produce (tests compare the two); anything else falls back
# to PyYAML.

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ;()._-]*$")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null"}
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


class _Unsupported(Exception):
    pass


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unsupported(repr(value))
        text = repr(value).lower()
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text  # as PyYAML
    if isinstance(value, str):
        if _PLAIN.match(value) and not value.endswith(" ") and value.lower() not in _YAML_WORDS and "  " not in value:
            return value
        if _DATE.match(value):  # would read back as a date: PyYAML quotes it
            return f"'{value}'"
    raise _Unsupported(repr(value))


def _emit_mapping(record: dict[str, Any], indent: str, first: str, out: list[str]) -> None:
    lead = first
    for key, value in record.items():
        if not isinstance(key, str) or not _PLAIN.match(key):
            raise _Unsupported(repr(key))
        if isinstance(value, list):
            if not value:
                raise _Unsupported("empty list")
            out.append(f"{lead}{key}:\n")
            for item in value:
                if isinstance(item, dict):
                    if not item:
                        raise _Unsupported("empty mapping")
                    _emit_mapping(item, indent + "  ", indent + "- ", out)
                else:
                    out.append(f"{indent}- {_scalar(item)}\n")
        elif isinstance(value, dict):
            raise _Unsupported("nested mapping")
        else:
            out.append(f"{lead}{key}: {_scalar(value)}\n")
        lead = indent


def dump_services(records: list[dict[str, Any]]) -> str:
    """``{"services": records}`` as YAML, exactly as ``yaml.dump`` (CSafeDumper,
    ``sort_keys=False``, ``allow_unicode=True``, ``width=120``) writes it, only faster."""
    out = ["services:\n"]
    try:
        for record in records:
            _emit_mapping(record, "  ", "- ", out)
    except _Unsupported:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump({"services": records}, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
    text = "".join(out)
    if any(len(line) > 120 for line in text.splitlines()):  # PyYAML would fold long lines
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump({"services": records}, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
    return text


def write_directory(out: Path, n: int, seed: int, geography: Geography | None = None) -> list[Path]:
    """Write a data directory of ``n`` synthetic services to ``out`` (files replaced)."""
    geography = geography or Geography.load()
    services_dir = out / "services"
    services_dir.mkdir(parents=True, exist_ok=True)
    for old in services_dir.glob("synth_*.yaml"):
        old.unlink()
    written: list[Path] = []
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        path = services_dir / f"synth_{len(written):04d}.yaml"
        text = "# SYNTHETIC DATA for tests and benchmarks: not real services.\n" + dump_services(chunk)
        path.write_text(text, encoding="utf-8")
        written.append(path)
        chunk.clear()

    for record in generate(n, seed, geography):
        chunk.append(record)
        if len(chunk) >= RECORDS_PER_FILE:
            flush()
    if chunk:
        flush()
    return written
