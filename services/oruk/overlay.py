"""Local knowledge an ORUK feed does not carry, kept beside the import and re-applied.

An overlay is YAML keyed by service id (the Waymark id or the feed's own id)::

    services:
      5f1c0a2e-...:
        stages: [therapeutic_support, later_support]
        available_during_investigation: true
        requires_disclosure: false

Any Waymark service field except ``id`` may be given; it replaces what the feed says.
Because it lives outside the imported file, a re-import never loses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DataFileError, Problem
from ..models import Service
from ..yamlio import LineDict, load_yaml

__all__ = ["Overlay", "load_overlay", "OVERLAY_FIELDS"]

OVERLAY_FIELDS = tuple(f for f in Service.model_fields if f != "id")

Overlay = dict[str, dict[str, Any]]


def load_overlay(path: Path) -> Overlay:
    """Read an overlay; unknown fields or a wrong shape are a DataFileError with lines."""
    raw = load_yaml(path)
    label = str(path)
    if raw is None:
        return {}
    if not isinstance(raw, LineDict) or set(raw) - {"services"}:
        raise DataFileError([Problem(label, getattr(raw, "line", 1), "services",
                                     "an overlay holds one key, 'services', mapping service id → fields")])
    services = raw.get("services") or LineDict()
    if not isinstance(services, LineDict):
        raise DataFileError([Problem(label, raw.key_lines["services"], "services", "must map service id → fields")])
    problems: list[Problem] = []
    out: Overlay = {}
    for sid, fields in services.items():
        line = services.key_lines.get(sid)
        if not isinstance(fields, LineDict):
            problems.append(Problem(label, line, str(sid), "must be a mapping of fields"))
            continue
        for name in fields:
            if name not in OVERLAY_FIELDS:
                problems.append(Problem(label, fields.key_lines.get(name), f"{sid}.{name}",
                                        "is not a Waymark service field" + (" (the id is the key)" if name == "id" else "")))
        out[str(sid)] = {k: _plain(v) for k, v in fields.items()}
    if problems:
        raise DataFileError(problems)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
