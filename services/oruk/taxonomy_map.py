"""The user-editable map from a feed's taxonomy terms to Waymark service types.

``data/oruk/taxonomy_map.yaml`` (or any file given with ``--taxonomy-map``)::

    terms:                       # term id, code or name → Waymark service types
      Sexual assault referral centre: [sarc]
      esd:1052: [social_care_front_door]
    ignore:                      # terms known to be outside Waymark's scope
      - Sports and leisure

Keys match a term's id, its code or its name, ignoring case, spacing, quotes and ``&``/
``and``. A term that matches nothing (and is not ignored) is listed in the import report
with the services that carry it, so the map can be extended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..datadir import SHIPPED_DATA
from ..errors import DataFileError, Problem
from ..vocabulary import SERVICE_TYPES
from ..yamlio import LineDict, LineList, load_yaml

__all__ = ["TaxonomyMap", "Term", "DEFAULT_MAP", "term_key"]

DEFAULT_MAP = SHIPPED_DATA / "oruk" / "taxonomy_map.yaml"


def term_key(text: object) -> str:
    """How terms are compared: case, spacing, quotes and '&' vs 'and' ignored."""
    t = str(text).casefold().replace("&", " and ")
    t = re.sub(r"[\u2018\u2019'`\"]", "", t)
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class Term:
    """A taxonomy term as a feed gives it (any of the parts may be missing)."""

    id: str | None
    code: str | None = None
    name: str | None = None
    taxonomy: str | None = None

    def keys(self) -> list[str]:
        return [term_key(v) for v in (self.id, self.code, self.name) if v]

    @property
    def label(self) -> str:
        return self.name or self.code or self.id or "?"


@dataclass
class TaxonomyMap:
    """Term → service types, plus terms deliberately ignored."""

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | str | None = None) -> TaxonomyMap:
        """Read and check a map file; a bad entry is a DataFileError naming its line."""
        p = Path(path) if path is not None else DEFAULT_MAP
        raw = load_yaml(p)
        label = str(p)
        problems: list[Problem] = []
        out = cls(path=p)
        if raw is None:
            return out
        if not isinstance(raw, LineDict):
            raise DataFileError([Problem(label, getattr(raw, "line", 1), "map", "must be a mapping with 'terms' and 'ignore'")])
        for key in raw:
            if key not in ("terms", "ignore"):
                problems.append(Problem(label, raw.key_lines[key], str(key), "is not a known key (expected 'terms' or 'ignore')"))
        terms = raw.get("terms") or LineDict()
        if not isinstance(terms, LineDict):
            problems.append(Problem(label, raw.key_lines.get("terms"), "terms", "must map term → service types"))
            terms = LineDict()
        for key, value in terms.items():
            line = terms.key_lines.get(key)
            types = [value] if isinstance(value, str) else value
            if not isinstance(types, list) or not types:
                problems.append(Problem(label, line, str(key), "must name one or more Waymark service types"))
                continue
            bad = [t for t in types if t not in SERVICE_TYPES]
            if bad:
                problems.append(
                    Problem(label, line, str(key), f"{', '.join(map(repr, bad))} is not a Waymark service type "
                            f"(one of: {', '.join(SERVICE_TYPES)})")
                )
                continue
            k = term_key(key)
            if k in out.terms and out.terms[k] != tuple(types):
                problems.append(Problem(label, line, str(key), "is mapped twice (keys ignore case and spacing)"))
                continue
            out.terms[k] = tuple(dict.fromkeys(types))
        ignore = raw.get("ignore") or LineList()
        if not isinstance(ignore, list):
            problems.append(Problem(label, raw.key_lines.get("ignore"), "ignore", "must be a list of terms"))
        else:
            out.ignore = {term_key(t) for t in ignore if t is not None}
        if problems:
            raise DataFileError(problems)
        return out

    def lookup(self, term: Term) -> tuple[str, ...] | None:
        """Service types for a term; ``()`` when ignored; None when the map does not know it."""
        keys = term.keys()
        for k in keys:
            if k in self.terms:
                return self.terms[k]
        if any(k in self.ignore for k in keys):
            return ()
        return None
