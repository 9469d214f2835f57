"""Which areas' local services have been compiled: ``data/areas.yaml``.

Waymark knows some areas well (a hand-compiled, reviewed local directory: coverage
``local``) and the rest only through the statutory spine built from national sources
(front door, police, a child's medical route: coverage ``statutory``). The difference
matters to every answer: in a ``local`` area a step with no service is a gap in services
(``no_local_service``); in a ``statutory`` area it is a gap in Waymark's knowledge
(``not_compiled``), which must never be shown or counted as missing support.

Declared in data, not code: ``areas.yaml`` lists the compiled areas with the date and the
source they were compiled from, and a ``default`` for the rest. It also lists the stages for
which a list covering *every* area has been compiled (``national_lists``: a children's
advocate for every force area, a youth justice service for every authority): for those
stages a missing service is a gap in services everywhere, not a gap in Waymark's knowledge.
Specialist therapy is never one of them: a general CAMHS route is not specialist therapeutic
support for a sexually abused child (docs/gaps.md). A data directory without
the file (an imported Open Referral feed, a synthetic benchmark) is taken to be compiled
everywhere, which is what such a directory claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import DataFileError, Problem
from .models import GSS_CODE
from .yamlio import LineDict, load_yaml

__all__ = ["AREAS_FILE", "COVERAGES", "LOCAL", "STATUTORY", "CompiledArea", "Coverage", "NationalList",
           "load_coverage", "statutory_area_words"]

LOCAL: Literal["local"] = "local"
STATUTORY: Literal["statutory"] = "statutory"
COVERAGES = (LOCAL, STATUTORY)
AREAS_FILE = "areas.yaml"


def statutory_area_words(name: str) -> str:
    """What Waymark lists for an area known only through the national builds, in one
    sentence (the plan, Find support and the gap page say it the same way).

    >>> statutory_area_words("Leeds").startswith("For Leeds, Waymark lists the statutory services")
    True
    """
    return (f"For {name}, Waymark lists the statutory services (children's social care, the police and, where "
            "one was found, a medical route for a child) and the support compiled for every area where a page was "
            "found, such as CAMHS, a children's advocate and victim care; other local services there, such as "
            "specialist therapy and support for parents, are not yet compiled in Waymark.")


@dataclass(frozen=True)
class CompiledArea:
    """An area whose local services were compiled by hand: when, and from what."""

    code: str
    name: str
    compiled: dt.date
    source: str
    file: str | None = None


@dataclass(frozen=True)
class NationalList:
    """A stage compiled for every area at once (from a national list), when and from what."""

    stage: str
    compiled: dt.date
    source: str


@dataclass(frozen=True)
class Coverage:
    """How well each area is known: ``local`` (compiled) or ``statutory`` (spine only), and
    which stages are known everywhere because a national list was compiled for them."""

    default: str = LOCAL
    compiled: Mapping[str, CompiledArea] = field(default_factory=dict)
    national_lists: Mapping[str, NationalList] = field(default_factory=dict)

    def of(self, code: str | None) -> str:
        """``local`` or ``statutory`` for an authority code (None: the default)."""
        if code is not None and code in self.compiled:
            return LOCAL
        return self.default

    def is_local(self, code: str | None) -> bool:
        return self.of(code) == LOCAL

    def knows(self, code: str | None, stage: str | None = None) -> bool:
        """Whether a missing service at this stage in this area is a known gap: the area is
        compiled, or the stage was compiled for every area."""
        return self.is_local(code) or (stage is not None and stage in self.national_lists)

    def gap_reason(self, code: str | None, stage: str | None = None) -> str:
        """Why a step with no service has none: ``no_local_service`` or ``not_compiled``."""
        return "no_local_service" if self.knows(code, stage) else "not_compiled"


def _line(raw: Any, key: str | None = None) -> int | None:
    if key is not None and isinstance(raw, LineDict):
        return raw.key_lines.get(key, raw.line)
    return getattr(raw, "line", None)


def load_coverage(data_dir: Path, known_areas: set[str] | None = None) -> tuple[Coverage, list[Problem]]:
    """``DIR/areas.yaml`` → coverage and located problems (a bad entry is left out, not fatal).

    A file that cannot be parsed at all leaves every area ``statutory``: claiming a local
    directory that nobody can confirm would turn unknowns into gaps.
    """
    path = Path(data_dir) / AREAS_FILE
    if not path.exists():
        return Coverage(), []
    label = AREAS_FILE
    try:
        raw = load_yaml(path, label=label)
    except DataFileError as exc:
        return Coverage(default=STATUTORY), list(exc.problems)
    if raw is None:
        return Coverage(), []
    if not isinstance(raw, dict):
        return Coverage(default=STATUTORY), [Problem(label, _line(raw), "file", "must be a mapping with 'default' and 'compiled'")]
    problems: list[Problem] = []
    for key in raw:
        if key not in ("default", "compiled", "national_lists"):
            problems.append(Problem(label, _line(raw, key), str(key),
                                    "is not a known key (expected default, compiled, national_lists)"))
    default = raw.get("default", LOCAL)
    if default not in COVERAGES:
        problems.append(Problem(label, _line(raw, "default"), "default", f"{default!r} is not one of local, statutory"))
        default = STATUTORY
    entries = raw.get("compiled") or []
    if not isinstance(entries, list):
        problems.append(Problem(label, _line(raw, "compiled"), "compiled", "must be a list of areas"))
        entries = []
    compiled: dict[str, CompiledArea] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            problems.append(Problem(label, _line(entry), "compiled", "each area must be a mapping"))
            continue
        code = str(entry.get("code") or "").strip()
        name = str(entry.get("name") or "").strip()
        when = entry.get("compiled")
        source = str(entry.get("source") or "").strip()
        if not GSS_CODE.match(code) or (known_areas is not None and code not in known_areas):
            problems.append(Problem(label, _line(entry, "code"), "code",
                                    f"{code!r} is not an English children's services authority code"))
            continue
        if not isinstance(when, dt.date) or isinstance(when, dt.datetime):
            problems.append(Problem(label, _line(entry, "compiled"), "compiled", f"{code}: {when!r} is not a date (YYYY-MM-DD)"))
            continue
        if when > dt.date.today():
            problems.append(Problem(label, _line(entry, "compiled"), "compiled", f"{code}: {when.isoformat()} is in the future"))
            continue
        if not source:
            problems.append(Problem(label, _line(entry), "source", f"{code}: say what the area was compiled from"))
            continue
        if code in compiled:
            problems.append(Problem(label, _line(entry, "code"), "code", f"{code} is listed twice"))
            continue
        compiled[code] = CompiledArea(code, name or code, when, source, str(entry["file"]) if entry.get("file") else None)
    return Coverage(default=default, compiled=compiled,
                    national_lists=_national_lists(raw.get("national_lists"), label, problems)), problems


def _national_lists(entries: Any, label: str, problems: list[Problem]) -> dict[str, NationalList]:
    from .vocabulary import STAGES

    out: dict[str, NationalList] = {}
    if entries is None:
        return out
    if not isinstance(entries, list):
        problems.append(Problem(label, _line(entries), "national_lists", "must be a list of {stage, compiled, source}"))
        return out
    for entry in entries:
        if not isinstance(entry, dict):
            problems.append(Problem(label, _line(entry), "national_lists", "each entry must be a mapping"))
            continue
        stage, when, source = entry.get("stage"), entry.get("compiled"), str(entry.get("source") or "").strip()
        if stage not in STAGES:
            problems.append(Problem(label, _line(entry, "stage"), "stage", f"{stage!r} is not a pathway stage"))
        elif not isinstance(when, dt.date) or isinstance(when, dt.datetime) or when > dt.date.today():
            problems.append(Problem(label, _line(entry, "compiled"), "compiled", f"{stage}: {when!r} is not a past date"))
        elif not source:
            problems.append(Problem(label, _line(entry), "source", f"{stage}: say which list it was compiled from"))
        elif stage == "therapeutic_support":
            problems.append(Problem(label, _line(entry, "stage"), "stage", "therapeutic_support is known only from "
                                    "specialist services compiled area by area, never from a national list"))
        else:
            out[stage] = NationalList(stage, when, source)
    return out
