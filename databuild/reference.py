"""The national reference tables: England's children's services authorities and police force areas.

GOV.UK's list of councils (``data/sources/local-authorities.csv``) gives the 153 upper-tier
authorities, their homepages and each county's districts; ONS's district → police force area
lookup gives each authority its force. ``reference.yaml`` says where both came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.errors import DataFileError, Problem
from services.geography import Geography
from services.models import GSS_CODE, safe_url
from services.yamlio import load_yaml

from .rows import key_line, line_of, slug

__all__ = ["Council", "Force", "label_of", "load_reference", "read_councils", "read_csv", "read_forces"]


_UPPER_TIERS = {"1", "3"}


_DISTRICT_TIER = "2"


_PFA = re.compile(r"^E23\d{6}$")


@dataclass(frozen=True)
class Council:
    """An upper-tier authority as GOV.UK lists it, under its current ONS code."""

    code: str
    name: str  # ONS name (Leeds)
    council: str  # the council's own name (Leeds City Council)
    slug: str
    homepage: str | None
    line: int


@dataclass(frozen=True)
class Force:
    """A police force area (ONS PFA) and the authorities inside it."""

    code: str
    name: str
    authorities: tuple[str, ...]


def label_of(path: Path, root: Path) -> str:
    """``path`` as messages name it (``data/sources/x.csv``): short enough to read, and the
    same on every machine, so a report can be compared and a test can match it."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_csv(path: Path, label: str, problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """Rows with the line each ends on (so a report can point at it)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            return [(reader.line_num, row) for row in reader]
    except OSError as exc:
        problems.append(Problem(label, None, "file", f"cannot be read ({exc.strerror or exc})"))
    except (csv.Error, UnicodeDecodeError) as exc:
        problems.append(Problem(label, None, "file", f"is not a readable CSV file ({exc})"))
    return []


def read_councils(
    path: Path, label: str, geography: Geography, remaps: Mapping[str, str]
) -> tuple[dict[str, Council], dict[str, list[tuple[int, str]]], list[Problem]]:
    """The 153 upper-tier English authorities, and each county's districts (line, GSS).

    ``tier_id`` 1 (counties) and 3 (unitary, metropolitan, London) are children's services
    authorities; tier 2 districts name their county in ``parent_local_authority_id``.
    """
    problems: list[Problem] = []
    rows = read_csv(path, label, problems)
    known = geography.authorities
    councils: dict[str, Council] = {}
    by_id: dict[str, str] = {}
    districts: list[tuple[int, dict[str, str]]] = []
    for line, row in rows:
        if (row.get("country_name") or "").strip() != "England":
            continue
        tier = (row.get("tier_id") or "").strip()
        gss = (row.get("gss") or "").strip()
        if tier == _DISTRICT_TIER:
            districts.append((line, row))
            continue
        if tier not in _UPPER_TIERS:
            problems.append(Problem(label, line, "tier_id", f"{tier!r} is not a tier (1 county, 2 district, 3 unitary)"))
            continue
        code = remaps.get(gss, gss)
        if not GSS_CODE.match(code) or code not in known:
            problems.append(Problem(label, line, "gss", f"{gss!r} ({row.get('name', '')}) is not a current English "
                                    "children's services authority code (add a remap in data/sources/reference.yaml "
                                    "if ONS has recoded it)"))
            continue
        if code in councils:
            problems.append(Problem(label, line, "gss", f"{code} is listed twice (first at line {councils[code].line})"))
            continue
        homepage: str | None = (row.get("homepage_url") or "").strip() or None
        if homepage is None:
            problems.append(Problem(label, line, "homepage_url", f"{code} ({row.get('name', '')}) has no homepage"))
        else:
            try:
                homepage = safe_url(homepage)
            except ValueError as exc:
                problems.append(Problem(label, line, "homepage_url", str(exc)))
                homepage = None
        councils[code] = Council(
            code=code,
            name=known[code].name,
            council=(row.get("name") or known[code].name).strip(),
            slug=(row.get("slug") or "").strip() or slug(known[code].name),
            homepage=homepage,
            line=line,
        )
        by_id[(row.get("id") or "").strip()] = code
    for code, authority in sorted(known.items()):
        if code not in councils and not any(p.field == "gss" and code in p.message for p in problems):
            problems.append(Problem(label, None, "gss", f"{code} ({authority.name}) has no upper-tier row"))
    children: dict[str, list[tuple[int, str]]] = {}
    for line, row in districts:
        parent = by_id.get((row.get("parent_local_authority_id") or "").strip())
        if parent is None:
            problems.append(Problem(label, line, "parent_local_authority_id",
                                    f"district {row.get('gss', '')} ({row.get('name', '')}) names no known county "
                                    f"({row.get('parent_local_authority_id')!r})"))
            continue
        children.setdefault(parent, []).append((line, (row.get("gss") or "").strip()))
    return councils, children, problems


def read_forces(
    path: Path,
    label: str,
    councils: Mapping[str, Council],
    districts: Mapping[str, list[tuple[int, str]]],
    councils_label: str,
    remaps: Mapping[str, str] | None = None,
) -> tuple[dict[str, Force], dict[str, str], list[Problem]]:
    """Each authority's police force area: a unitary's own row; a county's districts' force.

    A recoded authority is found under either code (the lookup may predate the recoding).
    """
    problems: list[Problem] = []
    old_codes = {new: old for old, new in (remaps or {}).items()}
    pfa_of: dict[str, tuple[str, str]] = {}
    for line, row in read_csv(path, label, problems):
        lad = (row.get("ltla24_code") or "").strip()
        pfa = (row.get("pfa24_code") or "").strip()
        if not lad.startswith("E"):
            continue  # Wales: no English children's services authority
        if not GSS_CODE.match(lad) or not _PFA.match(pfa):
            problems.append(Problem(label, line, "pfa24_code", f"{lad!r} → {pfa!r} is not a district → force area row"))
            continue
        pfa_of[lad] = (pfa, (row.get("pfa24_name") or pfa).strip())
    force_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for code, council in sorted(councils.items()):
        kids = districts.get(code)
        if kids:
            found: dict[str, str] = {}
            for line, gss in kids:
                if gss not in pfa_of:
                    problems.append(Problem(councils_label, line, "gss",
                                            f"district {gss} of {council.name} has no police force area in {label}"))
                    continue
                pfa, name = pfa_of[gss]
                found[pfa] = name
            if len(found) > 1:
                problems.append(Problem(councils_label, council.line, "gss",
                                        f"{council.name}'s districts are in more than one force area "
                                        f"({', '.join(sorted(found))})"))
                continue
            if not found:
                continue
            ((pfa, name),) = found.items()
        elif code in pfa_of or old_codes.get(code) in pfa_of:
            pfa, name = pfa_of[code if code in pfa_of else old_codes[code]]
        else:
            problems.append(Problem(councils_label, council.line, "gss",
                                    f"{code} ({council.name}) has no police force area in {label}"))
            continue
        force_of[code] = pfa
        names[pfa] = name
    forces = {
        pfa: Force(pfa, names[pfa], tuple(sorted(c for c, p in force_of.items() if p == pfa)))
        for pfa in sorted(names)
    }
    return forces, force_of, problems


#: What the build reads from each reference table's entry (all required): kind of value.
_TABLE_KEYS = {"file": "file", "url": "url", "read": "date"}
#: Keys a cited page may carry, and what each must be (only ``url`` is required).
_PAGE_KEYS = {"url": "url", "title": "text", "read": "date", "updated": "date", "supports": "list"}
#: The national pages whole kinds of record cite: one page each, or a list of pages.
_ROUTES = {"youth_justice": "page", "report_to_council": "page", "police_numbers": "pages"}


def _wrong(value: Any, kind: str) -> str | None:
    """Why ``value`` is not a value of ``kind`` (None: it is)."""
    if kind == "file":
        return None if isinstance(value, str) and value.strip() else f"{value!r} is not a file name"
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else f"{value!r} is not text"
    if kind == "url":
        if not isinstance(value, str):
            return f"{value!r} is not a web address"
        try:
            url = safe_url(value)
        except ValueError as exc:
            return str(exc)
        return None if url.lower().startswith(("http://", "https://")) else f"{value!r} is not a web page"
    if kind == "date":
        return None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
            else f"{value!r} is not a date (YYYY-MM-DD)"
    if kind == "list":
        return None if isinstance(value, list) and all(isinstance(v, str) for v in value) \
            else f"{value!r} is not a list of record fields"
    return None


def _entry_problems(entry: Any, where: str, line: int | None, keys: Mapping[str, str], required: set[str],
                    label: str) -> list[Problem]:
    """Each key of one entry the build reads that is missing or of the wrong kind."""
    if not isinstance(entry, dict):
        return [Problem(label, line, where, f"must be a mapping with {', '.join(sorted(required))}")]
    found = []
    for key, kind in keys.items():
        if key not in entry:
            if key in required:
                found.append(Problem(label, line_of(entry) or line, f"{where}.{key}", "is required"))
            continue
        why = _wrong(entry[key], kind)
        if why:
            found.append(Problem(label, key_line(entry, key) or line, f"{where}.{key}", why))
    return found


def load_reference(path: Path, label: str) -> dict[str, Any]:
    """``reference.yaml``, every key the build reads checked first: a missing or wrong one is
    a :class:`DataFileError` naming ``file:line: key``, never a ``KeyError`` halfway through a
    build (nothing can be cited without this file, so no record is built without it)."""
    raw = load_yaml(path, label=label)
    if not isinstance(raw, dict):
        raise DataFileError([Problem(label, 1, "file", "needs local_authorities, police_force_areas and national_routes")])
    problems: list[Problem] = []
    for table in ("local_authorities", "police_force_areas"):
        if table not in raw:
            problems.append(Problem(label, 1, table, "is required (the table's file, url and read date)"))
            continue
        entry = raw[table]
        problems += _entry_problems(entry, table, key_line(raw, table), {**_TABLE_KEYS, "title": "text", "updated": "date"},
                                    set(_TABLE_KEYS), label)
        remaps = entry.get("remaps") if isinstance(entry, dict) else None
        if remaps is not None and not isinstance(remaps, dict):
            problems.append(Problem(label, key_line(entry, "remaps"), f"{table}.remaps",
                                    "must be a mapping of old GSS code: current GSS code"))
    routes = raw.get("national_routes")
    if "national_routes" not in raw:
        problems.append(Problem(label, 1, "national_routes", f"is required ({', '.join(_ROUTES)})"))
    elif not isinstance(routes, dict):
        problems.append(Problem(label, key_line(raw, "national_routes"), "national_routes",
                                f"must be a mapping with {', '.join(_ROUTES)}"))
    else:
        for name, shape in _ROUTES.items():
            where, line = f"national_routes.{name}", key_line(routes, name) or key_line(raw, "national_routes")
            if name not in routes:
                problems.append(Problem(label, line, where, "is required" + (" (a list of pages, each with a url)"
                                                                             if shape == "pages" else " (its url)")))
            elif shape == "page":
                problems += _entry_problems(routes[name], where, line, _PAGE_KEYS, {"url"}, label)
            elif not isinstance(routes[name], list):
                problems.append(Problem(label, line, where, "must be a list of pages, each with a url"))
            else:
                for i, page in enumerate(routes[name]):
                    problems += _entry_problems(page, f"{where}[{i}]", line_of(page) or line, _PAGE_KEYS, {"url"},
                                                label)
    if problems:
        raise DataFileError(problems)
    return raw
