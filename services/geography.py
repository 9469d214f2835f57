"""Where is this? Postcodes, towns and local authorities of England, resolved offline.

Why offline first: a postcode typed into Waymark is where a child lives. It is resolved
against files shipped in ``data/geography/`` (built by ``python -m databuild geography``) so
it never leaves the machine. An online geocoder (Nominatim) is an opt-in last resort, off by
default, and never sees a query the offline data could answer.

One interface, a chain of interchangeable resolvers (like geopy's geocoders, each in
:mod:`services.geo.resolvers` with the table it answers from): full postcode → outward code →
local authority name or code → gazetteer town → district → optional online geocoder. The
first that recognises the text answers; malformed or unknown text gets an error whose
message names the text and says what to type instead. Map geometry (which authority a point
is in, where children live) is :mod:`services.geo.areas`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from .datadir import SHIPPED_DATA
from .errors import DataError, GeocoderUnavailable, InvalidInput, PlaceNotFound
from .geo import resolvers
from .geo.areas import AreaGeometry
from .geo.places import Authority, Place
from .geo.resolvers import USER_AGENT as USER_AGENT  # re-exported: see __all__
from .geo.resolvers import (
    AuthorityResolver,
    DistrictResolver,
    GazetteerResolver,
    NominatimResolver,
    OutcodeResolver,
    PostcodeResolver,
    Resolver,
)
from .geo.tables import AuthorityTable
from .geo.text import (
    EXAMPLES,
    close_names,
    looks_like_postcode,
    name_key,
    normalise_outcode,
    normalise_postcode,
    postcode_area,
)

__all__ = [
    "Authority",
    "Place",
    "Geography",
    "normalise_postcode",
    "normalise_outcode",
    "looks_like_postcode",
    "postcode_area",
    "SHIPPED_GEOGRAPHY",
    "ONLINE_ENV_VAR",
]
__all__ += resolvers.__all__  # the resolvers, and their user agent, are part of this interface

SHIPPED_GEOGRAPHY = SHIPPED_DATA / "geography"
ONLINE_ENV_VAR = "WAYMARK_ONLINE_GEOCODER"

_CACHE: dict[tuple[Path, bool], Geography] = {}
_CACHE_LOCK = threading.Lock()


class Geography:
    """England's authorities, postcodes, outward codes and towns for one data directory.

    Use :meth:`load` (one per directory and online setting). Small tables load at once;
    each postcode area's partition and the boundaries load on first use.
    """

    def __init__(self, data_dir: Path, *, online: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.online = online
        if not self.data_dir.is_dir():
            raise DataError(f"{self.data_dir}: geography directory not found; run python -m databuild geography")
        self.table = AuthorityTable(self.data_dir)
        self.areas = AreaGeometry(self.data_dir, self.table)
        outcodes = OutcodeResolver(self.data_dir, self.table)
        self.postcodes = PostcodeResolver(self.data_dir, self.table, outcodes.table)
        self.outcodes = outcodes
        self.gazetteer = GazetteerResolver(self.data_dir, self.table)
        self.resolvers: list[Resolver] = [
            self.postcodes, outcodes, AuthorityResolver(self.table), self.gazetteer, DistrictResolver(self.table),
        ]
        if online:
            self.resolvers.append(NominatimResolver(self.authority_at))

    @classmethod
    def load(cls, data_dir: Path | str | None = None, *, online: bool | None = None) -> Geography:
        """The geography in ``data_dir`` (a ``geography`` folder, or a data root holding
        one; default the shipped one). ``online`` defaults to the environment variable
        ``WAYMARK_ONLINE_GEOCODER=1``; otherwise the online geocoder is off."""
        d = Path(data_dir) if data_dir is not None else SHIPPED_GEOGRAPHY
        if not (d / "authorities.csv").exists() and (d / "geography" / "authorities.csv").exists():
            d = d / "geography"
        if online is None:
            online = os.environ.get(ONLINE_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}
        key = (d.resolve(), bool(online))
        with _CACHE_LOCK:
            geo = _CACHE.get(key)
            if geo is None:
                geo = _CACHE[key] = cls(d, online=bool(online))
            return geo

    @classmethod
    def clear_cache(cls) -> None:
        """Forget every loaded geography (tests; after rebuilding the data)."""
        with _CACHE_LOCK:
            _CACHE.clear()

    # ---- authorities -------------------------------------------------------------

    @property
    def authorities(self) -> dict[str, Authority]:
        """All upper-tier authorities by current GSS code (153 for England)."""
        return dict(self.table.by_code)

    @property
    def boundaries_path(self) -> Path:
        """The simplified authority boundaries (GeoJSON, properties ``code``, ``name``)."""
        return self.areas.boundaries_path

    def authority(self, code_or_name: str) -> Authority | None:
        """The authority for a GSS code (current, lower-tier or former) or a name; None if unknown."""
        return self.table.get(code_or_name)

    def require_authority(self, code_or_name: str, *, field: str = "area") -> Authority:
        """The children's services authority for a code or name, or PlaceNotFound saying what
        to type: the successors of an abolished one ("Cumbria" → Cumberland or Westmorland
        and Furness; a former district is found as the authority that now serves it), or the
        close names ("Did you mean York?")."""
        authority = self.table.get(code_or_name)
        if authority is not None and authority.code in self.table.by_code:
            return authority
        split = self.table.split_message(code_or_name)
        if split:
            raise PlaceNotFound(f"{field}: {split}")
        close = close_names(code_or_name, {name_key(a.name): a.name for a in self.table.by_code.values()},
                            cutoff=0.75)
        hint = (" Did you mean " + " or ".join(close) + "?") if close else ""
        raise PlaceNotFound(
            f"{field}: {code_or_name!r} is not an English children's services authority.{hint} "
            "Give its name (e.g. York) or its GSS code (e.g. E06000014).")

    # ---- single lookups (the resolvers' own entry points) ------------------------------

    def resolve_postcode(self, text: str) -> Place:
        """A full postcode, any case or spacing → its position and authority (or an error)."""
        return self.postcodes.lookup(text)

    def resolve_outcode(self, text: str) -> Place:
        """An outward code ("TR1") → the mean position of its postcodes (or an error)."""
        return self.outcodes.lookup(text)

    def resolve_name(self, text: str) -> Place | None:
        """A town or village ("Truro", "Richmond, North Yorkshire") from the gazetteer, or None."""
        return self.gazetteer.resolve(text)

    # ---- the chain -----------------------------------------------------------------

    def resolve(self, query: str) -> Place:
        """Resolve free text: full postcode → outward code → authority → town → (online).

        Raises InvalidPostcode for a malformed postcode attempt ("YO10 5D", "ZZ99"),
        PlaceNotFound for well-formed text that nothing knows, InvalidInput for empty text.
        Only WaymarkError subclasses escape."""
        if not isinstance(query, str) or not query.strip():
            raise InvalidInput(f"Nothing to look up: type {EXAMPLES}.")
        text = query.strip()
        if len(text) > 200:
            raise InvalidInput("That is too long for a place: type " + EXAMPLES + ".")
        online_error: GeocoderUnavailable | None = None
        for resolver in self.resolvers:
            if not resolver.sees_postcodes and looks_like_postcode(text):
                break
            try:
                place = resolver.resolve(text)
            except GeocoderUnavailable as exc:
                online_error = exc
                break
            if place is not None:
                return place
        suggestions = self._suggest(text)
        hint = " Did you mean " + " or ".join(suggestions) + "?" if suggestions else ""
        why = (" The online place lookup could not be reached, so only Waymark's own list was searched."
               if online_error is not None else "")
        raise PlaceNotFound(
            f"{text!r} is not a place, postcode or local authority in England that Waymark "
            f"knows.{hint}{why} Type {EXAMPLES}.", suggestions=tuple(suggestions))

    def _suggest(self, text: str) -> list[str]:
        names: dict[str, str] = {}
        for resolver in reversed(self.resolvers):  # towns before authorities, as typed most
            for key, display in resolver.known_names().items():
                names.setdefault(key, display)
        return close_names(text, names)

    # ---- spatial -------------------------------------------------------------------

    def authority_at(self, lat: float, lon: float) -> Authority | None:
        """The authority containing a point, else the nearest within ~5 km, else None."""
        return self.areas.authority_at(lat, lon)

    def area_points(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Population-weighted points covering an authority, for gap analysis."""
        return self.areas.area_points(code)
