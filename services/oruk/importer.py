"""An Open Referral UK feed → a Waymark data directory, and a report of what was wrong.

``import_records`` maps and validates record by record: a bad field is left out (and
reported) while the record keeps its good fields; a record that cannot become a valid
Waymark service (no name, no service type, no service area ...) is not written but is
listed in the report with every problem; a repeated id keeps the first record and reports
the rest. Nothing is dropped silently.

``write_directory`` writes ``DIR/services/oruk.yaml`` sorted by id with stable YAML, so
importing the same feed twice gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import DataError, validation_message
from ..models import Service
from ..vocabulary import NATIONAL
from .context import Context
from .mapping import map_service
from .overlay import Overlay
from .report import ImportReport
from .values import parse_date

__all__ = [
    "ImportResult",
    "import_records",
    "records_of",
    "read_feed_file",
    "write_directory",
    "previous_dates",
    "OUTPUT_FILE",
]

#: Where an import writes its services, inside the output data directory.
OUTPUT_FILE = Path("services") / "oruk.yaml"

#: Larger feed files are refused (a whole council directory is a few megabytes).
MAX_FEED_BYTES = 256 * 1024 * 1024

_REQUIRED = {"id", "name", "description", "service_areas", "service_types", "source", "last_verified"}


@dataclass
class ImportResult:
    services: list[Service]
    report: ImportReport


# --------------------------------------------------------------------------------------
# Reading feeds
# --------------------------------------------------------------------------------------

def records_of(data: Any, *, where: str = "feed") -> tuple[list[Any], dict[str, Any]]:
    """The records in a parsed feed and its paging fields.

    A feed is a single service (an object with ``id`` and ``name``), a list of services,
    an HSDS 3 page (``contents``, ``total_pages``, ``page_number``) or an ORUK 1 page
    (``content``, ``totalPages``, ``number``)."""
    if isinstance(data, list):
        return data, {}
    if isinstance(data, dict):
        if isinstance(data.get("services"), list) and "name" in data and "contents" not in data:
            return _services_of_organization(data), {}
        if isinstance(data.get("service"), dict) and isinstance(data.get("location"), dict):
            return [_service_of_service_at_location(data)], {}
        for key in ("contents", "content", "items", "services"):
            if isinstance(data.get(key), list):
                paging = {
                    "total_pages": data.get("total_pages", data.get("totalPages")),
                    "page_number": data.get("page_number", data.get("number")),
                    "last": data.get("last_page", data.get("last")),
                    "first": data.get("first_page", data.get("first")),
                }
                return data[key], paging
        if "id" in data or "name" in data:
            return [data], {}
    raise DataError(
        f"{where}: is not an Open Referral UK feed (expected a service, a list of services, or a page "
        "with 'contents')"
    )


def _services_of_organization(org: dict[str, Any]) -> list[Any]:
    """An ORUK ``organization`` with its ``services``: each service, with the organisation."""
    plain = {k: v for k, v in org.items() if k != "services"}
    return [{**s, "organization": plain} if isinstance(s, dict) and not isinstance(s.get("organization"), dict) else s
            for s in org["services"]]


def _service_of_service_at_location(sal: dict[str, Any]) -> dict[str, Any]:
    """An ORUK ``service_at_location`` with its ``service``: the service, delivered there."""
    service = dict(sal["service"])
    if not service.get("service_at_locations"):
        service["service_at_locations"] = [{k: v for k, v in sal.items() if k != "service"}]
    return service


def read_feed_file(path: Path) -> list[Any]:
    """The records of a JSON feed file (single service, list or page envelope)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None
    if size > MAX_FEED_BYTES:
        raise DataError(f"{path}: is {size:,} bytes; the limit is {MAX_FEED_BYTES:,}")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: is not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise DataError(f"{path}: the JSON is nested too deeply") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from None
    records, _ = records_of(data, where=str(path))
    return records


def previous_dates(out: Path) -> dict[str, dt.date]:
    """``last_verified`` of each service in a previous import, so that a record with no
    date of its own keeps the date it was first imported on (idempotent re-imports)."""
    path = out / OUTPUT_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    out_dates: dict[str, dt.date] = {}
    for item in (data or {}).get("services") or [] if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            d = item.get("last_verified")
            d = d if isinstance(d, dt.date) else parse_date(d)
            if d is not None:
                out_dates[item["id"]] = d
    return out_dates


# --------------------------------------------------------------------------------------
# Validating with a bad field left out
# --------------------------------------------------------------------------------------

def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def _delete(record: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Remove the value at ``loc`` (or, for a missing key, its parent); False if impossible."""
    parents: list[tuple[Any, Any]] = []
    node: Any = record
    for part in loc:
        if isinstance(node, dict) and part in node:
            parents.append((node, part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parents.append((node, part))
            node = node[part]
        else:
            break
    if not parents:
        return False
    if len(parents) < len(loc):  # a missing key: drop the object that lacks it
        if len(parents) == 0:
            return False
    container, key = parents[-1]
    if container is record and key in _REQUIRED:
        return False
    del container[key]
    return True


def _validate(record: dict[str, Any], problems: list[tuple[str, str]],
              overlaid: set[str]) -> Service | None:
    """A Service from the record, leaving out bad optional parts; None when impossible.

    Every problem found is appended to ``problems``."""
    fatal: list[tuple[str, str]] = []
    for _ in range(200):
        try:
            service = Service.model_validate(record)
        except ValidationError as exc:
            fixed = False
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = _path(loc)
                if loc and loc[0] in overlaid:
                    where += " (overlay)"
                if not loc:  # the model's own checks: only the age range can fail here
                    if "min_age" in record or "max_age" in record:
                        record.pop("min_age", None)
                        record.pop("max_age", None)
                        problems.append(("min_age", f"{validation_message(err)}; both ages left out"))
                        fixed = True
                        break
                    fatal.append(("record", validation_message(err)))
                    continue
                if _delete(record, loc):
                    problems.append((where, f"{validation_message(err)}; left out"))
                    fixed = True
                    break
                if (where, validation_message(err)) not in fatal:
                    fatal.append((where, validation_message(err)))
            if fixed:
                continue
            explained = {f.split(".")[0].split("[")[0] for f, _ in problems}
            problems.extend(p for p in fatal if p[0] not in explained)
            return None
        if fatal:
            problems.extend(fatal)
            return None
        return service
    problems.append(("record", "could not be made valid"))
    return None


# --------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------

def _overlay_areas(areas: Any, ctx: Context, problems: list[tuple[str, str]]) -> Any:
    """Overlay service areas as today's GSS codes: names and former codes are resolved,
    unknown ones reported and left out (the directory loader would refuse them)."""
    if not isinstance(areas, list):
        return areas
    out: list[Any] = []
    for i, area in enumerate(areas):
        if area == NATIONAL:
            code: str | None = NATIONAL
        else:
            authority = ctx.geography.authority(str(area))
            code = authority.code if authority else None
        if code is None:
            problems.append((f"service_areas[{i}] (overlay)", f"{area!r} is not an English local authority "
                             "(name or GSS code) Waymark knows; left out"))
        elif code not in out:
            out.append(code)
    return out


def import_records(records: Iterable[Any], ctx: Context, *, overlay: Overlay | None = None) -> ImportResult:
    """Map, overlay and validate every record; keep the good, report the rest."""
    report = ImportReport(source=ctx.source, date=ctx.today)
    overlay = overlay or {}
    used_overlay: set[str] = set()
    services: dict[str, Service] = {}
    seen_original: dict[str, int] = {}
    seen_waymark: dict[str, int] = {}
    for position, raw in enumerate(records, start=1):
        report.records += 1
        if not isinstance(raw, dict):
            rid = f"(record {position})"
            p = report.add(rid, "record", f"is a {type(raw).__name__}, not a service object")
            report.not_imported[rid] = [p]
            continue
        mapped = map_service(raw, ctx, position=position)
        rid = mapped.id or mapped.original_id or f"(record {position})"
        first = None
        if mapped.original_id is not None and mapped.original_id in seen_original:
            first = seen_original[mapped.original_id]
        elif mapped.id is not None and mapped.id in seen_waymark:
            first = seen_waymark[mapped.id]
        if first is not None:
            name = raw.get("name") if isinstance(raw.get("name"), str) else None
            report.duplicates.append({"id": rid, "record": position, "first_record": first, "name": name})
            report.add(rid, "id", f"record {position} repeats the id of record {first}; only the first is imported")
            continue
        if mapped.original_id is not None:
            seen_original[mapped.original_id] = position
        if mapped.id is not None:
            seen_waymark[mapped.id] = position
        for term in mapped.unmapped:
            report.add_unmapped(term, rid)

        fields = None
        for key in (mapped.id, mapped.original_id):
            if key is not None and key in overlay:
                fields = overlay[key]
                used_overlay.add(key)
                break
        problems = mapped.problems
        overlaid: set[str] = set()
        if fields:
            overlaid = set(fields)
            problems = [(f, m) for f, m in problems if f.split(".")[0].split("[")[0] not in overlaid]
            mapped.record.update(fields)
            if "service_areas" in fields:
                mapped.record["service_areas"] = _overlay_areas(fields["service_areas"], ctx, problems)
        record = dict(mapped.record)
        if record.get("id") is None:
            record.pop("id", None)
        service = _validate(record, problems, overlaid)
        recorded = [report.add(rid, f, m) for f, m in problems]
        if service is None:
            report.not_imported[rid] = recorded
        else:
            services[service.id] = service
            report.imported.append(service.id)
    for key in sorted(set(overlay) - used_overlay):
        report.add(key, "overlay", "no record with this id in the feed")
    ordered = [services[k] for k in sorted(services)]
    report.imported.sort()
    return ImportResult(ordered, report)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

def service_yaml(service: Service) -> dict[str, Any]:
    """A service as plain data for YAML: model field order, defaults left out.

    Stated ages stay stated even when they equal the defaults (0 to 120 means "all ages";
    leaving them out would mean "not stated": Service.ages_stated).
    """
    data = service.model_dump(mode="json", exclude_defaults=True)
    if service.ages_stated:
        data.setdefault("min_age", service.min_age)
        data.setdefault("max_age", service.max_age)
        # keep model field order: min_age before max_age, where the model puts them
        order = list(type(service).model_fields)
        data = {k: data[k] for k in order if k in data}
    return data


def render_services(services: list[Service], source: str) -> str:
    head = (
        f"# Imported from {source} by `python -m services import-oruk`.\n"
        "# Do not edit: importing again overwrites this file. Keep local knowledge (pathway\n"
        "# stages, availability during an investigation ...) in the overlay file instead.\n"
    )
    body = yaml.safe_dump(
        {"services": [service_yaml(s) for s in sorted(services, key=lambda s: s.id)]},
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return head + body


def write_directory(services: list[Service], out: Path, *, source: str) -> Path:
    """Write ``out/services/oruk.yaml``; an unchanged file is not touched."""
    path = out / OUTPUT_FILE
    text = render_services(services, source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return path
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise DataError(f"{path}: cannot be written ({exc.strerror})") from None
    return path

